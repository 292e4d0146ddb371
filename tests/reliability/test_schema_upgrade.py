"""Schema upgrades on real data: databases made by earlier versions open with every row.

`tests/fixtures/schema-v*.db` are databases written by each schema version (made with
tests/fixtures/make_schema_db.py and committed). Each is opened, as a copy, with the
current code and all its migrations. A failing migration rolls back and leaves the data
usable; a backup is taken before migrating; a database from a newer Convener opens
read-only with a clear message.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from convener.storage.db import migrations
from convener.storage.db.connection import connect, read_only_reason
from convener.storage.db.lock import InstanceLock
from convener.storage.db.migrations import LATEST, MIGRATIONS, current_version, migrate
from convener.storage.errors import DatabaseError, NewerSchemaError
from convener.tui.app import create_app, open_mode
from tests.reliability.conftest import FROZEN, SIZE
from tests.reliability.harness import REPO_ROOT, child_env, raw_rows

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SCHEMA_DBS = sorted(FIXTURES.glob("schema-v*.db"))


def counts(path: Path) -> dict[str, int]:
    tables = [r[0] for r in raw_rows(path, "SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {t: int(raw_rows(path, f"SELECT count(*) FROM [{t}]")[0][0]) for t in tables}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(params=SCHEMA_DBS, ids=[p.stem for p in SCHEMA_DBS])
def old_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path]:
    """A copy of one committed fixture (the fixture itself must never change)."""
    fixture: Path = request.param
    before = digest(fixture)
    copy = tmp_path / "data" / "convener.db"
    copy.parent.mkdir()
    shutil.copyfile(fixture, copy)
    yield copy
    assert digest(fixture) == before, f"{fixture.name} was modified"
    assert not Path(f"{fixture}-wal").exists()


def test_there_is_a_fixture_for_the_current_schema() -> None:
    assert FIXTURES / f"schema-v{LATEST}.db" in SCHEMA_DBS, (
        f"run tests/fixtures/make_schema_db.py to make schema-v{LATEST}.db, and commit it"
    )


def test_every_table_of_the_fixture_has_rows(old_db: Path) -> None:
    empty = [t for t, n in counts(old_db).items() if n == 0]
    assert empty == []


def assert_healthy(path: Path) -> None:
    with connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_current_code_opens_it_and_keeps_every_row(old_db: Path) -> None:
    before = counts(old_db)
    with connect(old_db) as db:
        assert current_version(db) == LATEST
    after = counts(old_db)
    for table, n in before.items():
        assert after.get(table, 0) >= n, f"{table}: {n} rows before, {after.get(table)} after"
    assert_healthy(old_db)


def add_widgets(db: Database) -> None:
    """A future migration: a new table and a new column, filled from existing rows."""
    db.execute("CREATE TABLE widgets (id TEXT PRIMARY KEY, person_id TEXT REFERENCES people(id))")
    db.execute("INSERT INTO widgets SELECT 'w-' || id, id FROM people")
    db.execute("ALTER TABLE notes ADD COLUMN language TEXT")
    db.execute("UPDATE notes SET language = 'en'")


def broken(db: Database) -> None:
    """A future migration that fails halfway, after changing things."""
    add_widgets(db)
    db.execute("UPDATE people SET name = 'overwritten'")
    db.execute("INSERT INTO no_such_table VALUES (1)")


@pytest.fixture
def future(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Lets a test append migrations, as a later version of Convener would."""
    yield monkeypatch


def with_migration(monkeypatch: pytest.MonkeyPatch, step: migrations.Migration) -> None:
    extended = (*MIGRATIONS, (LATEST + 1, step.__name__, step))
    monkeypatch.setattr(migrations, "MIGRATIONS", extended)
    monkeypatch.setattr(migrate, "__defaults__", (extended,))


def test_a_future_migration_keeps_every_row_and_takes_a_backup(
    old_db: Path, future: pytest.MonkeyPatch
) -> None:
    with connect(old_db):
        pass  # up to the current schema first
    before = counts(old_db)
    with_migration(future, add_widgets)
    with connect(old_db) as db:
        assert current_version(db) == LATEST + 1
    after = counts(old_db)
    assert after["_migrations"] == before["_migrations"] + 1  # the migration is recorded
    assert {t: after[t] for t in before if t != "_migrations"} == {
        t: n for t, n in before.items() if t != "_migrations"
    }
    assert after["widgets"] == before["people"]
    assert_healthy(old_db)
    backups = sorted(old_db.parent.glob(f"{old_db.name}.v{LATEST}-*.bak"))
    assert len(backups) == 1
    assert counts(backups[0]) == before
    assert backups[0].stat().st_mode & 0o777 == 0o600


def test_a_failing_migration_rolls_back_and_the_data_stays_usable(
    old_db: Path, future: pytest.MonkeyPatch
) -> None:
    with connect(old_db):
        pass
    before = counts(old_db)
    names = raw_rows(old_db, "SELECT id, name FROM people ORDER BY id")
    with_migration(future, broken)
    with pytest.raises(DatabaseError):
        connect(old_db)
    assert counts(old_db) == before
    assert raw_rows(old_db, "SELECT id, name FROM people ORDER BY id") == names
    future.undo()  # the version that works again
    with connect(old_db) as db:
        assert current_version(db) == LATEST
    assert_healthy(old_db)


@pytest.fixture
def newer_db(old_db: Path) -> Path:
    with connect(old_db):
        pass
    conn = sqlite3.connect(old_db)
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.close()
    return old_db


def test_newer_database_is_refused_for_writing_and_left_alone(newer_db: Path) -> None:
    before = digest(newer_db)
    with pytest.raises(NewerSchemaError) as caught:
        connect(newer_db)
    assert str(newer_db) in str(caught.value) and "newer Convener" in str(caught.value)
    assert digest(newer_db) == before
    with connect(newer_db, read_only=True) as db:
        assert db.execute("SELECT count(*) FROM events").fetchone()[0] == 2


def test_newer_database_opens_read_only_in_the_app(newer_db: Path) -> None:
    reason = read_only_reason(newer_db)
    assert "newer Convener" in reason and "read-only" in reason
    read_only, why = open_mode(newer_db, InstanceLock(newer_db), read_only=False)
    assert read_only and why == reason


async def test_newer_database_app_shows_why_and_lists_events(newer_db: Path) -> None:
    read_only, reason = open_mode(newer_db, InstanceLock(newer_db), read_only=False)
    before = digest(newer_db)
    app = create_app(newer_db, read_only=read_only, read_only_reason=reason, clock=lambda: FROZEN)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("newer Convener" in str(n.message) for n in app._notifications)
        assert len(getattr(app.screen, "events", [])) == 2
    assert digest(newer_db) == before


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from convener.tui.cli import main; sys.exit(main())",
            *args,
        ],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=child_env(),
        timeout=60,
    )


def test_newer_database_cli_says_so_and_reads_with_read_only(newer_db: Path) -> None:
    refused = cli("--db", str(newer_db), "events")
    assert refused.returncode == 1
    assert "newer Convener" in refused.stderr and "read-only" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    listed = cli("--read-only", "--db", str(newer_db), "events")
    assert listed.returncode == 0, listed.stderr
    assert len(listed.stdout.strip().splitlines()) == 2
