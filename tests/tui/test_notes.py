"""Live notes driven by keys: a whole session, the keystroke budget, drafts that survive a
crash or a hang-up, attribution, protected speakers and names that look like markup."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from convener.storage.checkins import check_in, walk_in
from convener.storage.db.connection import connect
from convener.storage.events import get_event, update_event
from convener.tui.app import ConvenerApp
from convener.tui.screens.confirm import ConfirmScreen
from convener.tui.screens.note_links import AnswerPicker, ToWhomPrompt
from convener.tui.screens.note_prompts import DraftPrompt
from convener.tui.screens.notes import NotesScreen
from convener.tui.screens.summary import SummaryScreen
from tests.tui.conftest import SIZE, read_db, ready_for_keys, screen_text

PRACTICE = "quetta-dialogue-practice"
FULL = "quetta-dialogue"
PRESENT = ("Raheela Hameed Durrani", "Syed Kausar Abbas", "Ejaz Ahmed", "Gul Bano")
MARKUP_NAMES = ("[bold]x[/bold]", "Ali [/] Khan")


def check_in_people(db_path: Path, slug: str, names: tuple[str, ...] = PRESENT) -> None:
    """People at the door before the session (as the check-in screen would record)."""
    with connect(db_path) as db:
        event = get_event(db, slug)
        for name in names:
            row = db.execute(
                "SELECT p.id FROM people p JOIN registrations r ON r.person_id = p.id"
                " WHERE r.event_id = ? AND p.name = ?",
                [event["id"], name],
            ).fetchone()
            check_in(db, event["id"], row[0])
        for name in MARKUP_NAMES:
            walk_in(
                db,
                event["id"],
                {
                    "name": name,
                    "organisation": "Test",
                    "stakeholder_group": "other",
                    "gender": "male",
                    "consent_name": "yes",
                },
            )


def notes_of(db_path: Path, slug: str = PRACTICE, deleted: bool = False) -> list[dict[str, Any]]:
    where = "" if deleted else " AND n.deleted_at IS NULL"
    return read_db(
        db_path,
        "SELECT n.*, p.name AS speaker_name FROM notes n JOIN events e ON e.id = n.event_id"
        " LEFT JOIN people p ON p.id = n.speaker_id WHERE e.slug = ?"
        + where
        + " ORDER BY n.noted_at",
        [slug],
    )


def event_row(db_path: Path, slug: str) -> dict[str, Any]:
    return read_db(db_path, "SELECT * FROM events WHERE slug = ?", [slug])[0]


async def settle(pilot: Any) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await ready_for_keys(pilot)


async def start_notes(pilot: Any, app: ConvenerApp) -> NotesScreen:
    """Open the screen; answer the start question with y when it is asked."""
    await settle(pilot)
    if isinstance(app.screen, ConfirmScreen):
        await pilot.press("y")
        await settle(pilot)
    assert isinstance(app.screen, NotesScreen)
    return app.screen


async def test_a_whole_session(
    make_app: Callable[..., ConvenerApp],
    sample_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # the export folder is typed relative to here
    check_in_people(sample_db, PRACTICE)
    app = make_app(start="notes", event_ref=PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)  # a planned event: start now?
        await pilot.press("y")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, NotesScreen)
        assert event_row(sample_db, PRACTICE)["status"] == "live"
        assert "live" in screen_text(app)

        await pilot.press(*"durr", "enter", *"Awareness", "alt+r", "enter")
        await pilot.press(*"Laws exist", "enter")  # same speaker, key point
        await pilot.press("shift+tab", *"kausar", "enter", *"Train youth", "alt+m", "enter")
        await pilot.press("f7")  # action item from the note just saved
        await settle(pilot)
        # The form starts at its owner (prefilled, Enter keeps it); what is prefilled too.
        await pilot.press("enter", "enter", *"2025-06-30", "enter")
        await settle(pilot)
        await pilot.press(
            "shift+tab",
            *"a police officer",
            "enter",
            *"Victims",
            "alt+c",
            "f3",
            "enter",
        )
        await pilot.press("shift+tab", *"ejaz", "enter", "f3", "f3", *"Agents", "enter")
        await settle(pilot)
        assert "Awareness" in screen_text(app)

        # Edit the third note: up into the timeline, up twice more, Enter loads it.
        await pilot.press("up", "up", "up", "enter")
        await settle(pilot)
        assert screen.state.note_id is not None
        assert "EDITING" in screen_text(app)
        await pilot.press("end", *" (corrected)", "enter")
        await settle(pilot)
        # Delete the last note (highlighted after ↑ from the note box), with confirmation.
        await pilot.press("up", "delete")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)

        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        assert event_row(sample_db, PRACTICE)["status"] == "ended"
        assert "Train youth" in app.screen.query_one("#summary").source
        await pilot.press("e", "ctrl+u", *"out", "enter")
        await settle(pilot)
        assert "Written 6 files" in screen_text(app)

    notes = notes_of(sample_db)
    assert [
        (n["speaker_name"] or n["speaker_text"], n["kind"], n["attribution"]) for n in notes
    ] == [
        ("Raheela Hameed Durrani", "recommendation", "named"),
        ("Raheela Hameed Durrani", "key_point", "named"),
        ("Syed Kausar Abbas", "commitment", "named"),
        ("a police officer", "concern", "role"),
    ]
    assert all(n["elapsed_seconds"] is not None for n in notes)
    edited = notes[2]
    assert edited["text"] == "Train youth (corrected)"
    history = read_db(sample_db, "SELECT * FROM note_revisions WHERE note_id = ?", [edited["id"]])
    assert json.loads(history[0]["previous"]) == {"text": "Train youth"}
    gone = [n for n in notes_of(sample_db, deleted=True) if n["deleted_at"]]
    assert [(g["speaker_name"], g["attribution"]) for g in gone] == [("Ejaz Ahmed", "off_record")]
    actions = read_db(
        sample_db,
        "SELECT a.*, p.name FROM action_items a JOIN people p ON p.id = a.owner_person_id",
    )
    assert [(a["name"], a["what"], a["due_date"], a["note_id"]) for a in actions] == [
        ("Syed Kausar Abbas", "Train youth", "2025-06-30", edited["id"])
    ]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "quetta-dialogue-practice-attendance.csv",
        "quetta-dialogue-practice-attendance.xlsx",
        "quetta-dialogue-practice-summary.docx",
        "quetta-dialogue-practice-summary.md",
        "quetta-dialogue-practice-summary.pdf",
        "quetta-dialogue-practice.json",
    ]


async def test_a_note_with_speaker_and_kind_costs_four_keys(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app(start="notes", event_ref=FULL)
    async with app.run_test(size=SIZE) as pilot:
        await start_notes(pilot, app)
        await pilot.press(*"durr", "enter", *"first", "enter")
        extra = ["shift+tab", "enter", "alt+r", "enter"]  # everything but the typed fragments
        await pilot.press(extra[0], *"kaus", extra[1], *"Raise your voice", extra[2], extra[3])
        await settle(pilot)
    assert len(extra) <= 4
    last = notes_of(sample_db, FULL)[-1]
    assert (last["speaker_name"], last["kind"], last["text"]) == (
        "Syed Kausar Abbas",
        "recommendation",
        "Raise your voice",
    )


async def test_draft_survives_a_crash(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app(start="notes", event_ref=FULL)
    async with app.run_test(size=SIZE) as pilot:
        await start_notes(pilot, app)
        await pilot.press(*"durr", "enter", "alt+q", *"Half a thought about the bor")
        await pilot.pause(1.3)
        # The process could die here: the draft is already on disk.
        drafts = read_db(sample_db, "SELECT * FROM drafts")
        assert [(d["text"], d["kind"]) for d in drafts] == [
            ("Half a thought about the bor", "question")
        ]
    reopened = make_app(start="notes", event_ref=FULL)
    async with reopened.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(reopened.screen, DraftPrompt)
        assert "Half a thought about the bor" in screen_text(reopened)
        await pilot.press("r")
        await settle(pilot)
        screen = reopened.screen
        assert isinstance(screen, NotesScreen)
        assert screen.query_one("#note").value == "Half a thought about the bor"
        assert screen.query_one("#speaker").value == "Raheela Hameed Durrani"
        assert screen.state.kind == "question"
        await pilot.press(*"der", "enter")
        await settle(pilot)
    assert notes_of(sample_db, FULL)[-1]["text"] == "Half a thought about the border"
    assert read_db(sample_db, "SELECT * FROM drafts") == []


async def test_discarding_a_draft(make_app: Callable[..., ConvenerApp], sample_db: Path) -> None:
    with connect(sample_db) as db:
        from convener.storage.notes import save_draft

        save_draft(db, get_event(db, FULL)["id"], {"text": "old words", "kind": "quote"})
    app = make_app(start="notes", event_ref=FULL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, NotesScreen)
        assert app.screen.query_one("#note").value == ""
    assert read_db(sample_db, "SELECT * FROM drafts") == []


async def test_flush_hook_saves_what_was_just_typed(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app(start="notes", event_ref=FULL)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_notes(pilot, app)
        assert screen.draft.flush in app.session.flush_hooks
        await pilot.press(*"kaus", "enter", *"typed just before the terminal closed")
        app.flush_state()  # what the SIGHUP handler does, with no pause for the debounce
        drafts = read_db(sample_db, "SELECT * FROM drafts")
        assert [d["text"] for d in drafts] == ["typed just before the terminal closed"]
        await pilot.press("escape")  # text in the box: the first Escape only warns
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("escape")  # leaving the screen removes the hook
        await settle(pilot)
        assert screen.draft.flush not in app.session.flush_hooks


async def test_chatham_house_default_and_off_record(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    with connect(sample_db) as db:
        update_event(db, get_event(db, FULL)["id"], {"attribution_default": "chatham_house"})
    app = make_app(start="notes", event_ref=FULL)
    async with app.run_test(size=SIZE) as pilot:
        await start_notes(pilot, app)
        assert "Role only" in screen_text(app)
        await pilot.press(*"ejaz", "enter", *"Cases rose", "enter")
        await pilot.press("f3", *"Names of agents", "enter")  # role -> off the record
        await pilot.press(*"Sticky until the speaker changes", "enter")
        await pilot.press("shift+tab", *"durr", "enter", *"New voice, usual rule", "enter")
        await settle(pilot)
    assert [n["attribution"] for n in notes_of(sample_db, FULL)[-4:]] == [
        "role",
        "off_record",
        "off_record",
        "role",
    ]


async def test_markup_looking_names_and_protected_speakers(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    check_in_people(sample_db, PRACTICE)
    app = make_app(start="notes", event_ref=PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")  # not starting yet: notes still work
        await settle(pilot)
        await pilot.press(*"bold", "enter", *"said [b]loud[/b]", "enter")
        await pilot.press("shift+tab", *"ali [", "enter", *"x", "enter")
        await pilot.press("shift+tab", *"[@click=app.quit]x[/]", "down", "enter", *"y", "enter")
        await pilot.press("shift+tab", *"protected")
        await settle(pilot)
        text = screen_text(app)
        for literal in (*MARKUP_NAMES, "said [b]loud[/b]", "[@click=app.quit]x[/]", "(protected)"):
            assert literal in text
        assert "Gul Bano" not in text
        await pilot.press("ctrl+u", *"gul bano")  # a protected name finds nobody
        await settle(pilot)
        assert app.screen.query_one("#speaker-matches").highlighted.free_text
        await pilot.press("ctrl+u", *"protected", "enter", *"anonymous words", "enter")
        await settle(pilot)
        assert "Gul Bano" not in screen_text(app)
    speakers = [(n["speaker_name"] or n["speaker_text"]) for n in notes_of(sample_db)]
    assert speakers == [*MARKUP_NAMES, "[@click=app.quit]x[/]", "Gul Bano"]
    assert notes_of(sample_db)[0]["elapsed_seconds"] is None


async def test_restore_a_deleted_note(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app(start="notes", event_ref=FULL)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_notes(pilot, app)
        before = len(screen.timeline.notes)
        await pilot.press("tab", "up", "f8")
        await settle(pilot)  # a delete is answered only after a second (confirm.py)
        await pilot.press("y")
        await settle(pilot)
        assert len(screen.timeline.notes) == before - 1
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert len(screen.timeline.notes) == before
    assert all(n["deleted_at"] is None for n in notes_of(sample_db, FULL, deleted=True))


async def test_kind_without_alt_and_typing_from_the_timeline(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app(start="notes", event_ref=FULL)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_notes(pilot, app)
        await pilot.press("down", "down", "enter")  # pick from the list without typing
        assert screen.state.speaker_id is not None
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("q")  # the kind picker: a letter chooses
        await pilot.pause()
        assert screen.state.kind == "question"
        await ready_for_keys(pilot)  # keys right after a dialog closes run nothing
        await pilot.press("up", *"Who", "enter")  # letters typed in the timeline go to the note
        await settle(pilot)
    last = notes_of(sample_db, FULL)[-1]
    assert (last["kind"], last["text"]) == ("question", "Who")


async def test_reached_from_check_in_with_ctrl_t(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app(start="checkin", event_ref=FULL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, NotesScreen)


def test_picker_puts_descriptions_and_names_in_the_right_order() -> None:
    from convener.tui.widgets.speaker_picker import PROTECTED, SpeakerChooser

    def person(pid: str, name: str, designation: str, **more: Any) -> dict[str, Any]:
        return {
            "id": pid,
            "name": name,
            "designation": designation,
            "organisation": "",
            "phone": "",
            "checked_in_at": "2025-05-14T05:00:00Z",
            **more,
        }

    chooser = SpeakerChooser(
        [
            person("1", "Muhammad Ayub Tareen", "Station House Officer, Police"),
            person("2", "Gul Bano", "Community member", protected=1, stakeholder_group="community"),
            person("3", "Raheela Hameed Durrani", "Minister", checked_in_at=None),
        ]
    )
    police = chooser.search("a police officer")
    assert (police[0].free_text, police[1].person_id) == (True, "1")  # a description first
    assert chooser.search("tareen")[0].person_id == "1"  # a name fragment: the person first
    assert chooser.search("rhd")[0].person_id == "3"  # letters in order, not checked in
    assert [c.free_text for c in chooser.search("gul bano")] == [True]  # protected: unfindable
    assert chooser.search("protected")[0].label == PROTECTED


async def test_marking_an_answer_and_to_whom(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    """ctrl+r links the note just saved to an earlier question; ctrl+t says to whom."""
    check_in_people(sample_db, PRACTICE)
    app = make_app(start="notes", event_ref=PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        await start_notes(pilot, app)
        await pilot.press("ctrl+r")  # nothing saved yet: says what to do
        await settle(pilot)
        assert isinstance(app.screen, NotesScreen)
        await pilot.press(*"durr", "enter", *"Who funds the shelters?", "alt+q", "enter")
        await pilot.press("shift+tab", *"kausar", "enter", *"The province does.", "enter")
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, AnswerPicker)
        assert "Who funds the shelters?" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, NotesScreen)
        await pilot.press(*"Open two more shelters", "alt+r", "enter")
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, ToWhomPrompt)
        await pilot.press(*"Social Welfare Department", "enter")
        await settle(pilot)
        assert isinstance(app.screen, NotesScreen)
    notes = {n["text"]: n for n in notes_of(sample_db)}
    question = notes["Who funds the shelters?"]
    assert notes["The province does."]["answers_note_id"] == question["id"]
    assert notes["Open two more shelters"]["addressed_to"] == "Social Welfare Department"
    assert notes["Open two more shelters"]["answers_note_id"] is None
