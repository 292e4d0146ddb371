"""The note box edits a note as text: it wraps and grows, Enter saves the whole paragraph,
a pasted line break is a space, ↑ climbs wrapped lines before it reaches the timeline, and
an edit opens the whole note with kind, attribution and speaker in sight and changeable."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual import events
from textual.widgets import Input

from convener.tui.app import ConvenerApp
from convener.tui.screens.notes import NotesScreen
from convener.tui.widgets.note_box import NoteBox
from tests.tui.conftest import SIZE, read_db, screen_text
from tests.tui.test_notes import FULL, notes_of, settle, start_notes

# A rapporteur's sentence with a phone number and Urdu, far longer than the box is wide.
LONG = (
    "Ms. Gul Bano (0300-1234567) said the Pishin shelter has had no budget since March and "
    "that women who come back from Iran are sent home without any legal help at all; "
    "محترمہ نے کہا کہ متاثرین کو قانونی مدد نہیں ملتی"
)


async def open_box(pilot: Any, app: ConvenerApp) -> tuple[NotesScreen, NoteBox]:
    """The notes screen, its speaker set to someone not on the list, the note box focused."""
    screen = await start_notes(pilot, app)
    await pilot.press(*"a participant", "enter")
    await pilot.pause()
    box = screen.note_box
    assert app.focused is box
    return screen, box


def box_rows(app: ConvenerApp, box: NoteBox) -> list[str]:
    """The lines of text the note box shows, inside its border."""
    region = box.content_region
    lines = screen_text(app).splitlines()[region.y : region.bottom]
    return [line[region.x : region.right].strip() for line in lines]


async def test_a_long_note_wraps_the_box_grows_and_enter_saves_it_whole(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app(start="notes", event_ref=FULL)
    async with app.run_test(size=SIZE) as pilot:
        _, box = await open_box(pilot, app)
        one_line = box.outer_size.height
        await pilot.press(*"Short")
        await pilot.pause()
        assert box.outer_size.height == one_line  # one line of text: the box stays small
        await pilot.press("ctrl+u", *LONG)
        await pilot.pause()
        rows = [row for row in box_rows(app, box) if row]
        assert len(rows) >= 3, rows  # wrapped over several lines, every one in sight
        assert box.outer_size.height == one_line + len(rows) - 1
        assert " ".join(rows).replace("  ", " ").startswith("Ms. Gul Bano (0300-1234567) said")
        await pilot.press("enter")
        await settle(pilot)
        assert box.value == ""
        assert box.outer_size.height == one_line  # empty again, one line again
    assert notes_of(sample_db, FULL)[-1]["text"] == LONG


async def test_the_box_stops_growing_at_six_lines_and_scrolls(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app(start="notes", event_ref=FULL)
    async with app.run_test(size=SIZE) as pilot:
        _, box = await open_box(pilot, app)
        await pilot.press(*(LONG + " ") * 4)
        await pilot.pause()
        assert box.content_region.height == 6
        assert box_rows(app, box)[-1]  # the cursor's line, at the end, is in sight
        assert box.value == (LONG + " ") * 4


async def test_a_pasted_line_break_becomes_a_space(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app(start="notes", event_ref=FULL)
    async with app.run_test(size=SIZE) as pilot:
        _, box = await open_box(pilot, app)
        app.post_message(events.Paste("a\nb\r\nc"))  # what the terminal driver sends
        await pilot.pause()
        assert box.value == "a b  c"
        assert box.document.line_count == 1
        await pilot.press("enter")
        await settle(pilot)
    assert notes_of(sample_db, FULL)[-1]["text"] == "a b  c"


async def test_up_climbs_wrapped_lines_then_reaches_the_timeline(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app(start="notes", event_ref=FULL)
    async with app.run_test(size=SIZE) as pilot:
        screen, box = await open_box(pilot, app)
        await pilot.press(*LONG)
        await pilot.pause()
        rows = box.wrapped_document.height
        assert rows >= 3
        for _ in range(rows - 1):  # from the last line up to the first: still in the box
            await pilot.press("up")
            assert app.focused is box
        assert box.on_first_row
        await pilot.press("up")  # from the first line: the newest note in the timeline
        assert app.focused is screen.timeline
        assert box.value == LONG  # nothing typed was lost on the way


async def test_fixing_one_letter_of_a_saved_note_takes_a_few_keys(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    typo = "The border posts need femle officers at Chaman and Torkham before winter"
    app = make_app(start="notes", event_ref=FULL)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, box = await open_box(pilot, app)
        await pilot.press(*typo, "enter")
        await settle(pilot)
        keys = ["up", "enter"]  # into the timeline (newest note), Enter edits it
        await pilot.press(*keys)
        await settle(pilot)
        assert box.value == typo  # the whole note, in the same box
        assert "Editing the" in screen_text(app)
        fix = ["ctrl+home", *["ctrl+right"] * 5, "left", "left", "a", "enter"]  # "fem|le"
        await pilot.press(*fix)
        await settle(pilot)
        assert len(keys + fix) <= 13
        assert screen.state.note_id is None  # back to a new note
    saved = notes_of(sample_db, FULL)[-1]
    assert saved["text"] == typo.replace("femle", "female")
    history = read_db(sample_db, "SELECT * FROM note_revisions WHERE note_id = ?", [saved["id"]])
    assert [json.loads(h["previous"]) for h in history] == [{"text": typo}]


async def test_kind_attribution_and_speaker_change_in_sight_while_editing(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app(start="notes", event_ref=FULL)
    async with app.run_test(size=(80, 24)) as pilot:
        _, box = await open_box(pilot, app)
        await pilot.press(*"Checkposts ask for bribes", "enter")
        await settle(pilot)
        await pilot.press("up", "enter")
        await settle(pilot)
        text = screen_text(app)
        assert "EDITING" in text and "Named (F3)" in text and "Kind Key point" in text
        await pilot.press("f3", "alt+c")  # role only; a concern
        await pilot.pause()
        text = screen_text(app)
        assert "Role only (F3)" in text
        assert "Kind Concern" in text
        assert "EDITING" in text
        await pilot.press("shift+tab", *"durr", "enter")  # another speaker, picked from the list
        await pilot.pause()
        assert "Raheela Hameed" in screen_text(app)  # the name from its start
        assert app.focused is box
        await pilot.press("end", *" at night", "enter")
        await settle(pilot)
        await pilot.press("f7")  # an action item from the note just corrected
        await settle(pilot)
        what = app.screen.query_one("#what", Input)
        assert what.value == "Checkposts ask for bribes at night"
    saved = notes_of(sample_db, FULL)[-1]
    assert (saved["text"], saved["kind"], saved["attribution"], saved["speaker_name"]) == (
        "Checkposts ask for bribes at night",
        "concern",
        "role",
        "Raheela Hameed Durrani",
    )
