"""Damaged and foreign files where the database should be: found at open, never written.

Each is detected with `quick_check` before anything is written; the original is copied
aside (0600, never overwriting anything, once per distinct file) and left byte-for-byte
as it was; the message names the copy and offers the newest backup or a read-only salvage.
"""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from convener.storage.db.backup import backup_to
from convener.storage.db.connection import connect
from convener.storage.errors import CorruptDatabaseError, DatabaseError
from convener.storage.events import list_events
from convener.storage.paths import default_backup_path
from tests.reliability.harness import (
    ALT_SCREEN_OFF,
    REPO_ROOT,
    PtyApp,
    child_env,
    integrity,
    plain,
    raw_rows,
)


def page_of(path: Path, table: str) -> tuple[int, int]:
    """(offset, page size) of the root page of `table`."""
    conn = sqlite3.connect(path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", [table]).fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    return (root - 1) * size, size


def zero_header(data: bytes, path: Path) -> bytes:
    return b"\0" * 100 + data[100:]


def random_bytes_in_a_page(data: bytes, path: Path) -> bytes:
    offset, _ = page_of(path, "people")
    damaged = bytearray(data)
    damaged[offset : offset + 64] = random.Random(7).randbytes(64)
    return bytes(damaged)


def truncated(data: bytes, path: Path) -> bytes:
    return data[: len(data) // 2]


def text_file(data: bytes, path: Path) -> bytes:
    return "attendees:\n  - name: آمنہ بی بی\n".encode() * 50


def random_file(data: bytes, path: Path) -> bytes:
    return random.Random(3).randbytes(len(data))


DAMAGE: dict[str, Callable[[bytes, Path], bytes]] = {
    "zeroed-header": zero_header,
    "random-bytes-in-a-page": random_bytes_in_a_page,
    "truncated": truncated,
    "text-file": text_file,
    "random-file": random_file,
}


@pytest.fixture
def backed_up(sample_db: Path) -> Path:
    """The newest backup of the sample database, in its backups folder."""
    with connect(sample_db) as db:
        return backup_to(db, default_backup_path(sample_db))


def copies(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}.corrupt-*"))


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_damage_is_detected_copied_aside_and_explained(
    sample_db: Path, backed_up: Path, damage: Callable[[bytes, Path], bytes]
) -> None:
    damaged = damage(sample_db.read_bytes(), sample_db)
    sample_db.write_bytes(damaged)
    with pytest.raises(CorruptDatabaseError) as caught:
        connect(sample_db)
    error = caught.value
    assert sample_db.read_bytes() == damaged, "the damaged file was written to"
    assert not Path(f"{sample_db}-wal").exists()
    assert error.copy_path is not None and error.copy_path.read_bytes() == damaged
    assert error.copy_path.stat().st_mode & 0o777 == 0o600
    message = str(error)
    assert error.copy_path.name in message
    assert str(backed_up) in message and "restore" in message
    assert "--read-only" in message
    # Opening it again keeps the one copy: no pile of identical copies.
    with pytest.raises(CorruptDatabaseError):
        connect(sample_db)
    assert copies(sample_db) == [error.copy_path]


def test_without_a_backup_the_message_says_so(sample_db: Path) -> None:
    sample_db.write_bytes(zero_header(sample_db.read_bytes(), sample_db))
    with pytest.raises(CorruptDatabaseError, match="No backup was found"):
        connect(sample_db)


def test_read_only_salvage_reads_what_is_left(sample_db: Path) -> None:
    sample_db.write_bytes(random_bytes_in_a_page(sample_db.read_bytes(), sample_db))
    with connect(sample_db, read_only=True) as db:
        titles = [e["title"] for e in db.query("SELECT title FROM events")]
    assert len(titles) == 2


def test_a_second_different_damage_gets_its_own_copy(sample_db: Path, backed_up: Path) -> None:
    good = sample_db.read_bytes()
    sample_db.write_bytes(zero_header(good, sample_db))
    with pytest.raises(CorruptDatabaseError):
        connect(sample_db)
    sample_db.write_bytes(truncated(good, sample_db))
    with pytest.raises(CorruptDatabaseError):
        connect(sample_db)
    found = copies(sample_db)
    assert len(found) == 2
    assert {p.read_bytes() for p in found} == {
        zero_header(good, sample_db),
        truncated(good, sample_db),
    }


def test_empty_file_where_a_database_was_points_to_the_backup(
    sample_db: Path, backed_up: Path
) -> None:
    sample_db.write_bytes(b"")
    with pytest.raises(CorruptDatabaseError) as caught:
        connect(sample_db)
    assert "empty (0 bytes)" in str(caught.value)
    assert str(backed_up) in str(caught.value)
    assert sample_db.read_bytes() == b""  # not turned into a new, empty database
    assert copies(sample_db) == []  # nothing to keep


def test_empty_file_without_backups_is_refused_and_left_alone(tmp_path: Path) -> None:
    """Convener never makes a 0-byte database (a new one is stamped before it is named):
    an empty file is someone else's, or what a failed copy left. It is not adopted."""
    path = tmp_path / "new.db"
    path.write_bytes(b"")
    with pytest.raises(DatabaseError, match=r"empty \(0 bytes\).*delete it to start"):
        connect(path)
    assert path.read_bytes() == b""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.db"]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
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
        env=child_env(),
        timeout=60,
    )


def test_cli_says_it_in_one_sentence(sample_db: Path, backed_up: Path) -> None:
    sample_db.write_bytes(truncated(sample_db.read_bytes(), sample_db))
    done = run_cli("--db", str(sample_db), "events")
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("convener: ")
    assert "is damaged" in lines[0] and "Traceback" not in done.stderr


@pytest.mark.slow
def test_app_exits_with_the_message_and_restores_the_terminal(
    sample_db: Path, backed_up: Path, events: dict[str, dict[str, Any]]
) -> None:
    slug = events["practice"]["slug"]
    sample_db.write_bytes(zero_header(sample_db.read_bytes(), sample_db))
    with PtyApp(["--db", str(sample_db), "checkin", slug], env=child_env()) as app:
        assert app.wait(20) == 1
    output = bytes(app.output)
    # Said after the screen is restored, or before it is taken (when EVENT is looked up).
    after = plain(output[output.rfind(ALT_SCREEN_OFF) :] if ALT_SCREEN_OFF in output else output)
    assert "is not a Convener database" in " ".join(after.split())
    assert "Traceback" not in plain(output)


def test_restore_the_backup_over_a_damaged_database(sample_db: Path, backed_up: Path) -> None:
    expected = raw_rows(backed_up, "SELECT id FROM people ORDER BY id")
    damaged = random_bytes_in_a_page(sample_db.read_bytes(), sample_db)
    sample_db.write_bytes(damaged)
    done = run_cli("--db", str(sample_db), "restore", str(backed_up))
    assert done.returncode == 0, done.stderr
    assert integrity(sample_db) == "ok"
    assert raw_rows(sample_db, "SELECT id FROM people ORDER BY id") == expected
    kept = sorted(sample_db.parent.glob(f"{sample_db.name}.before-restore-*"))
    assert [p.read_bytes() for p in kept] == [damaged]  # byte for byte: it could not be read
    with connect(sample_db) as db:
        assert len(list_events(db)) == 2
