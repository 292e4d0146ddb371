"""A virtualised list of attendees: only the visible rows are ever rendered.

Rebuilding an OptionList on every keystroke is what makes naive search lists lag; here a
new result set is just a new Python list, and `render_line` draws the rows on screen. Styles
are resolved once per repaint (walking the DOM for each line cost more than drawing it).
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from convener.storage.clock import parse_utc
from convener.tui.search import Entry


def local_time(stamp: str | None) -> str:
    """`10:02` in the computer's local time, from a stored UTC stamp."""
    if not stamp:
        return ""
    return parse_utc(stamp).astimezone().strftime("%H:%M")


def describe(entry: Entry, room: int = 1000) -> str:
    """`Designation, Organisation` for the second column, in `room` cells. What does not fit
    is cut at a word boundary from the designation first: the organisation is what tells two
    people of the same name apart at the door."""
    r = entry.row
    designation, organisation = r.get("designation") or "", r.get("organisation") or ""
    full = ", ".join(p for p in (designation, organisation) if p)
    if cell_len(full) <= room:
        return full
    if not designation or not organisation:
        return cut_words(full, room)
    left = room - cell_len(organisation) - 2
    if left >= 8:
        return f"{cut_words(designation, left)}, {organisation}"
    return cut_words(organisation, room)


def cut_words(text: str, room: int) -> str:
    """`text` in `room` cells, cut after a whole word with "…" (mid-word only if one word
    is longer than the room)."""
    if cell_len(text) <= room:
        return text
    if room <= 1:
        return "…"[:room]
    head = set_cell_size(text, room - 1)
    if not text[len(head) : len(head) + 1].isspace() and " " in head.strip():
        head = head.rstrip()[: head.rstrip().rfind(" ")]
    return head.rstrip(" ,;-") + "…"


class ResultList(Widget, can_focus=False):
    """Shows `entries`; `cursor` is the highlighted row (moved by the screen's keys)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "result-list--cursor",
        "result-list--done",
        "result-list--detail",
    }
    DEFAULT_CSS = """
    ResultList { height: 1fr; }
    ResultList > .result-list--cursor { background: $accent 40%; text-style: bold; }
    ResultList > .result-list--done { color: $success; }
    ResultList > .result-list--detail { color: $text-muted; }
    """

    cursor: reactive[int] = reactive(0, always_update=True)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entries: list[Entry] = []
        self.top = 0
        self._styles: dict[bool, tuple[Style, Style, Style]] | None = None
        self._width = 0
        self._times: dict[str, str] = {}
        self._cells: dict[tuple[object, ...], tuple[str, str]] = {}
        self.pending: set[str] = set()  # people whose check-in is still being written
        # True once the user moved the highlight (keys or mouse) since the rows were replaced:
        # only then does the highlight on an empty search mean "this person".
        self.moved_by_user = False

    def show(self, entries: list[Entry]) -> None:
        """Replace the rows; the cursor goes back to the first match."""
        self.entries = entries
        self.top = 0
        self.cursor = 0
        self.moved_by_user = False
        self.refresh()

    @property
    def highlighted(self) -> Entry | None:
        return self.entries[self.cursor] if 0 <= self.cursor < len(self.entries) else None

    def select(self, person_id: str) -> None:
        """Put the cursor on `person_id` if they are listed (after the list was read again)."""
        for at, entry in enumerate(self.entries):
            if entry.row["id"] == person_id:
                self.cursor = at
                return

    def move(self, delta: int) -> None:
        if self.entries:
            self.cursor = max(0, min(len(self.entries) - 1, self.cursor + delta))
            self.moved_by_user = True

    def on_click(self, event: events.Click) -> None:
        """A click highlights the row under the pointer (Enter then checks that person in)."""
        index = self.top + event.y
        if 0 <= index < len(self.entries):
            self.cursor = index
            self.moved_by_user = True

    def watch_cursor(self, cursor: int) -> None:
        height = max(1, self.size.height)
        if cursor < self.top:
            self.top = cursor
        elif cursor >= self.top + height:
            self.top = cursor - height + 1
        self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        self._styles = None  # styles and width are read again on the first line of a repaint
        return super().render_lines(crop)

    def line_styles(self, cursor: bool) -> tuple[Style, Style, Style]:
        """(row, detail, done) styles for a row with or without the cursor on it."""
        if self._styles is None:
            self._width = self.size.width
            base = self.rich_style
            detail = self.get_component_rich_style("result-list--detail", partial=True)
            done = self.get_component_rich_style("result-list--done", partial=True)
            self._styles = {}
            for on in (False, True):
                style = base + self.get_component_rich_style("result-list--cursor") if on else base
                self._styles[on] = (style, style + detail, style + done)
        return self._styles[cursor]

    def time_of(self, stamp: str) -> str:
        """`local_time`, remembered: the same rows are drawn again and again while typing."""
        text = self._times.get(stamp)
        if text is None:
            if len(self._times) > 4096:
                self._times.clear()
            text = self._times[stamp] = local_time(stamp)
        return text

    def cells_of(self, entry: Entry, name_width: int, detail_width: int) -> tuple[str, str]:
        """The name and detail cells of a row, remembered: typing redraws the same people."""
        row = entry.row
        key = (
            entry.label,
            bool(row.get("protected")),
            row.get("designation"),
            row.get("organisation"),
            name_width,
            detail_width,
        )
        cells = self._cells.get(key)
        if cells is None:
            if len(self._cells) > 4096:
                self._cells.clear()
            marker = "(protected) " if row.get("protected") else ""
            name = cut_words(marker + entry.label, name_width - 2)
            detail = describe(entry, detail_width - 1)
            cells = self._cells[key] = (
                f" {set_cell_size(name, name_width - 2)} ",
                set_cell_size(detail, detail_width),
            )
        return cells

    def render_line(self, y: int) -> Strip:
        base = self.line_styles(False)[0]
        width = self._width
        index = self.top + y
        if index >= len(self.entries):
            if index == 0 and y == 0:
                hint = " No match: ctrl+n adds a walk-in."
                return Strip([Segment(hint, base)]).adjust_cell_length(width, base)
            return Strip.blank(width, base)
        entry = self.entries[index]
        row = entry.row
        style, detail_style, done_style = self.line_styles(index == self.cursor)
        stamp = row.get("checked_in_at")
        # Below 100 columns the time alone says "checked in", and the width it frees goes to
        # designation and organisation: what tells two people of the same name apart.
        wide = width >= 96
        status_width = 22 if wide else 8
        status = ""
        if row["id"] in self.pending:
            status = "… saving"
        elif stamp:
            status = f"✓ {'checked in at ' if wide else ''}{self.time_of(stamp)}"
        name_width = min(32, width // 3) if wide else max(16, min(28, (width - status_width) // 2))
        detail_width = max(0, width - name_width - status_width)
        name, detail = self.cells_of(entry, name_width, detail_width)
        segments = [
            Segment(name, style),
            Segment(detail, detail_style),
            Segment(status.rjust(status_width), done_style if status else style),
        ]
        strip = Strip(segments, name_width + detail_width + status_width)
        return strip if strip.cell_length == width else strip.adjust_cell_length(width, style)
