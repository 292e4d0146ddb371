"""Events, agenda, attendees, check-ins, notes, drafts and action items on a fresh database."""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from convener.storage.actions import add_action_item, list_action_items, update_action_item
from convener.storage.attendees import (
    add_attendee,
    get_attendee,
    list_attendees,
    probable_duplicates,
    remove_attendee,
    update_attendee,
)
from convener.storage.checkins import check_in, counts, last_check_in, undo_check_in, walk_in
from convener.storage.clock import parse_utc, utc_now
from convener.storage.db.migrations import device_id
from convener.storage.errors import NotFoundError, ValidationError
from convener.storage.events import (
    agenda,
    create_event,
    delete_event,
    end_session,
    get_event,
    list_events,
    set_agenda,
    start_session,
    update_event,
)
from convener.storage.notes import (
    add_note,
    delete_note,
    discard_draft,
    edit_note,
    get_draft,
    get_note,
    list_notes,
    note_history,
    save_draft,
)
from convener.storage.rows import insert

STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
URDU_NAME = "آمنہ بی بی"


def new_event(db: Database, **fields: Any) -> dict[str, Any]:
    return create_event(db, {"title": "Provincial Dialogue", "date": "2025-05-14", **fields})


def person(db: Database, event_id: str, name: str = "Amina Khan", **fields: Any) -> str:
    return str(add_attendee(db, event_id, {"name": name, **fields})["id"])


def count(db: Database, table: str, where: str = "1", params: list[Any] | None = None) -> int:
    return int(
        db.execute(f"SELECT count(*) FROM {table} WHERE {where}", params or []).fetchone()[0]
    )


def audit_actions(db: Database, entity_id: str) -> list[str]:
    rows = db.execute(
        "SELECT action FROM audit WHERE entity_id = ? ORDER BY rowid", [entity_id]
    ).fetchall()
    return [r[0] for r in rows]


# --- events -----------------------------------------------------------------------------


def test_create_and_get_event_by_slug_and_id(db: Database) -> None:
    event = new_event(db, organisers=["SSDO", "IOM"], start_time="9:30", end_time="13:00")
    assert event["slug"] == "provincial-dialogue-2025-05-14"
    assert event["status"] == "planned"
    for ref in (event["slug"], event["id"]):
        got = get_event(db, ref)
        assert got["id"] == event["id"]
        assert got["organisers"] == ["SSDO", "IOM"]
        assert got["start_time"] == "09:30"
    assert audit_actions(db, event["id"]) == ["create"]


