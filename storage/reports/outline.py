"""A report as an ordered outline of blocks: the only thing Markdown, DOCX and PDF render.

The summary builder decides what a report says and in what order (`report_outline`); a
renderer decides only how a heading, a paragraph, a bullet list or a table looks in its
format. A new block kind (a chart, say) is one more dataclass here and one more branch in
each renderer. Every string in a block is final, already redacted text: plain data, never
markup.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

# A piece of text and how it looks: "" plain, "b" bold, "i" italic.
Run = tuple[str, str]


@dataclass(frozen=True)
class Heading:
    """A heading; level 0 is the document title, then 1, 2, 3 without skipping."""

    text: str
    level: int


@dataclass(frozen=True)
class Paragraph:
    runs: tuple[Run, ...]

    @classmethod
    def plain(cls, text: str) -> Paragraph:
        return cls(((text, ""),))

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.runs)


@dataclass(frozen=True)
class BulletList:
    items: tuple[tuple[Run, ...], ...]

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple("".join(text for text, _ in item) for item in self.items)


@dataclass(frozen=True)
class Table:
    """A grid with a header row that repeats on each page; `numeric` columns align right.

    `blank_rows` are empty rows to write by hand (sign-in sheets); `tall` rows leave room
    for a signature.
    """

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[int, ...] = ()
    blank_rows: int = 0
    tall: bool = False


# The fills a drawn chart uses (RGB): a dark one for attendance, a light one for who was
# expected; 62% apart in luminance, so they differ on a grey printout too.
FILLS = ((31, 56, 100), (200, 214, 234))
INK = (0, 0, 0)


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: a table row's label and number; `series` 1 is drawn lighter."""

    label: str
    value: int
    series: int = 0


@dataclass(frozen=True)
class Chart:
    """Horizontal bars for the table just before it: its labels, its numbers, nothing else.

    Made only by `chart_of(table)`, so a chart cannot show a count, a label or a person that
    its table withholds at the report's privacy level. A bar `scale` long (the largest)
    spans the whole width; `series` names the fills (dark, then light) for the legend.
    """

    title: str
    what: str
    bars: tuple[Bar, ...]
    scale: int
    series: tuple[str, ...]

    def length(self, bar: Bar, full: float) -> float:
        """How long `bar` is when the scale is `full` long: any count above 0 shows."""
        if not self.scale or not bar.value:
            return 0.0
        return max(full * bar.value / self.scale, full / 100)

    @property
    def alt_text(self) -> str:
        """The chart in words, for screen readers and anyone who cannot see the picture."""
        counts = "; ".join(f"{b.label}: {b.value}" for b in self.bars)
        return f"Bar chart, {self.title.lower()}: {counts}."


def chart_of(
    table: Table, title: str, *, lighter: Sequence[str] = (), legend: tuple[str, ...] = ()
) -> Chart:
    """The chart of a label-and-count table (label in column 0, count in column 1).

    The longest bar spans the width, as in any bar chart; the numbers on the bars and the
    table's shares say what it stands for. Rows labelled in `lighter` are the second
    series; `legend` names the series (by default the count column's heading).
    """
    bars = tuple(Bar(row[0], int(row[1]), int(row[0] in lighter)) for row in table.rows)
    scale = max((b.value for b in bars), default=0)
    return Chart(title, table.header[0], bars, scale, legend or (table.header[1],))


Block = Heading | Paragraph | BulletList | Table | Chart


@dataclass(frozen=True)
class Outline:
    """A whole document: what the renderers lay out, and what goes in page headers.

    `notice` is the warning every page of a restricted report repeats (verification, full);
    `paper` is "A4" or "Letter".
    """

    title: str
    blocks: tuple[Block, ...]
    header: str = ""
    notice: str = ""
    author: str = ""
    paper: str = "A4"
    language: str = "en"
    landscape: bool = False
    keywords: tuple[str, ...] = field(default_factory=tuple)

    def texts(self) -> Iterator[str]:
        """Every string the document shows, for privacy checks over the whole outline."""
        yield from (self.title, self.header, self.notice, self.author)
        for block in self.blocks:
            yield from block_texts(block)


def block_texts(block: Block) -> Iterator[str]:
    """Every string one block shows."""
    if isinstance(block, (Heading, Paragraph)):
        yield block.text
    elif isinstance(block, BulletList):
        yield from block.texts
    elif isinstance(block, Chart):
        yield from (block.title, block.what, *block.series, block.alt_text)
        for bar in block.bars:
            yield from (bar.label, str(bar.value))
    else:
        yield from block.header
        for row in block.rows:
            yield from row


def column_widths(
    table: Table, available: float, char: float, pad: float, signature: float
) -> list[float]:
    """Column widths for a page `available` wide, in the renderer's unit (twips, mm).

    Each column gets at least its longest word (`char` per character plus `pad`) so no word
    breaks; the rest of the page is shared by how long the text is. A signature column
    (`tall` tables) gets at least `signature`, and a sheet to sign spans the page.
    """
    columns = (
        list(zip(table.header, *table.rows, strict=True))
        if table.rows
        else [(h,) for h in table.header]
    )
    least, wanted = [], []
    for cells in columns:
        words = [len(w) for c in cells for w in c.split()] or [1]
        least.append(max(words) * char + pad)
        longest = max((len(c) for c in cells), default=1)
        wanted.append(max(least[-1], min(longest, 45) * char + pad))
    if table.tall:  # the signature column needs room to sign
        wanted[-1] = least[-1] = max(least[-1], signature)
    if sum(least) >= available:
        return [w * available / sum(least) for w in least]
    if sum(wanted) <= available:
        if table.tall:  # a sheet to sign: the spare width goes to the signatures
            wanted[-1] += available - sum(wanted)
        return wanted  # narrow tables stay narrow
    spare = available - sum(least)
    extra = [w - m for w, m in zip(wanted, least, strict=True)]
    total = sum(extra) or 1.0
    return [m + e * spare / total for m, e in zip(least, extra, strict=True)]
