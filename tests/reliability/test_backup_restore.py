"""`convener backup [DEST]` and `convener restore SRC`, as a coordinator would run them.

Backups are private (0600 in a 0700 folder), pass `integrity_check`, and include writes
still in the WAL. A restore never lets the replaced database's stale `-wal` be replayed
onto the restored file, keeps the replaced database aside, and refuses while Convener runs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from convener.storage.paths import default_backup_path
from tests.reliability.harness import REPO_ROOT, child_env, integrity, raw_rows

CLI = [sys.executable, "-c", "import sys; from convener.tui.cli import main; sys.exit(main())"]

# Commits rows (they stay in the WAL: no checkpoint), then dies as in a power cut.
WRITE_AND_DIE = """
import os, signal, sys
from convener.storage.db.connection import connect
db = connect(sys.argv[1])
db.execute("PRAGMA wal_autocheckpoint = 0")
with db.atomic():
    for i in range(200):
        db.execute("INSERT INTO settings(key, value) VALUES (?, 'after the backup')", [f"late-{i}"])
os.kill(os.getpid(), signal.SIGKILL)
"""


def cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, "--db", str(db), *args],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=child_env(),
        timeout=60,
    )


def write_and_die(db: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", WRITE_AND_DIE, str(db)], cwd=REPO_ROOT, env=child_env()
    )
    assert done.returncode == -signal.SIGKILL
    assert Path(f"{db}-wal").stat().st_size > 0, "the rows should still be in the WAL"


def late_rows(db: Path) -> int:
    return int(raw_rows(db, "SELECT count(*) FROM settings WHERE key LIKE 'late-%'")[0][0])


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_backup_to_the_default_folder(sample_db: Path) -> None:
    write_and_die(sample_db)  # the newest rows are only in the WAL
    done = cli(sample_db, "backup")
    assert done.returncode == 0, done.stderr
    dest = Path(done.stdout.strip())
    assert dest.parent == default_backup_path(sample_db).parent
    assert mode(dest) == 0o600 and mode(dest.parent) == 0o700
    assert integrity(dest) == "ok"
    assert late_rows(dest) == 200  # the backup API reads through the WAL
    assert not Path(f"{dest}-wal").exists()  # a single, self-contained file
    assert list(dest.parent.glob("*.partial")) == []


def test_backup_to_a_chosen_file(sample_db: Path, tmp_path: Path) -> None:
    dest = tmp_path / "usb" / "dialogue.db"
    done = cli(sample_db, "backup", str(dest))
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()) == dest
    assert mode(dest) == 0o600 and mode(dest.parent) == 0o700
    assert integrity(dest) == "ok"
    assert raw_rows(dest, "SELECT count(*) FROM people") == raw_rows(
        sample_db, "SELECT count(*) FROM people"
    )


def test_restore_never_replays_the_stale_wal(sample_db: Path, tmp_path: Path) -> None:
    backup = tmp_path / "before.db"
    assert cli(sample_db, "backup", str(backup)).returncode == 0
    expected = raw_rows(backup, "SELECT key, value FROM settings ORDER BY key")
    write_and_die(sample_db)  # 200 rows committed to the WAL, never checkpointed
    stale_wal = Path(f"{sample_db}-wal").read_bytes()

    done = cli(sample_db, "restore", str(backup))
    assert done.returncode == 0, done.stderr
    wal = Path(f"{sample_db}-wal")
    assert not wal.exists() or wal.read_bytes() != stale_wal
    assert integrity(sample_db) == "ok"
    assert raw_rows(sample_db, "SELECT key, value FROM settings ORDER BY key") == expected
    assert late_rows(sample_db) == 0
    assert mode(sample_db) == 0o600
    # The replaced database, WAL included, was kept, so the restore lost nothing either.
    kept = sorted(sample_db.parent.glob(f"{sample_db.name}.before-restore-*"))
    assert len(kept) == 1 and late_rows(kept[0]) == 200
    assert mode(kept[0]) == 0o600
    # And the restored database opens normally afterwards.
    assert cli(sample_db, "events").returncode == 0
    assert late_rows(sample_db) == 0


def test_restore_refuses_while_convener_holds_the_database(sample_db: Path, tmp_path: Path) -> None:
    backup = tmp_path / "before.db"
    assert cli(sample_db, "backup", str(backup)).returncode == 0
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, pathlib; from convener.storage.db.lock import InstanceLock; "
            "l = InstanceLock(pathlib.Path(sys.argv[1])); assert l.acquire() is None; "
            "print('HELD', flush=True); sys.stdin.readline()",
            str(sample_db),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "HELD"
        before = sample_db.read_bytes()
        done = cli(sample_db, "restore", str(backup))
        assert done.returncode == 1
        assert f"process {holder.pid}" in done.stderr
        assert sample_db.read_bytes() == before
    finally:
        holder.communicate("go\n", timeout=10)


@pytest.mark.parametrize("content", [b"", b"not a database at all\n" * 20], ids=["empty", "text"])
def test_restore_from_a_bad_file_changes_nothing(
    sample_db: Path, tmp_path: Path, content: bytes
) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(content)
    before = sample_db.read_bytes()
    done = cli(sample_db, "restore", str(bad))
    assert done.returncode == 1
    assert done.stderr.startswith("convener: ") and "Traceback" not in done.stderr
    assert sample_db.read_bytes() == before
    assert not list(sample_db.parent.glob("*.before-restore-*"))
    os.chmod(bad, 0o600)