def test_same_title_and_date_gets_a_distinct_slug(db: Database) -> None:
    slugs = [new_event(db)["slug"] for _ in range(3)]
    assert slugs == [
        "provincial-dialogue-2025-05-14",
        "provincial-dialogue-2025-05-14-2",
        "provincial-dialogue-2025-05-14-3",
    ]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   \x1b[2J "}, "title"),
        ({"date": ""}, "date"),
        ({"date": "14/05/25"}, "date"),  # two-digit years are refused, not guessed
        ({"date": "05/14/2025"}, "date"),  # day first: there is no 14th month
        ({"date": "2025-02-30"}, "date"),
        ({"start_time": "25:00"}, "start_time"),
        ({"start_time": "13:00", "end_time": "10:00"}, "end_time"),
        ({"status": "finished"}, "status"),
        ({"attribution_default": "anonymous"}, "attribution_default"),
        ({"venue": "x" * 301}, "venue"),
    ],
)
def test_create_event_rejects_bad_fields(db: Database, fields: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        new_event(db, **fields)
    assert any(p.startswith(f"{field}:") for p in caught.value.problems), caught.value.problems
    assert count(db, "events") == 0


def test_unknown_event_is_not_found(db: Database) -> None:
    with pytest.raises(NotFoundError, match="nope"):
        get_event(db, "nope")


def test_update_event_saves_changes_and_audits(db: Database) -> None:
    event = new_event(db)
    updated = update_event(db, event["id"], {"venue": "Serena Hotel", "organisers": ["SSDO"]})
    assert updated["venue"] == "Serena Hotel"
    assert updated["organisers"] == ["SSDO"]
    assert updated["updated_at"] >= event["updated_at"]
    detail = db.execute("SELECT detail FROM audit WHERE action = 'update'").fetchone()[0]
    assert json.loads(detail) == {"fields": ["organisers", "venue"]}
    update_event(db, event["id"], {"venue": "Serena Hotel"})  # no change, no audit row
    assert audit_actions(db, event["id"]) == ["create", "update"]


def test_update_event_with_bad_field_changes_nothing(db: Database) -> None:
    event = new_event(db)
    with pytest.raises(ValidationError):
        update_event(db, event["id"], {"venue": "Serena", "date": "someday"})
    assert get_event(db, event["id"])["venue"] == ""


def test_list_events_counts_expected_and_checked_in(db: Database) -> None:
    event = new_event(db)
    other = new_event(db, title="Another")
    ids = [person(db, event["id"], f"Person {i}") for i in range(4)]
    person(db, other["id"], "Elsewhere")
    for pid in ids[:3]:
        check_in(db, event["id"], pid)
    undo_check_in(db, event["id"], ids[2])
    listed = {e["slug"]: e for e in list_events(db)}
    assert (listed[event["slug"]]["expected"], listed[event["slug"]]["checked_in"]) == (4, 2)
    assert (listed[other["slug"]]["expected"], listed[other["slug"]]["checked_in"]) == (1, 0)
    assert listed[event["slug"]]["organisers"] == []


def test_start_and_end_session(db: Database) -> None:
    event = new_event(db)
    live = start_session(db, event["id"])
    assert live["status"] == "live"
    assert STAMP.match(live["started_at"])
    ended = end_session(db, event["id"])
    assert ended["status"] == "ended"
    assert STAMP.match(ended["ended_at"])
    assert ended["started_at"] == live["started_at"]
    again = start_session(db, event["id"])  # resuming keeps the timer's zero
    assert again["status"] == "live"
    assert again["started_at"] == live["started_at"]
    assert again["ended_at"] is None
    assert audit_actions(db, event["id"]) == ["create", "start", "end", "start"]


# --- deleting an event --------------------------------------------------------------------


def populate(db: Database, event_id: str, name: str) -> str:
    """A person with a check-in, a note with a revision, an action item, a draft, an agenda."""
    pid = person(db, event_id, name, phone="03001234567")
    check_in(db, event_id, pid)
    items = set_agenda(db, event_id, [{"title": "Opening"}])
    note = add_note(
        db,
        event_id,
        {"text": f"{name} said this", "speaker_id": pid, "agenda_item_id": items[0]["id"]},
    )
    edit_note(db, note["id"], {"text": f"{name} said that"})
    add_action_item(db, event_id, {"what": "Follow up", "owner_person_id": pid})
    save_draft(db, event_id, {"text": "half typed"})
    return pid


def test_delete_event_removes_everything_recorded_at_it(db: Database) -> None:
    keep = new_event(db, title="Keep")
    gone = new_event(db, title="Gone")
    kept_person = populate(db, keep["id"], "Kept Person")
    gone_person = populate(db, gone["id"], "Gone Person")
    delete_event(db, gone["id"])
    with pytest.raises(NotFoundError):
        get_event(db, gone["id"])
    for table in ("agenda_items", "registrations", "checkins", "notes", "action_items", "drafts"):
        assert count(db, table, "event_id = ?", [gone["id"]]) == 0, table
        assert count(db, table, "event_id = ?", [keep["id"]]) == 1, table
    assert count(db, "note_revisions") == 1
    assert count(db, "people", "id = ?", [gone_person]) == 0
    assert count(db, "people", "id = ?", [kept_person]) == 1
    assert count(db, "audit", "event_id = ?", [gone["id"]]) == 0
    assert count(db, "audit", "action = 'delete' AND entity_id = ?", [gone["id"]]) == 1


def test_delete_event_keeps_people_registered_elsewhere(db: Database) -> None:
    first = new_event(db, title="First")
    second = new_event(db, title="Second")
    shared = person(db, first["id"], "Shared Person")
    insert(
        db, "registrations", {"event_id": second["id"], "person_id": shared, "source": "expected"}
    )
    only_first = person(db, first["id"], "Only First")
    delete_event(db, first["id"])
    assert [a["id"] for a in list_attendees(db, second["id"])] == [shared]
    assert count(db, "people", "id = ?", [only_first]) == 0


def test_deleted_names_leave_the_database_file(db: Database, db_path: Path) -> None:
    # secure_delete: a deleted survivor's name must not be recoverable from the file.
    secret_name = "Zarmina Qaiserani Xq7"
    secret_phone = "03337771234"
    event = new_event(db)
    pid = person(db, event["id"], secret_name, phone=secret_phone, protected="yes")
    person(db, event["id"], URDU_NAME)
    add_note(db, event["id"], {"text": f"Testimony of {secret_name}", "speaker_id": pid})
    needles = [secret_name.encode(), secret_phone.encode(), URDU_NAME.encode()]
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = db_path.read_bytes()
    assert all(n in before for n in needles)  # the check below can fail
    delete_event(db, event["id"])
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    after = db_path.read_bytes() + Path(f"{db_path}-wal").read_bytes()
    for needle in needles:
        assert needle not in after
        assert needle.lower() not in after.lower()  # nor in the name_key index


# --- agenda ------------------------------------------------------------------------------


def titles(db: Database, event_id: str) -> list[tuple[int, str]]:
    return [(a["position"], a["title"]) for a in agenda(db, event_id)]


def test_set_reorder_and_remove_agenda_items(db: Database) -> None:
    event = new_event(db)
    items = set_agenda(db, event["id"], [{"title": "A"}, {"title": "B"}, {"title": "C"}])
    assert titles(db, event["id"]) == [(1, "A"), (2, "B"), (3, "C")]
    a, b, c = items
    reordered = set_agenda(db, event["id"], [c, a, {**b, "title": "B renamed"}])
    assert titles(db, event["id"]) == [(1, "C"), (2, "A"), (3, "B renamed")]
    assert {i["id"] for i in reordered} == {a["id"], b["id"], c["id"]}  # ids kept
    set_agenda(db, event["id"], [a, c])
    assert titles(db, event["id"]) == [(1, "A"), (2, "C")]
    assert count(db, "agenda_items", "id = ?", [b["id"]]) == 0


def test_removed_agenda_item_with_notes_is_kept_last(db: Database) -> None:
    event = new_event(db)
    a, b, c = set_agenda(db, event["id"], [{"title": "A"}, {"title": "B"}, {"title": "C"}])
    note = add_note(db, event["id"], {"text": "About A", "agenda_item_id": a["id"]})
    set_agenda(db, event["id"], [b, c])
    assert titles(db, event["id"]) == [(1, "B"), (2, "C"), (3, "A")]
    assert get_note(db, note["id"])["agenda_title"] == "A"


def test_agenda_text_is_cleaned(db: Database) -> None:
    event = new_event(db)
    [item] = set_agenda(db, event["id"], [{"title": "\x1b[2JOpening\u202e", "starts_at": "10:00"}])
    assert item["title"] == "Opening"
    assert item["starts_at"] == "10:00"


# --- attendees ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone", ["03001234567", "+92 300 1234567", "0300-1234567", "۰۳۰۰۱۲۳۴۵۶۷", "0092 81 2345678"]
)
def test_phone_is_kept_exactly_as_text(db: Database, phone: str) -> None:
    event = new_event(db)
    pid = person(db, event["id"], phone=phone, id_number="0012345")
    assert get_attendee(db, event["id"], pid)["phone"] == phone
    stored = db.execute("SELECT phone, typeof(phone), id_number FROM people").fetchone()
    assert stored == (phone, "text", "0012345")


