"""The action-item form starts at its first field and keeps Save and Cancel in sight,
however many errors it shows, on an 80x24 terminal as on 120x36."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Button

from convener.tui.app import ConvenerApp
from convener.tui.screens.action_item import ActionItemScreen
from tests.tui.conftest import read_db, ready_for_keys, screen_text
from tests.tui.test_notes import FULL, settle, start_notes


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_action_form_starts_at_the_owner_and_keeps_its_buttons_in_sight(
    make_app: Callable[..., ConvenerApp], sample_db: Path, size: tuple[int, int]
) -> None:
    before = read_db(sample_db, "SELECT count(*) AS n FROM action_items")[0]["n"]
    app = make_app(start="notes", event_ref=FULL)
    async with app.run_test(size=size) as pilot:
        await start_notes(pilot, app)
        await pilot.press(*"a participant", "enter", *"Checkposts ask for bribes", "enter")
        await settle(pilot)
        await pilot.press("f7")  # from the note just saved
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ActionItemScreen)
        assert app.focused is not None and app.focused.id == "owner"  # reading order
        await pilot.press("ctrl+u", *"Labour Department", "tab", "tab")  # what is prefilled
        assert app.focused is not None and app.focused.id == "due"
        await pilot.press(*"31/06/2025", "ctrl+s")
        await settle(pilot)
        assert app.screen is form  # not saved: the error is shown beside the field
        assert "YYYY-MM-DD" in screen_text(app) or "date" in screen_text(app).lower()
        screen_region = app.screen.region
        for button in form.query(Button):
            region = button.region
            assert region.height > 0, button.id
            assert screen_region.contains_region(region), (button.id, region, screen_region)
            assert str(button.label).split(" ")[0] in screen_text(app)
        await ready_for_keys(pilot)
        await pilot.press("ctrl+u", *"2025-06-30", "ctrl+s")
        await settle(pilot)
        assert app.screen is not form
    rows = read_db(sample_db, "SELECT owner_text, what, due_date FROM action_items")
    assert len(rows) == before + 1
    assert ("Labour Department", "Checkposts ask for bribes", "2025-06-30") in [
        (r["owner_text"], r["what"], r["due_date"]) for r in rows
    ]
