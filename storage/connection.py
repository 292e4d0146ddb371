"""The one connection factory: every database handle in Convener is opened here.

It creates new files 0600 inside a 0700 folder, sets the PRAGMAs that make each commit
durable and each delete unrecoverable, verifies them, and applies pending migrations.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from storage.errors import DatabaseError
from storage.paths import ensure_private_dir

BUSY_TIMEOUT_MS = 5000
SQLITE_HEADER = b"SQLite format 3\x00"

# (pragma, value to set, value expected back)
_PRAGMAS: tuple[tuple[str, str, object], ...] = (
    ("foreign_keys", "ON", 1),
    ("busy_timeout", str(BUSY_TIMEOUT_MS), BUSY_TIMEOUT_MS),
    ("secure_delete", "ON", 1),
    ("synchronous", "FULL", 2),
)


def _create_private_file(path: Path) -> None:
    ensure_private_dir(path.parent)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        os.close(fd)
    elif not path.is_file():
        raise DatabaseError(f"{path}: is not a file")
    elif _is_sqlite_file(path):
        # Only a database is tightened: a mistyped --db naming some other file keeps its mode.
        os.chmod(path, 0o600)


def _is_sqlite_file(path: Path) -> bool:
    with path.open("rb") as handle:
        header = handle.read(16)
    return header in (b"", SQLITE_HEADER)


def connect(path: Path | str, *, read_only: bool = False, migrate: bool = True) -> Database:
    """Open the database at `path` with verified PRAGMAs, migrated to the current schema.

    `read_only` opens it with `mode=ro`: nothing can be written, whatever the file modes.
    """
    path = Path(path)
    conn: sqlite3.Connection | None = None
    try:
        if read_only:
            if not path.exists():
                raise DatabaseError(f"{path}: no such database")
            conn = sqlite3.connect(read_only_uri(path), uri=True, check_same_thread=False)
        else:
            _create_private_file(path)
            conn = sqlite3.connect(str(path), check_same_thread=False)
        db = Database(conn)
        _apply_pragmas(db, read_only=read_only)
        if migrate and not read_only:
            from storage.migrations import migrate as apply_migrations

            apply_migrations(db)
    except BaseException as exc:
        if conn is not None:
            conn.close()
        if isinstance(exc, sqlite3.DatabaseError):
            raise DatabaseError(f"{path}: cannot open the database ({exc})") from exc
        if isinstance(exc, PermissionError):
            raise DatabaseError(f"{path}: permission denied ({exc.strerror})") from exc
        if isinstance(exc, OSError):
            reason = exc.strerror or str(exc)
            raise DatabaseError(f"{path}: cannot open the database ({reason})") from exc
        raise
    return db


def read_only_uri(path: Path) -> str:
    """A `mode=ro` URI for `path`; quoted, so `?`, `#` or `%` in a folder name stay literal."""
    return f"{path.resolve().as_uri()}?mode=ro"


def _apply_pragmas(db: Database, *, read_only: bool) -> None:
    for name, value, _ in _PRAGMAS:
        db.execute(f"PRAGMA {name}={value}")
    if not read_only:
        mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise DatabaseError(f"journal_mode is {mode}, expected wal")
    for name, _, expected in _PRAGMAS:
        got = db.execute(f"PRAGMA {name}").fetchone()[0]
        if got != expected:
            raise DatabaseError(f"PRAGMA {name} is {got!r}, expected {expected!r}")


def checkpoint(db: Database) -> None:
    """Fold the WAL into the main file so the `.db` alone is complete (clean exit)."""
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