@pytest.mark.parametrize("phone", ["12345", "abc1234567", "1" * 16, "0300 123456x"])
def test_bad_phone_is_rejected(db: Database, phone: str) -> None:
    event = new_event(db)
    with pytest.raises(ValidationError, match="phone"):
        person(db, event["id"], phone=phone)
    assert count(db, "people") == 0
    assert count(db, "registrations") == 0


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("female", "female"),
        ("F", "female"),
        ("Woman", "female"),
        ("خاتون", "female"),
        ("m", "male"),
    ],
)
def test_gender_aliases_resolve_to_codes(db: Database, given: str, stored: str) -> None:
    event = new_event(db)
    pid = person(db, event["id"], gender=given)
    assert get_attendee(db, event["id"], pid)["gender"] == stored


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),
        ({"gender": "fmale"}, "gender"),
        ({"stakeholder_group": "aliens"}, "stakeholder_group"),
        ({"age_band": "ancient"}, "age_band"),
        ({"email": "not-an-email"}, "email"),
        ({"vip": "maybe"}, "vip"),
        ({"name": "x" * 201}, "name"),
    ],
)
def test_add_attendee_rejects_bad_fields(db: Database, fields: dict[str, Any], field: str) -> None:
    event = new_event(db)
    with pytest.raises(ValidationError) as caught:
        add_attendee(db, event["id"], {"name": "Amina Khan", **fields})
    assert any(p.startswith(f"{field}:") for p in caught.value.problems), caught.value.problems
    assert count(db, "people") == 0


