"""The notes screen's session side: starting and ending, deleting and restoring notes,
action items, and the questions asked on opening (restore the draft? start the session?).

`NotesScreen` (notes.py) adds the composer on top; this base keeps what does not depend on
how a note is typed.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from convener.storage.actions import list_action_items
from convener.storage.attendees import list_attendees
from convener.storage.erasure import purge_note
from convener.storage.errors import ConvenerError
from convener.storage.events import agenda, end_session, get_event, start_session
from convener.storage.notes import (
    claim_draft,
    delete_note,
    discard_draft,
    get_draft,
    list_notes,
    note_history,
)
from convener.tui.messages import DatabaseChanged
from convener.tui.screens.action_item import ActionItemScreen
from convener.tui.screens.base import ConvenerScreen, in_background, later
from convener.tui.screens.confirm import ConfirmScreen
from convener.tui.screens.note_prompts import DraftPrompt
from convener.tui.screens.notes_draft import DraftKeeper, restored_state
from convener.tui.screens.summary import SummaryScreen
from convener.tui.widgets.composer import ATTRIBUTION_SHORT, ComposerState
from convener.tui.widgets.result_list import local_time
from convener.tui.widgets.speaker_picker import SpeakerChooser
from convener.tui.widgets.timeline import Timeline, speaker_of
from convener.tui.widgets.top_bar import TopBar

Rows = list[dict[str, Any]]


def changed(rows: list[dict[str, Any]], shown: list[dict[str, Any]]) -> bool:
    """Do the rows read now differ from those on screen (added, removed or edited)?"""
    return {(r["id"], r.get("updated_at")) for r in rows} != {
        (r["id"], r.get("updated_at")) for r in shown
    }


def status_line(
    event: dict[str, Any],
    state: ComposerState,
    agenda: list[dict[str, Any]],
    editing: dict[str, Any] | None,
    default_attribution: str,
    width: int = 200,
) -> Content:
    """Attribution, agenda item and session state (while a note is edited, EDITING instead of
    the session): what F3 and F4 change stays in sight. The agenda title is cut to `width`."""
    attribution = ATTRIBUTION_SHORT.get(state.attribution, state.attribution)
    style = "bold" if state.attribution == default_attribution else "bold $warning"
    item = next((a for a in agenda if a["id"] == state.agenda_item_id), None)
    where = f"{item['position']}/{len(agenda)} {item['title']}" if item else "none"
    if editing is not None:
        tail: list[Content | tuple[str, str] | str] = [("EDITING", "bold"), "   "]
    else:
        session = {
            "live": ("live (F9 ends)", "bold $success"),
            "ended": ("ended (F5 resumes)", "bold"),
        }.get(event.get("status") or "", ("not started (F5)", "bold $warning"))
        tail = ["Session ", session, "   "]

    def line(where: str) -> Content:
        return Content.assemble(
            *tail, "Attribution ", (attribution, style), " (F3)   Agenda ", (where, "bold"), " (F4)"
        )

    full = line(where)
    cut = len(where) - max(8, len(where) - (full.cell_length - width)) + 1
    return full if full.cell_length <= width else line(where[: len(where) - cut].rstrip() + "…")


class NotesBase(ConvenerScreen):
    """State shared by the notes screen's parts; `refresh_composer`/`fill_inputs` in notes.py."""

    def __init__(self, event: dict[str, Any]) -> None:
        super().__init__()
        self.event = event
        self.state = ComposerState(attribution=self.default_attribution)
        self.stash: ComposerState | None = None
        self.chooser = SpeakerChooser([])
        self.agenda: list[dict[str, Any]] = []
        self.just_saved: dict[str, Any] | None = None
        self.deleted: list[str] = []
        self.action_rows: dict[str, dict[str, Any]] = {}
        self.draft = DraftKeeper(self, event["id"], lambda: self.state)

    @property
    def default_attribution(self) -> str:
        return "role" if self.event.get("attribution_default") == "chatham_house" else "named"

    @property
    def timeline(self) -> Timeline:
        return self.query_one("#timeline", Timeline)

    def load_job(self) -> Any:
        """Everything the screen shows, read in one trip to the database thread."""
        event_id = self.event["id"]
        window, alive = self.session.window_id, self.session.window_alive

        def job(db: Any) -> dict[str, Any]:
            notes = list_notes(db, event_id)
            return {
                "event": get_event(db, event_id),
                "attendees": list_attendees(db, event_id),
                "notes": notes,
                "edited": {n["id"] for n in notes if note_history(db, n["id"])},
                "agenda": agenda(db, event_id),
                "actions": list_action_items(db, event_id),
                "draft": get_draft(db, event_id, window=window, alive=alive),
            }

        return job

    # --- what other windows write ------------------------------------------------------------

    saving = 0  # notes of this window not yet committed (NotesScreen counts them)
    attendees_seen: Rows | None = None

    def on_database_changed(self, message: DatabaseChanged) -> None:
        """Another window (or `convener import`) committed: show its notes within a second.
        Only an outside commit sends this, so an idle screen is never redrawn."""
        self.run_worker(self.show_outside_changes(), group="notes-outside", exclusive=True)

    async def show_outside_changes(self) -> None:
        if self.saving:  # our own note is on its way: look again once it has landed
            self.set_timer(0.5, lambda: self.post_message(DatabaseChanged()))
            return
        event_id = self.event["id"]

        def job(db: Any) -> tuple[Rows, set[str], Rows, Rows]:
            notes = list_notes(db, event_id)
            edited = {n["id"] for n in notes if note_history(db, n["id"])}
            return notes, edited, list_action_items(db, event_id), list_attendees(db, event_id)

        try:
            notes, edited, actions, attendees = await self.session.db.read(job)
        except ConvenerError:
            return  # the next change tries again; the save indicator says what is wrong
        timeline = self.timeline
        if changed(notes, list(timeline.notes.values())) or edited != timeline.edited:
            chosen = timeline.highlighted_option
            at_end = timeline.highlighted in (None, timeline.option_count - 1)
            timeline.show(notes, edited)
            if chosen is not None and chosen.id in timeline.notes and not at_end:
                timeline.highlighted = timeline.get_option_index(chosen.id)
            self.refresh_composer()
        if changed(actions, list(self.action_rows.values())):
            self.show_actions(actions)
        if attendees != self.attendees_seen:  # a check-in at the door: who is in changed
            self.attendees_seen = attendees
            self.chooser = SpeakerChooser(attendees)
            self.refresh_speakers()

    def refresh_composer(self) -> None:
        raise NotImplementedError

    def refresh_speakers(self) -> None:
        raise NotImplementedError

    def fill_inputs(self) -> None:
        raise NotImplementedError

    def set_event(self, event: dict[str, Any]) -> None:
        self.event = event
        self.session.current_event = event
        for bar in self.query(TopBar):
            bar.refresh_state()
        self.refresh_composer()

    # --- on opening -----------------------------------------------------------------------

    def ask_on_open(self, draft: dict[str, Any] | None) -> None:
        """Offer back a draft left by a crash or a closed terminal, then offer to start."""
        if not draft:
            self.ask_start()
            return

        person = draft.get("speaker_id")
        label = self.chooser.label_for(person) if person else str(draft.get("speaker_text") or "")

        event_id, window = self.event["id"], self.session.window_id

        async def answered(restore: bool | None) -> None:
            if not restore:
                draft_id = draft["id"]
                await self.session.db.write(
                    lambda db: discard_draft(db, event_id, draft_id=draft_id)
                )
                self.notify("Draft discarded.")
            elif not await self.session.db.write(lambda db: claim_draft(db, draft, window)):
                self.notify("Another window restored that draft first.")
            else:
                if draft.get("note_id") and draft["note_id"] not in self.timeline.notes:
                    draft["note_id"] = None  # the note it edited is gone: keep it as a new one
                if draft.get("note_id"):
                    self.stash = self.state.copy()
                self.state = restored_state(draft, label, self.state)
                self.fill_inputs()
                self.query_one("#note").focus()
                self.notify("Draft restored: Enter saves it.")
            self.ask_start()

        self.app.push_screen(DraftPrompt(draft, label), later(self, answered))

    def ask_start(self) -> None:
        if self.event.get("status") != "planned":
            return

        async def answered(start: bool | None) -> None:
            if start:
                await self.start_session()

        self.app.push_screen(
            ConfirmScreen(
                "Start the session now?",
                "The timer starts and every note records how long into the session it was "
                "made. Press F5 later if the session has not begun yet.",
                yes="Start",
            ),
            later(self, answered),
        )

    # --- the session ----------------------------------------------------------------------

    def action_start_session(self) -> None:
        in_background(self, self.start_session())

    async def start_session(self) -> None:
        if self.event.get("status") == "live":
            since = local_time(self.event.get("started_at"))
            self.notify(f"The session is already running (since {since}).")
            return
        resumed = self.event.get("status") == "ended"
        event_id = self.event["id"]
        try:
            event = await self.session.db.write(lambda db: start_session(db, event_id))
        except ConvenerError as exc:
            self.notify(f"Not started: {exc}", severity="error", markup=False)
            return
        self.set_event(event)
        self.notify("Session resumed." if resumed else "Session started: the timer is running.")

    def action_end_session(self) -> None:
        if self.event.get("status") == "ended":
            self.show_summary()
            return
        if self.event.get("status") != "live":
            self.notify("The session has not started (F5 starts it).")
            return

        async def answered(end: bool | None) -> None:
            if not end:
                return

            event_id = self.event["id"]
            try:
                event = await self.session.db.write(lambda db: end_session(db, event_id))
            except ConvenerError as exc:
                self.notify(f"Not ended: {exc}", severity="error", markup=False)
                return
            self.set_event(event)
            self.show_summary()

        self.app.push_screen(
            ConfirmScreen(
                "End the session?",
                "The timer stops and the event is marked ended; the summary opens next. "
                "Notes can still be added or corrected afterwards.",
                yes="End session",
            ),
            later(self, answered),
        )

    def show_summary(self) -> None:
        self.app.push_screen(SummaryScreen(self.event))

    # --- delete and restore ---------------------------------------------------------------

    def action_delete_note(self) -> None:
        note = self.timeline.highlighted_note
        if note is None or (self.focused is not None and self.focused.id == "actions"):
            self.notify("Highlight a note in the timeline first (↑ from the note box).")
            return
        question = f"Delete the {local_time(note['noted_at'])} note by {speaker_of(note)}?"
        detail = (
            f"“{note['text'][:240]}”\n\nIt leaves the timeline and reports; ctrl+z restores it."
        )

        async def answered(delete: bool | None) -> None:
            if not delete:
                return

            note_id = note["id"]
            try:
                await self.session.db.write(lambda db: delete_note(db, note_id))
            except ConvenerError as exc:
                self.notify(f"Not deleted: {exc}", severity="error", markup=False)
                return
            self.timeline.remove_note(note_id)
            self.deleted.append(note_id)
            self.notify("Note deleted (ctrl+z restores it).")
            self.refresh_composer()

        self.app.push_screen(
            ConfirmScreen(question, detail, yes="Delete", careful=True), later(self, answered)
        )

    def action_restore_note(self) -> None:
        if not self.deleted:
            self.notify("No deleted note to restore.")
            return
        in_background(self, self.restore_note(self.deleted.pop()))

    async def restore_note(self, note_id: str) -> None:
        event_id = self.event["id"]

        def job(db: Any) -> tuple[list[dict[str, Any]], set[str]]:
            delete_note(db, note_id, restore=True)
            notes = list_notes(db, event_id)
            return notes, {n["id"] for n in notes if note_history(db, n["id"])}

        notes, edited = await self.session.db.write(job)
        self.timeline.show(notes, edited)
        self.timeline.highlighted = self.timeline.get_option_index(note_id)
        self.notify("Note restored.")
        self.refresh_composer()

    def action_purge_note(self) -> None:
        """The step after delete: the note deleted last leaves the database file for good."""
        if not self.deleted:
            self.notify("Delete a note first (f8); shift+f8 then removes it for good.")
            return
        note_id = self.deleted[-1]
        question = "Purge the note you deleted last, for good?"
        detail = (
            "Its text, earlier versions and history leave the database file. "
            "It cannot be restored; backups made earlier still hold it."
        )

        async def answered(purge: bool | None) -> None:
            if not purge:
                return
            try:
                await self.session.db.write(lambda db: purge_note(db, note_id))
            except ConvenerError as exc:
                self.notify(f"Not purged: {exc}", severity="error", markup=False)
                return
            if note_id in self.deleted:
                self.deleted.remove(note_id)
            self.notify("Note purged: it is no longer in the database.")

        self.app.push_screen(ConfirmScreen(question, detail, yes="Purge"), answered)

    # --- action items ---------------------------------------------------------------------

    def show_actions(self, rows: list[dict[str, Any]]) -> None:
        self.action_rows = {r["id"]: r for r in rows}
        actions = self.query_one("#actions", OptionList)
        actions.set_options(Option(action_prompt(r, self.chooser), id=r["id"]) for r in rows)
        self.query_one("#actions-title", Static).update(
            Content(f"Action items: {len(rows)}   F7 adds, Enter on one edits")
        )

    def action_action_item(self) -> None:
        note = self.just_saved
        if self.focused is self.timeline:
            note = self.timeline.highlighted_note
        initial: dict[str, Any] = {}
        if note is not None:
            initial = {
                "note_id": note["id"],
                "owner_person_id": note.get("speaker_id"),
                "owner_text": "" if note.get("speaker_id") else note.get("speaker_text"),
                "what": note["text"][:1000],
                "source": f"the {local_time(note['noted_at'])} note by {speaker_of(note)}",
            }
        self.open_action(ActionItemScreen(self.event, self.chooser, initial))

    @on(OptionList.OptionSelected, "#actions")
    def edit_action(self, message: OptionList.OptionSelected) -> None:
        row = self.action_rows.get(message.option.id or "")
        if row is not None:
            self.open_action(ActionItemScreen(self.event, self.chooser, row))

    def open_action(self, form: Any) -> None:
        async def saved(row: dict[str, Any] | None) -> None:
            if row is None:
                return

            event_id = self.event["id"]
            self.show_actions(
                await self.session.db.read(lambda db: list_action_items(db, event_id))
            )
            self.notify(f"Action item saved: {row['what'][:60]}", markup=False)

        self.app.push_screen(form, later(self, saved))


def action_prompt(row: dict[str, Any], chooser: SpeakerChooser) -> Content:
    """`Owner: what (due date) [status]`, never a protected owner's name."""
    owner = chooser.label_for(row.get("owner_person_id")) or row.get("owner_text") or "?"
    due = f" (due {row['due_date']})" if row.get("due_date") else ""
    status = "" if row.get("status") == "open" else f" [{row.get('status')}]"
    return Content.assemble((f"{owner}: ", "bold"), f"{row['what']}{due}", (status, "dim"))
