"""Figures 3-6: durable check-ins and notes, CSV import and export, against their floors.

The floor for a durable write is the cheapest one SQLite allows under Convener's rules: one
row inserted and committed with raw `sqlite3` in WAL mode with `synchronous=FULL`. Floor and
Convener run in alternating blocks of ten, so drift on a shared machine hits both alike.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.generate import SEED, create_bench_event, note_fields
from bench.report import Figure, mean, unavailable
from convener.storage.checkins import check_in
from convener.storage.db.connection import connect
from convener.storage.notes import add_note

BIN = Path(sys.executable).parent


def copy_database(src: Path, dest: Path) -> Path:
    """A throw-away copy of a closed database (its WAL was folded in when it closed)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{dest}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(src, dest)
    return dest


class RawFloor:
    """Raw sqlite3: one INSERT and COMMIT per call, WAL, synchronous=FULL."""

    def __init__(self, path: Path) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        self.conn = sqlite3.connect(path)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=FULL")
        self.conn.execute(
            "CREATE TABLE checkins (id TEXT PRIMARY KEY, event_id TEXT, person_id TEXT, at TEXT)"
        )
        self.n = 0

    def __call__(self) -> None:
        self.n += 1
        self.conn.execute(
            "INSERT INTO checkins VALUES (?, ?, ?, ?)",
            [f"id-{self.n}", "event", f"person-{self.n}", "2026-11-28T10:00:00.000Z"],
        )
        self.conn.commit()

    def close(self) -> None:
        self.conn.close()


def _timed(op: Callable[[], object], count: int) -> list[float]:
    """Milliseconds for each of `count` calls in a row."""
    times = []
    for _ in range(count):
        start = time.perf_counter()
        op()
        times.append((time.perf_counter() - start) * 1000)
    return times


def alternate(
    ours: Callable[[], object], floor: Callable[[], object], count: int, block: int = 10
) -> tuple[list[float], list[float]]:
    """`count` calls of each, alternating every `block` calls (floor first).

    Short blocks matter: the time an fsync takes drifts with whatever else the disk is doing.
    """
    mine: list[float] = []
    base: list[float] = []
    while len(mine) < count:
        n = min(block, count - len(mine))
        base += _timed(floor, n)
        mine += _timed(ours, n)
    return mine, base


def _durable(key: str, name: str, mine: list[float], base: list[float]) -> Figure:
    detail = {
        "count": len(mine),
        "convener_median_ms": statistics.median(mine),
        "floor_median_ms": statistics.median(base),
        "convener_p95_ms": sorted(mine)[int(0.95 * (len(mine) - 1))],
    }
    return Figure(key, name, "ms", mean(mine), mean(base), 1.5, detail=detail)


def checkin_figure(db_path: Path, work: Path, count: int = 1000) -> Figure:
    """Figure 3: `convener.storage.checkins.check_in` on a copy of the benchmark database."""
    path = copy_database(db_path, work / "checkin.db")
    db = connect(path)
    floor = RawFloor(work / "floor-checkin.db")
    try:
        event = db.execute("SELECT id FROM events LIMIT 1").fetchone()[0]
        waiting = [
            r[0]
            for r in db.execute(
                "SELECT person_id FROM registrations WHERE event_id = ? AND person_id NOT IN"
                " (SELECT person_id FROM checkins WHERE undone_at IS NULL) ORDER BY rowid",
                [event],
            )
        ]
        if len(waiting) < count:
            raise ValueError(f"only {len(waiting)} people left to check in, {count} wanted")
        people = iter(waiting)
        mine, base = alternate(lambda: check_in(db, event, next(people)), floor, count)
    finally:
        floor.close()
        db.close()
    name = f"check-in committed durably (mean of {count})"
    return _durable("checkin", name, mine, base)


def note_figure(db_path: Path, work: Path, count: int = 1000) -> Figure:
    """Figure 4: `convener.storage.notes.add_note` on a copy of the benchmark database."""
    path = copy_database(db_path, work / "notes.db")
    db = connect(path)
    floor = RawFloor(work / "floor-note.db")
    rng = random.Random(SEED + 2)
    try:
        event = db.execute("SELECT id FROM events LIMIT 1").fetchone()[0]
        speakers = list(db.query("SELECT id, district FROM people ORDER BY rowid LIMIT 500"))
        fields = [note_fields(rng, rng.choice(speakers)) for _ in range(count)]
        queue = iter(fields)
        mine, base = alternate(lambda: add_note(db, event, next(queue)), floor, count)
    finally:
        floor.close()
        db.close()
    return _durable("note", f"note committed durably (mean of {count})", mine, base)