def test_urdu_name_typed_decomposed_is_stored_composed(db: Database) -> None:
    event = new_event(db)
    decomposed = unicodedata.normalize("NFD", URDU_NAME)
    assert decomposed != URDU_NAME
    pid = person(db, event["id"], decomposed)
    assert get_attendee(db, event["id"], pid)["name"] == URDU_NAME
    raw = db.execute("SELECT name FROM people WHERE id = ?", [pid]).fetchone()[0]
    assert raw == URDU_NAME


@pytest.mark.parametrize(
    ("stored", "probe"),
    [
        ("Raheela Durrani", "raheela durrani"),
        ("Raheela Durrani", "  RAHEELA   Durrani "),
        ("Raheela Durrani", "Raheela\tDurrani"),
        (URDU_NAME, unicodedata.normalize("NFD", URDU_NAME)),
        (unicodedata.normalize("NFD", URDU_NAME), URDU_NAME),
        ("Zoë Khan", unicodedata.normalize("NFD", "zoë khan")),
        ("Raheela Durrani", "Raheela Durani"),  # a spelling variant
        ("Jamal Bizenjo", "Jamal Bezenjo"),
        ("سعدیہ بلوچ", "Sadia Baloch"),  # the other script
        ("سعدیہ بلوچ", "سعديه بلوچ"),  # Arabic keyboard letters
    ],
)
def test_probable_duplicates_match_name_variants(db: Database, stored: str, probe: str) -> None:
    event = new_event(db)
    pid = person(db, event["id"], stored)
    person(db, event["id"], "Someone Else")
    assert [d["id"] for d in probable_duplicates(db, event["id"], probe)] == [pid]


@pytest.mark.parametrize("probe", ["Raheela", "Durrani Raheela", "Raheel Durrani", "Rahila Durani"])
def test_probable_duplicates_ignore_different_names(db: Database, probe: str) -> None:
    event = new_event(db)
    person(db, event["id"], "Raheela Durrani")
    assert probable_duplicates(db, event["id"], probe) == []


def test_probable_duplicates_are_per_event(db: Database) -> None:
    first = new_event(db, title="First")
    second = new_event(db, title="Second")
    person(db, first["id"], "Raheela Durrani")
    assert probable_duplicates(db, second["id"], "Raheela Durrani") == []


def test_update_attendee(db: Database) -> None:
    event = new_event(db)
    pid = person(db, event["id"], consent_name="yes", phone="03001234567")
    updated = update_attendee(db, event["id"], pid, {"name": "AMINA  khan", "designation": "DC"})
    assert updated["name"] == "AMINA khan"
    assert updated["designation"] == "DC"
    assert updated["phone"] == "03001234567"
    assert updated["consent_name"] == 1
    assert [d["id"] for d in probable_duplicates(db, event["id"], "amina khan")] == [pid]
    update_attendee(db, event["id"], pid, {"designation": "DC"})  # unchanged: no audit row
    assert audit_actions(db, pid) == ["register", "consent", "update"]


def test_protected_person_never_has_consent(db: Database) -> None:
    event = new_event(db)
    pid = person(db, event["id"], consent_name="yes", consent_photo="yes", protected="yes")
    row = get_attendee(db, event["id"], pid)
    assert (row["protected"], row["consent_name"], row["consent_photo"]) == (1, 0, 0)
    updated = update_attendee(db, event["id"], pid, {"consent_name": "yes"})
    assert updated["consent_name"] == 0


def test_update_attendee_rejects_bad_field_and_keeps_row(db: Database) -> None:
    event = new_event(db)
    pid = person(db, event["id"], gender="female")
    with pytest.raises(ValidationError, match="gender"):
        update_attendee(db, event["id"], pid, {"gender": "fmale", "designation": "DC"})
    row = get_attendee(db, event["id"], pid)
    assert (row["gender"], row["designation"]) == ("female", "")


