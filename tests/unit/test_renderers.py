"""The renderers, read back the way people open their files: DOCX with python-docx and its
XML, PDF with pypdf, XLSX with openpyxl; the sign-in sheet; and privacy at every level, first
on the outline (every renderer's only input), then in each rendered file's text."""

from __future__ import annotations

import io
import itertools
import re
import shutil
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from pypdf import PdfReader
from sqlite_utils import Database

from convener.storage.db.connection import connect
from convener.storage.events import create_event, get_event, update_event
from convener.storage.reports.docx_report import CHAR, column_widths, render_docx, script_runs
from convener.storage.reports.export import export_event
from convener.storage.reports.markdown import render_outline
from convener.storage.reports.outline import (
    BulletList,
    Heading,
    Outline,
    Paragraph,
    Table,
)
from convener.storage.reports.pdf_report import render_pdf
from convener.storage.reports.report_outline import report_outline
from convener.storage.reports.signin_sheet import export_sheet, sheet_outline
from convener.storage.reports.summary import build_summary
from tests.unit.readback import file_text, holds, pdf_text, squash, zip_text

SLUG = "quetta-dialogue"
URDU = "نسیم اختر"
PROTECTED = "Gul Bano"
NOT_CONSENTED = "Shazia Jamali"
OFF_RECORD = "Agents who recruit young men"
CONTACTS = ("03214968372", "saima.rind@example.org")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MM = 72 / 25.4


@pytest.fixture
def db(tmp_path: Path, imported: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.setenv("TZ", "UTC")  # the event's own offset decides local times, not ours
    time.tzset()
    shutil.copyfile(imported, tmp_path / "t.db")
    database = connect(tmp_path / "t.db")
    yield database
    database.close()
    monkeypatch.undo()
    time.tzset()


def sample_outline(db: Database, level: str = "public") -> Outline:
    return report_outline(build_summary(db, SLUG, level=level))


SMALL = Outline(
    title="Dialogue",
    blocks=(
        Heading("Dialogue", 0),
        Paragraph((("Bold ", "b"), ("and plain", ""))),
        Heading("Section", 1),
        BulletList(((("One", ""),), (("Two", "i"),))),
        Heading("Sub", 2),
        Table(("No.", "Name"), (("1", URDU), ("2", "Abdul Wahid Kakar")), numeric=(0,)),
    ),
    header="Dialogue · Embassy of Denmark",
    author="Fatima Changezi",
)


# --- Markdown -------------------------------------------------------------------------------


def test_markdown_renders_each_block_kind() -> None:
    assert render_outline(SMALL) == (
        "# Dialogue\n\n**Bold** and plain\n\n## Section\n\n- One\n- *Two*\n\n### Sub\n\n"
        f"| No. | Name |\n|---:|---|\n| 1 | {URDU} |\n| 2 | Abdul Wahid Kakar |\n"
    )


# --- DOCX -----------------------------------------------------------------------------------


def docx_of(outline: Outline) -> Any:
    return docx.Document(io.BytesIO(render_docx(outline)))


def test_docx_page_header_footer_and_properties(db: Database) -> None:
    data = render_docx(sample_outline(db))
    document = docx.Document(io.BytesIO(data))
    section = document.sections[0]
    assert (section.page_width, section.page_height) == (
        docx.shared.Twips(11906),
        docx.shared.Twips(16838),
    )
    assert "Provincial Dialogue on Human Trafficking" in section.header.paragraphs[0].text
    footer = zip_text(data)
    assert 'w:instr=" PAGE "' in footer and 'w:instr=" NUMPAGES "' in footer
    props = document.core_properties
    assert props.title == "Provincial Dialogue on Human Trafficking and Irregular Migration"
    assert props.author == "Fatima Changezi, Programme Officer, SSDO"
    assert props.created is not None and props.created.year == datetime.now(UTC).year
    assert "python-docx" not in (props.last_modified_by or "") + (props.comments or "")


def test_docx_letter_where_the_country_prints_on_it(db: Database) -> None:
    event = get_event(db, SLUG)
    update_event(db, event["id"], {"country": "United States"})
    width = docx_of(sample_outline(db)).sections[0].page_width
    assert width == docx.shared.Twips(12240)
    update_event(db, event["id"], {"paper": "a4"})  # the event's own choice wins
    assert docx_of(sample_outline(db)).sections[0].page_width == docx.shared.Twips(11906)


def test_docx_urdu_runs_are_right_to_left_with_a_complex_script_font() -> None:
    body = docx_of(SMALL).element.body
    runs = [r for r in body.iter(f"{W}r") if URDU.split()[0] in "".join(r.itertext())]
    assert runs
    for run in runs:
        props = run.find(f"{W}rPr")
        assert props is not None and props.find(f"{W}rtl") is not None
        assert props.find(f"{W}rFonts").get(f"{W}cs")
    latin = [r for r in body.iter(f"{W}r") if "Abdul" in "".join(r.itertext())]
    assert latin[0].find(f"{W}rPr") is None or latin[0].find(f"{W}rPr/{W}rtl") is None


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("Abdul", [("Abdul", False)]),
        (URDU, [(URDU, True)]),
        (f"Name: {URDU} (SSDO)", [("Name: ", False), (URDU, True), (" (SSDO)", False)]),
    ],
)
def test_script_runs_split_urdu_from_latin(text: str, pieces: list[tuple[str, bool]]) -> None:
    assert script_runs(text) == pieces


