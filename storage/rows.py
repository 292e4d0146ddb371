"""Small helpers every query module shares: stamped inserts, updates and the audit trail."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from storage.clock import new_id, utc_now
from storage.migrations import device_id


def stamped(db: Database, row: dict[str, Any], *, row_id: str | None = None) -> dict[str, Any]:
    """`row` with id, created/updated stamps and this device's id filled in."""
    now = utc_now()
    return {
        "id": row_id or row.get("id") or new_id(),
        **{k: v for k, v in row.items() if k != "id"},
        "created_at": now,
        "updated_at": now,
        "device_id": device_id(db),
    }


def insert(db: Database, table: str, row: dict[str, Any]) -> dict[str, Any]:
    """Insert a stamped row and return it."""
    full = stamped(db, row)
    columns = ", ".join(full)
    marks = ", ".join("?" for _ in full)
    db.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(full.values()))
    return full


def update(db: Database, table: str, row_id: str, changes: dict[str, Any]) -> None:
    """Update columns of one row and bump its `updated_at` and device."""
    values = {**changes, "updated_at": utc_now(), "device_id": device_id(db)}
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


def one(db: Database, sql: str, params: list[Any] | None = None) -> dict[str, Any] | None:
    """The first row of a query as a dict, or None."""
    for row in db.query(sql, params or []):
        return row
    return None


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
