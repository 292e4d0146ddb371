"""People expected at an event (registrations), walk-ins, and duplicate warnings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from convener.storage.errors import NotFoundError, ValidationError
from convener.storage.records import validate_attendee
from convener.storage.rows import audit, insert, one, update
from convener.storage.text import name_key

if TYPE_CHECKING:
    from sqlite_utils import Database

ATTENDEE_QUERY = """
SELECT p.*, r.source, r.id AS registration_id, c.checked_in_at, c.id AS checkin_id
FROM registrations r
JOIN people p ON p.id = r.person_id
LEFT JOIN checkins c ON c.event_id = r.event_id AND c.person_id = p.id AND c.undone_at IS NULL
WHERE r.event_id = ?
"""


def list_attendees(db: Database, event_id: str) -> list[dict[str, Any]]:
    """Everyone registered for the event, by name, with their active check-in if any."""
    return list(db.query(ATTENDEE_QUERY + " ORDER BY p.name_key", [event_id]))


DOOR_QUERY = """
SELECT p.id, p.name, p.designation, p.organisation, p.phone, p.gender, p.stakeholder_group,
  p.protected, r.source, c.checked_in_at
FROM registrations r
JOIN people p ON p.id = r.person_id
LEFT JOIN checkins c ON c.event_id = r.event_id AND c.person_id = p.id AND c.undone_at IS NULL
WHERE r.event_id = ?
"""
# Columns that repeat across thousands of rows; one shared str each keeps the door list small.
_SHARED = ("designation", "organisation", "gender", "stakeholder_group", "source")


def door_list(db: Database, event_id: str) -> list[dict[str, Any]]:
    """What the check-in screen holds for everyone registered: the searchable and counted
    columns only, repeated values shared, so 10,000 people take a few MB, not tens."""
    cursor = db.execute(DOOR_QUERY, [event_id])
    keys = [d[0] for d in cursor.description]
    shared: dict[str, str] = {}
    rows = []
    for values in cursor:
        row = dict(zip(keys, values, strict=True))
        for key in _SHARED:
            value = row[key]
            if value is not None:
                row[key] = shared.setdefault(value, value)
        rows.append(row)
    return rows


def get_attendee(db: Database, event_id: str, person_id: str) -> dict[str, Any]:
    row = one(db, ATTENDEE_QUERY + " AND p.id = ?", [event_id, person_id])
    if row is None:
        raise NotFoundError(f"no attendee {person_id} at this event")
    return row


def probable_duplicates(db: Database, event_id: str, name: str) -> list[dict[str, Any]]:
    """Registered people whose name equals `name` modulo case, spacing and NFC."""
    return list(db.query(ATTENDEE_QUERY + " AND p.name_key = ?", [event_id, name_key(name)]))


def add_attendee(
    db: Database, event_id: str, fields: dict[str, Any], source: str = "expected"
) -> dict[str, Any]:
    """Validate, store the person and register them for the event."""
    row, problems = validate_attendee(fields)
    if problems:
        raise ValidationError("attendee", problems)
    with db.atomic():
        person = insert(db, "people", {**row, "name_key": name_key(row["name"])})
        insert(
            db, "registrations", {"event_id": event_id, "person_id": person["id"], "source": source}
        )
        audit(db, "register", "person", person["id"], event_id, {"source": source})
    return get_attendee(db, event_id, person["id"])


def update_attendee(
    db: Database, event_id: str, person_id: str, fields: dict[str, Any]
) -> dict[str, Any]:
    """Validate the full set of fields and save the ones that changed."""
    current = get_attendee(db, event_id, person_id)
    row, problems = validate_attendee({**current, **fields})
    if problems:
        raise ValidationError("attendee", problems)
    row["name_key"] = name_key(row["name"])
    changes = {k: v for k, v in row.items() if current.get(k) != v}
    if changes:
        with db.atomic():
            update(db, "people", person_id, changes)
            audit(db, "update", "person", person_id, event_id, {"fields": sorted(changes)})
    return get_attendee(db, event_id, person_id)


def remove_attendee(db: Database, event_id: str, person_id: str) -> None:
    """Unregister someone who never checked in or spoke; delete the person if unused elsewhere.

    Someone with a check-in history or notes is kept: removing them would rewrite the record.
    """
    get_attendee(db, event_id, person_id)
    if one(
        db,
        "SELECT 1 AS x FROM checkins WHERE event_id = ? AND person_id = ?",
        [event_id, person_id],
    ) or one(
        db, "SELECT 1 AS x FROM notes WHERE event_id = ? AND speaker_id = ?", [event_id, person_id]
    ):
        raise ValidationError(
            "attendee",
            ["has check-ins or notes at this event; undo the check-in instead of removing"],
        )
    with db.atomic():
        db.execute(
            "DELETE FROM registrations WHERE event_id = ? AND person_id = ?", [event_id, person_id]
        )
        if not one(db, "SELECT 1 AS x FROM registrations WHERE person_id = ?", [person_id]):
            db.execute("DELETE FROM action_items WHERE owner_person_id = ?", [person_id])
            db.execute("DELETE FROM people WHERE id = ?", [person_id])
        audit(db, "unregister", "person", person_id, event_id)
