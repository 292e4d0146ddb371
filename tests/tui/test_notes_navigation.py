"""Where Escape goes from the notes and summary screens, and the action list's own keys."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from convener.tui.app import ConvenerApp
from convener.tui.screens.home import HomeScreen
from convener.tui.screens.notes import NotesScreen
from convener.tui.screens.setup import SetupScreen
from convener.tui.screens.summary import SummaryScreen
from tests.tui.conftest import SIZE, read_db, ready_for_keys
from tests.tui.test_notes import FULL, PRACTICE, settle, start_notes


async def wait_for_text(pilot: Any, app: ConvenerApp, text: str) -> None:
    """The message a key raises (a toast: headless runs do not draw toasts)."""
    for _ in range(50):
        if any(text in str(n.message) for n in app._notifications):
            return
        await pilot.pause(0.05)
    assert [str(n.message) for n in app._notifications] == [text]


async def test_escape_with_text_warns_then_leaves_and_keeps_the_draft(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")  # notes of the highlighted (practice) event
        screen = await start_notes(pilot, app)
        await pilot.press(*"a participant", "enter", *"the border needs more posts")
        await ready_for_keys(pilot)
        await pilot.press("escape")
        await wait_for_text(pilot, app, "Escape again to leave")
        assert app.screen is screen
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    drafts = read_db(sample_db, "SELECT text FROM drafts")
    assert [d["text"] for d in drafts] == ["the border needs more posts"]


async def test_escape_with_empty_boxes_leaves_at_once(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app(start="notes", event_ref=PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        await start_notes(pilot, app)
        await ready_for_keys(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_escape_from_the_summary_goes_home_not_to_the_speaker_box(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await start_notes(pilot, app)
        await ready_for_keys(pilot)
        await pilot.press("f9")
        await settle(pilot)
        await ready_for_keys(pilot)
        await pilot.press("y")  # end the session
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        await ready_for_keys(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await ready_for_keys(pilot)
        await pilot.press("n")  # meant for home: a new event
        await settle(pilot)
        assert isinstance(app.screen, SetupScreen)


async def test_ctrl_l_reaches_the_action_list_and_ctrl_d_marks_done(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    status = "SELECT a.status FROM action_items a JOIN events e ON e.id = a.event_id"
    status += " WHERE e.slug = ? ORDER BY a.created_at, a.id"
    before = [r["status"] for r in read_db(sample_db, status, [FULL])]
    app = make_app(start="notes", event_ref=FULL)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_notes(pilot, app)
        assert isinstance(screen, NotesScreen)
        await ready_for_keys(pilot)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "actions"
        first = screen.query_one("#actions").highlighted  # type: ignore[attr-defined]
        await pilot.press("ctrl+d")
        await wait_for_text(pilot, app, "Action item done")
        assert first == 0
    after = [r["status"] for r in read_db(sample_db, status, [FULL])]
    assert after != before and "done" in after
    assert sum(a != b for a, b in zip(before, after, strict=True)) == 1
