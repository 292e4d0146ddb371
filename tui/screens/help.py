"""Every key of the screen underneath, and the global ones, in one list (F1 or ?)."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

from convener.storage.db.driver import about

GLOBAL_KEYS = (
    ("ctrl+p", "Command palette: every action by name, and themes"),
    ("f1 / ?", "This help"),
    ("ctrl+q", "Quit (everything is already saved)"),
    ("tab / shift+tab", "Next / previous field"),
    ("escape", "Back / close"),
)

LOCK_WAIT = (
    "A save that finds the database busy waits 0.5 s inside SQLite, then is retried for "
    "2 minutes while the top bar says so."
)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q,question_mark", "dismiss", "Close", id="help-close")
    ]

    def __init__(self, under: Screen[Any]) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            title = getattr(self.under, "HELP_TITLE", type(self.under).__name__)
            yield Static(Text(f"Keys: {title}"), classes="question")
            yield DataTable(id="keys", cursor_type="row", zebra_stripes=True)
            yield Static(Text("Escape closes this help."), classes="detail")
            yield Static(Text(f"{about()}. {LOCK_WAIT}"), id="about", classes="detail")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Key", "Does")
        for binding in getattr(self.under, "BINDINGS", []):
            if isinstance(binding, Binding) and binding.description:
                key = binding.key_display or binding.key.replace(",", " / ")
                table.add_row(Text(key), Text(binding.description))
        extra = getattr(self.under, "HELP_EXTRA", ())
        for key, does in (*extra, *GLOBAL_KEYS):
            table.add_row(Text(key), Text(does))
        table.focus()

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
