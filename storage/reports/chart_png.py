"""A chart block as a PNG picture for the Word report, drawn with Pillow.

The picture holds only bars, their numbers and the legend's fixed English words: Pillow
cannot be relied on to shape Urdu (that needs libraqm and FriBiDi, which Windows lacks), so
the labels stay Word text, in a column beside the picture whose lines are exactly as tall
as its rows, and the alt text carries every label and number. Pillow is already installed
as fpdf2's dependency; a plotting stack would add tens of megabytes for a few rectangles.
"""

from __future__ import annotations

import io
from functools import cache
from importlib.resources import files

from PIL import Image, ImageDraw, ImageFont

from convener.storage.reports.outline import FILLS, INK, Chart

WIDTH = 1200  # pixels across; the picture is scaled to its column, about 11 cm
PAD = 6
HATCH = 12  # pixels between the light series' diagonal lines


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    font = files("convener.storage.reports").joinpath("fonts").joinpath("NotoSans-Regular.ttf")
    return ImageFont.truetype(io.BytesIO(font.read_bytes()), size)


def _hatched(width: int, height: int) -> Image.Image:
    """A light bar with dark diagonal lines: the second series, told apart without colour."""
    bar = Image.new("RGB", (width, height), FILLS[1])
    draw = ImageDraw.Draw(bar)
    for x in range(-height, width, HATCH):
        draw.line([(x, height), (x + height, 0)], fill=FILLS[0], width=2)
    draw.rectangle([0, 0, width - 1, height - 1], outline=FILLS[0], width=2)
    return bar


def rows_of(chart: Chart) -> int:
    """Rows the picture has: one per bar, and one for the legend of a two-series chart."""
    return len(chart.bars) + (len(chart.series) > 1)


def chart_png(chart: Chart, row: float) -> bytes:
    """`chart` as PNG bytes, `WIDTH` pixels across and `row` pixels per row (bars, legend)."""
    legend = len(chart.series) > 1
    image = Image.new("RGB", (WIDTH, round(rows_of(chart) * row)), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    font = _font(max(8, round(row * 0.5)))
    thick = max(4, round(row * 0.6))
    number_room = int(draw.textlength("00000", font=font)) + 10
    full = WIDTH - 2 * PAD - number_room
    if legend:
        x = PAD + 4
        for series, name in enumerate(chart.series):
            top = round((row - thick) / 2)
            if series:
                image.paste(_hatched(thick * 2, thick), (x, top))
            else:
                draw.rectangle([x, top, x + thick * 2, top + thick], fill=FILLS[0])
            draw.text((x + thick * 2 + 10, row / 2), name, font=font, fill=INK, anchor="lm")
            x += thick * 2 + 40 + int(draw.textlength(name, font=font))
    first = round(legend * row)
    draw.line([(PAD, first), (PAD, image.height)], fill=INK, width=2)
    for n, bar in enumerate(chart.bars):
        middle = (legend + n + 0.5) * row
        top = round(middle - thick / 2)
        length = round(chart.length(bar, full))
        if length and bar.series:
            image.paste(_hatched(length, thick), (PAD, top))
        elif length:
            draw.rectangle([PAD, top, PAD + length, top + thick], fill=FILLS[0])
        draw.text((PAD + length + 10, middle), str(bar.value), font=font, fill=INK, anchor="lm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
