"""Messages the app and its screens exchange (posted from the database thread too)."""

from __future__ import annotations

from textual.message import Message

from storage.writer import WriterStatus


class SaveStatusChanged(Message):
    """The database thread finished (or is waiting on) a write; posted thread-safely."""

    def __init__(self, status: WriterStatus) -> None:
        super().__init__()
        self.status = status


class EventsChanged(Message):
    """Something changed the list of events (import, create, delete)."""
