"""Head office: the hq file's privacy, ingest (idempotent, newer files, refusals) and the
two door laptops of one event merged to the totals of one synced database."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from convener.storage import rows
from convener.storage.attendees import add_attendee, update_attendee
from convener.storage.checkins import check_in, undo_check_in
from convener.storage.consent import set_consent
from convener.storage.db.driver import sqlite_connect
from convener.storage.db.migrations import LATEST
from convener.storage.erasure import erase_person, purge_note
from convener.storage.events import create_event
from convener.storage.imports.sample import load_sample
from convener.storage.sync.merge import merge_into
from convener.storage.sync.state import read_event_state
from tests.unit.hq_helpers import (
    NOT_NAMED,
    event_id,
    export,
    ingest,
    laptop,
    opened,
    person,
    report_numbers,
    table,
    warehouse_numbers,
)

UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _newer(path: Path, hq: Path) -> None:
    _edited(path, hq, "UPDATE hq_file SET value = '2' WHERE key = 'version'")


def _edited(path: Path, hq: Path, sql: str) -> None:
    path.write_bytes(hq.read_bytes())
    conn = sqlite_connect(str(path))
    conn.execute(sql)
    conn.commit()
    conn.close()


@pytest.fixture
def field(imported: Path, tmp_path: Path) -> Path:
    return laptop(imported, tmp_path / "field", "door-a", new_device=False)


def test_hq_file_holds_named_rows_only_for_consent_and_never_a_secret(
    field: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hq = export(capsys, field, tmp_path / "out")
    data = hq.read_bytes()
    assert hq.name.endswith(".hq.sqlite") and hq.stat().st_mode & 0o777 == 0o600
    with opened(field) as db:
        secret = db.execute(
            "SELECT hq_secret FROM events WHERE slug = 'quetta-dialogue'"
        ).fetchone()
        consenting = {
            r[0]
            for r in db.execute(
                "SELECT p.name FROM registrations r JOIN people p ON p.id = r.person_id"
                " JOIN events e ON e.id = r.event_id WHERE e.slug = 'quetta-dialogue'"
                " AND r.consent = 'yes' AND p.protected = 0"
            )
        }
        people = db.execute("SELECT id, phone FROM people").fetchall()
    assert len(secret[0]) == 64 and secret[0].encode() not in data
    assert {r[0] for r in table(hq, "SELECT name FROM named")} == consenting
    for name in NOT_NAMED:  # not in any table, notes included (scrubbed as in public exports)
        assert name.encode() not in data
    for pid, phone in people:  # no attendee id, no phone number
        assert pid.encode() not in data
        if phone:
            assert phone.encode() not in data
    # The only UUIDs are the event's and the laptop's own.
    meta = dict(table(hq, "SELECT key, value FROM hq_file"))
    assert {m.decode() for m in UUID.findall(data)} <= {meta["event_id"], meta["device_id"]}
    assert meta["kind"] == "convener-hq" and meta["level"] == "public"
    # One table per dimension holds no person twice and no column joining two dimensions.
    columns = {r[1] for r in table(hq, "PRAGMA table_info(p_value)")}
    assert columns == {"dimension", "pseudonym", "value", "stamp", "tie"}
    sex = {r[0] for r in table(hq, "SELECT pseudonym FROM p_value WHERE dimension = 'sex'")}
    district = {
        r[0] for r in table(hq, "SELECT pseudonym FROM p_value WHERE dimension = 'district'")
    }
    assert len(sex) == 41 and not sex & district
    stamps = [
        {r[0] for r in table(hq, f"SELECT stamp FROM p_value WHERE dimension = '{d}'")}
        for d in ("sex", "district")
    ]
    assert not stamps[0] & stamps[1]  # one edit time does not link a person's two rows


def test_ingest_gives_the_events_own_report_numbers_and_loading_twice_changes_nothing(
    field: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hq = export(capsys, field, tmp_path / "out")
    warehouse = tmp_path / "ho" / "warehouse.db"
    code, out, _ = ingest(capsys, warehouse, hq)
    assert code == 0 and out.startswith("1 file loaded")
    assert warehouse_numbers(warehouse) == report_numbers(field)
    assert warehouse.stat().st_mode & 0o777 == 0o600
    before = _dump(warehouse)
    code, out, _ = ingest(capsys, warehouse, hq, hq)
    assert code == 0 and out.startswith("0 files loaded, 2 already loaded")
    assert _dump(warehouse) == before
    sha = hashlib.sha256(hq.read_bytes()).hexdigest()
    assert table(warehouse, "SELECT name, sha256 FROM wh_files") == [(hq.name, sha)]
    assert {r[0] for r in table(warehouse, "SELECT files FROM tallies")} == {sha}
    assert {r[0] for r in table(warehouse, "SELECT file FROM named")} == {sha}


def _dump(warehouse: Path) -> list[tuple[object, ...]]:
    """Every row of every table but the load times of files."""
    conn = sqlite_connect(str(warehouse))
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return [
            (name, *row)
            for name in sorted(names)
            if name != "wh_files"
            for row in conn.execute(f"SELECT * FROM {name} ORDER BY rowid")
        ]
    finally:
        conn.close()


def test_a_newer_file_replaces_the_event_so_an_erasure_reaches_head_office(
    field: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = export(capsys, field, tmp_path / "old")
    with opened(field) as db:
        erase_person(db, event_id(db), "Liaquat Lehri")
    new = export(capsys, field, tmp_path / "new")
    for order in ((old, new), (new, old)):  # an older file loaded later changes nothing
        warehouse = tmp_path / f"ho-{order[0].parent.name}" / "w.db"
        for f in order:
            assert ingest(capsys, warehouse, f)[0] == 0
        assert warehouse_numbers(warehouse) == report_numbers(field)
        names = {r[0] for r in table(warehouse, "SELECT name FROM named")}
        assert "Liaquat Lehri" not in names and "Haji Abdul Qadir Kasi" in names
        assert table(warehouse, "SELECT count FROM tallies WHERE dimension = 'total'") == [(36,)]


def test_an_erasure_or_purge_on_one_door_laptop_holds_at_head_office_unsynced(
    imported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Laptop A erases a person and purges a note; laptop B, unsynced, still has both. Head
    office, given both files, shows what a sync would: neither comes back."""
    a = laptop(imported, tmp_path / "a", "door-a")
    b = laptop(imported, tmp_path / "b", "door-b")
    with opened(a) as db:
        eid = event_id(db)
        note = db.execute(
            "SELECT id, text FROM notes WHERE event_id = ? AND deleted_at IS NULL"
            " AND kind = 'recommendation' ORDER BY noted_at LIMIT 1",
            [eid],
        ).fetchone()
        erase_person(db, eid, "Liaquat Lehri")
        purge_note(db, note[0])
    warehouse = tmp_path / "ho" / "w.db"
    files = [export(capsys, path, tmp_path / "usb") for path in (a, b)]
    assert ingest(capsys, warehouse, *files)[0] == 0
    with opened(a) as db_a, opened(b) as db_b:  # A after taking B's bundle: the synced truth
        merge_into(db_a, read_event_state(db_b, eid), eid)
    assert warehouse_numbers(warehouse) == report_numbers(a)
    assert table(warehouse, "SELECT count FROM tallies WHERE dimension = 'total'") == [(36,)]
    assert "Liaquat Lehri" not in {r[0] for r in table(warehouse, "SELECT name FROM named")}
    assert note[1] not in {r[0] for r in table(warehouse, "SELECT text FROM points")}


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda p, hq: p.write_text("name,phone\nAsma,0300\n"), "is not a SQLite file"),
        (lambda p, hq: p.write_bytes(hq.read_bytes()[: len(hq.read_bytes()) // 2]), "cut short"),
        (lambda p, hq: _edited(p, hq, "UPDATE tally SET count = count + 1"), "changed after"),
        (_newer, "newer Convener"),
        (lambda p, hq: _edited(p, hq, "PRAGMA application_id = 7"), "not a Convener head-office"),
    ],
    ids=["csv", "truncated", "edited", "newer", "other-sqlite"],
)
def test_a_bad_file_is_refused_in_one_sentence_and_the_warehouse_is_unchanged(
    field: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], make: object, says: str
) -> None:
    hq = export(capsys, field, tmp_path / "out")
    warehouse = tmp_path / "ho" / "w.db"
    assert ingest(capsys, warehouse, hq)[0] == 0
    before = warehouse.read_bytes()
    with opened(field) as db:
        check_in(db, event_id(db), person(db, "Ghulam Rasool Notezai"))
    newer = export(capsys, field, tmp_path / "newer")
    bad = tmp_path / "usb" / "quetta.bad.hq.sqlite"
    bad.parent.mkdir()
    make(bad, hq)  # type: ignore[operator]
    code, out, err = ingest(capsys, warehouse, newer, bad)
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and str(bad) in err and says in err and "Traceback" not in err
    assert warehouse.read_bytes() == before


