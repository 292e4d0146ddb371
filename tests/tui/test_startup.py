"""Start-up loads nothing the home screen does not need: the heavy modules listed in
`convener.storage.lazy.HEAVY` load after it is drawn, on the database thread, or when used.

The app runs in a fresh interpreter (a clean `sys.modules`); an import hook records, for the
first import of each heavy module, which thread imported it and whether the home screen was
already showing its events.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from convener.storage.db.connection import connect
from convener.storage.imports.sample import load_sample
from convener.storage.lazy import HEAVY

SCRIPT = r"""
import asyncio, json, sys, threading
from pathlib import Path

HEAVY = tuple(sys.argv[2].split(","))
first = {}
app = None
home_was_shown = False


def home_shown():
    try:
        return home_was_shown or app.screen.query_one("#events").row_count > 0
    except Exception:
        return False


class Spy:
    def find_spec(self, name, path=None, target=None):
        root = name.split(".")[0]
        if root in HEAVY and root not in first:
            first[root] = {"thread": threading.current_thread().name, "home": home_shown()}
        return None


sys.meta_path.insert(0, Spy())
from convener.tui.app import create_app
from convener.tui.screens.checkin import CheckinScreen
from convener.tui.screens.home import HomeScreen

app = create_app(Path(sys.argv[1]))


async def main():
    global home_was_shown
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(1000):
            await pilot.pause(0.01)
            if isinstance(app.screen, HomeScreen) and home_shown():
                home_was_shown = True
                break
        await pilot.press("enter")  # the highlighted event, at the door
        for _ in range(1000):
            await pilot.pause(0.01)
            if isinstance(app.screen, CheckinScreen) and app.screen.index.entries:
                break
        door = isinstance(app.screen, CheckinScreen)
    print(json.dumps({"first": first, "door": door}))


asyncio.run(main())
"""


def test_heavy_modules_load_only_after_the_home_screen_is_drawn(tmp_path: Path) -> None:
    db_path = tmp_path / "convener.db"
    with connect(db_path) as db:
        load_sample(db)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(db_path), ",".join(HEAVY)],
        capture_output=True,
        text=True,
        timeout=90,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["door"], "the check-in screen never showed its attendees"
    first = result["first"]
    early = {name: seen for name, seen in first.items() if not seen["home"]}
    assert not early, f"loaded before the home screen showed its events: {early}"
    # sqlite-utils: after the home screen was drawn, on the database thread.
    assert first.get("sqlite_utils", {}).get("thread") == "convener-db", first
    # The door reads the taxonomy (YAML); Word, Excel and their XML are not needed at all.
    assert set(first) == {"sqlite_utils", "yaml"}, first
