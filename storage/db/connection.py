"""The one connection factory: every database handle in Convener is opened here.

It creates new files 0600 inside a 0700 folder, checks an existing file with `quick_check`
before writing to it, sets the PRAGMAs that make each commit durable and each delete
unrecoverable, verifies them, and applies pending migrations. With a passphrase (argument or
`CONVENER_PASSPHRASE`) the file is encrypted with SQLCipher (see convener.storage.db.cipher).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from convener.storage import lazy
from convener.storage.db.cipher import open_encrypted
from convener.storage.db.integrity import check_file, refuse_lost_database
from convener.storage.db.migrations import LATEST, is_current
from convener.storage.db.migrations import migrate as apply_migrations
from convener.storage.db.raw import (
    Queryable,
    open_raw,
    passphrase_from_env,
    probe,
    read_only_uri,
    schema_version,
)
from convener.storage.errors import DatabaseError, NewerSchemaError
from convener.storage.paths import ensure_private_dir

if TYPE_CHECKING:
    from sqlite_utils import Database

BUSY_TIMEOUT_MS = 5000

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


def connect(
    path: Path | str,
    *,
    read_only: bool = False,
    migrate: bool = True,
    check: bool | None = None,
    passphrase: str | None = None,
) -> Database:
    """Open the database at `path` with verified PRAGMAs, migrated to the current schema.

    `read_only` opens it with `mode=ro`: nothing can be written, whatever the file modes.
    `check` (default: when writing) runs `quick_check` on an existing file first; a damaged
    or foreign file raises CorruptDatabaseError after a copy of it is kept aside. Opening
    read-only skips the check: that is how whatever is still readable is salvaged.
    """
    conn = open_connection(
        path, read_only=read_only, migrate=migrate, check=check, passphrase=passphrase
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
) -> sqlite3.Connection:
    """`connect` without sqlite-utils: the same checks, PRAGMAs and migrations, on a bare
    connection. The database thread opens with it, so start-up needs no sqlite-utils
    (loaded only to run a migration)."""
    path = Path(path)
    check = not read_only if check is None else check
    passphrase = passphrase if passphrase is not None else passphrase_from_env()
    conn: sqlite3.Connection | None = None
    try:
        if read_only:
            if not path.exists():
                raise DatabaseError(f"{path}: no such database")
        else:
            refuse_lost_database(path)  # before creating: only a file that was there counts
            _create_private_file(path)
        conn = open_raw(path, read_only=read_only, passphrase=passphrase)
        if read_only:
            conn = _readable(conn, path, passphrase)
        if check:
            check_file(conn, path, encrypted=bool(passphrase))
        elif passphrase and not read_only:
            probe(conn, path, encrypted=True)
        _apply_pragmas(conn, read_only=read_only)
        if not read_only:
            # Tightened only now that it has proved to be a database (plain or encrypted):
            # a mistyped --db naming some other file keeps its mode.
            os.chmod(path, 0o600)
        if migrate and not read_only and not is_current(conn):
            try:
                apply_migrations(lazy.database(conn))
            except NewerSchemaError as exc:
                raise NewerSchemaError(exc.version, exc.latest, str(path)) from None
    except BaseException as exc:
        if conn is not None:
            conn.close()
        if isinstance(exc, sqlite3.DatabaseError) and "readonly" in str(exc):
            raise DatabaseError(
                f"{path}: cannot be written (the file or its folder is write-protected); "
                "open it with --read-only"
            ) from exc
        if isinstance(exc, sqlite3.DatabaseError):
            raise DatabaseError(f"{path}: cannot open the database ({exc})") from exc
        if isinstance(exc, PermissionError):
            raise DatabaseError(f"{path}: permission denied ({exc.strerror})") from exc
        if isinstance(exc, OSError):
            reason = exc.strerror or str(exc)
            raise DatabaseError(f"{path}: cannot open the database ({reason})") from exc
        raise
    return conn


def _readable(conn: sqlite3.Connection, path: Path, passphrase: str | None) -> sqlite3.Connection:
    """`conn`, or, in a write-protected folder, a connection that needs no `-shm` file.

    A WAL database read in a folder where its `-shm` cannot be created fails to open even
    read-only. When there is no WAL content to read, `immutable=1` reads the file as it is:
    nobody can be writing it, since nobody can create a WAL there either.
    """
    try:
        probe(conn, path, encrypted=bool(passphrase))
        return conn
    except sqlite3.OperationalError as exc:
        wal = Path(f"{path}-wal")
        stuck = "readonly" in str(exc) or "unable to open" in str(exc)
        if not stuck or (wal.exists() and wal.stat().st_size > 0):
            raise
    conn.close()
    uri = read_only_uri(path, immutable=True)
    if passphrase:
        return open_encrypted(uri, passphrase, uri=True)
    return sqlite3.connect(uri, uri=True, check_same_thread=False)


def _apply_pragmas(db: sqlite3.Connection, *, read_only: bool) -> None:
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


def checkpoint(db: Queryable) -> None:
    """Fold the WAL into the main file so the `.db` alone is complete (clean exit)."""
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def read_only_reason(path: Path, passphrase: str | None = None) -> str:
    """Why the app must open `path` read-only, as a sentence; '' when it can write.

    Checked at start, so a write-protected USB stick or a database from a newer Convener
    opens read-only with a clear reason instead of failing at the first save.
    """
    if path.exists():
        if not os.access(path, os.W_OK):
            return f"{path} is write-protected, so this window is read-only: nothing is saved."
        folder = path.parent
    else:
        folder = path.parent
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"The folder {folder} is write-protected, so this window is read-only."
    if path.exists() and path.stat().st_size > 0:
        try:
            version = schema_version(path, passphrase)
        except (DatabaseError, sqlite3.Error):
            return ""  # connect() reports a damaged file with its own message
        if version > LATEST:
            return (
                f"{path} was written by a newer Convener (schema {version}, this version "
                f"knows {LATEST}), so this window is read-only: upgrade Convener to change it."
            )
    return ""
