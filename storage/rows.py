"""Small helpers every query module shares: stamped inserts, updates and the audit trail.

They sit under every check-in and note, so they avoid per-row overhead: the device id is read
once per connection, and `one` runs its SELECT directly rather than through `Database.query`
(which wraps each statement in a savepoint of its own).
"""

from __future__ import annotations

import json
import sqlite3
import weakref
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from convener.storage import lazy
from convener.storage.clock import new_id, stable_id, utc_now
from convener.storage.db.migrations import SYNCED_TABLES, device_id
from convener.storage.db.raw import Queryable
from convener.storage.hlc import HybridClock, Stamp

if TYPE_CHECKING:
    from sqlite_utils import Database

_DEVICE_IDS: weakref.WeakKeyDictionary[Database, str] = weakref.WeakKeyDictionary()


def this_device(db: Database) -> str:
    """`migrations.device_id`, remembered for the connection (it never changes once set)."""
    known = _DEVICE_IDS.get(db)
    if known is None:
        known = device_id(db)
        if known != "unknown":
            _DEVICE_IDS[db] = known
    return known


def stamped(db: Database, row: dict[str, Any], *, row_id: str | None = None) -> dict[str, Any]:
    """`row` with id, created/updated stamps and this device's id filled in."""
    now = utc_now()
    return {
        "id": row_id or row.get("id") or new_id(),
        **{k: v for k, v in row.items() if k != "id"},
        "created_at": now,
        "updated_at": now,
        "device_id": this_device(db),
    }


def insert(db: Database, table: str, row: dict[str, Any]) -> dict[str, Any]:
    """Insert a stamped row and return it."""
    full = stamped(db, row)
    if table in SYNCED_TABLES and not full.get("sync_hlc"):
        # The stamp a merge orders versions by (docs/sync.md); a new check-in or note reuses
        # the stamp it was taken with.
        full["sync_hlc"] = full.get("hlc") or hlc_stamp(db, full.get("event_id"))
    columns = ", ".join(full)
    marks = ", ".join("?" * len(full))
    db.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(full.values()))
    return full


def update(db: Database, table: str, row_id: str, changes: dict[str, Any]) -> None:
    """Update columns of one row and bump its `updated_at` and device."""
    values = {**changes, "updated_at": utc_now(), "device_id": this_device(db)}
    if table in SYNCED_TABLES and "sync_hlc" not in changes:
        values["sync_hlc"] = hlc_stamp(db, changes.get("event_id"))
    sets = ", ".join(f"{k} = ?" for k in values)
    db.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*values.values(), row_id])


def merge(db: Database, table: str, row: dict[str, Any]) -> str:
    """Insert `row` by id, or update the columns that differ: 'inserted'/'updated'/'unchanged'.

    This is what makes imports idempotent: the same file gives the same ids and values.
    """
    existing = one(db, f"SELECT * FROM {table} WHERE id = ?", [row["id"]])
    if existing is None:
        insert(db, table, row)
        return "inserted"
    changes = {k: v for k, v in row.items() if k != "id" and existing.get(k) != v}
    if not changes:
        return "unchanged"
    update(db, table, row["id"], changes)
    return "updated"


def one(db: Queryable, sql: str, params: list[Any] | None = None) -> dict[str, Any] | None:
    """The first row of a SELECT as a dict (column names as `Database.query` gives them)."""
    cursor = db.execute(sql, params or [])
    try:
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip(_keys(cursor), row, strict=True))
    finally:
        cursor.close()


