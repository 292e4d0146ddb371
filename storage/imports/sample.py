"""The bundled sample: the Quetta dialogue as it happened, plus a practice copy to try.

The full event shows a finished report; the practice copy has the same agenda and
expected attendees but nobody checked in and no notes, so a new user can run the day.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import TYPE_CHECKING

from convener.storage.imports.event_file import ImportReport, import_loaded, load_event_file
from convener.storage.paths import bundled_file

if TYPE_CHECKING:
    from sqlite_utils import Database

SAMPLE_PATH = bundled_file("quetta-dialogue.yaml")
PRACTICE_SUFFIX = "-practice"


def load_sample(db: Database, path: Path = SAMPLE_PATH) -> list[ImportReport]:
    """Import the sample event and its practice copy (idempotent); return both reports."""
    loaded = load_event_file(path)
    full = import_loaded(db, loaded)
    practice = copy.deepcopy(loaded)
    event = practice.data["event"]
    event["slug"] = f"{full.event_slug}{PRACTICE_SUFFIX}"
    event["title"] = f"Practice: {event['title']}"
    event["status"] = "planned"
    for field in ("started_at", "ended_at"):
        event.pop(field, None)
    for key in ("notes", "action_items"):
        practice.data.pop(key, None)
    for person in practice.data.get("attendees") or []:
        if isinstance(person, dict):
            person.pop("checked_in", None)
    return [full, import_loaded(db, practice)]


def practice_slug(db: Database) -> str:
    """The slug of the practice copy (what `convener demo` opens)."""
    return f"{load_event_file(SAMPLE_PATH).data['event']['slug']}{PRACTICE_SUFFIX}"


def ensure_sample(db: Database) -> str:
    """Load the sample unless it is already there (so practice check-ins survive); return
    the practice copy's slug."""
    slug = practice_slug(db)
    exists = db.execute("SELECT 1 FROM events WHERE slug = ?", [slug]).fetchone()
    if not exists:
        load_sample(db)
    return slug
