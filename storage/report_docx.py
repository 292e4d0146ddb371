"""The event report as a Word document, so staff can edit it before it goes to donors.

Same sections as the Markdown report, as real headings, paragraphs and tables. python-docx
is imported only when a DOCX is asked for. Large tables (thousands of participants) are
built directly as XML rows: python-docx's cell API is too slow for them.
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Sequence
from typing import Any

from storage.report_markdown import NONE_RECORDED
from storage.summary_model import Point, Summary
from storage.summary_tallies import Tally

_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _safe(text: str) -> str:
    return _XML_UNSAFE.sub("", text)


def _table(doc: Any, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A table with a bold header row; body rows are cloned from a blank row for speed."""
    from docx.oxml.ns import qn
    from lxml import etree

    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    tbl = table._tbl
    blank = copy.deepcopy(tbl.tr_lst[0])
    for tc in blank.iterchildren(qn("w:tc")):
        for p in tc.iterchildren(qn("w:p")):
            for r in list(p.iterchildren(qn("w:r"))):
                p.remove(r)
    for values in rows:
        tr = copy.deepcopy(blank)
        for tc, value in zip(tr.iterchildren(qn("w:tc")), values, strict=True):
            if value:
                run = etree.SubElement(tc.find(qn("w:p")), qn("w:r"))
                text = etree.SubElement(run, qn("w:t"))
                text.text = _safe(value)
                text.set(_SPACE, "preserve")
        tbl.append(tr)
    doc.add_paragraph()


def _bullet(doc: Any, text: str, lead: str = "", tail: str = "") -> None:
    p = doc.add_paragraph(style="List Bullet")
    if lead:
        p.add_run(_safe(lead)).italic = True
    p.add_run(_safe(text))
    if tail:
        p.add_run(" — ")
        p.add_run(_safe(tail)).italic = True


def _none(doc: Any) -> None:
    doc.add_paragraph(NONE_RECORDED)


def _tallies(doc: Any, title: str, what: str, tallies: Sequence[Tally], total: int) -> None:
    doc.add_heading(title, level=3)
    rows = [(t.label, str(t.count), f"{round(100 * t.count / total)}%") for t in tallies]
    _table(doc, (what, "Participants", "Share"), rows)


def _point(doc: Any, point: Point) -> None:
    _bullet(doc, point.wording, lead=f"{point.lead}: " if point.lead else "")


def _front(doc: Any, summary: Summary) -> None:
    f = summary.facts
    doc.add_heading(_safe(f.title), level=0)
    if summary.unredacted:
        doc.add_paragraph().add_run(
            "UNREDACTED: contains contact details and names of people who did not consent "
            "to be named. For internal use only; do not share."
        ).bold = True
    for label, value in (
        ("Date", f.date_text),
        ("Time", f.time_text),
        ("Venue", f.place_text),
        ("Organised by", "; ".join(f.organisers)),
        ("Hosted by", f.host),
        ("Rapporteur", f.rapporteur),
    ):
        if value:
            p = doc.add_paragraph()
            p.add_run(f"{label}: ").bold = True
            p.add_run(_safe(value))
    doc.add_heading("Overview", level=1)
    doc.add_paragraph(_safe(summary.overview))
    doc.add_heading("Objectives", level=1)
    for objective in f.objectives:
        _bullet(doc, objective)
    if not f.objectives:
        _none(doc)
    doc.add_heading("Agenda", level=1)
    if summary.agenda:
        _table(
            doc,
            ("Time", "Session", "Led by"),
            [(a.starts_at, a.title, a.presenter) for a in summary.agenda],
        )
    else:
        _none(doc)


def _participation(doc: Any, summary: Summary) -> None:
    part = summary.participation
    doc.add_heading("Participation", level=1)
    doc.add_paragraph(_safe(part.text))
    if part.total:
        _tallies(doc, "By sex", "Sex", part.by_sex, part.total)
        _tallies(doc, "By stakeholder group", "Stakeholder group", part.by_group, part.total)
        _tallies(doc, "By organisation", "Organisation", part.by_organisation, part.total)
    doc.add_heading("Notable participants", level=1)
    for a in summary.notable:
        p = doc.add_paragraph(style="List Bullet")
        p.add_run(_safe(a.name)).bold = True
        if a.designation:
            p.add_run(_safe(f", {a.designation}"))
    if not summary.notable:
        _none(doc)


def _remarks(doc: Any, summary: Summary) -> None:
    doc.add_heading("Key points by speaker", level=1)
    for speaker in summary.speakers:
        doc.add_heading(_safe(speaker.speaker), level=2)
        for point in speaker.points:
            _point(doc, point)
    if not summary.speakers:
        _none(doc)
    for title, points in (
        ("Concerns", summary.concerns),
        ("Recommendations", summary.recommendations),
    ):
        doc.add_heading(title, level=1)
        for p in points:
            _bullet(
                doc, p.text, lead=f"To {p.addressed_to}: " if p.addressed_to else "", tail=p.speaker
            )
        if not points:
            _none(doc)
    doc.add_heading("Commitments and action points", level=1)
    for p in summary.commitments:
        _bullet(doc, p.text, tail=p.speaker)
    if summary.action_points:
        _table(
            doc,
            ("Who", "What", "By when", "Status"),
            [(a.who, a.what, a.due_text, a.status_label) for a in summary.action_points],
        )
    if not summary.commitments and not summary.action_points:
        _none(doc)


def _annex(doc: Any, summary: Summary) -> None:
    doc.add_heading("Annex: participant list", level=1)
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
        _table(doc, header, rows)
    else:
        _none(doc)
    if summary.annex_note:
        doc.add_paragraph(summary.annex_note)


def render_docx(summary: Summary) -> bytes:
    """The report as the bytes of a .docx file."""
    import docx

    doc = docx.Document()
    doc.core_properties.title = _safe(summary.facts.title)
    doc.core_properties.author = "Convener"
    _front(doc, summary)
    _participation(doc, summary)
    _remarks(doc, summary)
    _annex(doc, summary)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