def every(db: Queryable, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    """Every row of a SELECT as dicts, on a bare connection too (no sqlite-utils needed)."""
    cursor = db.execute(sql, params or [])
    try:
        keys = _keys(cursor)
        return [dict(zip(keys, row, strict=True)) for row in cursor]
    finally:
        cursor.close()


def _keys(cursor: sqlite3.Cursor) -> list[str]:
    keys = [d[0] for d in cursor.description]
    return lazy.dedupe_keys(keys) if len(set(keys)) < len(keys) else keys


def audit(
    db: Database,
    action: str,
    entity: str,
    entity_id: str,
    event_id: str | None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append to the audit trail, in the caller's transaction."""
    insert(
        db,
        "audit",
        {
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "event_id": event_id,
            "detail": json.dumps(detail or {}, ensure_ascii=False),
        },
    )


# Why a person left an event's list: removed by hand (also for good, see docs/sync.md).
REMOVED = "removed"


def tombstone(db: Database, table: str, row_id: str, event_id: str | None, reason: str) -> None:
    """Remember that a row was deleted, so a merge from another laptop never brings it back.

    For `people` with an event, it means "this person is out of this event" (removed or
    erased); the id is derived from what it says, so two laptops deleting the same row agree.
    """
    hlc = hlc_stamp(db, event_id)
    db.execute(
        "INSERT OR IGNORE INTO sync_tombstones(id, table_name, row_id, event_id, reason, hlc,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            stable_id("tombstone", table, row_id, event_id or ""),
            table,
            row_id,
            event_id,
            reason,
            hlc,
            utc_now(),
        ],
    )


# --- the hybrid logical clock (storage/hlc.py) -------------------------------------------

HLC_SETTING = "hlc"
_CLOCKS: weakref.WeakKeyDictionary[Database, HybridClock] = weakref.WeakKeyDictionary()


def hlc_clock(db: Database) -> HybridClock:
    """The connection's clock, started from the last stamp saved in the database.

    Tests set its `wall` to a fake clock to move time back."""
    clock = _CLOCKS.get(db)
    if clock is None:
        last, physical = _saved_hlc(db)
        clock = HybridClock(this_device(db), last=last, last_physical_ms=physical)
        _CLOCKS[db] = clock
    return clock


def hlc_stamp(db: Database, event_id: str | None) -> str:
    """A new HLC stamp for a change being written; saved, with any jump, in the same
    transaction as the change (the caller's)."""
    clock = hlc_clock(db)
    saved_last, _ = _saved_hlc(db)
    if saved_last is not None and saved_last > clock.last:  # another connection stamped
        clock.last = Stamp(saved_last.wall_ms, saved_last.counter, clock.device)
    new, jump = clock.now()
    db.execute(
        "INSERT INTO settings(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [HLC_SETTING, json.dumps({"last": str(new), "physical_ms": clock.last_physical_ms})],
    )
    if jump is not None:
        audit(
            db,
            "clock_jump",
            "clock",
            "",
            event_id,
            {"before_ms": jump.before_ms, "after_ms": jump.after_ms, "seconds": jump.seconds},
        )
    return str(new)


def hlc_receive(db: Database, remote: Stamp) -> None:
    """Take in a stamp merged from another laptop: what this one stamps next sorts after it
    (saved in the caller's transaction)."""
    clock = hlc_clock(db)
    saved_last, _ = _saved_hlc(db)
    if saved_last is not None and saved_last > clock.last:
        clock.last = Stamp(saved_last.wall_ms, saved_last.counter, clock.device)
    if remote <= clock.last:
        return
    new = clock.receive(remote)
    db.execute(
        "INSERT INTO settings(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [HLC_SETTING, json.dumps({"last": str(new), "physical_ms": clock.last_physical_ms})],
    )


def hlc_now(db: Database, event_id: str | None) -> tuple[str, str]:
    """(UTC time, HLC stamp) for a change made now: both from the same clock reading."""
    hlc = hlc_stamp(db, event_id)
    ms = hlc_clock(db).last_physical_ms or 0
    moment = datetime.fromtimestamp(ms / 1000, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"), hlc


def _saved_hlc(db: Database) -> tuple[Stamp | None, int | None]:
    row = db.execute("SELECT value FROM settings WHERE key = ?", [HLC_SETTING]).fetchone()
    if not row:
        return None, None
    try:
        data = json.loads(row[0])
        return Stamp.parse(str(data["last"])), int(data["physical_ms"])
    except (ValueError, KeyError, TypeError):
        return None, None
