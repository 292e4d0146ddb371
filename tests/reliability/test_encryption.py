"""Encryption at rest with SQLCipher: unreadable without the passphrase, autosave intact.

The whole storage suite also runs on encrypted databases (`pytest --encrypted tests/unit`,
the second step of `make test`). These tests prove what that run cannot: the bytes on disk,
the wrong passphrase, error classes, and the real app saving its draft while encrypted.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from convener.storage.db import cipher
from convener.storage.db.backup import backup_to, restore_from, verify
from convener.storage.db.connection import connect
from convener.storage.db.raw import PASSPHRASE_ENV
from convener.storage.db.writer import Writer, WriterStatus, is_locked
from convener.storage.errors import CorruptDatabaseError, DatabaseError, PassphraseError
from convener.storage.events import get_event, list_events
from convener.storage.imports.sample import load_sample
from convener.storage.notes import get_draft, save_draft
from tests.reliability.harness import REPO_ROOT, PtyApp, child_env

pytestmark = pytest.mark.skipif(not cipher.available(), reason="sqlcipher3 is not installed")

PASSPHRASE = "Quetta monsoon 2025 ✓"
SECRET = "Gul Bano"  # the sample's protected attendee
DRAFT = "what the survivor's caseworker said about the border"


@pytest.fixture
def encrypted_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    path = tmp_path / "data" / "convener.db"
    with connect(path) as db:
        load_sample(db)
    yield path


def on_disk(path: Path) -> bytes:
    data = path.read_bytes()
    for suffix in ("-wal", "-shm"):
        if Path(f"{path}{suffix}").exists():
            data += Path(f"{path}{suffix}").read_bytes()
    return data


def assert_opaque(path: Path) -> None:
    data = on_disk(path)
    assert not data.startswith(b"SQLite format 3")
    for secret in (SECRET, DRAFT, "Quetta", "CREATE TABLE"):
        assert secret.encode() not in data, secret


def test_the_file_is_unreadable_without_the_passphrase(encrypted_db: Path) -> None:
    assert_opaque(encrypted_db)
    raw = sqlite3.Connection(str(encrypted_db))  # the standard library, without a key
    with pytest.raises(sqlite3.DatabaseError):
        raw.execute("SELECT * FROM people").fetchall()
    raw.close()


def test_autosave_works_encrypted_and_the_wal_is_encrypted_too(
    encrypted_db: Path,
) -> None:
    writer = Writer(encrypted_db)
    writer.start().result(5)
    event_id = writer.submit(lambda db: get_event(db, "quetta-dialogue")["id"], write=False).result(
        5
    )
    writer.submit(lambda db: save_draft(db, event_id, {"text": DRAFT})).result(5)
    # As after a power cut: the writer never closed, the draft is only in the WAL.
    assert Path(f"{encrypted_db}-wal").stat().st_size > 0
    assert_opaque(encrypted_db)
    with connect(encrypted_db, read_only=True) as db:
        draft = get_draft(db, event_id)
    assert draft is not None and draft["text"] == DRAFT
    writer.close()


def test_a_wrong_passphrase_is_a_clear_message_and_changes_nothing(
    encrypted_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = encrypted_db.read_bytes()
    monkeypatch.setenv(PASSPHRASE_ENV, "monsoon")
    for read_only in (False, True):
        with pytest.raises(PassphraseError, match="passphrase is wrong"):
            connect(encrypted_db, read_only=read_only)
    assert encrypted_db.read_bytes() == before
    assert list(encrypted_db.parent.glob("*.corrupt-*")) == []  # not mistaken for damage


def test_no_passphrase_says_it_may_be_encrypted(
    encrypted_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(PASSPHRASE_ENV)
    with pytest.raises(CorruptDatabaseError, match="CONVENER_PASSPHRASE"):
        connect(encrypted_db)


def test_the_passphrase_alone_opens_it_anywhere(encrypted_db: Path) -> None:
    """No key cache or raw key is needed: plain SQLCipher with the passphrase reads it."""
    from sqlcipher3 import dbapi2

    conn = dbapi2.connect(str(encrypted_db))
    conn.execute(f"PRAGMA key = {cipher.quote(PASSPHRASE)}")
    assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 2
    conn.close()


def test_backups_are_encrypted_and_restore(encrypted_db: Path, tmp_path: Path) -> None:
    with connect(encrypted_db) as db:
        copy = backup_to(db, tmp_path / "usb" / "backup.db")
    assert_opaque(copy)
    verify(copy)
    with connect(encrypted_db) as db:
        db.execute("DELETE FROM notes")
    restore_from(copy, encrypted_db)
    with connect(encrypted_db) as db:
        assert db.execute("SELECT count(*) FROM notes").fetchone()[0] > 0
    assert_opaque(encrypted_db)


def test_sqlcipher_errors_arrive_as_standard_sqlite3_classes(encrypted_db: Path) -> None:
    with connect(encrypted_db) as db:
        with pytest.raises(sqlite3.OperationalError):
            db.execute("SELECT * FROM no_such_table")
        with pytest.raises(sqlite3.IntegrityError):
            db.execute("INSERT INTO settings(key, value) VALUES ('device_id', 'again')")
        db["no_such_table"].drop(ignore=True)  # sqlite-utils' own `except OperationalError`


HOLD = """
import sys
from convener.storage.db.cipher import open_encrypted
conn = open_encrypted(sys.argv[1], sys.argv[2], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("LOCKED", flush=True)
sys.stdin.readline()
conn.execute("COMMIT")
"""


def test_a_lock_on_an_encrypted_database_is_waited_out(encrypted_db: Path) -> None:
    """Without the translation the writer would not recognise SQLCipher's 'locked'."""
    statuses: list[WriterStatus] = []
    writer = Writer(encrypted_db, on_status=statuses.append)
    writer.start().result(5)
    writer.submit(lambda db: db.execute("PRAGMA busy_timeout = 100"), write=False).result(5)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(encrypted_db), PASSPHRASE],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "LOCKED"
        future = writer.submit(
            lambda db: db.execute("INSERT INTO settings(key, value) VALUES ('k', 'v')")
        )
        deadline = time.monotonic() + 5
        while not any(s.kind == "waiting" for s in statuses) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert any(s.kind == "waiting" for s in statuses), statuses
        assert not future.done()
    finally:
        holder.communicate("go\n", timeout=10)
    future.result(10)
    writer.close()
    assert is_locked(sqlite3.OperationalError("database is locked"))


