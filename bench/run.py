"""`make bench`: generate the data sets, measure every figure, print one table, save JSON.

    .venv/bin/python bench/run.py            # the full suite (2-3 minutes on 2 cores)
    .venv/bin/python bench/run.py --quick    # small counts, to try the machinery
    .venv/bin/python bench/run.py --only ttfs,keys

The table goes to stdout; the tools' progress to stderr; the results to bench/out/results.json
(results-quick.json with --quick).
"""

from __future__ import annotations

import argparse
import compileall
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import screen_figures as screen
from bench import storage_figures as storage
from bench.generate import BenchEvent, attendee_rows, build_database, write_csv
from bench.report import Figure, render, write_json

OUT = Path(__file__).resolve().parent / "out"
FIGURES = ("ttfs", "keys", "memory", "checkin", "note", "import", "export")


@dataclass(frozen=True)
class Plan:
    """How much data and how many repetitions: the issue's sizes, or small ones (--quick)."""

    attendees: int = 10_000
    notes: int = 2_000
    export_attendees: int = 5_000
    export_notes: int = 2_000
    writes: int = 1_000
    ttfs_runs: int = 9
    keys: int = 32
    key_rounds: int = 2
    repeats: int = 3


QUICK = Plan(500, 100, 300, 100, 100, 3, 8, 1, 1)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def compile_convener() -> None:
    """Write Convener's .pyc files, as installing a wheel does.

    An editable install compiles each module on first import and keeps the result, unless
    PYTHONDONTWRITEBYTECODE is set (as it is where the tests run): then every start would
    compile every module again, which no installed copy does.
    """
    import convener.storage
    import convener.tui

    for package in (convener.storage, convener.tui):
        for folder in package.__path__:
            compileall.compile_dir(folder, quiet=1)


def measure(wanted: set[str], plan: Plan, out: Path) -> list[Figure]:
    """Every wanted figure, in an order that keeps the big database unmodified until last."""
    out.mkdir(parents=True, exist_ok=True)
    compile_convener()
    log(f"generating {plan.attendees:,} attendees and {plan.notes:,} notes")
    big = build_database(out / "bench.db", plan.attendees, plan.notes)
    figures: list[Figure] = []
    steps: list[tuple[str, Callable[[], list[Figure]]]] = [
        (
            "ttfs",
            lambda: [screen.ttfs_figure(big.path, big.title, out / "ttfs.json", plan.ttfs_runs)],
        ),
        (
            "keys",
            lambda: screen.keylat_figures(
                big.path, big.slug, plan.attendees, out / "keylat.json", plan.keys, plan.key_rounds
            ),
        ),
        (
            "memory",
            lambda: screen.memory_figures(
                big.path, big.slug, big.title, plan.attendees, plan.repeats
            ),
        ),
        ("checkin", lambda: [storage.checkin_figure(big.path, out, plan.writes)]),
        ("note", lambda: [storage.note_figure(big.path, out, plan.writes)]),
        ("import", lambda: [import_step(plan, out)]),
        ("export", lambda: [export_step(plan, out)]),
    ]
    for key, step in steps:
        if key in wanted:
            log(f"measuring {key}")
            figures += step()
    return figures


def import_step(plan: Plan, out: Path) -> Figure:
    sheet = write_csv(out / f"attendees-{plan.attendees}.csv", attendee_rows(plan.attendees))
    return storage.import_figure(sheet, out, plan.attendees, plan.repeats)


def export_step(plan: Plan, out: Path) -> Figure:
    log(f"generating {plan.export_attendees:,} attendees and {plan.export_notes:,} notes")
    small: BenchEvent = build_database(out / "export.db", plan.export_attendees, plan.export_notes)
    label = f"{plan.export_attendees:,} attendees, {plan.export_notes:,} notes"
    return storage.export_figure(small.path, small.slug, label, plan.repeats)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small counts (a smoke run)")
    parser.add_argument("--only", help=f"comma-separated subset of: {', '.join(FIGURES)}")
    parser.add_argument("--out", type=Path, default=OUT, help="work folder (bench/out)")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    args = parser.parse_args(argv)
    wanted = set(args.only.split(",")) if args.only else set(FIGURES)
    if unknown := wanted - set(FIGURES):
        parser.error(f"unknown figures: {', '.join(sorted(unknown))}")
    plan = QUICK if args.quick else Plan()
    started = time.perf_counter()
    figures = measure(wanted, plan, args.out)
    elapsed = time.perf_counter() - started
    extra = {"plan": plan.__dict__, "elapsed_s": round(elapsed, 1), "quick": args.quick}
    name = "results-quick.json" if args.quick else "results.json"  # a trial keeps the real one
    path = write_json(args.out / name, figures, extra)
    log(f"done in {elapsed:.0f} s; results in {path}")
    print(render(figures, markdown=args.markdown), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
