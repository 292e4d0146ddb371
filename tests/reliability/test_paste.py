"""Pastes are bounded: measured in a real terminal, on the note box of the notes screen.

A bracketed paste larger than a note is cut at once, with a message. An unbracketed 1 MB
paste (a terminal or tool without bracketed paste sends it as typed keys) keeps the app
under +200 MB and answering within 30 s, the note holding the paste's first 100,000
characters. The app's memory is read from /proc; the note from the database file.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from convener.storage.notes import MAX_NOTE
from tests.reliability.harness import PtyApp, child_env, plain, raw_rows

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")

# Rapporteur-style text with phone numbers and Urdu, one line break per sentence.
SENTENCE = (
    "Ms. Gul Bano (0300-1234567) said the Pishin shelter has had no budget since March; "
    "محترمہ نے کہا کہ متاثرین کو قانونی مدد نہیں ملتی۔\r"
)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used (/proc/PID/stat, clock ticks)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def until_idle(app: PtyApp, started: float, budget: float = 30.0) -> None:
    """Pump until the app has used no CPU for half a second: every pasted key is consumed.
    (The draft of a full box is saved while the rest of an unbracketed paste still queues;
    an Enter typed before the paste is consumed is, by design, part of the paste.)"""
    last, quiet_since = cpu_seconds(app.pid), time.monotonic()
    while time.monotonic() - quiet_since < 0.5:
        assert time.monotonic() - started < budget, f"still busy {budget:.0f} s after the paste"
        app.pump(0.1)
        now = cpu_seconds(app.pid)
        if now - last > 0.02:
            last, quiet_since = now, time.monotonic()


def open_note_box(app: PtyApp) -> None:
    """Decline starting the session, then Enter in the speaker box moves to the note box.

    Both after a pause: keys typed within half a second of a dialog closing run nothing."""
    assert app.wait_for_text("Start the session now", timeout=30)
    app.settle(quiet=0.3)
    app.send("n")
    app.pump(1.0)
    app.send("\r")
    app.pump(1.0)


def send_all(app: PtyApp, data: bytes, *, watch: int) -> float:
    """Write `data` to the terminal while reading what the app draws; peak RSS in MB."""
    assert app.fd is not None
    peak, sent = rss_mb(watch), 0
    os.set_blocking(app.fd, False)
    try:
        while sent < len(data):
            readable, writable, _ = select.select([app.fd], [app.fd], [], 0.5)
            if readable:
                app.pump(0)
            if writable:
                with contextlib.suppress(BlockingIOError):
                    sent += os.write(app.fd, data[sent : sent + 4096])
            peak = max(peak, rss_mb(watch))
    finally:
        os.set_blocking(app.fd, True)
    return peak


def notes_of(db: Path, event_id: str) -> list[str]:
    rows = raw_rows(db, "SELECT text FROM notes WHERE event_id = ? ORDER BY hlc", [event_id])
    return [str(r[0]) for r in rows]


def draft_of(db: Path, event_id: str) -> str:
    rows = raw_rows(db, "SELECT text FROM drafts WHERE event_id = ?", [event_id])
    return str(rows[0][0]) if rows else ""


@pytest.mark.slow
def test_a_bracketed_paste_is_cut_at_once_with_a_message(
    sample_db: Path, events: dict[str, dict[str, Any]]
) -> None:
    practice = events["practice"]
    payload = (SENTENCE * 1 + "x" * 1000).replace("\r", " ")
    text = (payload * (150_000 // len(payload) + 1))[:150_000]
    with PtyApp(["--db", str(sample_db), "notes", practice["slug"]], env=child_env()) as app:
        open_note_box(app)
        mark = len(app.output)
        started = time.monotonic()
        app.send(b"\x1b[200~" + text.encode() + b"\x1b[201~")
        assert app.wait_for_text("Pasted text cut to fit", timeout=10, start=mark)
        assert time.monotonic() - started < 5
        assert re.search(r"at\s+most\s+100,000", plain(app.output[mark:]))
        app.send("\r")
        deadline = time.monotonic() + 10
        while not notes_of(sample_db, practice["id"]) and time.monotonic() < deadline:
            app.pump(0.2)
        app.send("\x11")
        assert app.wait(10) == 0
    assert notes_of(sample_db, practice["id"]) == [text[:MAX_NOTE]]


@pytest.mark.slow
def test_an_unbracketed_megabyte_paste_is_bounded(
    sample_db: Path, events: dict[str, dict[str, Any]]
) -> None:
    practice = events["practice"]
    raw = (SENTENCE * (1_048_576 // len(SENTENCE.encode()) + 1)).encode()[:1_048_576]
    raw = raw.decode("utf-8", "ignore").encode()  # whole characters only
    with PtyApp(["--db", str(sample_db), "notes", practice["slug"]], env=child_env()) as app:
        open_note_box(app)
        before = rss_mb(app.pid)
        started = time.monotonic()
        peak = send_all(app, raw, watch=app.pid)
        # Answering again: the draft of the full box reaches the database file.
        expected = raw.decode().replace("\r", " ")[:MAX_NOTE]
        while draft_of(sample_db, practice["id"]) != expected:
            assert time.monotonic() - started < 30, "not answering 30 s after the paste"
            app.pump(0.2)
            peak = max(peak, rss_mb(app.pid))
        until_idle(app, started)
        answered = time.monotonic() - started
        app.send("\r")
        deadline = time.monotonic() + 15
        while not notes_of(sample_db, practice["id"]) and time.monotonic() < deadline:
            app.pump(0.2)
        print(
            f"1 MB unbracketed: +{peak - before:.0f} MB peak, answering after {answered:.1f} s",
            file=sys.stderr,
        )
        assert peak - before < 200
        app.send("\x11")
        assert app.wait(10) == 0
    assert notes_of(sample_db, practice["id"]) == [expected]
    assert "Traceback" not in plain(app.output)
