"""Which files Convener may write, and how it opens the others without leaving a trace.

- Convener never changes the mode of an existing file or folder. A database (or its folder)
  without owner write permission is opened read-only, even by root or an administrator,
  who could write anyway: the owner said no. One readable by other users is used as it is,
  with a warning.
- Only Convener's own databases are written. A file is Convener's if its header carries
  `APPLICATION_ID` (migration 2 stamps it; a new file is stamped before it gets its name),
  or, for files made before that, if it holds Convener's `_migrations` record. Another
  program's database, a file that is not SQLite, and an empty (0-byte) file are refused
  with their bytes, mode and folder left as they were.
- Reading a write-protected database leaves nothing behind: no `-wal` or `-shm` file with
  the database's read-only mode that would make the next, writable, session fail.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from convener.storage.db.integrity import (
    SQLITE_HEADER,
    damaged,
    latest_backup,
    recovery_advice,
    refuse_lost_database,
)
from convener.storage.db.raw import open_raw, open_uri, probe, read_only_uri
from convener.storage.errors import CorruptDatabaseError, DatabaseError
from convener.storage.paths import ensure_private_dir

# "Conv" in ASCII, in the header's application-id field (bytes 68-71, big-endian); it tells
# Convener's databases from other programs' (`file` and `sqlite3 .dbinfo` show it too).
APPLICATION_ID = 0x436F6E76
_APP_ID_OFFSET = 68
_SIDE_FILES = ("-wal", "-shm")
Cleanup = Callable[[], None]


def mode_text(path: Path) -> str:
    """`0644`: the permission bits as `ls -l` users and `chmod` know them."""
    return f"{stat.S_IMODE(path.stat().st_mode):04o}"


def _owner_cannot_write(path: Path) -> bool:
    return not path.stat().st_mode & stat.S_IWUSR or not os.access(path, os.W_OK)


def write_protection(path: Path) -> str:
    """What forbids writing the database at `path`, as the start of a sentence; '' if none.

    The owner's write bit counts even for root, who could write anyway: a `chmod 444`
    is a request to leave the file alone.
    """
    if path.exists():
        if _owner_cannot_write(path):
            return f"{path} is write-protected (mode {mode_text(path)})"
        folder = path.parent
    else:
        folder = path.parent
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
    if folder.exists() and (_owner_cannot_write(folder) or not os.access(folder, os.X_OK)):
        return f"the folder {folder} is write-protected (mode {mode_text(folder)})"
    return ""


def exposure_warning(path: Path) -> str:
    """A warning when other users of this computer may read the database; '' otherwise."""
    if os.name == "nt" or not path.is_file():
        return ""
    if not path.stat().st_mode & (stat.S_IRGRP | stat.S_IROTH):
        return ""
    return (
        f"{path} can be read by other users of this computer (mode {mode_text(path)}); "
        f"Convener leaves it as you set it: `chmod 600 {path}` keeps it private."
    )


def _wal_has_data(path: Path) -> bool:
    wal = Path(f"{path}-wal")
    return wal.exists() and wal.stat().st_size > 0


def refuse_empty(path: Path) -> None:
    """A 0-byte file is refused: it is not a database Convener made (see module docstring)."""
    if not path.exists() or path.stat().st_size > 0:
        return
    if _wal_has_data(path):
        # SQLite deletes the log of an empty database on open, even a read-only one.
        raise DatabaseError(
            f"{path} is empty (0 bytes) but {path.name}-wal beside it still holds data, which "
            "opening it would discard: nothing was opened. Keep both files and "
            f"{_restore_hint(path)}"
        )
    refuse_lost_database(path)
    raise DatabaseError(
        f"{path} is empty (0 bytes), so it is not a Convener database and was left as it is: "
        "delete it to start a new database there, or choose another file with --db."
    )


def _restore_hint(path: Path) -> str:
    newest = latest_backup(path)
    if newest is None:
        return "ask for help: no backup of it was found."
    return f"restore the newest backup with `convener --db {path} restore {newest}`."


def create_database(path: Path, passphrase: str | None) -> None:
    """Make a new database at `path`: 0600 in a 0700 folder, stamped as Convener's.

    It is stamped under a temporary name and only then linked into place, so `path` never
    exists as an empty or unstamped file that the next open would refuse.
    """
    ensure_private_dir(path.parent)
    temp = path.with_name(f".{path.name}.new-{os.getpid()}")
    for leftover in (temp, Path(f"{temp}-journal")):
        leftover.unlink(missing_ok=True)
    try:
        os.close(os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        conn = open_raw(temp, passphrase=passphrase)
        try:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.commit()
        finally:
            conn.close()
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        try:
            os.link(temp, path)  # never over a file that appeared meanwhile
        except FileExistsError:
            raise DatabaseError(f"{path} appeared while Convener was creating it") from None
        except OSError:
            if path.exists():  # a file system without hard links (FAT): rename instead
                raise DatabaseError(f"{path} appeared while Convener was creating it") from None
            os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def _header_app_id(path: Path) -> int | None:
    """The application id in a plain SQLite file's header; None if it is not SQLite."""
    with path.open("rb") as handle:
        header = handle.read(100)
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        return None
    return int.from_bytes(header[_APP_ID_OFFSET : _APP_ID_OFFSET + 4], "big")


