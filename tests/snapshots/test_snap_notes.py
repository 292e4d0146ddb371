"""SVG snapshots of the notes screen and the summary preview (120x36, frozen clock)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

SIZE = (120, 36)


async def settle(pilot: Any) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_notes_full_event(snap_compare: Any, make_app: Callable[..., Any], sample_db: Path) -> None:
    app = make_app(start="notes", event_ref="quetta-dialogue")
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


def test_notes_picking_a_speaker(
    snap_compare: Any, make_app: Callable[..., Any], sample_db: Path
) -> None:
    async def pick(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press(*"kaus", "alt+r")
        await pilot.pause()

    app = make_app(start="notes", event_ref="quetta-dialogue")
    assert snap_compare(app, terminal_size=SIZE, run_before=pick)


def test_summary_preview(snap_compare: Any, make_app: Callable[..., Any], sample_db: Path) -> None:
    async def wait(pilot: Any) -> None:
        await settle(pilot)
        await pilot.pause(0.2)

    app = make_app(start="summary", event_ref="quetta-dialogue")
    assert snap_compare(app, terminal_size=SIZE, run_before=wait)
