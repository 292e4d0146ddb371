"""Two windows on one database, and a database locked by another program.

Windows write side by side (every connection uses SQLite 3.51.3 or newer, past the
WAL-reset bug). Only restore, schema upgrade and erasure need the database alone: they are
refused, naming the process, while another window holds it. A write that meets a lock held
longer than the busy timeout is retried, with the top bar saying so, and lands once the
lock is released: it is never lost.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.events import Key
from textual.widgets import Input

from convener.storage.checkins import check_in
from convener.storage.db.backup import backup_to, restore_from
from convener.storage.db.connection import connect
from convener.storage.db.lock import InstanceLock
from convener.storage.db.migrations import LATEST
from convener.storage.db.writer import Writer, WriterStatus
from convener.storage.erasure import erase_person
from convener.storage.errors import DatabaseError, ReadOnlyError
from convener.tui.app import ConvenerApp, create_app, open_mode
from convener.tui.screens.checkin import CheckinScreen
from convener.tui.widgets.top_bar import TopBar
from tests.reliability.conftest import FROZEN, SIZE
from tests.reliability.harness import REPO_ROOT, PtyApp, child_env, plain, raw_rows

HOLD_LOCK = """
import sys
from convener.storage.db.lock import InstanceLock
lock = InstanceLock(__import__("pathlib").Path(sys.argv[1]))
assert lock.acquire() is None
print("HELD", flush=True)
sys.stdin.readline()
"""

HOLD_ALONE = HOLD_LOCK.replace("lock.acquire()", "lock.acquire(exclusive=True)")

HOLD_WRITE_LOCK = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
conn.execute("INSERT INTO settings(key, value) VALUES ('other-program', 'was here')")
print("LOCKED", flush=True)
sys.stdin.readline()
conn.execute("COMMIT")
"""


