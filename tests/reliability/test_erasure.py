"""Erasure and purge, proven on the database file's bytes.

A person is erased from an event whatever they did there: checked in, checked out, named
in notes (joined, hyphenated, with their phone typed in Urdu digits), speaker of notes that
were edited since, owner of an action item, in a draft. Afterwards, once checkpointed,
neither the `.db` nor the `-wal` holds their name, phone or ID number, searched as UTF-8,
UTF-16-LE and UTF-16-BE. A purged note leaves the bytes the same way.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from convener.storage.actions import add_action_item
from convener.storage.attendees import add_attendee, list_attendees, update_attendee
from convener.storage.checkins import check_in, undo_check_in
from convener.storage.db.backup import backup_to
from convener.storage.db.connection import connect
from convener.storage.erasure import PLACEHOLDER, purge_note
from convener.storage.errors import DatabaseError
from convener.storage.notes import add_note, delete_note, edit_note, list_notes, save_draft
from convener.storage.paths import default_backup_path
from tests.reliability.harness import CONVENER, REPO_ROOT, child_env

GUL = {"phone": "03001234567", "id_number": "35202-1234567-1", "email": "gul.b@example.org"}
AMNA = {"name": "آمنہ بی بی", "phone": "0333 7654321", "id_number": "4210198765432"}


def forms(text: str) -> list[bytes]:
    return [text.encode(codec) for codec in ("utf-8", "utf-16-le", "utf-16-be")]


def traces(folder: Path, *needles: str) -> list[str]:
    """Which needles (in any of three encodings) the database and its WAL still hold."""
    data = b"".join(
        p.read_bytes() for p in folder.iterdir() if p.name in ("convener.db", "convener.db-wal")
    )
    return [n for n in needles if any(f in data for f in forms(n))]


GUL_TRACES = (
    "Gul Bano",
    "GulBano",
    "03001234567",
    "3001234567",
    "35202-1234567-1",
    "3520212345671",
)
AMNA_TRACES = ("آمنہ بی بی", "آمنہ", "7654321", "4210198765432")


def person_at(db: Any, event_id: str, name: str) -> dict[str, Any]:
    return next(a for a in list_attendees(db, event_id) if a["name"] == name)


@pytest.fixture
def lived_in(sample_db: Path, events: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The sample after a day's work touching Gul Bano and Amna Bibi in every table."""
    full = events["full"]["id"]
    with connect(sample_db) as db:
        gul = person_at(db, full, "Gul Bano")
        update_attendee(db, full, gul["id"], GUL)
        amna = add_attendee(db, full, AMNA, source="walk_in")
        check_in(db, full, amna["id"])
        undo_check_in(db, full, amna["id"])  # as the old message advised
        check_in(db, full, amna["id"])
        spoken = add_note(db, full, {"speaker_id": gul["id"], "text": "I was taken at 14."})
        edit_note(db, spoken["id"], {"text": "I was taken at fourteen, by people I trusted."})
        typed = add_note(
            db,
            full,
            {"text": "GulBano (Gul-Bano) can be reached on +92 300 1234567, CNIC 35202-1234567-1."},
        )
        edit_note(db, typed["id"], {"text": "Gul Bano asked us to call ۰۳۰۰ ۱۲۳۴۵۶۷ only."})
        add_note(db, full, {"text": "آمنہ بی بی: 0333-7654321, شناختی کارڈ 42101-9876543-2"})
        add_action_item(db, full, {"what": "Visit Gul Bano", "owner_person_id": amna["id"]})
        save_draft(db, full, {"text": "Follow up with Gul Bano on 03001234567"})
        kept = add_note(db, full, {"text": "Shelter capacity is 40 beds."})
    return {"full": full, "gul": gul, "amna": amna, "kept": kept}


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CONVENER, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=child_env(),
        timeout=120,
    )


def test_erasing_a_person_from_every_event_leaves_no_byte_of_them(
    sample_db: Path, events: dict[str, dict[str, Any]], lived_in: dict[str, Any]
) -> None:
    folder = sample_db.parent
    with connect(sample_db) as db:
        backup = backup_to(db, default_backup_path(sample_db))
    found = set(traces(folder, *GUL_TRACES))  # the search can find them before
    assert found >= {"Gul Bano", "GulBano", "03001234567", "35202-1234567-1"}

    done = run_cli("--db", sample_db, "erase", events["full"]["slug"], "Gul Bano", "--all-events")
    assert done.returncode == 0, done.stderr
    assert "Gul Bano was erased from" in done.stdout
    assert "contact details are gone" in done.stdout
    assert str(backup) in done.stdout  # where else the data lives
    assert traces(folder, *GUL_TRACES) == []
    assert any(f in backup.read_bytes() for f in forms("Gul Bano"))  # the listed copy does

    with connect(sample_db, read_only=True) as db:
        notes = {n["id"]: n for n in list_notes(db, lived_in["full"], include_deleted=True)}
        checked = db.execute(
            "SELECT count(*) FROM checkins WHERE person_id = ?", [lived_in["gul"]["id"]]
        ).fetchone()[0]
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    assert checked == 0 and integrity == "ok"
    assert notes[lived_in["kept"]["id"]]["text"] == "Shelter capacity is 40 beds."
    assert any(
        PLACEHOLDER in n["text"] and "[contact removed]" in n["text"] for n in notes.values()
    )