def test_a_convener_database_is_refused_as_a_head_office_file(
    field: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], passphrase: str | None
) -> None:
    code, _, err = ingest(capsys, tmp_path / "w.db", field)
    assert code == 1 and str(field) in err and "made by `convener export" in err
    # An encrypted one looks like any other bytes; a plain one is recognised.
    assert passphrase or "is a Convener database, not a head-office file" in err
    assert not (tmp_path / "w.db").exists()


def _door_a(db: object) -> None:
    """Door A: two arrivals (one also arrives at door B), an undo, a corrected age band."""
    e = event_id(db)
    check_in(db, e, person(db, "Ghulam Rasool Notezai"))  # type: ignore[arg-type]
    check_in(db, e, person(db, "Haji Abdul Qadir Kasi"))  # type: ignore[arg-type]
    undo_check_in(db, e, person(db, "Liaquat Lehri"))  # type: ignore[arg-type]
    update_attendee(db, e, person(db, "ظہور احمد"), {"age_band": "60_plus", "gender": "male"})  # type: ignore[arg-type]


def _door_b(db: object) -> None:
    """Door B: the same person at the other door, a walk-in, a consent withdrawn."""
    e = event_id(db)
    check_in(db, e, person(db, "Ghulam Rasool Notezai"))  # type: ignore[arg-type]
    walk_in = add_attendee(
        db,  # type: ignore[arg-type]
        e,
        {"name": "Bibi Zarina", "gender": "female", "stakeholder_group": "community",
         "district": "Pishin"},
        source="walk_in",
    )  # fmt: skip
    check_in(db, e, walk_in["id"])  # type: ignore[arg-type]
    set_consent(db, e, person(db, "Malik Abdul Samad Achakzai"), "no", source="app")  # type: ignore[arg-type]


