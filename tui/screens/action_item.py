"""An action item in one small form: who (a person or an organisation), what, by when.

Opened from a note (owner and wording pre-filled from it) or on its own. The owner field
picks a person only when Enter is pressed on a match; anything else typed is kept as
written, because owners are as often organisations ("Labour Department") as people.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Input, Select, Static

from convener.storage.actions import add_action_item, update_action_item
from convener.storage.records import ACTION_STATUSES
from convener.tui.screens.base import ConvenerModal
from convener.tui.widgets.form import Field, fit_form_body, save_or_show
from convener.tui.widgets.speaker_picker import Choice, SpeakerChooser, SpeakerList

STATUS_LABELS = {"open": "Open", "in_progress": "In progress", "done": "Done", "dropped": "Dropped"}


class ActionItemScreen(ConvenerModal):
    """Dismisses with the saved action item row, or None if cancelled."""

    HELP_TITLE = "Action item"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="action-save", priority=True),
        Binding("escape", "cancel", "Cancel", id="action-cancel"),
        Binding("down", "move(1)", "Next match", show=False, id="action-down"),
        Binding("up", "move(-1)", "Previous match", show=False, id="action-up"),
    ]

    def __init__(
        self, event: dict[str, Any], chooser: SpeakerChooser, initial: dict[str, Any]
    ) -> None:
        super().__init__()
        self.event = event
        self.chooser = chooser
        self.initial = initial
        person = initial.get("owner_person_id")
        label = chooser.label_for(person) if person else str(initial.get("owner_text") or "")
        self.owner: Choice | None = Choice(person, label) if label else None

    def compose(self) -> ComposeResult:
        editing = bool(self.initial.get("id"))
        with Vertical(id="dialog", classes="wide"):
            title = "Edit action item" if editing else "New action item"
            if self.initial.get("source") and not editing:
                title += f", from {self.initial['source']}"
            yield Static(Content(title), classes="question")
            with Vertical(id="form-body"):
                owner = self.owner.label if self.owner else ""
                yield Field(
                    "Who will do it (person or organisation)",
                    Input(owner, id="owner"),
                    name="owner",
                )
                yield SpeakerList(id="owner-matches")
                yield Static(
                    Content(
                        "Enter picks the highlighted person; otherwise the words are kept as typed."
                    ),
                    classes="hint",
                )
                yield Field(
                    "What", Input(str(self.initial.get("what") or ""), id="what"), name="what"
                )
                yield Field(
                    "Due date (YYYY-MM-DD, optional)",
                    Input(str(self.initial.get("due_date") or ""), id="due"),
                    name="due_date",
                )
                if editing:
                    yield Field(
                        "Status",
                        Select(
                            [(STATUS_LABELS.get(s, s), s) for s in ACTION_STATUSES],
                            value=self.initial.get("status") or "open",
                            allow_blank=False,
                            id="status",
                        ),
                        name="status",
                    )
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel (esc)", id="cancel")

    def on_resize(self, event: events.Resize) -> None:
        fit_form_body(self, event.size.height)

    def on_mount(self) -> None:
        """Focus starts at the first field, as the form reads: keys typed ahead (a due date)
        land where a person reading top-down expects, never on a button."""
        self.refresh_matches()
        self.query_one("#owner", Input).focus()

    def refresh_matches(self) -> None:
        typed = self.query_one("#owner", Input).value
        self.query_one("#owner-matches", SpeakerList).show(self.chooser.search(typed))

    @on(Input.Changed, "#owner")
    def owner_changed(self, event: Input.Changed) -> None:
        if self.owner is None or event.value != self.owner.label:
            self.owner = None
        self.refresh_matches()

    def action_move(self, delta: int) -> None:
        if self.focused is self.query_one("#owner", Input):
            self.query_one("#owner-matches", SpeakerList).move(delta)
        else:
            self.focus_next() if delta > 0 else self.focus_previous()

    @on(Input.Submitted, "#owner")
    def owner_picked(self) -> None:
        choice = self.query_one("#owner-matches", SpeakerList).highlighted
        if choice is not None:
            self.owner = choice
            self.query_one("#owner", Input).value = choice.label
        self.query_one("#what", Input).focus()

    @on(Input.Submitted, "#what")
    def what_done(self) -> None:
        self.query_one("#due", Input).focus()

    def fields(self) -> dict[str, Any]:
        typed = self.query_one("#owner", Input).value.strip()
        owner = self.owner
        if owner is None or owner.label != typed:
            owner = Choice(None, typed)
        out: dict[str, Any] = {
            "owner_person_id": owner.person_id,
            "owner_text": "" if owner.person_id else owner.label,
            "what": self.query_one("#what", Input).value,
            "due_date": self.query_one("#due", Input).value,
            "note_id": self.initial.get("note_id"),
        }
        for status in self.query("#status").results(Select):
            out["status"] = status.value if isinstance(status.value, str) else "open"
        return out

    @on(Input.Submitted, "#due")
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self.save_once(self.save())

    async def save(self) -> None:
        fields = self.fields()
        event_id, action_id = self.event["id"], self.initial.get("id")

        def job(db: Any) -> dict[str, Any]:
            if action_id:
                return update_action_item(db, action_id, fields)
            return add_action_item(db, event_id, fields)

        row = await save_or_show(self, self.session.db.write(job))
        if row is not None:
            self.dismiss(row)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
