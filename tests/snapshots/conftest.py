"""Snapshot tests use the same app factory, frozen clock and sample database as the Pilot tests.

Text cursors do not blink here: a blinking cursor is caught in either phase, and a snapshot
that depends on the moment it was taken fails at random.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from textual.widgets import Input, TextArea

from tests.tui.conftest import db_path, make_app, quetta_time, sample_db  # noqa: F401


@pytest.fixture(autouse=True)
def steady_cursors(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for widget in (Input, TextArea):
        original = widget.__init__

        def init(self: Any, *args: Any, __original: Any = original, **kwargs: Any) -> None:
            __original(self, *args, **kwargs)
            self.cursor_blink = False

        monkeypatch.setattr(widget, "__init__", init)
    yield
