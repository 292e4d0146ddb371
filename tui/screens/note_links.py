"""Two questions the notes screen asks about a saved note: which question does it answer,
and to whom is this recommendation addressed?

The report shows a question with its answers under "Questions and answers", and a
recommendation with "To SSDO:", so both are worth one key each while the room talks.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from convener.tui.widgets.result_list import local_time
from convener.tui.widgets.timeline import speaker_of

NOT_AN_ANSWER = "-"


class AnswerPicker(ModalScreen[str | None]):
    """Pick the earlier question a note answers; dismisses with its id, `-` for none."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="answer-cancel"),
    ]

    def __init__(self, note: dict[str, Any], questions: list[dict[str, Any]]) -> None:
        super().__init__()
        self.note = note
        self.questions = questions

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(
                Content(f"The {local_time(self.note['noted_at'])} note answers which question?"),
                classes="question",
            )
            yield Static(Content(f"“{self.note['text'][:160]}”"), classes="detail")
            options = [
                Option(
                    Content.assemble(
                        (f"{local_time(q['noted_at'])} {speaker_of(q)}: ", "bold"), q["text"][:120]
                    ),
                    id=q["id"],
                )
                for q in reversed(self.questions)  # the latest question first
            ]
            if self.note.get("answers_note_id"):
                options.append(Option(Content("(it answers no question)"), id=NOT_AN_ANSWER))
            yield OptionList(*options, id="questions")

    def on_mount(self) -> None:
        questions = self.query_one("#questions", OptionList)
        questions.highlighted = 0
        questions.focus()

    @on(OptionList.OptionSelected, "#questions")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ToWhomPrompt(ModalScreen[str | None]):
    """Type whom a recommendation is addressed to; Enter saves, Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="to-whom-cancel"),
    ]

    def __init__(self, note: dict[str, Any]) -> None:
        super().__init__()
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(
                Content(
                    f"To whom is the {local_time(self.note['noted_at'])} note by "
                    f"{speaker_of(self.note)} addressed?"
                ),
                classes="question",
            )
            yield Static(Content(f"“{self.note['text'][:160]}”"), classes="detail")
            yield Input(
                str(self.note.get("addressed_to") or ""),
                placeholder="e.g. Education Department; blank for nobody in particular",
                id="to-whom",
            )

    def on_mount(self) -> None:
        self.query_one("#to-whom", Input).focus()

    @on(Input.Submitted, "#to-whom")
    def submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