def test_two_door_laptops_unsynced_give_the_totals_of_one_synced_database(
    imported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = laptop(imported, tmp_path / "a", "door-a")
    b = laptop(imported, tmp_path / "b", "door-b")
    both = laptop(imported, tmp_path / "both", "synced")
    with opened(a) as db:
        _door_a(db)
    with opened(b) as db:
        _door_b(db)
    with opened(both) as db:
        _door_a(db)
        _door_b(db)  # the person at both doors is checked in once here
    warehouse = tmp_path / "ho" / "w.db"
    files = [export(capsys, path, tmp_path / "usb") for path in (a, b)]
    assert files[0] != files[1]  # one file per laptop in one folder
    code, _, err = ingest(capsys, warehouse, *files)
    assert code == 0, err
    expected = report_numbers(both)
    assert table(warehouse, "SELECT laptops FROM events") == [(2,)]
    assert warehouse_numbers(warehouse) == expected
    assert expected[("total", "")] == 37 + 2 + 1 - 1  # two arrivals, a walk-in, an undo
    assert expected[("age_band", "60+")] >= 1
    named = {r[0] for r in table(warehouse, "SELECT name FROM named")}
    with opened(both) as db:
        consenting = {
            r[0]
            for r in db.execute(
                "SELECT p.name FROM registrations r JOIN people p ON p.id = r.person_id"
                " WHERE r.event_id = ? AND r.consent = 'yes' AND p.protected = 0",
                [event_id(db)],
            )
        }
    assert named == consenting and "Malik Abdul Samad Achakzai" not in named
    attended = dict(table(warehouse, "SELECT name, attended FROM named"))
    assert attended["Ghulam Rasool Notezai"] == 1 and attended["Liaquat Lehri"] == 0
    # Loading the laptops the other way round, or one twice, gives the same.
    other = tmp_path / "ho2" / "w.db"
    assert ingest(capsys, other, files[1])[0] == 0
    assert ingest(capsys, other, files[0], files[1])[0] == 0
    assert warehouse_numbers(other) == expected


def test_a_slow_laptop_s_later_correction_wins_at_head_office_as_in_a_sync(
    imported: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Door B records an age band; laptop A, whose clock is years slow, takes B's bundle and
    then corrects it. Syncing keeps A's correction (its stamp follows what it received); head
    office, given both laptops' files unsynced, must keep it too, not B's by wall time."""
    a = laptop(imported, tmp_path / "a", "door-a")
    b = laptop(imported, tmp_path / "b", "door-b")
    with opened(b) as db_b:
        eid = event_id(db_b)
        who = str(db_b.execute(
            "SELECT person_id FROM checkins WHERE event_id = ? AND undone_at IS NULL"
            " ORDER BY person_id LIMIT 1", [eid]
        ).fetchone()[0])  # fmt: skip
        update_attendee(db_b, eid, who, {"age_band": "45_59"})
        with opened(a) as db_a:
            merge_into(db_a, read_event_state(db_b, eid), eid)
            monkeypatch.setattr(rows, "utc_now", lambda: "2019-01-01T00:00:00Z")
            update_attendee(db_a, eid, who, {"age_band": "18_29"})
            monkeypatch.undo()
    warehouse = tmp_path / "ho" / "w.db"
    files = [export(capsys, path, tmp_path / "usb") for path in (b, a)]
    assert ingest(capsys, warehouse, *files)[0] == 0
    expected = report_numbers(a)  # A holds both edits, synced
    assert warehouse_numbers(warehouse) == expected


def test_migration_8_gives_every_event_its_own_secret_and_new_events_get_one(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    with opened(path) as db:  # made as it was before migration 8, with two events
        db.executescript(
            "DROP TRIGGER events_hq_secret; ALTER TABLE events DROP COLUMN hq_secret;"
            " DELETE FROM _migrations WHERE version = 8; PRAGMA user_version = 7;"
        )
        for slug in ("a", "b"):
            db.execute(
                "INSERT INTO events (id, slug, title, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?)",
                [slug, slug, slug, "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"],
            )
    with opened(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == LATEST
        secrets = dict(db.execute("SELECT slug, hq_secret FROM events").fetchall())
        assert len(set(secrets.values())) == 2 and all(len(s) == 64 for s in secrets.values())
        create_event(db, {"title": "Peshawar consultation", "date": "2026-12-01"})
        load_sample(db)
        rows = db.execute("SELECT slug, hq_secret FROM events").fetchall()
    assert len(rows) == 5 and len({s for _, s in rows}) == 5
    assert all(re.fullmatch("[0-9a-f]{64}", s) for _, s in rows)


def test_laptops_that_imported_the_event_each_on_their_own_are_not_merged_but_refused(
    imported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = laptop(imported, tmp_path / "a", "door-a")
    b = laptop(imported, tmp_path / "b", "door-b")
    with opened(b) as db:  # as if B had imported the event file itself: its own secret
        db.execute("UPDATE events SET hq_secret = ?", ["ab" * 32])
    files = [export(capsys, path, tmp_path / "usb") for path in (a, b)]
    warehouse = tmp_path / "ho" / "w.db"
    assert ingest(capsys, warehouse, files[0])[0] == 0
    before = warehouse.read_bytes()
    code, out, err = ingest(capsys, warehouse, files[1])
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and files[0].name in err and files[1].name in err
    assert "sync the laptops" in err and warehouse.read_bytes() == before