def _run(argv: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:3])}... failed: {done.stderr.strip()[-500:]}")
    return elapsed


def import_figure(csv_path: Path, work: Path, rows: int, repeats: int = 3) -> Figure:
    """Figure 5: `convener import FILE --event` vs `sqlite-utils insert --csv`.

    Both are whole processes, as a coordinator runs them: start, read the file, commit.
    """
    mine: list[float] = []
    base: list[float] = []
    for n in range(repeats):
        target = work / f"import-{n}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        with connect(target) as db:
            slug = create_bench_event(db)["slug"]
        plain = work / f"import-plain-{n}.db"
        plain.unlink(missing_ok=True)
        sqlite_utils = [str(BIN / "sqlite-utils"), "insert", str(plain), "people"]
        base.append(_run([*sqlite_utils, str(csv_path), "--csv"]))
        convener = [str(BIN / "convener"), "--db", str(target), "import"]
        mine.append(_run([*convener, str(csv_path), "--event", slug]))
    detail: dict[str, Any] = {"rows": rows, "convener_s": mine, "sqlite_utils_s": base}
    name = f"import of a {rows:,}-row attendee CSV"
    return Figure(
        "import", name, "s", statistics.median(mine), statistics.median(base), 1.5, detail=detail
    )


def export_figure(db_path: Path, slug: str, label: str, repeats: int = 3) -> Figure:
    """Figure 6: every format but the PDF (its own figure), written to a temp folder."""
    name = f"export of MD, DOCX, CSV, XLSX and JSON ({label})"
    try:
        from convener.storage.reports.export import FORMATS, export_event
    except ImportError as exc:
        return unavailable(
            "export", name, "s", 2.0, f"convener.storage.reports.export not available: {exc}", "abs"
        )
    times: list[float] = []
    with connect(db_path, read_only=True) as db:
        for _ in range(repeats):
            with tempfile.TemporaryDirectory() as tmp:
                start = time.perf_counter()
                formats = [f for f in FORMATS if f != "pdf"]
                written = export_event(db, slug, formats, out_dir=Path(tmp) / "out")
                times.append(time.perf_counter() - start)
    detail = {"runs_s": times, "files": [p.name for p in written]}
    return Figure("export", name, "s", statistics.median(times), None, 2.0, "abs", detail=detail)


# Seconds each format may take for the big event: the PDF lays out every page in Python.
FORMAT_LIMITS = {"pdf": 30.0}


def format_figures(db_path: Path, slug: str, label: str, repeats: int = 3) -> list[Figure]:
    """Figure 7: each format on its own: build the summary, render it, no disk (absolute)."""
    from convener.storage.reports.formats import REGISTRY
    from convener.storage.reports.report_outline import report_outline
    from convener.storage.reports.summary import build_summary

    figures = []
    with connect(db_path, read_only=True) as db:
        for fmt in REGISTRY:
            render = fmt.load()
            times: list[float] = []
            for _ in range(1 if fmt.name == "pdf" else repeats):
                start = time.perf_counter()
                summary = build_summary(db, slug)
                render(report_outline(summary) if fmt.kind == "outline" else summary)
                times.append(time.perf_counter() - start)
            figures.append(
                Figure(
                    f"format-{fmt.name}",
                    f"{fmt.name.upper()} on its own ({label})",
                    "s",
                    statistics.median(times),
                    None,
                    FORMAT_LIMITS.get(fmt.name, 2.0),
                    "abs",
                    detail={"runs_s": times},
                )
            )
    return figures


def sample_pdf_figure(work: Path, repeats: int = 3) -> Figure:
    """Figure 8: the bundled sample's PDF report (what a coordinator exports most days)."""
    from convener.storage.imports.sample import load_sample
    from convener.storage.reports.pdf_report import render_pdf
    from convener.storage.reports.report_outline import report_outline
    from convener.storage.reports.summary import build_summary

    path = work / "sample.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    times: list[float] = []
    with connect(path) as db:
        load_sample(db)
        for _ in range(repeats):
            start = time.perf_counter()
            render_pdf(report_outline(build_summary(db, "quetta-dialogue")))
            times.append(time.perf_counter() - start)
    return Figure(
        "sample-pdf",
        "PDF report of the sample event",
        "s",
        statistics.median(times),
        None,
        2.0,
        "abs",
        detail={"runs_s": times},
    )
