"""Head office's warehouse: every event's head-office files, loaded and merged.

`convener hq ingest FILES... --into WAREHOUSE` reads every file first (a bad one is refused
and nothing changes), then in one transaction stores the new ones (by SHA-256: loading a
file twice changes nothing) and rebuilds each touched event from the newest file of each of
its laptops (storage/hq/merge.py). A newer file of a laptop replaces what its older one
said, so an erasure reaches head office. The warehouse keeps the files' pseudonymous rows
for later merges; `hq serve` never shows it as it is, only a copy of its public tables
(storage/hq/served.py).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from convener.storage.clock import utc_now
from convener.storage.db.driver import sqlite_connect
from convener.storage.errors import ConvenerError
from convener.storage.hq import hqfile
from convener.storage.hq.merge import HqFile, MergedEvent, current_files, merge_event
from convener.storage.hq.reader import HqFileError, read_hq_file
from convener.storage.paths import ensure_private_dir
from convener.storage.text import counted

APPLICATION_ID = 0x43564857  # "CVHW"
VERSION = 1
# The head-office setting that lets pages list one person's events (off unless set).
PERSON_EVENTS = "person_events"
SETTINGS = {PERSON_EVENTS: ("off", "on")}

EVENT_COLUMNS = (
    "event_id", "slug", "title", "kind", "date", "month", "end_date", "city", "district",
    "province", "country", "status", "funder", "project", "laptops", "files",
)  # fmt: skip
NAMED_COLUMNS = (
    "event_id", "person", "name", "designation", "organisation", "stakeholder_group", "sex",
    "age_band", "district", "source", "attended", "link_key", "file",
)  # fmt: skip
POINT_COLUMNS = (
    "event_id", "note", "noted_at", "speaker", "kind", "text", "addressed_to",
    "agenda_position", "agenda_title", "tags", "file",
)  # fmt: skip
ACTION_COLUMNS = ("event_id", "item", "who", "what", "due_date", "status", "file")
TALLY_COLUMNS = ("event_id", "dimension", "position", "code", "label", "count", "files")


def _schema() -> str:
    staged = "\n".join(
        f"CREATE TABLE s_{table} (file_sha TEXT NOT NULL, {', '.join(columns)});"
        f"\nCREATE INDEX s_{table}_file ON s_{table}(file_sha);"
        for table, columns in hqfile.TABLES.items()
    )
    return f"""
