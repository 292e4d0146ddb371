"""Migration 2: consent moves to the registration, read from the evidence a v1 file holds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from sqlite_utils import Database

from convener.storage.db.connection import connect
from convener.storage.db.migrations import MIGRATIONS, migrate

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def consent_by_name(db: Database) -> dict[str, tuple[str, str | None]]:
    return {
        r["name"]: (r["consent"], r["consent_source"])
        for r in db.query(
            "SELECT p.name, r.consent, r.consent_source FROM registrations r"
            " JOIN people p ON p.id = r.person_id"
        )
    }


def test_the_v1_sample_keeps_its_file_answers(tmp_path: Path) -> None:
    copy = tmp_path / "convener.db"
    shutil.copyfile(FIXTURES / "schema-v1.db", copy)
    with connect(copy) as db:
        found = consent_by_name(db)
    # The sample file has a consent column: its "no" stays an answer, its "yes" too.
    assert found["Raheela Hameed Durrani"] == ("yes", "file")
    assert found["Shazia Jamali"] == ("no", "file")
    assert found["نسیم اختر"] == ("yes", "file")


def v1_database(path: Path) -> Database:
    db = Database(path)
    migrate(db, MIGRATIONS[:1])
    return db


def add(db: Database, event: str, person: str, consent: int, source: str = "expected") -> None:
    stamp = "2025-01-01T00:00:00.000Z"
    db.execute(
        "INSERT INTO people(id, name, consent_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
        [person, person.title(), consent, stamp, stamp],
    )
    db.execute(
        "INSERT INTO registrations(id, event_id, person_id, source, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [f"r-{event}-{person}", event, person, source, stamp, stamp],
    )


def audit(db: Database, action: str, person: str, detail: dict[str, object]) -> None:
    db.execute(
        "INSERT INTO audit(id, action, entity, entity_id, detail, created_at, updated_at)"
        " VALUES (?, ?, 'person', ?, ?, '2025-01-01', '2025-01-01')",
        [f"a-{action}-{person}", action, person, json.dumps(detail)],
    )


def test_zero_is_not_asked_unless_there_is_evidence(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    db = v1_database(path)
    stamp = "2025-01-01T00:00:00.000Z"
    for event in ("csv", "yaml"):
        db.execute(
            "INSERT INTO events(id, slug, title, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
            [event, event, event, stamp, stamp],
        )
    # A CSV without a consent column: everyone 0, nobody was asked.
    add(db, "csv", "amina", 0)
    add(db, "csv", "bilal", 0)
    # ... except one person whose box was unticked in the app, and one ticked there.
    add(db, "csv", "chandni", 0)
    audit(db, "update", "chandni", {"fields": ["consent_name", "designation"]})
    add(db, "csv", "dawood", 1)
    audit(db, "register", "dawood", {"source": "expected"})
    # A walk-in whose box was never ticked.
    add(db, "csv", "erum", 0, source="walk_in")
    audit(db, "register", "erum", {"source": "walk_in"})
    # A file with a consent column (someone from it has 1): its 0 was an answer.
    add(db, "yaml", "farah", 1)
    add(db, "yaml", "gul", 0)
    db.conn.commit()
    db.close()
    with connect(path) as migrated:
        found = consent_by_name(migrated)
    assert found == {
        "Amina": ("not_asked", None),
        "Bilal": ("not_asked", None),
        "Chandni": ("no", "app"),
        "Dawood": ("yes", "app"),
        "Erum": ("not_asked", None),
        "Farah": ("yes", "file"),
        "Gul": ("no", "file"),
    }
