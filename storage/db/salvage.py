"""Reading what is left of a damaged database, table by table, into a sound copy in memory.

A damaged page loses the rows on it, not the file: an index page can be rebuilt from its
table, and a table whose pages are fine reads whole. Each table is copied row by row (a
full scan, which touches no index), stopping at the first unreadable page, and whatever was
lost is said in one sentence per table. Exports then run on the copy, as on any database.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from convener.storage import lazy
from convener.storage.db.driver import sqlite_connect
from convener.storage.text import counted

if TYPE_CHECKING:
    from sqlite_utils import Database


def salvage(source: Database) -> tuple[Database, list[str]]:
    """An in-memory copy of every readable row of `source`, and what could not be read."""
    lost: list[str] = []
    target = lazy.database(sqlite_connect(":memory:"))
    try:
        schema = source.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL "
            "ORDER BY type = 'index'"
        ).fetchall()
    except sqlite3.DatabaseError as exc:
        return target, [f"the list of tables cannot be read ({exc}); nothing could be saved"]
    for kind, name, _table, sql in schema:
        if kind != "table" or name.startswith("sqlite_"):
            continue
        target.execute(sql)
        problem = _copy_rows(source, target, name)
        if problem:
            lost.append(problem)
    for kind, name, _table, sql in schema:
        if kind == "index" and not name.startswith("sqlite_"):
            try:
                target.execute(sql)
            except sqlite3.DatabaseError as exc:  # e.g. a unique index over salvaged rows
                lost.append(f"index {name} could not be rebuilt ({exc})")
    target.conn.commit()
    return target, lost


def _copy_rows(source: Database, target: Database, table: str) -> str:
    """Copy `table` in rowid order; '' if every row was read, else what was lost."""
    copied = 0
    try:
        cursor = source.execute(f'SELECT * FROM "{table}"')
        marks = ", ".join("?" * len(cursor.description))
        for row in cursor:
            target.execute(f'INSERT INTO "{table}" VALUES ({marks})', list(row))
            copied += 1
    except sqlite3.DatabaseError as exc:
        return f"table {table}: {counted(copied, 'row')} read, the rest could not be ({exc})"
    return ""