CREATE TABLE wh_files (
  sha256 TEXT PRIMARY KEY, name TEXT NOT NULL, event_id TEXT NOT NULL, device_id TEXT NOT NULL,
  high_water TEXT NOT NULL, exported_at TEXT NOT NULL, key_id TEXT NOT NULL,
  ingested_at TEXT NOT NULL
);
CREATE INDEX wh_files_event ON wh_files(event_id);
CREATE TABLE wh_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
{staged}
CREATE TABLE events ({", ".join(EVENT_COLUMNS)}, PRIMARY KEY (event_id));
CREATE TABLE tallies ({", ".join(TALLY_COLUMNS)});
CREATE TABLE named ({", ".join(NAMED_COLUMNS)});
CREATE TABLE points ({", ".join(POINT_COLUMNS)});
CREATE TABLE actions ({", ".join(ACTION_COLUMNS)});
"""


@dataclass
class IngestReport:
    """What a load did, for the line the head-office officer reads."""

    loaded: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{counted(len(self.loaded), 'file')} loaded, {len(self.already)} already loaded; "
            f"{counted(len(self.events), 'event')} updated"
            + (f": {', '.join(self.events)}" if self.events else "")
        )


def open_warehouse(path: Path, *, create: bool = True) -> sqlite3.Connection:
    """The warehouse file (made 0600 in a 0700 folder if new); another file is refused."""
    if not path.exists():
        if not create:
            raise ConvenerError(f"{path}: no such warehouse; `convener hq ingest` makes one")
        ensure_private_dir(path.parent)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    conn = sqlite_connect(str(path), isolation_level=None)
    try:
        kind = int(conn.execute("PRAGMA application_id").fetchone()[0])
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise ConvenerError(f"{path} is not a head-office warehouse ({exc})") from None
    if kind == 0 and version == 0 and tables == 0:
        conn.executescript(f"BEGIN; {_schema()} PRAGMA application_id = {APPLICATION_ID};"
                           f" PRAGMA user_version = {VERSION}; COMMIT;")  # fmt: skip
    elif kind != APPLICATION_ID:
        conn.close()
        raise ConvenerError(f"{path} is not a head-office warehouse; name a new file")
    elif version > VERSION:
        conn.close()
        raise ConvenerError(f"{path} was made by a newer Convener; update Convener to use it")
    return conn


def ingest(warehouse: Path, paths: Sequence[Path]) -> IngestReport:
    """Load head-office files into the warehouse: all of them, or (one bad file) none."""
    files = [read_hq_file(p) for p in paths]  # refuses before anything changes
    conn = open_warehouse(warehouse)
    report = IngestReport()
    try:
        conn.execute("BEGIN IMMEDIATE")
        touched: dict[str, None] = {}
        for f in files:
            if _known(conn, f.sha256):
                report.already.append(f.name)
                continue
            _stage(conn, f)
            report.loaded.append(f.name)
            touched[f.event_id] = None
        for event_id in touched:
            merged = merge_event(same_key(current_files(_staged_files(conn, event_id))))
            _replace_event(conn, event_id, merged)
            report.events.append(str(merged.event["slug"]))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    finally:
        conn.close()
    return report


def same_key(files: list[HqFile]) -> list[HqFile]:
    """The files, if their pseudonyms can be merged; otherwise a refusal naming two of them.

    Laptops that each imported the event on their own (not cloned from one another, not
    synced) key their pseudonyms differently: merging them would count everyone twice.
    """
    first = files[0]
    for f in files[1:]:
        if f.meta["key_id"] != first.meta["key_id"]:
            raise HqFileError(
                f"{f.name} and {first.name} are files of one event from laptops that were "
                "not set up from one another: sync the laptops (or clone one from the "
                "other), export again on both, and load the new files"
            )
    return files


def _known(conn: sqlite3.Connection, sha256: str) -> bool:
    return conn.execute("SELECT 1 FROM wh_files WHERE sha256 = ?", [sha256]).fetchone() is not None


def _stage(conn: sqlite3.Connection, f: HqFile) -> None:
    m = f.meta
    conn.execute(
        "INSERT INTO wh_files VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [f.sha256, f.name, f.event_id, m["device_id"], m["high_water"], m["exported_at"],
         m["key_id"], utc_now()],
    )  # fmt: skip
    for table, columns in hqfile.TABLES.items():
        marks = ", ".join("?" * (len(columns) + 1))
        conn.executemany(
            f"INSERT INTO s_{table} VALUES ({marks})",
            ([f.sha256, *(row[c] for c in columns)] for row in f.tables[table]),
        )


def _staged_files(conn: sqlite3.Connection, event_id: str) -> list[HqFile]:
    """Every stored file of the event, rebuilt from the staged rows."""
    files = []
    for sha, name, device, high, exported, key in conn.execute(
        "SELECT sha256, name, device_id, high_water, exported_at, key_id FROM wh_files"
        " WHERE event_id = ?",
        [event_id],
    ).fetchall():
        meta = {"event_id": event_id, "device_id": device, "high_water": high,
                "exported_at": exported, "key_id": key}  # fmt: skip
        tables = {}
        for table, columns in hqfile.TABLES.items():
            cursor = conn.execute(
                f"SELECT {', '.join(columns)} FROM s_{table} WHERE file_sha = ?"
                f" ORDER BY {hqfile.ORDER[table]}",
                [sha],
            )
            tables[table] = [dict(zip(columns, row, strict=True)) for row in cursor]
        files.append(HqFile(name, sha, meta, tables))
    return files


def _replace_event(conn: sqlite3.Connection, event_id: str, merged: MergedEvent) -> None:
    for table in ("events", "tallies", "named", "points", "actions"):
        conn.execute(f"DELETE FROM {table} WHERE event_id = ?", [event_id])
    e = merged.event
    row = {
        **e,
        "event_id": event_id,
        "month": str(e.get("date") or "")[:7],
        "laptops": len(merged.files),
        "files": ",".join(f.sha256 for f in merged.files),
    }
    _insert(conn, "events", EVENT_COLUMNS, [row])
    _insert(conn, "tallies", TALLY_COLUMNS, [{**t, "event_id": event_id, "files": t["file"]}
                                             for t in merged.tallies])  # fmt: skip
    _insert(conn, "named", NAMED_COLUMNS, [{**r, "event_id": event_id} for r in merged.named])
    _insert(conn, "points", POINT_COLUMNS, [{**r, "event_id": event_id} for r in merged.points])
    _insert(conn, "actions", ACTION_COLUMNS, [{**r, "event_id": event_id} for r in merged.actions])


def _insert(
    conn: sqlite3.Connection, table: str, columns: Sequence[str], rows: Iterable[dict[str, object]]
) -> None:
    marks = ", ".join("?" * len(columns))
    conn.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
        ([row.get(c) for c in columns] for row in rows),
    )


def set_setting(warehouse: Path, key: str, value: str) -> None:
    """Change a head-office setting (`person_events on|off`)."""
    if key not in SETTINGS or value not in SETTINGS[key]:
        choices = "; ".join(f"{k} {'|'.join(v)}" for k, v in SETTINGS.items())
        raise ConvenerError(f"unknown setting {key} {value}; choose from: {choices}")
    conn = open_warehouse(warehouse, create=False)
    try:
        conn.execute("INSERT OR REPLACE INTO wh_settings VALUES (?, ?)", [key, value])
    finally:
        conn.close()


def setting(conn: sqlite3.Connection, key: str) -> str:
    row = conn.execute("SELECT value FROM wh_settings WHERE key = ?", [key]).fetchone()
    return str(row[0]) if row else SETTINGS[key][0]
