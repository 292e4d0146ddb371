"""Damaged, foreign and emptied database files: found before anything is written to them.

A laptop that dies mid-write, a USB stick pulled out, or `--db` pointing at the wrong file
must never lead to Convener writing over what is left. `check_file` runs `quick_check` on
an existing file; on failure the file (and its WAL) is copied aside untouched and the user
is told how to get their data back: the newest backup, or a read-only salvage.

A 0-byte file is what SQLite calls an empty database. It holds nothing to lose, so it is
used as a new database, unless backups exist next to it: then a database *was* there and
has been emptied (a failed copy, a disk fault), and the user is sent to the backup instead
of silently starting afresh.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from convener.storage.db.raw import probe
from convener.storage.errors import CorruptDatabaseError
from convener.storage.paths import default_backup_path

SQLITE_HEADER = b"SQLite format 3\x00"
_CORRUPT_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB


def is_corruption(exc: BaseException) -> bool:
    """True for errors that mean 'this file is damaged or not a database' (not 'busy')."""
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF in _CORRUPT_CODES:
        return True
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text


def check_file(conn: sqlite3.Connection, path: Path, *, encrypted: bool = False) -> None:
    """`quick_check` an existing, non-empty file; raise CorruptDatabaseError if it fails."""
    if not path.exists() or path.stat().st_size == 0:
        return
    if encrypted:
        probe(conn, path, encrypted=True)  # page 1 decrypts: later failures are damage
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
        problem = "" if rows == [("ok",)] else "; ".join(str(r[0]) for r in rows[:3])
    except sqlite3.DatabaseError as exc:
        if not is_corruption(exc):
            raise
        problem = str(exc)
    if problem:
        raise damaged(path, problem, encrypted=encrypted)


def damaged(path: Path, problem: str, *, encrypted: bool = False) -> CorruptDatabaseError:
    """The error for a damaged file, after keeping a copy of it aside."""
    copy = copy_aside(path)
    if encrypted or _has_sqlite_header(path):
        what = f"{path} is damaged ({problem})"
    else:
        what = (
            f"{path} is not a Convener database (it may be another kind of file, a damaged "
            "one, or an encrypted one: set CONVENER_PASSPHRASE)"
        )
    return CorruptDatabaseError(
        f"{what}. Nothing was written to it, and a copy was kept as {copy.name}. "
        f"{recovery_advice(path)}",
        copy,
    )


def recovery_advice(path: Path) -> str:
    """What to do next: restore the newest backup, or salvage read-only."""
    salvage = f"`convener --read-only --db {path}` opens it to export what can still be read"
    newest = latest_backup(path)
    if newest is None:
        return f"No backup was found; {salvage}."
    return f"Restore the newest backup with `convener --db {path} restore {newest}`, or {salvage}."


def latest_backup(db_path: Path) -> Path | None:
    """The newest backup of `db_path`: in its backups folder, or taken before a migration."""
    folder = default_backup_path(db_path).parent
    # `convener backup` names its copies `<stem>-<stamp>.db`: only this database's count.
    found = list(folder.glob(f"{db_path.stem}-*.db")) if folder.is_dir() else []
    found += db_path.parent.glob(f"{db_path.name}.v*.bak")
    found = [p for p in found if p.is_file() and p.stat().st_size > 0]
    return max(found, key=lambda p: p.stat().st_mtime, default=None)


def refuse_lost_database(path: Path) -> None:
    """A 0-byte file with backups beside it is a lost database, not a new one: say so."""
    if not path.exists() or path.stat().st_size > 0:
        return
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return  # everything is still in the WAL; SQLite recovers it on open
    newest = latest_backup(path)
    if newest is None:
        return
    raise CorruptDatabaseError(
        f"{path} is empty (0 bytes), but backups of it exist: its data was lost. Restore the "
        f"newest backup with `convener --db {path} restore {newest}`, or delete the empty "
        "file to start a new database."
    )


def copy_aside(path: Path) -> Path:
    """Copy `path` (and its `-wal`) to `<name>.corrupt-<stamp>`, 0600; never overwrite.

    Opening the same damaged file again reuses the copy already made of it.
    """
    digest = _sha256(path)
    size = path.stat().st_size
    for existing in sorted(path.parent.glob(f"{path.name}.corrupt-*")):
        if existing.name.endswith("-wal") or existing.stat().st_size != size:
            continue
        if _sha256(existing) == digest:
            return existing
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    copy = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while copy.exists():
        n += 1
        copy = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    private_copy(path, copy)
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        private_copy(wal, Path(f"{copy}-wal"))
    return copy


def private_copy(src: Path, dest: Path) -> None:
    """Copy bytes to a new 0600 file (never over an existing one), synced to disk."""
    fd = os.open(dest, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "wb") as out, src.open("rb") as source:
        shutil.copyfileobj(source, out)
        out.flush()
        os.fsync(out.fileno())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _has_sqlite_header(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(16) == SQLITE_HEADER
