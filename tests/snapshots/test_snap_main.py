"""SVG snapshots of the home and check-in screens at 120x36 (frozen clock, Quetta time)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

SIZE = (120, 36)


def test_home_with_sample(snap_compare: Any, make_app: Callable[..., Any], sample_db: Path) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE)


def test_home_empty(snap_compare: Any, make_app: Callable[..., Any]) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE)


def test_checkin_searching(
    snap_compare: Any, make_app: Callable[..., Any], sample_db: Path
) -> None:
    async def type_fragment(pilot: Any) -> None:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.press(*"kakar")
        await pilot.pause()

    app = make_app(start="checkin", event_ref="quetta-dialogue")
    assert snap_compare(app, terminal_size=SIZE, run_before=type_fragment)
