"""Every key of the screen underneath, and the global ones, in one list (F1 or ?)."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

from convener.tui.keymap import key_rows

GLOBAL_KEYS = (
    ("ctrl+p", "Command palette: every action by name, and themes"),
    ("f1 / ?", "This help"),
    ("ctrl+q", "Quit (everything is already saved)"),
    ("tab / shift+tab", "Next / previous field"),
    ("escape", "Back / close"),
)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q,question_mark", "dismiss", "Close", id="help-close")
    ]

    def __init__(self, under: Screen[Any]) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="help"):
            title = getattr(self.under, "HELP_TITLE", type(self.under).__name__)
            yield Static(Text(f"Keys: {title}"), classes="question")
            yield DataTable(id="keys", cursor_type="row", zebra_stripes=True)
            yield Static(Text("Escape closes this help."), classes="detail")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Key", "Does")
        for row in key_rows(type(self.under)):
            table.add_row(Text(row.shown_keys), Text(row.description))
        extra = getattr(self.under, "HELP_EXTRA", ())
        for key, does in (*extra, *GLOBAL_KEYS):
            table.add_row(Text(key), Text(does))
        table.focus()

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