def test_remove_attendee_who_never_came(db: Database) -> None:
    event = new_event(db)
    pid = person(db, event["id"])
    add_action_item(db, event["id"], {"what": "Call", "owner_person_id": pid})
    remove_attendee(db, event["id"], pid)
    assert list_attendees(db, event["id"]) == []
    assert count(db, "people", "id = ?", [pid]) == 0
    with pytest.raises(NotFoundError):
        get_attendee(db, event["id"], pid)


@pytest.mark.parametrize("history", ["checked-in", "undone", "spoke"])
def test_remove_attendee_with_history_is_refused(db: Database, history: str) -> None:
    event = new_event(db)
    pid = person(db, event["id"])
    if history == "spoke":
        add_note(db, event["id"], {"text": "A point", "speaker_id": pid})
    else:
        check_in(db, event["id"], pid)
        if history == "undone":
            undo_check_in(db, event["id"], pid)
    with pytest.raises(ValidationError):
        remove_attendee(db, event["id"], pid)
    assert [a["id"] for a in list_attendees(db, event["id"])] == [pid]


def test_remove_attendee_registered_elsewhere_keeps_the_person(db: Database) -> None:
    first = new_event(db, title="First")
    second = new_event(db, title="Second")
    pid = person(db, first["id"])
    insert(db, "registrations", {"event_id": second["id"], "person_id": pid, "source": "expected"})
    remove_attendee(db, first["id"], pid)
    assert list_attendees(db, first["id"]) == []
    assert [a["id"] for a in list_attendees(db, second["id"])] == [pid]


def test_attendee_text_is_cleaned(db: Database) -> None:
    event = new_event(db)
    pid = person(db, event["id"], "\x1b]0;owned\x07Amina\u202e Khan", organisation="SSDO\x9b")
    row = get_attendee(db, event["id"], pid)
    assert (row["name"], row["organisation"]) == ("Amina Khan", "SSDO")


# --- check-ins ---------------------------------------------------------------------------


def active_checkins(db: Database, event_id: str, pid: str) -> int:
    return count(
        db, "checkins", "event_id = ? AND person_id = ? AND undone_at IS NULL", [event_id, pid]
    )


def test_check_in_is_idempotent(db: Database) -> None:
    event = new_event(db)
    pid = person(db, event["id"])
    first = check_in(db, event["id"], pid)
    second = check_in(db, event["id"], pid)
    assert (first.created, second.created) == (True, False)
    assert first.attendee["checked_in_at"] == second.attendee["checked_in_at"]
    assert STAMP.match(first.attendee["checked_in_at"])
    assert active_checkins(db, event["id"], pid) == 1
    assert count(db, "checkins") == 1
    assert count(db, "audit", "action = 'check_in'") == 1


def test_undo_keeps_history_and_check_in_works_again(db: Database) -> None:
    event = new_event(db)
    pid = person(db, event["id"])
    check_in(db, event["id"], pid)
    assert undo_check_in(db, event["id"], pid) is True
    assert undo_check_in(db, event["id"], pid) is False
    assert get_attendee(db, event["id"], pid)["checked_in_at"] is None
    [row] = db.query("SELECT * FROM checkins")
    assert STAMP.match(row["undone_at"])
    assert row["undone_device_id"] == device_id(db)
    again = check_in(db, event["id"], pid)
    assert again.created is True
    assert count(db, "checkins") == 2
    assert active_checkins(db, event["id"], pid) == 1
    assert [r["action"] for r in db.query("SELECT action FROM audit WHERE entity = 'checkin'")] == [
        "check_in",
        "undo_check_in",
        "check_in",
    ]


def test_only_one_active_check_in_even_bypassing_the_api(db: Database) -> None:
    event = new_event(db)
    pid = person(db, event["id"])
    check_in(db, event["id"], pid)
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        insert(db, "checkins", {"event_id": event["id"], "person_id": pid, "checked_in_at": "x"})


def test_check_in_of_someone_not_registered_fails_cleanly(db: Database) -> None:
    event = new_event(db)
    other = new_event(db, title="Other")
    pid = person(db, other["id"])
    with pytest.raises(NotFoundError):
        check_in(db, event["id"], pid)
    assert count(db, "checkins") == 0
    assert not db.conn.in_transaction


def test_last_check_in_is_what_undo_takes_back(db: Database) -> None:
    event = new_event(db)
    ids = [person(db, event["id"], f"P{i}") for i in range(3)]
    for pid in ids:
        check_in(db, event["id"], pid)
    latest = last_check_in(db, event["id"])
    assert latest is not None
    assert latest["person_id"] == ids[-1]
    undo_check_in(db, event["id"], ids[-1])
    latest = last_check_in(db, event["id"])
    assert latest is not None
    assert latest["person_id"] == ids[-2]


