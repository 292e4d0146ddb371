"""Numbered migrations: applied once, recorded, atomic, refused when newer, backed up first."""

from __future__ import annotations

import sqlite3
import stat
import uuid
from pathlib import Path

import pytest
from sqlite_utils import Database

from convener.storage.db import migrations
from convener.storage.db.connection import connect
from convener.storage.db.migrations import (
    LATEST,
    MIGRATIONS,
    Migration,
    current_version,
    device_id,
    migrate,
)
from convener.storage.errors import DatabaseError

EXPECTED_TABLES = {
    "settings",
    "events",
    "agenda_items",
    "people",
    "registrations",
    "checkins",
    "notes",
    "note_revisions",
    "action_items",
    "drafts",
    "audit",
    "_migrations",
}


def backups(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}.v*.bak"))


def test_fresh_database_is_at_latest_version(db: Database) -> None:
    assert current_version(db) == LATEST
    assert db.execute("PRAGMA user_version").fetchone()[0] == LATEST
    rows = db.execute("SELECT version, name, applied_at FROM _migrations ORDER BY version")
    recorded = rows.fetchall()
    assert [(v, n) for v, n, _ in recorded] == [(v, n) for v, n, _ in MIGRATIONS]
    assert all(at.endswith("Z") for _, _, at in recorded)
    assert set(db.table_names()) >= EXPECTED_TABLES


def test_fresh_database_gets_a_device_id(db: Database) -> None:
    assert uuid.UUID(device_id(db))


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("people", "phone"),
        ("people", "id_number"),
        ("people", "name"),
        ("events", "date"),
        ("events", "start_time"),
    ],
)
def test_columns_that_look_numeric_are_text(db: Database, table: str, column: str) -> None:
    # Leading zeros vanish in INTEGER or NUMERIC columns.
    types = {c.name: c.type for c in db[table].columns}
    assert types[column] == "TEXT"


def test_reopening_runs_nothing_and_keeps_everything(db_path: Path) -> None:
    with connect(db_path) as db:
        db.execute("INSERT INTO settings(key, value) VALUES ('k', 'v')")
        first = db.execute("SELECT * FROM _migrations").fetchall()
        device = device_id(db)
    with connect(db_path) as db:
        assert db.execute("SELECT * FROM _migrations").fetchall() == first
        assert device_id(db) == device
        assert db.execute("SELECT value FROM settings WHERE key = 'k'").fetchone()[0] == "v"
        assert current_version(db) == LATEST
    assert backups(db_path) == []  # nothing to migrate, so no backup taken


def test_migrate_is_idempotent(db: Database) -> None:
    assert migrate(db) == LATEST
    assert migrate(db) == LATEST
    assert db.execute("SELECT count(*) FROM _migrations").fetchone()[0] == len(MIGRATIONS)


@pytest.mark.parametrize("ahead", [1, 7])
def test_newer_database_is_refused_and_left_alone(db_path: Path, ahead: int) -> None:
    connect(db_path).close()
    with sqlite3.connect(db_path) as raw:
        raw.execute(f"PRAGMA user_version = {LATEST + ahead}")
    raw.close()
    before = db_path.read_bytes()
    with pytest.raises(DatabaseError, match="newer"):
        connect(db_path)
    assert db_path.read_bytes() == before
    # ... but it can still be read, as the message suggests.
    with connect(db_path, read_only=True) as db:
        assert current_version(db) == LATEST + ahead


def make_step(fail_at: str) -> Migration:
    """A second migration that changes things and then fails at `fail_at`."""

    def step(db: Database) -> None:
        db.execute("CREATE TABLE widgets (id TEXT PRIMARY KEY, name TEXT)")
        db.execute("INSERT INTO widgets VALUES ('w1', 'first')")
        if fail_at == "after-create":
            raise RuntimeError("boom after create")
        db.execute("ALTER TABLE settings ADD COLUMN extra TEXT")
        db.execute("UPDATE settings SET value = 'overwritten'")
        if fail_at == "after-alter":
            raise RuntimeError("boom after alter")
        db.execute("INSERT INTO nonexistent VALUES (1)")  # a failing SQL statement

    return step


@pytest.mark.parametrize("fail_at", ["after-create", "after-alter", "sql-error"])
def test_failing_migration_rolls_back_completely(db_path: Path, fail_at: str) -> None:
    db = connect(db_path)
    db.execute("INSERT INTO settings(key, value) VALUES ('k', 'precious')")
    steps = (*MIGRATIONS, (LATEST + 1, "broken", make_step(fail_at)))
    with pytest.raises((RuntimeError, sqlite3.OperationalError)):
        migrate(db, steps)
    assert not db.conn.in_transaction
    assert "widgets" not in db.table_names()
    assert "extra" not in {c.name for c in db["settings"].columns}
    assert current_version(db) == LATEST
    assert db.execute("SELECT max(version) FROM _migrations").fetchone()[0] == LATEST
    assert db.execute("SELECT value FROM settings WHERE key = 'k'").fetchone()[0] == "precious"
    db.close()
    # The file on disk agrees, and a later good migration still applies.
    with connect(db_path) as again:
        assert current_version(again) == LATEST
        assert "widgets" not in again.table_names()


def test_failing_migration_through_connect_is_a_database_error(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    connect(db_path).close()

    def broken(db: Database) -> None:
        db.execute("CREATE TABLE widgets (id TEXT)")
        db.execute("INSERT INTO nonexistent VALUES (1)")

    monkeypatch.setattr(migrations, "MIGRATIONS", (*MIGRATIONS, (LATEST + 1, "broken", broken)))
    monkeypatch.setattr(migrate, "__defaults__", (migrations.MIGRATIONS,))
    with pytest.raises(DatabaseError) as caught:
        connect(db_path)
    assert str(db_path) in str(caught.value)
    with connect(db_path, read_only=True) as db:
        assert current_version(db) == LATEST
        assert "widgets" not in db.table_names()


def add_widgets(db: Database) -> None:
    db.execute("CREATE TABLE widgets (id TEXT PRIMARY KEY)")


def test_successful_migration_is_recorded(db: Database) -> None:
    assert migrate(db, (*MIGRATIONS, (LATEST + 1, "widgets", add_widgets))) == LATEST + 1
    assert current_version(db) == LATEST + 1
    assert "widgets" in db.table_names()
    names = [r[0] for r in db.execute("SELECT name FROM _migrations ORDER BY version")]
    assert names[-1] == "widgets"


@pytest.mark.parametrize("succeeds", [True, False], ids=["ok", "failing"])
def test_backup_is_taken_before_migrating_a_database_with_data(
    db_path: Path, succeeds: bool
) -> None:
    db = connect(db_path)
    db.execute("INSERT INTO settings(key, value) VALUES ('k', 'precious')")
    step = add_widgets if succeeds else make_step("after-alter")
    try:
        migrate(db, (*MIGRATIONS, (LATEST + 1, "next", step)))
    except RuntimeError:
        assert not succeeds
    db.close()
    [bak] = backups(db_path)
    assert f".v{LATEST}-" in bak.name
    assert stat.S_IMODE(bak.stat().st_mode) == 0o600
    with sqlite3.connect(bak) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert raw.execute("PRAGMA user_version").fetchone()[0] == LATEST
        assert raw.execute("SELECT value FROM settings WHERE key = 'k'").fetchone()[0] == (
            "precious"
        )
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "widgets" not in tables
    raw.close()


def test_no_backup_for_a_brand_new_database(db_path: Path) -> None:
    connect(db_path).close()
    assert backups(db_path) == []
