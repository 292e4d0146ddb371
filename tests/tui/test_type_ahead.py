"""Type-ahead never runs actions: letters typed during an import are not shortcuts afterwards.

The attack: during a long import the coordinator kept typing; when the dialog closed, `s`
opened the summary, `u` asked for an UNREDACTED export and `y` accepted it. Keys are driven
with `pilot.press`; what counts is the screen that ends up shown and the files on disk.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.events import Key
from textual.widgets import Input
from textual.worker import WorkerCancelled

from convener.tui.app import ConvenerApp
from convener.tui.screens.checkin import CheckinScreen
from convener.tui.screens.confirm import CAREFUL, ConfirmScreen
from convener.tui.screens.home import HomeScreen
from convener.tui.screens.import_file import ImportScreen
from convener.tui.screens.summary import SummaryScreen
from tests.tui.conftest import SIZE, read_db, screen_text
from tests.tui.test_shell import wait_until

FIRST = ["Gul", "Zarghuna", "Palwasha", "Naseebullah", "Abdul Wali", "Rukhsana", "Shazia"]
LAST = ["Bano", "Kakar", "Mandokhel", "Bazai", "Achakzai", "Baloch", "Tareen"]


def big_attendee_list(path: Path, rows: int = 4000) -> Path:
    lines = ["Name,Designation,Organisation,Gender,Phone"]
    for n in range(rows):
        name = f"{FIRST[n % 7]} {LAST[n // 7 % 7]} {n}"
        lines.append(f"{name},Social Organiser,BRSP Pishin,Female,0300{n:07d}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


async def settle(pilot: Any, app: ConvenerApp) -> None:
    """Workers done and the screen drawn; no waiting for the key guard (that is the test)."""
    await pilot.pause()
    with contextlib.suppress(WorkerCancelled):
        await app.workers.wait_for_complete([w for w in app.workers if w.name != "_loader"])
    await pilot.pause()


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
    # Pilot waits between keys, longer on a busy machine: a wider window keeps this exact.
    app.key_guard.settle = 3.0
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("i")
        await wait_until(pilot, lambda: isinstance(app.screen, ImportScreen))
        path = app.screen.query_one("#path", Input)
        path.value = str(sheet)
        app.post_message(Key("enter", None))
        # A list into an event is previewed first; ctrl+s writes it (the long job).
        await wait_until(pilot, lambda: getattr(app.screen, "plan", None) is not None, seconds=60)
        await pilot.pause(max(0.0, app.key_guard.quiet_until - time.monotonic()) + 0.05)
        await pilot.press("ctrl+s")
        await wait_until(
            pilot, lambda: app.key_guard.jobs > 0 or isinstance(app.screen, HomeScreen)
        )
        # Typed while the import runs, delivered once it is over (the app was busy reading
        # the file): the order the attack used, s for summary, u for unredacted, y for yes.
        typed_during = [Key(k, k) for k in "suy"]
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen), seconds=60)
        for key in typed_during:
            app.post_message(key)
        await pilot.press("s", "u", "y")  # ...and typed as the dialog closes
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, HomeScreen), f"a shortcut ran: {app.screen!r}"
        assert app.key_guard.dropped >= 7
        # Once the coordinator has seen the home screen, its keys work again.
        await pilot.pause(max(0.0, app.key_guard.quiet_until - time.monotonic()) + 0.05)
        await pilot.press("s")
        await settle(pilot, app)
        assert isinstance(app.screen, SummaryScreen)
    assert files_under(exports) == []
    imported = read_db(
        sample_db, "SELECT count(*) AS n FROM people WHERE organisation = 'BRSP Pishin'"
    )
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
    app = make_app(start="checkin", event_ref="quetta-dialogue-practice")  # nobody in yet
    app.key_guard.settle = 3.0  # robust against a slow machine (Pilot waits between keys)
    async with app.run_test(size=SIZE) as pilot:
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
        await pilot.pause(max(0.0, app.key_guard.quiet_until - time.monotonic()) + 0.05)
        await pilot.press("enter")
        await settle(pilot, app)
        assert "✓" in screen_text(app)
        assert screen.query_one("#search", Input).value == ""
