"""Three door laptops at a 2,000-person event: how long their bundles take to write and merge.

    .venv/bin/python -m bench.sync_figures [--people 2000]

Prints figures; asserts nothing (issue 15 asks for three bundles imported in under 10 s).
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
import uuid
from pathlib import Path

from bench.generate import build_database
from convener.storage.checkins import check_in, walk_in
from convener.storage.db.connection import connect
from convener.storage.notes import add_note, edit_note
from convener.storage.sync.bundle import export_bundle, import_bundle
from convener.storage.sync.state import fingerprint


def door(base: Path, path: Path, seed: int, people: list[str], event_id: str) -> None:
    """A door laptop: a third of the people (some also seen at another door), notes, walk-ins."""
    shutil.copyfile(base, path)
    path.chmod(0o600)
    db = connect(path)
    db.execute("UPDATE settings SET value = ? WHERE key = 'device_id'", [str(uuid.uuid4())])
    db.close()
    db = connect(path)
    rng = random.Random(seed)
    with db.atomic():
        for person in rng.sample(people, len(people) // 3):
            check_in(db, event_id, person)
        for n in range(20):
            walk_in(db, event_id, {"name": f"Walk-in {seed}-{n}"})
        notes = [add_note(db, event_id, {"text": f"Door {seed} note {n}"}) for n in range(50)]
        for note in rng.sample(notes, 10):
            edit_note(db, note["id"], {"kind": "concern"})
    db.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=2000)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="convener-sync-bench-"))
    try:
        started = time.perf_counter()
        event = build_database(folder / "office.db", args.people, 100, checked_in=0.0)
        print(f"event of {args.people} people built in {time.perf_counter() - started:.1f} s")
        with connect(event.path) as db:
            people = [
                r[0]
                for r in db.execute(
                    "SELECT person_id FROM registrations WHERE event_id = ?", [event.event_id]
                ).fetchall()
            ]
        bundles = []
        for seed in (1, 2, 3):
            path = folder / f"door{seed}.db"
            door(event.path, path, seed, people, event.event_id)
            with connect(path) as db:
                started = time.perf_counter()
                done = export_bundle(db, event.event_id, folder / "usb", passphrase=None)
                took = time.perf_counter() - started
            size = done.path.stat().st_size / 1024
            print(f"door {seed}: bundle of {size:,.0f} KiB written in {took:.2f} s")
            bundles.append(done)
        with connect(event.path) as office:
            started = time.perf_counter()
            for done in bundles:
                one = time.perf_counter()
                _, report = import_bundle(office, done.path, done.code or "")
                print(
                    f"office: {done.path.name} merged in {time.perf_counter() - one:.2f} s "
                    f"({sum(report.new.values())} new, {sum(report.updated.values())} updated, "
                    f"{report.checkins_undone} check-ins undone by merge)"
                )
            total = time.perf_counter() - started
            print(f"office: three bundles imported in {total:.2f} s (target: under 10 s)")
            active = office.execute(
                "SELECT count(*), count(DISTINCT person_id) FROM checkins"
                " WHERE event_id = ? AND undone_at IS NULL",
                [event.event_id],
            ).fetchone()
            print(f"office: {active[0]} active check-ins for {active[1]} distinct people")
            print(f"office fingerprint: {fingerprint(office, event.event_id)[:16]}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
