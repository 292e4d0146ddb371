"""The summary preview and export: renders in the app, writes the files where asked, explains
an unwritable folder and lets another be typed, and asks before exporting contacts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from convener.tui.app import ConvenerApp
from convener.tui.screens.confirm import ConfirmScreen
from convener.tui.screens.summary import SummaryScreen
from tests.tui.conftest import SIZE, ready_for_keys, screen_text

FULL = "quetta-dialogue"
FILES = [
    "quetta-dialogue-attendance.csv",
    "quetta-dialogue-summary.docx",
    "quetta-dialogue-summary.md",
    "quetta-dialogue.json",
]


async def open_summary(pilot: Any, app: ConvenerApp) -> SummaryScreen:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(app.screen, SummaryScreen)
    return app.screen


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Folders are typed relative to here: short to type, and resolved to full paths."""
    monkeypatch.chdir(tmp_path)


async def test_preview_renders_the_report(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app(start="summary", event_ref=FULL)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_summary(pilot, app)
        source = screen.query_one("#summary").source
        assert "Raheela Hameed Durrani" in source
        assert "Gul Bano" not in source  # protected, never named
        assert "Provincial Dialogue on Human Trafficking" in screen_text(app)
        await pilot.press("pagedown", "pagedown")
        assert screen.query_one("#summary-scroll").scroll_y > 0


async def test_export_to_a_folder(
    make_app: Callable[..., ConvenerApp], sample_db: Path, tmp_path: Path
) -> None:
    app = make_app(start="summary", event_ref=FULL)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_summary(pilot, app)
        await pilot.press("e")
        folder = screen.query_one("#export-dir")
        assert folder.has_focus
        assert folder.value.endswith("Convener/quetta-dialogue")  # the default, to confirm
        await pilot.press("ctrl+u", *"out", "enter")
        await pilot.pause()
        text = screen_text(app)
        assert "Written 4 files" in text
        assert f"to {tmp_path / 'out'}" in text
        assert "quetta-dialogue-summary.md" in text
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == FILES


async def test_unwritable_folder_then_another(
    make_app: Callable[..., ConvenerApp], sample_db: Path, tmp_path: Path
) -> None:
    (tmp_path / "f.txt").write_text("a file, not a folder")
    app = make_app(start="summary", event_ref=FULL)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_summary(pilot, app)
        await pilot.press("e", "ctrl+u", *"f.txt/sub", "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()  # the export runs in a worker
        await pilot.pause()
        assert "Not exported: cannot write to" in screen_text(app)
        folder = screen.query_one("#export-dir")
        assert folder.has_focus  # type another straight away
        await ready_for_keys(pilot)  # Enter right after a long job ends is not taken
        await pilot.press("ctrl+u", *"ok", "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Written 4 files" in screen_text(app)
    assert sorted(p.name for p in (tmp_path / "ok").iterdir()) == FILES


async def test_unredacted_export_is_asked_for(
    make_app: Callable[..., ConvenerApp], sample_db: Path, tmp_path: Path
) -> None:
    app = make_app(start="summary", event_ref=FULL)
    async with app.run_test(size=SIZE) as pilot:
        await open_summary(pilot, app)
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "phone numbers and email addresses" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert not app.screen.query_one("#export-bar").display  # nothing without a yes
        await ready_for_keys(pilot)
        await pilot.press("u")
        await pilot.pause()
        await ready_for_keys(pilot)  # "yes" counts once the question was shown a second
        await pilot.press("y")
        await pilot.pause()
        assert "UNREDACTED" in screen_text(app)
        await ready_for_keys(pilot)
        await pilot.press("ctrl+u", *"private", "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
    names = sorted(p.name for p in (tmp_path / "private").iterdir())
    assert names and all("UNREDACTED" in n for n in names)


async def test_from_home_with_s(make_app: Callable[..., ConvenerApp], sample_db: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("down", "s")  # the practice copy sorts first, then the full event
        screen = await open_summary(pilot, app)
        assert screen.event["slug"] == FULL
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SummaryScreen)
