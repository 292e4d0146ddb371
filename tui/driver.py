"""Terminal input where a flood of keys arrives as one paste, not as a million key presses.

A terminal without bracketed paste (or a paste through a tool that strips it) sends a 1 MB
paste as 1 MB of typed keys. Textual makes a Key event of each and every widget redraws per
key: the app grew to 4.2 GB and stopped answering. No one types 64 keys between two reads of
the terminal, so such a run of plain keys (letters, Enter, Tab) is handed on as one Paste
event instead, which the app bounds like any other paste (tui/app.py) and the focused box
takes in one go; the rest of a flood that spills into the next reads goes the same way.

Only the POSIX driver is wrapped (tui/driver_posix.py: it reads the terminal in 4 KB
chunks); on Windows the unbracketed limit is documented instead (README).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from textual import events
from textual.message import Message

FLOOD = 64  # plain keys in one read of the terminal: a paste, not typing
SPILL = 0.15  # seconds: a read this soon after a flood continues it
TEXT_KEYS = {"enter": "\n", "ctrl+j": "\n", "tab": "\t"}
PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"
PLAIN = re.compile(r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*\Z")  # text, \t, \n and \r only


def as_text(event: Message) -> str | None:
    """The text a key would type, or None for anything else (arrows, ctrl keys, mouse)."""
    if not isinstance(event, events.Key):
        return None
    if event.key in TEXT_KEYS:
        return TEXT_KEYS[event.key]
    if event.is_printable and event.character:
        return event.character
    return None


class FloodGate:
    """Turns runs of plain keys in one read into Paste events; remembers a flood in progress."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.flood_until = 0.0
        self.in_paste = False  # inside a bracketed paste (ESC[200~ … ESC[201~)
        self.tail = ""  # the end of the previous read: a marker may be split across reads

    def plain_flood(self, data: str) -> str | None:
        """A read that is only text (no escape, no control key) and part of a flood: its text.

        Such a read skips Textual's key parser, which takes tens of microseconds per key:
        a megabyte would keep it busy for most of a minute. A read inside a bracketed paste
        is left to the parser, which assembles that paste itself."""
        seen = self.tail + data
        start, end = seen.rfind(PASTE_START), seen.rfind(PASTE_END)
        in_paste = self.in_paste if start == end else start > end
        plain = (
            not self.in_paste
            and not in_paste
            and "\x1b" not in self.tail
            and (len(data) >= FLOOD or float(self.clock()) < self.flood_until)
            and PLAIN.match(data) is not None
        )
        self.in_paste, self.tail = in_paste, seen[-len(PASTE_START) :]
        if not plain:
            return None
        self.flood_until = float(self.clock()) + SPILL
        return data.replace("\r\n", "\n").replace("\r", "\n")

    def coalesce(self, batch: list[Message]) -> list[Message]:
        flooding = float(self.clock()) < self.flood_until
        texts = [as_text(event) for event in batch]
        if not flooding and sum(t is not None for t in texts) < FLOOD:
            return batch
        out: list[Message] = []
        run: list[tuple[Message, str]] = []
        for event, text in zip(batch, texts, strict=True):
            if text is not None:
                run.append((event, text))
                continue
            self._flush(run, out, flooding)
            out.append(event)
        self._flush(run, out, flooding)
        return out

    def _flush(self, run: list[tuple[Message, str]], out: list[Message], flooding: bool) -> None:
        if not run:
            return
        if flooding or len(run) >= FLOOD:
            out.append(events.Paste("".join(text for _, text in run)))
            self.flood_until = float(self.clock()) + SPILL
        else:
            out.extend(event for event, _ in run)
        run.clear()
