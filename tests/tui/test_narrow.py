"""Every screen at 80x24: nothing cut that matters, boxes wide enough to type in."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.actions import parse
from textual.widgets import Input, TextArea

from convener.tui.app import ConvenerApp
from convener.tui.keymap import screen_bindings
from convener.tui.screens.checkin import CheckinScreen
from convener.tui.screens.home import HomeScreen
from convener.tui.screens.notes import NotesScreen
from convener.tui.screens.setup import SetupScreen
from convener.tui.screens.summary import SummaryScreen
from convener.tui.screens.walkin import WalkInScreen
from tests.tui.conftest import ready_for_keys, screen_text
from tests.tui.test_notes import PRACTICE, settle, start_notes
from tests.tui.test_setup import open_setup

NARROW = (80, 24)


def footer_line(app: ConvenerApp) -> str:
    return screen_text(app).splitlines()[-1]


def assert_footer_whole(app: ConvenerApp) -> None:
    """Every binding the footer shows is there in full (none cut or pushed off); those a
    screen leaves to F1 on a narrow terminal (test_keys.py: F1 lists every binding) are not
    half-shown."""
    line = footer_line(app)
    screen = app.screen
    hidden = getattr(screen, "FOOTER_NARROW_HIDDEN", frozenset())
    for binding in screen_bindings(type(screen)):
        _, name, parameters = parse(binding.action)
        if not binding.show or screen.check_action(name, parameters) is False:
            continue
        if binding.id in hidden:
            assert binding.description not in line, (binding.description, line)  # F1 has it
        else:
            assert binding.description in line, (binding.description, line)
    assert "Help" in line, line


def assert_focused_input_wide(app: ConvenerApp, columns: int) -> None:
    focused = app.focused
    assert isinstance(focused, Input | TextArea), focused
    assert focused.content_region.width >= columns, (focused.id, focused.content_region)


async def test_home_shows_every_column_at_80(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        text = screen_text(app)
        for heading in ("Event", "Date", "Place", "Status", "Checked in"):
            assert heading in text, heading
        assert "0 / 41" in text
        assert_footer_whole(app)


async def test_door_folds_the_panel_into_a_line_and_ctrl_o_brings_it_back(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app(start="checkin", event_ref=PRACTICE)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CheckinScreen)
        text = screen_text(app)
        assert "0 of 41 in" in text
        assert "By stakeholder group" not in text
        assert_focused_input_wide(app, 60)
        assert_footer_whole(app)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert "Nobody is in the room yet" in screen_text(app)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert "Nobody is in the room yet" not in screen_text(app)


async def test_door_at_120_keeps_the_panel_and_no_panel_key(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app(start="checkin", event_ref=PRACTICE)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "checked in of 41 expected" in text
        assert "of 41 in ·" not in text
        assert "Panel" not in footer_line(app)


async def note_screen(pilot: Any, app: ConvenerApp) -> NotesScreen:
    screen = await start_notes(pilot, app)
    await pilot.press(*"a participant", "enter")
    await pilot.pause()
    return screen


async def test_note_box_is_half_the_width_at_80(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app(start="notes", event_ref=PRACTICE)
    async with app.run_test(size=NARROW) as pilot:
        screen = await note_screen(pilot, app)
        note = screen.note_box
        assert app.focused is note
        assert note.outer_size.width >= 40
        assert note.content_region.width >= 36
        sentence = "The border posts need female officers at Chaman"  # 48 characters
        await pilot.press(*sentence[:36])
        await pilot.pause()
        assert sentence[:36] in screen_text(app)
        assert_footer_whole(app)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert "Speakers" in screen_text(app)


async def test_setup_fields_are_wide_enough_at_80(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app(start="setup", event_ref=PRACTICE)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        assert_focused_input_wide(app, 30)
        assert_footer_whole(app)


async def test_summary_at_80(make_app: Callable[..., ConvenerApp], sample_db: Path) -> None:
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press("down", "s")
        await settle(pilot)
        assert "Participation" in screen_text(app) or "Overview" in screen_text(app)
        assert_footer_whole(app)


async def test_walk_every_screen_at_80x24(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    """Home, door, walk-in, notes (speaker, note and tags boxes), summary and setup, as a
    coordinator goes through an event: every focused box at least 30 columns, the note box
    showing 36 characters of a line, no footer binding cut, the composer's lines whole."""
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert_footer_whole(app)
        await pilot.press("enter")  # the door of the highlighted (practice) event
        await settle(pilot)
        assert isinstance(app.screen, CheckinScreen)
        assert_focused_input_wide(app, 30)
        assert_footer_whole(app)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, WalkInScreen)
        assert_focused_input_wide(app, 30)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+t")
        screen = await start_notes(pilot, app)
        assert_focused_input_wide(app, 30)  # the speaker box
        assert_footer_whole(app)
        text = screen_text(app)
        for whole in ("Kind Key point", "or F2 for the list", "Tags (F6)", "(F4)", "(F3)"):
            assert whole in text, whole
        await pilot.press(*"a participant", "enter")
        await pilot.pause()
        assert app.focused is screen.note_box
        assert_focused_input_wide(app, 36)
        line = "The border posts need female officers at Chaman and Torkham"
        await pilot.press(*line)
        await pilot.pause()
        assert line[:36] in screen_text(app)  # 36 characters of a line, on one line
        assert_footer_whole(app)
        await pilot.press("tab")
        assert app.focused is not None and app.focused.id == "tags"
        assert_focused_input_wide(app, 30)
        assert "Tags (F6)" in screen_text(app)
        await pilot.press("escape", "escape")  # to the note box, then a warning: text typed
        await ready_for_keys(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await ready_for_keys(pilot)
        await pilot.press("escape")  # the door, then home
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await ready_for_keys(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        assert_footer_whole(app)
        await ready_for_keys(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await ready_for_keys(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, SetupScreen)
        assert_focused_input_wide(app, 30)
        assert_footer_whole(app)
        for tab in ("f3", "f4"):  # the agenda, the attendees: their own keys in the footer
            await pilot.press(tab)
            await settle(pilot)
            assert_footer_whole(app)


async def test_door_list_at_80_shows_organisations_whole(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    """Same-name people are told apart by organisation: at 80 columns it is shown whole,
    and a designation that does not fit is cut after a word, never mid-word."""
    app = make_app(start="checkin", event_ref=PRACTICE)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press(*"kakar")
        await settle(pilot)
        text = screen_text(app)
    assert "Deputy…, Balochistan Police" in text  # cut after a word, the organisation whole
    assert "University of Balochistan" in text
    assert "Superinten…" not in text and "Superintendent of Po" not in text


async def test_speaker_matches_open_over_the_timeline_while_typing_at_80(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    """The speakers panel is folded at 80 columns, yet its matches are what Enter picks:
    they come over the timeline while a speaker is typed, and go once one is picked."""
    app = make_app(start="notes", event_ref=PRACTICE)
    async with app.run_test(size=NARROW) as pilot:
        await start_notes(pilot, app)
        assert "Speakers:" not in screen_text(app)
        await pilot.press(*"syed kaus")
        await pilot.pause()
        text = screen_text(app)
        assert "Speakers:" in text and "Syed Kausar Abbas" in text
        await pilot.press("enter")
        await pilot.pause()
        assert "Speakers:" not in screen_text(app)
        await pilot.press("ctrl+o")  # opened by hand: it stays while a speaker is typed
        await pilot.press("shift+tab", *"ejaz", "enter")
        await pilot.pause()
        assert "Speakers:" in screen_text(app)


async def test_setup_attendees_at_80_show_who_is_who_and_the_rest_at_120(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    """Below 100 columns organisation and designation come right after the name (they tell
    namesakes apart); wider, the table is as it was. Resizing lays it out again."""
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await open_setup(pilot)
        await pilot.press("f4")
        await settle(pilot)
        text = screen_text(app)
        assert "Organisation" in text and "Designation" in text
        assert "Balochistan Police" in text  # the first row's organisation, whole
        assert "Phone" not in text  # a scroll away
        await pilot.resize_terminal(120, 36)
        await settle(pilot)
        text = screen_text(app)
        header = next(line for line in text.splitlines() if "Named?" in line)
        assert header.index("Group") < header.index("Designation") < header.index("Organisation")
        assert "Phone" in header
