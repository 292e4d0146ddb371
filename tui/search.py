"""Search-as-you-type over attendees: precomputed folded keys, no database round trip.

Keys are built once when the screen loads. A keystroke that extends the query searches only
the previous matches (every match of "kak" is a match of "ka"), and ranking is one pass into
three buckets rather than a sort, so 10,000 people take a few milliseconds per key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from convener.storage.text import digits, fold


@dataclass(slots=True)
class Entry:
    """One attendee as the check-in list sees them."""

    row: Mapping[str, Any]  # a DoorRow from storage.attendees.door_list, or a full dict
    name_key: str = ""
    key: str = ""

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> Entry:
        entry = cls(row)
        entry.reindex()
        return entry

    def reindex(self) -> None:
        r = self.row
        self.name_key = fold(r["name"] or "")
        self.key = "|".join(
            (
                self.name_key,
                fold(r.get("designation") or ""),
                fold(r.get("organisation") or ""),
                digits(r.get("phone") or ""),
            )
        )


@dataclass
class AttendeeIndex:
    """All attendees of an event, searchable by fragments of name, role, org or phone."""

    entries: list[Entry] = field(default_factory=list)
    # The last query and its matches (in index order): the pool for a query that extends it.
    _last: tuple[str, list[Entry]] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def build(cls, rows: Sequence[Mapping[str, Any]]) -> AttendeeIndex:
        index = cls([Entry.of(r) for r in rows])
        index.entries.sort(key=lambda e: e.name_key)
        return index

    def add(self, row: Mapping[str, Any]) -> Entry:
        entry = Entry.of(row)
        self.entries.append(entry)
        self.entries.sort(key=lambda e: e.name_key)
        self._last = None
        return entry

    def update(self, entry: Entry, row: Mapping[str, Any]) -> None:
        """Replace an entry's row (after a check-in or an edit) and re-key it."""
        entry.row = row
        entry.reindex()
        self._last = None

    def find(self, person_id: str) -> Entry | None:
        for entry in self.entries:
            if entry.row["id"] == person_id:
                return entry
        return None

    def search(self, query: str) -> list[Entry]:
        """Entries matching every word of `query`; names that start with it come first."""
        terms = [t for t in (fold(t) for t in query.split()) if t]
        if not terms:
            self._last = None
            return list(self.entries)
        joined = fold(query)
        pool = self.entries
        if self._last is not None and query.startswith(self._last[0]):
            pool = self._last[1]  # typing on narrows: no match of the longer query is lost
        if len(terms) == 1:
            hits = [e for e in pool if joined in e.key]
        else:
            hits = [e for e in pool if joined in e.key or all(t in e.key for t in terms)]
        self._last = (query, hits)
        return ranked(hits, joined)


def ranked(hits: list[Entry], joined: str) -> list[Entry]:
    """Names starting with the query, then names containing it, then the rest; stable."""
    starts: list[Entry] = []
    inside: list[Entry] = []
    other: list[Entry] = []
    for entry in hits:
        at = entry.name_key.find(joined)
        (starts if at == 0 else inside if at > 0 else other).append(entry)
    return starts + inside + other
