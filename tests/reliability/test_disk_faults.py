"""A full disk while saving, and a database or folder that cannot be written.

Disk full: a clear message, the text kept, earlier data intact, and the same save works
once space is freed. It is simulated twice: on a real 2 MB tmpfs (when this machine lets
the tests mount one) and with `PRAGMA max_page_count`, which fails the same way.

Read-only: detected at start, so the app opens read-only with a reason and never meets a
write error mid-session. CI runs as root, which ignores file modes, so the checks run in
a forked child that drops to `nobody` first.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from convener.storage.db.connection import checkpoint, connect, read_only_reason
from convener.storage.db.lock import InstanceLock
from convener.storage.db.writer import Writer, WriterStatus
from convener.storage.errors import DatabaseError, ReadOnlyError
from convener.storage.events import list_events
from convener.storage.imports.sample import load_sample
from convener.storage.notes import add_note
from convener.tui.app import create_app, open_mode
from tests.reliability.conftest import FROZEN, SIZE
from tests.reliability.harness import integrity, raw_rows

BIG_NOTE = "The district needs a shelter for women and children. " * 1500  # ~80 KB
NOBODY = 65534


@contextlib.contextmanager
def tiny_tmpfs(where: Path, size: str = "2m") -> Iterator[Path]:
    where.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(where)],
        capture_output=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


class Filler:
    """Takes the rest of the disk (tmpfs) or caps the database's size (max_page_count)."""

    def __init__(self, how: str, writer: Writer, folder: Path) -> None:
        self.how, self.writer, self.path = how, writer, folder / "filler.bin"

    def fill(self) -> None:
        # An empty WAL first, so the next write must grow a file.
        self.writer.submit(checkpoint, write=False).result(5)
        if self.how == "max_page_count":
            self.writer.submit(
                lambda db: db.execute(
                    "PRAGMA max_page_count = " + str(db.execute("PRAGMA page_count").fetchone()[0])
                ),
                write=False,
            ).result(5)
            return
        # Unbuffered: a write that only partly fits leaves nothing behind for close() to
        # flush (which raised ENOSPC outside the suppress whenever the free space was not a
        # multiple of 64 KB, so the test depended on the database's size).
        with self.path.open("wb", buffering=0) as out, contextlib.suppress(OSError):
            while True:
                out.write(b"\0" * 65536)

    def free(self) -> None:
        if self.how == "max_page_count":
            self.writer.submit(
                lambda db: db.execute("PRAGMA max_page_count = 1073741823"), write=False
            ).result(5)
        else:
            self.path.unlink()


@pytest.fixture(params=["max_page_count", "tmpfs"])
def full_disk_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    if request.param == "tmpfs":
        with tiny_tmpfs(tmp_path / "stick") as folder:
            yield request.param, folder / "convener.db"
    else:
        yield request.param, tmp_path / "convener.db"


def test_disk_full_while_saving_a_note(full_disk_db: tuple[str, Path]) -> None:
    how, path = full_disk_db
    with connect(path) as db:
        load_sample(db)
        event_id = list_events(db)[0]["id"]
    statuses: list[WriterStatus] = []
    writer = Writer(path, on_status=statuses.append)
    writer.start().result(5)
    writer.submit(lambda db: add_note(db, event_id, {"text": "written before"})).result(5)
    filler = Filler(how, writer, path.parent)
    filler.fill()

    future = writer.submit(lambda db: add_note(db, event_id, {"text": BIG_NOTE}))
    with pytest.raises(DatabaseError) as caught:
        future.result(10)
    assert "disk is full" in str(caught.value)
    assert "free some space" in str(caught.value)
    assert statuses[-1].kind == "failed" and "disk is full" in statuses[-1].message
    # Earlier data intact, nothing half-written.
    ok = writer.submit(lambda db: db.execute("PRAGMA integrity_check").fetchone()[0], write=False)
    assert ok.result(5) == "ok"
    texts = writer.submit(
        lambda db: [
            r[0] for r in db.execute("SELECT text FROM notes WHERE event_id = ?", [event_id])
        ],
        write=False,
    ).result(5)
    assert "written before" in texts and BIG_NOTE.strip() not in texts

    filler.free()
    saved = writer.submit(lambda db: add_note(db, event_id, {"text": BIG_NOTE})).result(10)
    assert saved["text"] == BIG_NOTE.strip()
    assert statuses[-1].kind == "saved"
    writer.close()
    assert integrity(path) == "ok"
    assert raw_rows(path, "SELECT count(*) FROM notes WHERE text = ?", [BIG_NOTE.strip()]) == [(1,)]


