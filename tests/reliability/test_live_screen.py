"""The check-in screen as a terminal sees it: quiet when idle, live when others write.

Idle, only the top bar's clock changes, so only its cells may be sent (over SSH and on
battery every redrawn row costs). A `convener import` run beside the open app writes people
the app must show within a second, without a restart.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from convener.storage.attendees import add_attendee
from convener.storage.db.connection import connect
from tests.reliability.harness import CONVENER, REPO_ROOT, PtyApp, child_env, plain
from tests.reliability.test_no_freeze import read_timed

# Urdu, Pashto and Latin names as partners' lists carry them, repeated to a full door list.
NAMES = [
    "Gul Bano",
    "گل بانو",
    "Zarghuna Kakar",
    "محمد عارف",
    "Abdul Wali Achakzai",
    "Naseebullah Bazai",
    "Rukhsana Baloch",
    "شازیہ ترین",
]
IDLE_SECONDS = 3.0
# One clock tick redraws eight cells: with the escapes that place them, well under 200
# bytes. Today's idle screen rewrote every row every second (~20 KB/s).
IDLE_BUDGET = 1000


@pytest.fixture
def crowded_db(sample_db: Path, events: dict[str, dict[str, Any]]) -> Path:
    """The practice event with 200 more people expected."""
    with connect(sample_db) as db:
        for n in range(200):
            add_attendee(
                db,
                events["practice"]["id"],
                {
                    "name": f"{NAMES[n % len(NAMES)]} {n}",
                    "organisation": "Balochistan Rural Support Programme",
                    "designation": "Social Organiser",
                    "phone": f"0300{n:07d}",
                },
            )
    return sample_db


@pytest.mark.slow
def test_idle_check_in_screen_sends_only_the_clock(
    crowded_db: Path, events: dict[str, dict[str, Any]]
) -> None:
    slug = events["practice"]["slug"]
    with PtyApp(["--db", str(crowded_db), "checkin", slug], env=child_env()) as app:
        assert app.wait_for_text("registered", timeout=30)
        app.settle(quiet=1.2, timeout=15)  # past the first clock ticks and the first layout
        chunks = read_timed(app, IDLE_SECONDS)
        sent = sum(len(data) for _, data in chunks)
        assert chunks, "the clock stopped"  # the clock must still tick
        assert sent < IDLE_BUDGET, f"{sent} bytes in {IDLE_SECONDS} idle seconds"
        drawn = plain(b"".join(data for _, data in chunks))
        assert "Zarghuna" not in drawn and "Social Organiser" not in drawn
        app.send("\x11")
        assert app.wait(10) == 0


@pytest.mark.slow
def test_import_beside_the_open_app_shows_the_new_person_within_a_second(
    sample_db: Path, events: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    slug = events["practice"]["slug"]
    sheet = tmp_path / "late-registrations.csv"
    sheet.write_text(
        "Name,Designation,Organisation,Gender,Phone\n"
        "Palwasha Mandokhel,Programme Officer,Aurat Foundation,Female,03331234567\n",
        encoding="utf-8",
    )
    with PtyApp(["--db", str(sample_db), "checkin", slug], env=child_env()) as app:
        assert app.wait_for_text("registered", timeout=30)
        app.settle(quiet=0.5)
        app.type("palw", per_key=0.05)
        assert app.wait_for_text("0 of", timeout=5)
        mark = len(app.output)
        done = subprocess.run(
            [*CONVENER, "--db", str(sample_db), "import", str(sheet), "--event", slug],
            cwd=REPO_ROOT,
            env=child_env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        landed = time.monotonic()
        assert done.returncode == 0, done.stderr
        assert app.wait_for_text("Palwasha Mandokhel", timeout=5, start=mark)
        assert time.monotonic() - landed < 1.0 + 0.3  # 0.3 s: reading the pty, a loaded box
        assert app.wait_for_text("1 of", timeout=1, start=mark)
        app.send("\x11")
        assert app.wait(10) == 0
