"""What every Convener screen shares: typed access to the session (never to the App), and
one way to wait for the database without stalling the screen.

A message handler, an action or a dialog's answer callback that awaits a write holds up its
screen's (or the app's) message queue for as long as the write waits: with another program
holding the database, no repaint, no clock and no typed letter reaches the terminal. Such
waits go to a worker (`in_background`, `later`), which runs beside the queue.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import replace
from typing import Any, ClassVar, TypeVar, cast

from textual import events
from textual.binding import ActiveBinding
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
    # Bindings (by id) the footer leaves to F1 below NARROW_BELOW columns, where they would
    # push the others (Back, Quit, Help) off the line.
    FOOTER_NARROW_HIDDEN: ClassVar[frozenset[str]] = frozenset()

    @property
    def session(self) -> Session:
        return cast(HasSession, self.app).session

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """Textual's, with FOOTER_NARROW_HIDDEN not shown on a narrow terminal (the keys
        still work, and F1 lists them)."""
        bindings = super().active_bindings
        hidden = self.FOOTER_NARROW_HIDDEN
        if not hidden or self.size.width >= NARROW_BELOW:
            return bindings
        return {
            key: active._replace(binding=replace(active.binding, show=False))
            if active.binding.id in hidden
            else active
            for key, active in bindings.items()
        }

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
