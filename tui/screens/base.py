"""What every Convener screen shares: typed access to the session (never to the App)."""

from __future__ import annotations

from typing import Any, cast

from textual import events
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer

from convener.tui.session import HasSession, Session

NARROW_BELOW = 100  # columns; the app's breakpoints fold side panels at the same width


class ConvenerScreen(Screen[Any]):
    @property
    def session(self) -> Session:
        return cast(HasSession, self.app).session

    def on_resize(self, event: events.Resize) -> None:
        """Below 100 columns the footer packs its keys tighter and leaves ^p to F1."""
        narrow = event.size.width < NARROW_BELOW
        for footer in self.query(Footer):
            footer.compact = narrow
            footer.show_command_palette = not narrow


class ConvenerModal(ModalScreen[Any]):
    @property
    def session(self) -> Session:
        return cast(HasSession, self.app).session