def test_erasure_is_per_event_by_default(
    sample_db: Path, events: dict[str, dict[str, Any]], lived_in: dict[str, Any]
) -> None:
    done = run_cli("--db", sample_db, "erase", events["full"]["slug"], "Gul Bano")
    assert done.returncode == 0, done.stderr
    assert "1 registration, 1 check-in, 1 note no longer attributed" in done.stdout
    with connect(sample_db, read_only=True) as db:
        practice = [a["name"] for a in list_attendees(db, events["practice"]["id"])]
        full = [a["name"] for a in list_attendees(db, lived_in["full"])]
    assert "Gul Bano" in practice and "Gul Bano" not in full
    # Her contacts were only on the full event's list: they are gone already.
    assert traces(sample_db.parent, "03001234567", "35202-1234567-1") == []


def test_erasing_a_person_who_checked_in_from_their_only_event(
    sample_db: Path, events: dict[str, dict[str, Any]], lived_in: dict[str, Any]
) -> None:
    folder = sample_db.parent
    assert set(traces(folder, *AMNA_TRACES)) >= {"آمنہ بی بی", "4210198765432"}
    done = run_cli("--db", sample_db, "erase", events["full"]["slug"], "آمنہ بی بی")
    assert done.returncode == 0, done.stderr
    assert "1 registration, 2 check-ins" in done.stdout
    assert "No backup or other copy" in done.stdout
    assert traces(folder, *AMNA_TRACES) == []
    with connect(sample_db, read_only=True) as db:
        owners = db.execute("SELECT owner_person_id FROM action_items").fetchall()
    assert (lived_in["amna"]["id"],) not in owners


def test_erasure_is_refused_while_another_window_is_open(
    sample_db: Path, events: dict[str, dict[str, Any]]
) -> None:
    window = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from convener.storage.db.lock import "
            "InstanceLock; print(InstanceLock(Path(sys.argv[1])).acquire(), flush=True); "
            "sys.stdin.read()",
            str(sample_db),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
    )
    try:
        assert window.stdout is not None and window.stdout.readline().strip() == "None"
        before = sample_db.read_bytes()
        done = run_cli("--db", sample_db, "erase", events["full"]["slug"], "Gul Bano")
    finally:
        window.kill()
        window.wait(10)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and f"another Convener (process {window.pid})" in lines[0]
    assert "Traceback" not in done.stderr
    assert sample_db.read_bytes() == before


def test_unknown_or_ambiguous_person_is_one_sentence(
    sample_db: Path, events: dict[str, dict[str, Any]]
) -> None:
    full = events["full"]["id"]
    with connect(sample_db) as db:
        for phone in ("03001111111", "03002222222"):  # two people, one name
            add_attendee(db, full, {"name": "Muhammad Ali", "phone": phone})
    done = run_cli("--db", sample_db, "erase", events["full"]["slug"], "muhammad  ali")
    assert done.returncode == 1 and "2 people called" in done.stderr
    done = run_cli("--db", sample_db, "erase", events["full"]["slug"], "Nobody Here")
    assert done.returncode == 1 and "nobody called 'Nobody Here'" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_purged_note_leaves_the_file(sample_db: Path, events: dict[str, dict[str, Any]]) -> None:
    full = events["full"]["id"]
    secret = "Witness in Pishin safehouse 7"
    with connect(sample_db) as db:
        note = add_note(db, full, {"text": secret})
        edit_note(db, note["id"], {"text": secret + ", second floor"})
        delete_note(db, note["id"])
    with connect(sample_db) as db:  # a soft delete keeps it: that is what purge is for
        pass
    assert traces(sample_db.parent, secret) == [secret]
    with connect(sample_db) as db:
        purge_note(db, note["id"])
        assert traces(sample_db.parent, secret, "second floor") == []
        assert db.execute("SELECT count(*) FROM notes WHERE id = ?", [note["id"]]).fetchone() == (
            0,
        )
    assert traces(sample_db.parent, secret, "second floor") == []


def test_erasure_in_process_upgrades_this_window_s_hold(sample_db: Path) -> None:
    """The app holds the guard shared; its own erasure may take it alone."""
    from convener.storage.db.lock import InstanceLock
    from convener.storage.erasure import erase_person
    from convener.storage.events import list_events

    window = InstanceLock(sample_db)
    assert window.acquire() is None
    try:
        with connect(sample_db) as db:
            slug = next(e["slug"] for e in list_events(db) if e["checked_in"])
            done = erase_person(db, slug, "Gul Bano")
        assert done.checkins == 1
    finally:
        window.release()
    assert not os.path.exists(f"{sample_db}-wal") or os.path.getsize(f"{sample_db}-wal") == 0
    with pytest.raises(DatabaseError, match="another Convener"):
        _erase_while_held_elsewhere(sample_db)


def _erase_while_held_elsewhere(path: Path) -> None:
    from convener.storage.erasure import erase_person
    from convener.storage.events import list_events

    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from convener.storage.db.lock import "
            "InstanceLock; print(InstanceLock(Path(sys.argv[1])).acquire(), flush=True); "
            "sys.stdin.read()",
            str(path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "None"
        with connect(path) as db:
            slug = list_events(db)[0]["slug"]
            erase_person(db, slug, "Dr. Samina Kakar")
    finally:
        holder.kill()
        holder.wait(10)
