"""Terminal closed, SSH dropped, `kill`: the real app in a pty gets SIGHUP or SIGTERM.

It must save the draft from its own state (the widgets may already be gone), exit within
two seconds and leave the terminal as it found it (the alternate screen switched off). A
clean exit must also fold the WAL into the database file, so copying the `.db` alone (to a
USB stick, say) copies everything.
"""

from __future__ import annotations

import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.harness import (
    ALT_SCREEN_OFF,
    ALT_SCREEN_ON,
    CONVENER,
    REPO_ROOT,
    PtyApp,
    child_env,
    integrity,
    plain,
    raw_rows,
)

EXIT_WITHIN = 2.0
FULL = "quetta-dialogue"  # the sample event as it happened: the notes screen asks nothing


def open_app(db: Path, *args: str) -> PtyApp:
    app = PtyApp(["--db", str(db), *args], env=child_env())
    return app


def assert_terminal_restored(output: bytes, mark: int) -> None:
    """After `mark`, the app left the alternate screen, and never re-entered it."""
    tail = output[mark:]
    assert ALT_SCREEN_OFF in tail, "the alternate screen was not switched off"
    assert output.rfind(ALT_SCREEN_ON) < output.rfind(ALT_SCREEN_OFF)


def drafts(db: Path) -> list[str]:
    return [row[0] for row in raw_rows(db, "SELECT text FROM drafts")]


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_signal_exits_quickly_and_restores_the_terminal(
    sample_db: Path, events: dict[str, dict[str, Any]], sig: signal.Signals
) -> None:
    with open_app(sample_db, "checkin", events["practice"]["slug"]) as app:
        assert app.wait_for_text("registered", timeout=20)
        app.settle(0.3)
        mark = len(app.output)
        sent = time.monotonic()
        app.signal(sig)
        code = app.wait(EXIT_WITHIN + 1)
        took = time.monotonic() - sent
        assert code == 128 + sig, plain(app.output[mark:])
        assert took <= EXIT_WITHIN
        assert_terminal_restored(bytes(app.output), mark)
    assert integrity(sample_db) == "ok"


@pytest.mark.slow
def test_closing_the_terminal_exits_quickly(
    sample_db: Path, events: dict[str, dict[str, Any]]
) -> None:
    """The terminal window closed: the pty goes away and the kernel sends SIGHUP + SIGCONT.

    Repeated because the hang this guards against (Textual resuming on the SIGCONT while
    shutting down) struck about one hang-up in two.
    """
    for _ in range(3):
        with open_app(sample_db, "checkin", events["practice"]["slug"]) as app:
            assert app.wait_for_text("registered", timeout=20)
            app.type("ayes", per_key=0.005)
            sent = time.monotonic()
            app.hang_up()
            assert app.wait(EXIT_WITHIN + 1) is not None, "still running after the hang-up"
            assert time.monotonic() - sent <= EXIT_WITHIN
    assert integrity(sample_db) == "ok"


def type_note(app: PtyApp, text: str) -> None:
    """Into the note box of the notes screen (Enter leaves the speaker box empty)."""
    assert app.wait_for_text("Timeline", timeout=20), plain(app.output)[-2000:]
    app.settle(0.3)
    app.send("\r", pause=0.2)
    app.type(text, per_key=0.005)


@pytest.mark.slow
@pytest.mark.parametrize("how", ["SIGTERM", "SIGHUP", "hang-up"])
def test_draft_is_flushed_when_the_terminal_goes_away(sample_db: Path, how: str) -> None:
    """Typed and at once cut off (before any autosave pause): the draft is still saved."""
    text = "the border post needs women officers"
    with open_app(sample_db, "notes", FULL) as app:
        type_note(app, text)
        # Cut off as soon as the words are on screen, well inside the autosave delay:
        # only the flush from the app's state can save them.
        assert app.wait_for_text("women officers", timeout=5)
        app.pump(0.15)  # drawn is not yet handled: let the last keys reach the app's state
        mark = len(app.output)
        sent = time.monotonic()
        if how == "hang-up":
            app.hang_up()
        else:
            app.signal(signal.Signals[how])
        assert app.wait(EXIT_WITHIN + 1) is not None
        assert time.monotonic() - sent <= EXIT_WITHIN
        if how != "hang-up":
            assert_terminal_restored(bytes(app.output), mark)
    assert drafts(sample_db) == [text]


