"""The event screens by name, for the App: `convener checkin EVENT` and `OpenEventScreen`.

Only the App imports this module. Screens ask for another event screen with the
`OpenEventScreen` message, so no screen depends on every other one (an import circle).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen

from convener.tui.screens.checkin import CheckinScreen
from convener.tui.screens.notes import NotesScreen
from convener.tui.screens.setup import SetupScreen
from convener.tui.screens.summary import SummaryScreen

SCREENS: dict[str, Callable[[dict[str, Any]], Screen[Any]]] = {
    "checkin": CheckinScreen,
    "notes": NotesScreen,
    "setup": SetupScreen,
    "summary": SummaryScreen,
}


def screen_for(where: str, event: dict[str, Any]) -> Screen[Any]:
    """The screen called `where` ('checkin', 'notes', 'setup', 'summary') for `event`."""
    return SCREENS.get(where, CheckinScreen)(event)