def test_walk_in_registers_and_checks_in(db: Database) -> None:
    event = new_event(db)
    person(db, event["id"], "Expected Person")
    result = walk_in(
        db, event["id"], {"name": "Walk In", "gender": "female", "phone": "03001112222"}
    )
    assert result.created is True
    assert result.attendee["source"] == "walk_in"
    assert result.attendee["checked_in_at"]
    assert result.attendee["phone"] == "03001112222"
    c = counts(db, event["id"])
    assert (c.expected, c.checked_in, c.walk_ins) == (1, 1, 1)


def test_invalid_walk_in_stores_nothing(db: Database) -> None:
    event = new_event(db)
    with pytest.raises(ValidationError):
        walk_in(db, event["id"], {"name": "Walk In", "gender": "fmale"})
    for table in ("people", "registrations", "checkins"):
        assert count(db, table) == 0, table
    assert not db.conn.in_transaction


def test_counts_by_gender_and_group(db: Database) -> None:
    event = new_event(db)
    people = [
        ("A", "female", "government", True),
        ("B", "female", "civil_society", True),
        ("C", "male", "government", True),
        ("D", "", "", True),
        ("E", "male", "police", False),
    ]
    for name, gender, group, arrives in people:
        pid = person(db, event["id"], name, gender=gender, stakeholder_group=group)
        if arrives:
            check_in(db, event["id"], pid)
    walk_in(db, event["id"], {"name": "F", "gender": "transgender", "stakeholder_group": "media"})
    c = counts(db, event["id"])
    assert (c.expected, c.checked_in, c.walk_ins) == (5, 5, 1)
    assert dict(c.by_gender) == {"female": 2, "male": 1, "unrecorded": 1, "transgender": 1}
    assert dict(c.by_group) == {
        "government": 2,
        "civil_society": 1,
        "unrecorded": 1,
        "media": 1,
    }
    assert c.latest[0]["name"] == "F"
    assert len(counts(db, event["id"], latest=2).latest) == 2


# --- notes -------------------------------------------------------------------------------


def test_add_note_round_trip(db: Database) -> None:
    event = new_event(db)
    pid = person(db, event["id"], URDU_NAME)
    note = add_note(
        db,
        event["id"],
        {
            "text": "  Line one\r\nLine two \x1b[31m \n",
            "speaker_id": pid,
            "kind": "recommendation",
            "attribution": "role",
            "tags": ["legal framework", " ", "\u202epolicy"],
            "addressed_to": "Home Department",
        },
    )
    assert note["text"] == "Line one\nLine two"
    assert note["speaker_name"] == URDU_NAME
    assert (note["kind"], note["attribution"]) == ("recommendation", "role")
    assert json.loads(note["tags"]) == ["legal framework", "policy"]
    assert note["addressed_to"] == "Home Department"
    assert note["deleted_at"] is None
    assert STAMP.match(note["noted_at"])


def test_note_defaults(db: Database) -> None:
    event = new_event(db)
    note = add_note(db, event["id"], {"text": "Point", "speaker_text": "a police officer"})
    assert (note["kind"], note["attribution"], note["speaker_id"]) == ("key_point", "named", None)
    assert note["speaker_text"] == "a police officer"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": " \n\t "}, "text"),
        ({"text": "\x1b[2J"}, "text"),
        ({"text": "x" * 100_001}, "text"),
        ({"text": "ok", "kind": "rumour"}, "kind"),
        ({"text": "ok", "attribution": "everyone"}, "attribution"),
    ],
)
def test_add_note_rejects_bad_fields(db: Database, fields: dict[str, Any], field: str) -> None:
    event = new_event(db)
    save_draft(db, event["id"], {"text": "keep me"})
    with pytest.raises(ValidationError) as caught:
        add_note(db, event["id"], fields)
    assert any(p.startswith(f"{field}:") for p in caught.value.problems)
    assert count(db, "notes") == 0
    draft = get_draft(db, event["id"])
    assert draft is not None
    assert draft["text"] == "keep me"  # a rejected note does not lose the draft