@pytest.mark.slow
def test_continuous_typing_killed_loses_at_most_a_second(sample_db: Path) -> None:
    """SIGKILL (power cut) in the middle of steady typing: no flush, only the autosave."""
    words = " ".join(f"w{i:03d}" for i in range(200))
    per_key = 0.02
    with open_app(sample_db, "notes", FULL) as app:
        type_note(app, "")
        started = time.monotonic()
        typed = 0
        while time.monotonic() - started < 3.0:
            app.send(words[typed])
            typed += 1
            app.pump(per_key)
        app.signal(signal.SIGKILL)
        app.wait(5)
    stored = drafts(sample_db)
    assert stored, "nothing of three seconds of typing was saved"
    assert words.startswith(stored[0])
    lost_keys = typed - len(stored[0])
    assert lost_keys * per_key <= 1.0 + 0.3, f"{lost_keys} keystrokes lost"


@pytest.mark.slow
def test_clean_exit_leaves_a_complete_database_file(
    tmp_path: Path, sample_db: Path, events: dict[str, dict[str, Any]]
) -> None:
    practice = events["practice"]
    name = raw_rows(
        sample_db,
        "SELECT p.name FROM registrations r JOIN people p ON p.id = r.person_id "
        "WHERE r.event_id = ? ORDER BY p.name_key LIMIT 1",
        [practice["id"]],
    )[0][0]
    with open_app(sample_db, "checkin", practice["slug"]) as app:
        assert app.wait_for_text("registered", timeout=20)
        mark = len(app.output)
        app.type(name.lower() + "\r", per_key=0.003)
        assert app.wait_for_text(r"checked in\.", timeout=5, start=mark)
        app.send("\x11")  # ctrl+q
        assert app.wait(5) == 0
    wal = Path(f"{sample_db}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    copy = tmp_path / "usb" / "copy.db"
    copy.parent.mkdir()
    shutil.copyfile(sample_db, copy)  # the .db alone, without -wal or -shm
    assert integrity(copy) == "ok"
    rows = raw_rows(
        copy,
        "SELECT count(*) FROM checkins c JOIN people p ON p.id = c.person_id "
        "WHERE c.event_id = ? AND p.name = ? AND c.undone_at IS NULL",
        [practice["id"], name],
    )
    assert rows == [(1,)]


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[list[str]]:
    """A private tmux server (its own socket), killed afterwards."""
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    base = ["tmux", "-S", str(tmp_path / "tmux.sock")]
    yield base
    subprocess.run([*base, "kill-server"], capture_output=True)


@pytest.mark.slow
def test_tmux_session_killed_mid_note_then_reopened(tmux: list[str], sample_db: Path) -> None:
    """As a new user would: tmux session closed mid-note, reopened, the draft offered back."""
    env = child_env()
    command = shlex.join(
        [
            "env",
            *(f"{k}={v}" for k, v in env.items() if k in ENV_KEYS),
            *CONVENER,
            *("--db", str(sample_db), "notes", FULL),
        ]
    )
    subprocess.run(
        [
            *tmux,
            "new-session",
            "-d",
            "-s",
            "door",
            "-x",
            "120",
            "-y",
            "36",
            "-c",
            str(REPO_ROOT),
            command,
        ],
        check=True,
    )
    pane_pid = int(
        subprocess.run(
            [*tmux, "list-panes", "-t", "door", "-F", "#{pane_pid}"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()[0]
    )
    wait_pane(tmux, "Timeline")
    subprocess.run([*tmux, "send-keys", "-t", "door", "Enter"], check=True)
    time.sleep(0.3)
    subprocess.run([*tmux, "send-keys", "-t", "door", "-l", "half a thought about"], check=True)
    wait_pane(tmux, "thought about")  # the box may scroll its start away
    subprocess.run([*tmux, "kill-session", "-t", "door"], check=True)
    sent = time.monotonic()
    while process_alive(pane_pid) and time.monotonic() < sent + 10:
        time.sleep(0.05)
    took = time.monotonic() - sent
    assert took <= EXIT_WITHIN, f"convener ran on for {took:.1f}s after its tmux session closed"
    assert drafts(sample_db) == ["half a thought about"]
    with open_app(sample_db, "notes", FULL) as app:
        assert app.wait_for_text("half a thought about", timeout=20)
        app.send("\x11")
        app.wait(5)


ENV_KEYS = {
    "HOME",
    "XDG_DATA_HOME",
    "XDG_CONFIG_HOME",
    "XDG_CACHE_HOME",
    "XDG_STATE_HOME",
    "CONVENER_DB",
    "TERM",
    "PATH",
    "PYTHONUNBUFFERED",
    "TZ",
}


def wait_pane(tmux: list[str], text: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    shown = ""
    while time.monotonic() < deadline:
        shown = subprocess.run(
            [*tmux, "capture-pane", "-p", "-t", "door"], capture_output=True, text=True
        ).stdout
        if text in shown:
            return
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never appeared in the tmux pane:\n{shown}")


def process_alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


assert sys.platform.startswith("linux"), "these tests drive Linux ptys and /proc"
