"""Set consent, stakeholder group, VIP and sex for many selected attendees at once.

A field left at "(leave as is)" is not touched. Setting consent to "yes" for many people
needs how they agreed (registration form, signed sheet, verbal), which is recorded with it;
protected people are never set to "yes" (the storage side skips them and says how many).
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Select, Static

from convener.storage.attendees import BULK_CONSENT_BASES
from convener.storage.consent import BASIS_LABELS, CONSENT_LABELS
from convener.storage.taxonomy import load_taxonomy
from convener.tui.screens.base import ConvenerModal
from convener.tui.widgets.form import Field, choices

LEAVE = "(leave as is)"


class BulkEditForm(ConvenerModal):
    """Dismisses with the `bulk_update` keyword arguments to apply, or None if cancelled."""

    HELP_TITLE = "Set for the selected people"
    CSS_PATH = "setup.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Set", id="bulk-save", priority=True),
        Binding("escape", "cancel", "Cancel", id="bulk-cancel"),
    ]

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def compose(self) -> ComposeResult:
        tax = load_taxonomy()
        people = f"{self.count} selected {'person' if self.count == 1 else 'people'}"
        with VerticalScroll(id="dialog", classes="form"):
            yield Static(Content(f"Set for {people}"), classes="question")
            yield Field(
                "May the public report name them?",
                Select(list(_swap(CONSENT_LABELS)), prompt=LEAVE, id="consent"),
                name="consent",
            )
            yield Field(
                "How did they agree? (needed for yes)",
                Select(
                    [(BASIS_LABELS[b].capitalize(), b) for b in BULK_CONSENT_BASES],
                    prompt="(choose)",
                    id="consent_basis",
                ),
                name="consent_basis",
            )
            yield Field(
                "Stakeholder group",
                Select(choices(tax.stakeholder_groups), prompt=LEAVE, id="stakeholder_group"),
                name="stakeholder_group",
            )
            yield Field(
                "VIP", Select([("Yes", "yes"), ("No", "no")], prompt=LEAVE, id="vip"), name="vip"
            )
            yield Field(
                "Sex", Select(choices(tax.genders), prompt=LEAVE, id="gender"), name="gender"
            )
            yield Static(
                Content("Protected people are never set to yes: they are never named."),
                classes="hint",
            )
            with Horizontal(classes="buttons"):
                yield Button("Set (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#consent", Select).focus()

    def chosen(self, name: str) -> str | None:
        value = self.query_one(f"#{name}", Select).value
        return value if isinstance(value, str) else None

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        consent, basis = self.chosen("consent"), self.chosen("consent_basis")
        errors: dict[str, str] = {}
        if consent == "yes" and basis is None:
            errors["consent_basis"] = "say how they agreed: registration form, signed sheet, verbal"
        vip = self.chosen("vip")
        out: dict[str, Any] = {
            "consent": consent,
            "consent_basis": basis if consent == "yes" else None,
            "stakeholder_group": self.chosen("stakeholder_group"),
            "vip": None if vip is None else vip == "yes",
            "gender": self.chosen("gender"),
        }
        if not errors and all(v is None for v in out.values()):
            errors["consent"] = "choose at least one thing to set"
        for field in self.query(Field):
            field.show_error(errors.get(field.field_name))
        if not errors:
            self.dismiss(out)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def _swap(labels: dict[str, str]) -> list[tuple[str, str]]:
    return [(label, code) for code, label in labels.items()]
