"""The live panel's words: no empty headings before anyone arrives, plurals that read right."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from convener.storage.checkins import walk_in
from convener.storage.db.connection import connect
from convener.storage.events import get_event
from convener.tui.app import ConvenerApp
from tests.tui.conftest import SIZE, screen_text
from tests.tui.test_notes import PRACTICE, settle


async def test_an_empty_room_says_so_without_empty_headings(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app(start="checkin", event_ref=PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "0 checked in of 41 expected" in text
        assert "Nobody is in the room yet." in text
        assert "By sex" not in text and "Latest arrivals" not in text


async def test_one_walk_in_is_singular(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    with connect(sample_db) as db:
        event = get_event(db, PRACTICE)
        walk_in(db, event["id"], {"name": "Hina Qureshi", "gender": "female"})
    app = make_app(start="checkin", event_ref=PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)  # the panel is narrow: its head line wraps
        assert "1 checked in: 0 of 41 expected, 1" in text  # not "1 of 41": she was not invited
        assert "walk-in" in text and "walk-ins" not in text
        assert "By sex" in text
