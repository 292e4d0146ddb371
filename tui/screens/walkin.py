"""Walk-in: register and check in someone who was not on the list, in one step.

Name, organisation, stakeholder group and sex are required; the name is prefilled from the
search box and shown as it will be saved ("hina qureshi" -> "Hina Qureshi"); the stakeholder
group is guessed from the organisation. Consent to be named is asked at the door once the
person is checked in. A probable duplicate (the same name however typed, a spelling variant such as
Bezenjo / Bizenjo, or the name in the other script) is shown first, and only a second
confirmation adds the person anyway.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Checkbox, Input, Select, Static

from convener.storage.attendees import probable_duplicates
from convener.storage.checkins import walk_in
from convener.storage.groups import guess_group
from convener.storage.records import MAX_NAME
from convener.storage.taxonomy import load_taxonomy
from convener.storage.text import capitalise_name, clean_line, name_key
from convener.tui.screens.base import ConvenerModal
from convener.tui.widgets.bounded_input import BoundedInput
from convener.tui.widgets.form import Field, fit_form_body, save_or_show, select
from convener.tui.widgets.result_list import local_time

REQUIRED = ("name", "organisation", "stakeholder_group", "gender")


class WalkInScreen(ConvenerModal):
    """Dismisses with the new attendee row (checked in), or None if cancelled."""

    HELP_TITLE = "Walk-in"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Check in", id="walkin-save", priority=True),
        Binding("escape", "cancel", "Cancel", id="walkin-cancel"),
    ]

    def __init__(self, event: dict[str, Any], typed_name: str = "") -> None:
        super().__init__()
        self.event = event
        self.typed_name = typed_name
        self.warned_for: str | None = None
        self.guessed: str | None = None  # the group code guessed and still selected

    def compose(self) -> ComposeResult:
        tax = load_taxonomy()
        with Vertical(id="dialog", classes="form"):
            yield Static(Content("Walk-in: add and check in"), classes="question")
            with Vertical(id="form-body"):
                yield Field(
                    "Name *",
                    BoundedInput(self.typed_name, id="name", compact=True, max_length=MAX_NAME),
                    name="name",
                )
                yield Static(id="saved-as", classes="hint")
                yield Field(
                    "Organisation *", Input(id="organisation", compact=True), name="organisation"
                )
                yield Field(
                    "Stakeholder group *",
                    select(tax.stakeholder_groups, id="stakeholder_group"),
                    name="stakeholder_group",
                )
                yield Static(id="group-guess", classes="hint")
                yield Field("Sex *", select(tax.genders, id="gender"), name="gender")
                yield Field(
                    "Designation", Input(id="designation", compact=True), name="designation"
                )
                yield Field("Phone", Input(id="phone", compact=True), name="phone")
                yield Checkbox("Photos OK", id="consent_photo", compact=True)
                yield Checkbox(
                    "Protected (survivor or minor: never named)", id="protected", compact=True
                )
                yield Static(
                    Content("May the public report name them? Asked at the door after saving."),
                    classes="hint",
                )
                yield Static(id="duplicate", classes="warning")
            with Horizontal(classes="buttons"):
                yield Button("Check in (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel (esc)", id="cancel")

    def on_resize(self, event: events.Resize) -> None:
        fit_form_body(self, event.size.height)

    def on_mount(self) -> None:
        self.query_one("#duplicate", Static).display = False
        self.query_one("#group-guess", Static).display = False
        self.show_saved_as()
        self.query_one("#name", Input).focus()
        if self.typed_name:
            self.query_one("#organisation", Input).focus()

    @on(Input.Changed, "#name")
    def show_saved_as(self) -> None:
        """Show the name as it will be stored ("hina qureshi" -> "Hina Qureshi")."""
        typed = self.query_one("#name", Input).value
        shown = capitalise_name(typed)
        hint = self.query_one("#saved-as", Static)
        hint.update(Content.assemble("Saved as: ", (shown, "bold")) if shown else "")
        hint.display = bool(shown) and shown != clean_line(typed)

    @on(Input.Changed, "#organisation")
    @on(Input.Changed, "#designation")
    def guess_the_group(self) -> None:
        """Prefill the stakeholder group from the organisation (or designation), unless the
        coordinator chose one: FIA, Police, University -> Academia, ..."""
        group = self.query_one("#stakeholder_group", Select)
        if group.value != Select.NULL and group.value != self.guessed:
            return  # chosen by hand: never overwritten
        guess = guess_group(
            self.query_one("#organisation", Input).value,
            self.query_one("#designation", Input).value,
        )
        self.guessed = guess.code if guess is not None else None
        group.value = self.guessed if self.guessed is not None else Select.NULL
        hint = self.query_one("#group-guess", Static)
        hint.update(Content(f"Guessed from ‘{guess.matched}’" if guess is not None else ""))
        hint.display = guess is not None

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in ("name", "organisation", "designation", "phone"):
            out[name] = self.query_one(f"#{name}", Input).value
        for name in ("stakeholder_group", "gender"):
            value = self.query_one(f"#{name}", Select).value
            out[name] = value if isinstance(value, str) else ""
        for name in ("consent_photo", "protected"):
            out[name] = "yes" if self.query_one(f"#{name}", Checkbox).value else "no"
        out["name"] = capitalise_name(out["name"])
        out["group_guessed"] = bool(out["stakeholder_group"]) and (
            out["stakeholder_group"] == self.guessed
        )
        return out

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self.save_once(self.save())

    async def save(self) -> None:
        fields = self.values()
        missing = {f: "is required" for f in REQUIRED if not str(fields[f]).strip()}
        self.show_errors(missing)
        if missing:
            return
        if await self.warn_if_duplicate(fields["name"]):
            return

        event_id = self.event["id"]
        result = await save_or_show(
            self, self.session.db.write(lambda db: walk_in(db, event_id, fields))
        )
        if result is not None:
            self.dismiss(result.attendee)

    async def warn_if_duplicate(self, name: str) -> bool:
        """Show probable duplicates once; True means stop and let the user decide."""
        key = name_key(name)
        if self.warned_for == key:
            return False
        event_id = self.event["id"]
        found = await self.session.db.read(lambda db: probable_duplicates(db, event_id, name))
        if not found:
            return False
        self.warned_for = key
        lines = [f"Possible duplicate: {len(found)} registered with this name or a close spelling:"]
        for row in found[:3]:
            where = ", ".join(p for p in (row["designation"], row["organisation"]) if p)
            state = (
                f"checked in at {local_time(row['checked_in_at'])}"
                if row["checked_in_at"]
                else "not checked in"
            )
            lines.append(f"  • {row['name']} ({where or 'no organisation'}) — {state}")
        lines.append(
            "Press ctrl+s again to add a new person anyway, or Escape and pick them from the list."
        )
        warning = self.query_one("#duplicate", Static)
        warning.update(Content("\n".join(lines)))
        warning.display = True
        return True

    def show_errors(self, errors: dict[str, str]) -> None:
        for field in self.query(Field):
            field.show_error(errors.get(field.field_name))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
