"""Merging another laptop's rows of an event into this database, in one transaction.

`merge_into` is the one entry point: a bundle import (convener.storage.sync.bundle) calls it
with the rows of the attached bundle; head office (issue 17) can call it with any other
database's rows. What it decides is `rules.combine`; this module only reads, writes the
difference, and says what changed.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from convener.storage.erasure import Scrubber, name_tokens
from convener.storage.hlc import Stamp
from convener.storage.rows import audit, every, hlc_receive
from convener.storage.sync.rules import MERGE, Scrub, combine, gone_people, version
from convener.storage.sync.state import TABLES, EventState, Row, read_event_state
from convener.storage.text import counted

if TYPE_CHECKING:
    from sqlite_utils import Database


@dataclass
class MergeReport:
    """What one merge did, in the words the import prints."""

    event_id: str
    new: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    removed: Counter[str] = field(default_factory=Counter)
    conflicts_kept: int = 0
    checkins_undone: int = 0
    review: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """One line each: new, updated, conflicts kept, duplicates to review."""

        def listed(counts: Counter[str]) -> str:
            words = [counted(n, *ROW_WORDS.get(t, (t, t))) for t, n in sorted(counts.items()) if n]
            return ", ".join(words) or "nothing"

        return [
            f"new: {listed(self.new)}",
            f"updated: {listed(self.updated)}",
            f"removed (deleted or erased elsewhere): {listed(self.removed)}",
            f"conflicts kept: {counted(self.conflicts_kept, 'note version', 'note versions')}"
            " kept in the note's history; "
            f"{counted(self.checkins_undone, 'check-in', 'check-ins')} at a second door"
            " undone by merge",
            f"to review: {len(self.review)}",
            *(f"  {item}" for item in self.review),
        ]


# A table's rows as the person reading the import's report calls them.
ROW_WORDS = {
    "events": ("event", "events"),
    "agenda_items": ("agenda item", "agenda items"),
    "people": ("person", "people"),
    "registrations": ("registration", "registrations"),
    "checkins": ("check-in", "check-ins"),
    "notes": ("note", "notes"),
    "note_revisions": ("earlier note version", "earlier note versions"),
    "action_items": ("action item", "action items"),
}


def merge_into(db: Database, incoming: EventState, event_id: str) -> MergeReport:
    """Merge `incoming` (another laptop's state of the event) into `db`.

    Commutative, associative and idempotent over the rows (convener.storage.sync.rules):
    every laptop that has merged the same bundles holds the same rows, whatever the order.
    All or nothing: one transaction (a savepoint when the caller holds one), so a merge
    killed half-way leaves the database as it was. Afterwards this laptop's clock has
    received the newest stamp it merged, so what it stamps next sorts after it.
    """
    report = MergeReport(event_id)
    with db.atomic():
        db.execute("PRAGMA defer_foreign_keys = ON")
        local = read_event_state(db, event_id)
        _add_known_people(db, local, incoming)
        merged = combine([local, incoming], _scrubber(db, local, incoming))
        _write(db, local, merged, report)
        newest = max((version(r) for rows in incoming.values() for r in rows.values()), default="")
        if newest:
            # A row written before stamps has its wall time instead: no stamp to receive.
            with contextlib.suppress(ValueError):
                hlc_receive(db, Stamp.parse(newest))
        report.review = review_items(db, event_id)
        audit(db, "sync_merge", "event", event_id, event_id, _audit_detail(report))
    return report


def _add_known_people(db: Database, local: EventState, incoming: EventState) -> None:
    """People this laptop knows from other events are merged with its row, not replaced."""
    missing = [pid for pid in incoming["people"] if pid not in local["people"]]
    for start in range(0, len(missing), 500):
        chunk = missing[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        for row in every(db, f"SELECT * FROM people WHERE id IN ({marks})", chunk):
            local["people"][row["id"]] = row


def _scrubber(db: Database, local: EventState, incoming: EventState) -> Scrub | None:
    """Erasure's Scrubber for the people erased from the event, from whatever rows of theirs
    this laptop or the bundle still holds (None when there are none)."""
    gone = gone_people([local, incoming])
    rows = {pid: row for side in (local, incoming) for pid, row in side["people"].items()}
    found = [rows[pid] for pid in sorted(gone) if pid in rows]
    missing = sorted(pid for pid in gone if pid not in rows)
    for start in range(0, len(missing), 500):
        chunk = missing[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        found += every(db, f"SELECT * FROM people WHERE id IN ({marks})", chunk)
    if not found:
        return None
    others = {
        token.casefold()
        for pid, row in rows.items()
        if pid not in gone
        for token in name_tokens(row.get("name") or "")
    }
    return Scrubber(found, others)


def _write(db: Database, local: EventState, merged: EventState, report: MergeReport) -> None:
    """Write what differs: deletions first (they free unique slots), then check-ins being
    undone, then every new or changed row, parents before children."""
    for table in reversed(TABLES):
        gone = [key for key in local[table] if key not in merged[table]]
        if table == "people":
            continue  # below, once nothing points at them
        for key in gone:
            db.execute(f"DELETE FROM {table} WHERE id = ?", [key])
        report.removed[table] += len(gone)
    undone = [
        row
        for key, row in merged["checkins"].items()
        if key in local["checkins"] and row["undone_at"] and not local["checkins"][key]["undone_at"]
    ]
    for row in undone:
        _upsert(db, "checkins", row)
    for table in TABLES:
        for key, row in merged[table].items():
            before = local[table].get(key)
            if before == row:
                continue
            if not (table == "checkins" and row in undone):
                _upsert(db, table, row)
            (report.new if before is None else report.updated)[table] += 1
            if table == "note_revisions" and row.get("kept_by") == MERGE:
                report.conflicts_kept += 1
            if table == "checkins" and row["undone_device_id"] == MERGE:
                report.checkins_undone += before is None or before["undone_device_id"] != MERGE
    for key in local["people"]:
        if key not in merged["people"] and not _still_named(db, key):
            db.execute("DELETE FROM people WHERE id = ?", [key])
            report.removed["people"] += 1


def _upsert(db: Database, table: str, row: Row) -> None:
    columns = list(row)
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" * len(columns))
    sets = ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c != "id")
    db.execute(
        f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT(id) DO UPDATE SET {sets}",
        [row[c] for c in columns],
    )


def _still_named(db: Database, person_id: str) -> bool:
    for table, column in (
        ("registrations", "person_id"),
        ("checkins", "person_id"),
        ("notes", "speaker_id"),
        ("action_items", "owner_person_id"),
    ):
        if db.execute(f"SELECT 1 FROM {table} WHERE {column} = ?", [person_id]).fetchone():
            return True
    return False


def review_items(db: Database, event_id: str) -> list[str]:
    """What a person should look at after merging: notes edited on two laptops (both
    versions kept), and walk-ins entered at two doors who are probably one person."""
    items = [
        f"note {row['note_id'][:8]} was edited on two laptops: the other version is in its "
        f"history ({(row['text'] or '')[:40]!r})"
        for row in every(
            db,
            "SELECT k.note_id, n.text FROM note_revisions k JOIN notes n ON n.id = k.note_id"
            " WHERE n.event_id = ? AND k.kept_by = ? AND NOT EXISTS ("
            "  SELECT 1 FROM note_revisions e WHERE e.note_id = k.note_id"
            "  AND e.kept_by IS NULL AND e.replaced_hlc = k.replaced_hlc)"
            " ORDER BY k.note_id, k.hlc",
            [event_id, MERGE],
        )
    ]
    items += [
        f"walk-ins {row['a'][:8]} and {row['b'][:8]} are both called {row['name']!r}: "
        "merge them or keep both"
        for row in every(
            db,
            "SELECT pa.id AS a, pb.id AS b, pa.name AS name FROM registrations ra"
            " JOIN people pa ON pa.id = ra.person_id"
            " JOIN registrations rb ON rb.event_id = ra.event_id AND rb.person_id > ra.person_id"
            " JOIN people pb ON pb.id = rb.person_id AND pb.name_key = pa.name_key"
            " WHERE ra.event_id = ? AND 'walk_in' IN (ra.source, rb.source)"
            " ORDER BY pa.name_key, pa.id, pb.id",
            [event_id],
        )
    ]
    return items


def _audit_detail(report: MergeReport) -> dict[str, Any]:
    return {
        "new": sum(report.new.values()),
        "updated": sum(report.updated.values()),
        "conflicts_kept": report.conflicts_kept,
        "checkins_undone": report.checkins_undone,
        "to_review": len(report.review),
    }
