"""Live notes: who said what and when, edits with history, soft deletes, the saved draft."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from convener.storage.clock import parse_utc, utc_now
from convener.storage.errors import NotFoundError, ValidationError
from convener.storage.events import get_event
from convener.storage.hlc import Stamp, sql_order
from convener.storage.records import MAX_BLOCK, Problems, as_line
from convener.storage.rows import audit, hlc_now, hlc_stamp, insert, one, this_device, update
from convener.storage.taxonomy import load_taxonomy
from convener.storage.text import clean_block, clean_line

if TYPE_CHECKING:
    from sqlite_utils import Database

MAX_NOTE = 100_000
NOTE_FIELDS = (
    "speaker_id",
    "speaker_text",
    "attribution",
    "kind",
    "text",
    "tags",
    "agenda_item_id",
    "addressed_to",
    "answers_note_id",
)

NOTE_ORDER = sql_order("n.hlc", "n.noted_at")  # the order notes were taken (storage/hlc.py)
NOTE_QUERY = """
SELECT n.*, p.name AS speaker_name, p.designation AS speaker_designation,
  p.organisation AS speaker_organisation, p.stakeholder_group AS speaker_group,
  sr.consent AS speaker_consent, p.protected AS speaker_protected,
  a.title AS agenda_title, a.position AS agenda_position
FROM notes n
LEFT JOIN people p ON p.id = n.speaker_id
LEFT JOIN registrations sr ON sr.person_id = n.speaker_id AND sr.event_id = n.event_id
LEFT JOIN agenda_items a ON a.id = n.agenda_item_id
"""


def validate_note(fields: dict[str, Any]) -> dict[str, Any]:
    """Clean a note's fields; raises ValidationError naming each bad one."""
    tax = load_taxonomy()
    problems = Problems()
    text = clean_block(fields.get("text"))
    if not text:
        problems.add("text", "is empty")
    if len(text) > MAX_NOTE:
        problems.add("text", f"is {len(text):,} characters; the limit is {MAX_NOTE:,}")
    kind = fields.get("kind") or "key_point"
    if kind not in tax.note_kinds.codes:
        problems.add("kind", f"expected one of {', '.join(tax.note_kinds.codes)}; got {kind!r}")
    attribution = fields.get("attribution") or "named"
    if attribution not in tax.attributions.codes:
        problems.add(
            "attribution",
            f"expected one of {', '.join(tax.attributions.codes)}; got {attribution!r}",
        )
    tags = fields.get("tags") or []
    if isinstance(tags, str):
        tags = json.loads(tags) if tags.startswith("[") else tags.split(",")
    row = {
        "speaker_id": fields.get("speaker_id") or None,
        "speaker_text": as_line(fields.get("speaker_text"), "speaker_text", problems),
        "attribution": attribution,
        "kind": kind,
        "text": text,
        "tags": json.dumps([clean_line(t) for t in tags if clean_line(t)], ensure_ascii=False),
        "agenda_item_id": fields.get("agenda_item_id") or None,
        "addressed_to": as_line(fields.get("addressed_to"), "addressed_to", problems),
        "answers_note_id": fields.get("answers_note_id") or None,
    }
    if problems:
        raise ValidationError("note", problems)
    return row


def elapsed_since_start(event: dict[str, Any], at: str) -> int | None:
    """Seconds between the session start and `at` (None before the session starts)."""
    if not event.get("started_at"):
        return None
    return max(0, int((parse_utc(at) - parse_utc(event["started_at"])).total_seconds()))


