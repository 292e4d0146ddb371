"""A report as an ordered outline of blocks: the only thing Markdown, DOCX and PDF render.

The summary builder decides what a report says and in what order (`report_outline`); a
renderer decides only how a heading, a paragraph, a bullet list or a table looks in its
format. A new block kind (a chart, say) is one more dataclass here and one more branch in
each renderer. Every string in a block is final, already redacted text: plain data, never
markup.
"""

from __future__ import annotations

from collections.abc import Iterator
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


Block = Heading | Paragraph | BulletList | Table


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
    else:
        yield from block.header
        for row in block.rows:
            yield from row
