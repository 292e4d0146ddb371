"""A chart block drawn in the PDF report as vectors: rectangles, lines and shaped text.

Labels are drawn with the report's bundled fonts through the same text shaping as the rest
of the PDF, so an Urdu stakeholder group reads right; every bar carries its number, and the
second series (who was expected) is light and hatched, apart from the dark one without
colour. Kept apart from `pdf_report` so that module stays a layout of blocks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from fpdf import FPDF

from convener.storage.reports.outline import FILLS, INK, Chart

ROW = 5.6  # mm per bar
BAR = 3.6  # mm: the bar's own height within its row
SIZE, LEAST = 8.5, 6.5  # points: label text, and the smallest a long label shrinks to
NUMBER_ROOM = 12.0  # mm right of a full bar for its number
LONGEST = 110.0  # mm: bars long enough to compare, on a page that stays calm
HATCH = 1.2  # mm between the light series' diagonal lines

# Set the document's shaping and fallback font for the texts about to be drawn.
Shaper = Callable[[Iterable[str]], None]


def _hatched(pdf: FPDF, x: float, y: float, w: float, h: float) -> None:
    """A light bar with dark diagonal lines and a dark edge."""
    pdf.set_fill_color(*FILLS[1])
    pdf.set_draw_color(*FILLS[0])
    pdf.set_line_width(0.2)
    pdf.rect(x, y, w, h, style="DF")
    with pdf.rect_clip(x, y, w, h):
        step = 0.0
        while step < w + h:
            pdf.line(x + step - h, y + h, x + step, y)
            step += HATCH


def _bar(pdf: FPDF, x: float, y: float, w: float, series: int) -> None:
    if w <= 0:
        return
    if series:
        _hatched(pdf, x, y, w, BAR)
    else:
        pdf.set_fill_color(*FILLS[0])
        pdf.rect(x, y, w, BAR, style="F")


def _fit(pdf: FPDF, font: str, text: str, room: float) -> str:
    """`text` at a size it fits `room` in (down to LEAST); cut at a word if still too long."""
    size = SIZE
    pdf.set_font(font, "", size)
    while pdf.get_string_width(text) > room and size > LEAST:
        size -= 0.5
        pdf.set_font(font, "", size)
    words = text.split()
    while len(words) > 1 and pdf.get_string_width(text) > room:
        words.pop()
        text = " ".join(words) + " …"
    return text


def _legend(pdf: FPDF, chart: Chart, shape: Shaper, font: str, x: float) -> None:
    y = pdf.get_y()
    for series, name in enumerate(chart.series):
        _bar(pdf, x, y + (ROW - BAR) / 2, 8, series)
        shape((name,))
        pdf.set_font(font, "", SIZE)
        pdf.set_xy(x + 10, y)
        pdf.cell(pdf.get_string_width(name) + 1, ROW, name)
        x += 16 + pdf.get_string_width(name)
    pdf.set_y(y + ROW)


def draw_chart(pdf: FPDF, chart: Chart, shape: Shaper, font: str) -> None:
    """Draw `chart` below what is on the page, starting a new page if it does not fit."""
    rows = len(chart.bars) + (len(chart.series) > 1)
    if pdf.get_y() + rows * ROW > pdf.page_break_trigger and rows * ROW < pdf.eph:
        pdf.add_page()
    shape(b.label for b in chart.bars)
    pdf.set_font(font, "", SIZE)
    widest = max((pdf.get_string_width(b.label) for b in chart.bars), default=0.0)
    label_w = min(widest + 1, pdf.epw * 0.4)
    axis = pdf.l_margin + label_w + 2
    full = min(pdf.epw - label_w - 2 - NUMBER_ROOM, LONGEST)
    if len(chart.series) > 1:
        _legend(pdf, chart, shape, font, axis)
    top = pdf.get_y()
    for row, bar in enumerate(chart.bars):
        y = top + row * ROW
        shape((bar.label,))
        label = _fit(pdf, font, bar.label, label_w)
        pdf.set_text_color(*INK)
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(label_w, ROW, label, align="R")
        length = chart.length(bar, full)
        _bar(pdf, axis, y + (ROW - BAR) / 2, length, bar.series)
        shape((str(bar.value),))
        pdf.set_font(font, "", SIZE)
        pdf.set_xy(axis + length + 1, y)
        pdf.cell(NUMBER_ROOM - 1, ROW, str(bar.value))
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.3)
    pdf.line(axis, top, axis, top + len(chart.bars) * ROW)
    pdf.set_xy(pdf.l_margin, top + len(chart.bars) * ROW + 3)
