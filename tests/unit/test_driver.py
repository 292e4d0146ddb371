"""One SQLite for every connection, new enough for several writers, and said out loud."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from convener.storage.db import driver
from convener.storage.db.backup import backup_to
from convener.storage.db.connection import connect
from convener.storage.db.writer import WRITER_BUSY_MS, Writer
from convener.storage.errors import DatabaseError

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("version", "safe"),
    [
        ("3.40.1", False),  # Python 3.11's own sqlite3
        ("3.51.1", False),  # sqlcipher3-binary
        ("3.51.2", False),
        ("3.51.3", True),
        ("3.53.4", True),  # sqlcipher3 0.6.4
        ("3.44.6", True),  # the backports
        ("3.44.5", False),
        ("3.50.7", True),
        ("3.50.6", False),
        ("4.0.0", True),
    ],
)
def test_which_sqlite_versions_may_write(version: str, safe: bool) -> None:
    assert driver.is_safe(version) is safe


def test_every_connection_uses_the_one_safe_library(db_path: Path, tmp_path: Path) -> None:
    assert driver.is_safe(driver.sqlite_version())
    with connect(db_path) as db:
        assert db.execute("SELECT sqlite_version()").fetchone()[0] == driver.sqlite_version()
        assert type(db.conn._inner).__module__.startswith("sqlcipher3")  # type: ignore[attr-defined]
        backup = backup_to(db, tmp_path / "b.db")
    with connect(backup, read_only=True) as copy:
        assert type(copy.conn._inner).__module__.startswith("sqlcipher3")  # type: ignore[attr-defined]


def test_an_old_sqlite_is_refused_for_writing(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(driver, "sqlite_version", lambda: "3.40.1")
    with pytest.raises(DatabaseError, match=r"3\.40\.1.*3\.51\.3"):
        connect(db_path)
    assert not db_path.exists()


def test_sqlite_utils_works_through_the_driver(db_path: Path) -> None:
    with connect(db_path) as db:
        db["t"].insert_all([{"id": i, "name": f"n{i}"} for i in range(3)], pk="id")  # type: ignore[union-attr]
        assert [r["name"] for r in db["t"].rows] == ["n0", "n1", "n2"]  # type: ignore[union-attr]
        with pytest.raises(Exception) as caught:
            db.execute("SELECT * FROM missing")
    assert type(caught.value).__module__ == "sqlite3"  # the standard classes, not SQLCipher's


def test_version_names_convener_sqlite_and_driver() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from convener.tui.cli import main; sys.exit(main())",
            "--version",
        ],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=60,
    )
    assert done.returncode == 0
    assert done.stdout.strip() == driver.about()
    assert done.stdout.startswith("Convener 0.1.0, SQLite 3.")
    assert "sqlcipher3 0.6" in done.stdout


def test_the_writer_s_short_busy_timeout_is_set_and_verified(db_path: Path) -> None:
    writer = Writer(db_path)
    writer.start().result(10)
    try:
        got = writer.submit(lambda db: db.execute("PRAGMA busy_timeout").fetchone()[0], write=False)
        assert got.result(10) == WRITER_BUSY_MS == 250
    finally:
        writer.close()
    with connect(db_path) as db:  # every other connection keeps the standard 5 s
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 5000


def test_the_sqlite_in_use_is_logged(db_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    driver._announce.cache_clear()
    with caplog.at_level("INFO", logger="convener.storage.db"):
        connect(db_path).close()
    assert f"using SQLite {driver.sqlite_version()}" in caplog.text
