"""Search-as-you-type over attendees: precomputed folded keys, no database round trip.

Keys are built once when the screen loads; each keystroke is a substring scan over them
(about 2 ms for 10,000 people), so the typed character is never held back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from storage.text import digits, fold


@dataclass
class Entry:
    """One attendee as the check-in list sees them."""

    row: dict[str, Any]
    name_key: str = ""
    key: str = ""

    @classmethod
    def of(cls, row: dict[str, Any]) -> Entry:
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

    @classmethod
    def build(cls, rows: list[dict[str, Any]]) -> AttendeeIndex:
        index = cls([Entry.of(r) for r in rows])
        index.entries.sort(key=lambda e: e.name_key)
        return index

    def add(self, row: dict[str, Any]) -> Entry:
        entry = Entry.of(row)
        self.entries.append(entry)
        self.entries.sort(key=lambda e: e.name_key)
        return entry

    def find(self, person_id: str) -> Entry | None:
        for entry in self.entries:
            if entry.row["id"] == person_id:
                return entry
        return None

    def search(self, query: str) -> list[Entry]:
        """Entries matching every word of `query`; names that start with it come first."""
        terms = [fold(t) for t in query.split()]
        terms = [t for t in terms if t]
        if not terms:
            return list(self.entries)
        joined = fold(query)
        hits = [
            e
            for e in self.entries
            if all(t in e.key for t in terms) or (len(terms) > 1 and joined in e.key)
        ]
        hits.sort(key=lambda e: (not e.name_key.startswith(joined), joined not in e.name_key))
        return hits
