"""Backups, restore and the one-instance lock: nothing lost, nothing left lying around."""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from convener.storage.attendees import add_attendee
from convener.storage.db.backup import backup_to, database_path, restore_from, verify
from convener.storage.db.connection import connect
from convener.storage.db.lock import InstanceLock
from convener.storage.errors import DatabaseError
from convener.storage.paths import default_backup_path


def names(path: Path) -> set[str]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as raw:
        found = {r[0] for r in raw.execute("SELECT name FROM people")}
    raw.close()
    return found


def test_backup_is_private_complete_and_verified(
    db: Database, quetta: dict[str, Any], tmp_path: Path
) -> None:
    add_attendee(db, quetta["id"], {"name": "Only In The Wal", "phone": "03001234567"})
    dest = tmp_path / "new" / "folder" / "copy.db"
    assert backup_to(db, dest) == dest
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    assert stat.S_IMODE(dest.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(dest.parent.parent.stat().st_mode) == 0o700
    verify(dest)
    assert len(names(dest)) == 42
    assert "Only In The Wal" in names(dest)  # uncheckpointed writes are included
    with sqlite3.connect(dest) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        phone = raw.execute("SELECT phone FROM people WHERE name = 'Only In The Wal'").fetchone()
        assert phone == ("03001234567",)
    raw.close()
    assert sorted(p.name for p in dest.parent.iterdir()) == ["copy.db"]


def test_backup_overwrites_an_older_backup(db: Database, tmp_path: Path) -> None:
    dest = tmp_path / "copy.db"
    dest.write_bytes(b"old and stale")
    os.chmod(dest, 0o644)
    backup_to(db, dest)
    verify(dest)
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600


def test_backup_onto_the_database_itself_is_refused(db: Database, db_path: Path) -> None:
    before = db_path.stat().st_ino
    with pytest.raises(DatabaseError, match="the database itself"):
        backup_to(db, db_path)
    assert db_path.stat().st_ino == before


def test_backup_that_cannot_be_written_is_a_clear_error(db: Database, tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    with pytest.raises(DatabaseError, match="cannot write the backup"):
        backup_to(db, blocker / "copy.db")


def test_failed_backup_leaves_no_partial_copy(
    db: Database, quetta: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = tmp_path / "copy.db"

    class FailingConnection:
        """Copies some pages, then the disk fills up."""

        def __init__(self, real: sqlite3.Connection) -> None:
            self.real = real

        def backup(self, target: sqlite3.Connection) -> None:
            self.real.backup(target, pages=1, progress=self.fail)

        def fail(self, status: int, remaining: int, total: int) -> None:
            raise sqlite3.OperationalError("database or disk is full")

        def __getattr__(self, name: str) -> Any:
            return getattr(self.real, name)

    real = db.conn
    monkeypatch.setattr(db, "conn", FailingConnection(real))
    with pytest.raises(DatabaseError, match="disk is full"):
        backup_to(db, dest)
    monkeypatch.setattr(db, "conn", real)
    assert list(tmp_path.glob("copy.db*")) == []


def test_database_path(db: Database, db_path: Path) -> None:
    assert database_path(db) == db_path


def test_default_backup_path_is_next_to_the_database(tmp_path: Path) -> None:
    path = default_backup_path(tmp_path / "convener.db")
    assert path.parent == tmp_path / "backups"
    assert path.name.startswith("convener-20")
    assert path.suffix == ".db"


@pytest.mark.parametrize(
    "content",
    [b"", b"plain text", b"SQLite format 3\x00" + b"\xff" * 4000],
    ids=["empty-ish", "text", "bad"],
)
def test_verify_refuses_what_is_not_a_good_database(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.db"
    path.write_bytes(content)
    if content == b"":
        verify(path)  # an empty file is a valid, empty SQLite database
        return
    with pytest.raises(DatabaseError) as caught:
        verify(path)
    assert str(path) in str(caught.value)


def test_verify_of_missing_file_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError):
        verify(tmp_path / "missing.db")
    assert not (tmp_path / "missing.db").exists()


def test_restore_round_trip(
    db: Database, quetta: dict[str, Any], db_path: Path, tmp_path: Path
) -> None:
    backup = backup_to(db, tmp_path / "b.db")
    add_attendee(db, quetta["id"], {"name": "Added After Backup"})
    db.close()
    kept = restore_from(backup, db_path)
    assert "Added After Backup" not in names(db_path)
    assert len(names(db_path)) == 41
    assert "Added After Backup" in names(kept)
    assert kept.name.startswith("convener.db.before-restore-")
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    assert not InstanceLock(db_path).acquire()  # the lock was released


def test_restore_into_a_new_location(db: Database, quetta: dict[str, Any], tmp_path: Path) -> None:
    backup = backup_to(db, tmp_path / "b.db")
    target = tmp_path / "fresh" / "convener.db"
    kept = restore_from(backup, target)
    assert len(names(target)) == 41
    assert not kept.exists()  # there was nothing to keep


def device_of(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("SELECT value FROM settings WHERE key = 'device_id'").fetchone()[0])
    finally:
        conn.close()


def test_a_restore_over_the_same_laptop_keeps_its_device_id(
    db: Database, quetta: dict[str, Any], db_path: Path, tmp_path: Path
) -> None:
    backup = backup_to(db, tmp_path / "b.db")
    db.close()
    before = device_of(db_path)
    restore_from(backup, db_path)
    assert device_of(db_path) == before


def test_a_backup_restored_on_another_laptop_gets_its_own_device_id(
    db: Database, quetta: dict[str, Any], db_path: Path, tmp_path: Path
) -> None:
    """Otherwise the copy stamps the first laptop's id and their bundles cannot be told apart."""
    backup = backup_to(db, tmp_path / "b.db")
    db.close()
    first = device_of(db_path)
    fresh = tmp_path / "laptop2" / "convener.db"
    restore_from(backup, fresh)
    other = tmp_path / "laptop3" / "convener.db"
    connect(other).close()
    third = device_of(other)
    restore_from(backup, other)
    assert len({first, device_of(fresh), device_of(other), third}) == 4
    assert len(names(fresh)) == len(names(other)) == 41


# --- the instance lock ---------------------------------------------------------------------


def test_windows_share_the_guard_and_this_process_can_take_it_alone(db_path: Path) -> None:
    first, second = InstanceLock(db_path), InstanceLock(db_path)
    assert first.acquire() is None
    try:
        assert second.acquire() is None  # a second window writes beside the first
        second.release()
        alone = InstanceLock(db_path)
        assert alone.acquire(exclusive=True) is None  # this process's own hold upgrades
        alone.release()
    finally:
        first.release()
    assert stat.S_IMODE(Path(f"{db_path}.lock").stat().st_mode) == 0o600


def test_locks_on_different_databases_are_independent(tmp_path: Path) -> None:
    a, b = InstanceLock(tmp_path / "a.db"), InstanceLock(tmp_path / "b.db")
    assert a.acquire() is None
    assert b.acquire() is None
    a.release()
    b.release()


def test_release_twice_is_harmless(db_path: Path) -> None:
    lock = InstanceLock(db_path)
    assert lock.acquire() is None
    lock.release()
    lock.release()
    assert InstanceLock(db_path).acquire() is None


HOLDER = """
import sys
from pathlib import Path
from convener.storage.db.lock import InstanceLock
lock = InstanceLock(Path(sys.argv[1]))
print(lock.acquire(), flush=True)
sys.stdin.read()
"""


def test_lock_held_by_another_process_is_freed_when_it_is_killed(db_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "None"
        assert InstanceLock(db_path).acquire(exclusive=True) == holder.pid
        shared = InstanceLock(db_path)
        assert shared.acquire() is None  # another window is welcome
        shared.release()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
    lock = InstanceLock(db_path)
    assert lock.acquire(exclusive=True) is None
    lock.release()


def test_connect_does_not_need_the_lock(db_path: Path) -> None:
    # The lock guards against two writing app instances; reading tools still open the file.
    lock = InstanceLock(db_path)
    assert lock.acquire() is None
    try:
        connect(db_path).close()
        connect(db_path, read_only=True).close()
    finally:
        lock.release()
