"""A browser session's window (`convener serve`), driven by keys: the bounds hold in the app
itself, whatever reaches it (keys, the command palette, a message asking for a screen)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from convener.storage.db.connection import connect
from convener.storage.events import get_event
from convener.tui.app import ConvenerApp
from convener.tui.messages import OpenEventScreen
from convener.tui.screens.checkin import CheckinScreen
from convener.tui.screens.notes import NotesScreen
from convener.tui.screens.served import ServedHome
from convener.tui.screens.summary import SummaryScreen
from convener.tui.session import Restriction
from tests.tui.conftest import SIZE, read_db, screen_text
from tests.tui.test_notes import FULL, PRACTICE, settle


def refusals(app: ConvenerApp, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every warning the app shows from now on (toasts expire; this list keeps them)."""
    said: list[str] = []
    original = app.notify

    def notify(message: str, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("severity") == "warning":
            said.append(str(message))
        original(message, *args, **kwargs)

    monkeypatch.setattr(app, "notify", notify)
    return said


async def test_a_served_window_stays_on_its_one_event(
    make_app: Callable[..., ConvenerApp], sample_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(restriction=Restriction(FULL))
    said = refusals(app, monkeypatch)
    with connect(sample_db) as db:
        other = get_event(db, PRACTICE)
    deleted = read_db(sample_db, "SELECT count(*) AS n FROM notes WHERE deleted_at IS NOT NULL")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, NotesScreen)
        assert [type(s).__name__ for s in app.screen_stack[1:]] == ["ServedHome", "NotesScreen"]
        await pilot.press("up", "f8")
        await settle(pilot)
        await pilot.press("shift+f8")
        await settle(pilot)
        assert said[:2] == [
            "Deleting notes is not possible from a browser session.",
            "Purging notes is not possible from a browser session.",
        ]
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        for key in ("3", "u", "e"):
            await pilot.press(key)
            await settle(pilot)
        assert app.screen.level.code == "public"
        assert said[2:] == [
            "Levels beyond public is not possible from a browser session.",
            "Exporting with contacts is not possible from a browser session.",
            "Exporting is not possible from a browser session.",
        ]
        # Another event, asked for as the home screen would: refused.
        app.post_message(OpenEventScreen(other, "notes"))
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        assert said[-1] == "This browser session is for one event only."
        # Back out: the bottom is this event's own screen, and it stays.
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ServedHome)
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert isinstance(app.screen, ServedHome)
        text = screen_text(app)
        assert "Browser session" in text and "Practice" not in text
        await pilot.press("c")  # check-in was not allowed
        await settle(pilot)
        assert isinstance(app.screen, ServedHome)
        app.post_message(OpenEventScreen(app.session.current_event or {}, "checkin"))
        await settle(pilot)
        assert not isinstance(app.screen, CheckinScreen)
        assert said[-1] == "The checkin screen is not open to a browser session."
        # The command palette offers this screen's keys only: none of Textual's own.
        assert [c.title for c in app.get_system_commands(app.screen)] == ["Notes", "Help"]
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NotesScreen)
    assert (
        read_db(sample_db, "SELECT count(*) AS n FROM notes WHERE deleted_at IS NOT NULL")
        == deleted
    )


async def test_check_in_only_when_the_coordinator_allowed_it(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app(restriction=Restriction(PRACTICE, allow_checkin=True))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")  # not now: the session start question
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ServedHome)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CheckinScreen)
        await pilot.press(*"vania", "enter")
        await settle(pilot)
    rows = read_db(
        sample_db,
        "SELECT p.name FROM checkins c JOIN people p ON p.id = c.person_id"
        " JOIN events e ON e.id = c.event_id WHERE e.slug = ?",
        [PRACTICE],
    )
    assert rows == [{"name": "Vania Tahir"}]
