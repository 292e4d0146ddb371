"""Type-ahead never runs actions: letters typed during an import are not shortcuts afterwards.

The attack: during a long import the coordinator kept typing; when the dialog closed, `s`
opened the summary, `u` asked for an UNREDACTED export and `y` accepted it. Keys are driven
with `pilot.press`; what counts is the screen that ends up shown and the files on disk.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input

from convener.tui.app import ConvenerApp
from convener.tui.keyguard import SETTLE
from convener.tui.screens.checkin import CheckinScreen
from convener.tui.screens.confirm import CAREFUL, ConfirmScreen
from convener.tui.screens.home import HomeScreen
from convener.tui.screens.import_file import ImportScreen
from tests.tui.conftest import SIZE, read_db, screen_text
from tests.tui.test_shell import settle, wait_until

FIRST = ["Gul", "Zarghuna", "Palwasha", "Naseebullah", "Abdul Wali", "Rukhsana", "Shazia"]
LAST = ["Bano", "Kakar", "Mandokhel", "Bazai", "Achakzai", "Baloch", "Tareen"]


def big_attendee_list(path: Path, rows: int = 4000) -> Path:
    lines = ["Name,Designation,Organisation,Gender,Phone"]
    for n in range(rows):
        name = f"{FIRST[n % 7]} {LAST[n // 7 % 7]} {n}"
        lines.append(f"{name},Social Organiser,BRSP Pishin,Female,0300{n:07d}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


async def test_keys_typed_as_an_import_ends_run_no_shortcut(
    make_app: Callable[..., ConvenerApp],
    sample_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    exports = tmp_path / "home"  # the default export folder lives under the user's home
    monkeypatch.setenv("HOME", str(exports))
    sheet = big_attendee_list(tmp_path / "district-list.csv")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("i")
        await wait_until(pilot, lambda: isinstance(app.screen, ImportScreen))
        await pilot.press(*str(sheet), "enter")
        await pilot.press("s", "u", "y")  # typed while the import runs
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen), seconds=60)
        await pilot.press("s", "u", "y")  # ...and as the dialog closes
        await pilot.press("enter")
        await pilot.pause(0.2)
        await settle(pilot, app)
        assert isinstance(app.screen, HomeScreen), f"a shortcut ran: {app.screen!r}"
        assert app.key_guard.dropped >= 4
        # Once the coordinator has seen the home screen, its keys work again.
        await pilot.pause(SETTLE)
        await pilot.press("s")
        await settle(pilot, app)
        assert "Summary" in type(app.screen).__name__
    assert files_under(exports) == []
    imported = read_db(sample_db, "SELECT count(*) AS n FROM people WHERE phone LIKE '0300%'")
    assert imported[0]["n"] == 4000


async def test_delete_needs_the_question_shown_a_full_second(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        before = read_db(sample_db, "SELECT count(*) AS n FROM events")[0]["n"]
        await pilot.press("d")
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")  # out of habit, before reading
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmScreen)
        assert read_db(sample_db, "SELECT count(*) AS n FROM events")[0]["n"] == before
        await asyncio.sleep(CAREFUL)
        await pilot.press("y")
        await settle(pilot, app)
        assert isinstance(app.screen, HomeScreen)
        await pilot.pause(0.2)
        await settle(pilot, app)
    assert read_db(sample_db, "SELECT count(*) AS n FROM events")[0]["n"] == before - 1


async def test_text_typed_after_a_dialog_is_kept_but_enter_waits(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        table = app.screen.query_one("#events", DataTable)
        table.move_cursor(row=1)  # the practice copy: nobody checked in yet
        await pilot.press("enter")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, CheckinScreen)
        await pilot.press("ctrl+n")  # the walk-in form, then straight back out
        await settle(pilot, app)
        await pilot.press("escape")
        await pilot.press(*"ayes", "enter")  # Enter within half a second of the dialog
        await settle(pilot, app)
        assert screen.query_one("#search", Input).value == "ayes"  # the letters are kept
        assert "✓" not in screen_text(app)
        await pilot.pause(SETTLE)
        await pilot.press("enter")
        await settle(pilot, app)
        assert "✓" in screen_text(app)
        assert screen.query_one("#search", Input).value == ""
