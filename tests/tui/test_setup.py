"""Event setup driven by keys: create an event end to end, edit one, validation next to the
field, the agenda editor, attendees added, edited, removed and imported, names that look
like markup, and nothing lost on quit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, TabbedContent

from convener.tui.app import ConvenerApp
from convener.tui.screens.home import HomeScreen
from convener.tui.screens.import_file import ImportScreen
from convener.tui.screens.setup import SetupScreen, savable
from convener.tui.screens.setup_agenda import format_item, parse_item
from convener.tui.screens.setup_attendee import AttendeeForm
from convener.tui.widgets.form import Field
from tests.tui.conftest import SIZE, read_db, ready_for_keys, screen_text

PRACTICE = "quetta-dialogue-practice"
FULL = "quetta-dialogue"
MARKUP_NAMES = ("[bold]x[/bold]", "Ali [/] Khan", "[@click=app.quit]x[/]")
# Tab stops from the title: date, start, end, kind, theme, language, venue, ...
TO_VENUE = 7
TO_END_TIME = 3


async def settle(pilot: Pilot[Any]) -> None:
    """Let keys, workers and database jobs finish before asserting.

    A DirectoryTree's loader (the import dialog) runs until the dialog closes: not waited for.
    """
    await pilot.pause()
    workers = [w for w in pilot.app.workers if w.group != "_loader"]
    if workers:
        await pilot.app.workers.wait_for_complete(workers)
    await pilot.pause()
    await ready_for_keys(pilot)


async def type_text(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*text)


def event_row(db_path: Path, slug: str) -> dict[str, Any]:
    return read_db(db_path, "SELECT * FROM events WHERE slug = ?", [slug])[0]


def registrations(db_path: Path, event_id: str) -> list[dict[str, Any]]:
    return read_db(
        db_path,
        "SELECT p.* FROM people p JOIN registrations r ON r.person_id = p.id"
        " WHERE r.event_id = ? ORDER BY p.name",
        [event_id],
    )


def field_error(app: ConvenerApp, name: str) -> str:
    error = app.screen.query_one(f"#field-{name}", Field).query_one(".field-error")
    return "" if error.has_class("-empty") else str(error.render())


def table_names(app: ConvenerApp, table_id: str = "#attendees", column: int = -1) -> list[str]:
    """A column of a table: by default the names (the attendees' first column marks a
    selection)."""
    if column < 0:
        column = 1 if table_id == "#attendees" else 0
    table = app.screen.query_one(table_id, DataTable)
    return [str(table.get_row_at(row)[column]) for row in range(table.row_count)]


async def open_setup(pilot: Pilot[Any], slug: str = PRACTICE) -> SetupScreen:
    """From home, highlight the event `slug` and press e."""
    await settle(pilot)
    home = pilot.app.screen
    assert isinstance(home, HomeScreen)
    row = next(i for i, e in enumerate(home.events) if e["slug"] == slug)
    home.query_one("#events", DataTable).move_cursor(row=row)
    await pilot.press("e")
    await settle(pilot)
    assert isinstance(pilot.app.screen, SetupScreen)
    return pilot.app.screen


async def add_attendee(pilot: Pilot[Any], name: str, organisation: str = "") -> None:
    """On the Attendees tab: a, type the name (and organisation), ctrl+s."""
    await pilot.press("a")
    await settle(pilot)
    assert isinstance(pilot.app.screen, AttendeeForm)
    await type_text(pilot, name)
    if organisation:
        await pilot.press("tab", "tab", "tab")  # phone, designation, organisation
        await type_text(pilot, organisation)
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert isinstance(pilot.app.screen, SetupScreen)


async def test_create_event_end_to_end(make_app: Callable[..., ConvenerApp], db_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SetupScreen) and screen.event is None
        await type_text(pilot, "District jirga on safe migration")
        await pilot.press("tab")
        await type_text(pilot, "2025-06-02")
        await pilot.press("tab")
        await type_text(pilot, "9:30")
        await pilot.press("tab")
        await type_text(pilot, "13:00")
        await pilot.press("tab", "tab", "tab", "tab")  # kind, theme, language, venue
        await type_text(pilot, "Circuit House")
        await pilot.press("tab")
        await type_text(pilot, "Turbat")
        await pilot.press("tab", "tab", "tab", "tab", "tab")  # district ... host, organisers
        await type_text(pilot, "SSDO; IOM")
        await pilot.press("tab")
        await settle(pilot)
        assert screen.event is not None
        assert app.current_event is not None and app.current_event["id"] == screen.event["id"]

        await pilot.press("f3")
        for item in ("09:30 Welcome -- Vania Tahir", "Open discussion", "10:00 Keynote"):
            await type_text(pilot, item)
            await pilot.press("enter")
            await settle(pilot)
        await pilot.press("ctrl+up")  # the keynote goes before the open discussion
        await settle(pilot)
        assert table_names(app, "#agenda", column=2) == ["Welcome", "Keynote", "Open discussion"]

        await pilot.press("f4")
        await settle(pilot)
        await add_attendee(pilot, "Gul Bano", "Roshan Raah")
        await add_attendee(pilot, "Ejaz Ahmed")
        assert table_names(app) == ["Ejaz Ahmed", "Gul Bano"]

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert [e["title"] for e in app.screen.events] == ["District jirga on safe migration"]

    event = read_db(db_path, "SELECT * FROM events")[0]
    assert (event["title"], event["date"]) == ("District jirga on safe migration", "2025-06-02")
    assert (event["start_time"], event["end_time"]) == ("09:30", "13:00")
    assert (event["venue"], event["city"]) == ("Circuit House", "Turbat")
    assert event["organisers"] == '["SSDO", "IOM"]'
    agenda = read_db(
        db_path, "SELECT * FROM agenda_items WHERE event_id = ? ORDER BY position", [event["id"]]
    )
    assert [(a["starts_at"], a["title"], a["presenter"]) for a in agenda] == [
        ("09:30", "Welcome", "Vania Tahir"),
        ("10:00", "Keynote", ""),
        (None, "Open discussion", ""),
    ]
    people = registrations(db_path, event["id"])
    assert [(p["name"], p["organisation"]) for p in people] == [
        ("Ejaz Ahmed", ""),
        ("Gul Bano", "Roshan Raah"),
    ]


async def test_edit_venue_of_existing_event(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_setup(pilot)
        assert app.current_event is not None and app.current_event["slug"] == PRACTICE
        await pilot.press(*["tab"] * TO_VENUE)
        assert app.focused is not None and app.focused.id == "venue"
        await pilot.press("end", "ctrl+u")
        await type_text(pilot, "Governor House")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert screen.event is not None and screen.event["venue"] == "Governor House"
    assert event_row(sample_db, PRACTICE)["venue"] == "Governor House"
    assert event_row(sample_db, FULL)["venue"] == "Serena Hotel"


async def test_change_saves_after_a_pause_without_leaving_the_field(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_setup(pilot)
        await pilot.press(*["tab"] * TO_VENUE, "end", "ctrl+u")
        await type_text(pilot, "Press Club")
        await pilot.pause(0.8)
        await settle(pilot)
        assert app.focused is not None and app.focused.id == "venue"
        assert event_row(sample_db, PRACTICE)["venue"] == "Press Club"


async def test_end_before_start_is_shown_and_not_saved(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_setup(pilot)
        await pilot.press(*["tab"] * TO_END_TIME, "end", "ctrl+u")
        await type_text(pilot, "08:00")
        await pilot.press("tab")
        await settle(pilot)
        assert "must be after the start time 10:00" in field_error(app, "end_time")
        assert screen.query_one("#end_time", Input).value == "08:00"  # kept, not lost
        assert event_row(sample_db, PRACTICE)["end_time"] == "13:30"
        await pilot.press("escape")  # warns once and stays
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("shift+tab", "end", "ctrl+u")
        await type_text(pilot, "12:45")
        await pilot.press("tab")
        await settle(pilot)
        assert field_error(app, "end_time") == ""
    assert event_row(sample_db, PRACTICE)["end_time"] == "12:45"


async def test_new_event_without_title_is_not_created(
    make_app: Callable[..., ConvenerApp], db_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("tab")
        await type_text(pilot, "2025-07-01")
        await pilot.press("tab")
        await settle(pilot)
        assert field_error(app, "title") == "is required"
        await pilot.press("f3")  # the agenda waits for a title and a date
        await settle(pilot)
        assert app.screen.query_one(TabbedContent).active == "tab-event"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SetupScreen)  # warned: Escape again to leave
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    assert read_db(db_path, "SELECT * FROM events") == []


async def test_import_attendees_shows_bad_line_then_imports(
    make_app: Callable[..., ConvenerApp], sample_db: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Name,Organisation,Sex\nNadia Baloch,BRSP,F\nOmar Khan,FIA,zebra\n")
    good = tmp_path / "good.csv"
    good.write_text("Name,Organisation,Sex\nNadia Baloch,BRSP,F\nOmar Khan,FIA,M\n")
    event_id = event_row(sample_db, PRACTICE)["id"]
    before = len(registrations(sample_db, event_id))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_setup(pilot)
        await pilot.press("f4", "i")
        await settle(pilot)
        assert isinstance(app.screen, ImportScreen)
        path = app.screen.query_one("#path", Input)
        path.value = str(bad)  # typing a long temp path adds nothing but time
        await pilot.press("enter")
        await settle(pilot)
        shown = screen_text(app)
        assert "line 3" in shown and "zebra" in shown
        assert len(registrations(sample_db, event_id)) == before
        path.value = str(good)
        await pilot.press("enter")
        await settle(pilot)
        shown = screen_text(app)
        assert "2 new" in shown and "Nothing is written yet" in shown, shown
        assert len(registrations(sample_db, event_id)) == before  # a preview writes nothing
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SetupScreen)
        assert {"Nadia Baloch", "Omar Khan"} <= set(table_names(app))
    names = [p["name"] for p in registrations(sample_db, event_id)]
    assert len(names) == before + 2 and "Omar Khan" in names


async def test_markup_looking_names_show_and_store_literally(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_setup(pilot)
        await pilot.press("f4")
        for name in MARKUP_NAMES:
            await add_attendee(pilot, name, "[i]o[/i]" if name == MARKUP_NAMES[0] else "")
        assert app.is_running  # [@click=app.quit] did not quit
        shown = table_names(app)
        text = screen_text(app)
        for name in MARKUP_NAMES:
            assert name in shown
        assert "[bold]x[/bold]" in text and "Ali [/] Khan" in text
        assert "[i]o[/i]" in table_names(app, column=6)
    event_id = event_row(sample_db, PRACTICE)["id"]
    stored = {p["name"]: p["organisation"] for p in registrations(sample_db, event_id)}
    assert stored == {
        **stored,
        MARKUP_NAMES[0]: "[i]o[/i]",
        MARKUP_NAMES[1]: "",
        MARKUP_NAMES[2]: "",
    }


async def test_edit_and_remove_attendees(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    full_id = event_row(sample_db, FULL)["id"]
    before = len(registrations(sample_db, full_id))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_setup(pilot, FULL)
        await pilot.press("f4")
        await settle(pilot)
        first = table_names(app)[0]
        await pilot.press("enter")  # edit the highlighted person
        await settle(pilot)
        assert isinstance(app.screen, AttendeeForm)
        await pilot.press("tab", "end", "ctrl+u")
        await type_text(pilot, "0300 1234567")
        await pilot.press("enter")
        await settle(pilot)
        phone = read_db(sample_db, "SELECT phone FROM people WHERE name = ?", [first])
        assert phone[0]["phone"] == "0300 1234567"

        checked = read_db(
            sample_db,
            "SELECT p.name FROM checkins c JOIN people p ON p.id = c.person_id"
            " WHERE c.event_id = ? ORDER BY p.name_key LIMIT 1",
            [full_id],
        )[0]["name"]
        table = app.screen.query_one("#attendees", DataTable)
        table.move_cursor(row=table_names(app).index(checked))
        await pilot.press("d")
        await settle(pilot)  # a removal is answered only after a second (confirm.py)
        await pilot.press("y")
        await settle(pilot)
        assert any("not removed" in n.message for n in app._notifications)
        assert len(registrations(sample_db, full_id)) == before

        await add_attendee(pilot, "Temporary Guest")
        assert "Temporary Guest" in table_names(app)
        await pilot.press("d")
        await settle(pilot)  # a removal is answered only after a second (confirm.py)
        await pilot.press("y")
        await settle(pilot)
        assert "Temporary Guest" not in table_names(app)
    assert len(registrations(sample_db, full_id)) == before


async def test_agenda_edit_move_remove_keep_ids(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    event_id = event_row(sample_db, PRACTICE)["id"]
    sql = "SELECT * FROM agenda_items WHERE event_id = ? ORDER BY position"
    before = read_db(sample_db, sql, [event_id])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_setup(pilot)
        await pilot.press("f3", "tab")  # from the new-item box to the list
        await pilot.press("e")
        await settle(pilot)
        box = app.screen.query_one("#agenda-new", Input)
        assert box.value == format_item(before[0])
        await pilot.press("ctrl+u")
        await type_text(pilot, "10:05 Recitation and welcome -- Fatima Changezi")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("tab", "ctrl+down")  # back to the list; first item moves down
        await settle(pilot)
        await pilot.press("down", "d")  # remove the third item
        await settle(pilot)
        assert len(read_db(sample_db, sql, [event_id])) == len(before) - 1
        await pilot.press("ctrl+z")  # undo puts it back where it was
        await settle(pilot)
        assert table_names(app, "#agenda", column=2)[2] == before[2]["title"]
        await pilot.press("d")
        await settle(pilot)
    after = read_db(sample_db, sql, [event_id])
    assert [a["id"] for a in after] == [
        before[1]["id"],
        before[0]["id"],
        *[b["id"] for b in before[3:]],
    ]
    assert (after[1]["title"], after[1]["presenter"]) == (
        "Recitation and welcome",
        "Fatima Changezi",
    )


async def test_quit_right_after_typing_loses_nothing(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_setup(pilot)
        await pilot.press(*["tab"] * TO_VENUE, "end", "ctrl+u")
        await type_text(pilot, "Quetta Press Club")
        await pilot.press("ctrl+q")  # before the half-second autosave
    assert event_row(sample_db, PRACTICE)["venue"] == "Quetta Press Club"


@pytest.mark.parametrize(
    ("text", "item", "error"),
    [
        ("09:30 Opening remarks -- Minister", ("09:30", "Opening remarks", "Minister"), None),
        ("9.05 Tea — Organisers", ("09:05", "Tea", "Organisers"), None),
        ("Open discussion", ("", "Open discussion", ""), None),
        ("Q&A - floor", ("", "Q&A - floor", ""), None),
        ("25:00 Late", None, "25:00 is not a time (HH:MM, 24-hour)"),
        ("10:00", None, "an agenda item needs a title after the time"),
    ],
)
def test_parse_agenda_item(text: str, item: tuple[str, str, str] | None, error: str | None) -> None:
    parsed, problem = parse_item(text)
    assert problem == error
    if item is not None:
        assert (parsed["starts_at"], parsed["title"], parsed["presenter"]) == item
        assert parse_item(format_item(parsed))[0] == parsed


def test_savable_holds_back_only_what_breaks_a_rule() -> None:
    stored = {"title": "Dialogue", "date": "2025-05-14", "start_time": "10:00", "end_time": "13:00"}
    typed = {"title": "", "date": "2025-05-15", "start_time": "14:00", "end_time": "13:00"}
    keep, errors = savable(typed, stored)
    assert keep == {"date": "2025-05-15"}
    assert errors["title"] == "is required"
    assert errors["end_time"].startswith("must be after the start time 14:00")
    assert set(errors) == {"title", "end_time", "start_time"}


async def test_report_fields_background_and_way_forward(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    """Funder, last day, background and way forward: typed, checked, saved for the report."""
    first_day = event_row(sample_db, PRACTICE)["date"]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_setup(pilot)
        await pilot.press(*["tab"] * 15)
        assert app.focused is not None and app.focused.id == "end_date"
        await type_text(pilot, "2025-01-01")
        await pilot.press("tab")
        await settle(pilot)
        assert f"must not be before the date {first_day}" in field_error(app, "end_date")
        await pilot.press("shift+tab", "end", "ctrl+u")
        await type_text(pilot, "2025-05-15")
        await pilot.press("tab")
        await type_text(pilot, "Embassy of Denmark")
        await pilot.press("tab", "tab", "tab", "tab", "tab")  # project ... background
        assert app.focused is not None and app.focused.id == "background"
        await type_text(pilot, "Border districts report more cases each year.")
        await pilot.press("tab")
        assert app.focused is not None and app.focused.id == "conclusions"
        await type_text(pilot, "A forum of all agencies will meet monthly.")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    event = event_row(sample_db, PRACTICE)
    assert (event["end_date"], event["funder"]) == ("2025-05-15", "Embassy of Denmark")
    # Typed at the start of the sample's own text.
    assert event["background"].startswith("Border districts report more cases each year.")
    assert event["conclusions"].startswith("A forum of all agencies will meet monthly.")


async def test_sign_in_sheet_from_the_attendees_tab(
    make_app: Callable[..., ConvenerApp], sample_db: Path, private_home: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_setup(pilot)
        await pilot.press("p")  # not on the event tab: p types into the field
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("p")
        for _ in range(100):  # the PDF is drawn on the database thread
            await pilot.pause(0.1)
            if len(list(private_home.rglob("*signin-sheet*"))) == 2:
                break
        notes = [n.message for n in app._notifications]
        assert any(m.startswith("Sign-in sheet written to") for m in notes), notes
    assert event_row(sample_db, PRACTICE)["title"].endswith("p")  # typed on the event tab
    written = sorted(p.name for p in private_home.rglob("*signin-sheet*"))
    assert written == [f"{PRACTICE}-signin-sheet.docx", f"{PRACTICE}-signin-sheet.pdf"]
