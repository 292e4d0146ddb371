"""The merge agrees everywhere: random histories on 2-4 laptops, random clock skews, random
merge orders, then every laptop imports every other's bundle: one fingerprint everywhere,
unchanged by importing again, with every acknowledged check-in and note present.

1,000 examples in the default run; HYPOTHESIS_PROFILE=long runs 20,000 (docs/sync.md).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from convener.storage import erasure
from convener.storage.attendees import get_attendee, remove_attendee, update_attendee
from convener.storage.checkins import check_in, undo_check_in, walk_in
from convener.storage.consent import set_consent
from convener.storage.erasure import purge_note
from convener.storage.errors import NotFoundError, ValidationError
from convener.storage.notes import add_note, delete_note, edit_note
from convener.storage.sync.merge import merge_into
from convener.storage.sync.state import fingerprint, read_event_state
from tests.unit.sync_laptops import laptop, make_template, tick

settings.register_profile(
    "convener", max_examples=1_000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "long", max_examples=20_000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "convener"))

SKEWS = st.sampled_from([0.0, -3 * 86400, -7200, 7200, 2 * 86400]) | st.floats(-4e5, 4e5)
WALK_INS = ("Gul Bano", "Rahila Durrani", "Shazia Baloch")
TEXTS = ("the shelter has no budget", "FIA will share the list", "گل بانو نے کہا", "")
KINDS = ("key_point", "concern", "question", "recommendation")
ATTRIBUTIONS = ("named", "role", "off_record")

Laptop = st.integers(0, 3)
STEPS = st.one_of(
    st.tuples(st.just("check_in"), Laptop, st.integers(0, 6)),
    st.tuples(st.just("undo"), Laptop, st.integers(0, 6)),
    st.tuples(st.just("walk_in"), Laptop, st.integers(0, 2)),
    st.tuples(st.just("note"), Laptop, st.integers(0, 2)),
    st.tuples(st.just("edit_text"), Laptop, st.integers(0, 9), st.integers(0, 3)),
    st.tuples(st.just("edit_kind"), Laptop, st.integers(0, 9), st.integers(0, 3)),
    st.tuples(st.just("attribution"), Laptop, st.integers(0, 9), st.integers(0, 2)),
    st.tuples(st.just("delete"), Laptop, st.integers(0, 9), st.booleans()),
    st.tuples(st.just("consent"), Laptop, st.integers(0, 6), st.sampled_from(["yes", "no"])),
    st.tuples(st.just("protect"), Laptop, st.integers(0, 6)),
    st.tuples(st.just("remove"), Laptop, st.integers(0, 6)),
    st.tuples(st.just("erase"), Laptop, st.integers(0, 6)),
    st.tuples(st.just("purge"), Laptop, st.integers(0, 9)),
    st.tuples(st.just("sync"), Laptop, Laptop),
    st.tuples(st.just("tick"), Laptop, st.floats(0.001, 3600)),
)


@dataclass
class Acknowledged:
    """What a coordinator was told was saved: it must survive every merge."""

    checkins: dict[str, str] = field(default_factory=dict)  # check-in id -> person id
    notes: set[str] = field(default_factory=set)
    gone_people: set[str] = field(default_factory=set)  # erased or removed: they go
    purged: set[str] = field(default_factory=set)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    path, event_id, _ = make_template(tmp_path_factory.mktemp("sync") / "template.db")
    yield path, event_id


def people(db: Database, event_id: str) -> list[str]:
    rows = db.execute(
        "SELECT person_id FROM registrations WHERE event_id = ? ORDER BY person_id", [event_id]
    )
    return [r[0] for r in rows.fetchall()]


def notes(db: Database, event_id: str) -> list[str]:
    rows = db.execute("SELECT id FROM notes WHERE event_id = ? ORDER BY id", [event_id])
    return [r[0] for r in rows.fetchall()]


def run(db: Database, event_id: str, step: tuple[Any, ...], acked: Acknowledged) -> None:
    """One thing a coordinator does on one laptop."""
    kind, _, arg, *more = step
    pick = people(db, event_id)
    said = notes(db, event_id)
    if not pick and kind in ("check_in", "undo", "consent", "protect", "remove", "erase"):
        return  # everybody was removed from the list on this laptop
    try:
        if kind == "check_in":
            done = check_in(db, event_id, pick[arg % len(pick)]).attendee
            acked.checkins[done["checkin_id"]] = pick[arg % len(pick)]
        elif kind == "undo":
            undo_check_in(db, event_id, pick[arg % len(pick)])
        elif kind == "walk_in":
            result = walk_in(db, event_id, {"name": WALK_INS[arg]})
            acked.checkins[result.attendee["checkin_id"]] = result.attendee["id"]
        elif kind == "note":
            acked.notes.add(add_note(db, event_id, {"text": TEXTS[arg]})["id"])
        elif kind == "edit_text" and said:
            edit_note(db, said[arg % len(said)], {"text": TEXTS[more[0]] + " (edited)"})
        elif kind == "edit_kind" and said:
            edit_note(db, said[arg % len(said)], {"kind": KINDS[more[0]]})
        elif kind == "attribution" and said:
            edit_note(db, said[arg % len(said)], {"attribution": ATTRIBUTIONS[more[0]]})
        elif kind == "delete" and said:
            delete_note(db, said[arg % len(said)], restore=more[0])
        elif kind == "consent":
            set_consent(db, event_id, pick[arg % len(pick)], more[0], source="door", basis="door")
        elif kind == "protect":
            update_attendee(db, event_id, pick[arg % len(pick)], {"protected": True})
        elif kind == "remove":  # refused for someone with check-ins or notes
            remove_attendee(db, event_id, pick[arg % len(pick)])
            acked.gone_people.add(pick[arg % len(pick)])
        elif kind == "erase":
            # What `erase_person` does inside its transaction (the file lock and VACUUM
            # around it need a database file; these laptops live in memory).
            person = get_attendee(db, event_id, pick[arg % len(pick)])
            with db.atomic():
                erasure._erase(db, [person], [event_id], everywhere=False)
            acked.gone_people.add(person["id"])
        elif kind == "purge" and said:
            purge_note(db, said[arg % len(said)])
            acked.purged.add(said[arg % len(said)])
    except (ValidationError, NotFoundError):
        pass  # refused on that laptop (an empty note, consent "yes" for a protected person)


def exchange(laptops: list[Database], event_id: str, orders: list[list[int]]) -> None:
    """Every laptop exports a bundle; each imports all the others' in its own order."""
    bundles = [read_event_state(db, event_id) for db in laptops]
    for me, db in enumerate(laptops):
        for other in orders[me]:
            if other != me and other < len(bundles):
                merge_into(db, bundles[other], event_id)


