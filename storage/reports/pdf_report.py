"""PDF rendering of an outline: the report as people print and attach it, Urdu included.

fpdf2 (>= 2.8.9) shapes Urdu through HarfBuzz and lays mixed lines out right-to-left where
they should be. Noto Sans is the main font and Noto Naskh Arabic its fallback (it has no
Latin letters); both ship with Convener, so nothing is fetched and every computer prints
the same. A4 or Letter, the title and any restriction notice at the top of each page,
"Page x of y" at the bottom, table headings repeated on each page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

from fpdf import FPDF

from convener.storage.reports.outline import (
    BulletList,
    Chart,
    Heading,
    Outline,
    Paragraph,
    Run,
    Table,
    block_texts,
)
from convener.storage.reports.outline import column_widths as outline_widths
from convener.storage.reports.pdf_chart import draw_chart

MAIN, FALLBACK = "NotoSans", "NotoNaskhArabic"
FONT_FILES = {
    (MAIN, ""): "NotoSans-Regular.ttf",
    (MAIN, "B"): "NotoSans-Bold.ttf",
    (FALLBACK, ""): "NotoNaskhArabic-Regular.ttf",
    (FALLBACK, "B"): "NotoNaskhArabic-Bold.ttf",
}
HEADING_SIZES = {0: 18, 1: 14, 2: 12, 3: 10.5}
BODY, SMALL, TABLE = 10, 8, 8.5
LINE = 5.0  # mm per line of body text
GREY = (90, 90, 90)
CHAR_MM = 1.75  # average width of a character of table text
CELL_PAD_MM = 2.6
PAD_X, PAD_Y = 1.2, 0.9

# Called with (done, total) as pages are laid out; raising from it stops the rendering.
Progress = Callable[[int, int], None]


def font_dir() -> Path:
    """The bundled fonts (package data, with their OFL licence)."""
    return Path(str(files("convener.storage.reports").joinpath("fonts")))


class _Document(FPDF):
    """FPDF with the report's page header and footer."""

    def __init__(self, outline: Outline, progress: Progress | None, pages: int) -> None:
        super().__init__(format="Letter" if outline.paper == "Letter" else "A4")
        self.outline = outline
        self.fallbacks: list[str] = []
        self.progress = progress
        self.estimated_pages = pages

    def scripts_of(self, texts: Iterable[str]) -> None:
        """Shape and fall back only where the text needs it.

        fpdf2 checks every character against the fallback font, and shapes through
        HarfBuzz, only when these are on; for Latin text both cost much and do nothing.
        """
        texts = list(texts)
        self.set_text_shaping(needs_shaping(texts))
        self._fallback_font_ids = (
            self.fallbacks if any(not _COVERED.fullmatch(t) for t in texts) else []
        )

    def header(self) -> None:
        # Latin text first on every page: in fpdf2 2.8.9, a page whose first text comes
        # from the fallback font draws its later Latin text without a font (invisible).
        self.set_font(MAIN, "", SMALL)
        x, y = self.get_x(), self.get_y()
        self.scripts_of(" ")
        self.cell(1, 1, " ")  # a Latin space, whatever the title's script
        self.set_xy(x, y)
        self.set_text_color(*GREY)
        self.scripts_of((self.outline.header, self.outline.notice))
        self.multi_cell(0, 4, self.outline.header, align="C", new_x="LMARGIN", new_y="NEXT")
        if self.outline.notice:
            self.set_font(MAIN, "B", SMALL)
            self.multi_cell(0, 4, self.outline.notice, align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.ln(3)
        if self.progress is not None:
            self.progress(self.page_no(), max(self.estimated_pages, self.page_no()))

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(MAIN, "", SMALL)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def new_document(outline: Outline, progress: Progress | None = None, pages: int = 1) -> _Document:
    """An empty document with the fonts, shaping and metadata set: the base of every PDF."""
    pdf = _Document(outline, progress, pages)
    folder = font_dir()
    for (family, style), name in FONT_FILES.items():
        pdf.add_font(family, style, str(folder / name))
    pdf.set_fallback_fonts([FALLBACK], exact_match=False)
    pdf.fallbacks = list(pdf._fallback_font_ids)
    pdf.set_text_shaping(True)
    pdf.set_margins(18, 15, 18)
    pdf.c_margin = 0  # text starts where the layout measured it, not 1 mm inside
    pdf.set_auto_page_break(True, margin=18)
    pdf.alias_nb_pages()
    pdf.set_title(outline.title)
    pdf.set_author(outline.author or "Convener")
    pdf.set_subject(outline.notice)
    pdf.set_keywords("; ".join(outline.keywords))
    pdf.set_creator("Convener")
    pdf.set_producer("Convener")
    pdf.set_creation_date(datetime.now(UTC))
    pdf.set_lang(outline.language)
    return pdf


def _runs(pdf: _Document, runs: Sequence[Run], size: float = BODY) -> None:
    """A paragraph of styled runs, wrapped at word boundaries across runs.

    fpdf2's `write` breaks the first word of a run mid-word when it starts near the end of
    a line, so lines are laid out here: words measured once, then each line drawn as
    same-style pieces.
    """
    words: list[tuple[str, str]] = []
    for text, look in runs:
        for i, part in enumerate(re.split(r"(\s+)", text)):
            if not part:
                continue
            words.append((" ", look) if i % 2 else (part, look))
    room = pdf.w - pdf.r_margin - pdf.l_margin - 0.5
    sizes: dict[tuple[str, str], float] = {}

    def width(word: str, look: str) -> float:
        if (word, look) not in sizes:
            pdf.set_font(MAIN, "B" if look == "b" else "", size)
            pdf.scripts_of((word,))
            sizes[word, look] = pdf.get_string_width(word)
        return sizes[word, look]

    lines: list[list[tuple[str, str]]] = [[]]
    used = 0.0
    for word, look in words:
        w = width(word, look)
        if word == " ":
            if lines[-1]:
                lines[-1].append((word, look))
                used += w
            continue
        if lines[-1] and used + w > room:
            while lines[-1] and lines[-1][-1][0] == " ":
                lines[-1].pop()
            lines.append([])
            used = 0.0
        lines[-1].append((word, look))
        used += w
    for line in lines:
        _line(pdf, line, size)
    pdf.set_text_color(0, 0, 0)


def _line(pdf: _Document, line: list[tuple[str, str]], size: float) -> None:
    if pdf.get_y() + LINE > pdf.page_break_trigger:
        pdf.add_page()
    x = pdf.l_margin
    pieces: list[tuple[str, str]] = []
    for word, look in line:
        if pieces and pieces[-1][1] == look:
            pieces[-1] = (pieces[-1][0] + word, look)
        else:
            pieces.append((word, look))
    y = pdf.get_y()
    for text, look in pieces:
        pdf.set_font(MAIN, "B" if look == "b" else "", size)
        pdf.set_text_color(*(GREY if look == "i" else (0, 0, 0)))
        pdf.scripts_of((text,))
        pdf.set_xy(x, y)
        advance = pdf.get_string_width(text)
        pdf.cell(advance + 0.01, LINE, text)
        x += advance
    pdf.set_xy(pdf.l_margin, y + LINE)


def _heading(pdf: _Document, block: Heading) -> None:
    size = HEADING_SIZES.get(block.level, BODY)
    if block.level <= 1 and pdf.get_y() > pdf.h - 60:
        pdf.add_page()  # a section heading is not left alone at the foot of a page
    pdf.ln(2 if block.level > 1 else 4)
    pdf.set_font(MAIN, "B", size)
    pdf.multi_cell(0, size * 0.5, block.text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _bullets(pdf: _Document, block: BulletList) -> None:
    left = pdf.l_margin
    for item in block.items:
        pdf.set_font(MAIN, "", BODY)
        pdf.set_x(left + 2)
        pdf.cell(4, LINE, "•")
        pdf.set_left_margin(left + 6)
        _runs(pdf, item)
        pdf.set_left_margin(left)
        pdf.ln(0.8)
    pdf.ln(1.5)


def column_widths(table: Table, available: float) -> list[float]:
    """mm per column: at least the longest word, the rest shared by how long the text is."""
    return outline_widths(table, available, CHAR_MM, CELL_PAD_MM, signature=40.0)


class _TableDrawer:
    """Draws a table row by row, repeating the heading row at the top of each new page.

    fpdf2's own table measures every character through its line breaker (milliseconds a
    cell); this wraps by whole words whose widths are measured once, so a participant list
    of thousands stays within seconds.
    """

    def __init__(self, pdf: _Document, block: Table) -> None:
        self.pdf = pdf
        self.block = block
        self.widths = column_widths(block, pdf.epw - 0.01)
        self.line = TABLE * 0.45
        self.sizes: dict[tuple[str, str], float] = {}

    def width(self, word: str, style: str) -> float:
        key = (word, style)
        if key not in self.sizes:
            self.pdf.set_font(MAIN, style, TABLE)
            self.pdf.scripts_of((word,))
            self.sizes[key] = self.pdf.get_string_width(word)
        return self.sizes[key]

    def wrap(self, text: str, room: float, style: str) -> list[str]:
        """Greedy word wrap; a word wider than the column is cut (columns are sized to avoid it)."""
        lines: list[str] = []
        current = ""
        for word in text.split():
            while self.width(word, style) > room and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and self.width(word[:cut], style) > room:
                    cut -= 1
                if current:
                    lines.append(current)
                    current = ""
                lines.append(word[:cut])
                word = word[cut:]
            candidate = f"{current} {word}" if current else word
            if current and self.width(candidate, style) > room:
                lines.append(current)
                current = word
            else:
                current = candidate
        if current:
            lines.append(current)
        return lines[:60] or [""]

    def row(self, cells: Sequence[str], heading: bool = False) -> None:
        pdf, style = self.pdf, "B" if heading else ""
        wrapped = [
            self.wrap(c, w - 2 * PAD_X, style) for c, w in zip(cells, self.widths, strict=True)
        ]
        height = max(len(lines) for lines in wrapped) * self.line + 2 * PAD_Y
        if self.block.tall and not heading:
            height = max(height, 10.0)
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
            if not heading:
                self.row(self.block.header, heading=True)
        pdf.scripts_of(cells)
        pdf.set_font(MAIN, style, TABLE)
        x, top = pdf.l_margin, pdf.get_y()
        for i, (lines, w) in enumerate(zip(wrapped, self.widths, strict=True)):
            pdf.rect(x, top, w, height, style="DF" if heading else "D")
            align = "R" if i in self.block.numeric and not heading else "L"
            for j, line in enumerate(lines):
                if line:
                    pdf.set_xy(x + PAD_X, top + PAD_Y + j * self.line)
                    pdf.cell(w - 2 * PAD_X, self.line, line, align=align)
            x += w
        pdf.set_xy(pdf.l_margin, top + height)

    def draw(self) -> None:
        self.pdf.set_fill_color(231, 230, 230)
        self.pdf.set_draw_color(120, 120, 120)
        self.pdf.set_line_width(0.2)
        self.row(self.block.header, heading=True)
        for values in self.block.rows:
            self.row(values)
        blank = ("",) * len(self.block.header)
        for _ in range(self.block.blank_rows):
            self.row(blank)
        self.pdf.ln(3)


# What the bundled Noto Sans subset draws; anything else needs the fallback font.
_COVERED = re.compile(
    "[\u0000-\u024f\u0259\u02b0-\u036f\u0370-\u03ff\u0400-\u045f\u1e00-\u1eff"
    "\u2000-\u206f\u20a0-\u20cf\u2100-\u214f\u2190-\u2199\u2212\u25a0-\u25ff]*"
)
_COMPLEX = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def needs_shaping(texts: Iterable[str]) -> bool:
    """Whether any text is in a script that must be shaped (Urdu, Arabic, Hebrew).

    Shaping measures text through HarfBuzz glyph by glyph; Latin text does not need it, and
    a table of thousands of Latin names lays out several times faster without it.
    """
    return any(_COMPLEX.search(t) for t in texts)


def draw(pdf: _Document, outline: Outline) -> None:
    """Lay every block of the outline out on the document's pages."""
    pdf.add_page()
    for block in outline.blocks:
        pdf.scripts_of(block_texts(block))
        if isinstance(block, Heading):
            _heading(pdf, block)
        elif isinstance(block, Paragraph):
            _runs(pdf, block.runs)
            pdf.ln(1.5)
        elif isinstance(block, BulletList):
            _bullets(pdf, block)
        elif isinstance(block, Chart):
            draw_chart(pdf, block, pdf.scripts_of, MAIN)
        else:
            _TableDrawer(pdf, block).draw()


def estimate_pages(outline: Outline) -> int:
    """Roughly how many pages the outline fills, for a progress bar."""
    rows = sum(len(b.rows) + b.blank_rows for b in outline.blocks if isinstance(b, Table))
    others = sum(
        len(b.items) if isinstance(b, BulletList) else len(b.bars) if isinstance(b, Chart) else 1
        for b in outline.blocks
    )
    return max(1, rows // 32 + others // 30 + 1)


def render_pdf(outline: Outline, *, progress: Progress | None = None) -> bytes:
    """The outline as the bytes of a PDF file."""
    pdf = new_document(outline, progress, estimate_pages(outline))
    draw(pdf, outline)
    data: Any = pdf.output()
    return bytes(data)
