"""Choose a file (type a path or pick it in the tree) and import it; errors stay on screen.

The import itself runs on the database thread; a bad file lists every problem with its
line and nothing is imported, so the user can fix the file and press Enter again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Input, Static

from convener.storage.errors import ConvenerError, ValidationError
from convener.storage.imports.dispatch import SHEET_SUFFIXES, YAML_SUFFIXES
from convener.storage.paths import documents_dir
from convener.tui.keyguard import key_guard

IMPORTABLE = frozenset(SHEET_SUFFIXES) | frozenset(YAML_SUFFIXES)

Importer = Callable[[Path], Awaitable[str]]


class ImportableTree(DirectoryTree):
    """Folders and the files Convener can import; no hidden (dot) files or folders."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            path
            for path in paths
            if not path.name.startswith(".")
            and (path.is_dir() or path.suffix.lower() in IMPORTABLE)
        ]


def start_folder() -> Path:
    """Where a coordinator keeps the lists partners send: Documents, else the home folder."""
    documents = documents_dir()
    return documents if documents.is_dir() else Path.home()


class ImportScreen(ModalScreen[str | None]):
    """Dismisses with the import's summary line, or None if cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="import-cancel"),
        Binding("ctrl+t", "focus_tree", "Browse files", id="import-browse"),
    ]
    HELP_TITLE = "Import a file"

    def __init__(self, importer: Importer, what: str, start_dir: Path | None = None) -> None:
        super().__init__()
        self.importer = importer
        self.what = what
        self.start_dir = start_dir or start_folder()

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="wide"):
            yield Static(Text(self.what), classes="question")
            yield Input(placeholder="path to a .yaml, .csv or .xlsx file, then Enter", id="path")
            yield ImportableTree(self.start_dir, id="tree")
            yield Static(Text("Enter imports · ctrl+t browse · Escape cancels"), classes="detail")
            with VerticalScroll(id="problems"):
                yield Static(id="problem-text")

    def on_mount(self) -> None:
        self.query_one("#problems").display = False
        self.query_one("#path", Input).focus()

    @on(DirectoryTree.FileSelected)
    def pick(self, event: DirectoryTree.FileSelected) -> None:
        path_input = self.query_one("#path", Input)
        path_input.value = str(event.path)
        path_input.focus()

    @on(Input.Submitted, "#path")
    def submit(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if text:
            self.run_import(Path(text).expanduser())

    @work(exclusive=True, group="import")
    async def run_import(self, path: Path) -> None:
        self.show_problems([f"Importing {path} …"])
        try:
            with key_guard(self.app).job():
                summary = await self.importer(path)
        except ValidationError as exc:
            self.show_problems(
                [
                    f"Nothing was imported from {exc.source}. Fix these and retry:",
                    *(f"• {p}" for p in exc.problems),
                ]
            )
            return
        except ConvenerError as exc:
            self.show_problems([f"Nothing was imported: {exc}"])
            return
        self.dismiss(summary)

    def show_problems(self, lines: list[str]) -> None:
        """Every problem, wrapped, each naming its line and field (file text is literal)."""
        self.query_one("#problems").display = True
        self.query_one("#problem-text", Static).update(Content("\n".join(lines)))

    def action_focus_tree(self) -> None:
        self.query_one("#tree", DirectoryTree).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
