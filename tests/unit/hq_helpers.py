"""Shared by the head-office tests: laptops as copies of the sample's database, exports, reads."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from convener.storage.db.connection import checkpoint, connect
from convener.storage.db.driver import sqlite_connect
from convener.storage.reports.summary import build_summary
from convener.tui.cli import main

SLUG = "quetta-dialogue"
# The sample's people who are not to be named: declined, or protected.
NOT_NAMED = ("Shazia Jamali", "Naseebullah Achakzai", "Nasreen Baloch", "Gul Bano")


def laptop(template: Path, folder: Path, name: str, *, new_device: bool = True) -> Path:
    """A copy of the sample's database as another laptop (its own device id, as adopted)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.db"
    shutil.copyfile(template, path)
    path.chmod(0o600)
    if new_device:
        with connect(path) as db:
            db.execute("UPDATE settings SET value = ? WHERE key = 'device_id'", [str(uuid.uuid4())])
            checkpoint(db)
    return path


@contextmanager
def opened(path: Path) -> Iterator[Any]:
    db = connect(path)
    try:
        yield db
    finally:
        checkpoint(db)
        db.close()


def person(db: Any, name: str) -> str:
    return str(db.execute("SELECT id FROM people WHERE name = ?", [name]).fetchone()[0])


def event_id(db: Any) -> str:
    return str(db.execute("SELECT id FROM events WHERE slug = ?", [SLUG]).fetchone()[0])


def export(capsys: pytest.CaptureFixture[str], db_path: Path, out: Path) -> Path:
    """`convener --db DB export quetta-dialogue --format hq --out OUT`: the file it printed."""
    code = main(["--db", str(db_path), "export", SLUG, "--format", "hq", "--out", str(out)])
    printed, err = capsys.readouterr()
    assert code == 0, err
    return Path(printed.strip())


def ingest(
    capsys: pytest.CaptureFixture[str], warehouse: Path, *files: Path
) -> tuple[int, str, str]:
    code = main(["hq", "ingest", *map(str, files), "--into", str(warehouse)])
    out, err = capsys.readouterr()
    return code, out, err


def report_numbers(db_path: Path) -> dict[tuple[str, str], int]:
    """The event's own report numbers, as (dimension, code or label) -> count."""
    with opened(db_path) as db:
        part = build_summary(db, SLUG).participation
    numbers = {
        ("total", ""): part.total,
        ("expected", ""): part.expected,
        ("expected_attended", ""): part.expected_attended,
        ("walk_ins", ""): part.walk_ins,
    }
    for dimension, tallies in (
        ("sex", part.by_sex),
        ("age_band", part.by_age),
        ("disability", part.by_disability),
        ("stakeholder_group", part.by_group),
    ):
        numbers.update({(dimension, t.label): t.count for t in tallies})
    return numbers


def warehouse_numbers(warehouse: Path) -> dict[tuple[str, str], int]:
    """What head office holds for the event, in the same shape (districts left out)."""
    conn = sqlite_connect(str(warehouse))
    try:
        rows = conn.execute(
            "SELECT dimension, code, label, count FROM tallies WHERE dimension != 'district'"
        ).fetchall()
    finally:
        conn.close()
    return {(d, label if d not in ("total", "expected", "expected_attended", "walk_ins") else ""): n
            for d, _, label, n in rows}  # fmt: skip


def table(path: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite_connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()