def test_docx_tables_repeat_headings_and_never_break_a_word(db: Database) -> None:
    document = docx_of(sample_outline(db))
    for table in document.tables:
        if table._tbl.find(f".//{W}drawing") is not None:
            continue  # a chart's layout (labels beside the picture), not a table of data
        rows = table._tbl.findall(f"{W}tr")
        assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
        assert all(r.find(f"{W}trPr/{W}tblHeader") is None for r in rows[1:])
        grid = [int(c.get(f"{W}w")) for c in table._tbl.findall(f"{W}tblGrid/{W}gridCol")]
        for i, width in enumerate(grid):
            longest = max(len(w) for row in table.rows for w in row.cells[i].text.split() or [""])
            assert width >= longest * CHAR, (table.rows[0].cells[i].text, width)


def test_docx_heading_levels_never_skip(db: Database) -> None:
    levels = []
    for paragraph in docx_of(sample_outline(db)).paragraphs:
        name = paragraph.style.name if paragraph.style else ""
        if name == "Title":
            levels.append(0)
        elif name.startswith("Heading "):
            levels.append(int(name.split()[1]))
    assert levels[0] == 0 and levels.count(0) == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))


def test_column_widths_share_the_page_by_content() -> None:
    table = Table(
        ("No.", "Name", "Sex"),
        tuple((str(i), "Muhammad Hamza Shafqaat", "Female") for i in range(3)),
    )
    widths = column_widths(table, 9638)
    assert widths[1] > widths[2] > widths[0] and sum(widths) <= 9638


# --- PDF ------------------------------------------------------------------------------------


def test_pdf_reads_back(db: Database) -> None:
    data = render_pdf(sample_outline(db))
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 5
    first = reader.pages[0].extract_text()
    assert "Provincial Dialogue on Human Trafficking and Irregular Migration" in first
    assert reader.metadata is not None
    assert (
        reader.metadata.title == "Provincial Dialogue on Human Trafficking and Irregular Migration"
    )
    assert reader.metadata.author == "Fatima Changezi, Programme Officer, SSDO"
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width / MM), round(height / MM)) == (210, 297)
    # pypdf gives right-to-left words in visual order: compare as a set of words.
    words = set(pdf_text(data).split())
    assert set(URDU.split()) <= words
    for n, page in enumerate(reader.pages, 1):
        assert f"Page {n} of {len(reader.pages)}" in page.extract_text()