def add_note(
    db: Database,
    event_id: str,
    fields: dict[str, Any],
    noted_at: str | None = None,
    *,
    window: str | None = None,
) -> dict[str, Any]:
    """Store a note stamped with the clock and the time since the session started.

    Saving a note also clears the draft in the same transaction: this window's (`window`),
    or, without one, every draft of the event.
    """
    row = validate_note(fields)
    event = get_event(db, event_id)
    with db.atomic():
        if noted_at:  # a note recorded for a given time is ordered by that time
            at, hlc = noted_at, str(Stamp.from_utc(noted_at, this_device(db)))
        else:
            at, hlc = hlc_now(db, event_id)
        saved = insert(
            db,
            "notes",
            {
                "event_id": event_id,
                "noted_at": at,
                "hlc": hlc,
                "elapsed_seconds": elapsed_since_start(event, at),
                **row,
            },
        )
        if window is None:
            db.execute("DELETE FROM drafts WHERE event_id = ?", [event_id])
        else:
            db.execute(
                "DELETE FROM drafts WHERE " + _DRAFT_KEY,
                [event_id, this_device(db), DRAFT_SCREEN, window],
            )
        audit(db, "create", "note", saved["id"], event_id)
    return get_note(db, saved["id"])


def get_note(db: Database, note_id: str) -> dict[str, Any]:
    row = one(db, NOTE_QUERY + " WHERE n.id = ?", [note_id])
    if row is None:
        raise NotFoundError(f"no note {note_id}")
    return row


def list_notes(
    db: Database, event_id: str, *, include_deleted: bool = False
) -> list[dict[str, Any]]:
    """The timeline in speaking order."""
    where = "" if include_deleted else " AND n.deleted_at IS NULL"
    return list(
        db.query(
            NOTE_QUERY + " WHERE n.event_id = ?" + where + f" ORDER BY {NOTE_ORDER}, n.rowid",
            [event_id],
        )
    )


def edit_note(
    db: Database, note_id: str, fields: dict[str, Any], *, window: str | None = None
) -> dict[str, Any]:
    """Change a note; the previous values are kept in `note_revisions`. Clears the draft of
    this edit: this window's (`window`), or, without one, every window's."""
    current = get_note(db, note_id)
    row = validate_note({**{k: current[k] for k in NOTE_FIELDS}, **fields})
    changes = {k: v for k, v in row.items() if current.get(k) != v}
    if changes:
        with db.atomic():
            previous = {k: current[k] for k in changes}
            insert(
                db,
                "note_revisions",
                {
                    "note_id": note_id,
                    "previous": json.dumps(previous, ensure_ascii=False),
                    "hlc": hlc_stamp(db, current["event_id"]),
                    "replaced_hlc": current["sync_hlc"],
                },
            )
            update(db, "notes", note_id, changes)
            mine = "" if window is None else " AND window_id = ?"
            db.execute(
                "DELETE FROM drafts WHERE note_id = ?" + mine,
                [note_id] if window is None else [note_id, window],
            )
            audit(db, "edit", "note", note_id, current["event_id"], {"fields": sorted(changes)})
    return get_note(db, note_id)


def mark_answer(db: Database, note_id: str, question_id: str | None) -> dict[str, Any]:
    """Record that a note answers an earlier question (None: it answers none).

    The report then shows the two together under Questions and answers.
    """
    note = get_note(db, note_id)
    if question_id is not None:
        question = get_note(db, question_id)
        problems = Problems()
        if question["event_id"] != note["event_id"] or question["deleted_at"]:
            problems.add("answers", "that question is not a note of this event")
        elif question["kind"] != "question":
            problems.add("answers", "that note is not a question")
        elif question_id == note_id or (question["noted_at"] or "") > (note["noted_at"] or ""):
            problems.add("answers", "an answer must come after its question")
        if problems:
            raise ValidationError("note", problems)
    return edit_note(db, note_id, {"answers_note_id": question_id})


def note_history(db: Database, note_id: str) -> list[dict[str, Any]]:
    """Earlier versions of a note, oldest first."""
    return [
        {**r, "previous": json.loads(r["previous"])}
        for r in db.query(
            "SELECT * FROM note_revisions WHERE note_id = ? ORDER BY hlc, rowid", [note_id]
        )
    ]


def delete_note(db: Database, note_id: str, *, restore: bool = False) -> None:
    """Soft-delete (or restore) a note: it leaves the timeline and exports, not the database."""
    current = get_note(db, note_id)
    with db.atomic():
        update(db, "notes", note_id, {"deleted_at": None if restore else utc_now()})
        audit(db, "restore" if restore else "delete", "note", note_id, current["event_id"])


