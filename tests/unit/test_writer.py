"""The single database thread: ordered jobs, errors, read-only, lock waits, clean close."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from convener.storage.db.connection import connect
from convener.storage.db.raw import open_raw
from convener.storage.db.writer import Writer, WriterStatus
from convener.storage.errors import DatabaseError, ReadOnlyError

WAIT = 10  # seconds: generous upper bound for any future in these tests


class Statuses(list[WriterStatus]):
    """Collects status reports from the writer thread."""

    def kinds(self) -> list[str]:
        return [s.kind for s in list(self)]


@pytest.fixture
def statuses() -> Statuses:
    return Statuses()


@pytest.fixture
def writer(db_path: Path, statuses: Statuses) -> Iterator[Writer]:
    w = Writer(db_path, retry_for=5.0, on_status=statuses.append)
    w.start().result(WAIT)
    yield w
    w.close()


def put(key: str, value: str) -> Any:
    def job(db: Database) -> str:
        db.execute("INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)", [key, value])
        return key

    return job


def get(key: str) -> Any:
    def job(db: Database) -> str | None:
        row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    return job


def read_setting(db_path: Path, key: str) -> str | None:
    with connect(db_path, read_only=True) as db:
        row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def test_jobs_return_futures_and_run_in_order_on_one_thread(writer: Writer) -> None:
    seen: list[tuple[int, str]] = []

    def job(n: int) -> Any:
        def run(db: Database) -> int:
            seen.append((n, threading.current_thread().name))
            return n * n

        return run

    futures = [writer.submit(job(n), write=n % 2 == 0) for n in range(50)]
    assert all(isinstance(f, Future) for f in futures)
    assert [f.result(WAIT) for f in futures] == [n * n for n in range(50)]
    assert [n for n, _ in seen] == list(range(50))
    assert {name for _, name in seen} == {"convener-db"}
    assert threading.current_thread().name != "convener-db"


def test_writes_are_durable_and_visible_to_other_connections(
    writer: Writer, db_path: Path, statuses: Statuses
) -> None:
    assert writer.submit(put("k", "03001234567")).result(WAIT) == "k"
    assert read_setting(db_path, "k") == "03001234567"
    assert writer.submit(get("k"), write=False).result(WAIT) == "03001234567"
    assert statuses.kinds() == ["saved"]  # reads report nothing


@pytest.mark.parametrize(
    "error", [ValueError("bad input"), KeyError("missing"), ZeroDivisionError()]
)
def test_job_exception_propagates_and_the_writer_carries_on(
    writer: Writer, error: Exception
) -> None:
    def boom(db: Database) -> None:
        raise error

    failed = writer.submit(boom)
    after = writer.submit(put("after", "yes"))
    with pytest.raises(type(error)):
        failed.result(WAIT)
    assert failed.exception() is error
    assert after.result(WAIT) == "after"


def test_failed_transaction_is_rolled_back(writer: Writer, db_path: Path) -> None:
    def half(db: Database) -> None:
        with db.atomic():
            db.execute("INSERT INTO settings(key, value) VALUES ('half', 'written')")
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        writer.submit(half).result(WAIT)
    assert writer.submit(get("half"), write=False).result(WAIT) is None
    writer.submit(put("next", "ok")).result(WAIT)
    assert read_setting(db_path, "half") is None


def test_sql_error_is_a_database_error_with_failed_status(
    writer: Writer, statuses: Statuses
) -> None:
    future = writer.submit(lambda db: db.execute("INSERT INTO nowhere VALUES (1)"))
    with pytest.raises(DatabaseError, match="no such table"):
        future.result(WAIT)
    assert statuses.kinds() == ["failed"]
    assert "no such table" in statuses[-1].message


def test_read_only_writer_refuses_writes(db_path: Path, statuses: Statuses) -> None:
    connect(db_path).close()
    before = db_path.read_bytes()
    w = Writer(db_path, read_only=True, on_status=statuses.append)
    w.start().result(WAIT)
    try:
        refused = w.submit(put("k", "v"))
        with pytest.raises(ReadOnlyError):
            refused.result(WAIT)
        sneaky = w.submit(put("k", "v"), write=False)  # a write dressed as a read
        with pytest.raises(DatabaseError, match="read-only"):
            sneaky.result(WAIT)
        assert w.submit(get("device_id"), write=False).result(WAIT)
    finally:
        w.close()
    assert db_path.read_bytes() == before


def test_start_fails_on_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    w = Writer(path)
    with pytest.raises(DatabaseError, match=r"notes\.txt"):
        w.start().result(WAIT)
    w.close()
    assert path.read_text() == "hello"


@pytest.fixture
def other(db_path: Path) -> Iterator[sqlite3.Connection]:
    """Another program's connection to the same database, usable from a timer thread.

    Made with Convener's own driver: two SQLite libraries in one process would drop each
    other's locks, which is not what another program does.
    """
    if not db_path.exists():
        connect(db_path).close()
    conn = open_raw(db_path)  # keyed like the database under --encrypted
    conn.isolation_level = None
    yield conn
    if conn.in_transaction:
        conn.rollback()
    conn.close()


def short_busy_timeout(writer: Writer) -> None:
    # The factory's 5 s busy timeout would hide the retry loop; shorten it for this test.
    writer.submit(lambda db: db.execute("PRAGMA busy_timeout = 20"), write=False).result(WAIT)


def test_writer_waits_for_a_lock_then_saves(
    writer: Writer, other: sqlite3.Connection, db_path: Path, statuses: Statuses
) -> None:
    short_busy_timeout(writer)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO settings(key, value) VALUES ('theirs', 'x')")
    release = threading.Timer(0.4, other.execute, ["COMMIT"])
    release.start()
    started = time.monotonic()
    try:
        assert writer.submit(put("mine", "y")).result(WAIT) == "mine"
    finally:
        release.join()
    assert time.monotonic() - started >= 0.3
    kinds = statuses.kinds()
    assert "waiting" in kinds
    assert kinds[-1] == "saved"
    assert set(kinds[:-1]) == {"waiting"}
    assert "locked" in statuses[0].message
    assert read_setting(db_path, "mine") == "y"
    assert read_setting(db_path, "theirs") == "x"


def test_writer_gives_up_when_the_lock_outlasts_retry_for(
    db_path: Path, other: sqlite3.Connection, statuses: Statuses
) -> None:
    w = Writer(db_path, retry_for=0.3, on_status=statuses.append)
    w.start().result(WAIT)
    try:
        short_busy_timeout(w)
        other.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        future = w.submit(put("mine", "y"))
        with pytest.raises(DatabaseError, match="locked"):
            future.result(WAIT)
        assert 0.3 <= time.monotonic() - started < 3
        kinds = statuses.kinds()
        assert kinds[0] == "waiting"
        assert kinds[-1] == "failed"
        other.execute("ROLLBACK")
        assert w.submit(put("later", "z")).result(WAIT) == "later"  # usable again
    finally:
        w.close()
    assert read_setting(db_path, "mine") is None
    assert read_setting(db_path, "later") == "z"


def test_close_finishes_queued_jobs_and_checkpoints(db_path: Path) -> None:
    w = Writer(db_path)
    w.start().result(WAIT)
    wal = Path(f"{db_path}-wal")
    slow = w.submit(lambda db: time.sleep(0.1))
    futures = [w.submit(put(f"k{i}", "x" * 1000)) for i in range(20)]
    assert slow.result(WAIT) is None
    futures[0].result(WAIT)
    assert wal.exists() and wal.stat().st_size > 0  # so the check below can fail
    w.close()
    assert all(f.done() and f.exception() is None for f in futures)
    assert not wal.exists() or wal.stat().st_size == 0
    with sqlite3.connect(f"file:{db_path}?mode=ro&immutable=1", uri=True) as raw:
        # Read the main file alone, ignoring any WAL: everything must be in it.
        assert raw.execute("SELECT count(*) FROM settings WHERE key LIKE 'k%'").fetchone()[0] == 20
    raw.close()


def test_close_without_start_is_harmless(db_path: Path) -> None:
    Writer(db_path).close()
    assert not db_path.exists()


def test_outside_commits_are_reported_and_own_writes_are_not(db_path: Path) -> None:
    """`convener import` beside the app: the writer notices another connection's commit."""
    changes: list[float] = []
    w = Writer(db_path, on_outside_change=lambda: changes.append(time.monotonic()))
    w.start().result(WAIT)
    try:
        w.submit(put("mine", "1")).result(WAIT)
        time.sleep(0.6)
        assert changes == []  # its own commit is not news
        conn = sqlite3.connect(db_path)
        conn.execute("INSERT INTO settings(key, value) VALUES ('theirs', '1')")
        conn.commit()
        conn.close()
        committed = time.monotonic()
        deadline = committed + 2
        while not changes and time.monotonic() < deadline:
            time.sleep(0.02)
        assert changes and changes[0] - committed < 0.6
        assert len(changes) == 1
    finally:
        w.close()
