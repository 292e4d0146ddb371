"""Each merge rule of docs/sync.md on a small story: two doors, two note-takers, wrong clocks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from convener.storage.attendees import remove_attendee, update_attendee
from convener.storage.checkins import check_in, counts, undo_check_in, walk_in
from convener.storage.consent import set_consent
from convener.storage.erasure import erase_person, purge_note
from convener.storage.notes import add_note, edit_note, get_note, note_history
from convener.storage.sync.merge import review_items
from convener.storage.sync.state import fingerprint
from tests.unit.sync_laptops import PEOPLE, file_laptop, laptop, make_template, sync, tick

A, B, C = (
    "aaaaaaaa-0000-4000-8000-000000000000",
    "bbbbbbbb-0000-4000-8000-000000000000",
    "cccccccc-0000-4000-8000-000000000000",
)
DAY = 86_400


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str, list[str]]]:
    yield make_template(tmp_path_factory.mktemp("rules") / "template.db")


def both_ways(a, b, event_id):  # type: ignore[no-untyped-def]
    sync(a, b, event_id)
    sync(b, a, event_id)
    assert fingerprint(a, event_id) == fingerprint(b, event_id)


def test_a_person_checked_in_at_two_doors_is_counted_once(template) -> None:  # type: ignore[no-untyped-def]
    path, event_id, people = template
    door1, door2 = laptop(path, B), laptop(path, A, skew_s=-2 * DAY)  # door 2's clock is wrong
    tick(door1, 60)
    first = check_in(door1, event_id, people[0]).attendee["checkin_id"]
    tick(door2, 30)
    second = check_in(door2, event_id, people[0]).attendee["checkin_id"]
    report = sync(door1, door2, event_id)
    sync(door2, door1, event_id)
    assert report.checkins_undone == 1
    for db in (door1, door2):
        rows = dict(
            db.execute(
                "SELECT id, undone_device_id FROM checkins WHERE person_id = ?", [people[0]]
            ).fetchall()
        )
        # door 2's stamp is smaller (its clock says two days earlier): it stays active
        assert rows == {second: None, first: "merge"}
        assert counts(db, event_id).checked_in == 1
    assert fingerprint(door1, event_id) == fingerprint(door2, event_id)


def test_equal_stamps_at_two_doors_the_smaller_device_id_stays(template) -> None:  # type: ignore[no-untyped-def]
    path, event_id, people = template
    door_b, door_a = laptop(path, B), laptop(path, A)
    on_b = check_in(door_b, event_id, people[1]).attendee["checkin_id"]
    on_a = check_in(door_a, event_id, people[1]).attendee["checkin_id"]
    both_ways(door_b, door_a, event_id)
    active = door_b.execute(
        "SELECT id FROM checkins WHERE person_id = ? AND undone_at IS NULL", [people[1]]
    ).fetchall()
    assert [r[0] for r in active] == [on_a] and on_b != on_a


def test_undoing_the_kept_check_in_brings_back_the_other_door(template) -> None:  # type: ignore[no-untyped-def]
    path, event_id, people = template
    door1, door2 = laptop(path, A), laptop(path, B)
    check_in(door1, event_id, people[2])
    tick(door2, 5)
    check_in(door2, event_id, people[2])
    both_ways(door1, door2, event_id)
    tick(door1, 60)
    assert undo_check_in(door1, event_id, people[2])  # door 1 checked in the wrong Rahila
    both_ways(door1, door2, event_id)
    assert counts(door2, event_id).checked_in == 1  # door 2 did see her


def test_a_note_edited_on_two_laptops_keeps_both_versions_for_review(template) -> None:  # type: ignore[no-untyped-def]
    """The divergence a whole-row prototype showed: one laptop changes the kind, one the text."""
    path, event_id, _ = template
    notes1, notes2 = laptop(path, A), laptop(path, B, skew_s=-3 * DAY)
    note = add_note(notes1, event_id, {"text": "The shelter has no budget"})
    sync(notes1, notes2, event_id)
    tick(notes1, 10)
    edit_note(notes1, note["id"], {"kind": "concern"})
    tick(notes2, 20)  # its clock is three days behind: its stamp sorts first
    edit_note(notes2, note["id"], {"text": "The shelter has had no budget since March"})
    both_ways(notes1, notes2, event_id)
    for db in (notes1, notes2):
        current = get_note(db, note["id"])
        assert (current["text"], current["kind"]) == ("The shelter has no budget", "concern")
        kept = [h for h in note_history(db, note["id"]) if h["kept_by"] == "merge"]
        assert len(kept) == 1  # the other laptop's version, whole
        assert kept[0]["previous"]["kind"] == "key_point"
        assert kept[0]["previous"]["text"] == "The shelter has had no budget since March"
        assert len(review_items(db, event_id)) == 1
        assert "edited on two laptops" in review_items(db, event_id)[0]


def test_an_edit_made_after_receiving_the_note_is_no_conflict(template) -> None:  # type: ignore[no-untyped-def]
    path, event_id, _ = template
    notes1, notes2 = laptop(path, A), laptop(path, B, skew_s=-3 * DAY)
    note = add_note(notes1, event_id, {"text": "FIA will share the list"})
    tick(notes1, 60)
    edit_note(notes1, note["id"], {"kind": "commitment"})
    sync(notes1, notes2, event_id)
    tick(notes2, 5)  # three days wrong, but it received notes1's stamps: its edit sorts later
    edit_note(notes2, note["id"], {"text": "FIA will share the list by Friday"})
    both_ways(notes1, notes2, event_id)
    assert get_note(notes1, note["id"])["text"] == "FIA will share the list by Friday"
    assert get_note(notes1, note["id"])["kind"] == "commitment"
    assert review_items(notes1, event_id) == []


def test_the_more_private_value_wins_whatever_the_clocks_say(template) -> None:  # type: ignore[no-untyped-def]
    path, event_id, people = template
    early, late = laptop(path, A, skew_s=-DAY), laptop(path, B, skew_s=DAY)
    set_consent(early, event_id, people[0], "no", source="door", basis="door")
    set_consent(late, event_id, people[0], "yes", source="door", basis="door")
    set_consent(late, event_id, people[1], "yes", source="door", basis="door")
    update_attendee(early, event_id, people[1], {"protected": True})
    note = add_note(early, event_id, {"text": "Said off the record", "attribution": "off_record"})
    sync(early, late, event_id)
    tick(late, 60)
    edit_note(late, note["id"], {"attribution": "named", "text": "Said, now named"})
    both_ways(early, late, event_id)
    for db in (early, late):
        consent = dict(db.execute("SELECT person_id, consent FROM registrations").fetchall())
        assert consent[people[0]] == "no"
        assert consent[people[1]] == "not_asked"  # protected: never named
        assert db.execute("SELECT protected FROM people WHERE id = ?", [people[1]]).fetchone()[0]
        assert get_note(db, note["id"])["attribution"] == "off_record"
        assert get_note(db, note["id"])["text"] == "Said, now named"


def test_a_person_erased_on_one_laptop_never_comes_back(template, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, event_id, people = template
    office = file_laptop(path, tmp_path / "a.db", A)
    door = file_laptop(path, tmp_path / "b.db", B)
    gul = people[0]
    check_in(door, event_id, gul)
    add_note(door, event_id, {"text": "A question about shelters", "speaker_id": gul})
    named = add_note(door, event_id, {"text": "Gul Bano asked where the shelter is"})
    sync(door, office, event_id)
    erase_person(office, event_id, PEOPLE[0])
    tick(door, 30)
    set_consent(door, event_id, gul, "yes", source="door", basis="door")  # door did not know
    edit_note(door, named["id"], {"text": "Gul Bano asked where the women's shelter is"})
    add_note(door, event_id, {"text": "Later: GUL-BANO came back with her sister"})
    report = sync(office, door, event_id)
    sync(door, office, event_id)
    assert report.removed["registrations"] == 1
    for db in (office, door):
        assert db.execute("SELECT count(*) FROM people WHERE id = ?", [gul]).fetchone() == (0,)
        assert db.execute(
            "SELECT count(*) FROM checkins WHERE person_id = ?", [gul]
        ).fetchone() == (0,)
        spoke = db.execute(
            "SELECT speaker_id, text FROM notes WHERE text LIKE 'A question%'"
        ).fetchall()
        assert spoke == [(None, "A question about shelters")]
        texts = json.dumps(
            [
                *db.execute("SELECT * FROM notes").fetchall(),
                *db.execute("SELECT * FROM note_revisions").fetchall(),
            ],
            ensure_ascii=False,
        )
        assert gul not in texts and "gul" not in texts.lower()
        assert "a participant asked where the women's shelter is" in texts
    assert fingerprint(office, event_id) == fingerprint(door, event_id)


def test_a_purged_note_never_comes_back(template, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, event_id, _ = template
    one = file_laptop(path, tmp_path / "a.db", A)
    two = file_laptop(path, tmp_path / "b.db", B)
    note = add_note(one, event_id, {"text": "Her phone is 0300 1234567"})
    sync(one, two, event_id)
    purge_note(one, note["id"])
    sync(two, one, event_id)
    assert one.execute("SELECT count(*) FROM notes").fetchone() == (0,)
    sync(one, two, event_id)
    assert two.execute("SELECT count(*) FROM notes").fetchone() == (0,)


def test_walk_ins_entered_at_two_doors_are_listed_for_review(template) -> None:  # type: ignore[no-untyped-def]
    path, event_id, _ = template
    door1, door2, door3 = laptop(path, A), laptop(path, B), laptop(path, C)
    walk_in(door1, event_id, {"name": "Shazia Baloch"})
    walk_in(door2, event_id, {"name": "shazia  baloch"})
    walk_in(door3, event_id, {"name": "Samina Kakar"})
    for source in (door1, door2, door3):
        for target in (door1, door2, door3):
            if source is not target:
                sync(source, target, event_id)
    review = review_items(door3, event_id)
    assert len(review) == 1 and "shazia baloch" in review[0].lower()
    assert counts(door3, event_id).walk_ins == 3  # both kept until a person decides


def test_someone_removed_from_the_list_stays_removed(template) -> None:  # type: ignore[no-untyped-def]
    path, event_id, people = template
    desk, door = laptop(path, A), laptop(path, B)
    naseeb = people[1]
    tick(desk, 60)
    remove_attendee(desk, event_id, naseeb)  # on the list by mistake
    tick(door, 120)  # later, the door (not knowing) records their consent
    set_consent(door, event_id, naseeb, "yes", source="door", basis="door")
    both_ways(desk, door, event_id)
    for db in (desk, door):
        registered = "SELECT count(*) FROM registrations WHERE person_id = ?"
        assert db.execute(registered, [naseeb]).fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM people WHERE id = ?", [naseeb]).fetchone() == (0,)
