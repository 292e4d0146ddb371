"""What the app says about the database file's mode: once, and without changing it."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

from convener.storage.db.lock import InstanceLock
from convener.tui.app import ConvenerApp, open_mode
from tests.tui.conftest import SIZE
from tests.tui.test_setup import settle


async def test_a_database_others_can_read_is_used_with_one_warning(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    os.chmod(sample_db, 0o644)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1", "escape")  # moving around does not repeat it
        await settle(pilot)
        shown = [str(n.message) for n in app._notifications]
    assert sum("can be read by other users" in m for m in shown) == 1
    assert stat.S_IMODE(sample_db.stat().st_mode) == 0o644


async def test_a_write_protected_database_opens_read_only_and_says_why(
    make_app: Callable[..., ConvenerApp], sample_db: Path
) -> None:
    os.chmod(sample_db, 0o400)  # owner may read, nobody may write: even root obeys it
    lock = InstanceLock(sample_db)
    read_only, reason = open_mode(sample_db, lock, read_only=False)
    lock.release()
    assert read_only and "write-protected (mode 0400)" in reason
    listing = sorted(os.listdir(sample_db.parent))
    app = make_app(read_only=read_only, read_only_reason=reason)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = [str(n.message) for n in app._notifications]
    assert any("write-protected" in m and "read-only" in m for m in shown)
    assert not any("other users" in m for m in shown)
    assert sorted(os.listdir(sample_db.parent)) == listing
    assert stat.S_IMODE(sample_db.stat().st_mode) == 0o400
