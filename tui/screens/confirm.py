"""A yes/no question that needs a deliberate answer (delete, end the session, export contacts).

A question whose "yes" cannot be taken back (export contact details, delete, erase) accepts
it only after it has been on screen for CAREFUL seconds: a `y` typed ahead, or pressed out of
habit before the question was read, does nothing. "No" is always accepted at once.
"""

from __future__ import annotations

import time
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

CAREFUL = 1.0  # seconds a dangerous question is shown before "yes" counts


class ConfirmScreen(ModalScreen[bool]):
    """Returns True only for `y` or the confirm button; Escape or `n` cancel."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm-yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm-no"),
    ]

    def __init__(
        self, question: str, detail: str = "", yes: str = "Yes", *, careful: bool = False
    ) -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.yes = yes
        self.answer_after = CAREFUL if careful else 0.0
        self.shown_at = time.monotonic()

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Content(self.question), classes="question")
            if self.detail:
                yield Static(Content(self.detail), classes="detail")
            with Horizontal(classes="buttons"):
                yield Button(f"{self.yes} (y)", variant="error", id="yes")
                yield Button("Cancel (n)", id="no")

    def on_mount(self) -> None:
        self.shown_at = time.monotonic()
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_answer(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        if answer and time.monotonic() - self.shown_at < self.answer_after:
            self.notify("Read the question first: answer again in a moment.", timeout=2)
            return
        self.dismiss(answer)
