"""A write that waits for a lock never freezes the screen: read from a real terminal.

Another program holds the database (`BEGIN EXCLUSIVE`) for several seconds while the
coordinator checks someone in. What the terminal receives meanwhile is measured byte by
byte: output keeps flowing (no gap over half a second), typed letters echo, "waiting for the
database…" shows within a second, the person is shown as saving, never as checked in, until
the lock is released, and the check-in lands afterwards.
"""

from __future__ import annotations

import itertools
import os
import select
import time
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.harness import PtyApp, child_env, plain, raw_rows
from tests.reliability.test_concurrency import HOLD_WRITE_LOCK, Holder

HOLD_SECONDS = 4.0
# The spec is 500 ms; a loaded two-core machine stalls a process now and then, so allow a
# little slack. Today's freeze was the whole hold (7.8 s for 7 s), so this still bites.
MAX_GAP = 0.6


def read_timed(app: PtyApp, seconds: float) -> list[tuple[float, bytes]]:
    """Every chunk the terminal receives within `seconds`, with its arrival time."""
    chunks: list[tuple[float, bytes]] = []
    deadline = time.monotonic() + seconds
    while app.fd is not None and (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([app.fd], [], [], left)
        if ready:
            data = os.read(app.fd, 65536)
            if not data:
                break
            app.output += data
            chunks.append((time.monotonic(), data))
    return chunks


def checked_in_names(db: Path, event_id: str) -> list[str]:
    rows = raw_rows(
        db,
        "SELECT p.name FROM checkins c JOIN people p ON p.id = c.person_id "
        "WHERE c.event_id = ? AND c.undone_at IS NULL",
        [event_id],
    )
    return [str(r[0]) for r in rows]


@pytest.mark.slow
def test_screen_keeps_drawing_while_a_check_in_waits_for_a_lock(
    sample_db: Path, events: dict[str, dict[str, Any]]
) -> None:
    practice = events["practice"]
    with PtyApp(["--db", str(sample_db), "checkin", practice["slug"]], env=child_env()) as app:
        assert app.wait_for_text("registered", timeout=30)
        app.settle(quiet=0.5)
        holder = Holder(HOLD_WRITE_LOCK, sample_db, "LOCKED")
        try:
            app.type("ayes", per_key=0.05)
            assert app.wait_for_text("1 of", timeout=5)
            app.settle(quiet=0.3)
            mark = len(app.output)
            app.send("\r")
            sent = time.monotonic()
            chunks = read_timed(app, 1.5)
            during = plain(app.output[mark:])
            waiting_at = next(
                (t for t, _ in accumulate(chunks) if b"waiting for the database" in _),
                None,
            )
            assert waiting_at is not None, f"no 'waiting for the database': {during[-400:]!r}"
            assert waiting_at - sent < 1.0
            # Letters typed while the write waits are echoed at once.
            echo_mark = len(app.output)
            typed = time.monotonic()
            app.send("zq")
            echo = read_until(app, b"zq", echo_mark, timeout=2.0)
            assert echo is not None, "typed letters were not echoed while the write waited"
            assert echo - typed < 0.5
            chunks += read_timed(app, HOLD_SECONDS - (time.monotonic() - sent))
            held = plain(app.output[mark:])
            times = [sent, *(t for t, _ in chunks)]
            gaps = [b - a for a, b in itertools.pairwise(times)]
            print(f"max gap {max(gaps):.3f} s, waiting after {waiting_at - sent:.3f} s")
            assert max(gaps) < MAX_GAP, f"the terminal got nothing for {max(gaps):.2f} s"
            assert "saving" in held
            assert "checked in at" not in held and "✓" not in held, held[-600:]
            assert checked_in_names(sample_db, practice["id"]) == []
        finally:
            holder.release()
        released = len(app.output)
        assert app.wait_for_text("✓", timeout=10, start=released)
        app.send("\x11")
        assert app.wait(10) == 0
    names = checked_in_names(sample_db, practice["id"])
    assert len(names) == 1 and names[0].lower().startswith("ayes")
    assert "Traceback" not in plain(app.output)


def accumulate(chunks: list[tuple[float, bytes]]) -> list[tuple[float, bytes]]:
    """(time, everything received up to then): to find when a phrase was complete."""
    seen = b""
    out = []
    for at, data in chunks:
        seen += data
        out.append((at, plain(seen).encode()))
    return out


def read_until(app: PtyApp, needle: bytes, start: int, timeout: float) -> float | None:
    """When `needle` first shows in the drawn text after `start`, or None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        read_timed(app, 0.02)
        if needle.decode() in plain(app.output[start:]):
            return time.monotonic()
    return None
