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


LONG_NOTE = (
    "Ms. Gul Bano (0300-1234567) said the Pishin shelter has had no budget since March and "
    "that women who come back from Iran are sent home without any legal help at all"
)


def test_notes_a_long_note_wraps_in_the_box(
    snap_compare: Any, make_app: Callable[..., Any], sample_db: Path
) -> None:
    """The note box grown to three lines at 120x36, the kind and attribution above it."""

    async def type_long(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press(*"a participant", "enter", *LONG_NOTE, "alt+c", "f3")
        await pilot.pause()

    app = make_app(start="notes", event_ref="quetta-dialogue")
    assert snap_compare(app, terminal_size=SIZE, run_before=type_long)


def test_notes_editing_at_80x24(
    snap_compare: Any, make_app: Callable[..., Any], sample_db: Path
) -> None:
    """Editing the newest note on a small terminal: the whole note in the box, EDITING,
    and an F3 change in sight before it is saved."""

    async def edit(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("enter", "up", "enter")  # to the note box, the timeline, edit
        await settle(pilot)
        await pilot.press("f3")
        await pilot.pause()

    app = make_app(start="notes", event_ref="quetta-dialogue")
    assert snap_compare(app, terminal_size=(80, 24), run_before=edit)
