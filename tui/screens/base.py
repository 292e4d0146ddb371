"""What every Convener screen shares: typed access to the session (never to the App), and
one way to wait for the database without stalling the screen.

A message handler, an action or a dialog's answer callback that awaits a write holds up its
screen's (or the app's) message queue for as long as the write waits: with another program
holding the database, no repaint, no clock and no typed letter reaches the terminal. Such
waits go to a worker (`in_background`, `later`), which runs beside the queue.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar, cast

from textual import events
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer

from convener.tui.session import HasSession, Session

T = TypeVar("T")
DB_GROUP = "db"


def in_background(node: DOMNode, work: Coroutine[Any, Any, object]) -> None:
    """Run `work` (which awaits the database) in a worker of `node`, not in its queue."""
    node.run_worker(work, group=DB_GROUP)


def later(node: DOMNode, callback: Callable[[T], Awaitable[object]]) -> Callable[[T], None]:
    """A dialog's answer callback that awaits the database, run in a worker of `node`."""

    def start(result: T) -> None:
        node.run_worker(cast(Coroutine[Any, Any, object], callback(result)), group=DB_GROUP)

    return start


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
    saving = False

    @property
    def session(self) -> Session:
        return cast(HasSession, self.app).session

    def save_once(self, work: Coroutine[Any, Any, object]) -> None:
        """A form's save in a worker; a second ctrl+s while it waits saves nothing twice."""
        if self.saving:
            work.close()
            self.notify("Still saving…")
            return
        self.saving = True

        async def run() -> None:
            try:
                await work
            finally:
                self.saving = False

        in_background(self, run())
