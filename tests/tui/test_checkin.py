"""The door: find by fragment, Enter, no double check-in, undo, walk-ins, live counts."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from convener.tui.app import ConvenerApp
from convener.tui.screens.checkin import CheckinScreen
from convener.tui.widgets.live_panel import LivePanel
from tests.tui.conftest import SIZE, read_db, ready_for_keys, screen_text

PRACTICE = "quetta-dialogue-practice"


def active_checkins(db_path: Path, name: str) -> list[dict[str, object]]:
    return read_db(
        db_path,
        """SELECT c.* FROM checkins c JOIN people p ON p.id = c.person_id
        JOIN events e ON e.id = c.event_id WHERE e.slug = ? AND p.name = ?
        AND c.undone_at IS NULL""",
        [PRACTICE, name],
    )


async def open_checkin(pilot, app: ConvenerApp) -> CheckinScreen:  # type: ignore[no-untyped-def]
    await pilot.pause()
    assert isinstance(app.screen, CheckinScreen)
    await app.workers.wait_for_complete()
    await pilot.pause()
    return app.screen


async def test_fragment_and_enter_checks_in(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app(start="checkin", event_ref=PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checkin(pilot, app)
        await pilot.press(*"durr")
        await pilot.pause()
        assert screen.results.highlighted is not None
        assert screen.results.highlighted.row["name"] == "Raheela Hameed Durrani"
        await pilot.press("enter")
        await pilot.pause()
        assert screen.query_one("#search").value == ""  # ready for the next arrival
        rows = screen_text(app).splitlines()  # her row says when (the time, below 96 columns)
        assert any(re.search(r"Raheela Hameed Durrani .*✓ \d\d:\d\d", row) for row in rows)
    assert len(active_checkins(sample_db, "Raheela Hameed Durrani")) == 1


async def test_second_enter_does_not_check_in_twice(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app(start="checkin", event_ref=PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        await open_checkin(pilot, app)
        for _ in range(2):
            await pilot.press(*"kausar", "enter")
            await pilot.pause()
        assert any("already checked in" in str(n.message) for n in app._notifications)
    assert len(active_checkins(sample_db, "Syed Kausar Abbas")) == 1
    rows = read_db(
        sample_db,
        "SELECT count(*) AS n FROM checkins c JOIN people p "
        "ON p.id = c.person_id WHERE p.name = 'Syed Kausar Abbas'",
    )
    assert rows[0]["n"] == 2  # the real event's check-in plus this one, no duplicate


async def test_undo_last_keeps_history(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app(start="checkin", event_ref=PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checkin(pilot, app)
        await pilot.press(*"bizenjo", "enter")
        await pilot.pause()
        await pilot.press("ctrl+z")
        await pilot.pause()
        entry = next(e for e in screen.index.entries if "Bizenjo" in e.row["name"])
        assert not entry.row["checked_in_at"]
    history = read_db(
        sample_db,
        """SELECT c.undone_at FROM checkins c JOIN people p
        ON p.id = c.person_id JOIN events e ON e.id = c.event_id
        WHERE e.slug = ? AND p.name LIKE '%Bizenjo'""",
        [PRACTICE],
    )
    assert len(history) == 1 and history[0]["undone_at"]


async def test_uncheck_highlighted_then_check_in_again(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app(start="checkin", event_ref=PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        await open_checkin(pilot, app)
        await pilot.press(*"lehri", "enter")
        await pilot.pause()
        await pilot.press(*"lehri", "f8")
        await pilot.pause()
        assert active_checkins(sample_db, "Liaquat Lehri") == []
        await pilot.press("enter")
        await pilot.pause()
    assert len(active_checkins(sample_db, "Liaquat Lehri")) == 1


async def test_walk_in_prefilled_and_duplicate_warning(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app(start="checkin", event_ref=PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        await open_checkin(pilot, app)
        await pilot.press(*"ejaz  AHMED", "ctrl+n")
        await pilot.pause()
        assert app.screen.query_one("#name").value == "ejaz  AHMED"
        await pilot.press(*"FIA")  # organisation has focus
        await select_option(pilot, app, "#stakeholder_group", "FIA")
        await select_option(pilot, app, "#gender", "Male")
        await pilot.press("ctrl+s")
        await pilot.pause()
        warning = app.screen.query_one("#duplicate")
        assert warning.display
        assert "Possible duplicate" in str(warning.render())
        people = read_db(sample_db, "SELECT count(*) AS n FROM people")[0]["n"]
        await pilot.press("ctrl+s")  # add anyway
        await pilot.pause()
        assert isinstance(app.screen, CheckinScreen)
    assert read_db(sample_db, "SELECT count(*) AS n FROM people")[0]["n"] == people + 1
    walkins = read_db(
        sample_db,
        """SELECT p.name, r.source, c.checked_in_at FROM people p
        JOIN registrations r ON r.person_id = p.id
        JOIN checkins c ON c.person_id = p.id AND c.undone_at IS NULL
        WHERE p.name = 'ejaz AHMED'""",
    )
    assert walkins and walkins[0]["source"] == "walk_in"


async def select_option(pilot, app: ConvenerApp, selector: str, label: str) -> None:  # type: ignore[no-untyped-def]
    """Pick `label` in a Select with the keyboard: focus, open, type to search, Enter."""
    from textual.widgets import Select

    widget = app.screen.query_one(selector, Select)
    widget.focus()
    await pilot.press("enter")
    await pilot.press(*label)
    await pilot.press("enter")
    await pilot.pause()
    assert widget.selection is not None, f"{selector} not set to {label}"


async def test_walk_in_requires_fields(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app(start="checkin", event_ref=PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        await open_checkin(pilot, app)
        before = read_db(sample_db, "SELECT count(*) AS n FROM people")[0]["n"]
        await pilot.press("ctrl+n", *"Zarina Baloch", "ctrl+s")
        await pilot.pause()
        text = screen_text(app)
        assert "is required" in text
    assert read_db(sample_db, "SELECT count(*) AS n FROM people")[0]["n"] == before


async def test_live_counts_follow_check_ins(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app(start="checkin", event_ref=PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checkin(pilot, app)
        panel = str(screen.query_one(LivePanel).render())
        assert "0 checked in of 41 expected" in screen_text(app), panel
        for fragment in ("durrani", "vania", "shafqaat"):
            await pilot.press(*fragment, "enter")
            await pilot.pause()
        text = screen_text(app)
        assert "3 checked in of 41 expected" in text
        assert "Female" in text and "Male" in text
        assert "Vania Tahir" in text  # latest arrivals


MARKUP_NAMES = ["[bold]x[/bold]", "Ali [/] Khan", "[@click=app.quit]x[/]"]


async def test_markup_looking_names_are_literal(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    from convener.storage.attendees import add_attendee
    from convener.storage.db.connection import connect
    from convener.storage.events import get_event

    with connect(sample_db) as db:
        event = get_event(db, PRACTICE)
        for name in MARKUP_NAMES:
            add_attendee(db, event["id"], {"name": name, "organisation": "[red]Org[/red]"})
    app = make_app(start="checkin", event_ref=PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        await open_checkin(pilot, app)
        await pilot.press(*"[")
        await pilot.pause()
        text = screen_text(app)
        for name in MARKUP_NAMES:
            assert name in text
        assert "[red]Org[/red]" in text
        for _ in MARKUP_NAMES:
            await pilot.press("enter")
            await pilot.press(*"[")
            await pilot.pause()
        assert app.is_running  # [@click=app.quit] did not act
        text = screen_text(app)
        assert "[@click=app.quit]x[/]" in text
    rows = read_db(sample_db, "SELECT name FROM people WHERE name LIKE '%[%'")
    assert sorted(r["name"] for r in rows) == sorted(MARKUP_NAMES)


def checked_in_count(db_path: Path) -> int:
    rows = read_db(
        db_path,
        """SELECT count(*) AS n FROM checkins c JOIN events e ON e.id = c.event_id
        WHERE e.slug = ? AND c.undone_at IS NULL""",
        [PRACTICE],
    )
    return int(rows[0]["n"])


async def test_double_enter_checks_in_one_person(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    """As reported: `ghulam`, Enter, Enter 150 ms apart took the count up by two."""
    before = checked_in_count(sample_db)
    app = make_app(start="checkin", event_ref=PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        await open_checkin(pilot, app)
        await pilot.press(*"ghulam", "enter")
        await pilot.pause(0.15)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("Type a name first" in str(n.message) for n in app._notifications)
        assert "1 checked in of 41 expected" in screen_text(app)
    assert checked_in_count(sample_db) == before + 1
    assert len(active_checkins(sample_db, "Ghulam Rasool Notezai")) == 1


async def test_enter_after_moving_the_highlight_checks_in(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    """With nothing typed, an arrow key (or a click) is what makes the highlight a choice."""
    app = make_app(start="checkin", event_ref=PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checkin(pilot, app)
        await pilot.press("enter")
        await pilot.pause()
        assert checked_in_count(sample_db) == 0
        await pilot.press("down", "up")
        first = screen.results.highlighted
        assert first is not None
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert checked_in_count(sample_db) == 1
        second = screen.results.entries[2]
        await pilot.click("#results", offset=(5, 2))
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert len(active_checkins(sample_db, str(first.row["name"]))) == 1
    assert len(active_checkins(sample_db, str(second.row["name"]))) == 1
    assert checked_in_count(sample_db) == 2


async def test_an_arrival_takes_six_keys_or_fewer(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    """Every registered person of the sample is found by at most five letters, then Enter."""
    app = make_app(start="checkin", event_ref=PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checkin(pilot, app)
        names = sorted(str(e.row["name"]) for e in screen.index.entries)
        worst = 0
        for name in names:
            words = name.casefold().split()
            typed = next(
                (
                    w[i:j]
                    for w in words
                    for j in range(1, 6)
                    for i in range(0, 1)
                    if (hits := screen.index.search(w[i:j])) and hits[0].row["name"] == name
                ),
                None,
            )
            assert typed is not None, f"{name} not first for any fragment of five letters"
            worst = max(worst, len(typed) + 1)
        assert worst <= 6
        await pilot.press(*"durr", "enter")  # the same, through the keys
        await app.workers.wait_for_complete()
    assert len(active_checkins(sample_db, "Raheela Hameed Durrani")) == 1


FARZANAS = [
    {"name": "Farzana Rind", "organisation": "UNDP", "designation": "Gender Officer",
     "phone": "0300 1111222"},
    {"name": "Farzana Rind", "organisation": "Police", "designation": "Inspector",
     "phone": "0333 4444555"},
    {"name": "farzana  rind", "organisation": "Police", "designation": "Inspector",
     "phone": "0345 7777888", "protected": "yes"},
]  # fmt: skip


def add_people(db_path: Path, people: list[dict[str, str]]) -> None:
    from convener.storage.attendees import add_attendee
    from convener.storage.db.connection import connect
    from convener.storage.events import get_event

    with connect(db_path) as db:
        event = get_event(db, PRACTICE)
        for fields in people:
            add_attendee(db, event["id"], dict(fields))


async def test_namesakes_are_told_apart_on_the_door_screen(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    """Two Farzana Rind (and a protected third): organisation first, then the last phone
    digits, never a protected person's digits, in the list, the toast and latest arrivals."""
    add_people(sample_db, FARZANAS)
    app = make_app(start="checkin", event_ref=PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        await open_checkin(pilot, app)
        await pilot.press(*"farzana")
        await pilot.pause()
        text = screen_text(app)
        assert "Farzana Rind (UNDP)" in text
        assert "Farzana Rind (phone …555)" in text
        assert "888" not in text  # the protected namesake's phone stays off the screen
        await pilot.press(*" undp", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any(
            "✓ Farzana Rind (UNDP) checked in." in str(n.message) for n in app._notifications
        )
        panel = str(app.screen.query_one(LivePanel).render())
        assert "Farzana Rind (UNDP)" in screen_text(app), panel
        await pilot.press(*"farz 555", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Farzana Rind (phone …555)" in screen_text(app)
    assert len(active_checkins(sample_db, "Farzana Rind")) == 2


async def test_names_found_however_typed_at_the_door(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    """Spelling variants, Latin for Urdu script, Arabic keyboard letters: found and first."""
    add_people(sample_db, [{"name": "سعدیہ بلوچ", "organisation": "BRSP"}])
    app = make_app(start="checkin", event_ref=PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checkin(pilot, app)
        for typed, first in [
            ("bezenjo", "Sardar Alam Khan Bizenjo"),
            ("sadia", "سعدیہ بلوچ"),
            ("سعديه", "سعدیہ بلوچ"),  # ي and ه from an Arabic keyboard layout
        ]:
            await pilot.press(*typed)
            await pilot.pause()
            assert screen.results.highlighted is not None
            assert screen.results.highlighted.row["name"] == first, typed
            assert first in screen_text(app)
            await pilot.press("escape")  # clears the search
        await pilot.press(*"sadia", "enter")
        await app.workers.wait_for_complete()
    assert len(active_checkins(sample_db, "سعدیہ بلوچ")) == 1


async def test_walk_in_warns_about_a_spelling_variant(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    """Walk-in "Bezenjo" beside the registered "Bizenjo": one person, not a walk-in too."""
    app = make_app(start="checkin", event_ref=PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        await open_checkin(pilot, app)
        await pilot.press("ctrl+n", *"Sardar Alam Khan Bezenjo", "tab", *"BNP")
        await select_option(pilot, app, "#stakeholder_group", "Political")
        await select_option(pilot, app, "#gender", "Male")
        await pilot.press("ctrl+s")
        await pilot.pause()
        warning = app.screen.query_one("#duplicate")
        assert warning.display
        assert "Sardar Alam Khan Bizenjo" in str(warning.render())
    assert read_db(sample_db, "SELECT id FROM people WHERE name LIKE '%Bezenjo'") == []


def consent_of(db_path: Path, name: str) -> list[str]:
    rows = read_db(
        db_path,
        """SELECT r.consent FROM registrations r JOIN people p ON p.id = r.person_id
        JOIN events e ON e.id = r.event_id WHERE e.slug = ? AND p.name = ?""",
        [PRACTICE, name],
    )
    return [str(r["consent"]) for r in rows]


async def test_the_next_name_is_never_taken_for_a_consent_answer(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    """Check in Ghulam, type `nasreen` at once: Ghulam stays "not asked"; then ctrl+y for
    Nasreen records "yes" (asked at the door), and ctrl+n for the next records "no"."""
    add_people(
        sample_db,
        [
            {"name": "Ghulam Haider", "organisation": "Levies"},
            {"name": "Nasreen Akhtar", "organisation": "BRSP"},
            {"name": "Durkhanai Kakar", "organisation": "UNHCR"},
        ],
    )
    for name in ("Ghulam Haider", "Nasreen Akhtar", "Durkhanai Kakar"):
        assert consent_of(sample_db, name) == ["not_asked"]
    app = make_app(start="checkin", event_ref=PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checkin(pilot, app)
        await pilot.press(*"ghulam", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
        assert "May the public report name Ghulam Haider?" in text
        assert "ctrl+y yes" in text and "ctrl+n no" in text
        await pilot.press(*"nasreen")
        await pilot.pause()
        assert "May the public report name" not in screen_text(app)
        assert screen.query_one("#search").value == "nasreen"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "May the public report name Nasreen Akhtar?" in screen_text(app)
        await pilot.press("ctrl+y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "May the public report name" not in screen_text(app)
        await pilot.press(*"durk", "enter")
        await app.workers.wait_for_complete()
        await pilot.press("ctrl+n")  # answers "no"; opens no walk-in form
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, CheckinScreen)
    assert consent_of(sample_db, "Ghulam Haider") == ["not_asked"]
    assert consent_of(sample_db, "Nasreen Akhtar") == ["yes"]
    assert consent_of(sample_db, "Durkhanai Kakar") == ["no"]
    assert len(active_checkins(sample_db, "Ghulam Haider")) == 1
    basis = read_db(
        sample_db,
        """SELECT r.consent_basis, r.consent_source FROM registrations r
        JOIN people p ON p.id = r.person_id JOIN events e ON e.id = r.event_id
        WHERE e.slug = ? AND p.name = 'Nasreen Akhtar'""",
        [PRACTICE],
    )
    assert basis == [{"consent_basis": "door", "consent_source": "door"}]


async def test_protected_people_are_never_asked(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    add_people(sample_db, [{"name": "Zarghuna Survivor", "organisation": "", "protected": "yes"}])
    app = make_app(start="checkin", event_ref=PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        await open_checkin(pilot, app)
        await pilot.press(*"zargh", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "May the public report name" not in screen_text(app)
        await pilot.press("ctrl+y")
        await app.workers.wait_for_complete()
    assert consent_of(sample_db, "Zarghuna Survivor") == ["not_asked"]
    assert len(active_checkins(sample_db, "Zarghuna Survivor")) == 1


async def test_walk_in_is_capitalised_guessed_and_asked(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    """ "zia ul haq" from the FIA: shown and saved as "Zia ul Haq", group FIA guessed (and
    marked as a guess), then asked the consent question at the door."""
    app = make_app(start="checkin", event_ref=PRACTICE)
    async with app.run_test(size=SIZE) as pilot:
        await open_checkin(pilot, app)
        await pilot.press("f2", *"zia ul haq", "tab", *"Federal Investigation Agency")
        await pilot.pause()
        text = screen_text(app)
        assert "Saved as: Zia ul Haq" in text
        assert "Guessed from ‘federal investigation agency’" in text
        await select_option(pilot, app, "#gender", "Male")
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, CheckinScreen)
        assert "May the public report name Zia ul Haq?" in screen_text(app)
        await ready_for_keys(pilot)  # the walk-in form has just closed
        await pilot.press("ctrl+y")
        await app.workers.wait_for_complete()
    rows = read_db(
        sample_db,
        "SELECT stakeholder_group, group_guessed FROM people WHERE name = 'Zia ul Haq'",
    )
    assert rows == [{"stakeholder_group": "fia", "group_guessed": 1}]
    assert consent_of(sample_db, "Zia ul Haq") == ["yes"]
