"""The one-line room count that stands in for the live panel below 100 columns.

`12 of 41 in · Female 5 ███▍ · Male 7 ████▊ · ctrl+o panel`: the split by sex with bars
(the larger count's is full), as wide as the line allows; bars go before words do.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions
from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from convener.storage.taxonomy import load_taxonomy
from convener.tui.widgets.bars import bar
from convener.tui.widgets.live_panel import labelled, room_words

LONGEST_BAR = 10  # cells: the line is a glance, not a chart
SEPARATOR = " · "


class RoomText:
    """The line, laid out for the width it is drawn at."""

    def __init__(self, counts: dict[str, Any], style: Style) -> None:
        self.head = Text.assemble(
            (str(counts["checked_in"]), "bold"), room_words(counts, short=True)
        )
        self.sexes = labelled(counts["by_gender"], load_taxonomy().genders)
        self.room = counts["checked_in"]
        self.scale = max((n for _, n in self.sexes), default=0)
        self.style = style

    def line(self, width: int) -> Text:
        parts = [self.head]
        if not self.room:
            parts.append(Text("nobody checked in yet"))
        words = [f"{label} {n}" for label, n in self.sexes]
        tail = Text("ctrl+o panel", style="dim")
        fixed = sum(map(cell_len, words)) + cell_len(self.head.plain) + cell_len(tail.plain)
        fixed += len(SEPARATOR) * (len(words) + 1) + len(words)  # a space before each bar
        each = min(LONGEST_BAR, (width - fixed) // max(1, len(words)))
        for word, (_, n) in zip(words, self.sexes, strict=True):
            part = Text(word)
            if each >= 2:
                part.append(" ")
                part.append(bar(n, self.scale, each), self.style)
            parts.append(part)
        parts.append(tail)
        line = Text(SEPARATOR).join(parts)
        line.no_wrap, line.overflow = True, "ellipsis"
        return line

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        yield self.line(options.max_width)


class RoomLine(Static):
    """Counts by sex on one line; the full panel is one key (ctrl+o) away."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"room-line--bar"}

    def show(self, counts: dict[str, Any]) -> None:
        self.update(RoomText(counts, self.get_component_rich_style("room-line--bar")))
