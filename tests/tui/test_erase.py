"""Erasing an attendee and purging a note, driven by keys; checked on the database's bytes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import DataTable

from convener.storage.db.backup import backup_to
from convener.storage.db.connection import connect
from convener.storage.paths import default_backup_path
from convener.tui.app import ConvenerApp
from convener.tui.screens.confirm import ConfirmScreen
from tests.tui.conftest import SIZE, read_db, ready_for_keys, screen_text
from tests.tui.test_notes import FULL, start_notes
from tests.tui.test_setup import open_setup, settle, table_names


def held_by_file(db_path: Path, text: str) -> bool:
    data = b"".join(  # the database, its WAL and lock files (not the windows' mark folder)
        p.read_bytes()
        for p in db_path.parent.iterdir()
        if p.name.startswith(db_path.name) and p.is_file()
    )
    return any(text.encode(codec) in data for codec in ("utf-8", "utf-16-le", "utf-16-be"))


async def erase_highlighted(pilot: object, app: ConvenerApp, name: str) -> None:
    table = app.screen.query_one("#attendees", DataTable)
    table.move_cursor(row=table_names(app).index(name))
    await pilot.press("x")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    assert isinstance(app.screen, ConfirmScreen)
    assert f"Erase {name} from this event" in screen_text(app)


async def test_erase_a_checked_in_attendee_from_every_event(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    with connect(sample_db) as db:
        backup = backup_to(db, default_backup_path(sample_db))
    assert held_by_file(sample_db, "Gul Bano")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_setup(pilot, FULL)
        await pilot.press("f4")
        await settle(pilot)
        await erase_highlighted(pilot, app, "Gul Bano")
        await ready_for_keys(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)  # one confirmation further
        assert "Also erase Gul Bano from the 1 other event" in screen_text(app)
        await ready_for_keys(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "Gul Bano" not in table_names(app)
        shown = [str(n.message) for n in app._notifications]
        assert any("Gul Bano was erased" in m and str(backup) in m for m in shown)
    assert not held_by_file(sample_db, "Gul Bano")
    assert read_db(sample_db, "SELECT count(*) AS n FROM people WHERE name = 'Gul Bano'") == [
        {"n": 0}
    ]


async def test_erase_from_this_event_only_when_the_second_answer_is_no(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_setup(pilot, FULL)
        await pilot.press("f4")
        await settle(pilot)
        await erase_highlighted(pilot, app, "Gul Bano")
        await ready_for_keys(pilot)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert "Gul Bano" not in table_names(app)
    rows = read_db(
        sample_db,
        "SELECT e.slug FROM registrations r JOIN people p ON p.id = r.person_id"
        " JOIN events e ON e.id = r.event_id WHERE p.name = 'Gul Bano'",
    )
    assert rows == [{"slug": f"{FULL}-practice"}]


async def test_purge_is_one_step_after_delete(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app(start="notes", event_ref=FULL)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_notes(pilot, app)
        await pilot.press("shift+f8")  # nothing deleted yet: purge explains itself
        await settle(pilot)
        assert any("Delete a note first" in str(n.message) for n in app._notifications)
        await pilot.press("tab", "up")
        note = screen.timeline.highlighted_note
        assert note is not None
        text = note["text"]
        await pilot.press("f8")
        await pilot.pause()
        await ready_for_keys(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert held_by_file(sample_db, text)  # a delete only hides it
        await pilot.press("shift+f8")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await ready_for_keys(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert any("Note purged" in str(n.message) for n in app._notifications)
        assert not held_by_file(sample_db, text)
        await pilot.press("ctrl+z")  # nothing left to restore
        await settle(pilot)
    assert read_db(sample_db, "SELECT count(*) AS n FROM notes WHERE id = ?", [note["id"]]) == [
        {"n": 0}
    ]


async def test_help_names_the_sqlite_in_use(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    from convener.storage.db.driver import sqlite_version

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        table = app.screen.query_one("#keys", DataTable)
        table.move_cursor(row=table.row_count - 1)
        await settle(pilot)
        shown = screen_text(app)
    assert f"SQLite {sqlite_version()} (sqlcipher3 0.6" in shown
    assert "waits 0.5 s, then retries for 2 minutes" in shown
