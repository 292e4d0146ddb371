"""Home: the events in this database, and the ways in (new, open, import, sample, delete)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Static

from convener.storage.db.raw import passphrase_from_env
from convener.storage.errors import ConvenerError, SyncRefusedError
from convener.storage.events import delete_event, list_events
from convener.storage.imports.dispatch import import_file
from convener.storage.imports.sample import ensure_sample
from convener.storage.sync.bundle import bundles_in, import_bundle
from convener.tui.messages import OpenEventScreen
from convener.tui.screens.base import ConvenerScreen, in_background, later
from convener.tui.screens.confirm import ConfirmScreen
from convener.tui.screens.import_file import ImportScreen, Plan, list_plan
from convener.tui.screens.setup import SetupScreen
from convener.tui.screens.sync_import import SyncImportScreen
from convener.tui.widgets.result_list import cut_words
from convener.tui.widgets.top_bar import TopBar

WARM_UP_AFTER = 0.4  # seconds after the events are shown

EMPTY_HINT = "No events yet: press l to load the sample event, n to create one, i to import one."


FIXED_COLUMNS = (("Date", 10), ("Status", 7), ("Checked in", 10))


def column_widths(total: int) -> list[tuple[str, int]]:
    """(label, width) per column for a terminal `total` cells wide.

    Each column also takes 2 cells of padding, and 2 are kept for the scrollbar.
    """
    fixed = sum(w for _, w in FIXED_COLUMNS)
    room = max(total - 2 * (len(FIXED_COLUMNS) + 2) - fixed - 2, 24)
    title = max(16, room * 3 // 5)
    place = max(8, room - title)
    (date, date_w), (status, status_w), (checked, checked_w) = FIXED_COLUMNS
    return [
        ("Event", title),
        (date, date_w),
        ("Place", place),
        (status, status_w),
        (checked, checked_w),
    ]


def place_text(venue: str | None, city: str | None, width: int) -> str:
    """`Venue, City` in `width` cells; where it does not fit the city stays whole (which
    city is what tells two dialogues apart) and the venue is cut at a word."""
    full = ", ".join(p for p in (venue, city) if p)
    if len(full) <= width or not (venue and city):
        return cut_words(full, width)
    room = width - len(city) - 2
    return f"{cut_words(venue, room)}, {city}" if room >= 6 else cut_words(city, width)


class HomeScreen(ConvenerScreen):
    """Lists events; Enter opens the highlighted one at the door (check-in)."""

    HELP_TITLE = "Home"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open('checkin')", "Check-in", id="home-checkin", priority=True),
        Binding("t", "open('notes')", "Notes", id="home-notes"),
        Binding("e", "open('setup')", "Edit", id="home-setup"),
        Binding("s", "open('summary')", "Summary", id="home-summary"),
        Binding("n", "new_event", "New", id="home-new"),
        Binding("i", "import_file", "Import", id="home-import"),
        Binding("l", "load_sample", "Sample", id="home-sample"),
        Binding("y", "sync_import", "Sync", show=False, id="home-sync"),
        Binding("d", "delete_event", "Delete", show=False, id="home-delete"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.events: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield TopBar()
        yield Static(id="home-hint", classes="hint")
        yield DataTable(id="events", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.set_columns(self.size.width or 120)
        self.reload()

    def set_columns(self, width: int) -> None:
        """Every column fits the terminal: title and place share what the others leave."""
        table = self.query_one("#events", DataTable)
        widths = column_widths(width)
        if [c.width for c in table.columns.values()] == [w for _, w in widths]:
            return
        table.clear(columns=True)
        for label, column_width in widths:
            table.add_column(label, width=column_width)

    def on_resize(self, event: events.Resize) -> None:
        if self.is_mounted and self.query("#events"):
            before = [c.width for c in self.query_one("#events", DataTable).columns.values()]
            self.set_columns(self.size.width)
            after = [c.width for c in self.query_one("#events", DataTable).columns.values()]
            if before != after:
                self.reload()

    def on_database_changed(self) -> None:
        """Another program wrote (an import beside the app): list the events again, unless
        a reload is already reading them."""
        if not any(w.group == "home-reload" and w.is_running for w in self.workers):
            self.reload()

    def on_screen_resume(self) -> None:
        self.session.current_event = None
        self.reload()

    @work(exclusive=True, group="home-reload")
    async def reload(self, select_slug: str | None = None) -> None:
        self.events = await self.session.db.read_plain(list_events)
        tables = self.query("#events").results(DataTable)
        table = next(tables, None)
        if table is None:  # the screen went away while the list was read (the app quit)
            return
        current = self.highlighted()
        table.clear()
        widths = [c.width for c in table.columns.values()]
        for e in self.events:
            table.add_row(
                Text(cut_words(e["title"], widths[0])),
                Text(e["date"] or ""),
                Text(place_text(e["venue"], e["city"], widths[2])),
                Text(e["status"]),
                Text(f"{e['checked_in']} / {e['expected']}"),
                key=e["id"],
            )
        wanted = select_slug or (current["slug"] if current else None)
        for row, e in enumerate(self.events):
            if e["slug"] == wanted:
                table.move_cursor(row=row)
        self.query_one("#home-hint", Static).update(
            Text(
                EMPTY_HINT
                if not self.events
                else "Enter: check-in · t: notes · e: edit · s: summary · n: new · i: import"
            )
        )
        table.focus()
        # Load sqlite-utils on the database thread once this frame is on the terminal: at
        # once, it would compete with Textual's output thread and delay the frame itself.
        self.set_timer(WARM_UP_AFTER, self.session.db.warm_up)

    def highlighted(self) -> dict[str, Any] | None:
        table = self.query_one("#events", DataTable)
        if not self.events or table.cursor_row is None:
            return None
        return self.events[min(table.cursor_row, len(self.events) - 1)]

    async def action_open(self, where: str) -> None:
        event = self.highlighted()
        if event is None:
            self.notify("No event yet: press l for the sample or n for a new one.")
            return
        self.post_message(OpenEventScreen(event, where))

    async def action_new_event(self) -> None:
        await self.app.push_screen(SetupScreen(None))

    def action_load_sample(self) -> None:
        in_background(self, self.load_sample())

    async def load_sample(self) -> None:
        try:
            slug = await self.session.db.write(ensure_sample)
        except ConvenerError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.notify(
            "Sample loaded: the Quetta dialogue as it happened, and a practice copy "
            "with nobody checked in yet."
        )
        self.reload(select_slug=slug)

    def action_import_file(self) -> None:
        target = self.highlighted()
        what = "Import a YAML event file"
        if target:
            what += f", or an attendee list (.csv/.xlsx/.yaml) into “{target['title']}”"

        async def importer(path: Path) -> str:
            ref = target["id"] if target else None
            report = await self.session.db.write(lambda db: import_file(db, path, ref))
            return f"{report.event_title}: {report.summary()}"

        async def previewer(path: Path) -> Plan | None:
            if target is None:
                return None
            return await list_plan(self.session.db, path, target["id"])

        def done(summary: str | None) -> None:
            if summary:
                self.notify(summary, title="Imported", markup=False, timeout=8)
                self.reload()

        self.app.push_screen(ImportScreen(importer, what, previewer=previewer), done)

    def action_sync_import(self) -> None:
        """Merge other laptops' bundles of an event (docs/sync.md)."""

        async def merger(path: Path, code: str) -> list[str]:
            try:
                header, report = await self.session.db.write(
                    lambda db: import_bundle(db, path, code or passphrase_from_env() or "")
                )
            except SyncRefusedError as exc:
                return [str(exc)]
            return [f"{path.name}: merged into {header['event_slug']}", *report.lines()]

        def done(merged: bool | None) -> None:
            if merged:
                self.reload()

        self.app.push_screen(SyncImportScreen(merger, bundles_in), done)

    def action_delete_event(self) -> None:
        event = self.highlighted()
        if event is None:
            return
        question = f"Delete “{event['title']}” and everything recorded at it?"
        detail = (
            f"{event['expected']} registrations, check-ins, notes and action items go. "
            "Back up first if you may need them (older backups still hold them)."
        )

        async def answer(confirmed: bool | None) -> None:
            if not confirmed:
                return

            await self.session.db.write(lambda db: delete_event(db, event["id"]))
            self.notify("Event deleted.")
            self.reload()

        self.app.push_screen(
            ConfirmScreen(question, detail, yes="Delete", careful=True), later(self, answer)
        )
