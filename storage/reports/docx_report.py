"""The event report as a Word document, so staff can edit it before it goes to donors.

Same sections as the Markdown report, as real headings, paragraphs, bullets and tables.
python-docx is loaded only when a DOCX is asked for (convener.storage.lazy). The body is
written as WordprocessingML directly: python-docx's paragraph and cell API looks styles up by
name and sets text one character at a time, which takes seconds for an event with thousands of
participants.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Sequence
from typing import Any

from convener.storage import lazy
from convener.storage.reports.markdown import NONE_RECORDED, agenda_table
from convener.storage.reports.model import Summary
from convener.storage.reports.tallies import Tally

_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
STYLES = ("Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet")

# A run of text and how it looks: "" plain, "b" bold, "i" italic.
Run = tuple[str, str]


def escape(text: str) -> str:
    """`&`, `<` and `>` as XML entities (xml.sax.saxutils' escape, without loading urllib,
    http and email at start-up as importing that module does)."""
    return html.escape(text, quote=False)


def _safe(text: str) -> str:
    return _XML_UNSAFE.sub("", text)


class _Writer:
    """Appends paragraphs and tables to a python-docx Document's body, quickly."""

    def __init__(self, doc: Any) -> None:
        etree = lazy.etree()
        self.doc = doc
        self.sub = etree.SubElement
        self.element = etree.Element
        self.style_ids = {name: doc.styles[name].style_id for name in STYLES}
        self.end = doc.element.body[-1]  # sectPr: content goes before it

    def _runs(self, parent: Any, runs: Sequence[Run]) -> None:
        for text, look in runs:
            if not text:
                continue
            run = self.sub(parent, _W + "r")
            if look:
                self.sub(self.sub(run, _W + "rPr"), _W + look)
            node = self.sub(run, _W + "t")
            node.text = _safe(text)
            node.set(_SPACE, "preserve")

    def paragraph(self, *runs: Run, style: str = "") -> None:
        p = self.element(_W + "p")
        if style:
            self.sub(self.sub(p, _W + "pPr"), _W + "pStyle").set(_W + "val", self.style_ids[style])
        self._runs(p, runs)
        self.end.addprevious(p)

    def text(self, text: str) -> None:
        self.paragraph((text, ""))

    def heading(self, text: str, level: int) -> None:
        self.paragraph((text, ""), style=f"Heading {level}" if level else "Title")

    def bullet(self, *runs: Run) -> None:
        self.paragraph(*runs, style="List Bullet")

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        """A grid with a bold header row; the body is parsed from one XML string at once."""
        etree = lazy.etree()
        table = self.doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        tbl = table._tbl
        cells = list(tbl.tr_lst[0].iterchildren(_W + "tc"))
        for tc, text in zip(cells, header, strict=True):
            self._runs(tc.find(_W + "p"), [(text, "b")])
        widths = [tc.find(f"{_W}tcPr/{_W}tcW").get(_W + "w") for tc in cells]
        body = "".join(_row_xml(values, widths) for values in rows)
        tbl.extend(etree.fromstring(f'<w:tbl xmlns:w="{_W[1:-1]}">{body}</w:tbl>'))
        self.paragraph()


def _row_xml(values: Sequence[str], widths: Sequence[str]) -> str:
    """One table row as WordprocessingML text (values escaped)."""
    cells = []
    for value, width in zip(values, widths, strict=True):
        run = f'<w:r><w:t xml:space="preserve">{escape(_safe(value))}</w:t></w:r>' if value else ""
        cells.append(
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr><w:p>{run}</w:p></w:tc>'
        )
    return "<w:tr>" + "".join(cells) + "</w:tr>"


def _tallies(w: _Writer, title: str, what: str, tallies: Sequence[Tally], total: int) -> None:
    w.heading(title, 3)
    rows = [(t.label, str(t.count), f"{round(100 * t.count / total)}%") for t in tallies]
    w.table((what, "Participants", "Share"), rows)


