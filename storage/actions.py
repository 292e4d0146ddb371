"""Action items: who does what by when, from a note or on their own."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from convener.storage.errors import NotFoundError, ValidationError
from convener.storage.records import ACTION_STATUSES, Problems, as_date, as_line
from convener.storage.rows import audit, insert, one, update

if TYPE_CHECKING:
    from sqlite_utils import Database

ACTION_QUERY = """
SELECT a.*, p.name AS owner_name, p.organisation AS owner_organisation,
  r.consent AS owner_consent, p.protected AS owner_protected
FROM action_items a LEFT JOIN people p ON p.id = a.owner_person_id
LEFT JOIN registrations r ON r.person_id = a.owner_person_id AND r.event_id = a.event_id
"""


def validate_action(fields: dict[str, Any]) -> dict[str, Any]:
    problems = Problems()
    row = {
        "what": as_line(fields.get("what"), "what", problems, 1000),
        "owner_person_id": fields.get("owner_person_id") or None,
        "owner_text": as_line(fields.get("owner_text"), "owner_text", problems),
        "due_date": as_date(fields.get("due_date"), "due_date", problems),
        "status": fields.get("status") or "open",
        "note_id": fields.get("note_id") or None,
    }
    if not row["what"]:
        problems.add("what", "is required")
    if not row["owner_person_id"] and not row["owner_text"]:
        problems.add("owner", "name a person or an organisation")
    if row["status"] not in ACTION_STATUSES:
        problems.add("status", f"expected one of {', '.join(ACTION_STATUSES)}")
    if problems:
        raise ValidationError("action item", problems)
    return row


def add_action_item(db: Database, event_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    row = validate_action(fields)
    with db.atomic():
        saved = insert(db, "action_items", {"event_id": event_id, **row})
        audit(db, "create", "action_item", saved["id"], event_id)
    return get_action_item(db, saved["id"])


def get_action_item(db: Database, action_id: str) -> dict[str, Any]:
    row = one(db, ACTION_QUERY + " WHERE a.id = ?", [action_id])
    if row is None:
        raise NotFoundError(f"no action item {action_id}")
    return row


def update_action_item(db: Database, action_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    current = get_action_item(db, action_id)
    row = validate_action({**current, **fields})
    changes = {k: v for k, v in row.items() if current.get(k) != v}
    if changes:
        with db.atomic():
            update(db, "action_items", action_id, changes)
            audit(db, "update", "action_item", action_id, current["event_id"])
    return get_action_item(db, action_id)


def list_action_items(db: Database, event_id: str) -> list[dict[str, Any]]:
    return list(
        db.query(ACTION_QUERY + " WHERE a.event_id = ? ORDER BY a.created_at, a.rowid", [event_id])
    )
