"""The small object screens work through: the database, the event in hand, read-only state.

Screens depend on this, not on the App, so a screen can be tested or reused without the
whole app, and the one place that changes the current event tells everyone who listens.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol

from convener.storage.db.lock import WindowMark, window_alive
from convener.storage.db.writer import Writer
from convener.tui.db import DatabaseGateway

Event = dict[str, Any]


class Session:
    """One window's working state; the App owns one and hands it to every screen."""

    def __init__(
        self,
        writer: Writer,
        *,
        read_only: bool = False,
        read_only_reason: str = "",
        clock: Callable[[], float] | None = None,
        on_event_changed: Callable[[Event | None], None] | None = None,
    ) -> None:
        self.writer = writer
        self.db = DatabaseGateway(writer)
        self.read_only = read_only
        self.read_only_reason = read_only_reason
        self.clock = clock or time.time
        self.flush_hooks: list[Callable[[], None]] = []
        # This window's mark beside the database: its drafts are its own while it is open.
        self.window = WindowMark(writer.path)
        self._current_event: Event | None = None
        self._on_event_changed = on_event_changed

    @property
    def window_id(self) -> str:
        """The id this window's drafts are kept under."""
        return self.window.id

    def window_alive(self, window_id: str) -> bool:
        """Is the window that wrote a draft still open (then its draft is not offered)?"""
        return window_id == self.window.id or window_alive(self.writer.path, window_id)

    @property
    def current_event(self) -> Event | None:
        """The event the screens are working on (None on the home screen)."""
        return self._current_event

    @current_event.setter
    def current_event(self, event: Event | None) -> None:
        self._current_event = event
        if self._on_event_changed is not None:
            self._on_event_changed(event)


class HasSession(Protocol):
    """What a screen needs of its app: only the session."""

    @property
    def session(self) -> Session: ...
