"""Live notes: who said what and when, typed as fast as people speak.

A note with a new speaker and a kind costs four keys beyond the words: shift+tab (back to the
speaker), Enter (pick the top match), alt+letter (kind), Enter (save). Speaker, attribution,
tags and agenda item stay until changed. Everything typed is saved as a draft within a second,
and flushed on quit or hang-up, so a crash loses nothing. Edits keep history; deletes are soft.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Key
from textual.widgets import Footer, Input, OptionList, Static

from convener.storage.actions import list_action_items, update_action_item
from convener.storage.errors import ConvenerError
from convener.storage.notes import add_note, edit_note, mark_answer
from convener.storage.taxonomy import load_taxonomy
from convener.tui.screens.base import in_background
from convener.tui.screens.note_links import NOT_AN_ANSWER, AnswerPicker, ToWhomPrompt
from convener.tui.screens.note_prompts import KindPicker
from convener.tui.screens.notes_session import NotesBase, status_line
from convener.tui.widgets.composer import (
    COMPOSER_KEYS,
    Composer,
    ComposerState,
    kind_bindings,
    parse_tags,
)
from convener.tui.widgets.note_box import NoteBox
from convener.tui.widgets.result_list import local_time
from convener.tui.widgets.speaker_picker import Choice, SpeakerChooser, SpeakerList
from convener.tui.widgets.timeline import Timeline, speaker_of, tags_of
from convener.tui.widgets.top_bar import TopBar

if TYPE_CHECKING:
    from sqlite_utils import Database

ESCAPE_AGAIN = 2.0  # seconds in which a second Escape leaves a screen with typed text


class NotesScreen(NotesBase):
    CSS_PATH = "notes.tcss"
    HELP_TITLE = "Notes"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "start_session", "Start / resume", show=False, id="notes-start"),
        Binding("f2", "pick_kind", "Kind of note", show=False, id="notes-kind"),
        Binding("f3", "cycle_attribution", "Attribution", id="notes-attribution"),
        Binding("f4", "agenda(1)", "Agenda", id="notes-agenda-next"),
        Binding("shift+f4", "agenda(-1)", "Previous item", show=False, id="notes-agenda-prev"),
        Binding("f6", "focus_tags", "Tags", show=False, id="notes-tags"),
        Binding("f7", "action_item", "Action", id="notes-action"),
        Binding("ctrl+l", "focus_actions", "Actions", id="notes-actions"),
        Binding("ctrl+o", "toggle_panel", "Panel", id="notes-panel"),
        Binding(
            "ctrl+d", "toggle_action_done", "Action done / open", show=False, id="notes-action-done"
        ),
        Binding("f8,delete", "delete_note", "Delete note", show=False, id="notes-delete"),
        Binding("ctrl+z", "restore_note", "Restore deleted", show=False, id="notes-restore"),
        Binding("shift+f8", "purge_note", "Purge deleted", show=False, id="notes-purge"),
        Binding("f9", "end_session", "End", id="notes-end"),
        Binding("ctrl+r", "mark_answer", "Answers…", show=False, id="notes-answer"),
        Binding("ctrl+t", "to_whom", "To whom", show=False, id="notes-to-whom"),
        Binding("up", "arrow(-1)", "Timeline / previous match", show=False, id="notes-up"),
        Binding("down", "arrow(1)", "Next match", show=False, id="notes-down"),
        Binding("escape", "escape", "Back", show=False, id="notes-back"),
    ]

    def __init__(self, event: dict[str, Any]) -> None:
        super().__init__(event)
        self.kinds = load_taxonomy().note_kinds
        self.speaker_pending = False
        self.saving = 0  # notes sent to the database that have not committed yet
        self.escape_armed = -ESCAPE_AGAIN  # when Escape last warned (monotonic seconds)
        self.panel_opened_for_speaker = False
        self.add_kind_keys()
        self.HELP_EXTRA = COMPOSER_KEYS

    @staticmethod
    def runtime_bindings() -> list[Binding]:
        """The keys added when the screen is built (read by F1 and docs/keys.md)."""
        return kind_bindings()

    def add_kind_keys(self) -> None:
        """alt+letter per kind, as the taxonomy defines them (so not in the class BINDINGS)."""
        for binding in self.runtime_bindings():
            self._bindings.key_to_bindings.setdefault(binding.key, []).append(binding)

    def compose(self) -> ComposeResult:
        yield TopBar()
        with Horizontal(id="notes-body"):
            with Vertical(id="timeline-pane"):
                yield Static(id="timeline-title", classes="pane-title")
                yield Timeline(id="timeline")
            with Vertical(id="side-pane"):
                yield Static(
                    Content("Speakers: ↑↓ then Enter in the Speaker box"),
                    id="speakers-title",
                    classes="pane-title",
                )
                yield SpeakerList(id="speaker-matches")
                yield Static(id="actions-title", classes="pane-title")
                yield OptionList(id="actions", markup=False)
        yield Composer(id="composer")
        yield Footer()

    def field(self, name: str) -> Input:
        return self.query_one(f"#{name}", Input)

    @property
    def note_box(self) -> NoteBox:
        return self.query_one("#note", NoteBox)

    async def on_mount(self) -> None:
        self.session.flush_hooks.append(self.draft.flush)
        try:
            data = await self.session.db.read(self.load_job())
        except ConvenerError as exc:
            self.notify(f"Notes not opened: {exc}", severity="error", markup=False)
            self.app.pop_screen()
            return
        self.set_event(data["event"])
        self.chooser = SpeakerChooser(data["attendees"])
        self.agenda = data["agenda"]
        self.timeline.show(data["notes"], data["edited"])
        self.show_actions(data["actions"])
        last = self.timeline.last_note()
        self.state.agenda_item_id = (last or {}).get("agenda_item_id") or (
            self.agenda[0]["id"] if self.agenda else None
        )
        self.refresh_speakers()
        self.refresh_composer()
        self.field("speaker").focus()
        self.ask_on_open(data["draft"])

    def on_unmount(self) -> None:
        if self.draft.flush in self.session.flush_hooks:
            self.session.flush_hooks.remove(self.draft.flush)
        self.draft.flush_later()

    # --- the composer -------------------------------------------------------------------

    def refresh_composer(self) -> None:
        editing = self.timeline.notes.get(self.state.note_id or "")
        composer = self.query_one(Composer)
        width = (composer.size.width or self.app.size.width) - 3
        status = status_line(
            self.event, self.state, self.agenda, editing, self.default_attribution, width
        )
        when = local_time(editing["noted_at"]) if editing else None
        composer.show(self.state, status, editing=when, width=width)
        count = len(self.timeline.notes)
        saving = f" (… saving {self.saving})" if self.saving else ""
        self.query_one("#timeline-title", Static).update(
            Content(
                f"Timeline: {count} note{'s' * (count != 1)}{saving}"
                "   ↑ from the note box, Enter edits"
            )
        )

    def refresh_speakers(self) -> None:
        typed = self.field("speaker").value if self.speaker_pending else ""
        matches = self.query_one("#speaker-matches", SpeakerList)
        matches.show(self.chooser.search(typed), highlight=bool(typed.strip()))

    def fill_inputs(self) -> None:
        """Show `self.state` in the three inputs (their Changed events then agree with it)."""
        self.speaker_pending = False
        self.show_speaker(self.state.speaker_label)
        self.note_box.value = self.state.text  # the cursor at its end, to carry on typing
        self.field("tags").value = ", ".join(self.state.tags)
        self.refresh_speakers()
        self.refresh_composer()

    @on(Input.Changed, "#speaker")
    def speaker_typed(self, event: Input.Changed) -> None:
        self.speaker_pending = event.value != self.state.speaker_label
        self.refresh_speakers()
        self.matches_over_timeline(self.speaker_pending and bool(event.value.strip()))

    @on(Input.Blurred, "#speaker")
    def speaker_left(self) -> None:
        self.matches_over_timeline(False)

    def matches_over_timeline(self, show: bool) -> None:
        """Below 100 columns the speakers panel is folded away: while a speaker is typed it
        opens over the timeline by itself (the matches are what Enter picks from), and
        closes again once the speaker is picked, unless ctrl+o had opened it."""
        if not self.has_class("-narrow"):
            return
        if show and not self.has_class("-panel-open"):
            self.add_class("-panel-open")
            self.panel_opened_for_speaker = True
        elif not show and self.panel_opened_for_speaker:
            self.remove_class("-panel-open")
            self.panel_opened_for_speaker = False

    @on(NoteBox.Changed, "#note")
    def note_typed(self, event: NoteBox.Changed) -> None:
        text = event.text_area.text
        if text != self.state.text:
            self.state.text = text
            self.draft.touch()
        if text:
            self.just_saved = None

    @on(Input.Changed, "#tags")
    def tags_typed(self, event: Input.Changed) -> None:
        tags = parse_tags(event.value)
        if tags != self.state.tags:
            self.state.tags = tags
            self.draft.touch()

    @on(Input.Submitted, "#speaker")
    def speaker_entered(self) -> None:
        self.resolve_speaker()
        self.matches_over_timeline(False)
        self.note_box.focus()

    @on(Input.Submitted, "#tags")
    def tags_entered(self) -> None:
        self.note_box.focus()

    def resolve_speaker(self) -> None:
        """What the speaker box holds becomes the speaker: the highlighted match, or nobody."""
        choice = self.query_one("#speaker-matches", SpeakerList).highlighted
        if self.speaker_pending or choice is not None:  # typed, or moved with ↓
            self.set_speaker(choice or Choice(None, ""))

    def show_speaker(self, label: str) -> None:
        """The name from its start: in a narrow box, "Raheela Hameed D", not "eed Durrani"."""
        speaker = self.field("speaker")
        speaker.value = label
        speaker.cursor_position = 0

    def set_speaker(self, choice: Choice) -> None:
        changed = (choice.person_id, choice.label) != (
            self.state.speaker_id,
            self.state.speaker_label,
        )
        self.state.speaker_id = choice.person_id
        self.state.speaker_text = "" if choice.person_id else choice.label
        self.state.speaker_label = choice.label
        if changed and self.state.note_id is None:
            self.state.attribution = self.default_attribution  # a new voice, the usual rule
        self.speaker_pending = False
        self.show_speaker(choice.label)
        self.draft.touch()
        self.refresh_speakers()
        self.refresh_composer()

    @on(NoteBox.Submitted, "#note")
    def commit(self) -> None:
        """Save the note (or the edit being made); the speaker stays for the next note.

        The box is emptied at once and the write runs in a worker, so the next note can be
        typed (and the screen keeps drawing) while this one waits for the database."""
        self.resolve_speaker()
        note_input = self.note_box
        state = self.state.copy()
        state.text = note_input.value
        if not state.text.strip():
            self.notify("Type the note first; Enter saves it.")
            return
        self.draft.cancel()
        note_input.value = ""
        self.state.text = ""
        if state.note_id is None:
            self.state.kind = self.kinds.codes[0]  # the next note starts as a plain one
        self.saving += 1
        self.refresh_composer()
        in_background(self, self.save_note(state))

    async def save_note(self, state: ComposerState) -> None:
        """Until it commits the note is counted as "saving" in the timeline title, never saved."""
        note_input = self.note_box
        try:
            row = await self.session.db.write(self.save_job(state))
        except ConvenerError as exc:
            if not note_input.value:
                note_input.value = state.text
                self.state.kind = state.kind
            self.notify(f"Note NOT saved: {exc}", severity="error", markup=False, timeout=10)
            return
        finally:
            self.saving -= 1
            self.refresh_composer()
        if state.note_id:
            self.timeline.replace_note(row)
            self.notify(f"Change saved ({speaker_of(row)}).", markup=False, timeout=3)
            self.finish_edit()
            self.just_saved = row  # F7, ctrl+r, ctrl+t: about the note just corrected
        else:
            self.timeline.add_note(row)
            self.just_saved = row
            if row["kind"] == "action_item":
                self.notify("Action item noted: F7 gives it an owner and a due date.")
        self.refresh_composer()

    def save_job(self, state: ComposerState) -> Any:
        event_id, fields, note_id = self.event["id"], state.note_fields(), state.note_id
        window = self.session.window_id
        if note_id:
            return lambda db: edit_note(db, note_id, fields, window=window)
        return lambda db: add_note(db, event_id, fields, window=window)

    # --- editing --------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#timeline")
    def edit_selected(self) -> None:
        note = self.timeline.highlighted_note
        if note is None:
            return
        if self.stash is None:
            self.stash = self.state.copy()
        self.state = ComposerState(
            speaker_id=note.get("speaker_id"),
            speaker_text=str(note.get("speaker_text") or ""),
            speaker_label=self.chooser.label_for(note.get("speaker_id"))
            if note.get("speaker_id")
            else str(note.get("speaker_text") or ""),
            kind=note["kind"],
            attribution=note["attribution"],
            text=note["text"],
            tags=tags_of(note),
            agenda_item_id=note.get("agenda_item_id"),
            note_id=note["id"],
        )
        self.fill_inputs()
        self.note_box.focus()

    def finish_edit(self) -> None:
        """Back to the note that was being written before the edit."""
        self.state = self.stash or ComposerState(attribution=self.default_attribution)
        self.state.note_id = None
        self.stash = None
        self.fill_inputs()
        self.draft.touch()
        self.note_box.focus()

    # --- answers and addressees -------------------------------------------------------------

    def target_note(self) -> dict[str, Any] | None:
        """The note a key about "this note" means: highlighted, being edited, or just saved."""
        if self.focused is self.timeline:
            return self.timeline.highlighted_note
        if self.state.note_id:
            return self.timeline.notes.get(self.state.note_id)
        return self.just_saved or self.timeline.last_note()

    def action_mark_answer(self) -> None:
        note = self.target_note()
        if note is None:
            self.notify("Save the answer first, or highlight it in the timeline (↑).")
            return
        questions = [
            n
            for n in self.timeline.notes.values()
            if n["kind"] == "question"
            and n["id"] != note["id"]
            and n["noted_at"] < note["noted_at"]
        ]
        if not questions:
            self.notify("No earlier question: a question is a note of the kind Question (alt+q).")
            return

        async def chosen(question_id: str | None) -> None:
            if question_id is None:
                return
            note_id, target = note["id"], None if question_id == NOT_AN_ANSWER else question_id
            row = await self.save_link(lambda db: mark_answer(db, note_id, target))
            if row is not None:
                asked = self.timeline.notes.get(target or "")
                self.notify(
                    f"Marked as the answer to {speaker_of(asked)}'s question."
                    if asked
                    else "No longer marked as an answer.",
                    markup=False,
                )

        self.app.push_screen(AnswerPicker(note, questions), chosen)

    def action_to_whom(self) -> None:
        note = self.target_note()
        if note is None:
            self.notify("Save the recommendation first, or highlight it in the timeline (↑).")
            return

        async def typed(text: str | None) -> None:
            if text is None:
                return
            note_id = note["id"]
            row = await self.save_link(lambda db: edit_note(db, note_id, {"addressed_to": text}))
            if row is not None:
                who = row.get("addressed_to")
                self.notify(f"Addressed to {who}." if who else "Addressed to nobody in particular.")

        self.app.push_screen(ToWhomPrompt(note), typed)

    async def save_link(self, job: Any) -> dict[str, Any] | None:
        try:
            row: dict[str, Any] = await self.session.db.write(job)
        except ConvenerError as exc:
            self.notify(f"Not saved: {exc}", severity="error", markup=False)
            return None
        self.timeline.replace_note(row)
        if self.just_saved is not None and self.just_saved["id"] == row["id"]:
            self.just_saved = row
        return row

    # --- small keys -----------------------------------------------------------------------

    def action_kind(self, code: str) -> None:
        self.state.kind = code
        self.draft.touch()
        self.refresh_composer()

    def action_pick_kind(self) -> None:
        def chosen(code: str | None) -> None:
            if code:
                self.action_kind(code)

        self.app.push_screen(KindPicker(self.state.kind), chosen)

    def action_cycle_attribution(self) -> None:
        codes = load_taxonomy().attributions.codes  # named, role, off_record
        at = codes.index(self.state.attribution) if self.state.attribution in codes else -1
        self.state.attribution = codes[(at + 1) % len(codes)]
        self.draft.touch()
        self.refresh_composer()

    def action_agenda(self, step: int) -> None:
        if not self.agenda:
            self.notify("This event has no agenda (add one with e on the home screen).")
            return
        ids = [a["id"] for a in self.agenda]
        at = ids.index(self.state.agenda_item_id) if self.state.agenda_item_id in ids else -1
        self.state.agenda_item_id = ids[max(0, min(len(ids) - 1, at + step))]
        self.draft.touch()
        self.refresh_composer()

    def action_focus_tags(self) -> None:
        self.field("tags").focus()

    def action_arrow(self, step: int) -> None:
        focused = self.focused
        if focused is self.field("speaker"):
            self.query_one("#speaker-matches", SpeakerList).move(step)
        elif focused is self.note_box and step < 0 and self.timeline.notes:
            self.timeline.highlighted = self.timeline.option_count - 1  # newest, as in chats
            self.timeline.focus()

    def on_key(self, event: Key) -> None:
        """Typing while in the timeline or the action list goes to the note box."""
        focused = self.focused
        if focused is None or focused.id not in ("timeline", "actions"):
            return
        if event.is_printable and event.character:
            event.stop()
            note = self.note_box
            note.focus()
            note.type_text(event.character)

    def action_toggle_panel(self) -> None:
        """Below 100 columns: speakers and action items over the timeline, or away again."""
        self.toggle_class("-panel-open")
        self.panel_opened_for_speaker = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_panel":
            return self.has_class("-narrow")
        return True

    def on_resize(self, event: events.Resize) -> None:
        self.refresh_bindings()  # the panel key shows only where the panel is folded
        self.refresh_composer()  # the kind bar and status line fit the new width

    def action_focus_actions(self) -> None:
        """ctrl+l: the action items, to edit (Enter) or mark done (ctrl+d)."""
        actions = self.query_one("#actions", OptionList)
        if not actions.option_count:
            self.notify("No action items yet: F7 adds one (from the highlighted note, if any).")
            return
        if actions.highlighted is None:
            actions.highlighted = 0
        if self.has_class("-narrow"):
            self.add_class("-panel-open")
        actions.focus()

    def action_toggle_action_done(self) -> None:
        """ctrl+d in the action list: done, or open again."""
        actions = self.query_one("#actions", OptionList)
        if self.focused is not actions or actions.highlighted is None:
            self.notify("ctrl+l first: ctrl+d marks the highlighted action item done.")
            return
        option = actions.get_option_at_index(actions.highlighted)
        row = self.action_rows.get(option.id or "")
        if row is None:
            return
        in_background(self, self.mark_action(row))

    async def mark_action(self, row: dict[str, Any]) -> None:
        """In a worker: an action awaiting a write would stall every key (base.py)."""
        actions = self.query_one("#actions", OptionList)
        status = "open" if row.get("status") == "done" else "done"
        action_id, event_id = row["id"], self.event["id"]

        def job(db: Database) -> list[dict[str, Any]]:
            update_action_item(db, action_id, {"status": status})
            return list_action_items(db, event_id)

        try:
            rows = await self.session.db.write(job)
        except ConvenerError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        highlighted = actions.highlighted
        self.show_actions(rows)
        actions.highlighted = highlighted
        self.notify(f"Action item {'done' if status == 'done' else 'open again'}.")

    def action_escape(self) -> None:
        focused = self.focused
        if self.state.note_id is not None:
            self.finish_edit()
        elif focused is self.field("speaker") and self.speaker_pending:
            self.field("speaker").value = self.state.speaker_label
            self.note_box.focus()
        elif focused is not None and focused.id in ("timeline", "actions", "tags"):
            self.note_box.focus()
        elif self.has_typed_text() and time.monotonic() - self.escape_armed > ESCAPE_AGAIN:
            self.escape_armed = time.monotonic()
            self.notify(
                "Escape again to leave; your text is kept as a draft.", timeout=ESCAPE_AGAIN
            )
        else:
            self.app.pop_screen()

    def has_typed_text(self) -> bool:
        return bool(self.note_box.value.strip() or self.field("tags").value.strip()) or (
            self.speaker_pending and bool(self.field("speaker").value.strip())
        )