class Holder:
    """Another process, holding something until told to let go."""

    def __init__(self, script: str, db: Path, ready: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", script, str(db)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO_ROOT,
        )
        assert self.proc.stdout is not None
        assert self.proc.stdout.readline().strip() == ready

    def release(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.write("go\n")
            self.proc.stdin.flush()
            self.proc.wait(10)


@pytest.fixture
def holder() -> Iterator[list[Holder]]:
    held: list[Holder] = []
    yield held
    for h in held:
        h.release()


def registered(db: Path, event_id: str) -> str:
    return str(
        raw_rows(db, "SELECT person_id FROM registrations WHERE event_id = ? LIMIT 1", [event_id])[
            0
        ][0]
    )


def count_checkins(db: Path) -> int:
    return int(raw_rows(db, "SELECT count(*) FROM checkins")[0][0])


# --- a second instance --------------------------------------------------------------------


def test_a_second_window_writes_but_jobs_that_need_the_database_alone_are_refused(
    sample_db: Path, events: dict[str, dict[str, Any]], holder: list[Holder], tmp_path: Path
) -> None:
    with connect(sample_db) as db:
        backup = backup_to(db, tmp_path / "backup.db")
    holder.append(Holder(HOLD_LOCK, sample_db, "HELD"))
    pid = holder[0].proc.pid
    lock = InstanceLock(sample_db)
    assert open_mode(sample_db, lock, read_only=False) == (False, "")
    lock.release()
    before = sample_db.read_bytes()
    with pytest.raises(DatabaseError, match=f"another Convener \\(process {pid}\\)"):
        restore_from(backup, sample_db)
    with connect(sample_db) as db, pytest.raises(DatabaseError, match=f"process {pid}"):
        erase_person(db, events["full"]["id"], "Gul Bano")
    assert sample_db.read_bytes() == before
    with connect(sample_db, read_only=True) as db:
        assert db.execute("SELECT count(*) FROM people WHERE name = 'Gul Bano'").fetchone() == (2,)


def test_a_schema_upgrade_waits_for_the_other_windows(tmp_path: Path, holder: list[Holder]) -> None:
    old = tmp_path / "v1.db"
    shutil.copyfile(REPO_ROOT / "tests" / "fixtures" / "schema-v1.db", old)
    holder.append(Holder(HOLD_LOCK, old, "HELD"))
    before = old.read_bytes()
    with pytest.raises(DatabaseError, match=f"schema upgrade.*process {holder[0].proc.pid}"):
        connect(old)
    assert old.read_bytes() == before
    holder[0].release()
    with connect(old) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == LATEST


def test_a_window_opened_during_a_restore_is_read_only(
    sample_db: Path, holder: list[Holder]
) -> None:
    holder.append(Holder(HOLD_ALONE, sample_db, "HELD"))
    read_only, reason = open_mode(sample_db, InstanceLock(sample_db), read_only=False)
    assert read_only
    assert f"process {holder[0].proc.pid}" in reason and "read-only" in reason


def test_read_only_writer_refuses_writes_and_leaves_the_file_alone(
    sample_db: Path, events: dict[str, dict[str, Any]]
) -> None:
    before = sample_db.read_bytes()
    writer = Writer(sample_db, read_only=True)
    writer.start().result(5)
    people = writer.submit(
        lambda db: [r[0] for r in db.execute("SELECT id FROM people").fetchall()], write=False
    ).result(5)
    event_id = events["practice"]["id"]
    future = writer.submit(lambda db: check_in(db, event_id, people[0]))
    with pytest.raises(ReadOnlyError):
        future.result(5)
    writer.close()
    assert sample_db.read_bytes() == before


async def test_second_app_writes_beside_the_first(
    sample_db: Path, events: dict[str, dict[str, Any]], holder: list[Holder], quetta_tz: None
) -> None:
    holder.append(Holder(HOLD_LOCK, sample_db, "HELD"))
    lock = InstanceLock(sample_db)
    read_only, reason = open_mode(sample_db, lock, read_only=False)
    app = create_app(
        sample_db,
        start="checkin",
        event_ref=events["practice"]["slug"],
        read_only=read_only,
        read_only_reason=reason,
        clock=lambda: FROZEN,
    )
    before = count_checkins(sample_db)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert not app.writer.read_only
            assert isinstance(app.screen, CheckinScreen)
            await pilot.press(*"ayes", "enter")
            for _ in range(100):
                await pilot.pause(0.05)
                if count_checkins(sample_db) > before:
                    break
            assert not any("NOT" in str(n.message) for n in app._notifications)
    finally:
        lock.release()
    assert count_checkins(sample_db) == before + 1


@pytest.mark.slow
def test_two_real_windows(sample_db: Path, events: dict[str, dict[str, Any]]) -> None:
    """Two terminals on one database: each checks someone in, and both land."""
    slug = events["practice"]["slug"]
    before = count_checkins(sample_db)
    with PtyApp(["--db", str(sample_db), "checkin", slug], env=child_env()) as first:
        assert first.wait_for_text("registered", timeout=20)
        with PtyApp(["--db", str(sample_db), "checkin", slug], env=child_env()) as second:
            assert second.wait_for_text("registered", timeout=20)
            assert "read-only" not in plain(second.output)
            mark = len(second.output)
            second.type("vania\r", per_key=0.01)
            assert second.wait_for_text("✓ Vania Tahir checked in", timeout=10, start=mark)
            mark = len(first.output)
            first.type("saima\r", per_key=0.01)
            assert first.wait_for_text("✓ Saima Rind checked in", timeout=10, start=mark)
            second.send("\x11")
            assert second.wait(10) == 0
        first.send("\x11")
        assert first.wait(10) == 0
    assert count_checkins(sample_db) == before + 2
    assert "Traceback" not in plain(first.output) + plain(second.output)


# --- a database locked by another program ---------------------------------------------------


def test_locked_write_waits_then_lands(
    sample_db: Path, events: dict[str, dict[str, Any]], holder: list[Holder]
) -> None:
    statuses: list[WriterStatus] = []
    writer = Writer(sample_db, on_status=statuses.append)
    writer.start().result(5)
    writer.submit(lambda db: db.execute("PRAGMA busy_timeout = 100"), write=False).result(5)
    event_id = events["practice"]["id"]
    person = registered(sample_db, event_id)
    holder.append(Holder(HOLD_WRITE_LOCK, sample_db, "LOCKED"))
    future = writer.submit(lambda db: check_in(db, event_id, person))
    time.sleep(0.8)  # several busy timeouts
    assert not future.done(), "the write went through a held lock"
    assert "waiting" in {s.kind for s in statuses}
    waiting = next(s for s in statuses if s.kind == "waiting")
    assert "locked" in waiting.message
    holder[0].release()
    result = future.result(10)
    assert result.created
    assert statuses[-1].kind == "saved"
    writer.close()
    rows = raw_rows(
        sample_db,
        "SELECT count(*) FROM checkins WHERE person_id = ? AND event_id = ?",
        [person, event_id],
    )
    assert rows == [(1,)]
    # The other program's write is kept too.
    assert raw_rows(sample_db, "SELECT value FROM settings WHERE key = 'other-program'") == [
        ("was here",)
    ]


def test_lock_held_past_the_retry_limit_fails_clearly_and_writes_nothing(
    sample_db: Path, events: dict[str, dict[str, Any]], holder: list[Holder]
) -> None:
    statuses: list[WriterStatus] = []
    writer = Writer(sample_db, retry_for=0.5, on_status=statuses.append)
    writer.start().result(5)
    writer.submit(lambda db: db.execute("PRAGMA busy_timeout = 100"), write=False).result(5)
    event_id = events["practice"]["id"]
    person = registered(sample_db, event_id)
    before = count_checkins(sample_db)
    holder.append(Holder(HOLD_WRITE_LOCK, sample_db, "LOCKED"))
    future = writer.submit(lambda db: check_in(db, event_id, person))
    with pytest.raises(DatabaseError, match="locked by another program"):
        future.result(10)
    assert statuses[-1].kind == "failed"
    holder[0].release()
    # Nothing half-done was left behind, and the writer still works afterwards.
    assert count_checkins(sample_db) == before
    assert writer.submit(lambda db: check_in(db, event_id, person)).result(10).created
    writer.close()


async def test_app_keeps_repainting_and_shows_waiting(
    sample_db: Path, events: dict[str, dict[str, Any]], holder: list[Holder], quetta_tz: None
) -> None:
    app: ConvenerApp = create_app(
        sample_db, start="checkin", event_ref=events["practice"]["slug"]
    )  # the real clock: the top bar's clock must keep ticking while the write waits
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CheckinScreen)
        app.writer.submit(lambda db: db.execute("PRAGMA busy_timeout = 100"), write=False)
        holder.append(Holder(HOLD_WRITE_LOCK, sample_db, "LOCKED"))
        await pilot.press(*"ayes")
        await pilot.pause()
        app.post_message(events_key("enter"))
        bar = screen.query_one(TopBar)
        save = bar.query_one("#save")
        clock = bar.query_one("#clock")
        for _ in range(100):
            await asyncio.sleep(0.02)
            if "waiting" in str(save.render()):
                break
        assert "waiting for the database" in str(save.render())
        assert save.has_class("waiting")
        before = str(clock.render())
        await asyncio.sleep(1.2)
        assert str(clock.render()) != before, "the screen stopped repainting while waiting"
        assert "waiting" in str(save.render())
        for key in "raza":  # the UI still takes keys while the write waits
            app.post_message(events_key(key))
        await asyncio.sleep(0.2)  # not pilot.pause(): that waits for the screen to be idle
        # Enter cleared the box at once: the next arrival's letters are kept, not wiped.
        assert screen.query_one("#search", Input).value == "raza"
        holder[0].release()
        for _ in range(200):
            await asyncio.sleep(0.02)
            if "saved" in str(save.render()):
                break
        assert "saved" in str(save.render())
    names = raw_rows(
        sample_db,
        "SELECT p.name FROM checkins c JOIN people p ON p.id = c.person_id "
        "WHERE c.event_id = ? AND c.undone_at IS NULL",
        [events["practice"]["id"]],
    )
    assert len(names) == 1 and names[0][0].lower().startswith("ayes")


def events_key(key: str) -> Key:
    return Key(key, key if len(key) == 1 else None)
