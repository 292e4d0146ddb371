"""Charts in the report: each drawn from its table, in every format, at every privacy level.

A chart block follows the table it pictures. These tests read what each format holds (the
Markdown text, the Word file's picture part and alt text, the PDF page's drawing operators)
and check that a chart never shows a label or a count its table does not.
"""

from __future__ import annotations

import io
import re
import shutil
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlite_utils import Database

from convener.storage.attendees import add_attendee
from convener.storage.checkins import walk_in
from convener.storage.db.connection import connect
from convener.storage.events import create_event
from convener.storage.paths import bundled_file
from convener.storage.reports.docx_report import render_docx
from convener.storage.reports.json_export import render_json
from convener.storage.reports.markdown import BAR_WIDTH, render_outline
from convener.storage.reports.outline import (
    FILLS,
    Chart,
    Heading,
    Outline,
    Table,
    block_texts,
    chart_of,
)
from convener.storage.reports.pdf_report import render_pdf
from convener.storage.reports.report_outline import report_outline
from convener.storage.reports.summary import build_summary
from convener.storage.taxonomy import load_taxonomy

SLUG = "quetta-dialogue"
LEVELS = ("public", "verification", "full")
URDU_GROUP = "کسان اتحاد"  # a farmers' alliance, as an organisation named its own group
GOLDEN = Path(__file__).resolve().parent / "golden"


