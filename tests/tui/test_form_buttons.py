"""Every form keeps Save and Cancel in sight, whatever its errors, at 80x24 as at 120x36:
the walk-in form at the door and the attendee form in setup (the action form has its own
test in test_action_form.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Button

from convener.tui.app import ConvenerApp
from tests.tui.conftest import screen_text
from tests.tui.test_checkin import PRACTICE, open_checkin
from tests.tui.test_setup import open_setup, settle

SIZES = [(80, 24), (120, 36)]


def buttons_in_sight(app: ConvenerApp) -> None:
    screen_region = app.screen.region
    buttons = list(app.screen.query(Button))
    assert buttons
    for button in buttons:
        region = button.region
        assert region.height > 0, button.id
        assert screen_region.contains_region(region), (button.id, region, screen_region)
        assert str(button.label).split(" ")[0] in screen_text(app)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x36"])
async def test_walk_in_form_keeps_its_buttons_under_its_errors(
    make_app: Callable[..., ConvenerApp], sample_db: Path, size: tuple[int, int]
) -> None:
    app = make_app(start="checkin", event_ref=PRACTICE)
    async with app.run_test(size=size) as pilot:
        await open_checkin(pilot, app)
        await pilot.press("ctrl+n", *"Zarina Baloch", "ctrl+s")
        await pilot.pause()
        assert "is required" in screen_text(app)
        buttons_in_sight(app)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x36"])
async def test_attendee_form_keeps_its_buttons_under_its_errors(
    make_app: Callable[..., ConvenerApp], sample_db: Path, size: tuple[int, int]
) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await open_setup(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("ctrl+s")  # no name: an error
        await settle(pilot)
        assert "required" in screen_text(app)
        buttons_in_sight(app)
