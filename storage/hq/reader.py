"""Reading a head-office file, or refusing it in one sentence that names it.

A file is read whole into memory before the warehouse changes, so a bad one (not SQLite,
a Convener database instead of an export, cut short on a USB stick, edited after export,
made by a newer Convener) changes nothing.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from convener.storage.db.driver import sqlite_connect
from convener.storage.db.files import APPLICATION_ID as DATABASE_ID
from convener.storage.db.raw import read_only_uri
from convener.storage.errors import ConvenerError
from convener.storage.hq import hqfile
from convener.storage.hq.merge import HqFile

HEADER = b"SQLite format 3\x00"
MADE_BY = "a head-office file is made by `convener export EVENT --format hq`"


class HqFileError(ConvenerError):
    """A file head office cannot load; the message names it and says why."""


def read_hq_file(path: Path) -> HqFile:
    """The file's tables, after checking it is a whole, unchanged head-office file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise HqFileError(f"{path}: {exc.strerror or exc}") from None
    if not data.startswith(HEADER):
        raise HqFileError(f"{path} is not a SQLite file; {MADE_BY}")
    page_size = int.from_bytes(data[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(data[28:32], "big")
    if len(data) < 100 or len(data) < page_size * pages:
        raise HqFileError(f"{path} is cut short ({len(data)} bytes); copy it again")
    try:
        conn = sqlite_connect(read_only_uri(path.absolute(), immutable=True), uri=True)
    except sqlite3.Error as exc:
        raise HqFileError(f"{path} cannot be opened ({exc})") from None
    try:
        return _read(conn, path, hashlib.sha256(data).hexdigest())
    except sqlite3.DatabaseError as exc:
        raise HqFileError(f"{path} is damaged ({exc}); copy it again") from None
    finally:
        conn.close()


def _read(conn: sqlite3.Connection, path: Path, sha256: str) -> HqFile:
    kind_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    if kind_id == DATABASE_ID:
        raise HqFileError(f"{path} is a Convener database, not a head-office file; {MADE_BY}")
    if kind_id != hqfile.APPLICATION_ID:
        raise HqFileError(f"{path} is not a Convener head-office file; {MADE_BY}")
    problems = conn.execute("PRAGMA quick_check").fetchall()
    if problems != [("ok",)]:
        raise HqFileError(f"{path} is damaged ({problems[0][0]}); copy it again")
    meta = {str(k): str(v) for k, v in conn.execute("SELECT key, value FROM hq_file")}
    version = int(meta.get("version") or 0)
    if meta.get("kind") != hqfile.KIND:
        raise HqFileError(f"{path} is not a Convener head-office file; {MADE_BY}")
    if version > hqfile.VERSION:
        raise HqFileError(
            f"{path} was made by a newer Convener (head-office file version {version}, this "
            f"one reads up to {hqfile.VERSION}); update Convener to load it"
        )
    if not meta.get("key_id"):
        raise HqFileError(f"{path} is not a Convener head-office file; {MADE_BY}")
    if hqfile.content_digest(conn) != meta.get("content_sha256"):
        raise HqFileError(f"{path} was changed after it was exported; export it again")
    tables = {}
    for table, columns in hqfile.TABLES.items():
        cursor = conn.execute(
            f"SELECT {', '.join(columns)} FROM {table} ORDER BY {hqfile.ORDER[table]}"
        )
        tables[table] = [dict(zip(columns, row, strict=True)) for row in cursor]
    if len(tables["event"]) != 1 or tables["event"][0]["id"] != meta.get("event_id"):
        raise HqFileError(f"{path} does not hold exactly one event; export it again")
    return HqFile(path.name, sha256, meta, tables)
