"""Laptops for the sync tests: one small event, copied into fresh in-memory databases.

Each laptop is the template database copied with SQLite's backup API into memory, with its
own device id and its own (fake, possibly wrong) wall clock: cheap enough for a thousand
Hypothesis examples, and the same schema and rows a real laptop would hold.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from convener.storage.attendees import add_attendee
from convener.storage.db.connection import checkpoint, connect
from convener.storage.db.driver import sqlite_connect
from convener.storage.db.raw import open_raw
from convener.storage.events import create_event
from convener.storage.rows import hlc_clock
from convener.storage.sync.merge import MergeReport, merge_into
from convener.storage.sync.state import read_event_state

T0 = 1_747_200_000.0  # 2025-05-14 05:20 UTC, the Quetta dialogue's morning
PEOPLE = ("Gul Bano", "Naseebullah Bazai", "Rahila Durrani", "Abdul Wahid")


@dataclass
class Wall:
    """A laptop's wall clock: true time plus its skew, moved by the test."""

    now: float

    def __call__(self) -> float:
        return self.now


@dataclass
class Elapsed:
    now: float = 1_000.0

    def __call__(self) -> float:
        return self.now


def make_template(path: Path) -> tuple[Path, str, list[str]]:
    """A database with one event and four registered people (what a clone carries)."""
    db = connect(path)
    clock = hlc_clock(db)  # made an hour before the doors open, by the same fake clock
    clock.wall, clock.elapsed = Wall(T0 - 3600), Elapsed()
    event = create_event(db, {"title": "Provincial dialogue", "date": "2025-05-14"})
    people = [add_attendee(db, event["id"], {"name": name})["id"] for name in PEOPLE]
    checkpoint(db)
    db.close()
    return path, event["id"], people


def laptop(template: Path, device: str | None = None, skew_s: float = 0.0) -> Database:
    """A laptop holding the template's event: in memory, with its own device id and clock."""
    conn = sqlite_connect(":memory:", check_same_thread=False)
    source = open_raw(template, read_only=True)
    try:
        source.backup(conn)
    finally:
        source.close()
    conn.execute("PRAGMA foreign_keys = ON")
    db = Database(conn)
    db.execute(
        "UPDATE settings SET value = ? WHERE key = 'device_id'", [device or str(uuid.uuid4())]
    )
    clock = hlc_clock(db)
    clock.wall, clock.elapsed = Wall(T0 + skew_s), Elapsed()
    return db


def tick(db: Database, seconds: float) -> None:
    """Time passes on this laptop (its wall and elapsed clocks both move)."""
    clock = hlc_clock(db)
    clock.wall.now += seconds  # type: ignore[attr-defined]
    clock.elapsed.now += seconds  # type: ignore[attr-defined]


def file_laptop(template: Path, path: Path, device: str, skew_s: float = 0.0) -> Database:
    """A laptop whose database is a file (erasure, bundles and the CLI need one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(template.read_bytes())
    path.chmod(0o600)
    db = connect(path)
    db.execute("UPDATE settings SET value = ? WHERE key = 'device_id'", [device])
    db.close()
    db = connect(path)
    clock = hlc_clock(db)
    clock.wall, clock.elapsed = Wall(T0 + skew_s), Elapsed()
    return db


def sync(source: Database, target: Database, event_id: str) -> MergeReport:
    """What carrying a bundle from `source` to `target` does (without the file)."""
    return merge_into(target, read_event_state(source, event_id), event_id)
