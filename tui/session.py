"""The small object screens work through: the database, the event in hand, read-only state.

Screens depend on this, not on the App, so a screen can be tested or reused without the
whole app, and the one place that changes the current event tells everyone who listens.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from convener.storage.db.lock import WindowMark, window_alive
from convener.storage.db.writer import Writer
from convener.tui.db import DatabaseGateway

Event = dict[str, Any]

# What a browser session (`convener serve`) may never do, whatever keys or commands reach it:
# delete or erase, export (files land on the coordinator's laptop), set up or switch events,
# or act through Textual's own commands (screenshots are files too).
SERVED_REFUSED = {
    "delete_note": "Deleting notes",
    "purge_note": "Purging notes",
    "delete_event": "Deleting events",
    "export": "Exporting",
    "export_full": "Exporting with contacts",
    "sign_in_sheet": "Sign-in sheets",
    "import_file": "Importing",
    "load_sample": "Loading the sample",
    "new_event": "New events",
    "open": "Opening another event",
    "screenshot": "Screenshots",
    "save_screenshot": "Screenshots",
    "deliver_screenshot": "Screenshots",
    "suspend_process": "Suspending",
    "change_theme": "Changing the theme",
}
CHECKIN_ACTIONS = {"uncheck", "undo_last", "walk_in", "consent"}


@dataclass(frozen=True)
class Restriction:
    """A browser session's bounds: one event, notes (and check-in if the coordinator chose),
    public preview only. The App and every screen's actions ask `Session.refusal`."""

    event_ref: str
    allow_checkin: bool = False
    event_id: str = ""  # filled in once the event is read

    @property
    def screens(self) -> tuple[str, ...]:
        return ("notes", "checkin") if self.allow_checkin else ("notes",)


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
        restriction: Restriction | None = None,
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
        self.restriction = restriction

    def refusal(self, action: str, params: tuple[object, ...] = ()) -> str:
        """Why this session may not run `action` ('' when it may): a browser session's bounds."""
        bounds = self.restriction
        if bounds is None:
            return ""
        what = SERVED_REFUSED.get(action, "")
        if action == "level" and params and params[0] != "public":
            what = "Levels beyond public"
        if action in CHECKIN_ACTIONS and not bounds.allow_checkin:
            what = "Check-in"
        return f"{what} is not possible from a browser session." if what else ""

    def screen_refusal(self, event: Event, where: str) -> str:
        """Why this session may not open `where` of `event` ('' when it may)."""
        bounds = self.restriction
        if bounds is None:
            return ""
        if event.get("id") != bounds.event_id:
            return "This browser session is for one event only."
        if where not in bounds.screens:
            return f"The {where} screen is not open to a browser session."
        return ""

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
