"""Check-in at the door: type a few letters, Enter; walk-ins in seconds; live counts.

All attendees are loaded once into an in-memory index; each keystroke filters it and the
virtualised list redraws only visible rows, in the same frame as the typed letter. The live
counts change only when a check-in does, so typing never recounts the room. Writes go to the
database thread.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Footer, Input, Static

from convener.storage.attendees import door_list, get_attendee
from convener.storage.checkins import (
    check_in,
    last_check_in,
    record_door_consent,
    undo_check_in,
)
from convener.storage.consent import consent_question_due
from convener.storage.errors import ConvenerError
from convener.tui.messages import DatabaseChanged, OpenEventScreen
from convener.tui.screens.base import ConvenerScreen, in_background
from convener.tui.screens.walkin import WalkInScreen
from convener.tui.search import AttendeeIndex, Entry
from convener.tui.widgets.live_panel import LivePanel, tally
from convener.tui.widgets.result_list import ResultList, local_time
from convener.tui.widgets.room_line import RoomLine
from convener.tui.widgets.top_bar import TopBar


class SearchBox(Input):
    """The search field: it hands each new value to the screen before anything is painted.

    Waiting for the `Changed` message instead lets Textual paint the letter first and the
    matches a frame later; at the door that reads as a list lagging behind the typing.
    """

    def __init__(self, on_value: Callable[[str], object], **kwargs: Any) -> None:
        # No blinking: each blink redraws the box, a steady trickle over SSH and on battery.
        super().__init__(**kwargs)
        self.cursor_blink = False
        self.on_value = on_value

    def watch_value(self, value: str) -> None:
        self.on_value(value)


def shown_name(row: Mapping[str, Any], entry: Entry | None = None) -> str:
    """The name for messages that others may read over a shoulder: never a protected one,
    and with what tells namesakes apart ("Farzana Rind (UNDP)")."""
    if row.get("protected"):
        return "a protected person"
    return entry.label if entry is not None else str(row["name"])


class CheckinScreen(ConvenerScreen):
    HELP_TITLE = "Check-in"
    HELP_EXTRA = (
        ("type", "Search names, designations, organisations, phones"),
        ("enter", "Check in the highlighted person (after typing or moving the highlight)"),
        ("ctrl+y / ctrl+n", "Answer the consent question after a check-in (yes / no)"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", "Next", show=False, id="checkin-down"),
        Binding("up", "move(-1)", "Previous", show=False, id="checkin-up"),
        Binding("pagedown", "move(10)", "Page down", show=False, id="checkin-pgdn"),
        Binding("pageup", "move(-10)", "Page up", show=False, id="checkin-pgup"),
        Binding("ctrl+n,f2", "walk_in", "Walk-in", id="checkin-walkin"),
        # While the consent question shows, ctrl+y and ctrl+n answer it (ctrl+n is "no" then,
        # not a walk-in: F2 still opens one). Neither can start a name.
        Binding("ctrl+y", "consent('yes')", "Named: yes", show=False, id="checkin-consent-yes"),
        Binding("ctrl+z", "undo_last", "Undo last", id="checkin-undo"),
        Binding("f8", "uncheck", "Un-check", id="checkin-uncheck"),
        Binding("ctrl+t", "notes", "Notes", id="checkin-notes"),
        Binding("ctrl+o", "toggle_panel", "Panel", id="checkin-panel"),
        Binding("escape", "clear_or_back", "Back", id="checkin-back"),
    ]

    def __init__(self, event: dict[str, Any]) -> None:
        super().__init__()
        self.event = event
        self.index = AttendeeIndex()
        self.last_checked: list[str] = []
        self.shown_query: str | None = None
        # The person the consent question is about, while it shows.
        self.asking: Entry | None = None

    def compose(self) -> ComposeResult:
        yield TopBar()
        with Horizontal(id="checkin-body"):
            with Vertical(id="checkin-left"):
                yield RoomLine(id="room-line")
                yield SearchBox(
                    lambda _: self.refresh_results(),
                    placeholder="Type a few letters of a name, organisation or phone;"
                    " Enter checks in",
                    id="search",
                )
                yield Static(id="consent-ask")
                yield Static(" ", id="match-count", classes="hint")
                yield ResultList(id="results")
            yield LivePanel(id="live-panel")
        yield Footer()

    async def on_mount(self) -> None:
        await self.load()
        self.query_one("#search", Input).focus()

    async def load(self) -> None:
        """Read the door list and show it, keeping what is typed and who is highlighted."""
        event_id = self.event["id"]
        rows = await self.session.db.read(lambda db: door_list(db, event_id))
        if not self.query("#results"):  # the screen closed while the list was read
            return
        highlighted = self.results.highlighted
        self.index = AttendeeIndex.build(rows)
        # The rows live as long as the screen: take them (and everything older) out of the
        # cyclic collector's sight, or each full collection walks them all again, a pause of
        # tens of milliseconds in the middle of typing. on_unmount gives them back.
        gc.freeze()
        self.query_one("#consent-ask", Static).display = False
        self.refresh_results()
        if highlighted is not None:
            self.results.select(highlighted.row["id"])
        self.update_panel()

    def on_database_changed(self, message: DatabaseChanged) -> None:
        """`convener import` (or another window) wrote: show the new people within a second."""
        self.run_worker(self.load(), group="checkin-load", exclusive=True)

    def on_unmount(self) -> None:
        gc.unfreeze()

    @property
    def results(self) -> ResultList:
        return self.query_one("#results", ResultList)

    @on(Input.Changed, "#search")
    def search_changed(self, event: Input.Changed) -> None:
        if event.value != self.shown_query:  # normally shown already, as it was typed
            self.refresh_results()

    def refresh_results(self) -> None:
        query = self.query_one("#search", Input).value
        if query and self.asking is not None:
            self.dismiss_question()  # the next arrival's name: never an answer
        self.shown_query = query
        hits = self.index.search(query)
        self.results.show(hits)
        total = len(self.index.entries)
        self.query_one("#match-count", Static).update(
            Content(f"{len(hits)} of {total} match" if query.strip() else f"{total} registered"),
            layout=False,  # always one line: no need to lay the screen out again per key
        )

    def update_panel(self) -> None:
        """Recount the room: after a check-in, an undo or a walk-in, not per keystroke."""
        counts = tally(e.row for e in self.index.entries)
        labels = {e.row["id"]: e.label for e in self.index.entries if e.apart}
        self.query_one(LivePanel).show(counts, labels)
        self.query_one(RoomLine).show(counts)

    def action_toggle_panel(self) -> None:
        """Below 100 columns: the live panel over the list, or away again."""
        self.toggle_class("-panel-open")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_panel":
            return self.has_class("-narrow")
        return True

    def on_resize(self, event: events.Resize) -> None:
        self.refresh_bindings()  # the panel key shows only where the panel is folded

    def action_move(self, delta: int) -> None:
        self.results.move(delta)

    @on(Input.Submitted, "#search")
    def check_in_highlighted(self) -> None:
        """Start the check-in and return at once: the write may wait on a lock held by another
        program, and a handler that awaited it would stall this screen's messages (no
        repaint, no clock, no typed letters) for as long as the lock is held."""
        if not self.query_one("#search", Input).value.strip() and not self.results.moved_by_user:
            # An Enter on an empty box (a double tap, a key bounce) names nobody: the first
            # row of the whole list is not someone who arrived.
            self.notify("Type a name first.", severity="warning", timeout=3)
            return
        entry = self.results.highlighted
        if entry is None:
            self.notify("Nobody matches. Press ctrl+n to add a walk-in.", severity="warning")
            return
        name = shown_name(entry.row, entry)
        person_id = entry.row["id"]
        if person_id in self.results.pending:
            self.notify(f"{name} is still being saved.", markup=False)
            self.clear_search()
            return
        if entry.row.get("checked_in_at"):
            self.notify(
                f"{name} is already checked in (at {local_time(entry.row['checked_in_at'])}).",
                markup=False,
            )
            self.clear_search()
            return
        # Clear at once: the next arrival's letters must not land in this search while the
        # write waits (e.g. on a lock held by another program).
        self.results.pending.add(person_id)
        self.clear_search()
        in_background(self, self.save_check_in(entry, name))

    async def save_check_in(self, entry: Entry, name: str) -> None:
        """The write, in a worker: the row shows "… saving" until it commits, never "✓"."""

        event_id, person_id = self.event["id"], entry.row["id"]
        try:
            result = await self.session.db.write(lambda db: check_in(db, event_id, person_id))
        except ConvenerError as exc:
            self.notify(f"{name} was NOT checked in: {exc}", severity="error", markup=False)
            return
        finally:
            self.results.pending.discard(person_id)
            self.results.refresh()
        self.apply(entry, result.attendee)
        self.last_checked.append(person_id)
        self.notify(f"✓ {name} checked in.", markup=False, timeout=3)
        self.refresh_results()
        self.ask_consent(entry)

    def ask_consent(self, entry: Entry) -> None:
        """Ask "May the public report name you?" of someone nobody has asked yet.

        Answered with ctrl+y / ctrl+n; anything typed dismisses it as not asked, so the next
        arrival's name goes into the search box and is never taken for an answer.
        """
        self.dismiss_question()
        if not consent_question_due(entry.row):
            return
        self.asking = entry
        ask = self.query_one("#consent-ask", Static)
        ask.update(
            Content.assemble(
                "May the public report name ",
                (entry.label, "bold"),
                "?  ",
                ("ctrl+y", "bold $accent"),
                " yes  ",
                ("ctrl+n", "bold $accent"),
                " no  (or type the next name)",
            )
        )
        ask.display = True

    def dismiss_question(self) -> None:
        """Put the question away without an answer: consent stays "not asked"."""
        self.asking = None
        self.query_one("#consent-ask", Static).display = False

    async def action_consent(self, answer: str) -> None:
        """Record the answer to the consent question (ctrl+y yes, ctrl+n no)."""
        entry = self.asking
        if entry is None:
            return
        self.dismiss_question()
        event_id, person_id = self.event["id"], entry.row["id"]
        try:
            await self.session.db.write(
                lambda db: record_door_consent(db, event_id, person_id, answer)
            )
        except ConvenerError as exc:
            self.notify(f"Consent NOT recorded: {exc}", severity="error", markup=False)
            return
        self.index.update(entry, {**entry.row, "consent": answer})
        said = "may be named" if answer == "yes" else "will not be named"
        self.notify(f"{entry.label} {said} in the public report.", markup=False, timeout=3)

    def apply(self, entry: Entry, row: dict[str, Any]) -> None:
        self.index.update(entry, row)
        self.update_panel()

    def clear_search(self) -> None:
        search = self.query_one("#search", Input)
        search.value = ""
        self.refresh_results()
        search.focus()

    def action_undo_last(self) -> None:
        # Actions run inside the app's key handling: a lock wait there would stall every key.
        in_background(self, self.undo_last())

    async def undo_last(self) -> None:
        event_id = self.event["id"]
        last = await self.session.db.read(lambda db: last_check_in(db, event_id))
        if last is None:
            self.notify("No check-in to undo.")
            return
        await self.uncheck(last["person_id"])

    def action_uncheck(self) -> None:
        entry = self.results.highlighted
        if entry is None or not entry.row.get("checked_in_at"):
            self.notify("The highlighted person is not checked in.")
            return
        in_background(self, self.uncheck(entry.row["id"]))

    async def uncheck(self, person_id: str) -> None:
        event_id = self.event["id"]

        def job(db: Any) -> dict[str, Any]:
            undo_check_in(db, event_id, person_id)
            return get_attendee(db, event_id, person_id)

        try:
            row = await self.session.db.write(job)
        except ConvenerError as exc:
            self.notify(f"Not undone: {exc}", severity="error", markup=False)
            return
        entry = self.index.find(person_id)
        if entry is not None:
            self.apply(entry, row)
        self.notify(
            f"Check-in of {shown_name(row, entry)} undone (kept in the history).", markup=False
        )
        self.refresh_results()

    async def action_walk_in(self) -> None:
        if self.asking is not None:  # ctrl+n answers the consent question first
            await self.action_consent("no")
            return

        typed = self.query_one("#search", Input).value.strip()

        def added(row: dict[str, Any] | None) -> None:
            if row is None:
                self.query_one("#search", Input).focus()
                return
            existing = self.index.find(row["id"])
            if existing is not None:
                self.apply(existing, row)
            else:
                existing = self.index.add(row)
                self.update_panel()
            name = shown_name(row, existing)
            self.notify(f"✓ Walk-in {name} added and checked in.", markup=False)
            self.clear_search()
            self.ask_consent(existing)

        self.app.push_screen(WalkInScreen(self.event, typed), added)

    def action_notes(self) -> None:
        self.post_message(OpenEventScreen(self.event, "notes", replace=True))

    def action_clear_or_back(self) -> None:
        search = self.query_one("#search", Input)
        if self.asking is not None:
            self.dismiss_question()
        elif search.value:
            self.clear_search()
        else:
            self.app.pop_screen()
