"""SVG snapshots of event setup at 120x36: the sample event's Event tab and its agenda."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.widgets import Input, TextArea

SIZE = (120, 36)


async def open_setup(pilot: Any, *keys: str) -> None:
    """Wait for the database, then freeze the cursors so every run draws the same frame."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.press(*keys)
    await pilot.pause()
    for widget in pilot.app.screen.query("Input, TextArea"):
        if isinstance(widget, Input | TextArea):
            widget.cursor_blink = False
    await pilot.pause()


def test_setup_event_tab(snap_compare: Any, make_app: Callable[..., Any], sample_db: Path) -> None:
    async def run_before(pilot: Any) -> None:
        await open_setup(pilot)

    app = make_app(start="setup", event_ref="quetta-dialogue")
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_setup_agenda_tab(snap_compare: Any, make_app: Callable[..., Any], sample_db: Path) -> None:
    async def run_before(pilot: Any) -> None:
        await open_setup(pilot, "f3")

    app = make_app(start="setup", event_ref="quetta-dialogue")
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
