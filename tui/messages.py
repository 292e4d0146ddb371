"""Messages the app and its screens exchange (posted from the database thread too)."""

from __future__ import annotations

from typing import Any

from textual.message import Message

from convener.storage.db.writer import WriterStatus


class SaveStatusChanged(Message):
    """The database thread finished (or is waiting on) a write; posted thread-safely."""

    def __init__(self, status: WriterStatus) -> None:
        super().__init__()
        self.status = status


class DatabaseChanged(Message, bubble=False):
    """Another program (`convener import`, another window) committed to the database.

    The app hands it to the screen on top; it must not bubble back up to the app."""


class EventsChanged(Message):
    """Something changed the list of events (import, create, delete)."""


class CurrentEventChanged(Message):
    """The session's current event changed (opened, saved, or back to the home screen)."""

    def __init__(self, event: dict[str, Any] | None) -> None:
        super().__init__()
        self.event = event


class OpenEventScreen(Message):
    """A screen asks the app to open one of an event's screens ('checkin', 'notes', ...).

    With `replace` the new screen takes the asking screen's place (Esc then goes back past
    both), as going from the door straight to the notes does.
    """

    def __init__(self, event: dict[str, Any], where: str, *, replace: bool = False) -> None:
        super().__init__()
        self.event = event
        self.where = where
        self.replace = replace


class GoHome(Message):
    """Leave every event screen for the home screen (Escape from the summary)."""