def test_elapsed_seconds_since_session_start(db: Database) -> None:
    event = new_event(db)
    before = add_note(db, event["id"], {"text": "Before the start"})
    assert before["elapsed_seconds"] is None
    started = start_session(db, event["id"])["started_at"]
    at = (
        (parse_utc(started) + timedelta(minutes=12, seconds=34))
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )
    note = add_note(db, event["id"], {"text": "Twelve minutes in"}, noted_at=at)
    assert note["elapsed_seconds"] == 12 * 60 + 34
    now = add_note(db, event["id"], {"text": "Right now"})
    assert 0 <= now["elapsed_seconds"] < 60


def test_edit_note_keeps_revisions(db: Database) -> None:
    event = new_event(db)
    note = add_note(db, event["id"], {"text": "First words", "kind": "key_point"})
    edit_note(db, note["id"], {"text": "Second words"})
    edited = edit_note(db, note["id"], {"text": "Third words", "kind": "concern"})
    assert (edited["text"], edited["kind"]) == ("Third words", "concern")
    history = note_history(db, note["id"])
    assert [h["previous"] for h in history] == [
        {"text": "First words"},
        {"text": "Second words", "kind": "key_point"},
    ]
    edit_note(db, note["id"], {"text": "Third words"})  # unchanged: no new revision
    assert len(note_history(db, note["id"])) == 2
    assert audit_actions(db, note["id"]) == ["create", "edit", "edit"]


def test_edit_note_rejects_empty_text_and_keeps_it(db: Database) -> None:
    event = new_event(db)
    note = add_note(db, event["id"], {"text": "Keep"})
    with pytest.raises(ValidationError):
        edit_note(db, note["id"], {"text": "  "})
    assert get_note(db, note["id"])["text"] == "Keep"
    assert note_history(db, note["id"]) == []


def test_soft_delete_and_restore_note(db: Database) -> None:
    event = new_event(db)
    kept = add_note(db, event["id"], {"text": "Kept"}, noted_at="2025-05-14T05:00:00.000Z")
    gone = add_note(db, event["id"], {"text": "Gone"}, noted_at="2025-05-14T05:01:00.000Z")
    delete_note(db, gone["id"])
    assert [n["id"] for n in list_notes(db, event["id"])] == [kept["id"]]
    assert [n["id"] for n in list_notes(db, event["id"], include_deleted=True)] == [
        kept["id"],
        gone["id"],
    ]
    assert STAMP.match(get_note(db, gone["id"])["deleted_at"])
    delete_note(db, gone["id"], restore=True)
    assert [n["id"] for n in list_notes(db, event["id"])] == [kept["id"], gone["id"]]
    assert audit_actions(db, gone["id"]) == ["create", "delete", "restore"]


def test_list_notes_in_speaking_order(db: Database) -> None:
    event = new_event(db)
    add_note(db, event["id"], {"text": "Second"}, noted_at="2025-05-14T05:02:00.000Z")
    add_note(db, event["id"], {"text": "First"}, noted_at="2025-05-14T05:01:00.000Z")
    assert [n["text"] for n in list_notes(db, event["id"])] == ["First", "Second"]


def test_unknown_note_is_not_found(db: Database) -> None:
    with pytest.raises(NotFoundError):
        get_note(db, "missing")


# --- drafts ------------------------------------------------------------------------------


def test_draft_save_get_update_and_clear_on_add_note(db: Database) -> None:
    event = new_event(db)
    assert get_draft(db, event["id"]) is None
    save_draft(db, event["id"], {"text": "Half a tho", "kind": "concern", "tags": ["x"]})
    save_draft(db, event["id"], {"text": "Half a thought", "kind": "concern", "tags": ["x"]})
    draft = get_draft(db, event["id"])
    assert draft is not None
    assert (draft["text"], draft["kind"], draft["tags"]) == ("Half a thought", "concern", ["x"])
    assert count(db, "drafts") == 1
    add_note(db, event["id"], {"text": "Half a thought, finished", "kind": "concern"})
    assert get_draft(db, event["id"]) is None


def test_saving_an_empty_draft_clears_it(db: Database) -> None:
    event = new_event(db)
    save_draft(db, event["id"], {"text": "something"})
    save_draft(db, event["id"], {"text": "   "})
    assert get_draft(db, event["id"]) is None


