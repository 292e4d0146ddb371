"""Merge bundles from other laptops at the event: type a file or a folder (a USB stick) and
the transfer code; what each bundle did is listed, and a refused one says why.

The merge runs on the database thread (convener.storage.sync), one transaction per bundle.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

# Merges one bundle with the typed code; returns the lines to show (a refusal: one line).
Merger = Callable[[Path, str], Awaitable[list[str]]]


class SyncImportScreen(ModalScreen[bool]):
    """Dismisses with True when anything was merged (the caller reloads its lists)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="sync-close"),
    ]
    HELP_TITLE = "Merge bundles from other laptops"

    def __init__(self, merger: Merger, find: Callable[[Path], list[Path]]) -> None:
        super().__init__()
        self.merger = merger
        self.find = find
        self.merged = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="wide"):
            yield Static(
                Content("Merge bundles from other laptops (convener sync export)"),
                classes="question",
            )
            yield Input(
                placeholder="a .cvsync file, or the folder (USB stick) holding them", id="path"
            )
            yield Input(
                placeholder="transfer code shown on the other laptop (none with a passphrase)",
                password=True,
                id="code",
            )
            yield Static(Content("Enter merges · Tab moves · Escape closes"), classes="detail")
            with VerticalScroll(id="sync-results"):
                yield Static(id="sync-text")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    @on(Input.Submitted)
    def submit(self) -> None:
        text = self.query_one("#path", Input).value.strip()
        if text:
            self.run_merge(Path(text).expanduser(), self.query_one("#code", Input).value)

    @work(exclusive=True, group="sync")
    async def run_merge(self, path: Path, code: str) -> None:
        shown = self.query_one("#sync-text", Static)
        bundles = self.find(path)
        if not bundles or not path.exists():
            shown.update(Content(f"{path}: no such file or folder of bundles"))
            return
        lines: list[str] = []
        for bundle in bundles:
            shown.update(Content("\n".join([*lines, f"Merging {bundle.name} …"])))
            result = await self.merger(bundle, code)
            self.merged |= len(result) > 1
            lines += result
        shown.update(Content("\n".join(lines)))

    def action_close(self) -> None:
        self.dismiss(self.merged)
