"""The door's live panel laid over the list at 80x24 (ctrl+o): its bars in 44 columns.

The 120x36 panel and the 80x24 room line, with the same 37 people in, are in
test_snap_main.py (test_checkin_searching) and test_snap_sizes.py (test_checkin).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any


def test_checkin_panel_over_the_list_at_80x24(
    snap_compare: Any, make_app: Callable[..., Any], sample_db: Path
) -> None:
    async def open_panel(pilot: Any) -> None:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()

    app = make_app(start="checkin", event_ref="quetta-dialogue")
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_panel)
