"""The benchmark suite itself works: tiny data, every storage figure produced, no timing asserted.

`make bench` is the measurement; this only proves its machinery (generator, figures, table,
JSON) so a refactor cannot leave it broken until someone runs the five-minute suite.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench import generate, screen_figures, storage_figures, sync_figures  # noqa: E402
from bench.report import Figure, render, write_json  # noqa: E402


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> generate.BenchEvent:
    folder = tmp_path_factory.mktemp("bench")
    return generate.build_database(folder / "tiny.db", 50, 20, csv_path=folder / "tiny.csv")


def test_generated_people_are_realistic_and_seeded() -> None:
    rows = generate.attendee_rows(2000)
    assert rows == generate.attendee_rows(2000)
    assert len({(r["name"], r["organisation"]) for r in rows}) == 2000
    assert all(re.fullmatch(r"03\d\d \d{7}", r["phone"]) for r in rows)
    assert any(not r["name"].isascii() for r in rows)  # a few names in Urdu script
    assert {r["stakeholder_group"] for r in rows} >= {"police", "fia", "levies", "media"}


def test_database_holds_the_event(tiny: generate.BenchEvent) -> None:
    from convener.storage.attendees import list_attendees
    from convener.storage.db.connection import connect
    from convener.storage.notes import list_notes

    with connect(tiny.path, read_only=True) as db:
        people = list_attendees(db, tiny.event_id)
        assert len(people) == 50
        assert any(p["checked_in_at"] for p in people)
        assert len(list_notes(db, tiny.event_id)) == 20


def test_storage_figures_are_produced(tiny: generate.BenchEvent, tmp_path: Path) -> None:
    sheet = generate.write_csv(tmp_path / "people.csv", generate.attendee_rows(30))
    figures = [
        storage_figures.checkin_figure(tiny.path, tmp_path, count=10),
        storage_figures.note_figure(tiny.path, tmp_path, count=10),
        storage_figures.import_figure(sheet, tmp_path, rows=30, repeats=1),
    ]
    for figure in figures:
        assert figure.convener is not None and figure.convener > 0
        assert figure.reference is not None and figure.reference > 0
        assert figure.ratio is not None and figure.met in (True, False)
    export = storage_figures.export_figure(tiny.path, tiny.slug, "tiny", repeats=1)
    assert export.met is None or (export.convener or 0) > 0
    table = render([*figures, export])
    assert "check-in committed durably" in table and "met?" in table
    data = json.loads(write_json(tmp_path / "results.json", [*figures, export], {}).read_text())
    assert [f["key"] for f in data["figures"]] == ["checkin", "note", "import", "export"]
    assert data["machine"]["cpus"]


def test_terminal_figures_say_why_without_tools(
    tiny: generate.BenchEvent, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONVENER_SHARED_TOOLS", str(tmp_path / "nowhere"))
    figures = [
        screen_figures.ttfs_figure(tiny.path, tiny.title, tmp_path / "t.json"),
        *screen_figures.keylat_figures(tiny.path, tiny.slug, 50, tmp_path / "k.json"),
        *screen_figures.memory_figures(tiny.path, tiny.slug, tiny.title, 50),
    ]
    assert all(f.convener is None and f.met is None and "not found" in f.note for f in figures)
    assert "n/a" in render(figures)


@pytest.mark.parametrize(
    ("convener", "reference", "limit", "per", "met"),
    [
        (1.2, 1.0, 1.25, "ratio", True),
        (1.3, 1.0, 1.25, "ratio", False),
        (1.9, None, 2, "abs", True),
    ],
)
def test_targets(
    convener: float, reference: float | None, limit: float, per: str, met: bool
) -> None:
    assert Figure("x", "x", "ms", convener, reference, limit, per).met is met


def test_format_figures_time_each_format_against_its_target(
    tiny: generate.BenchEvent, tmp_path: Path
) -> None:
    figures = storage_figures.format_figures(tiny.path, tiny.slug, "tiny", repeats=1)
    assert [f.key for f in figures] == [
        "format-md",
        "format-docx",
        "format-pdf",
        "format-csv",
        "format-xlsx",
        "format-json",
    ]
    assert all((f.convener or 0) > 0 and f.per == "abs" for f in figures)
    assert {f.key: f.limit for f in figures}["format-pdf"] == 30.0
    sample = storage_figures.sample_pdf_figure(tmp_path, repeats=1)
    assert sample.key == "sample-pdf" and (sample.convener or 0) > 0 and sample.limit == 2.0


def test_the_sync_bench_runs_and_prints_its_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert sync_figures.main(["--people", "30"]) == 0
    out = capsys.readouterr().out
    assert "three bundles imported in" in out
    active, people = map(int, re.search(r"(\d+) active check-ins for (\d+) distinct", out).groups())  # type: ignore[union-attr]
    assert active == people > 0
