"""What every Convener screen shares: typed access to the session (never to the App)."""

from __future__ import annotations

from typing import Any, cast

from textual.screen import ModalScreen, Screen

from convener.tui.session import HasSession, Session


class ConvenerScreen(Screen[Any]):
    @property
    def session(self) -> Session:
        return cast(HasSession, self.app).session


class ConvenerModal(ModalScreen[Any]):
    @property
    def session(self) -> Session:
        return cast(HasSession, self.app).session
