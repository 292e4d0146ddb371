"""The import dialog's file picker: starts in Documents, hides dot-folders, lists importables."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from convener.tui.app import ConvenerApp
from convener.tui.screens.import_file import ImportScreen
from tests.tui.conftest import SIZE, screen_text
from tests.tui.test_shell import settle, wait_until


def lay_out_documents(home: Path) -> Path:
    documents = home / "Documents"
    (documents / "partner lists").mkdir(parents=True)
    (documents / ".cache-folder").mkdir()
    (documents / "attendees-quetta.csv").write_text("Name\nAli\n", encoding="utf-8")
    (documents / "event-gilgit.yaml").write_text("event: {}\n", encoding="utf-8")
    (documents / "roster.xlsx").write_bytes(b"PK")
    (documents / "minutes.pdf").write_bytes(b"%PDF")
    (documents / "photo.jpg").write_bytes(b"\xff\xd8")
    (documents / ".secret-list.csv").write_text("Name\n", encoding="utf-8")
    return documents


async def test_picker_opens_in_documents_and_shows_only_importable_files(
    make_app: Callable[..., ConvenerApp], private_home: Path
) -> None:
    documents = lay_out_documents(private_home)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("i")
        await wait_until(pilot, lambda: isinstance(app.screen, ImportScreen))
        await wait_until(pilot, lambda: "attendees-quetta.csv" in screen_text(app))
        shown = screen_text(app)
        assert str(documents) in shown or "Documents" in shown
        for visible in (
            "partner lists",
            "attendees-quetta.csv",
            "event-gilgit.yaml",
            "roster.xlsx",
        ):
            assert visible in shown, visible
        for hidden in (".cache-folder", ".secret-list.csv", "minutes.pdf", "photo.jpg"):
            assert hidden not in shown, hidden


async def test_picker_falls_back_to_home_without_documents(
    make_app: Callable[..., ConvenerApp], private_home: Path
) -> None:
    (private_home / "lists-at-home.csv").write_text("Name\nAli\n", encoding="utf-8")
    (private_home / ".config-like").mkdir()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("i")
        await wait_until(pilot, lambda: "lists-at-home.csv" in screen_text(app))
        assert ".config-like" not in screen_text(app)
