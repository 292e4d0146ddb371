"""Event setup: create or edit an event, its agenda and its expected attendees.

There is no Save button to forget. A field is saved half a second after typing stops, when
focus leaves it, on a tab switch, on Escape and on quit; a new event is created the moment
its title and date are valid. A value that breaks a rule stays in its field with the error
under it while the database keeps the last good value, so nothing typed is silently lost.
The screen owns the key bindings; `AgendaPane` (below) and `AttendeePane` (setup_attendee)
do the work of their tabs and save each change as it is made.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on, widgets
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.timer import Timer
from textual.widgets import Footer, Input, Select

from convener.storage.errors import ConvenerError
from convener.storage.events import create_event, update_event
from convener.storage.records import validate_event
from convener.storage.reports.signin_sheet import export_sheet
from convener.tui.screens.base import ConvenerScreen
from convener.tui.screens.setup_agenda import AgendaPane
from convener.tui.screens.setup_attendee import AttendeePane
from convener.tui.widgets.form import Field, errors_by_field
from convener.tui.widgets.top_bar import TopBar

if TYPE_CHECKING:
    from sqlite_utils import Database

    pass

# Rows of the form in reading (and Tab) order; `:2` makes a field twice as wide.
ROWS = (
    "title:2 date",
    "start_time end_time kind",
    "theme:2 language",
    "venue city district",
    "province country host",
    "organisers:2 rapporteur",
    "end_date funder project",
    "prepared_by:2",
)
# Longer text for the report, each in its own box.
AREAS = ("objectives", "background", "conclusions")
LABELS = {
    "title": "Title *",
    "date": "Date *",
    "start_time": "Starts",
    "end_time": "Ends",
    "host": "Host / moderator",
    "organisers": "Organisers (separate with ;)",
    "end_date": "Last day (if several)",
    "funder": "Funded by",
    "prepared_by": "Report prepared by",
    "background": "Background (for the report)",
    "conclusions": "Conclusions and way forward",
}
HINTS = {
    "title": "Provincial dialogue on …",
    "date": "YYYY-MM-DD",
    "start_time": "HH:MM",
    "end_time": "HH:MM",
    "kind": "dialogue, consultation, workshop",
    "language": "Urdu, English",
    "organisers": "SSDO; Embassy of Denmark; IOM",
    "end_date": "YYYY-MM-DD",
    "funder": "Embassy of Denmark",
    "prepared_by": "Name, Designation",
}
INPUTS = tuple(spec.split(":")[0] for row in ROWS for spec in row.split())
ATTRIBUTION = [("Named", "named"), ("Chatham House Rule", "chatham_house")]
PAPER = [("As usual in the country", ""), ("A4", "A4"), ("US Letter", "Letter")]
HELD_BACK = {
    "start_time": "not saved yet: the end time must be after it",
    "end_time": "not saved yet: it must be after the start time",
}


def form_text(event: dict[str, Any] | None) -> dict[str, str]:
    """The event as the text its fields show."""
    e = event or {}
    out = {name: str(e.get(name) or "") for name in INPUTS}
    out["organisers"] = "; ".join(e.get("organisers") or [])
    for area in AREAS:
        out[area] = e.get(area) or ""
    out["attribution_default"] = e.get("attribution_default") or "named"
    out["paper"] = e.get("paper") or ""
    return out


def savable(
    values: dict[str, str], stored: dict[str, Any]
) -> tuple[dict[str, str], dict[str, str]]:
    """The typed values that can be saved over `stored`, and an error for each of the rest."""
    errors = {
        k: v.replace("start_time", "the start time")
        for k, v in errors_by_field(validate_event(values)[1]).items()
    }
    keep = {k: v for k, v in values.items() if k not in errors}
    while stored:
        # A valid start time can still clash with the saved end time (or the reverse).
        problems = errors_by_field(validate_event({**stored, **keep})[1])
        culprits = [k for k in problems if k in keep] or [k for k in HELD_BACK if k in keep]
        if not problems or not culprits:
            break
        for k in culprits:
            keep.pop(k)
            errors.setdefault(k, HELD_BACK.get(k, problems.get(k, "not saved")))
    return keep, errors


# What a, e and d do on the agenda tab and on the attendees tab.
TAB_VERBS = {
    "add": ("add_item", "add_attendee"),
    "edit": ("edit_item", "edit_attendee"),
    "remove": ("remove_item", "remove_attendee"),
}


class SetupScreen(ConvenerScreen):
    """Edit `event`, or create one (event None) as soon as it has a title and a date."""

    HELP_TITLE = "Event setup"
    HELP_EXTRA = (
        ("enter", "Agenda box: add or save the item; lists: edit the row"),
        ("(no key)", "Every field saves itself: after a pause, on Tab, on Escape"),
    )
    CSS_PATH = "setup.tcss"
    AUTO_FOCUS = "#title"
    BINDINGS: ClassVar[list[BindingType]] = [
        # The tab labels show F2-F4, so the footer keeps its room for the tab's own keys.
        Binding("f2", "show_tab('event')", "Event tab", id="setup-tab-event", show=False),
        Binding("f3", "show_tab('agenda')", "Agenda tab", id="setup-tab-agenda", show=False),
        Binding(
            "f4", "show_tab('attendees')", "Attendees tab", id="setup-tab-attendees", show=False
        ),
        Binding("ctrl+up,alt+up", "agenda('move_up')", "Move up", id="setup-agenda-up"),
        Binding("ctrl+down,alt+down", "agenda('move_down')", "Move down", id="setup-agenda-down"),
        # One binding per key: a, e and d act on the list of the tab that is showing.
        Binding("a", "tab_verb('add')", "Add", id="setup-add"),
        Binding("e", "tab_verb('edit')", "Edit", id="setup-edit"),
        Binding("d,delete", "tab_verb('remove')", "Remove", id="setup-remove"),
        Binding("ctrl+z", "agenda('undo_remove')", "Undo remove", id="setup-agenda-undo"),
        Binding("i", "attendee('import_list')", "Import list", id="setup-attendee-import"),
        Binding("space", "attendee('toggle_selected')", "Select", id="setup-attendee-select"),
        Binding("ctrl+a", "attendee('select_all')", "All", id="setup-attendee-all", show=False),
        Binding("b", "attendee('bulk_edit')", "Set for selected", id="setup-attendee-bulk"),
        Binding("x", "attendee('erase_attendee')", "Erase person", id="setup-attendee-erase"),
        Binding("p", "sign_in_sheet", "Sign-in sheet", id="setup-sheet"),
        Binding("escape", "back", "Back", id="setup-back"),
    ]
    FOOTER_NARROW_HIDDEN = frozenset(
        {"setup-attendee-select", "setup-attendee-bulk", "setup-sheet"}
    )

    def __init__(self, event: dict[str, Any] | None) -> None:
        super().__init__()
        self.event = event
        self.last_values = form_text(event)
        self.errors: dict[str, str] = {}
        self.save_timer: Timer | None = None
        self.save_lock = asyncio.Lock()
        self.warned_leaving = False

    def compose(self) -> ComposeResult:
        values = self.last_values
        yield TopBar()
        with widgets.TabbedContent(id="setup-tabs", initial="tab-event"):
            with widgets.TabPane("F2 Event", id="tab-event"), VerticalScroll(id="event-form"):
                for row in ROWS:
                    with Horizontal(classes="row"):
                        for spec in row.split():
                            name = spec.split(":")[0]
                            label = LABELS.get(name, name.capitalize())
                            box = Input(
                                values[name],
                                placeholder=HINTS.get(name, ""),
                                id=name,
                                classes="event-field",
                                select_on_focus=False,
                            )
                            yield Field(label, box, name=name).set_class(":2" in spec, "wide")
                with Horizontal(classes="row"):
                    area = widgets.TextArea(
                        values["objectives"], id="objectives", classes="event-field"
                    )
                    yield Field("Objectives", area, name="objectives").set_class(True, "wide")
                    choice = Select(
                        ATTRIBUTION,
                        value=values["attribution_default"],
                        allow_blank=False,
                        id="attribution_default",
                        classes="event-field",
                    )
                    yield Field("Notes attribute speakers", choice, name="attribution_default")
                with Horizontal(classes="row"):
                    for name in AREAS[1:]:
                        area = widgets.TextArea(
                            values[name], id=name, classes="event-field report-text"
                        )
                        yield Field(LABELS[name], area, name=name)
                with Horizontal(classes="row"):
                    paper = Select(
                        PAPER,
                        value=values["paper"],
                        allow_blank=False,
                        id="paper",
                        classes="event-field",
                    )
                    yield Field("Paper for reports", paper, name="paper")
            with widgets.TabPane("F3 Agenda", id="tab-agenda"):
                yield AgendaPane(id="agenda-pane")
            with widgets.TabPane("F4 Attendees", id="tab-attendees"):
                yield AttendeePane(id="attendee-pane")
        yield Footer()

    async def on_mount(self) -> None:
        self.session.flush_hooks.append(self.flush_now)
        if self.event is None:
            tabs = self.query_one(widgets.TabbedContent)
            tabs.disable_tab("tab-agenda")
            tabs.disable_tab("tab-attendees")
        else:
            await self.load_lists()

    def on_unmount(self) -> None:
        if self.flush_now in self.session.flush_hooks:
            self.session.flush_hooks.remove(self.flush_now)

    async def load_lists(self) -> None:
        assert self.event is not None
        event_id = self.event["id"]
        await self.query_one(AgendaPane).load(event_id)
        pane = self.query_one(AttendeePane)
        pane.event_id = event_id
        await pane.reload()

    # --- the event's own fields -------------------------------------------------------------

    def form_values(self) -> dict[str, str]:
        out = {name: self.query_one(f"#{name}", Input).value for name in INPUTS}
        for area in AREAS:
            out[area] = self.query_one(f"#{area}", widgets.TextArea).text
        choice = self.query_one("#attribution_default", Select).value
        out["attribution_default"] = choice if isinstance(choice, str) else "named"
        paper = self.query_one("#paper", Select).value
        out["paper"] = paper if isinstance(paper, str) else ""
        return out

    def plan_save(
        self, values: dict[str, str]
    ) -> tuple[Callable[[Database], dict[str, Any]] | None, dict[str, str]]:
        """The write that saves what can be saved of `values` (None: nothing to do), and errors."""
        stored = self.event or {}
        keep, errors = savable(values, stored)
        if self.event is None:
            if "title" in errors or "date" in errors:
                return None, errors
            return (lambda db: create_event(db, keep)), errors
        before, after = validate_event(stored)[0], validate_event({**stored, **keep})[0]
        changes = {k: v for k, v in keep.items() if after.get(k) != before.get(k)}
        event_id = self.event["id"]
        return ((lambda db: update_event(db, event_id, changes)) if changes else None), errors

    def on_text_area_changed(self, event: widgets.TextArea.Changed) -> None:
        if event.text_area.has_class("event-field"):
            self.field_changed()

    @on(Input.Changed, ".event-field")
    @on(Select.Changed, ".event-field")
    def field_changed(self) -> None:
        if self.save_timer is not None:
            self.save_timer.stop()
        self.save_timer = self.set_timer(0.5, lambda: self.run_worker(self.save_event()))

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        if event.widget.has_class("event-field"):
            self.run_worker(self.save_event(force=True))

    async def save_event(self, *, force: bool = False, leaving: bool = False) -> None:
        """Save the valid fields now and show the errors of the others."""
        async with self.save_lock:
            if self.save_timer is not None:
                self.save_timer.stop()
            values = self.form_values()
            if values == self.last_values and not force:
                return
            job, errors = self.plan_save(values)
            focused = self.focused
            quiet = None if leaving or focused is None else focused.id
            self.show_errors(errors, quiet)
            if job is not None and not self.session.read_only:  # the top bar says read-only
                try:
                    event = await self.session.db.write(job)
                except ConvenerError as exc:
                    self.notify(f"Not saved: {exc}", severity="error", markup=False)
                    return
                self.saved(event)
            self.last_values = values

    def saved(self, event: dict[str, Any]) -> None:
        created = self.event is None
        self.event = self.session.current_event = event
        if created:
            tabs = self.query_one(widgets.TabbedContent)
            tabs.enable_tab("tab-agenda")
            tabs.enable_tab("tab-attendees")
            self.query_one(AgendaPane).event_id = event["id"]
            self.query_one(AttendeePane).event_id = event["id"]
            self.notify(
                "Event created. Everything you type is saved as you go. F3: agenda, F4: attendees."
            )

    def show_errors(self, errors: dict[str, str], quiet: str | None = None) -> None:
        """Errors next to their fields; a new one waits until focus leaves its field."""
        shown: dict[str, str] = {}
        for field in self.query("#event-form Field").results(Field):
            name = field.field_name
            message = errors.get(name)
            if message and name == quiet and name not in self.errors:
                message = None
            field.show_error(message)
            if message:
                shown[name] = message
        self.errors = shown
        if not shown:
            self.warned_leaving = False  # new errors later get their own warning

    def flush_now(self) -> None:
        """On quit: queue the last save on the database thread, which finishes it before closing."""
        values = self.form_values()
        job, _ = self.plan_save(values)
        if self.event is None and self.save_lock.locked():
            return  # the event is being created right now; a second create would duplicate it
        if values != self.last_values and job is not None:
            self.session.writer.submit(job)

    # --- tabs and leaving -----------------------------------------------------------------

    @property
    def active_tab(self) -> str:
        return self.query_one(widgets.TabbedContent).active

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("agenda", "attendee", "tab_verb") and not self.is_mounted:
            return False
        if action == "tab_verb":
            agenda_method, attendee_method = TAB_VERBS[str(parameters[0])]
            if self.active_tab == "tab-agenda":
                return self.check_action("agenda", (agenda_method,))
            return self.check_action("attendee", (attendee_method,))
        if action == "agenda":
            pane, what = self.query_one(AgendaPane), str(parameters[0])
            if self.active_tab != "tab-agenda":
                return False
            if what == "undo_remove":
                return pane.removed is not None
            return what.startswith("move") or self.focused is pane.table
        if action in ("attendee", "sign_in_sheet"):
            return self.active_tab == "tab-attendees"
        return True

    def action_show_tab(self, tab: str) -> None:
        if tab != "event" and self.event is None:
            self.notify("First give the event a title and a date; then add its agenda and people.")
            return
        self.query_one(widgets.TabbedContent).active = f"tab-{tab}"
        target = {"event": "#title", "agenda": "#agenda-new", "attendees": "#attendees"}[tab]
        self.query_one(target).focus()

    def on_tabbed_content_tab_activated(self) -> None:
        self.refresh_bindings()
        self.run_worker(self.save_event())

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    async def action_back(self) -> None:
        """Cancel an agenda edit, or save and go back (warning once about unsaved values)."""
        agenda = self.query_one(AgendaPane)
        if agenda.editing is not None:
            agenda.stop_editing()
            return
        untouched = self.event is None and self.form_values() == form_text(None)
        await self.save_event(force=True, leaving=True)
        if self.errors and not untouched and not self.warned_leaving:
            self.warned_leaving = True
            if self.event is None:
                what = "Not created yet: an event needs a title and a date."
            else:
                names = ", ".join(k.replace("_", " ") for k in self.errors)
                what = f"Not saved: {names} (the last saved value is kept)."
            self.notify(f"{what} Press Escape again to leave anyway.", severity="warning")
            return
        self.app.pop_screen()

    async def action_tab_verb(self, verb: str) -> None:
        """a / e / d: add, edit or remove in the list of the tab that is showing."""
        agenda_method, attendee_method = TAB_VERBS[verb]
        if self.active_tab == "tab-agenda":
            await self.action_agenda(agenda_method)
        elif self.active_tab == "tab-attendees":
            self.action_attendee(attendee_method)

    async def action_agenda(self, what: str) -> None:
        await getattr(self.query_one(AgendaPane), what)()

    async def action_sign_in_sheet(self) -> None:
        """Write the printable sign-in sheet (PDF and DOCX) to the event's export folder."""
        if self.event is None:
            return
        event_id = self.event["id"]
        self.notify("Writing the sign-in sheet…", timeout=2)
        try:
            written = await self.session.db.read(lambda db: export_sheet(db, event_id))
        except ConvenerError as exc:
            self.notify(f"No sign-in sheet: {exc}", severity="error", markup=False)
            return
        names = ", ".join(path.name for path in written)
        self.notify(f"Sign-in sheet written to {written[0].parent}: {names}", markup=False)

    def action_attendee(self, what: str) -> None:
        getattr(self.query_one(AttendeePane), what)()
