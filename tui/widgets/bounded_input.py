"""Pastes are bounded: a paste is cut to what the box may still hold, at once, with a word.

Textual's Input refuses a paste that would pass its `max_length` as a whole, and keeps only
the first line of one with several: a coordinator pasting a long statement into the note box
would see nothing happen, or lose all but its first line. A BoundedInput takes a paste as one
line (each line break becomes a space) cut to the room left in the box, and says once per
flood what was left out. The cut happens in the box itself, against its value at that
moment: a 1 MB paste arrives as hundreds of pieces (tui/driver.py), queued one after another.
"""

from __future__ import annotations

import time

from textual import events
from textual.widget import Widget
from textual.widgets import Input

LINE_BREAKS = str.maketrans({"\r": " ", "\n": " ", "\t": " ", "\v": " ", "\f": " "})
NOTICE_EVERY = 3.0  # seconds between two "cut" messages


def one_line(text: str) -> str:
    """Each line break (and tab) becomes one space: a paste arriving in pieces reads the
    same as the whole."""
    return text.translate(LINE_BREAKS)


class CutNotice:
    """Says once per flood (every NOTICE_EVERY seconds at most) that a paste was cut."""

    def __init__(self, widget: Widget) -> None:
        self.widget = widget
        self.said_at = 0.0

    def say(self, limit: int, cut: int) -> None:
        now = time.monotonic()
        if now - self.said_at > NOTICE_EVERY:
            self.widget.notify(
                f"Pasted text cut to fit: this box holds at most {limit:,} characters"
                f" ({cut:,} left out).",
                severity="warning",
                timeout=8,
            )
        self.said_at = now


class BoundedInput(Input):
    """An Input (with a `max_length`) whose pastes are cut to fit rather than refused."""

    _notice: CutNotice | None = None

    @property
    def cut_notice(self) -> CutNotice:
        if self._notice is None:
            self._notice = CutNotice(self)
        return self._notice

    def _on_paste(self, event: events.Paste) -> None:
        event.prevent_default()  # not Input's own handler: it refuses or keeps line one
        event.stop()
        start, end = sorted(self.selection)
        line = one_line(event.text)
        room = self.max_length - len(self.value) + (end - start) if self.max_length else len(line)
        kept = line[: max(0, room)]
        if kept:
            self.replace(kept, start, end)
        if len(kept) < len(line):
            self.cut_notice.say(self.max_length or len(line), len(line) - len(kept))
