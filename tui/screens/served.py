"""The bottom screen of a browser session (`convener serve`): this one event, no list.

A served session never shows the home screen: no other event is listed, none can be opened,
set up or deleted from here. Leaving the notes lands here; n (or c, when the coordinator
allowed check-in) goes back in.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Footer, Static

from convener.tui.messages import OpenEventScreen
from convener.tui.screens.base import ConvenerScreen
from convener.tui.widgets.top_bar import TopBar


class ServedHome(ConvenerScreen):
    """One event's way in for a browser: notes, and check-in only if allowed."""

    HELP_TITLE = "Browser session"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n,enter", "notes", "Notes", id="served-notes"),
        Binding("c", "checkin", "Check-in", id="served-checkin"),
    ]

    def __init__(self, event: dict[str, Any]) -> None:
        super().__init__()
        self.event = event

    def compose(self) -> ComposeResult:
        yield TopBar()
        bounds = self.session.restriction
        checkin = bool(bounds and bounds.allow_checkin)
        yield Static(
            Content.assemble(
                ("Browser session: ", "bold"),
                str(self.event.get("title") or ""),
                "\n\nn: take notes" + ("   c: check people in" if checkin else ""),
                "\n\nEverything is saved on the coordinator's laptop as you type.",
            ),
            id="served-home",
        )
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "checkin":
            bounds = self.session.restriction
            return bool(bounds and bounds.allow_checkin)
        return True

    def action_notes(self) -> None:
        self.post_message(OpenEventScreen(self.event, "notes"))

    def action_checkin(self) -> None:
        self.post_message(OpenEventScreen(self.event, "checkin"))
