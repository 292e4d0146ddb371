"""Type-ahead never runs actions: keys typed before the coordinator saw the screen are dropped.

During a long import the coordinator keeps typing; when the dialog closes, those letters
would land on the home screen as shortcuts (`s` summary, `u` unredacted export, `y` yes).
So a key that would run an action (a screen shortcut, a dialog answer, Enter) is discarded
if it was typed

* while a long job (import, export, restore) is running,
* within SETTLE seconds after a dialog or a long job closed (nobody reads a new screen
  faster than that), or
* before the dialog now on screen had opened.

Keys typed into the focused text box (letters, Backspace, arrows) are always kept, and
ctrl+q always quits. Dialogs that export contacts, delete or erase also wait a full second
before they accept "yes" (screens/confirm.py).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

from textual import events
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, TextArea

SETTLE = 0.5
ALWAYS = frozenset({"ctrl+q", "ctrl+c"})
# Textual's Input editing keys: they change the text box, never run an action.
EDITING = frozenset(
    {
        "backspace",
        "delete",
        "left",
        "right",
        "home",
        "end",
        "ctrl+left",
        "ctrl+right",
        "shift+left",
        "shift+right",
        "shift+home",
        "shift+end",
        "ctrl+u",
        "ctrl+k",
        "ctrl+w",
        "ctrl+f",
    }
)


class KeyGuard:
    """Decides, per key, whether it may run an action now. Times are Textual's (monotonic)."""

    def __init__(self, settle: float = SETTLE) -> None:
        self.settle = settle
        self.quiet_until = 0.0
        self.dialog_since = 0.0
        self.jobs = 0
        self.job_keys: frozenset[str] = frozenset()
        self.dropped = 0

    @contextlib.contextmanager
    def job(self, allow: frozenset[str] = frozenset()) -> Iterator[None]:
        """A long job is on screen: no action key runs until SETTLE after it ends, except
        those in `allow` (the job's own cancel key)."""
        self.jobs += 1
        before, self.job_keys = self.job_keys, self.job_keys | allow
        try:
            yield
        finally:
            self.jobs -= 1
            self.job_keys = before
            self.closed()

    def closed(self) -> None:
        self.quiet_until = max(self.quiet_until, time.monotonic() + self.settle)

    def screen_changed(self, before: Screen[object] | None, after: Screen[object]) -> None:
        """A dialog opened (keys typed before it must not answer it) or closed."""
        if after.is_modal and after is not before:
            self.dialog_since = time.monotonic()
        if before is not None and before.is_modal and before is not after:
            self.closed()

    def allows(self, event: events.Key, focused: Widget | None) -> bool:
        """False for a key that would run an action it was not meant for."""
        if event.key in ALWAYS or typing_into(event, focused):
            return True
        if self.jobs > 0 and event.key in self.job_keys:
            return True
        typed = event.time
        blocked = self.jobs > 0 or typed < self.quiet_until or typed < self.dialog_since
        if blocked:
            self.dropped += 1
        return not blocked


def typing_into(event: events.Key, focused: Widget | None) -> bool:
    """A letter or an editing key for the focused text box: never an action."""
    if not isinstance(focused, Input | TextArea):
        return False
    return event.is_printable or event.key in EDITING


def key_guard(app: object) -> KeyGuard:
    """The app's guard (a spare one for an app without, e.g. a widget test harness)."""
    guard = getattr(app, "key_guard", None)
    return guard if isinstance(guard, KeyGuard) else KeyGuard()