DEVICES = [
    "e3e70682-c209-4cac-629f-6fbed82c07cd",
    "f728b4fa-4248-5e3a-0a5d-2f346baa9455",
    "eb1167b3-67a9-c378-7c65-c1e582e2e662",
    "f7c1bd87-4da5-e709-d471-3d60c8a70639",
]
IN_ORDER = [[0, 1, 2, 3]] * 4


# Cases Hypothesis found, kept: a removal that covered only older rows disagreed with the
# consent join (the first); a later change to someone removed elsewhere (the second).
@example(
    count=3,
    devices=DEVICES,
    skews=[0.0] * 4,
    steps=[("check_in", 0, 0), ("remove", 1, 0), ("consent", 0, 0, "yes")],
    orders=IN_ORDER,
)
@example(
    count=2,
    devices=DEVICES,
    skews=[0.0] * 4,
    steps=[("check_in", 0, 0), ("undo", 0, 0), ("remove", 1, 0)],
    orders=IN_ORDER,
)
@pytest.mark.timeout(1_800 if os.environ.get("HYPOTHESIS_PROFILE") == "long" else 600)
@given(
    count=st.integers(2, 4),
    devices=st.lists(st.uuids().map(str), min_size=4, max_size=4, unique=True),
    skews=st.lists(SKEWS, min_size=4, max_size=4),
    steps=st.lists(STEPS, max_size=30),
    orders=st.lists(st.permutations(range(4)), min_size=4, max_size=4),
)
def test_every_laptop_ends_with_the_same_event(
    template: tuple[Path, str],
    count: int,
    devices: list[str],
    skews: list[float],
    steps: list[tuple[Any, ...]],
    orders: list[list[int]],
) -> None:
    path, event_id = template
    laptops = [laptop(path, devices[i], skews[i]) for i in range(count)]
    acked = Acknowledged()
    for step in steps:
        me = step[1] % count
        if step[0] == "sync":
            merge_into(laptops[step[2] % count], read_event_state(laptops[me], event_id), event_id)
        elif step[0] == "tick":
            tick(laptops[me], step[2])
        else:
            run(laptops[me], event_id, step, acked)
            tick(laptops[me], 1)

    event(f"people erased or removed: {bool(acked.gone_people)}")
    event(f"notes purged: {bool(acked.purged)}")
    exchange(laptops, event_id, orders)
    prints = {fingerprint(db, event_id) for db in laptops}
    assert len(prints) == 1, "laptops disagree after importing each other's bundles"
    exchange(laptops, event_id, orders[::-1])  # importing again changes nothing
    assert {fingerprint(db, event_id) for db in laptops} == prints

    final = read_event_state(laptops[0], event_id)
    lost = {k for k, person in acked.checkins.items() if k not in final["checkins"]}
    assert {acked.checkins[k] for k in lost} <= acked.gone_people, "a check-in was lost"
    assert acked.notes - acked.purged <= set(final["notes"]), "an acknowledged note was lost"
    assert not acked.purged & set(final["notes"]), "a purged note came back"
    assert not acked.gone_people & set(final["people"]), "an erased person came back"
    active = [c["person_id"] for c in final["checkins"].values() if c["undone_at"] is None]
    assert len(active) == len(set(active)), "someone is counted twice"
    for db in laptops:
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        db.close()
