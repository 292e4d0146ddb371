"""The summary as it will be sent: previewed in the app at a privacy level, then exported.

Three levels, each saying plainly who will see what: public (1, the default: named only
with consent), verification (2, the full participant list for the donor's files) and full
(3, contacts too). The last two are confirmed first, as they name people who did not agree
to be named in public. The preview is the same outline the export renders, except that what
was scrubbed from typed text is marked where it was ("[phone removed]", "[name withheld]")
and counted above it. Export asks for the folder (the default one prefilled); the files are
rendered in a thread worker with progress, and `x` cancels a long PDF without blocking the
screen.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import Any, ClassVar

from textual import on, widgets
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Input, ProgressBar, Static
from textual.worker import WorkerFailed

from convener.storage.errors import ConvenerError
from convener.storage.events import get_event
from convener.storage.paths import cloud_synced, default_export_dir
from convener.storage.reports.export import FORMATS, file_stem, render_files, write_files
from convener.storage.reports.levels import FULL, LEVELS, PUBLIC, Level
from convener.storage.reports.markdown import render_outline
from convener.storage.reports.redaction import removed_text
from convener.storage.reports.report_outline import report_outline
from convener.storage.reports.summary import Summary, build_summary
from convener.tui.keyguard import key_guard
from convener.tui.messages import GoHome
from convener.tui.screens.base import ConvenerScreen
from convener.tui.screens.confirm import ConfirmScreen
from convener.tui.widgets.top_bar import TopBar

CONFIRM_DETAIL = {
    "verification": (
        "These files will name every attendee in a participant list with a signature column, "
        "including people who did not agree to be named in public (protected people stay "
        "hidden). Their names end in -VERIFICATION and their first page says “not for "
        "publication”. Give them only to the donor's verification staff."
    ),
    "full": (
        "These files will hold attendees' phone numbers and email addresses, and the names of "
        "people who did not agree to be named (protected people stay hidden). Their names end in "
        "-UNREDACTED. Keep them off shared drives and e-mail; share the normal export instead."
    ),
}
CONFIRM_QUESTION = {
    "verification": "Show and export the verification list?",
    "full": "Export WITH contact details?",
}


class ExportCancelled(ConvenerError):
    """The person exporting pressed the cancel key."""


# Said at the end of a session, where the report would otherwise end without them.
NO_CONCLUSIONS = (
    "\nNo conclusions yet: the report leaves out “Conclusions and way forward”. "
    "Write them in setup (Esc, then e on the home screen)."
)


class SummaryScreen(ConvenerScreen):
    """Preview at a level (1 2 3), export (e), export with contacts (u), cancel (x)."""

    CSS_PATH = "summary.tcss"
    HELP_TITLE = "Summary"
    HELP_EXTRA = (
        ("↑ ↓ pgup pgdn", "Scroll the preview"),
        ("enter (folder box)", "Write the files to that folder"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "level('public')", "Public level", show=False, id="summary-level-public"),
        Binding(
            "2",
            "level('verification')",
            "Verification level",
            show=False,
            id="summary-level-verification",
        ),
        Binding("3", "level('full')", "Full level", show=False, id="summary-level-full"),
        Binding("e", "export", "Export", id="summary-export"),
        Binding("u", "export_full", "Export with contacts", id="summary-unredacted"),
        Binding("x", "cancel_export", "Cancel export", id="summary-cancel"),
        Binding("r", "reload", "Refresh", id="summary-refresh"),
        Binding("escape", "back", "Back", id="summary-back"),
    ]

    def __init__(self, event: dict[str, Any]) -> None:
        super().__init__()
        self.event = event
        self.level: Level = PUBLIC
        self.cloud_agreed: Path | None = None  # a cloud-synced folder confirmed once
        self.written: list[Path] = []
        self.cancel = threading.Event()
        self.exporting = False

    def compose(self) -> ComposeResult:
        yield TopBar()
        yield Static(id="summary-hint", classes="hint")
        with VerticalScroll(id="summary-scroll"):
            yield widgets.Markdown(id="summary")
        with Vertical(id="export-bar"):
            yield Static(id="export-label")
            yield Input(id="export-dir")
            yield ProgressBar(id="export-progress", show_eta=False)
            yield Static(id="export-result")
        yield Footer()

    async def on_mount(self) -> None:
        self.session.current_event = self.event
        self.query_one("#export-bar").display = False
        self.query_one("#export-progress").display = False
        self.query_one("#summary-scroll").focus()
        await self.action_reload()

    def show_level(self, removed: str = "") -> None:
        """Who will see this level's files, and what was scrubbed from typed text."""
        self.query_one("#summary-hint", Static).update(
            Content.assemble(
                (f"{self.level.label} level: ", "bold"),
                self.level.audience,
                (f" {removed}" if removed else "", ""),
                ("   1 public · 2 verification · 3 full", "dim"),
                (NO_CONCLUSIONS if not (self.event.get("conclusions") or "").strip() else "", ""),
            )
        )
        self.set_class(self.level.confirm, "-restricted")

    async def action_reload(self) -> None:
        event_id, level = self.event["id"], self.level

        def job(db: Any) -> tuple[dict[str, Any], Summary]:
            return get_event(db, event_id), build_summary(db, event_id, level=level, marks=True)

        self.show_level()
        try:
            self.event, summary = await self.session.db.read(job)
        except ConvenerError as exc:
            self.notify(f"No summary: {exc}", severity="error", markup=False)
            return
        self.session.current_event = self.event
        self.show_level(removed_text(summary.removed))
        text = render_outline(report_outline(summary))
        await self.query_one("#summary", widgets.Markdown).update(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel_export":
            return self.exporting
        if action in ("level", "export", "export_full"):
            return not self.exporting
        return True

    def action_level(self, code: str, then_export: bool = False) -> None:
        """Switch the preview (and the next export) to a level, confirming a restricted one."""
        level = LEVELS[code]

        async def switch(yes: bool | None = True) -> None:
            if not yes:
                return
            self.level = level
            self.query_one("#export-bar").display = False
            await self.action_reload()
            if then_export:
                self.open_export_bar()

        if not level.confirm or level == self.level:
            self.run_worker(switch())
            return

        self.app.push_screen(
            ConfirmScreen(
                CONFIRM_QUESTION[code], CONFIRM_DETAIL[code], yes="Include", careful=True
            ),
            switch,
        )

    def action_export(self) -> None:
        self.open_export_bar()

    def action_export_full(self) -> None:
        if self.level == FULL:
            self.open_export_bar()
        else:
            self.action_level("full", then_export=True)

    def open_export_bar(self) -> None:
        restricted = self.level.confirm
        what = f"{self.level.label} export" + (f" ({self.level.marker[1:]})" if restricted else "")
        self.query_one("#export-label", Static).update(
            Content(
                f"{what}: the files ({', '.join(FORMATS)}) go to this folder. "
                "Enter writes them; Esc cancels."
            )
        )
        self.query_one("#export-bar").set_class(restricted, "-unredacted")
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

    def show_progress(self, done: int, total: int) -> None:
        self.query_one("#export-progress", ProgressBar).update(total=total, progress=done)

    @on(Input.Submitted, "#export-dir")
    def export_to(self, message: Input.Submitted) -> None:
        typed = message.value.strip()
        if not typed:
            self.show_result(Content("Type a folder to export to."), error=True)
            return
        folder = Path(typed).expanduser().absolute()
        level = self.level
        cloud = cloud_synced(folder) if level.confirm else None
        if cloud and self.cloud_agreed != folder:
            self.cloud_agreed = folder
            self.show_result(
                Content(
                    f"{folder} is inside {cloud}, which copies what is written there off this "
                    f"laptop, and the {level.label.lower()} export names people. Enter again "
                    "writes it there anyway; or type a folder on this laptop or a USB stick."
                ),
                error=True,
            )
            return
        # In a worker: the screen keeps taking messages while the files are written.
        self.run_worker(self.export(folder, level, message.input), group="export-run")

    async def export(self, folder: Path, level: Level, box: Input) -> None:
        """Build at `level`, write in a thread with progress; x cancels (a long job)."""
        event_id = self.event["id"]
        try:
            summary = await self.session.db.read(
                lambda db: build_summary(db, event_id, level=level)
            )
        except ConvenerError as exc:
            self.show_result(Content(f"Not exported: {exc}"), error=True)
            return
        self.cancel.clear()
        self.exporting = True
        self.refresh_bindings()
        bar = self.query_one("#export-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self.show_result(Content("Writing… (x cancels)"))
        worker = self.run_worker(
            lambda: self.render_and_write(summary, folder),
            thread=True,
            group="export",
            exit_on_error=False,
        )
        self.query_one("#summary-scroll").focus()  # so x reaches the screen, not the box
        # A long job: keys typed meanwhile run nothing but x, the cancel (tui/keyguard.py).
        with key_guard(self.app).job(allow=frozenset({"x"})), contextlib.suppress(WorkerFailed):
            await worker.wait()  # its error, if any, is shown by finish_export
        self.exporting = False
        self.refresh_bindings()
        bar.display = False
        self.finish_export(worker.result, worker.error, folder, box)

    def render_and_write(self, summary: Any, folder: Path) -> list[Path]:
        """On a worker thread: render every file (PDF reports progress), then write them."""

        def progress(done: int, total: int) -> None:
            if self.cancel.is_set():
                raise ExportCancelled("export cancelled; no file was written")
            self.app.call_from_thread(self.show_progress, done, total)

        rendered = render_files(summary, FORMATS, progress)
        if self.cancel.is_set():
            raise ExportCancelled("export cancelled; no file was written")
        return write_files(summary.facts.slug, rendered, folder)

    def finish_export(
        self, written: list[Path] | None, error: BaseException | None, folder: Path, box: Input
    ) -> None:
        if error is not None or written is None:
            reason = str(error) if isinstance(error, ConvenerError) else f"failed: {error}"
            self.show_result(Content(f"Not exported: {reason}"), error=True)
            box.focus()
            return
        self.written = written
        names = "\n".join(f"  {path.name}" for path in written)
        self.show_result(Content(f"Written {len(written)} files to {folder}:\n{names}"))
        self.notify(f"Exported {len(written)} files to {folder}", markup=False, timeout=8)
        self.query_one("#summary-scroll").focus()

    def action_cancel_export(self) -> None:
        self.cancel.set()
        self.show_result(Content("Cancelling…"))

    def action_back(self) -> None:
        bar = self.query_one("#export-bar")
        if self.focused is self.query_one("#export-dir", Input):
            bar.display = bool(self.written)
            self.query_one("#summary-scroll").focus()
            return
        # Home, not the notes screen underneath: keys typed next are meant for home.
        self.post_message(GoHome())