def test_pdf_latin_after_urdu_at_the_top_of_a_page_is_visible() -> None:
    """fpdf2 2.8.9 draws Latin invisibly after a page's first text came from the fallback."""
    outline = Outline(
        title=URDU,
        blocks=(Heading(URDU, 0), Paragraph.plain("Community Mobiliser, SSDO")),
        header=URDU,
    )
    text = pdf_text(render_pdf(outline))
    assert "Community Mobiliser, SSDO" in text
    assert set(URDU.split()) <= set(text.split())


def text_positions(page: Any) -> list[tuple[float, float, str]]:
    found: list[tuple[float, float, str]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text.strip():
            found.append((tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5], text))

    page.extract_text(visitor_text=visit)
    return found


def big_outline(rows: int) -> Outline:
    names = tuple((str(i), f"Participant {i}", "Officer, Quetta", "Female") for i in range(1, rows))
    return Outline(
        title="List",
        blocks=(Heading("List", 0), Table(("No.", "Name", "Designation", "Sex"), names)),
        header="List",
    )


def test_pdf_pages_keep_text_inside_margins_repeat_headings_and_are_not_blank() -> None:
    reader = PdfReader(io.BytesIO(render_pdf(big_outline(150))))
    assert len(reader.pages) >= 3
    for page in reader.pages:
        width, height = (float(v) for v in page.mediabox[2:])
        positions = text_positions(page)
        assert len(positions) > 20
        for x, y, text in positions:
            assert 17 * MM <= x <= width - 18 * MM, text
            assert 8 * MM <= y <= height - 10 * MM, text
        body = page.extract_text().replace("List", "")
        body = re.sub(r"Page \d+ of \d+", "", body)
        assert "No." in body and "Designation" in body  # the heading row, on every page
        assert re.search(r"Participant \d+", body)


def test_pdf_embeds_only_the_bundled_fonts(db: Database) -> None:
    reader = PdfReader(io.BytesIO(render_pdf(sample_outline(db))))
    fonts = set()
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            fonts.add(str(font["/BaseFont"]).split("+")[-1])
            [descendant] = font["/DescendantFonts"]
            assert "/FontFile2" in descendant.get_object()["/FontDescriptor"]  # embedded
    assert {"NotoSans", "NotoSansBold", "NotoNaskhArabic"} <= fonts
    assert fonts <= {"NotoSans", "NotoSansBold", "NotoNaskhArabic", "NotoNaskhArabicBold"}


# --- XLSX -----------------------------------------------------------------------------------


def test_xlsx_phones_are_text_and_times_local(db: Database, tmp_path: Path) -> None:
    [path] = export_event(db, SLUG, ("xlsx",), out_dir=tmp_path, level="full")
    sheet = openpyxl.load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert header[7] == "Checked in (UTC+05:00)" and header[-2:] == ["Phone", "Email"]
    saima = next(r for r in rows if r[0] == "Saima Rind")
    assert saima[-2] == "03214968372"
    cell = next(c for c in sheet.iter_rows() if c[0].value == "Saima Rind")[9]
    assert cell.data_type == "s" and cell.number_format == "@"
    urdu = next(r for r in rows if r[0] == URDU)
    assert urdu[7] == "2025-05-14 09:43"  # 09:43 in Quetta, whatever this computer's zone


# --- sign-in sheet --------------------------------------------------------------------------


def test_sign_in_sheet_lists_the_expected_without_protected_people(
    db: Database, tmp_path: Path
) -> None:
    outline = sheet_outline(db, SLUG)
    [table] = [b for b in outline.blocks if isinstance(b, Table)]
    names = [row[1] for row in table.rows]
    assert PROTECTED not in names and NOT_CONSENTED in names
    assert len(names) == 40 and table.blank_rows == 10
    assert table.header == ("No.", "Name", "Organisation", "Sex", "Signature")
    assert all(row[4] == "" for row in table.rows)
    pdf, document = export_sheet(db, SLUG, out_dir=tmp_path)
    assert (pdf.name, document.name) == (
        "quetta-dialogue-signin-sheet.pdf",
        "quetta-dialogue-signin-sheet.docx",
    )
    for path in (pdf, document):
        text = file_text(path)
        assert not holds(text, PROTECTED) and holds(text, NOT_CONSENTED), path.name
        assert holds(text, URDU)
    assert PdfReader(io.BytesIO(pdf.read_bytes())).pages[0].mediabox[2] == pytest.approx(
        595.28, abs=1
    )


