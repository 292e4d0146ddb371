"""Choose a file (type a path or pick it in the tree) and import it; errors stay on screen.

The import itself runs on the database thread; a bad file lists every problem with its
line and nothing is imported, so the user can fix the file and press Enter again. An
attendee list is previewed first (new people, changed fields old -> new, unchanged, not in
the file, conflicts, same-name questions) and written only after ctrl+s.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
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
from convener.storage.imports.merge import apply_import, preview_import
from convener.storage.imports.preview_text import preview_lines
from convener.storage.paths import documents_dir
from convener.tui.db import DatabaseGateway
from convener.tui.keyguard import key_guard

IMPORTABLE = frozenset(SHEET_SUFFIXES) | frozenset(YAML_SUFFIXES)

Importer = Callable[[Path], Awaitable[str]]


@dataclass
class Plan:
    """What importing a list would do, shown before anything is written, and how to do it.

    `apply(same)` writes it; `same` answers every same-name question with "the same person"
    (else each such row becomes a new person, with a warning).
    """

    lines: list[str]
    questions: int
    changes_anything: bool
    apply: Callable[[bool], Awaitable[str]]


# The preview of a file, or None for a file that is imported without one (a YAML event file).
Previewer = Callable[[Path], Awaitable[Plan | None]]


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
        Binding("ctrl+s", "apply(False)", "Import as shown", id="import-apply", priority=True),
        Binding(
            "ctrl+e", "apply(True)", "Same names: same people", id="import-same", priority=True
        ),
    ]
    HELP_TITLE = "Import a file"

    def __init__(
        self,
        importer: Importer,
        what: str,
        start_dir: Path | None = None,
        previewer: Previewer | None = None,
    ) -> None:
        super().__init__()
        self.importer = importer
        self.previewer = previewer
        self.what = what
        self.start_dir = start_dir or start_folder()
        self.plan: Plan | None = None  # a preview on screen, waiting for ctrl+s or Escape

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="wide"):
            yield Static(Text(self.what), classes="question")
            yield Input(placeholder="path to a .yaml, .csv or .xlsx file, then Enter", id="path")
            yield ImportableTree(self.start_dir, id="tree")
            yield Static(
                Text("Enter reads the file · ctrl+t browse · Escape cancels"), classes="detail"
            )
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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "apply":
            if self.plan is None:
                return False
            return self.plan.questions > 0 or parameters == (False,)
        return True

    @work(exclusive=True, group="import")
    async def run_import(self, path: Path) -> None:
        self.plan = None
        self.refresh_bindings()
        self.show_problems([f"Reading {path} …"])
        try:
            with key_guard(self.app).job():
                plan = await self.previewer(path) if self.previewer is not None else None
                if plan is not None:
                    self.show_plan(plan)
                    return
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

    def show_plan(self, plan: Plan) -> None:
        """The preview, and the keys that write it: nothing is written before ctrl+s."""
        self.plan = plan
        if not plan.changes_anything:
            keys = "Nothing would change. ctrl+s closes · Escape cancels"
        elif plan.questions:
            keys = (
                "Nothing is written yet. ctrl+s imports as shown (same-name rows become new"
                " people) · ctrl+e imports treating same-name rows as the same person ·"
                " Escape cancels"
            )
        else:
            keys = "Nothing is written yet. ctrl+s imports as shown · Escape cancels"
        self.query_one("#tree").display = False  # the room goes to the preview
        self.show_problems([keys, "", *plan.lines])
        self.query_one("#problems").add_class("-plan")
        self.refresh_bindings()

    @work(exclusive=True, group="import")
    async def action_apply(self, same: bool) -> None:
        plan = self.plan
        if plan is None:
            return
        self.plan = None
        self.refresh_bindings()
        self.show_problems(["Importing …"])
        try:
            summary = await plan.apply(same)
        except ConvenerError as exc:
            self.show_problems([f"Nothing was imported: {exc}"])
            return
        self.dismiss(summary)

    def show_problems(self, lines: list[str]) -> None:
        """Every problem, wrapped, each naming its line and field (file text is literal)."""
        self.query_one("#problems").display = True
        self.query_one("#problems").remove_class("-plan")
        self.query_one("#problem-text", Static).update(Content("\n".join(lines)))

    def action_focus_tree(self) -> None:
        self.query_one("#tree").display = True
        self.query_one("#tree", DirectoryTree).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)


async def list_plan(db: DatabaseGateway, path: Path, event_id: str) -> Plan | None:
    """The preview of an attendee list (.csv, .xlsx, ...) for `event_id`, read on the
    database thread; None for a YAML file, which is imported as before."""
    if path.suffix.lower() not in SHEET_SUFFIXES:
        return None
    preview = await db.read(lambda conn: preview_import(conn, path, event_id))

    async def apply(same: bool) -> str:
        answers = preview.answers(same=same)
        done = await db.write(lambda conn: apply_import(conn, preview, answers))
        return f"{done.event_title}: {done.counts_line()}"

    return Plan(preview_lines(preview), len(preview.questions), preview.changes_anything, apply)
