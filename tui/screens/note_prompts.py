"""Small questions the notes screen asks: restore a saved draft? which kind of note?

The draft question never loses text by accident: Escape restores, only `d` discards.
The kind picker is the fallback for terminals where alt+letter does not arrive.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Key
from textual.screen import ModalScreen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from convener.storage.taxonomy import load_taxonomy


class DraftPrompt(ModalScreen[bool]):
    """Dismisses True to restore the draft into the composer, False to discard it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r,escape", "answer(True)", "Restore", id="draft-restore"),
        Binding("d", "answer(False)", "Discard", id="draft-discard"),
    ]

    def __init__(self, draft: dict[str, Any], speaker: str) -> None:
        super().__init__()
        self.draft = draft
        self.speaker = speaker

    def compose(self) -> ComposeResult:
        kind = load_taxonomy().note_kinds.label(self.draft.get("kind"))
        what = "An edit of a note was" if self.draft.get("note_id") else "A note was"
        with Vertical(id="dialog"):
            yield Static(
                Content(f"{what} being typed when Convener last closed. Restore it?"),
                classes="question",
            )
            who = self.speaker or "(no speaker)"
            yield Static(Content(f"{kind} — {who}:"), classes="detail")
            yield Static(Content(str(self.draft.get("text") or "")), id="draft-text")
            with Horizontal(classes="buttons"):
                yield Button("Restore (r)", variant="primary", id="restore")
                yield Button("Discard (d)", id="discard")

    def on_mount(self) -> None:
        self.query_one("#restore", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "restore")

    def action_answer(self, restore: bool) -> None:
        self.dismiss(restore)


class KindPicker(ModalScreen[str | None]):
    """Press a kind's letter (or move and Enter); dismisses with its code, None if cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="kind-cancel"),
    ]

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current
        self.kinds = load_taxonomy().note_kinds

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="narrow"):
            yield Static(Content("Kind of note: press its letter"), classes="question")
            yield OptionList(
                *(
                    Option(Content.assemble((f"{t.key}  ", "bold $accent"), t.label), id=t.code)
                    for t in self.kinds.terms
                ),
                id="kinds",
            )

    def on_mount(self) -> None:
        kinds = self.query_one("#kinds", OptionList)
        codes = list(self.kinds.codes)
        kinds.highlighted = codes.index(self.current) if self.current in codes else 0
        kinds.focus()

    def on_key(self, event: Key) -> None:
        for term in self.kinds.terms:
            if term.key and event.character == term.key:
                event.stop()
                self.dismiss(term.code)
                return

    @on(OptionList.OptionSelected, "#kinds")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
