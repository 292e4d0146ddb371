"""One entry point for every import: YAML events, YAML/CSV/XLSX attendee lists."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from convener.storage.errors import ValidationError
from convener.storage.imports.event_file import ImportReport, import_yaml
from convener.storage.imports.merge import ImportPreview, import_list

if TYPE_CHECKING:
    from sqlite_utils import Database

YAML_SUFFIXES = {".yaml", ".yml"}
SHEET_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls"}


def import_file(
    db: Database, path: Path, event_ref: str | None = None, *, allow_replace: bool = False
) -> ImportReport:
    """Import `path` into the database in one transaction; raises ValidationError on any problem.

    An event file whose slug is taken by an event with another title or date raises
    EventClashError unless `allow_replace` (the app asks first; the command line has
    `--replace`).
    """
    if not path.is_file():
        raise ValidationError(str(path), ["no such file"])
    suffix = path.suffix.lower()
    try:
        if suffix in YAML_SUFFIXES:
            return import_yaml(db, path, event_ref, allow_replace=allow_replace)
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
    """Merge a spreadsheet into the event's registrations without asking (see merge.py).

    Questions (same name and organisation, different phone) are answered "a new person":
    nobody is merged on a guess. Screens and `convener import --dry-run` show the preview
    first with `merge.preview_import`.
    """
    return report_of(import_list(db, path, event_ref, answers={}))


def report_of(done: ImportPreview) -> ImportReport:
    """An applied list import as the counts every import reports."""
    report = ImportReport(done.event_slug, done.event_title)
    for outcome, items in (
        ("inserted", done.new),
        ("updated", done.changed),
        ("unchanged", done.unchanged),
    ):
        for _ in items:
            report.count("people", outcome)
    report.outcomes.setdefault("people", Counter())
    report.warnings.extend(done.warnings)
    return report
