"""Power cuts: the real writer (and the real app) killed with SIGKILL at random moments.

Every write whose acknowledgement was printed must be in the database afterwards, exactly
once; nothing may be duplicated; `integrity_check` must pass; and the draft being typed may
lose at most the last second. The database is reused from trial to trial, so each child
also recovers the WAL its predecessor left behind.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.harness import REPO_ROOT, PtyApp, child_env, integrity, plain, raw_rows
from tests.reliability.kill9_child import CHAR_SECONDS, TEXT

CHILD = Path(__file__).with_name("kill9_child.py")
LANES = 2
TRIALS_PER_LANE = 26  # 52 trials in all
MAX_DRAFT_LOSS = 1.0  # seconds of typing


@dataclass
class Lane:
    """What one database has been promised so far, across all its trials."""

    db: Path
    checkin_event: str
    draft_event: str
    checkins: Counter[str] = field(default_factory=Counter)  # acknowledged rows per person
    active: dict[str, bool] = field(default_factory=dict)
    notes: set[str] = field(default_factory=set)
    kills: int = 0
    failures: list[str] = field(default_factory=list)
    zygote: subprocess.Popen[str] = field(init=False)


def start_zygote(lane_dir: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(CHILD), "--zygote"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=(lane_dir / "children.err").open("w"),
        text=True,
        cwd=REPO_ROOT,
        env=child_env(),
    )


def run_trial(lane: Lane, seed: str, rng: random.Random) -> None:
    fifo = lane.db.parent / f"trial-{seed}.out"
    os.mkfifo(fifo)
    assert lane.zygote.stdin is not None and lane.zygote.stdout is not None
    lane.zygote.stdin.write(f"{fifo} {lane.db} {lane.checkin_event} {lane.draft_event} {seed}\n")
    lane.zygote.stdin.flush()
    pid = int(lane.zygote.stdout.readline())
    lines: list[str] = []
    with fifo.open() as out:
        while not any(line.startswith("D ") for line in lines):
            line = out.readline()
            if not line:
                errors = (lane.db.parent / "children.err").read_text()
                raise AssertionError(f"child {seed} died early: {errors}")
            lines.append(line.rstrip("\n"))
        time.sleep(rng.uniform(0.0, 0.4))
        killed_at = time.monotonic()
        os.kill(pid, signal.SIGKILL)
        rest = out.read()
    wait_gone(pid)
    fifo.unlink()
    lines.extend(rest.split("\n")[:-1])  # a line cut off by the kill was never acknowledged
    check_after_kill(lane, lines, killed_at, seed)


def wait_gone(pid: int, timeout: float = 10.0) -> None:
    """The killed child is not ours to wait for (the zygote's kernel-reaped child): poll."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.005)
    raise AssertionError(f"process {pid} survived SIGKILL")


def check_after_kill(lane: Lane, lines: list[str], killed_at: float, seed: str) -> None:
    pending_person: str | None = None
    pending_note: str | None = None
    start = 0.0
    last_draft = 0
    for line in lines:
        tag, _, value = line.partition(" ")
        if tag == "S":
            start = float(value)
        elif tag in ("c", "u"):
            pending_person = value
        elif tag == "C":
            lane.checkins[value] += 1
            lane.active[value] = True
            pending_person = None
        elif tag == "U":
            lane.active[value] = False
            pending_person = None
        elif tag == "n":
            pending_note = value
        elif tag == "N":
            lane.notes.add(value)
            pending_note = None
        elif tag == "D":
            last_draft = int(value)

    where = f"{lane.db.parent.name} trial {seed}"
    assert integrity(lane.db) == "ok", where
    rows = raw_rows(
        lane.db,
        "SELECT person_id, count(*), sum(undone_at IS NULL) FROM checkins "
        "WHERE event_id = ? GROUP BY person_id",
        [lane.checkin_event],
    )
    stored = {person: (total, active) for person, total, active in rows}
    for person in set(lane.checkins) | set(stored):
        total, active = stored.get(person, (0, 0))
        assert active <= 1, f"{where}: {person} has {active} active check-ins"
        expected = lane.checkins[person]
        if person == pending_person:
            # The write in flight when the kill came may or may not have landed; adopt it.
            assert total in (expected, expected + 1), where
            lane.checkins[person] = total
            lane.active[person] = bool(active)
        else:
            assert total == expected, f"{where}: {person}: {total} rows, {expected} acknowledged"
            assert bool(active) == lane.active.get(person, False), f"{where}: {person}"

    texts = Counter(
        text
        for (text,) in raw_rows(
            lane.db, "SELECT text FROM notes WHERE event_id = ?", [lane.checkin_event]
        )
    )
    for text in lane.notes:
        assert texts[text] == 1, f"{where}: acknowledged note {text!r} stored {texts[text]} times"
    extra = set(texts) - lane.notes
    assert extra <= {pending_note}, f"{where}: unexpected notes {extra}"
    lane.notes |= extra

    drafts = raw_rows(lane.db, "SELECT text FROM drafts WHERE event_id = ?", [lane.draft_event])
    draft = drafts[0][0] if drafts else ""
    assert TEXT.startswith(draft), f"{where}: the stored draft is not what was typed"
    # Drafts are stored stripped of trailing spaces.
    assert len(draft) >= len(TEXT[:last_draft].rstrip()), f"{where}: an acknowledged draft was lost"
    typed = len(draft) * CHAR_SECONDS + start
    assert killed_at - typed <= MAX_DRAFT_LOSS, (
        f"{where}: the stored draft is {killed_at - typed:.2f}s behind the typing"
    )
    lane.kills += 1


def run_lane(lane: Lane, number: int) -> None:
    rng = random.Random(number)
    lane.zygote = start_zygote(lane.db.parent)
    try:
        for trial in range(TRIALS_PER_LANE):
            run_trial(lane, f"{number}.{trial}", rng)
    except BaseException as exc:  # reported by the test thread
        lane.failures.append(f"{type(exc).__name__}: {exc}")
    finally:
        lane.zygote.kill()
        lane.zygote.wait()


@pytest.mark.slow
def test_acknowledged_writes_survive_sigkill(
    tmp_path: Path, sample_db: Path, events: dict[str, dict[str, Any]]
) -> None:
    lanes = []
    for number in range(LANES):
        db = tmp_path / f"lane{number}" / "convener.db"
        db.parent.mkdir()
        db.write_bytes(sample_db.read_bytes())
        lanes.append(Lane(db, events["practice"]["id"], events["full"]["id"]))
    threads = [threading.Thread(target=run_lane, args=(lane, n)) for n, lane in enumerate(lanes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [f for lane in lanes for f in lane.failures] == []
    assert sum(lane.kills for lane in lanes) >= 50
    # The trials did real work: many check-ins and notes were acknowledged before kills.
    assert sum(sum(lane.checkins.values()) for lane in lanes) > 100
    assert sum(len(lane.notes) for lane in lanes) > 100


APP_TRIALS = 3


@pytest.mark.slow
def test_app_killed_mid_session_leaves_an_intact_database(
    sample_db: Path, events: dict[str, dict[str, Any]]
) -> None:
    """The real app at the door, killed while checking people in: intact, nothing doubled."""
    practice = events["practice"]
    names = [
        row[0]
        for row in raw_rows(
            sample_db,
            "SELECT p.name FROM registrations r JOIN people p ON p.id = r.person_id "
            "WHERE r.event_id = ? ORDER BY p.name_key",
            [practice["id"]],
        )
    ]
    rng = random.Random(5)
    confirmed: set[str] = set()
    for trial in range(APP_TRIALS):
        with PtyApp(["--db", str(sample_db), "checkin", practice["slug"]], env=child_env()) as app:
            assert app.wait_for(b"registered", timeout=20), bytes(app.output[-500:])
            for name in rng.sample(names, 5):
                mark = len(app.output)
                app.type(name.lower() + "\r", per_key=0.003)
                app.wait_for_text(r"checked in\.|already checked in", timeout=2, start=mark)
            # The last check-in is cut off somewhere between the keypress and its commit.
            app.type(rng.choice(names).lower() + "\r", per_key=0.003)
            app.pump(rng.uniform(0.0, 0.2))
            app.signal(signal.SIGKILL)
            shown = plain(app.output)
            confirmed.update(n for n in names if f"✓ {n} checked in." in shown)
            assert app.wait(5) == -signal.SIGKILL
        assert integrity(sample_db) == "ok", f"trial {trial}"
        doubled = raw_rows(
            sample_db,
            "SELECT person_id FROM checkins WHERE undone_at IS NULL "
            "GROUP BY event_id, person_id HAVING count(*) > 1",
        )
        assert doubled == []
    stored = {
        row[0]
        for row in raw_rows(
            sample_db,
            "SELECT p.name FROM checkins c JOIN people p ON p.id = c.person_id "
            "WHERE c.event_id = ? AND c.undone_at IS NULL",
            [practice["id"]],
        )
    }
    assert confirmed, "the app never confirmed a check-in"
    assert confirmed <= stored, f"confirmed on screen but not stored: {confirmed - stored}"