@pytest.fixture
def db(tmp_path: Path, imported: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.setenv("TZ", "Asia/Karachi")
    time.tzset()
    shutil.copyfile(imported, tmp_path / "t.db")
    database = connect(tmp_path / "t.db")
    yield database
    database.close()
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """Four people: a protected girl, a man who said no, a woman not asked, one absent;
    the community group renamed in Urdu in the organisation's own taxonomy."""
    text = bundled_file("taxonomy.yaml").read_text(encoding="utf-8")
    custom = tmp_path / "taxonomy.yaml"
    custom.write_text(text.replace("label: Community members", f"label: {URDU_GROUP}", 1))
    monkeypatch.setenv("CONVENER_TAXONOMY", str(custom))
    load_taxonomy.cache_clear()
    database = connect(tmp_path / "small.db")
    event = create_event(database, {"title": "Kisan jirga", "date": "2025-05-14", "slug": "kj"})
    for fields in (
        {"name": "Gul Bano", "gender": "female", "protected": True, "age_band": "under_18",
         "stakeholder_group": "community", "organisation": "Darul Aman Quetta"},
        {"name": "Ali Khan", "gender": "male", "consent": "no", "stakeholder_group": "community",
         "organisation": "Kisan Ittehad", "age_band": "30_44"},
        {"name": "Zarina Bibi", "gender": "female", "stakeholder_group": "media"},
    ):  # fmt: skip
        walk_in(database, event["id"], fields)
    add_attendee(database, event["id"], {"name": "Absent Khan", "gender": "male"})
    yield database
    database.close()
    load_taxonomy.cache_clear()


def charts_with_tables(outline: Outline) -> list[tuple[Table, Chart]]:
    """Every chart with the block before it, which must be its table."""
    pairs = []
    for before, block in zip(outline.blocks, outline.blocks[1:], strict=False):
        if isinstance(block, Chart):
            assert isinstance(before, Table), block.title
            pairs.append((before, block))
    return pairs


def assert_chart_shows_its_table(table: Table, chart: Chart) -> None:
    assert [(b.label, str(b.value)) for b in chart.bars] == [row[:2] for row in table.rows]
    assert chart.scale == max(int(row[1]) for row in table.rows)
    shown = set(block_texts(table))
    for bar in chart.bars:
        assert bar.label in shown and str(bar.value) in shown
    counts = "; ".join(f"{row[0]}: {row[1]}" for row in table.rows)
    assert chart.alt_text == f"Bar chart, {chart.title.lower()}: {counts}."


# --- the outline ----------------------------------------------------------------------------


@pytest.mark.parametrize("level", LEVELS)
def test_each_chart_shows_exactly_its_table_on_the_sample(db: Database, level: str) -> None:
    outline = report_outline(build_summary(db, SLUG, level=level))
    pairs = charts_with_tables(outline)
    assert [c.title for _, c in pairs] == [
        "Expected and attended",
        "Participants by sex",
        "Participants by age band",
        "Participants by stakeholder group",
    ]
    for table, chart in pairs:
        assert_chart_shows_its_table(table, chart)
    expected = pairs[0][1]
    assert [b.series for b in expected.bars] == [1, 0, 0, 0]  # "Expected" is the light one


@pytest.mark.parametrize("level", LEVELS)
def test_a_small_event_charts_only_what_its_tables_show(small: Database, level: str) -> None:
    outline = report_outline(build_summary(small, "kj", level=level))
    pairs = charts_with_tables(outline)
    assert {c.title for _, c in pairs} == {
        "Expected and attended",
        "Participants by sex",
        "Participants by age band",
        "Participants by stakeholder group",
    }
    for table, chart in pairs:
        assert_chart_shows_its_table(table, chart)
        texts = "\n".join(block_texts(chart))
        for withheld in ("Gul Bano", "Darul Aman", "Ali Khan", "Kisan Ittehad", "Absent Khan"):
            assert withheld not in texts
    groups = next(c for _, c in pairs if c.what == "Stakeholder group")
    assert [(b.label, b.value) for b in groups.bars] == [(URDU_GROUP, 2), ("Media", 1)]


# --- Markdown -------------------------------------------------------------------------------


def test_markdown_bars_are_proportional_and_carry_their_numbers() -> None:
    table = Table(
        ("Stakeholder group", "Participants", "Share"),
        (("Police", "7", "70%"), ("Media", "4", "40%"), (URDU_GROUP, "1", "10%")),
    )
    text = render_outline(Outline("T", (chart_of(table, "Participants by stakeholder group"),)))
    assert text == (
        "| Stakeholder group | Participants by stakeholder group |\n|---|---|\n"
        f"| Police | {'█' * BAR_WIDTH} 7 |\n"
        f"| Media | {'█' * 11} 4 |\n"  # 20 × 4 / 7 = 11.4
        f"| {URDU_GROUP} | {'█' * 3} 1 |\n"  # 20 / 7 = 2.9
    )


def test_markdown_shows_a_tiny_count_and_no_bar_for_none() -> None:
    table = Table(("", "People"), (("Expected", "1000"), ("Walk-ins", "0"), ("Came", "1")))
    chart = chart_of(table, "Expected and attended", lighter=("Expected",), legend=("A", "E"))
    lines = render_outline(Outline("T", (chart,))).splitlines()
    assert lines[2:] == [
        f"| Expected | {'░' * BAR_WIDTH} 1000 |",
        "| Walk-ins | 0 |",
        "| Came | █ 1 |",
        "",
        "█ A   ░ E",
    ]


# --- DOCX -----------------------------------------------------------------------------------


def test_docx_holds_each_chart_as_a_picture_with_its_numbers_in_the_alt_text(
    db: Database,
) -> None:
    outline = report_outline(build_summary(db, SLUG))
    with zipfile.ZipFile(io.BytesIO(render_docx(outline))) as docx:
        pictures = [n for n in docx.namelist() if n.startswith("word/media/")]
        body = docx.read("word/document.xml").decode("utf-8")
        images = [Image.open(io.BytesIO(docx.read(n))) for n in pictures]
    charts = [c for _, c in charts_with_tables(outline)]
    assert len(pictures) == len(charts) == 4
    assert all(image.format == "PNG" for image in images)
    descriptions = re.findall(r'<wp:docPr [^>]*descr="([^"]*)"', body)
    assert descriptions == [c.alt_text for c in charts]
    assert "Female: 18; Male: 19" in descriptions[1]
    assert len(set(re.findall(r'<wp:docPr id="(\d+)"', body))) == 4  # ids Word accepts
    # Labels are Word text beside the picture, one line per bar, so Word shapes them.
    sex = body.index(descriptions[1])
    beside = body[body.rfind("<w:tbl>", 0, sex) : sex]
    assert beside.count('w:line="320" w:lineRule="exact"') == 2  # as tall as the picture's rows
    assert beside.index(">Female<") < beside.index(">Male<") < beside.index("<w:drawing>")


def test_docx_picture_bars_use_the_dark_fill_and_the_hatched_light_one(db: Database) -> None:
    outline = report_outline(build_summary(db, SLUG))
    with zipfile.ZipFile(io.BytesIO(render_docx(outline))) as docx:
        first = sorted(n for n in docx.namelist() if n.startswith("word/media/"))[0]
        image = Image.open(io.BytesIO(docx.read(first))).convert("RGB")
    colours = {c for _, c in image.getcolors(1 << 16) or ()}
    assert set(FILLS) <= colours  # the expected-and-attended chart has both series


def luminance(rgb: tuple[int, int, int]) -> float:
    def linear(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_the_two_fills_differ_by_at_least_40_percent_in_luminance() -> None:
    assert luminance(FILLS[1]) - luminance(FILLS[0]) >= 0.4


# --- PDF ------------------------------------------------------------------------------------


def page_with(reader: PdfReader, words: str) -> str:
    for page in reader.pages:
        if words in page.extract_text():
            return page.get_contents().get_data().decode("latin-1")  # type: ignore[union-attr]
    raise AssertionError(words)


def test_pdf_draws_the_bars_as_filled_rectangles(db: Database) -> None:
    reader = PdfReader(io.BytesIO(render_pdf(report_outline(build_summary(db, SLUG)))))
    stream = page_with(reader, "Not recorded")
    dark = " ".join(f"{c / 255:.4f}".rstrip("0") for c in FILLS[0]) + " rg"
    assert dark in stream
    filled = re.findall(r"[\d.]+ [\d.]+ [\d.]+ -?[\d.]+ re f", stream)
    assert len(filled) >= 4  # one for each age band, at least
    assert not any("/Subtype /Image" in str(p["/Resources"]) for p in reader.pages)


def test_pdf_shapes_an_urdu_group_label_beside_its_bar(small: Database) -> None:
    outline = report_outline(build_summary(small, "kj"))
    groups = next(b for b in outline.blocks if isinstance(b, Chart) and "group" in b.title)
    alone = Outline("Kisan jirga", (Heading("Groups", 1), groups))
    text = PdfReader(io.BytesIO(render_pdf(alone))).pages[0].extract_text()
    assert set(URDU_GROUP.split()) <= set(text.split())


def test_docx_writes_an_urdu_group_label_right_to_left_beside_its_bar(small: Database) -> None:
    outline = report_outline(build_summary(small, "kj"))
    groups = next(b for b in outline.blocks if isinstance(b, Chart) and "group" in b.title)
    alone = Outline("Kisan jirga", (Heading("Groups", 1), groups))
    with zipfile.ZipFile(io.BytesIO(render_docx(alone))) as docx:
        body = docx.read("word/document.xml").decode("utf-8")
    label = body[body.index("<w:tbl>") : body.index("<w:drawing>")]
    assert '<w:rtl/><w:lang w:bidi="ur-PK"/>' in label and URDU_GROUP in label
    assert f"{URDU_GROUP}: 2; Media: 1" in body  # the alt text


# --- JSON -----------------------------------------------------------------------------------


@pytest.mark.parametrize("level", LEVELS)
def test_json_export_is_byte_for_byte_what_it_was_before_charts(db: Database, level: str) -> None:
    """The golden files were written by the code before chart blocks existed."""
    data = render_json(build_summary(db, SLUG, level=level))
    assert data == (GOLDEN / f"quetta-{level}.json").read_bytes()