def _front(w: _Writer, summary: Summary) -> None:
    f = summary.facts
    w.heading(f.title, 0)
    if summary.unredacted:
        w.paragraph(
            (
                "UNREDACTED: contains contact details and names of people who did not "
                "consent to be named. For internal use only; do not share.",
                "b",
            )
        )
    for label, value in summary.facts.labelled():
        w.paragraph((f"{label}: ", "b"), (value, ""))
    w.heading("Overview", 1)
    w.text(summary.overview)
    w.heading("Objectives", 1)
    for objective in f.objectives:
        w.bullet((objective, ""))
    if not f.objectives:
        w.text(NONE_RECORDED)
    w.heading("Agenda", 1)
    if summary.agenda:
        w.table(*agenda_table(summary))
    else:
        w.text(NONE_RECORDED)


def _participation(w: _Writer, summary: Summary) -> None:
    part = summary.participation
    w.heading("Participation", 1)
    w.text(part.text)
    if part.total:
        _tallies(w, "By sex", "Sex", part.by_sex, part.total)
        _tallies(w, "By stakeholder group", "Stakeholder group", part.by_group, part.total)
        _tallies(w, "By organisation", "Organisation", part.by_organisation, part.total)
    w.heading("Notable participants", 1)
    for a in summary.notable:
        w.bullet((a.name, "b"), (f", {a.designation}" if a.designation else "", ""))
    if not summary.notable:
        w.text(NONE_RECORDED)


def _remarks(w: _Writer, summary: Summary) -> None:
    w.heading("Key points by speaker", 1)
    for speaker in summary.speakers:
        w.heading(speaker.speaker, 2)
        for point in speaker.points:
            w.bullet((f"{point.lead}: " if point.lead else "", "i"), (point.wording, ""))
    if not summary.speakers:
        w.text(NONE_RECORDED)
    for title, points in (
        ("Concerns", summary.concerns),
        ("Recommendations", summary.recommendations),
    ):
        w.heading(title, 1)
        for p in points:
            to = f"To {p.addressed_to}: " if p.addressed_to else ""
            w.bullet((to, "b"), (p.text, ""), (" — ", ""), (p.speaker, "i"))
        if not points:
            w.text(NONE_RECORDED)
    w.heading("Commitments and action points", 1)
    for p in summary.commitments:
        w.bullet((p.text, ""), (" — ", ""), (p.speaker, "i"))
    if summary.action_points:
        w.table(
            ("Who", "What", "By when", "Status"),
            [(a.who, a.what, a.due_text, a.status_label) for a in summary.action_points],
        )
    if not summary.commitments and not summary.action_points:
        w.text(NONE_RECORDED)


def _annex(w: _Writer, summary: Summary) -> None:
    w.heading("Annex: participant list", 1)
    header = ["No.", "Name", "Designation", "Organisation", "Stakeholder group", "Sex", "District"]
    if summary.unredacted:
        header += ["Phone", "Email"]
    rows = []
    for n, a in enumerate(summary.annex, 1):
        row = [
            str(n),
            a.name,
            a.designation,
            a.organisation,
            a.group_label,
            a.sex_label,
            a.district,
        ]
        rows.append([*row, a.phone, a.email] if summary.unredacted else row)
    if rows:
        w.table(header, rows)
    else:
        w.text(NONE_RECORDED)
    if summary.annex_note:
        w.text(summary.annex_note)


def render_docx(summary: Summary) -> bytes:
    """The report as the bytes of a .docx file."""
    doc = lazy.docx().Document()
    doc.core_properties.title = _safe(summary.facts.title)
    doc.core_properties.author = "Convener"
    writer = _Writer(doc)
    _front(writer, summary)
    _participation(writer, summary)
    _remarks(writer, summary)
    if summary.clock_jumps:
        writer.heading("A note on times", 1)
        for jump in summary.clock_jumps:
            writer.bullet((jump.text, ""))
    _annex(writer, summary)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
