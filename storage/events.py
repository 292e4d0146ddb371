"""Events and their agendas: create, find, list with counts, edit, start, end, delete."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from convener.storage.clock import offset_text, utc_now
from convener.storage.db.raw import Queryable
from convener.storage.errors import NotFoundError, ValidationError
from convener.storage.records import validate_event
from convener.storage.rows import audit, every, insert, one, update
from convener.storage.text import clean_line, slugify

if TYPE_CHECKING:
    from sqlite_utils import Database


def decode(event: dict[str, Any]) -> dict[str, Any]:
    """An events row with `organisers` as a list."""
    return {**event, "organisers": json.loads(event.get("organisers") or "[]")}


def get_event(db: Database, ref: str) -> dict[str, Any]:
    """The event whose slug or id is `ref`."""
    row = one(db, "SELECT * FROM events WHERE slug = ? OR id = ?", [ref, ref])
    if row is None:
        raise NotFoundError(f"no event {ref!r}; `convener events` lists them")
    return decode(row)


def unique_slug(db: Database, title: str, date: str | None) -> str:
    """A slug made from title and date that no other event has."""
    base = slugify(title, date)
    slug, n = base, 2
    while one(db, "SELECT id FROM events WHERE slug = ?", [slug]):
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_event(db: Database, fields: dict[str, Any]) -> dict[str, Any]:
    """Validate and store a new event; raises ValidationError listing every bad field."""
    row, problems = validate_event(fields)
    if problems:
        raise ValidationError("event", problems)
    with db.atomic():
        row["slug"] = clean_line(fields.get("slug")) or unique_slug(db, row["title"], row["date"])
        row["organisers"] = json.dumps(row["organisers"], ensure_ascii=False)
        saved = insert(db, "events", row)
        audit(db, "create", "event", saved["id"], saved["id"])
    return decode(saved)


def update_event(db: Database, event_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Validate a full set of event fields and save those that changed."""
    current = get_event(db, event_id)
    row, problems = validate_event({**current, **fields})
    if problems:
        raise ValidationError("event", problems)
    row["organisers"] = json.dumps(row["organisers"], ensure_ascii=False)
    raw = one(db, "SELECT * FROM events WHERE id = ?", [event_id]) or {}
    changes = {k: v for k, v in row.items() if raw.get(k) != v}
    if changes:
        with db.atomic():
            update(db, "events", event_id, changes)
            audit(db, "update", "event", event_id, event_id, {"fields": sorted(changes)})
    return get_event(db, event_id)


def list_events(db: Queryable) -> list[dict[str, Any]]:
    """Every event, newest first, with expected and checked-in counts.

    The home screen's list: it runs on a bare connection, before sqlite-utils is loaded.
    """
    rows = every(
        db,
        """
        SELECT e.*,
          (SELECT count(*) FROM registrations r WHERE r.event_id = e.id) AS expected,
          (SELECT count(*) FROM checkins c
             WHERE c.event_id = e.id AND c.undone_at IS NULL) AS checked_in
        FROM events e ORDER BY e.date DESC, e.title
        """,
    )
    return [decode(r) for r in rows]


def start_session(db: Database, event_id: str) -> dict[str, Any]:
    """Make the event live; the first start sets `started_at` (the timer's zero)."""
    event = get_event(db, event_id)
    with db.atomic():
        changes: dict[str, Any] = {"status": "live", "ended_at": None}
        if not event["started_at"]:
            changes["started_at"] = utc_now()
        if not event.get("utc_offset"):
            # The session runs where the event is: times typed later without an offset
            # (an attendee list's check-ins) are read in this zone.
            changes["utc_offset"] = offset_text()
        update(db, "events", event_id, changes)
        audit(db, "start", "event", event_id, event_id)
    return get_event(db, event_id)


def end_session(db: Database, event_id: str) -> dict[str, Any]:
    """Mark the event ended now."""
    with db.atomic():
        update(db, "events", event_id, {"status": "ended", "ended_at": utc_now()})
        audit(db, "end", "event", event_id, event_id)
    return get_event(db, event_id)


def delete_event(db: Database, event_id: str) -> None:
    """Delete an event and everything recorded at it; people registered nowhere else go too.

    secure_delete overwrites the freed pages, so their bytes leave the file.
    """
    get_event(db, event_id)
    with db.atomic():
        people = [
            r["person_id"]
            for r in db.query("SELECT person_id FROM registrations WHERE event_id = ?", [event_id])
        ]
        for table in ("drafts", "action_items"):
            db.execute(f"DELETE FROM {table} WHERE event_id = ?", [event_id])
        db.execute(
            "DELETE FROM note_revisions WHERE note_id IN (SELECT id FROM notes WHERE event_id = ?)",
            [event_id],
        )
        for table in ("notes", "checkins", "registrations", "agenda_items"):
            db.execute(f"DELETE FROM {table} WHERE event_id = ?", [event_id])
        db.execute("DELETE FROM events WHERE id = ?", [event_id])
        for person_id in people:
            _delete_if_orphan(db, person_id)
        db.execute("DELETE FROM audit WHERE event_id = ?", [event_id])
        audit(db, "delete", "event", event_id, None)


def _delete_if_orphan(db: Database, person_id: str) -> None:
    for table, column in (
        ("registrations", "person_id"),
        ("checkins", "person_id"),
        ("notes", "speaker_id"),
        ("action_items", "owner_person_id"),
    ):
        if one(db, f"SELECT 1 AS x FROM {table} WHERE {column} = ?", [person_id]):
            return
    db.execute("DELETE FROM people WHERE id = ?", [person_id])


def agenda(db: Database, event_id: str) -> list[dict[str, Any]]:
    """The agenda in order."""
    return list(
        db.query("SELECT * FROM agenda_items WHERE event_id = ? ORDER BY position", [event_id])
    )


def set_agenda(db: Database, event_id: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Replace the agenda with `items` in order, keeping the ids of items that stay.

    Items that notes point at are kept (renumbered last) rather than deleted.
    """
    keep_ids = {i.get("id") for i in items if i.get("id")}
    with db.atomic():
        last = len(items)
        for old in agenda(db, event_id):
            if old["id"] in keep_ids:
                continue
            used = one(db, "SELECT 1 AS x FROM notes WHERE agenda_item_id = ?", [old["id"]])
            if used:
                last += 1
                update(db, "agenda_items", old["id"], {"position": last})
            else:
                db.execute("DELETE FROM agenda_items WHERE id = ?", [old["id"]])
        for position, item in enumerate(items, start=1):
            fields = {
                "position": position,
                "title": clean_line(item.get("title")),
                "starts_at": clean_line(item.get("starts_at")) or None,
                "presenter": clean_line(item.get("presenter")),
            }
            if item.get("id") and one(db, "SELECT id FROM agenda_items WHERE id = ?", [item["id"]]):
                update(db, "agenda_items", item["id"], fields)
            else:
                insert(db, "agenda_items", {"event_id": event_id, **fields})
        audit(db, "agenda", "event", event_id, event_id, {"items": len(items)})
    return agenda(db, event_id)
