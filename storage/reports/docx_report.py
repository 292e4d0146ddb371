"""Word rendering of an outline, so staff can edit a report before it goes to donors.

A4 (or Letter where people print on it), the title (and funder) in the page header, "Page x
of y" fields in the footer, real document properties, table headings that repeat on every
page, columns as wide as their content needs so no word breaks mid-word, and Urdu runs marked
right-to-left with a complex-script font. The body is written as WordprocessingML text and
parsed once: python-docx's paragraph and cell API takes seconds for thousands of rows.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from convener.storage import lazy
from convener.storage.reports.chart_png import WIDTH, chart_png, rows_of
from convener.storage.reports.outline import (
    BulletList,
    Chart,
    Heading,
    Outline,
    Paragraph,
    Run,
    Table,
)
from convener.storage.reports.outline import column_widths as outline_widths

_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = "{" + _W_NS + "}"
# Arabic script (Urdu, Arabic, Persian, Pashto, Sindhi) and its presentation forms.
_RTL = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_RTL_SPAN = re.compile(
    r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]"
    r"(?:[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff\s\d.,،؛-]*"
    r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff])?"
)
COMPLEX_FONT = "Arial"  # on every Windows PC, and it has Arabic-script glyphs
STYLES = ("Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet")
PAPER = {"A4": (11906, 16838), "Letter": (12240, 15840)}  # twentieths of a point
MARGIN = 1134  # 2 cm
CHAR = 118  # twips per character of 9-point table text, generously
CELL_PAD = 280
CHART_ROW = 320  # twips per chart row: one line of a 9-point label, exactly
CHART_WIDTH = 6804  # twips: 12 cm of bars is enough to compare, and leaves the page calm


def escape(text: str) -> str:
    """`&`, `<` and `>` as XML entities (xml.sax.saxutils' escape, without loading urllib,
    http and email at start-up as importing that module does)."""
    return html.escape(text, quote=False)


def _safe(text: str) -> str:
    return _XML_UNSAFE.sub("", text)


def script_runs(text: str) -> list[tuple[str, bool]]:
    """Split text into (segment, right-to-left) pieces: Urdu words apart from Latin ones."""
    out: list[tuple[str, bool]] = []
    at = 0
    for match in _RTL_SPAN.finditer(text):
        if match.start() > at:
            out.append((text[at : match.start()], False))
        out.append((match.group(), True))
        at = match.end()
    if at < len(text):
        out.append((text[at:], False))
    return out


def _run_xml(text: str, look: str, size: int = 0) -> str:
    xml = []
    for piece, rtl in script_runs(_safe(text)):
        props = "<w:b/><w:bCs/>" if look == "b" else "<w:i/><w:iCs/>" if look == "i" else ""
        if size:
            props += f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
        if rtl:
            props = f'<w:rFonts w:cs="{COMPLEX_FONT}"/>{props}<w:rtl/><w:lang w:bidi="ur-PK"/>'
        rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
        xml.append(f'<w:r>{rpr}<w:t xml:space="preserve">{escape(piece)}</w:t></w:r>')
    return "".join(xml)


def _paragraph_xml(runs: Sequence[Run], style: str = "", extra: str = "", size: int = 0) -> str:
    ppr = f'<w:pStyle w:val="{style}"/>' if style else ""
    ppr += extra
    body = "".join(_run_xml(text, look, size) for text, look in runs if text)
    return f"<w:p>{'<w:pPr>' + ppr + '</w:pPr>' if ppr else ''}{body}</w:p>"


def column_widths(table: Table, available: int) -> list[int]:
    """Twips per column: at least the longest word (so none breaks), the rest by text length."""
    widths = outline_widths(table, available, CHAR, CELL_PAD, signature=2400)
    return [max(1, int(w)) for w in widths]


def _table_xml(table: Table, available: int) -> str:
    widths = column_widths(table, available)
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    height = '<w:trHeight w:val="560"/>' if table.tall else ""

    def row(values: Sequence[str], header: bool) -> str:
        props = "<w:cantSplit/>" + ("<w:tblHeader/>" if header else height)
        cells = []
        for i, (value, width) in enumerate(zip(values, widths, strict=True)):
            shade = '<w:shd w:val="clear" w:color="auto" w:fill="E7E6E6"/>' if header else ""
            align = '<w:jc w:val="right"/>' if i in table.numeric and not header else ""
            text = _paragraph_xml([(value, "b" if header else "")], extra=align, size=18)
            cells.append(
                f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shade}</w:tcPr>{text}</w:tc>'
            )
        return f"<w:tr><w:trPr>{props}</w:trPr>{''.join(cells)}</w:tr>"

    blank = ("",) * len(table.header)
    rows = [row(table.header, True)]
    rows += [row(r, False) for r in table.rows]
    rows += [row(blank, False) for _ in range(table.blank_rows)]
    return (
        '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/>'
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
        "<w:p/>"
    )


def _cut(label: str, room: int) -> str:
    """A label cut at a word to `room` characters, so it keeps to one line of its row."""
    if len(label) <= room:
        return label
    words = label[: room - 2].split()
    return " ".join(words[:-1] if len(words) > 1 else words) + " …"


def _chart_xml(chart: Chart, part: Any, available: int, number: int) -> str:
    """The chart as a borderless two-column table: labels as Word text, then the picture.

    Each label line is exactly `CHART_ROW` tall and so is each row of the picture, so a
    label sits beside its bar while Word shapes it (Urdu included). The picture goes in as
    an inline drawing python-docx builds, with its relationship to the PNG part; `descr`
    is the alt text Word shows and reads aloud, with every label and number.
    """
    etree = lazy.etree()
    longest = max((len(b.label) for b in chart.bars), default=1)
    label_width = min(longest * CHAR + CELL_PAD, available * 9 // 20)
    picture_width = min(available - label_width, CHART_WIDTH)
    rows = rows_of(chart)
    png = chart_png(chart, row=CHART_ROW * WIDTH / picture_width)
    inline = part.new_pic_inline(io.BytesIO(png), picture_width * 635, rows * CHART_ROW * 635)
    inline.docPr.set("id", str(1000 + number))  # unique: python-docx counts only placed ones
    inline.docPr.set("descr", _safe(chart.alt_text))
    inline.docPr.set("title", _safe(chart.title))
    drawing = etree.tostring(inline, encoding="unicode")
    exact = f'<w:spacing w:before="0" w:after="0" w:line="{CHART_ROW}" w:lineRule="exact"/>'
    room = max(4, (label_width - CELL_PAD) // 100)  # 100 twips: a 9-point letter, roomily
    labels = [""] * (rows - len(chart.bars)) + [_cut(b.label, room) for b in chart.bars]
    label_xml = "".join(
        _paragraph_xml([(label, "")], extra=exact + '<w:jc w:val="right"/>', size=18)
        for label in labels
    )
    picture_xml = (
        '<w:p><w:pPr><w:spacing w:before="0" w:after="0"/></w:pPr>'
        f"<w:r><w:drawing>{drawing}</w:drawing></w:r></w:p>"
    )
    cells = "".join(
        f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>{xml}</w:tc>'
        for w, xml in ((label_width, label_xml), (picture_width, picture_xml))
    )
    return (
        f'<w:tbl><w:tblPr><w:tblW w:w="{label_width + picture_width}" w:type="dxa"/>'
        '<w:tblLayout w:type="fixed"/></w:tblPr>'
        f'<w:tblGrid><w:gridCol w:w="{label_width}"/><w:gridCol w:w="{picture_width}"/>'
        f"</w:tblGrid><w:tr><w:trPr><w:cantSplit/></w:trPr>{cells}</w:tr></w:tbl><w:p/>"
    )


def _body_xml(outline: Outline, style_ids: dict[str, str], available: int, part: Any) -> str:
    parts = []
    for number, block in enumerate(outline.blocks):
        if isinstance(block, Heading):
            style = style_ids["Title" if block.level == 0 else f"Heading {min(block.level, 3)}"]
            parts.append(_paragraph_xml([(block.text, "")], style, "<w:keepNext/>"))
        elif isinstance(block, Paragraph):
            parts.append(_paragraph_xml(block.runs))
        elif isinstance(block, BulletList):
            parts += [_paragraph_xml(item, style_ids["List Bullet"]) for item in block.items]
        elif isinstance(block, Chart):
            parts.append(_chart_xml(block, part, available, number))
        else:
            parts.append(_table_xml(block, available))
    return "".join(parts)


def _field(instruction: str) -> str:
    return (
        f'<w:fldSimple w:instr=" {instruction} "><w:r><w:rPr><w:noProof/></w:rPr>'
        "<w:t>1</w:t></w:r></w:fldSimple>"
    )


def _header_footer(section: Any, outline: Outline) -> None:
    etree = lazy.etree()
    header = section.header.paragraphs[0]
    header.text = ""
    lines = [outline.header] + ([outline.notice] if outline.notice else [])
    p = etree.fromstring(
        f'<w:p xmlns:w="{_W_NS}"><w:pPr><w:jc w:val="center"/></w:pPr>'
        + "".join(
            _run_xml(line + ("  " if i == 0 and len(lines) > 1 else ""), "b" if i else "", 16)
            for i, line in enumerate(lines)
        )
        + "</w:p>"
    )
    header._p.getparent().replace(header._p, p)
    footer = section.footer.paragraphs[0]
    p = etree.fromstring(
        f'<w:p xmlns:w="{_W_NS}"><w:pPr><w:jc w:val="center"/></w:pPr>'
        f"{_run_xml('Page ', '', 16)}{_field('PAGE')}{_run_xml(' of ', '', 16)}"
        f"{_field('NUMPAGES')}</w:p>"
    )
    footer._p.getparent().replace(footer._p, p)


def _properties(doc: Any, outline: Outline) -> None:
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    props = doc.core_properties
    props.title = _safe(outline.title)[:255]
    props.author = _safe(outline.author or "Convener")[:255]
    props.last_modified_by = props.author
    props.created = props.modified = now
    props.revision = 1
    props.comments = ""
    props.subject = _safe(outline.notice)[:255]
    props.keywords = _safe("; ".join(outline.keywords))[:255]
    props.language = outline.language


def render_docx(outline: Outline) -> bytes:
    """The outline as the bytes of a .docx file."""
    docx = lazy.docx()
    etree = lazy.etree()
    twips = docx.shared.Twips
    doc = docx.Document()
    section = doc.sections[0]
    width, height = PAPER.get(outline.paper, PAPER["A4"])
    section.page_width, section.page_height = twips(width), twips(height)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, twips(MARGIN))
    _header_footer(section, outline)
    _properties(doc, outline)
    style_ids = {name: doc.styles[name].style_id for name in STYLES}
    body = _body_xml(outline, style_ids, width - 2 * MARGIN, doc.part)
    # Spliced in as text before the section properties and parsed once: moving thousands of
    # parsed elements into the document one by one is quadratic in lxml.
    xml = etree.tostring(doc.element, encoding="unicode")
    end = xml.rindex("<w:sectPr")
    doc.part._element = docx.oxml.parse_xml(xml[:end] + body + xml[end:])
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
