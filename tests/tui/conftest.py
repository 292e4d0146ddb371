"""Shared fixtures for driving the app with Pilot: a temp database and a frozen clock."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from convener.storage.db.connection import connect
from convener.storage.imports.sample import load_sample
from convener.tui.app import ConvenerApp, create_app
from convener.tui.screens.confirm import ConfirmScreen

FROZEN = 1_747_200_000.0  # 2025-05-14 05:20 UTC, 10:20 in Quetta
SIZE = (120, 36)


@pytest.fixture(autouse=True)
def quetta_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Show times as a coordinator in Quetta sees them, whatever the machine's zone."""
    monkeypatch.setenv("TZ", "Asia/Karachi")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "convener.db"


@pytest.fixture
def sample_db(db_path: Path) -> Path:
    """A database holding the Quetta sample and its practice copy."""
    with connect(db_path) as db:
        load_sample(db)
    return db_path


@pytest.fixture
def make_app(db_path: Path) -> Callable[..., ConvenerApp]:
    def factory(**kwargs: Any) -> ConvenerApp:
        kwargs.setdefault("clock", lambda: FROZEN)
        return create_app(db_path, **kwargs)

    return factory


def read_db(db_path: Path, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    """What the database holds now (a fresh connection, as another process would see it)."""
    with connect(db_path) as db:
        return list(db.query(sql, params or []))


def screen_text(app: ConvenerApp) -> str:
    """What the terminal shows, as plain text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def ready_for_keys(pilot: Any) -> None:
    """Wait as a person would before acting on what the screen shows: keys typed sooner
    after a dialog or a long job closes, or a "yes" to a careful question shown less than a
    second, are dropped on purpose (tui/keyguard.py, tests/tui/test_type_ahead.py)."""
    app = pilot.app
    wait = app.key_guard.quiet_until - time.monotonic()
    screen = app.screen
    if isinstance(screen, ConfirmScreen):
        wait = max(wait, screen.shown_at + screen.answer_after - time.monotonic())
    if wait > 0:
        await pilot.pause(wait + 0.02)
