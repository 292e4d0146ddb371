"""The bar on every screen: current event, clock, session timer, and the save indicator.

Idle, the bar is the only thing that changes, once a second: each part is redrawn only when
its text changed, and without a new layout (the clock and timer keep their width), so an
idle app sends the terminal the clock's cells and nothing else. While a write waits for the
database, a spinner turns beside "waiting for the database…": the screen visibly lives.
"""

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
    SPIN = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"

    def __init__(self) -> None:
        super().__init__()
        self.shown: dict[str, tuple[str, str]] = {}
        self.waiting = False
        self.spin = 0

    def compose(self) -> ComposeResult:
        yield Static("Convener", id="app-name")
        yield Static(id="event", markup=False)
        yield Static(id="timer")
        yield Static(id="save")
        yield Static(id="clock")

    def on_mount(self) -> None:
        self.refresh_state()
        self.set_interval(1, self.refresh_state)
        self.set_interval(0.2, self.turn_spinner)

    def put(self, part: str, text: str, classes: str = "") -> None:
        """Show `text` in one part, only if it changed; a new width lays the bar out again."""
        before = self.shown.get(part)
        if before == (text, classes):
            return
        self.shown[part] = (text, classes)
        static = self.query_one(f"#{part}", Static)
        static.set_classes(classes)
        static.update(Content(text), layout=before is None or len(before[0]) != len(text))

    def turn_spinner(self) -> None:
        if self.waiting:
            self.spin = (self.spin + 1) % len(self.SPIN)
            self.put("save", f"waiting for the database… {self.SPIN[self.spin]}", "waiting")

    def is_shown(self) -> bool:
        """True if this bar's screen is what the terminal shows (on top, or under a dialog).

        A bar on a screen further down the stack must not tick: Textual repaints the whole
        visible screen for a change in a background one."""
        stack = self.app.screen_stack
        screen = self.screen
        return screen is stack[-1] or (
            stack[-1].is_modal and len(stack) > 1 and screen is stack[-2]
        )

    def refresh_state(self) -> None:
        if not self.is_shown():
            return
        app = self.app
        session = getattr(app, "session", None)
        event = session.current_event if session is not None else None
        self.put("event", event["title"] if event else "")
        started = event.get("started_at") if event and event.get("status") == "live" else None
        timer = elapsed_text(started, app_now(app))
        self.put("timer", f"⏱ {timer}" if timer else "")
        self.put("clock", datetime.fromtimestamp(app_now(app)).strftime("%H:%M:%S"))
        self.show_status(getattr(app, "save_status", None), bool(session and session.read_only))

    def show_status(self, status: WriterStatus | None, read_only: bool) -> None:
        self.waiting = False
        if read_only:
            self.put("save", "read-only: nothing is saved", "readonly")
        elif status is None or status.kind == "ready":
            self.put("save", "all saved")
        elif status.kind == "saved":
            stamp = datetime.fromtimestamp(status.at).strftime("%H:%M:%S")
            self.put("save", f"saved {stamp}")
        elif status.kind == "waiting":
            self.waiting = True
            self.put("save", f"waiting for the database… {self.SPIN[self.spin]}", "waiting")
        else:
            self.put("save", f"NOT SAVED: {status.message}", "failed")


def app_now(app: object) -> float:
    """The app's clock (tests freeze it), else the system's."""
    clock = getattr(app, "clock", None)
    return float(clock()) if callable(clock) else time.time()
