"""The `.cvsync` file: encrypted, checked, refused with one sentence, all or nothing."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from convener.storage.checkins import check_in, walk_in
from convener.storage.db.connection import connect
from convener.storage.db.migrations import LATEST
from convener.storage.errors import SyncRefusedError
from convener.storage.events import create_event
from convener.storage.notes import add_note
from convener.storage.sync.bundle import MAGIC, export_bundle, import_bundle, read_header
from convener.storage.sync.device import adopt_clone, clone_event
from convener.storage.sync.state import fingerprint
from tests.unit.sync_laptops import file_laptop, make_template

A, B = "aaaaaaaa-0000-4000-8000-000000000000", "bbbbbbbb-0000-4000-8000-000000000000"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str, list[str]]]:
    yield make_template(tmp_path_factory.mktemp("bundle") / "template.db")


@pytest.fixture
def two(template, tmp_path: Path) -> tuple[Database, Database, str, list[str]]:  # type: ignore[no-untyped-def]
    path, event_id, people = template
    return (
        file_laptop(path, tmp_path / "a" / "c.db", A),
        file_laptop(path, tmp_path / "b" / "c.db", B),
        event_id,
        people,
    )


def untouched(db: Database, event_id: str) -> tuple[str, int, list[tuple[str, ...]]]:
    """What must not change when a bundle is refused."""
    audit = db.execute("SELECT count(*) FROM audit").fetchone()[0]
    attached = db.execute("PRAGMA database_list").fetchall()
    return fingerprint(db, event_id), audit, [tuple(map(str, r)) for r in attached]


def test_a_bundle_is_an_encrypted_private_file_with_a_checksum(two, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a, _, event_id, people = two
    check_in(a, event_id, people[0])
    done = export_bundle(a, event_id, tmp_path / "usb", passphrase=None)
    assert done.code and len(done.code) == 24
    slug, device, _, suffix = done.path.name.split(".")
    assert (slug, device, suffix) == ("provincial-dialogue-2025-05-14", A[:8], "cvsync")
    assert stat.S_IMODE(done.path.stat().st_mode) == 0o600
    raw = done.path.read_bytes()
    header, payload = read_header(done.path)
    assert raw.startswith(MAGIC) and raw.endswith(payload)
    assert header["schema"] == LATEST and header["key"] == "code"
    assert header["event_id"] == event_id and header["size"] == len(payload)
    assert b"SQLite format 3" not in raw  # not a plain database
    assert b"Gul Bano" not in raw and b"Naseebullah" not in raw
    assert list((tmp_path / "usb").iterdir()) == [done.path]  # nothing else left behind


def test_same_person_at_both_doors_merged_both_ways_through_files(two, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a, b, event_id, people = two
    check_in(a, event_id, people[0])
    check_in(b, event_id, people[0])
    add_note(a, event_id, {"text": "Door A: the hall is full"})
    add_note(b, event_id, {"text": "Door B: chairs needed"})
    from_a = export_bundle(a, event_id, tmp_path / "usb", passphrase=None)
    from_b = export_bundle(b, event_id, tmp_path / "usb", passphrase=None)
    _, report_b = import_bundle(b, from_a.path, from_a.code.lower().replace("-", " "))  # type: ignore[union-attr]
    _, report_a = import_bundle(a, from_b.path, from_b.code)  # type: ignore[arg-type]
    assert report_b.new["notes"] == 1 and report_a.new["notes"] == 1
    assert report_b.checkins_undone == report_a.checkins_undone == 1  # the same one
    assert fingerprint(a, event_id) == fingerprint(b, event_id)
    again = import_bundle(a, from_b.path, from_b.code)[1]  # type: ignore[arg-type]
    assert sum(again.new.values()) == sum(again.updated.values()) == 0


def test_with_a_database_passphrase_the_bundle_is_locked_with_it(tmp_path: Path) -> None:
    a = connect(tmp_path / "a.db", passphrase="quetta door 1")
    event = create_event(a, {"title": "Provincial dialogue", "date": "2025-05-14"})
    walk_in(a, event["id"], {"name": "Gul Bano"})
    clone = clone_event(
        a, event["id"], tmp_path / "usb" / "clone.cvsync", passphrase="quetta door 1"
    )
    assert clone.code is None and read_header(clone.path)[0]["key"] == "passphrase"
    b = connect(tmp_path / "b.db", passphrase="quetta door 1")
    with pytest.raises(SyncRefusedError, match="cannot be opened with that passphrase"):
        adopt_clone(b, clone.path, "quetta door 2")
    adopt_clone(b, clone.path, "quetta door 1")
    assert fingerprint(a, event["id"]) == fingerprint(b, event["id"])
    device = "SELECT value FROM settings WHERE key = 'device_id'"
    assert a.execute(device).fetchone() != b.execute(device).fetchone()


def _truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:-1024])


def _changed(path: Path) -> None:
    raw = bytearray(path.read_bytes())
    raw[-5000] ^= 0x01
    path.write_bytes(bytes(raw))


def _changed_with_a_new_checksum(path: Path) -> None:
    """Changed by someone who also rewrote the header's checksum: SQLCipher's page HMAC."""
    raw = path.read_bytes()
    end = raw.index(b"\n", len(MAGIC))
    payload = bytearray(raw[end + 1 :])
    payload[len(payload) // 2] ^= 0x01
    header = json.loads(raw[len(MAGIC) : end]) | {"sha256": hashlib.sha256(payload).hexdigest()}
    path.write_bytes(MAGIC + json.dumps(header).encode() + b"\n" + bytes(payload))


def _header(path: Path, **changes: object) -> None:
    raw = path.read_bytes()
    end = raw.index(b"\n", len(MAGIC))
    header = json.loads(raw[len(MAGIC) : end]) | changes
    path.write_bytes(MAGIC + json.dumps(header).encode() + raw[end:])


REFUSALS = {
    "truncated": (_truncated, "is incomplete"),
    "changed": (_changed, "was changed after it was exported"),
    "changed, new checksum": (_changed_with_a_new_checksum, "a page of it fails its check"),
    "other schema": (lambda p: _header(p, schema=LATEST - 1), f"schema {LATEST - 1}"),
    "header edited": (
        lambda p: _header(p, event_id="00000000-0000-4000-8000-000000000000"),
        "header does not match",
    ),
    "not a bundle": (lambda p: p.write_bytes(b"SQLite format 3\x00" + bytes(4000)), "is not a"),
}


@pytest.mark.parametrize("damage", REFUSALS)
def test_a_damaged_bundle_is_refused_and_changes_nothing(two, tmp_path: Path, damage: str) -> None:  # type: ignore[no-untyped-def]
    a, b, event_id, people = two
    check_in(a, event_id, people[1])
    done = export_bundle(a, event_id, tmp_path / "usb", passphrase=None)
    harm, words = REFUSALS[damage]
    harm(done.path)
    before = untouched(b, event_id)
    with pytest.raises(SyncRefusedError) as caught:
        import_bundle(b, done.path, done.code or "")
    message = str(caught.value)
    assert words in message and str(done.path) in message and "\n" not in message
    assert untouched(b, event_id) == before


def test_a_wrong_transfer_code_is_refused(two, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a, b, event_id, _ = two
    done = export_bundle(a, event_id, tmp_path / "usb", passphrase=None)
    before = untouched(b, event_id)
    with pytest.raises(SyncRefusedError, match="cannot be opened with that passphrase or transfer"):
        import_bundle(b, done.path, "AAAA-BBBB-CCCC-DDDD-EEEE")
    assert untouched(b, event_id) == before


def test_a_bundle_of_another_event_is_refused(two, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, b, event_id, _ = two
    other = connect(tmp_path / "other.db")  # set up separately, same title and date
    other_event = create_event(other, {"title": "Provincial dialogue", "date": "2025-05-14"})
    done = export_bundle(other, other_event["id"], tmp_path / "usb", passphrase=None)
    before = untouched(b, event_id)
    with pytest.raises(SyncRefusedError, match="from another event that is also called"):
        import_bundle(b, done.path, done.code or "")
    assert untouched(b, event_id) == before
    fresh = connect(tmp_path / "fresh.db")
    with pytest.raises(SyncRefusedError, match="which this laptop does not have"):
        import_bundle(fresh, done.path, done.code or "")


KILLER = """
import os, signal, sys
from pathlib import Path
from convener.storage.db.connection import connect
from convener.storage.sync import merge
from convener.storage.sync.bundle import import_bundle

written = 0
real = merge._upsert

def upsert_then_die(db, table, row):
    global written
    real(db, table, row)
    written += 1
    if written == 150:  # half-way through the import
        os.kill(os.getpid(), signal.SIGKILL)

merge._upsert = upsert_then_die
db = connect(Path(sys.argv[1]))
import_bundle(db, Path(sys.argv[2]), sys.argv[3])
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_an_import_killed_half_way_changes_nothing(two, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a, b, event_id, _ = two
    for n in range(120):
        walk_in(a, event_id, {"name": f"Walk-in {n:03d}"})
    done = export_bundle(a, event_id, tmp_path / "usb", passphrase=None)
    b_path = Path(b.execute("PRAGMA database_list").fetchone()[2])
    before = fingerprint(b, event_id)
    b.close()
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, str(b_path), str(done.path), done.code or ""],
        capture_output=True,
        timeout=120,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    after = connect(b_path)
    assert after.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert fingerprint(after, event_id) == before
    import_bundle(after, done.path, done.code or "")  # and it still imports whole afterwards
    assert fingerprint(after, event_id) == fingerprint(a, event_id)
    assert os.environ.get("CONVENER_PASSPHRASE") is None
