"""Whose files Convener writes, and what it leaves of their modes: read from the disk.

Convener never changes the mode of an existing file or folder. A database without owner
write permission is read, never written, and reading it leaves no side file behind that
would break the next session. Only Convener's own databases are written: another
program's SQLite file, a file that is not SQLite and an empty file are refused with their
bytes, mode and folder as they were. Every failure is one sentence on stderr.
"""

from __future__ import annotations

import os
import pwd
import shutil
import sqlite3
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from convener.storage.db.connection import connect
from convener.storage.errors import DatabaseError
from convener.storage.imports.sample import load_sample
from tests.reliability.harness import CONVENER, REPO_ROOT, PtyApp, child_env

QUETTA_YAML = REPO_ROOT / "fixtures" / "quetta-dialogue.yaml"
IS_ROOT = os.geteuid() == 0
SETPRIV = shutil.which("setpriv")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Every file of `folder`: its mode and bytes."""
    return {p.name: (mode(p), p.read_bytes()) for p in sorted(folder.iterdir()) if p.is_file()}


def as_user() -> list[str]:
    """The command prefix that runs as a user without root's power over file modes."""
    if not IS_ROOT:
        return []
    if SETPRIV is None:
        pytest.skip("running as root without setpriv: cannot test as an ordinary user")
    return [SETPRIV, "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


def cli(*args: str | Path, user: bool = False) -> subprocess.CompletedProcess[str]:
    """`convener ARGS` in a child process, as an ordinary user if `user`."""
    env = child_env(HOME=tempfile.gettempdir())
    return subprocess.run(
        [*(as_user() if user else []), *CONVENER, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=env,
        timeout=60,
    )


def one_sentence(done: subprocess.CompletedProcess[str], *fragments: str) -> str:
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("convener: "), done.stderr
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


@pytest.fixture
def user_db() -> Iterator[Path]:
    """The sample database in a folder an ordinary user (`nobody` under root) owns.

    Outside pytest's temp folder, whose 0700 parents `nobody` cannot enter.
    """
    top = Path(tempfile.mkdtemp(prefix="convener-files-"))
    os.chmod(top, 0o755)
    folder = top / "data"
    path = folder / "convener.db"
    with connect(path) as db:
        load_sample(db)
    if IS_ROOT:
        nobody = pwd.getpwnam("nobody")
        for item in (folder, *folder.iterdir()):
            os.chown(item, nobody.pw_uid, nobody.pw_gid)
    try:
        yield path
    finally:
        shutil.rmtree(top)


# --- modes are the owner's -----------------------------------------------------------------


def test_a_write_protected_database_is_read_and_keeps_its_mode(sample_db: Path) -> None:
    os.chmod(sample_db, 0o444)
    before = snapshot(sample_db.parent)
    done = cli("--db", sample_db, "events")
    assert done.returncode == 0, done.stderr
    assert "quetta-dialogue" in done.stdout
    assert f"{sample_db} is write-protected (mode 0444): opened read-only." in done.stderr
    assert "Traceback" not in done.stderr
    assert snapshot(sample_db.parent) == before  # mode 0444 kept, no -wal or -shm left


def test_importing_into_a_write_protected_database_is_one_sentence(sample_db: Path) -> None:
    os.chmod(sample_db, 0o444)
    before = snapshot(sample_db.parent)
    line = one_sentence(cli("--db", sample_db, "import", QUETTA_YAML), "write-protected")
    assert "--read-only" in line
    assert snapshot(sample_db.parent) == before


def test_a_database_others_can_read_is_used_as_it_is_with_one_warning(sample_db: Path) -> None:
    os.chmod(sample_db, 0o644)
    done = cli("--db", sample_db, "import", QUETTA_YAML)
    assert done.returncode == 0, done.stderr
    assert mode(sample_db) == 0o644
    assert done.stderr.count("can be read by other users") == 1
    assert "mode 0644" in done.stderr and "chmod 600" in done.stderr


def test_new_files_are_private(tmp_path: Path) -> None:
    path = tmp_path / "new" / "convener.db"
    done = cli("--db", path, "import", QUETTA_YAML)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # nothing to warn about
    assert mode(path.parent) == 0o700
    assert {p.name: mode(p) for p in path.parent.iterdir()} == {
        "convener.db": 0o600,
        "convener.db.lock": 0o600,
    }


def test_a_read_only_session_does_not_break_the_next_one(user_db: Path) -> None:
    """chmod 444, read it, chmod 644 back: the next session writes (as an ordinary user)."""
    folder = user_db.parent
    os.chmod(user_db, 0o444)
    listing = sorted(os.listdir(folder))
    for args in (["events"], ["--read-only", "events"]):
        done = cli("--db", user_db, *args, user=True)
        assert done.returncode == 0, done.stderr
        assert sorted(os.listdir(folder)) == listing, "a side file was left behind"
    os.chmod(user_db, 0o644)
    done = cli("--db", user_db, "import", QUETTA_YAML, user=True)
    assert done.returncode == 0, done.stderr
    assert "already up to date" in done.stdout


def test_the_app_read_only_session_leaves_no_side_file(sample_db: Path) -> None:
    os.chmod(sample_db, 0o444)
    listing = sorted(os.listdir(sample_db.parent))
    with PtyApp(["--db", str(sample_db)], env=child_env()) as app:
        assert app.wait_for_text("read-only", timeout=30)
        app.send("\x11")  # ctrl+q
        assert app.wait(15) == 0
    assert sorted(os.listdir(sample_db.parent)) == listing
    assert mode(sample_db) == 0o444
    os.chmod(sample_db, 0o644)
    assert cli("--db", sample_db, "import", QUETTA_YAML).returncode == 0


def test_import_as_a_user_who_cannot_write_is_one_sentence(user_db: Path) -> None:
    """No traceback when the folder, the database or the imported file is out of reach."""
    if IS_ROOT:
        os.chown(user_db.parent, 0, 0)
        os.chown(user_db, 0, 0)
    os.chmod(user_db.parent, 0o755)
    os.chmod(user_db, 0o644)
    before = snapshot(user_db.parent)
    one_sentence(cli("--db", user_db, "import", QUETTA_YAML, user=True), str(user_db))
    assert snapshot(user_db.parent) == before
    secret = user_db.parent / "list.yaml"
    secret.write_bytes(QUETTA_YAML.read_bytes())
    os.chmod(secret, 0o600)
    own = Path(tempfile.mkdtemp(prefix="convener-own-"))
    try:
        if IS_ROOT:
            os.chown(own, pwd.getpwnam("nobody").pw_uid, -1)
        done = cli("--db", own / "mine.db", "import", secret, user=True)
        one_sentence(done, "list.yaml", "ermission denied")
    finally:
        shutil.rmtree(own)


# --- only Convener's own files are written ---------------------------------------------------


def foreign_sqlite(path: Path, *, wal: bool) -> None:
    conn = sqlite3.connect(path)
    if wal:
        conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, customer TEXT)")
    conn.execute("INSERT INTO invoices (customer) VALUES ('Zubair Traders')")
    conn.commit()
    conn.close()


def foreign_with_app_id(path: Path, *, wal: bool) -> None:
    foreign_sqlite(path, wal=wal)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 1234")
    conn.commit()
    conn.close()


def empty_sqlite(path: Path, *, wal: bool) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 0")
    conn.execute("VACUUM")  # writes the header: a valid database with no tables
    conn.close()


def text_file(path: Path, *, wal: bool) -> None:
    path.write_text("name,phone\nGul Bano,03001234567\n", encoding="utf-8")


def empty_file(path: Path, *, wal: bool) -> None:
    path.write_bytes(b"")


FOREIGN: dict[str, Any] = {
    "other-program-sqlite": (foreign_sqlite, "another program's SQLite database"),
    "other-program-sqlite-wal": (foreign_sqlite, "another program's SQLite database"),
    "other-application-id": (foreign_with_app_id, "application id 0x000004d2"),
    "sqlite-without-tables": (empty_sqlite, "with no tables"),
    "text-file": (text_file, "not an SQLite file"),
    "zero-bytes": (empty_file, "empty (0 bytes)"),
}


@pytest.mark.parametrize("kind", FOREIGN, ids=FOREIGN.keys())
@pytest.mark.parametrize("command", ["events", "import"])
def test_a_file_that_is_not_convener_s_is_refused_and_left_alone(
    tmp_path: Path, kind: str, command: str
) -> None:
    make, said = FOREIGN[kind]
    folder = tmp_path / "theirs"
    folder.mkdir()
    os.chmod(folder, 0o755)
    path = folder / "data.db"
    make(path, wal=kind.endswith("-wal"))
    os.chmod(path, 0o644)
    before = snapshot(folder)
    folder_mode = mode(folder)
    args = [QUETTA_YAML] if command == "import" else []
    one_sentence(cli("--db", path, command, *args), str(path), said)
    assert snapshot(folder) == before  # bytes and mode; no -wal, -shm, lock or copy added
    assert mode(folder) == folder_mode


def test_the_app_refuses_another_program_s_database(tmp_path: Path) -> None:
    path = tmp_path / "data.db"
    foreign_sqlite(path, wal=True)
    before = snapshot(tmp_path)
    with PtyApp(["--db", str(path)], env=child_env()) as app:
        assert app.wait(30) == 1
    assert snapshot(tmp_path) == before
    assert b"Traceback" not in app.output


def test_files_are_stamped_and_older_ones_recognised(tmp_path: Path) -> None:
    from convener.storage.db.files import APPLICATION_ID

    new = tmp_path / "new.db"
    connect(new).close()
    assert int.from_bytes(new.read_bytes()[68:72], "big") == APPLICATION_ID
    old = tmp_path / "v1.db"
    shutil.copyfile(REPO_ROOT / "tests" / "fixtures" / "schema-v1.db", old)
    assert old.read_bytes()[68:72] == b"\0\0\0\0"  # made before the stamp existed
    with connect(old) as db:
        assert db.execute("SELECT count(*) FROM people").fetchone()[0] > 0
    assert int.from_bytes(old.read_bytes()[68:72], "big") == APPLICATION_ID


def test_a_zero_byte_file_is_refused_with_or_without_a_log(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    path.write_bytes(b"")
    with pytest.raises(DatabaseError, match=r"empty \(0 bytes\).*delete it"):
        connect(path)
    Path(f"{path}-wal").write_bytes(b"\x37\x7f\x06\x82" + b"\0" * 60)
    for read_only in (False, True):
        with pytest.raises(DatabaseError, match="still holds data"):
            connect(path, read_only=read_only)
    assert Path(f"{path}-wal").stat().st_size == 64  # SQLite would have deleted it
