"""Backups through SQLite's online backup API: consistent even while the app is writing."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from convener.storage import lazy
from convener.storage.clock import new_id
from convener.storage.db.integrity import private_copy
from convener.storage.db.lock import InstanceLock, in_use_by
from convener.storage.db.raw import open_raw, schema_version
from convener.storage.errors import DatabaseError
from convener.storage.paths import ensure_private_dir

if TYPE_CHECKING:
    from sqlite_utils import Database


def database_path(db: Database) -> Path:
    """The main file of an open database."""
    for row in db.execute("PRAGMA database_list").fetchall():
        if row[1] == "main":
            return Path(row[2])
    raise DatabaseError("database has no main file")


def backup_to(db: Database, dest: Path) -> Path:
    """Copy the database to `dest` (0600, in a 0700 folder when created) and verify it."""
    source = database_path(db)
    if source.name and dest.resolve() == source.resolve():
        raise DatabaseError(f"{dest} is the database itself; choose another file for the backup")
    tmp = dest.with_name(dest.name + ".partial")
    try:
        ensure_private_dir(dest.parent)
        fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        os.close(fd)
        target = open_raw(tmp)
        try:
            db.conn.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")
            status = target.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            target.close()
        if status != "ok":
            raise DatabaseError(f"backup {dest} failed its integrity check: {status}")
        os.chmod(tmp, 0o600)
        os.replace(tmp, dest)
    except (sqlite3.Error, OSError, DatabaseError) as exc:
        # A half-written copy of people's names and numbers must not be left lying around.
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, DatabaseError):
            raise
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise DatabaseError(f"cannot write the backup {dest}: {reason}") from exc
    return dest


def backup_before_migration(db: Database, version: int) -> Path:
    """Keep a copy of the database as it was before a schema upgrade."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    src = database_path(db)
    return backup_to(db, src.with_name(f"{src.name}.v{version}-{stamp}.bak"))


def verify(path: Path) -> None:
    """Raise DatabaseError unless `path` is an SQLite database that passes integrity_check."""
    try:
        conn = open_raw(path, read_only=True)
        try:
            status = conn.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path} is not a usable Convener database ({exc})") from exc
    if status != "ok":
        raise DatabaseError(f"{path} failed its integrity check: {status}")


def restore_from(src: Path, db_path: Path) -> Path:
    """Replace the database with the backup `src`; the current one is kept aside first.

    Stale `-wal`/`-shm` files belong to the database being replaced: their content is folded
    into the kept copy, then they are removed so they cannot be replayed onto the backup.
    """
    if not src.is_file():
        raise DatabaseError(f"{src}: no such backup file")
    verify(src)
    if not schema_version(src):
        # An empty file is a valid database with no tables: restoring it would replace
        # everything with nothing.
        raise DatabaseError(f"{src} is not a Convener backup (it holds no Convener data)")
    lock = InstanceLock(db_path)
    holder = lock.acquire(exclusive=True)
    if holder is not None:
        raise DatabaseError(
            f"{db_path} is open in {in_use_by(holder)}; close it first, then restore"
        )
    try:
        replaced_device = _device_of(db_path)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        kept = db_path.with_name(f"{db_path.name}.before-restore-{stamp}")
        if db_path.exists():
            _keep_current(db_path, kept)
        for suffix in ("-wal", "-shm", ""):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        source = open_raw(src, read_only=True)
        try:
            backup_to(lazy.database(source), db_path)
        finally:
            source.close()
        _own_device_id(db_path, replaced_device)
    finally:
        lock.release()
    return kept


def _device_of(path: Path) -> str | None:
    """The device id of the database at `path` (None: no file, or it cannot be read)."""
    if not path.exists():
        return None
    try:
        conn = open_raw(path, read_only=True)
        try:
            row = conn.execute("SELECT value FROM settings WHERE key = 'device_id'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return str(row[0]) if row else None


def _own_device_id(db_path: Path, replaced: str | None) -> None:
    """A restored backup stamps rows as this laptop only when it replaces this laptop's own
    database; copied to another laptop (or onto a fresh one) it gets a new device id, so two
    laptops never stamp the same id and their sync bundles still merge (docs/sync.md)."""
    restored = _device_of(db_path)
    if restored is None or restored == replaced:
        return
    conn = open_raw(db_path)
    try:
        with conn:
            conn.execute("UPDATE settings SET value = ? WHERE key = 'device_id'", [new_id()])
    finally:
        conn.close()


def _keep_current(db_path: Path, kept: Path) -> None:
    """Keep the database being replaced; a damaged one is copied byte for byte instead."""
    try:
        current = open_raw(db_path)
        try:
            backup_to(lazy.database(current), kept)
        finally:
            current.close()
    except (DatabaseError, sqlite3.Error):
        private_copy(db_path, kept)
        wal = Path(f"{db_path}-wal")
        if wal.exists() and wal.stat().st_size > 0:
            private_copy(wal, Path(f"{kept}-wal"))
