"""The summary as it will be sent: previewed in the app, then exported to a folder.

The preview is the same Markdown the export writes (redacted: no contacts, nobody named
without consent), built on the database thread, except that what was scrubbed from typed
text is marked where it was ("[phone removed]", "[name withheld]") and counted above it.
Export asks for the folder (the default one prefilled); an unwritable folder is explained
and another can be typed straight away. An export with phone numbers and emails needs its
own key and a confirmation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from textual import on, widgets
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Input, Static

from convener.storage.errors import ConvenerError
from convener.storage.events import get_event
from convener.storage.paths import default_export_dir
from convener.storage.reports.export import FORMATS, export_event, file_stem
from convener.storage.reports.markdown import render_markdown
from convener.storage.reports.redaction import removed_text
from convener.storage.reports.summary import Summary, build_summary
from convener.tui.keyguard import key_guard
from convener.tui.messages import GoHome
from convener.tui.screens.base import ConvenerScreen
from convener.tui.screens.confirm import ConfirmScreen
from convener.tui.widgets.top_bar import TopBar

UNREDACTED_DETAIL = (
    "These files will hold attendees' phone numbers and email addresses, and the names of "
    "people who did not agree to be named (protected people stay hidden). Their names end in "
    "-UNREDACTED. Keep them off shared drives and e-mail; share the normal export instead."
)

PREVIEW_HINT = "Preview of the summary as exported: no contacts, names only with consent."


class SummaryScreen(ConvenerScreen):
    """Preview, export (e) and unredacted export (u) of one event's summary."""

    CSS_PATH = "summary.tcss"
    HELP_TITLE = "Summary"
    HELP_EXTRA = (
        ("↑ ↓ pgup pgdn", "Scroll the preview"),
        ("enter (folder box)", "Write the files to that folder"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "export(False)", "Export", id="summary-export"),
        Binding("u", "export(True)", "Export with contacts", id="summary-unredacted"),
        Binding("r", "reload", "Refresh", id="summary-refresh"),
        Binding("escape", "back", "Back", id="summary-back"),
    ]

    def __init__(self, event: dict[str, Any]) -> None:
        super().__init__()
        self.event = event
        self.unredacted = False
        self.written: list[Path] = []

    def compose(self) -> ComposeResult:
        yield TopBar()
        yield Static(
            Content(PREVIEW_HINT),
            classes="hint",
            id="summary-hint",
        )
        with VerticalScroll(id="summary-scroll"):
            yield widgets.Markdown(id="summary")
        with Vertical(id="export-bar"):
            yield Static(id="export-label")
            yield Input(id="export-dir")
            yield Static(id="export-result")
        yield Footer()

    async def on_mount(self) -> None:
        self.session.current_event = self.event
        self.query_one("#export-bar").display = False
        self.query_one("#summary-scroll").focus()
        await self.action_reload()

    async def action_reload(self) -> None:
        event_id = self.event["id"]

        def job(db: Any) -> tuple[dict[str, Any], Summary]:
            return get_event(db, event_id), build_summary(db, event_id, marks=True)

        try:
            self.event, summary = await self.session.db.read(job)
        except ConvenerError as exc:
            self.notify(f"No summary: {exc}", severity="error", markup=False)
            return
        self.session.current_event = self.event
        hint = " ".join((PREVIEW_HINT, removed_text(summary.removed))).strip()
        self.query_one("#summary-hint", Static).update(Content(hint))
        await self.query_one("#summary", widgets.Markdown).update(render_markdown(summary))

    def action_export(self, unredacted: bool) -> None:
        if not unredacted:
            self.open_export_bar(False)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.open_export_bar(True)

        self.app.push_screen(
            ConfirmScreen(
                "Export WITH contact details?", UNREDACTED_DETAIL, yes="Include", careful=True
            ),
            answered,
        )

    def open_export_bar(self, unredacted: bool) -> None:
        self.unredacted = unredacted
        what = "UNREDACTED export (with contacts)" if unredacted else "Export"
        self.query_one("#export-label", Static).update(
            Content(
                f"{what}: the files ({', '.join(FORMATS)}) go to this folder. "
                "Enter writes them; Esc cancels."
            )
        )
        self.query_one("#export-bar").set_class(unredacted, "-unredacted")
        folder = self.query_one("#export-dir", Input)
        if not folder.value:
            folder.value = str(default_export_dir(file_stem(self.event["slug"])))
        self.show_result(Content(""))
        self.query_one("#export-bar").display = True
        folder.focus()
        folder.cursor_position = len(folder.value)

    def show_result(self, content: Content, *, error: bool = False) -> None:
        result = self.query_one("#export-result", Static)
        result.update(content)
        result.set_class(error, "-error")

    @on(Input.Submitted, "#export-dir")
    def export_to(self, message: Input.Submitted) -> None:
        typed = message.value.strip()
        if not typed:
            self.show_result(Content("Type a folder to export to."), error=True)
            return
        self.show_result(Content("Exporting …"))
        self.run_worker(self.export(Path(typed).expanduser().absolute()), group="export")

    async def export(self, folder: Path) -> None:
        """In a worker (a long job: keys typed meanwhile run nothing, tui/keyguard.py)."""
        event_id, unredacted = self.event["id"], self.unredacted
        try:
            with key_guard(self.app).job():
                self.written = await self.session.db.read(
                    lambda db: export_event(
                        db, event_id, FORMATS, out_dir=folder, unredacted=unredacted
                    )
                )
        except ConvenerError as exc:
            self.show_result(Content(f"Not exported: {exc}"), error=True)
            self.query_one("#export-dir", Input).focus()
            return
        names = "\n".join(f"  {path.name}" for path in self.written)
        self.show_result(Content(f"Written {len(self.written)} files to {folder}:\n{names}"))
        self.notify(f"Exported {len(self.written)} files to {folder}", markup=False, timeout=8)
        self.query_one("#summary-scroll").focus()

    def action_back(self) -> None:
        bar = self.query_one("#export-bar")
        if self.focused is self.query_one("#export-dir", Input):
            bar.display = bool(self.written)
            self.query_one("#summary-scroll").focus()
            return
        # Home, not the notes screen underneath: keys typed next are meant for home.
        self.post_message(GoHome())
