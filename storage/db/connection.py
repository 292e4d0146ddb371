"""The one connection factory: every database handle in Convener is opened here.

It creates new files 0600 inside a 0700 folder, checks an existing file with `quick_check`
before writing to it, sets the PRAGMAs that make each commit durable and each delete
unrecoverable, verifies them, and applies pending migrations. With a passphrase (argument or
`CONVENER_PASSPHRASE`) the file is encrypted with SQLCipher (see convener.storage.db.cipher).
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from convener.storage import lazy
from convener.storage.db import migrations as schema
from convener.storage.db.driver import describe, on_close, require_safe_version
from convener.storage.db.files import (
    Cleanup,
    create_database,
    open_for_reading,
    reading,
    refuse_unless_ours,
    write_protection,
)
from convener.storage.db.integrity import check_file
from convener.storage.db.lock import InstanceLock, in_use_by
from convener.storage.db.migrations import LATEST, current_version
from convener.storage.db.raw import Queryable, open_raw, passphrase_from_env, probe
from convener.storage.errors import DatabaseError, NewerSchemaError, ReadOnlyError

if TYPE_CHECKING:
    from sqlite_utils import Database

BUSY_TIMEOUT_MS = 5000
log = logging.getLogger("convener.storage.db")

# (pragma, value to set, value expected back); busy_timeout is added per connection.
_PRAGMAS: tuple[tuple[str, str, object], ...] = (
    ("foreign_keys", "ON", 1),
    ("secure_delete", "ON", 1),
    ("synchronous", "FULL", 2),
)


def connect(
    path: Path | str,
    *,
    read_only: bool = False,
    migrate: bool = True,
    check: bool | None = None,
    passphrase: str | None = None,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
) -> Database:
    """`open_connection`, as sqlite-utils' Database (what the storage functions take)."""
    conn = open_connection(
        path,
        read_only=read_only,
        migrate=migrate,
        check=check,
        passphrase=passphrase,
        busy_timeout_ms=busy_timeout_ms,
    )
    try:
        return lazy.database(conn)
    except BaseException:
        conn.close()
        raise


def open_connection(
    path: Path | str,
    *,
    read_only: bool = False,
    migrate: bool = True,
    check: bool | None = None,
    passphrase: str | None = None,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
) -> sqlite3.Connection:
    """Open the database at `path` with verified PRAGMAs, migrated to the current schema.

    `read_only` opens it with `mode=ro`: nothing can be written, whatever the file modes.
    Otherwise the file must be writable (convener.storage.db.files: a write-protected one
    raises ReadOnlyError) and Convener's own; a missing one is created. `check` (default:
    when writing) runs `quick_check` on an existing file first; a damaged file raises
    CorruptDatabaseError after a copy of it is kept aside. Opening read-only skips the
    check: that is how whatever is still readable is salvaged. `busy_timeout_ms` is how
    long SQLite itself waits for another writer's lock (the writer thread asks for less).
    """
    path = Path(path)
    check = not read_only if check is None else check
    passphrase = passphrase if passphrase is not None else passphrase_from_env()
    conn: sqlite3.Connection | None = None
    cleanup: Cleanup | None = None
    try:
        if read_only:
            if not path.exists():
                raise DatabaseError(f"{path}: no such database")
            conn, cleanup = open_for_reading(path, passphrase)
            probe(conn, path, encrypted=bool(passphrase))
        else:
            require_safe_version()
            protection = write_protection(path)
            if protection:
                raise ReadOnlyError(
                    f"{protection}, so Convener does not write to it: open it with "
                    "--read-only, or make it writable first"
                )
            if path.exists() and not path.is_file():
                raise DatabaseError(f"{path}: is not a file")
            if path.exists():
                refuse_unless_ours(path, passphrase)
            else:
                create_database(path, passphrase)
            conn = open_raw(path, passphrase=passphrase)
        if check:
            check_file(conn, path, encrypted=bool(passphrase))
        elif passphrase and not read_only:
            probe(conn, path, encrypted=True)
        if cleanup is not None:
            on_close(conn, cleanup)  # closing the connection tidies up after it
            cleanup = None
        _apply_pragmas(conn, read_only=read_only, busy_timeout_ms=busy_timeout_ms)
        if migrate and not read_only:
            _migrate_if_needed(conn, path)
        log.debug("opened %s %s with %s", path, "read-only" if read_only else "", describe())
    except BaseException as exc:
        if conn is not None:
            conn.close()
        if cleanup is not None:
            cleanup()
        explained = _explained(exc, path)
        if explained is exc:
            raise
        raise explained from exc
    return conn