def test_drafts_are_per_event(db: Database) -> None:
    first = new_event(db, title="First")
    second = new_event(db, title="Second")
    save_draft(db, first["id"], {"text": "first draft"})
    save_draft(db, second["id"], {"text": "second draft"})
    add_note(db, first["id"], {"text": "done"})
    assert get_draft(db, first["id"]) is None
    draft = get_draft(db, second["id"])
    assert draft is not None
    assert draft["text"] == "second draft"
    discard_draft(db, second["id"])
    assert get_draft(db, second["id"]) is None


def test_editing_a_note_clears_its_draft(db: Database) -> None:
    event = new_event(db)
    note = add_note(db, event["id"], {"text": "Original"})
    save_draft(db, event["id"], {"text": "Originally", "note_id": note["id"]})
    edit_note(db, note["id"], {"text": "Originally"})
    assert get_draft(db, event["id"]) is None


# --- action items ------------------------------------------------------------------------


def test_action_item_round_trip_and_update(db: Database) -> None:
    event = new_event(db)
    pid = person(db, event["id"], "Owner Person", organisation="SSDO")
    note = add_note(db, event["id"], {"text": "We will share the directory", "kind": "commitment"})
    item = add_action_item(
        db,
        event["id"],
        {
            "what": "Share the directory",
            "owner_person_id": pid,
            "due_date": "2025-06-30",
            "note_id": note["id"],
        },
    )
    assert (item["owner_name"], item["owner_organisation"]) == ("Owner Person", "SSDO")
    assert (item["status"], item["due_date"], item["note_id"]) == ("open", "2025-06-30", note["id"])
    done = update_action_item(db, item["id"], {"status": "done"})
    assert done["status"] == "done"
    assert done["what"] == "Share the directory"
    other = add_action_item(db, event["id"], {"what": "Draft a note", "owner_text": "IOM"})
    assert [a["id"] for a in list_action_items(db, event["id"])] == [item["id"], other["id"]]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"what": "", "owner_text": "SSDO"}, "what"),
        ({"what": "Do it"}, "owner"),
        ({"what": "Do it", "owner_text": "SSDO", "status": "maybe"}, "status"),
        ({"what": "Do it", "owner_text": "SSDO", "due_date": "next week"}, "due_date"),
        ({"what": "x" * 1001, "owner_text": "SSDO"}, "what"),
    ],
)
def test_action_item_validation(db: Database, fields: dict[str, Any], field: str) -> None:
    event = new_event(db)
    with pytest.raises(ValidationError) as caught:
        add_action_item(db, event["id"], fields)
    assert any(p.startswith(f"{field}:") for p in caught.value.problems), caught.value.problems
    assert count(db, "action_items") == 0


def test_invalid_action_update_changes_nothing(db: Database) -> None:
    event = new_event(db)
    item = add_action_item(db, event["id"], {"what": "Do it", "owner_text": "SSDO"})
    with pytest.raises(ValidationError):
        update_action_item(db, item["id"], {"status": "finished", "what": "Changed"})
    row = list_action_items(db, event["id"])[0]
    assert (row["status"], row["what"]) == ("open", "Do it")


# --- every row: UUID, UTC stamps, device ---------------------------------------------------

STAMPED_TABLES = (
    "events",
    "agenda_items",
    "people",
    "registrations",
    "checkins",
    "notes",
    "note_revisions",
    "action_items",
    "drafts",
    "audit",
)


@pytest.fixture
def busy_db(db: Database, quetta: dict[str, Any]) -> Database:
    """The sample event plus a bit of everything done through the app."""
    event = new_event(db, title="Live one")
    populate(db, event["id"], "Live Person")
    pid = person(db, quetta["id"], "Late Arrival")
    check_in(db, quetta["id"], pid)
    undo_check_in(db, quetta["id"], pid)
    walk_in(db, quetta["id"], {"name": "Walk In"})
    start_session(db, event["id"])
    return db


@pytest.mark.parametrize("table", STAMPED_TABLES)
def test_every_row_has_uuid_utc_stamps_and_device(busy_db: Database, table: str) -> None:
    device = device_id(busy_db)
    rows = list(busy_db.query(f"SELECT id, created_at, updated_at, device_id FROM {table}"))
    assert rows, table
    for row in rows:
        assert str(uuid.UUID(row["id"])) == row["id"]
        assert STAMP.match(row["created_at"]), row
        assert STAMP.match(row["updated_at"]), row
        assert row["updated_at"] >= row["created_at"]
        assert row["created_at"] <= utc_now()
        assert row["device_id"] == device
    assert len({r["id"] for r in rows}) == len(rows)
