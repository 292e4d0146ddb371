"""docs/keys.md: the key table of every screen, generated from the bindings.

`python -m convener.tui.keytable > docs/keys.md` rewrites it; tests/tui/test_keys.py fails
when the file and the bindings disagree, when two bindings of a screen share a key, or when
an action has only keys that terminals often take (F10, F11, alt+letter).
"""

from __future__ import annotations

from typing import Any

from textual.binding import Binding
from textual.screen import Screen

from convener.tui.app import ConvenerApp
from convener.tui.keymap import key_rows
from convener.tui.screens.action_item import ActionItemScreen
from convener.tui.screens.checkin import CheckinScreen
from convener.tui.screens.confirm import ConfirmScreen
from convener.tui.screens.help import HelpScreen
from convener.tui.screens.home import HomeScreen
from convener.tui.screens.import_file import ImportScreen
from convener.tui.screens.note_links import AnswerPicker, ToWhomPrompt
from convener.tui.screens.note_prompts import DraftPrompt, KindPicker
from convener.tui.screens.notes import NotesScreen
from convener.tui.screens.served import ServedHome
from convener.tui.screens.setup import SetupScreen
from convener.tui.screens.setup_attendee import AttendeeForm
from convener.tui.screens.summary import SummaryScreen
from convener.tui.screens.sync_import import SyncImportScreen
from convener.tui.screens.walkin import WalkInScreen

# Every screen and dialog a coordinator meets, in the order of the day.
SCREENS: tuple[tuple[str, type[Screen[Any]]], ...] = (
    ("Home", HomeScreen),
    ("Import a file", ImportScreen),
    ("Event setup", SetupScreen),
    ("Attendee form", AttendeeForm),
    ("Check-in", CheckinScreen),
    ("Walk-in form", WalkInScreen),
    ("Notes", NotesScreen),
    ("Kind of note", KindPicker),
    ("Draft found", DraftPrompt),
    ("Which question a note answers", AnswerPicker),
    ("To whom a note is addressed", ToWhomPrompt),
    ("Action item form", ActionItemScreen),
    ("Summary and export", SummaryScreen),
    ("Merge bundles from other laptops", SyncImportScreen),
    ("Confirmation", ConfirmScreen),
    ("Help", HelpScreen),
    ("Browser session (convener serve)", ServedHome),
)


def markdown() -> str:
    """The key table of every screen, as docs/keys.md holds it."""
    lines = [
        "# Keys",
        "",
        "Generated from the bindings by `python -m convener.tui.keytable`; do not edit by hand.",
        "Every key is listed in F1 on its screen; *footer* marks those shown at the bottom.",
        "",
        "## Everywhere",
        "",
        "| key | does |",
        "|---|---|",
    ]
    for binding in ConvenerApp.BINDINGS:
        if isinstance(binding, Binding):
            lines.append(f"| {binding.key} | {binding.description} |")
    for title, screen in SCREENS:
        lines += ["", f"## {title}", "", "| key | does | |", "|---|---|---|"]
        for row in key_rows(screen):
            where = "footer" if row.in_footer else ""
            lines.append(f"| {row.shown_keys} | {row.description} | {where} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
