"""The app shell: home list, sample, import, delete, help, command palette, top bar."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from textual.widgets import DataTable, Input
from textual.worker import WorkerCancelled

from convener.tui.app import ConvenerApp
from convener.tui.screens.checkin import CheckinScreen
from convener.tui.screens.help import HelpScreen
from convener.tui.screens.home import HomeScreen
from convener.tui.screens.import_file import ImportScreen
from tests.tui.conftest import SIZE, read_db, ready_for_keys, screen_text

REPO = Path(__file__).resolve().parents[2]


async def settle(pilot, app: ConvenerApp) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    # An exclusive worker replaced by a newer one ends cancelled; that is fine here.
    # DirectoryTree keeps a loader worker alive for as long as it is shown.
    with contextlib.suppress(WorkerCancelled):
        await app.workers.wait_for_complete([w for w in app.workers if w.name != "_loader"])
    await pilot.pause()
    await ready_for_keys(pilot)


async def wait_until(pilot, check: Callable[[], bool], seconds: float = 10) -> None:  # type: ignore[no-untyped-def]
    """Poll the screen (the import dialog's file tree never lets the app go idle)."""
    for _ in range(int(seconds / 0.1)):
        if check():
            return
        await pilot.pause(0.1)
    assert check()


async def test_empty_home_offers_the_sample(
    make_app: Callable[..., ConvenerApp], db_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        assert "press l to load the sample event" in screen_text(app)
        await pilot.press("l")
        await settle(pilot, app)
        table = app.screen.query_one("#events", DataTable)
        assert table.row_count == 2
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, CheckinScreen)
        assert "Practice: Provincial Dialogue" in screen_text(app)  # top bar
    slugs = {r["slug"] for r in read_db(db_path, "SELECT slug FROM events")}
    assert slugs == {"quetta-dialogue", "quetta-dialogue-practice"}


async def test_import_yaml_from_home_and_errors_by_line(
    make_app: Callable[..., ConvenerApp], db_path: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    text = (REPO / "fixtures" / "quetta-dialogue.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace("gender: female", "gender: fmale", 1), encoding="utf-8")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("i")
        await wait_until(pilot, lambda: isinstance(app.screen, ImportScreen))
        app.screen.query_one("#path", Input).value = str(bad)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Nothing was imported" in screen_text(app))
        shown = screen_text(app)
        assert "Nothing was imported" in shown
        assert "gender: expected one of" in shown
        assert read_db(db_path, "SELECT count(*) AS n FROM events")[0]["n"] == 0
        await ready_for_keys(pilot)  # the problems were read before Enter is pressed again
        app.screen.query_one("#path", Input).value = str(REPO / "fixtures/quetta-dialogue.yaml")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
        await settle(pilot, app)
        assert app.screen.query_one("#events", DataTable).row_count == 1
    assert read_db(db_path, "SELECT count(*) AS n FROM people")[0]["n"] == 41


async def test_delete_needs_confirmation(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("d")
        await settle(pilot, app)
        await pilot.press("n")  # cancelled
        await settle(pilot, app)
        assert read_db(sample_db, "SELECT count(*) AS n FROM events")[0]["n"] == 2
        await pilot.press("d")
        await settle(pilot, app)  # a delete is answered only after a second (confirm.py)
        await pilot.press("y")
        await settle(pilot, app)
        assert app.screen.query_one("#events", DataTable).row_count == 1
    remaining = read_db(sample_db, "SELECT slug FROM events")
    assert [r["slug"] for r in remaining] == ["quetta-dialogue"]
    # The practice copy's people were registered nowhere else: they are gone too.
    assert read_db(sample_db, "SELECT count(*) AS n FROM people")[0]["n"] == 41


async def test_help_lists_the_screen_keys(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app(start="checkin", event_ref="quetta-dialogue-practice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = screen_text(app)
        for words in ("Walk-in", "Undo last", "Un-check", "Command palette"):
            assert words in shown
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CheckinScreen)


async def test_palette_lists_screen_actions(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app(start="checkin", event_ref="quetta-dialogue-practice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert {"Walk-in", "Undo last", "Un-check", "Help"} <= set(titles)
        assert any("theme" in t.lower() for t in titles)


async def test_top_bar_shows_frozen_clock_and_save(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app(start="checkin", event_ref="quetta-dialogue-practice")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        assert "10:20:00" in screen_text(app)  # the frozen clock, Quetta time
        await pilot.press(*"durrani", "enter")
        await settle(pilot, app)
        assert "saved 10:20:00" in screen_text(app)
