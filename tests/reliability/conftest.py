"""Fixtures for the fault tests: a database holding the bundled sample, closed and on disk."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from convener.storage.db.connection import connect
from convener.storage.events import get_event
from convener.storage.imports.sample import load_sample, practice_slug

FROZEN = 1_747_200_000.0  # 2025-05-14 05:20 UTC
SIZE = (120, 36)


@pytest.fixture
def sample_db(tmp_path: Path) -> Path:
    """`data/convener.db` with the Quetta sample and its practice copy, checkpointed."""
    path = tmp_path / "data" / "convener.db"
    with connect(path) as db:
        load_sample(db)
    return path


@pytest.fixture
def events(sample_db: Path) -> dict[str, dict[str, Any]]:
    """The two sample events: `practice` (nobody checked in yet) and `full`."""
    with connect(sample_db) as db:
        practice = get_event(db, practice_slug(db))
        full = get_event(db, practice["slug"].removesuffix("-practice"))
    return {"practice": practice, "full": full}


@pytest.fixture
def quetta_tz(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Asia/Karachi")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()
