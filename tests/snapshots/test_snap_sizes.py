"""The main screens at 80x24 (an old laptop, a split screen) and 160x50 (a large monitor).

The 120x36 snapshots live beside this file; together they show every screen at three sizes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

SIZES = [(80, 24), (160, 50)]
IDS = ["80x24", "160x50"]


async def settle(pilot: Any) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_home(
    snap_compare: Any, make_app: Callable[..., Any], sample_db: Path, size: tuple[int, int]
) -> None:
    assert snap_compare(make_app(), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_setup(
    snap_compare: Any, make_app: Callable[..., Any], sample_db: Path, size: tuple[int, int]
) -> None:
    app = make_app(start="setup", event_ref="quetta-dialogue")
    assert snap_compare(app, terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_checkin(
    snap_compare: Any, make_app: Callable[..., Any], sample_db: Path, size: tuple[int, int]
) -> None:
    async def search(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press(*"kakar")
        await pilot.pause()

    app = make_app(start="checkin", event_ref="quetta-dialogue")
    assert snap_compare(app, terminal_size=size, run_before=search)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_notes(
    snap_compare: Any, make_app: Callable[..., Any], sample_db: Path, size: tuple[int, int]
) -> None:
    app = make_app(start="notes", event_ref="quetta-dialogue")
    assert snap_compare(app, terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_summary(
    snap_compare: Any, make_app: Callable[..., Any], sample_db: Path, size: tuple[int, int]
) -> None:
    async def open_summary(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("down", "s")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=open_summary)