async def test_disk_full_keeps_the_note_in_the_editor(sample_db: Path, quetta_tz: None) -> None:
    from convener.tui.screens.notes import NotesScreen

    app = create_app(sample_db, start="notes", event_ref="quetta-dialogue", clock=lambda: FROZEN)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, NotesScreen)
        filler = Filler("max_page_count", app.writer, sample_db.parent)
        filler.fill()
        note = screen.query_one("#note")
        note.focus()  # type: ignore[attr-defined]
        note.value = BIG_NOTE.strip()  # type: ignore[attr-defined]  # a long paste
        await pilot.pause()
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: any("NOT saved" in str(n.message) for n in app._notifications)
        )
        message = next(str(n.message) for n in app._notifications if "NOT saved" in str(n.message))
        assert "disk is full" in message
        assert note.value == BIG_NOTE.strip()  # type: ignore[attr-defined]
        filler.free()
        await pilot.press("enter")
        await wait_until(pilot, lambda: note.value == "")  # type: ignore[attr-defined]
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
    assert raw_rows(sample_db, "SELECT count(*) FROM notes WHERE text = ?", [BIG_NOTE.strip()]) == [
        (1,)
    ]


async def wait_until(pilot: Any, done: Callable[[], bool], tries: int = 100) -> None:
    for _ in range(tries):
        if done():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition never became true")


# --- write-protected databases ------------------------------------------------------------


def as_nobody(job: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run `job` in a forked child without root's power to ignore file modes."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        try:
            if os.geteuid() == 0:
                os.setgid(NOBODY)
                os.setuid(NOBODY)
            result = job()
        except BaseException:
            result = {"error": traceback.format_exc()}
        with os.fdopen(write, "w") as out:
            json.dump(result, out, default=str)
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as answer:
        data = answer.read()
    os.waitpid(pid, 0)
    result: dict[str, Any] = json.loads(data)
    assert "error" not in result, result.get("error")
    return result


@pytest.fixture
def protected_db(request: pytest.FixtureRequest) -> Iterator[Path]:
    """A database nobody but root may write: its file, or its whole folder.

    Made outside pytest's temp folder, whose 0700 parents `nobody` cannot enter.
    """
    top = Path(tempfile.mkdtemp(prefix="convener-ro-"))
    folder = top / "stick"
    path = folder / "convener.db"
    with connect(path) as db:
        load_sample(db)
    os.chmod(top, 0o755)
    os.chmod(folder, 0o755)
    os.chmod(path, 0o444)
    # "file": only the file is protected (the folder is open to all); "folder": both are.
    os.chmod(folder, 0o555 if request.param == "folder" else 0o777)
    try:
        yield path
    finally:
        os.chmod(folder, 0o755)
        shutil.rmtree(top)


def warm_up(tmp_path: Path) -> None:
    """Import every lazily imported module while still allowed to read them all."""
    import asyncio

    async def session() -> None:
        app = create_app(tmp_path / "warm" / "c.db", demo=True, clock=lambda: FROZEN)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()

    asyncio.run(session())


@pytest.mark.parametrize("protected_db", ["file", "folder"], indirect=True)
def test_write_protected_database_is_read_only_from_the_start(
    protected_db: Path, tmp_path: Path
) -> None:
    warm_up(tmp_path)
    before = protected_db.read_bytes()
    listing = sorted(os.listdir(protected_db.parent))

    def job() -> dict[str, Any]:
        import asyncio

        out: dict[str, Any] = {"reason": read_only_reason(protected_db)}
        out["mode"] = open_mode(protected_db, InstanceLock(protected_db), read_only=False)
        try:
            connect(protected_db)
            out["write_open"] = "opened"
        except DatabaseError as exc:
            out["write_open"] = str(exc)
        writer = Writer(protected_db, read_only=True)
        writer.start().result(5)
        out["events"] = len(writer.submit(list_events, write=False).result(5))
        try:
            writer.submit(lambda db: add_note(db, "x", {"text": "t"})).result(5)
        except ReadOnlyError as exc:
            out["write"] = str(exc)
        writer.close()

        async def session() -> None:
            read_only, reason = out["mode"]
            app = create_app(
                protected_db,
                demo=False,
                read_only=read_only,
                read_only_reason=reason,
                clock=lambda: FROZEN,
            )
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                await app.workers.wait_for_complete()
                await pilot.pause()
                out["notified"] = [str(n.message) for n in app._notifications]
                out["failed_writes"] = len(app.failed_writes)
                out["app_events"] = len(getattr(app.screen, "events", []))

        asyncio.run(session())
        return out

    result = as_nobody(job)
    assert "write-protected" in result["reason"]
    assert result["mode"][0] is True and "read-only" in result["mode"][1]
    assert "permission denied" in result["write_open"] or "write-protected" in result["write_open"]
    assert result["events"] == 2
    assert "read-only" in result["write"]
    assert any("write-protected" in m for m in result["notified"])
    assert result["failed_writes"] == 0
    assert result["app_events"] == 2
    assert protected_db.read_bytes() == before
    if protected_db.parent.stat().st_mode & 0o200 == 0:
        assert sorted(os.listdir(protected_db.parent)) == listing  # not even a lock file
