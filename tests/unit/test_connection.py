"""The connection factory: verified PRAGMAs, private file modes, read-only and bad files."""

from __future__ import annotations

import os
import random
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlite_utils import Database

from convener.storage.db.connection import BUSY_TIMEOUT_MS, checkpoint, connect
from convener.storage.errors import DatabaseError


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(
    ("pragma", "expected"),
    [
        ("journal_mode", "wal"),
        ("synchronous", 2),
        ("foreign_keys", 1),
        ("busy_timeout", BUSY_TIMEOUT_MS),
        ("secure_delete", 1),
    ],
)
@pytest.mark.parametrize("read_only", [False, True], ids=["rw", "ro"])
def test_pragmas_are_set(db_path: Path, pragma: str, expected: object, read_only: bool) -> None:
    connect(db_path).close()
    with connect(db_path, read_only=read_only) as db:
        assert db.execute(f"PRAGMA {pragma}").fetchone()[0] == expected


def test_busy_timeout_is_long_enough_to_ride_out_a_checkpoint() -> None:
    assert BUSY_TIMEOUT_MS >= 1000


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(
            "INSERT INTO registrations (id, created_at, updated_at, event_id, person_id)"
            " VALUES ('r', 'x', 'x', 'no-such-event', 'no-such-person')"
        )


def test_new_file_is_private_in_new_private_folders(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "c" / "convener.db"
    connect(path).close()
    assert mode(path) == 0o600
    for folder in (tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "c"):
        assert mode(folder) == 0o700, folder


def test_private_modes_do_not_depend_on_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        path = tmp_path / "open" / "convener.db"
        connect(path).close()
    finally:
        os.umask(old)
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700


def test_wal_and_shm_files_are_private_too(db_path: Path) -> None:
    with connect(db_path) as db:
        db.execute("INSERT INTO settings(key, value) VALUES ('k', 'v')")
        for suffix in ("-wal", "-shm"):
            sidecar = Path(f"{db_path}{suffix}")
            assert sidecar.exists()
            assert mode(sidecar) == 0o600, suffix


def test_existing_database_keeps_the_mode_its_owner_set(db_path: Path) -> None:
    connect(db_path).close()
    os.chmod(db_path, 0o644)
    with connect(db_path) as db:
        db.execute("INSERT INTO settings(key, value) VALUES ('k', 'v')")
    assert mode(db_path) == 0o644


def test_existing_folder_keeps_its_mode(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    connect(folder / "convener.db").close()
    assert mode(folder) == 0o755


def test_reopening_keeps_data(db_path: Path) -> None:
    with connect(db_path) as db:
        db.execute("INSERT INTO settings(key, value) VALUES ('k', '03001234567')")
    with connect(db_path) as db:
        assert db.execute("SELECT value FROM settings WHERE key = 'k'").fetchone()[0] == (
            "03001234567"
        )


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO settings(key, value) VALUES ('k', 'v')",
        "UPDATE settings SET value = 'x'",
        "DELETE FROM settings",
        "CREATE TABLE t (x)",
        "DROP TABLE settings",
        "PRAGMA user_version = 99",
    ],
)
def test_read_only_refuses_writes(db_path: Path, sql: str) -> None:
    connect(db_path).close()
    before = db_path.read_bytes()
    with (
        connect(db_path, read_only=True) as db,
        pytest.raises(sqlite3.OperationalError, match="readonly"),
    ):
        db.execute(sql)
    assert db_path.read_bytes() == before


def test_read_only_reads(db_path: Path) -> None:
    with connect(db_path) as db:
        db.execute("INSERT INTO settings(key, value) VALUES ('k', 'v')")
    with connect(db_path, read_only=True) as db:
        assert db.execute("SELECT value FROM settings WHERE key = 'k'").fetchone()[0] == "v"


def test_read_only_missing_file_is_an_error_and_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "convener.db"
    with pytest.raises(DatabaseError, match="no such database") as caught:
        connect(path, read_only=True)
    assert str(path) in str(caught.value)
    assert not path.parent.exists()


@pytest.mark.parametrize("folder", ["plain", "a?b", "c#d", "e%20f", "g h"])
def test_read_only_path_with_uri_characters(tmp_path: Path, folder: str) -> None:
    path = tmp_path / folder / "convener.db"
    with connect(path) as db:
        db.execute("INSERT INTO settings(key, value) VALUES ('k', 'v')")
    with connect(path, read_only=True) as db:
        assert db.execute("SELECT value FROM settings WHERE key = 'k'").fetchone()[0] == "v"


NOT_DATABASES = {
    "text": b"name,phone\nAmina Khan,03001234567\n",
    "random": random.Random(1234).randbytes(8192),
    "bad-page": b"SQLite format 3\x00" + random.Random(99).randbytes(8192),
    "yaml": "convener: 1\nevent:\n  title: آمنہ\n".encode(),
}


@pytest.mark.parametrize("content", NOT_DATABASES.values(), ids=NOT_DATABASES.keys())
@pytest.mark.parametrize("read_only", [False, True], ids=["rw", "ro"])
def test_non_database_file_is_a_clear_error_and_is_left_untouched(
    tmp_path: Path, content: bytes, read_only: bool
) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    os.chmod(path, 0o644)
    with pytest.raises(DatabaseError) as caught:
        connect(path, read_only=read_only)
    assert str(path) in str(caught.value)
    assert path.read_bytes() == content
    if not content.startswith(b"SQLite format 3"):
        assert mode(path) == 0o644  # somebody else's file: not even its mode changes
    assert not Path(f"{path}-wal").exists()


def test_directory_is_refused_and_keeps_its_mode(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    os.chmod(folder, 0o755)
    with pytest.raises(DatabaseError, match="not a file"):
        connect(folder)
    assert mode(folder) == 0o755


def test_parent_that_is_a_file_is_a_database_error(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    with pytest.raises(DatabaseError) as caught:
        connect(blocker / "convener.db")
    assert "blocker" in str(caught.value)


def test_checkpoint_empties_the_wal(db_path: Path) -> None:
    wal = Path(f"{db_path}-wal")
    with connect(db_path) as db:
        db.execute("INSERT INTO settings(key, value) VALUES ('k', ?)", ["x" * 10_000])
        assert wal.stat().st_size > 0
        checkpoint(db)
        assert wal.stat().st_size == 0
    with sqlite3.connect(db_path) as raw:
        assert raw.execute("SELECT length(value) FROM settings WHERE key = 'k'").fetchone()[0] == (
            10_000
        )
