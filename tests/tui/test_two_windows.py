"""Two windows on one database, as two apps in one test: one at the door, one taking notes.

Both write; each shows what the other wrote within a second, and redraws nothing while
nobody writes; each keeps its own draft, and a draft left by a window that is gone is
offered to the next window that opens the notes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from convener.storage.db.connection import connect
from convener.storage.events import get_event
from convener.storage.notes import save_draft
from convener.tui.app import ConvenerApp
from convener.tui.screens.checkin import CheckinScreen
from convener.tui.screens.note_prompts import DraftPrompt
from convener.tui.screens.notes import NotesScreen
from convener.tui.widgets.timeline import Timeline
from tests.tui.conftest import SIZE, read_db, screen_text
from tests.tui.test_notes import FULL, PRACTICE, settle, start_notes


async def wait_for(pilot: Any, check: Callable[[], bool], limit: float = 1.0) -> float:
    """Seconds until `check()` held (pytest.fail after `limit`)."""
    began = time.monotonic()
    while not check():
        if time.monotonic() - began > limit:
            pytest.fail(f"not seen within {limit} s")
        await pilot.pause(0.05)
    return time.monotonic() - began


def count_shows(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How often any timeline is laid out again (a redraw of the whole timeline)."""
    shows: list[int] = []
    original = Timeline.show

    def show(self: Timeline, notes: list[dict[str, Any]], edited: set[str]) -> None:
        shows.append(len(notes))
        original(self, notes, edited)

    monkeypatch.setattr(Timeline, "show", show)
    return shows


async def test_door_and_notes_windows_write_and_see_each_other(
    make_app: Callable[..., ConvenerApp], sample_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    door = make_app(start="checkin", event_ref=PRACTICE)
    notes = make_app(start="notes", event_ref=PRACTICE)
    shows = count_shows(monkeypatch)
    async with door.run_test(size=SIZE) as at_door, notes.run_test(size=SIZE) as taking:
        await settle(at_door)
        await start_notes(taking, notes)
        assert isinstance(door.screen, CheckinScreen)
        assert not door.read_only and not notes.read_only
        await taking.press(*"vania")
        await taking.pause(0.2)
        assert "Vania Tahir (not in)" in screen_text(notes)
        await taking.press(*["backspace"] * 5)
        shows.clear()
        await taking.pause(1.5)  # nobody writes: the notes window lays nothing out again
        assert shows == []

        await at_door.press(*"vania", "enter")
        await wait_for(at_door, lambda: "Latest arrivals" in screen_text(door))
        await wait_for(
            at_door, lambda: any("Vania Tahir" in str(n.message) for n in door._notifications)
        )
        await taking.press(*"vania")
        await wait_for(
            taking,
            lambda: (
                "Vania Tahir" in screen_text(notes)
                and "Vania Tahir (not in)" not in screen_text(notes)
            ),
        )
        await taking.press("enter", *"Water points are far from the camp", "enter")
        await settle(taking)
        await wait_for(at_door, lambda: bool(read_db(sample_db, "SELECT 1 FROM notes")))
        assert [n.message for n in door._notifications if "NOT" in str(n.message)] == []
        assert [n.message for n in notes._notifications if "NOT" in str(n.message)] == []
    rows = read_db(
        sample_db,
        "SELECT n.text, p.name FROM notes n JOIN people p ON p.id = n.speaker_id"
        " JOIN events e ON e.id = n.event_id WHERE e.slug = ?",
        [PRACTICE],
    )
    assert rows == [{"text": "Water points are far from the camp", "name": "Vania Tahir"}]


async def test_a_note_from_the_other_window_shows_within_a_second_and_drafts_stay_apart(
    make_app: Callable[..., ConvenerApp], sample_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = make_app(start="notes", event_ref=FULL), make_app(start="notes", event_ref=FULL)
    shows = count_shows(monkeypatch)
    async with first.run_test(size=SIZE) as one, second.run_test(size=SIZE) as two:
        await start_notes(one, first)
        await start_notes(two, second)
        await two.press(*"kausar", "enter", *"Second window, half a thou")
        await one.press(*"durr", "enter", *"First window, half typed")
        await one.pause(1.3)
        drafts = read_db(sample_db, "SELECT text, window_id FROM drafts ORDER BY text")
        assert [d["text"] for d in drafts] == [
            "First window, half typed",
            "Second window, half a thou",
        ]
        assert {d["window_id"] for d in drafts} == {
            first.session.window_id,
            second.session.window_id,
        }
        shows.clear()
        await one.press(*" and now done", "enter")
        await settle(one)
        took = await wait_for(
            two, lambda: "First window, half typed and now done" in screen_text(second)
        )
        assert took < 1.0
        assert len(shows) == 1  # the other window laid its timeline out once; this one not
        # Saving a note cleared only its own window's draft.
        assert [d["text"] for d in read_db(sample_db, "SELECT text FROM drafts")] == [
            "Second window, half a thou"
        ]
        # A third window opening the notes is not offered the live second window's draft.
        third = make_app(start="notes", event_ref=FULL)
        async with third.run_test(size=SIZE) as three:
            await settle(three)
            assert not isinstance(third.screen, DraftPrompt)
            assert isinstance(third.screen, NotesScreen)
    assert [d["text"] for d in read_db(sample_db, "SELECT text FROM drafts")] == [
        "Second window, half a thou"
    ]


async def test_a_dead_windows_draft_is_offered_but_a_live_ones_is_not(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    with connect(sample_db) as db:
        event_id = get_event(db, FULL)["id"]
        # Left by a window that crashed (its mark is no longer locked by anyone).
        save_draft(db, event_id, {"text": "Crashed window's words"}, window="deadbeef00000000")
    first = make_app(start="notes", event_ref=FULL)
    async with first.run_test(size=SIZE) as one:
        await settle(one)
        assert isinstance(first.screen, DraftPrompt)
        assert "Crashed window's words" in screen_text(first)
        await one.press("r")
        await settle(one)
        assert first.screen.query_one("#note").value == "Crashed window's words"
        drafts = read_db(sample_db, "SELECT text, window_id FROM drafts")
        assert drafts == [{"text": "Crashed window's words", "window_id": first.session.window_id}]
        second = make_app(start="notes", event_ref=FULL)
        async with second.run_test(size=SIZE) as two:
            await settle(two)
            assert isinstance(second.screen, NotesScreen)  # first is alive: not offered
            assert second.screen.query_one("#note").value == ""