def test_sign_in_sheet_of_an_event_without_a_list_is_blank(tmp_path: Path) -> None:
    with connect(tmp_path / "e.db") as db:
        create_event(db, {"title": "Planning call", "date": "2025-06-02", "slug": "call"})
        [table] = [b for b in sheet_outline(db, "call").blocks if isinstance(b, Table)]
        assert table.rows == () and table.blank_rows == 25
        pdf, _ = export_sheet(db, "call", out_dir=tmp_path)
    assert "Signature" in file_text(pdf)


# --- privacy at every level -----------------------------------------------------------------


@pytest.mark.parametrize("level", ["public", "verification", "full"])
def test_privacy_on_the_outline_at_every_level(db: Database, level: str) -> None:
    text = "\n".join(sample_outline(db, level).texts())
    assert PROTECTED not in text and OFF_RECORD not in text
    assert (NOT_CONSENTED in text) == (level != "public")
    assert all((c in text) == (level == "full") for c in CONTACTS)
    assert ("Means of verification, not for publication" in text) == (level == "verification")


@pytest.mark.parametrize("level", ["public", "verification", "full"])
def test_privacy_in_every_rendered_file_at_every_level(
    db: Database, tmp_path: Path, level: str
) -> None:
    files = export_event(
        db, SLUG, ("md", "docx", "pdf", "csv", "xlsx", "json"), out_dir=tmp_path, level=level
    )
    marker = {"public": "", "verification": "-VERIFICATION", "full": "-UNREDACTED"}[level]
    assert all(marker in p.name for p in files)
    for path in files:
        text = file_text(path)
        assert not holds(text, PROTECTED), path.name
        assert not holds(text, OFF_RECORD), path.name
        assert holds(text, NOT_CONSENTED) == (level != "public"), path.name
        assert all(holds(text, c) == (level == "full") for c in CONTACTS), path.name
        if path.suffix in (".md", ".docx", ".pdf"):
            notice = holds(text, "Means of verification, not for publication")
            assert notice == (level == "verification"), path.name


def test_verification_notes_are_attributed_as_in_public(db: Database) -> None:
    public = build_summary(db, SLUG, level="public")
    verification = build_summary(db, SLUG, level="verification")
    assert [p.speaker for p in public.points] == [p.speaker for p in verification.points]
    assert [a.name for a in public.notable] == [a.name for a in verification.notable]


# --- the report's shape for other events ----------------------------------------------------


def test_overview_reads_right_whatever_is_missing(tmp_path: Path) -> None:
    with connect(tmp_path / "w.db") as db:
        create_event(
            db,
            {
                "title": "Training of trainers",
                "kind": "workshop",
                "date": "2025-05-14",
                "end_date": "2025-05-15",
                "city": "Quetta",
                "funder": "UNODC",
                "project": "GLO.ACT",
                "slug": "tot",
            },
        )
        summary = build_summary(db, "tot")
        md = render_outline(report_outline(summary))
    assert "On 14–15 May 2025, a two-day workshop was held in Quetta." in md
    assert "It was funded by UNODC." in md
    assert "- **Dates:** 14–15 May 2025" in md and "- **Funded by:** UNODC" in md
    assert "- **Project:** GLO.ACT" in md
    assert "met at Quetta" not in md and "the session" not in md
    assert report_outline(summary).header == "Training of trainers · UNODC"
    assert squash("two-day workshop") in squash(md)


def test_a_sheet_to_sign_spans_the_page_with_room_to_sign() -> None:
    table = Table(("No.", "Name", "Signature"), (("1", "Ali", ""),), tall=True)
    widths = column_widths(table, 9638)
    assert sum(widths) == 9638 and widths[-1] > 9638 // 2