DRAFT_SCREEN = "notes"
Alive = Callable[[str], bool]


def save_draft(
    db: Database,
    event_id: str,
    fields: dict[str, Any],
    *,
    window: str = "",
    screen: str = DRAFT_SCREEN,
) -> None:
    """Keep what is being typed, so a crash or a closed terminal loses at most a second.

    Each window keeps its own draft (event, device, screen, window): two windows on one
    database never write over each other's."""
    text = clean_block(fields.get("text"))[:MAX_NOTE]
    row = {
        "event_id": event_id,
        "speaker_id": fields.get("speaker_id") or None,
        "speaker_text": clean_line(fields.get("speaker_text"))[:MAX_BLOCK],
        "kind": fields.get("kind"),
        "attribution": fields.get("attribution"),
        "text": text,
        "tags": json.dumps(fields.get("tags") or [], ensure_ascii=False),
        "agenda_item_id": fields.get("agenda_item_id") or None,
        "note_id": fields.get("note_id") or None,
        "screen": screen,
        "window_id": window,
    }
    key = [event_id, this_device(db), screen, window]
    with db.atomic():
        existing = one(db, "SELECT id FROM drafts WHERE " + _DRAFT_KEY, key)
        if not text:
            db.execute("DELETE FROM drafts WHERE " + _DRAFT_KEY, key)
        elif existing:
            update(db, "drafts", existing["id"], row)
        else:
            insert(db, "drafts", row)


_DRAFT_KEY = "event_id = ? AND device_id = ? AND screen = ? AND window_id = ?"


def get_draft(
    db: Database,
    event_id: str,
    *,
    window: str | None = None,
    screen: str = DRAFT_SCREEN,
    alive: Alive | None = None,
) -> dict[str, Any] | None:
    """The draft to offer a window opening `screen`: its own, else the newest one left by a
    window that is gone (`alive` says which are not; a live window's draft is never offered).
    Without a window (a command, a test): the newest draft of the event, whoever's."""
    device = this_device(db)
    row = None
    if window is not None:
        row = one(
            db, "SELECT * FROM drafts WHERE " + _DRAFT_KEY, [event_id, device, screen, window]
        )
    if row is None and (window is None or alive is not None):
        left = db.query(
            "SELECT * FROM drafts WHERE event_id = ? AND device_id = ? AND screen = ?"
            " ORDER BY updated_at DESC, rowid DESC",
            [event_id, device, screen],
        )
        row = next(
            (
                r
                for r in left
                if window is None or (r["window_id"] != window and not _alive(alive, r))
            ),
            None,
        )
    if row:
        row["tags"] = json.loads(row["tags"] or "[]")
    return row


def _alive(alive: Alive | None, row: dict[str, Any]) -> bool:
    return bool(row["window_id"]) and alive is not None and alive(row["window_id"])


def claim_draft(db: Database, draft: dict[str, Any], window: str) -> bool:
    """Make a dead window's draft this window's own (False: another window took it first)."""
    if draft["window_id"] == window:
        return True
    with db.atomic():
        db.execute(
            "DELETE FROM drafts WHERE " + _DRAFT_KEY,
            [draft["event_id"], draft["device_id"], draft["screen"], window],
        )
        cursor = db.execute(
            "UPDATE drafts SET window_id = ? WHERE id = ? AND window_id = ?",
            [window, draft["id"], draft["window_id"]],
        )
    return cursor.rowcount == 1


def discard_draft(
    db: Database, event_id: str, *, window: str = "", draft_id: str | None = None
) -> None:
    """Drop this window's draft of the event, or the one draft offered (`draft_id`)."""
    if draft_id is not None:
        db.execute("DELETE FROM drafts WHERE id = ?", [draft_id])
    else:
        db.execute(
            "DELETE FROM drafts WHERE " + _DRAFT_KEY,
            [event_id, this_device(db), DRAFT_SCREEN, window],
        )