def _explained(exc: BaseException, path: Path) -> BaseException:
    """`exc` as one sentence a coordinator can act on (Convener's own errors unchanged)."""
    if isinstance(exc, sqlite3.DatabaseError) and "readonly" in str(exc):
        return DatabaseError(
            f"{path}: cannot be written (the file or its folder is write-protected); "
            "open it with --read-only"
        )
    if isinstance(exc, sqlite3.DatabaseError):
        return DatabaseError(f"{path}: cannot open the database ({exc})")
    if isinstance(exc, PermissionError):
        return DatabaseError(f"{path}: permission denied ({exc.strerror})")
    if isinstance(exc, OSError):
        return DatabaseError(f"{path}: cannot open the database ({exc.strerror or exc})")
    return exc


def _migrate_if_needed(db: sqlite3.Connection, path: Path) -> None:
    """Upgrade the schema holding the guard exclusively: no other window may be writing."""
    version, latest = current_version(db), schema.MIGRATIONS[-1][0]
    if version > latest:
        raise NewerSchemaError(version, latest, str(path))
    if version == latest:
        return
    guard = InstanceLock(path)
    holder = guard.acquire(exclusive=True)
    if holder is not None:
        raise DatabaseError(
            f"{path} needs a schema upgrade, which is done alone, and it is open in "
            f"{in_use_by(holder)}: close that one, then open it again"
        )
    try:
        schema.migrate(lazy.database(db), schema.MIGRATIONS)
    except NewerSchemaError as exc:
        raise NewerSchemaError(exc.version, exc.latest, str(path)) from None
    finally:
        guard.release()


def _apply_pragmas(db: sqlite3.Connection, *, read_only: bool, busy_timeout_ms: int) -> None:
    pragmas = (*_PRAGMAS, ("busy_timeout", str(busy_timeout_ms), busy_timeout_ms))
    for name, value, _ in pragmas:
        db.execute(f"PRAGMA {name}={value}")
    if not read_only:
        mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise DatabaseError(f"journal_mode is {mode}, expected wal")
    for name, _, expected in pragmas:
        got = db.execute(f"PRAGMA {name}").fetchone()[0]
        if got != expected:
            raise DatabaseError(f"PRAGMA {name} is {got!r}, expected {expected!r}")


def checkpoint(db: Queryable) -> None:
    """Fold the WAL into the main file so the `.db` alone is complete (clean exit)."""
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def read_only_reason(path: Path, passphrase: str | None = None) -> str:
    """Why the app must open `path` read-only, as a sentence; '' when it can write.

    Checked at start, so a write-protected USB stick or a database from a newer Convener
    opens read-only with a clear reason instead of failing at the first save.
    """
    protection = write_protection(path)
    if protection:
        cause = protection[0].upper() + protection[1:]
        return f"{cause}, so this window is read-only: nothing is saved."
    if path.exists() and path.stat().st_size > 0:
        try:
            with reading(path, passphrase) as conn:
                version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        except (DatabaseError, sqlite3.Error):
            return ""  # connect() reports a damaged or foreign file with its own message
        if version > LATEST:
            return (
                f"{path} was written by a newer Convener (schema {version}, this version "
                f"knows {LATEST}), so this window is read-only: upgrade Convener to change it."
            )
    return ""
