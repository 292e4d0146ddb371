"""Two writing processes on one database, and drafts that outlive a killed window.

Each process writes through its own single writer thread with the busy timeout (WAL mode),
as two Convener windows do: every write lands, and no "database is locked" reaches anyone.
A window's draft names the window; while that window is open no other window is offered
it, and once the window is killed (kill -9: no chance to tidy up) the next one is.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from convener.storage.db.connection import connect
from convener.storage.db.lock import WindowMark, window_alive
from convener.storage.notes import get_draft, save_draft
from tests.reliability.harness import REPO_ROOT, raw_rows

WRITER = """
import sys
from pathlib import Path
from convener.storage.attendees import list_attendees
from convener.storage.checkins import check_in
from convener.storage.db.writer import Writer
from convener.storage.notes import add_note

path, event_id, role, count = Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
writer = Writer(path, retry_for=30)
writer.start().result()
people = writer.submit(lambda db: list_attendees(db, event_id), write=False).result()
print("READY", flush=True)
sys.stdin.readline()  # both start together
futures = []
for i in range(count):
    text = f"{role} note {i:03d}: ضلع کوئٹہ, 0300-1234567"
    futures.append(writer.submit(lambda db, t=text: add_note(db, event_id, {"text": t})))
    if role == "door" and i < len(people):
        person = people[i]["id"]
        futures.append(writer.submit(lambda db, p=person: check_in(db, event_id, p)))
for future in futures:
    future.result(60)
writer.close()
print("DONE", flush=True)
"""

KEEPER = """
import sys
from pathlib import Path
from convener.storage.db.connection import connect
from convener.storage.db.lock import WindowMark
from convener.storage.notes import save_draft

path, event_id = Path(sys.argv[1]), sys.argv[2]
mark = WindowMark(path)
mark.hold()
with connect(path) as db:
    save_draft(db, event_id, {"text": "Typed in the window that dies"}, window=mark.id)
print(mark.id, flush=True)
sys.stdin.readline()
"""


def start(script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
    )


def test_two_processes_writing_at_once_lose_nothing(
    sample_db: Path, events: dict[str, dict[str, Any]]
) -> None:
    event_id = events["practice"]["id"]
    checked_before = raw_rows(sample_db, "SELECT count(*) FROM checkins")[0][0]
    door = start(WRITER, str(sample_db), event_id, "door", "120")
    notes = start(WRITER, str(sample_db), event_id, "notes", "120")
    for proc in (door, notes):
        assert proc.stdout is not None and proc.stdout.readline().strip() == "READY"
    for proc in (door, notes):
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    outputs = [proc.communicate(timeout=120) for proc in (door, notes)]
    for (out, err), proc in zip(outputs, (door, notes), strict=True):
        assert proc.returncode == 0, err
        assert out.strip() == "DONE"
        assert "locked" not in err.lower() and "Traceback" not in err
    texts = [
        row[0]
        for row in raw_rows(
            sample_db, "SELECT text FROM notes WHERE event_id = ? ORDER BY text", [event_id]
        )
    ]
    expected = sorted(
        f"{role} note {i:03d}: ضلع کوئٹہ, 0300-1234567"
        for role in ("door", "notes")
        for i in range(120)
    )
    assert texts == expected
    registered = raw_rows(
        sample_db, "SELECT count(*) FROM registrations WHERE event_id = ?", [event_id]
    )[0][0]
    checked = raw_rows(
        sample_db,
        "SELECT count(DISTINCT person_id) FROM checkins WHERE event_id = ? AND undone_at IS NULL",
        [event_id],
    )[0][0]
    assert checked == registered
    assert raw_rows(sample_db, "SELECT count(*) FROM checkins")[0][0] >= checked_before


def test_a_live_windows_draft_is_kept_from_others_and_a_killed_ones_is_offered(
    sample_db: Path, events: dict[str, dict[str, Any]]
) -> None:
    event_id = events["full"]["id"]
    keeper = start(KEEPER, str(sample_db), event_id)
    assert keeper.stdout is not None
    window = keeper.stdout.readline().strip()
    assert len(window) == 16, keeper.stderr.read() if keeper.stderr else ""
    mine = WindowMark(sample_db)
    mine.hold()
    try:
        alive = lambda other: window_alive(sample_db, other)  # noqa: E731
        with connect(sample_db) as db:
            save_draft(db, event_id, {"text": "My own words"}, window=mine.id)
            assert window_alive(sample_db, window)
            # This window sees its own draft; the other's is not offered while it lives.
            own = get_draft(db, event_id, window=mine.id, alive=alive)
            assert own is not None and own["text"] == "My own words"
            # A third window opening the notes: both drafts belong to live windows.
            assert get_draft(db, event_id, window="0123456789abcdef", alive=alive) is None
        os.kill(keeper.pid, signal.SIGKILL)
        keeper.wait(10)
        assert not window_alive(sample_db, window)
        with connect(sample_db) as db:
            rows = raw_rows(sample_db, "SELECT text, window_id FROM drafts ORDER BY text")
            assert [tuple(r) for r in rows] == [
                ("My own words", mine.id),
                ("Typed in the window that dies", window),
            ]
            offered = get_draft(db, event_id, window="0123456789abcdef", alive=alive)
            assert offered is not None
            assert (offered["text"], offered["window_id"]) == (
                "Typed in the window that dies",
                window,
            )
    finally:
        mine.release()
    assert not (sample_db.parent / (sample_db.name + ".windows") / mine.id).exists()


def test_a_draft_from_before_the_upgrade_is_offered_to_the_next_window(tmp_path: Path) -> None:
    copy = tmp_path / "v5.db"
    shutil.copyfile(REPO_ROOT / "tests" / "fixtures" / "schema-v5.db", copy)
    copy.chmod(0o600)
    with connect(copy) as db:  # migration 7: the old draft belongs to no window
        event_id = db.execute("SELECT event_id FROM drafts").fetchone()[0]
        offered = get_draft(
            db, event_id, window="0123456789abcdef", alive=lambda w: window_alive(copy, w)
        )
    assert offered is not None
    assert (offered["text"], offered["window_id"]) == ("A draft left by a closed terminal", "")
