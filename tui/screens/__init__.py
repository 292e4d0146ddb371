"""One module per screen; `screen_for` maps a command-line name to the screen for an event."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen


def screen_for(where: str, event: dict[str, Any]) -> Screen[Any]:
    """The screen called `where` ('checkin', 'notes', 'setup', 'summary') for `event`."""
    if where == "notes":
        from convener.tui.screens.notes import NotesScreen

        return NotesScreen(event)
    if where == "setup":
        from convener.tui.screens.setup import SetupScreen

        return SetupScreen(event)
    if where == "summary":
        from convener.tui.screens.summary import SummaryScreen

        return SummaryScreen(event)
    from convener.tui.screens.checkin import CheckinScreen

    return CheckinScreen(event)
