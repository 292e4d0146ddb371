"""One entry point for every import: YAML events, YAML/CSV/XLSX attendee lists."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from convener.storage.clock import stable_id
from convener.storage.errors import ValidationError
from convener.storage.events import get_event
from convener.storage.imports.attendee_sheet import load_attendee_sheet
from convener.storage.imports.event_file import ImportReport, import_yaml
from convener.storage.rows import merge
from convener.storage.text import name_key

if TYPE_CHECKING:
    from sqlite_utils import Database

YAML_SUFFIXES = {".yaml", ".yml"}
SHEET_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls"}


def import_file(db: Database, path: Path, event_ref: str | None = None) -> ImportReport:
    """Import `path` into the database in one transaction; raises ValidationError on any problem."""
    if not path.is_file():
        raise ValidationError(str(path), ["no such file"])
    suffix = path.suffix.lower()
    try:
        if suffix in YAML_SUFFIXES:
            return import_yaml(db, path, event_ref)
        if suffix in SHEET_SUFFIXES:
            if not event_ref:
                raise ValidationError(
                    str(path),
                    ["an attendee list needs an event: add --event SLUG (see `convener events`)"],
                )
            return import_attendee_sheet(db, path, event_ref)
    except sqlite3.IntegrityError as exc:
        # The import's transaction has rolled back: say what clashed instead of a traceback.
        raise ValidationError(str(path), [conflict_message(exc)]) from exc
    raise ValidationError(
        str(path), [f"unsupported file type {suffix or '(none)'}: use .yaml, .csv or .xlsx"]
    )


def conflict_message(exc: sqlite3.IntegrityError) -> str:
    """What a constraint failure during an import means for the person importing."""
    text = str(exc)
    if "events.slug" in text:
        why = (
            "an event with this slug already exists but was not imported from this file; "
            "change `slug:` in the file"
        )
    elif "checkins" in text:
        why = (
            "someone in this file is already checked in at this event; "
            "remove their `checked_in:` or undo that check-in"
        )
    else:
        why = f"it clashes with data already in the database ({text})"
    return f"{why}. Nothing was imported"


def import_attendee_sheet(db: Database, path: Path, event_ref: str) -> ImportReport:
    """Register everyone on a spreadsheet for the event; re-importing finds them again."""
    event = get_event(db, event_ref)
    rows = load_attendee_sheet(path)
    report = ImportReport(event["slug"], event["title"])
    with db.atomic():
        for row in rows:
            key = f"{name_key(row['name'])}|{row['organisation']}"
            person_id = stable_id("person", event["slug"], key)
            report.count(
                "people",
                merge(db, "people", {"id": person_id, **row, "name_key": name_key(row["name"])}),
            )
            report.count(
                "registrations",
                merge(
                    db,
                    "registrations",
                    {
                        "id": stable_id("registration", event["id"], person_id),
                        "event_id": event["id"],
                        "person_id": person_id,
                        "source": "expected",
                    },
                ),
            )
    return report
