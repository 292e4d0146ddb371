"""What every Convener screen shares: typed access to the app and its database thread."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from tui.app import ConvenerApp


class ConvenerScreen(Screen[Any]):
    @property
    def convener(self) -> ConvenerApp:
        return cast("ConvenerApp", self.app)


class ConvenerModal(ModalScreen[Any]):
    @property
    def convener(self) -> ConvenerApp:
        return cast("ConvenerApp", self.app)