def cli(*args: str, passphrase: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from convener.tui.cli import main; sys.exit(main())",
            *args,
        ],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=60,
        env=child_env(**{PASSPHRASE_ENV: passphrase}),
    )


def test_cli_with_right_and_wrong_passphrase(encrypted_db: Path) -> None:
    good = cli("--db", str(encrypted_db), "events", passphrase=PASSPHRASE)
    assert good.returncode == 0 and "quetta-dialogue" in good.stdout
    bad = cli("--db", str(encrypted_db), "events", passphrase="wrong")
    assert bad.returncode == 1
    assert bad.stderr.count("\n") == 1 and "passphrase is wrong" in bad.stderr


@pytest.mark.slow
def test_the_app_saves_its_draft_encrypted_on_hang_up(encrypted_db: Path) -> None:
    """Unlike ODK/Kobo, encryption does not turn drafts off."""
    env = child_env(**{PASSPHRASE_ENV: PASSPHRASE})
    with PtyApp(["--db", str(encrypted_db), "notes", "quetta-dialogue"], env=env) as app:
        assert app.wait_for_text("Timeline", timeout=20)
        app.settle(0.3)
        app.send("\r", pause=0.2)
        app.type(DRAFT, per_key=0.005)
        assert app.wait_for_text("the border", timeout=5)
        app.pump(0.15)  # drawn is not yet handled: let the last keys reach the app's state
        app.signal(signal.SIGHUP)
        assert app.wait(3) is not None
    assert_opaque(encrypted_db)
    with connect(encrypted_db, read_only=True) as db:
        drafts = [get_draft(db, e["id"]) for e in list_events(db)]
    assert [d["text"] for d in drafts if d] == [DRAFT]


def test_translate_leaves_other_exceptions_alone() -> None:
    error = ValueError("x")
    assert cipher.translate(error) is error
    with pytest.raises(DatabaseError):
        raise DatabaseError("still ours")