def not_sqlite(path: Path) -> CorruptDatabaseError:
    """The refusal of a file that is not SQLite (nothing is copied: it may not be ours)."""
    return CorruptDatabaseError(
        f"{path} is not a Convener database: it is not an SQLite file (it may be another "
        "kind of file, a damaged database, or an encrypted one: set CONVENER_PASSPHRASE). "
        f"Nothing was written to it. If it held your Convener data: {recovery_advice(path)}"
    )


def refuse_unless_ours(path: Path, passphrase: str | None, *, report_damage: bool = True) -> None:
    """Raise unless the existing file at `path` is a Convener database (it may be damaged).

    Nothing is written, and nothing is created beside the file, except the copy a damaged
    database's report keeps aside (`report_damage`); other damage is left to the
    integrity check, which reports it.
    """
    refuse_empty(path)
    if not passphrase:
        app_id = _header_app_id(path)
        if app_id is None:
            if latest_backup(path) is not None:
                # A database was here (its backups say so) and its header is gone: damage.
                if not report_damage:
                    return
                raise damaged(path, "its header is not an SQLite header")
            raise not_sqlite(path)
        if app_id == APPLICATION_ID:
            return
        if app_id != 0:
            raise _foreign(path, f"with application id {app_id:#010x}")
    try:
        with reading(path, passphrase) as conn:
            if passphrase:
                probe(conn, path, encrypted=True)
            found = int(conn.execute("PRAGMA application_id").fetchone()[0])
            tables = [
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            ]
            first = (
                conn.execute("SELECT name FROM _migrations WHERE version = 1").fetchone()
                if "_migrations" in tables
                else None
            )
    except sqlite3.DatabaseError:
        return  # damaged: the integrity check copies it aside and explains
    if found == APPLICATION_ID or (found == 0 and first is not None and first[0] == "initial"):
        return
    if found:
        raise _foreign(path, f"with application id {found:#010x}")
    shown = ", ".join(tables[:4]) + (", …" if len(tables) > 4 else "")
    raise _foreign(path, f"with the tables {shown}" if tables else "with no tables")


def is_ours(path: Path, passphrase: str | None = None) -> bool:
    """True for a missing path or a Convener database (even a damaged one): may be opened."""
    if not path.exists():
        return True
    try:
        refuse_unless_ours(path, passphrase, report_damage=False)
    except DatabaseError:
        return False
    return True


def _foreign(path: Path, what: str) -> DatabaseError:
    return DatabaseError(
        f"{path} is another program's SQLite database ({what}), not Convener's: nothing was "
        "written to it. Choose another file with --db, or a new file name to start a "
        "Convener database."
    )


@contextlib.contextmanager
def reading(path: Path, passphrase: str | None) -> Iterator[sqlite3.Connection]:
    """A read-only look at `path` that creates no side file (to tell whose file it is)."""
    conn, cleanup = open_for_reading(path, passphrase, probing=True)
    try:
        yield conn
    finally:
        conn.close()
        cleanup()


def open_for_reading(
    path: Path, passphrase: str | None, *, probing: bool = False
) -> tuple[sqlite3.Connection, Cleanup]:
    """A read-only connection, and what to run after closing it.

    A write-protected database with nothing in its WAL is read as immutable: SQLite creates
    no `-wal` or `-shm` then (nobody can be writing it, as nobody may). Otherwise SQLite may
    create them; the cleanup removes those it created for a write-protected database (or,
    when `probing` another program's file), so none is left with a mode that breaks the
    next session.
    """
    refuse_empty(path)
    if not passphrase and _header_app_id(path) is None:
        raise not_sqlite(path)
    protected = bool(write_protection(path))
    if (protected or probing) and not _wal_has_data(path):
        return open_uri(read_only_uri(path, immutable=True), passphrase), lambda: None
    before = {s for s in _SIDE_FILES if Path(f"{path}{s}").exists()}
    conn = open_raw(path, read_only=True, passphrase=passphrase)

    def cleanup() -> None:
        if not (protected or probing):
            return
        for suffix in _SIDE_FILES:
            side = Path(f"{path}{suffix}")
            if suffix in before or not side.exists():
                continue
            if suffix == "-wal" and side.stat().st_size > 0:
                continue
            with contextlib.suppress(OSError):
                side.unlink()

    return conn, cleanup
