"""Markdown rendering of an outline: the ready-to-send summary a coordinator mails to donors.

It only lays blocks out; what the report says is decided in `report_outline`. Every piece
of user text goes through `md_escape`, so a name like `# Heading` or `Ali | Khan` stays text
and cannot add headings, links, HTML or table columns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from convener.storage.reports.outline import (
    BulletList,
    Chart,
    Heading,
    Outline,
    Paragraph,
    Run,
)

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_LEADING = re.compile(r"^(\d+)([.)])|^([#+\-=:])")
_LOOKS = {"b": "**", "i": "*"}
BAR_WIDTH = 20  # characters a full bar spans in a Markdown chart
FILLS = ("█", "░")  # the first series dark, the second light: told apart without colour


def md_escape(text: str | None) -> str:
    """User text as inert Markdown on one line: markup characters escaped, not interpreted."""
    flat = " ".join((text or "").split())
    escaped = _SPECIAL.sub(r"\\\1", flat)
    return _LEADING.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", escaped)


def table(
    header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int] = ()
) -> list[str]:
    """A GitHub-style table; cells are escaped here, so pass plain text."""
    rule = ["---:" if i in numeric else "---" for i in range(len(header))]
    lines = [
        "| " + " | ".join(md_escape(h) or " " for h in header) + " |",
        "|" + "|".join(rule) + "|",
    ]
    lines += ["| " + " | ".join(md_escape(c) or " " for c in row) + " |" for row in rows]
    return lines


def runs(parts: Sequence[Run]) -> str:
    """Runs as inline Markdown; the spaces around a run stay outside its emphasis marks."""
    out = []
    for text, look in parts:
        escaped = md_escape(text)
        mark = _LOOKS.get(look, "")
        if not escaped:
            out.append(" " if text[:1].isspace() else "")
            continue
        lead = " " if text[:1].isspace() else ""
        tail = " " if text[-1:].isspace() else ""
        out.append(f"{lead}{mark}{escaped}{mark}{tail}")
    return "".join(out)


def text_bar(chart: Chart, value: int, series: int = 0) -> str:
    """A bar of whole characters, `BAR_WIDTH` for the chart's scale; a count above 0 shows."""
    if not chart.scale or not value:
        return ""
    return FILLS[series] * max(1, round(BAR_WIDTH * value / chart.scale))


def chart_lines(chart: Chart) -> list[str]:
    """A chart as a table of text bars, each followed by its number; a legend if two fills."""
    rows = [
        (b.label, f"{text_bar(chart, b.value, b.series)} {b.value}".strip()) for b in chart.bars
    ]
    lines = table((chart.what, chart.title), rows)
    if len(chart.series) > 1:
        lines += ["", "   ".join(f"{FILLS[i]} {md_escape(s)}" for i, s in enumerate(chart.series))]
    return lines


def render_outline(outline: Outline) -> str:
    """The whole document as Markdown text, ending with a newline."""
    out: list[str] = []
    for block in outline.blocks:
        if isinstance(block, Heading):
            out += ["#" * (block.level + 1) + " " + md_escape(block.text), ""]
        elif isinstance(block, Paragraph):
            out += [runs(block.runs), ""]
        elif isinstance(block, BulletList):
            out += [*(f"- {runs(item)}" for item in block.items), ""]
        elif isinstance(block, Chart):
            out += [*chart_lines(block), ""]
        else:
            rows = [*block.rows, *([("",) * len(block.header)] * block.blank_rows)]
            out += [*table(block.header, rows, block.numeric), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def render_markdown(outline: Outline) -> bytes:
    """The registry's entry point: UTF-8 bytes."""
    return render_outline(outline).encode("utf-8")
