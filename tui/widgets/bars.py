"""Counts as bars of block characters, laid out for whatever width they are drawn at.

A bar is drawn in eighths of a cell (▏▎▍▌▋▊▉█), so 18 and 19 look different in a narrow
panel. The bar itself carries the proportion: colour (the theme's, through a component
class) only dresses it, and with NO_COLOR the same characters read the same.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions
from rich.measure import Measurement
from rich.style import Style
from rich.text import Text

EIGHTHS = ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")
FULL = "█"
LEAST_BAR = 6  # cells a bar keeps while labels are cut to make room for it
LEAST_LABEL = 8  # cells a label keeps; narrower than that, the bars go instead


def bar(value: int, scale: int, width: int) -> str:
    """`value` out of `scale` as a bar up to `width` cells, in eighths; any count above 0
    shows at least an eighth, so nobody present is drawn as nothing."""
    if width <= 0 or scale <= 0 or value <= 0:
        return ""
    eighths = max(1, round(8 * width * min(value, scale) / scale))
    whole, part = divmod(eighths, 8)
    return FULL * whole + EIGHTHS[part]


class CountBars:
    """Rows of label, count and bar. Bars take the room left after the labels and shrink
    first, down to `LEAST_BAR`; then long labels are cut, down to `LEAST_LABEL`; narrower
    still, the bars go. The largest count has the full bar, as in the report's charts."""

    def __init__(self, rows: Sequence[tuple[str, int]], style: Style) -> None:
        self.rows = rows
        self.scale = max((n for _, n in rows), default=0)
        self.style = style

    def widths(self, width: int) -> tuple[int, int, int]:
        """(label, count, bar) widths for `width` cells."""
        count = max((len(str(n)) for _, n in self.rows), default=1)
        label = max((cell_len(text) for text, _ in self.rows), default=1)
        room = width - label - count - 2
        if room >= LEAST_BAR:
            return label, count, room
        if width - count - 2 - LEAST_BAR >= LEAST_LABEL:
            return width - count - 2 - LEAST_BAR, count, LEAST_BAR
        return max(1, width - count - 1), count, 0

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        label_width, count_width, bar_width = self.widths(options.max_width)
        for text, n in self.rows:
            label = Text(text, no_wrap=True, end="")
            label.truncate(label_width, overflow="ellipsis", pad=True)
            line = Text.assemble(label, " ", str(n).rjust(count_width), no_wrap=True)
            if bar_width:
                line.append(" ")
                line.append(bar(n, self.scale, bar_width), self.style)
            yield line

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        _, count, _ = self.widths(options.max_width)
        return Measurement(count + 2, options.max_width)
