"""The bar on every screen: current event, clock, session timer, and the save indicator."""

from __future__ import annotations

import time
from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from convener.storage.clock import parse_utc
from convener.storage.db.writer import WriterStatus


def elapsed_text(started_at: str | None, now: float | None = None) -> str:
    """`01:05:09` since the session started, or empty before it starts."""
    if not started_at:
        return ""
    seconds = max(0, int((now or time.time()) - parse_utc(started_at).timestamp()))
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class TopBar(Horizontal):
    """Reads the app's current event and save status; refreshed every second."""

    DEFAULT_CSS = """
    TopBar { height: 1; background: $panel; color: $text; }
    TopBar > Static { width: auto; padding: 0 1; }
    TopBar > #event { width: 1fr; text-style: bold; }
    TopBar > #save.failed { background: $error; color: $text; text-style: bold; }
    TopBar > #save.waiting { background: $warning; color: $text; }
    TopBar > #save.readonly { background: $warning; color: $text; }
    """

    event_title: reactive[str] = reactive("")

    def compose(self) -> ComposeResult:
        yield Static("Convener", id="app-name")
        yield Static(id="event", markup=False)
        yield Static(id="timer")
        yield Static(id="save")
        yield Static(id="clock")

    def on_mount(self) -> None:
        self.refresh_state()
        self.set_interval(1, self.refresh_state)

    def refresh_state(self) -> None:
        app = self.app
        session = getattr(app, "session", None)
        event = session.current_event if session is not None else None
        self.query_one("#event", Static).update(Content(event["title"] if event else ""))
        started = event.get("started_at") if event and event.get("status") == "live" else None
        timer = elapsed_text(started, app_now(app))
        self.query_one("#timer", Static).update(Content(f"⏱ {timer}" if timer else ""))
        self.query_one("#clock", Static).update(
            Content(datetime.fromtimestamp(app_now(app)).strftime("%H:%M:%S"))
        )
        self.show_status(getattr(app, "save_status", None), bool(session and session.read_only))

    def show_status(self, status: WriterStatus | None, read_only: bool) -> None:
        save = self.query_one("#save", Static)
        save.set_classes("")
        if read_only:
            save.update(Content("read-only: nothing is saved"))
            save.add_class("readonly")
        elif status is None or status.kind == "ready":
            save.update(Content("all saved"))
        elif status.kind == "saved":
            stamp = datetime.fromtimestamp(status.at).strftime("%H:%M:%S")
            save.update(Content(f"saved {stamp}"))
        elif status.kind == "waiting":
            save.update(Content("waiting for the database…"))
            save.add_class("waiting")
        else:
            save.update(Content(f"NOT SAVED: {status.message}"))
            save.add_class("failed")


def app_now(app: object) -> float:
    """The app's clock (tests freeze it), else the system's."""
    clock = getattr(app, "clock", None)
    return float(clock()) if callable(clock) else time.time()
