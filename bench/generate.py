"""Seeded benchmark data: an event with N attendees and M notes, built through storage.

The attendee list is written as a CSV (UTF-8 with BOM, as Excel saves it) and imported with
`convener.storage.imports.dispatch.import_file`, the path a coordinator's list takes; a few
people arrive as walk-ins, part of the room is checked in, and the notes are added with
`add_note`. The same seed gives the same people, so figures from different runs compare
like with like.

    .venv/bin/python bench/generate.py --db bench/out/bench.db --attendees 10000 --notes 2000
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import names
from convener.storage.checkins import check_in, walk_in
from convener.storage.db.connection import connect
from convener.storage.events import create_event, start_session
from convener.storage.imports.dispatch import import_file
from convener.storage.notes import add_note
from convener.storage.text import name_key

SEED = 6
SLUG = "bench-dialogue"
TITLE = "Balochistan Dialogue on Trafficking (bench)"
COLUMNS = (
    "name",
    "designation",
    "organisation",
    "stakeholder_group",
    "gender",
    "age_band",
    "district",
    "phone",
    "email",
    "consent_name",
    "protected",
    "vip",
)
KINDS = ("key_point",) * 5 + ("recommendation",) * 3 + ("concern", "commitment", "question")
AGE_BANDS = ("18_29", "30_44", "30_44", "45_59", "45_59", "60_plus")


@dataclass(frozen=True)
class BenchEvent:
    """What the figures need to know about a generated database."""

    path: Path
    slug: str
    event_id: str
    title: str
    attendees: int
    notes: int


def _person(rng: random.Random) -> dict[str, str]:
    group = rng.choices(list(names.GROUP_WEIGHTS), weights=list(names.GROUP_WEIGHTS.values()))[0]
    orgs, designations = names.ORGANISATIONS[group]
    district = rng.choice(names.DISTRICTS)
    organisation = rng.choice(orgs).format(d=district, s=rng.choice(names.STATIONS))
    female = rng.random() < 0.3
    first = rng.choice(names.FEMALE if female else names.MALE)
    last = rng.choice(names.LAST)
    if rng.random() < 0.005:
        name = rng.choice(names.URDU_NAMES)
    elif not female and rng.random() < 0.3:
        name = f"{first} {rng.choice(names.MALE)} {last}"
    else:
        name = f"{first} {last}"
    gender = "female" if female else "male"
    if rng.random() < 0.01:
        gender = rng.choice(("transgender", "undisclosed"))
    email = ""
    if rng.random() < 0.4 and name.isascii():
        email = f"{first.lower().replace(' ', '.')}.{last.lower().replace(' ', '')}@example.org"
    return {
        "name": name,
        "designation": rng.choice(designations),
        "organisation": organisation,
        "stakeholder_group": group,
        "gender": gender,
        "age_band": rng.choice(AGE_BANDS),
        "district": district,
        "phone": f"03{rng.randint(0, 49):02d} {rng.randint(0, 9_999_999):07d}",
        "email": email,
        "consent_name": "yes" if rng.random() < 0.85 else "no",
        "protected": "yes" if rng.random() < 0.002 else "no",
        "vip": "yes" if rng.random() < 0.01 else "no",
    }


def attendee_rows(count: int, seed: int = SEED) -> list[dict[str, str]]:
    """`count` people, unique by name and organisation (what the importer treats as one)."""
    rng = random.Random(seed)
    seen: set[tuple[str, str]] = set()
    rows: list[dict[str, str]] = []
    while len(rows) < count:
        person = _person(rng)
        key = (name_key(person["name"]), person["organisation"])
        if key not in seen:
            seen.add(key)
            rows.append(person)
    return rows


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    """The attendee list as Excel's "CSV UTF-8" saves it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def note_fields(rng: random.Random, speaker: dict[str, Any]) -> dict[str, Any]:
    """One remark as a rapporteur would type it."""
    opening = rng.choice(names.NOTE_OPENINGS).format(d=speaker.get("district") or "Quetta")
    text = f"{opening} {rng.choice(names.NOTE_ENDINGS)}"
    if rng.random() < 0.3:
        text += " " + rng.choice(names.NOTE_OPENINGS).format(d="Quetta") + "."
    return {
        "speaker_id": speaker["id"],
        "kind": rng.choice(KINDS),
        "attribution": "named" if rng.random() < 0.9 else "role",
        "text": text,
        "tags": ["trafficking"] if rng.random() < 0.5 else [],
    }


def create_bench_event(db: Any) -> dict[str, Any]:
    """The event every benchmark database holds, live (so notes carry elapsed times)."""
    event = create_event(
        db,
        {
            "slug": SLUG,
            "title": TITLE,
            "date": "2026-11-28",
            "start_time": "10:00",
            "end_time": "13:30",
            "venue": "Serena Hotel",
            "city": "Quetta",
            "district": "Quetta",
            "province": "Balochistan",
            "country": "Pakistan",
            "organisers": ["SSDO", "IOM"],
        },
    )
    return start_session(db, event["id"])


def build_database(
    path: Path,
    attendees: int,
    notes: int,
    *,
    checked_in: float = 0.5,
    walk_ins: float = 0.01,
    seed: int = SEED,
    csv_path: Path | None = None,
) -> BenchEvent:
    """A new database at `path` (replacing any) with one event, its people and notes."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    walkers = int(attendees * walk_ins)
    rows = attendee_rows(attendees, seed)
    sheet = write_csv(csv_path or path.with_suffix(".csv"), rows[: attendees - walkers])
    rng = random.Random(seed + 1)
    db = connect(path)
    try:
        event = create_bench_event(db)
        import_file(db, sheet, event["slug"])
        with db.atomic():
            for row in rows[attendees - walkers :]:
                walk_in(db, event["id"], row)
            people = list(
                db.query(
                    "SELECT p.id, p.district FROM registrations r JOIN people p"
                    " ON p.id = r.person_id WHERE r.event_id = ? ORDER BY p.name_key, p.id",
                    [event["id"]],
                )
            )
            for person in rng.sample(people, int(len(people) * checked_in)):
                check_in(db, event["id"], person["id"])
            for _ in range(notes):
                add_note(db, event["id"], note_fields(rng, rng.choice(people)))
    finally:
        db.close()
    if csv_path is None:
        sheet.unlink()
    return BenchEvent(path, event["slug"], event["id"], event["title"], attendees, notes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="database to (re)create")
    parser.add_argument("--attendees", type=int, default=10_000)
    parser.add_argument("--notes", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--csv", type=Path, help="also keep the attendee CSV here")
    parser.add_argument("--csv-only", action="store_true", help="write --csv, no database")
    args = parser.parse_args(argv)
    if args.csv_only:
        if not args.csv:
            parser.error("--csv-only needs --csv")
        write_csv(args.csv, attendee_rows(args.attendees, args.seed))
        print(args.csv)
        return 0
    if not args.db:
        parser.error("--db is required (or --csv-only --csv FILE)")
    made = build_database(args.db, args.attendees, args.notes, seed=args.seed, csv_path=args.csv)
    print(f"{made.path}: {made.attendees} attendees, {made.notes} notes, event {made.slug}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
