"""One event's shared rows, as every laptop holds them, and their fingerprint.

An event's state is what a bundle carries and what a merge compares: the event row, its
agenda, registrations, check-ins, notes with their earlier versions, action items, the
people they name, and the tombstones of what was deleted. Drafts, the audit trail and
settings stay on their laptop.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from convener.storage.db.raw import Queryable
from convener.storage.rows import every

Row = dict[str, Any]
# table -> row id -> row
EventState = dict[str, dict[str, Row]]

# In the order a merge writes them (a parent before its children).
TABLES = (
    "events",
    "agenda_items",
    "people",
    "registrations",
    "checkins",
    "notes",
    "note_revisions",
    "action_items",
    "sync_tombstones",
)

_BY_EVENT = "SELECT * FROM {s}.{t} WHERE event_id = :e"
QUERIES = {
    "events": "SELECT * FROM {s}.events WHERE id = :e",
    "agenda_items": _BY_EVENT,
    "registrations": _BY_EVENT,
    "checkins": _BY_EVENT,
    "notes": _BY_EVENT,
    "action_items": _BY_EVENT,
    "sync_tombstones": _BY_EVENT,
    "note_revisions": (
        "SELECT * FROM {s}.note_revisions WHERE note_id IN"
        " (SELECT id FROM {s}.notes WHERE event_id = :e)"
    ),
    "people": (
        "SELECT * FROM {s}.people WHERE id IN ("
        " SELECT person_id FROM {s}.registrations WHERE event_id = :e"
        " UNION SELECT person_id FROM {s}.checkins WHERE event_id = :e"
        " UNION SELECT speaker_id FROM {s}.notes WHERE event_id = :e"
        " UNION SELECT owner_person_id FROM {s}.action_items WHERE event_id = :e)"
    ),
}


def read_event_state(db: Queryable, event_id: str, schema: str = "main") -> EventState:
    """Every shared row of the event in database `schema` (an attached bundle: its name)."""
    return {
        table: {
            row["id"]: row
            for row in every(db, QUERIES[table].format(s=schema, t=table), {"e": event_id})  # type: ignore[arg-type]
        }
        for table in TABLES
    }


def canonical(value: object) -> str:
    """One text for equal data, whatever the order it was read in."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def state_fingerprint(state: EventState) -> str:
    """SHA-256 of the state in a canonical form: equal on two laptops iff the data is."""
    ordered = {t: [state[t][k] for k in sorted(state[t])] for t in TABLES}
    return hashlib.sha256(canonical(ordered).encode()).hexdigest()


def fingerprint(db: Queryable, event_id: str) -> str:
    """The event's fingerprint in this database (what every laptop shows after merging)."""
    return state_fingerprint(read_event_state(db, event_id))
