"""The summary preview and export: renders in the app, writes the files where asked, explains
an unwritable folder and lets another be typed, and asks before exporting contacts."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from convener.storage.db.connection import connect
from convener.tui.app import ConvenerApp
from convener.tui.screens import summary as summary_screen
from convener.tui.screens.confirm import ConfirmScreen
from convener.tui.screens.summary import SummaryScreen
from tests.tui.conftest import SIZE, ready_for_keys, screen_text

FULL = "quetta-dialogue"
FILES = [
    "quetta-dialogue-attendance.csv",
    "quetta-dialogue-attendance.xlsx",
    "quetta-dialogue-summary.docx",
    "quetta-dialogue-summary.md",
    "quetta-dialogue-summary.pdf",
    "quetta-dialogue.json",
]


async def written(pilot: Any, app: ConvenerApp) -> str:
    """Wait for the export worker, then return what the screen shows."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    return screen_text(app)


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
        text = await written(pilot, app)
        assert "Written 6 files" in text
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
        assert "Not exported: cannot write to" in await written(pilot, app)
        folder = screen.query_one("#export-dir")
        assert folder.has_focus  # type another straight away
        await ready_for_keys(pilot)  # Enter right after a long job ends is not taken
        await pilot.press("ctrl+u", *"ok", "enter")
        assert "Written 6 files" in await written(pilot, app)
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
        await ready_for_keys(pilot)
        await pilot.press("y")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "UNREDACTED" in screen_text(app)
        await ready_for_keys(pilot)
        await pilot.press("ctrl+u", *"private", "enter")
        await written(pilot, app)
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


async def test_three_levels_say_who_sees_what(
    make_app: Callable[..., ConvenerApp], sample_db: Path, tmp_path: Path
) -> None:
    app = make_app(start="summary", event_ref=FULL)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_summary(pilot, app)
        text = screen_text(app)
        assert "Public level" in text and "named only if they agreed" in text
        public = screen.query_one("#summary").source
        assert "Means of verification" not in public
        assert "Shazia Jamali" not in public  # did not consent to be named
        await pilot.press("2")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)  # verification is confirmed first
        assert "did not agree to be named in public" in screen_text(app)
        await ready_for_keys(pilot)
        await pilot.press("y")
        await open_summary(pilot, app)
        text = screen_text(app)
        assert "Verification level" in text and "donor's files" in text
        verification = screen.query_one("#summary").source
        assert "Means of verification, not for publication" in verification
        assert "Signature" in verification and "Shazia Jamali" in verification
        assert "03" not in verification.split("Annex 2")[1]  # no phone numbers
        assert "Gul Bano" not in verification  # protected, at every level
        await ready_for_keys(pilot)
        await pilot.press("e", "ctrl+u", *"ver", "enter")
        await written(pilot, app)
        await ready_for_keys(pilot)  # the export (a long job) has just ended
        await pilot.press("3")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await ready_for_keys(pilot)
        await pilot.press("y")
        await open_summary(pilot, app)
        assert "Full (internal) level" in screen_text(app)
        full = screen.query_one("#summary").source
        assert "Phone" in full and "Gul Bano" not in full
        await ready_for_keys(pilot)
        await pilot.press("1")
        await open_summary(pilot, app)
        assert screen.query_one("#summary").source == public  # no question for public
    names = sorted(p.name for p in (tmp_path / "ver").iterdir())
    stems = (n.rpartition(".") for n in FILES)
    assert names == sorted(f"{stem}-VERIFICATION.{ext}" for stem, _, ext in stems)


async def test_a_restricted_export_into_a_cloud_folder_asks_twice(
    make_app: Callable[..., ConvenerApp], sample_db: Path, tmp_path: Path
) -> None:
    app = make_app(start="summary", event_ref=FULL)
    async with app.run_test(size=SIZE) as pilot:
        await open_summary(pilot, app)
        await pilot.press("2")
        await pilot.pause()
        await ready_for_keys(pilot)
        await pilot.press("y")
        await open_summary(pilot, app)
        await ready_for_keys(pilot)  # the question has just closed
        await pilot.press("e", "ctrl+u", *"Dropbox/reports", "enter")
        await pilot.pause()
        assert "is inside Dropbox" in " ".join(screen_text(app).split())
        assert not (tmp_path / "Dropbox").exists()  # nothing written on the first Enter
        await ready_for_keys(pilot)
        await pilot.press("enter")
        await written(pilot, app)
    assert sorted((tmp_path / "Dropbox" / "reports").iterdir())


async def test_x_cancels_a_long_export_and_writes_nothing(
    make_app: Callable[..., ConvenerApp],
    sample_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A long PDF (here 400 slow pages) stops at x; no file lands; the next export works."""
    real = summary_screen.render_files

    def slow_render(summary: Any, formats: Any, progress: Any) -> Any:
        for page in range(400):
            progress(page, 400)
            time.sleep(0.02)
        return real(summary, formats, progress)

    monkeypatch.setattr(summary_screen, "render_files", slow_render)
    app = make_app(start="summary", event_ref=FULL)
    async with app.run_test(size=SIZE) as pilot:
        await open_summary(pilot, app)
        await pilot.press("e", "ctrl+u", *"out", "enter")
        await pilot.pause(0.3)
        assert "Writing" in screen_text(app)
        await pilot.press("x")
        text = await written(pilot, app)
        assert "Not exported: export cancelled; no file was written" in text
        assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
        monkeypatch.setattr(summary_screen, "render_files", real)
        await ready_for_keys(pilot)
        await pilot.press("e", "ctrl+u", *"out", "enter")
        assert "Written 6 files" in await written(pilot, app)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == FILES


async def test_a_report_without_conclusions_says_so_and_where_to_write_them(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    app = make_app(start="summary", event_ref=FULL)
    async with app.run_test(size=SIZE) as pilot:
        await open_summary(pilot, app)
        assert "No conclusions yet" not in screen_text(app)  # the sample has them
    with connect(sample_db) as db:
        db.execute("UPDATE events SET conclusions = NULL WHERE slug = ?", [FULL])
    app = make_app(start="summary", event_ref=FULL)
    async with app.run_test(size=SIZE) as pilot:
        await open_summary(pilot, app)
        text = screen_text(app)
        assert "No conclusions yet: the report leaves out" in text
        assert "Conclusions and way forward" not in app.screen.query_one("#summary").source
