"""The single database thread: every read and write goes through one owned connection.

SQLite connections belong to the thread that made them, and one writer avoids lock fights
between screens. Callers get a Future; the UI awaits it with `asyncio.wrap_future`, so the
event loop never waits on the disk. A write that meets a lock held by another process is
retried until `retry_for` seconds have passed, with status reports so the UI can say so.

The thread opens a bare connection; sqlite-utils' Database is made over it for the first job
that needs one (or by `warm_up`, after the first frame), so start-up does not wait for
sqlite-utils to load, and it loads on this thread, not the UI's.
"""

from __future__ import annotations

import contextlib
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from convener.storage import lazy
from convener.storage.db.connection import checkpoint, open_connection
from convener.storage.errors import DatabaseError, ReadOnlyError

if TYPE_CHECKING:
    from sqlite_utils import Database

T = TypeVar("T")
WATCH_EVERY = 0.25  # seconds idle between looks at PRAGMA data_version
# The writer waits only a quarter second inside SQLite (the factory's default is 5 s), then
# retries here for `retry_for` seconds, reporting "waiting": the UI can say within half a
# second that another program holds the lock, instead of after five. Set through the
# connection factory, which verifies it; shown on the help screen (docs/reliability.md).
WRITER_BUSY_MS = 250
StatusKind = Literal["saved", "waiting", "failed", "ready"]


@dataclass(frozen=True)
class WriterStatus:
    """What the save indicator shows: the last outcome and when."""

    kind: StatusKind
    message: str = ""
    at: float = 0.0


def is_locked(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def explain(exc: BaseException) -> str:
    """One sentence a coordinator can act on."""
    text = str(exc).lower()
    if "disk is full" in text or "database or disk is full" in text:
        return "the disk is full: free some space; your text is kept and will save then"
    if "readonly" in text or "read-only" in text:
        return "the database is read-only: nothing can be saved"
    if is_locked(exc):
        return "the database is locked by another program"
    return str(exc)


class Writer:
    """Owns one connection on its own thread and runs submitted jobs in order."""

    def __init__(
        self,
        path: Path,
        *,
        read_only: bool = False,
        retry_for: float = 120.0,
        on_status: Callable[[WriterStatus], None] | None = None,
        on_outside_change: Callable[[], None] | None = None,
    ) -> None:
        self.path = path
        self.read_only = read_only
        self.retry_for = retry_for
        self.on_status = on_status or (lambda status: None)
        self.on_outside_change = on_outside_change
        self._jobs: queue.Queue[tuple[Callable[[Any], Any], Future[Any], bool, bool] | None] = (
            queue.Queue()
        )
        self._db: Database | None = None
        self._warm: Future[None] | None = None
        self._thread = threading.Thread(target=self._run, name="convener-db", daemon=True)
        self._ready: Future[None] = Future()
        self._start_lock = threading.Lock()

    def start(self) -> Future[None]:
        """Open the database on the writer thread; the Future fails if it cannot be opened.

        Calling it again returns the same Future, so the database can start opening early
        (while the UI loads) and be awaited later.
        """
        with self._start_lock:
            if self._thread.ident is None:
                self._thread.start()
        return self._ready

    def submit(self, job: Callable[[Database], T], *, write: bool = True) -> Future[T]:
        """Run `job(db)` on the writer thread; reads pass `write=False`."""
        future: Future[T] = Future()
        if self.read_only and write:
            future.set_exception(ReadOnlyError("the database is open read-only"))
            return future
        self._jobs.put((job, future, write, False))
        return future

    def submit_plain(self, job: Callable[[sqlite3.Connection], T]) -> Future[T]:
        """Run the read `job(conn)` on the bare connection: it needs no sqlite-utils."""
        future: Future[T] = Future()
        self._jobs.put((job, future, False, True))
        return future

    def warm_up(self) -> Future[None]:
        """Load sqlite-utils on this thread now (after the first frame), not on first use."""
        if self._warm is None:
            self._warm = self.submit(lambda db: None, write=False)
        return self._warm

    def close(self, timeout: float = 5.0) -> None:
        """Finish queued jobs, checkpoint the WAL into the main file and close."""
        if self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join(timeout)

    def _run(self) -> None:
        try:
            conn = open_connection(
                self.path, read_only=self.read_only, busy_timeout_ms=WRITER_BUSY_MS
            )
        except BaseException as exc:
            self._ready.set_exception(exc)
            return
        self._ready.set_result(None)
        seen = data_version(conn)
        try:
            while True:
                try:
                    item = self._jobs.get(timeout=WATCH_EVERY)
                except queue.Empty:
                    seen = self._look_for_outside_change(conn, seen)
                    continue
                if item is None:
                    break
                job, future, write, plain = item
                if future.set_running_or_notify_cancel():
                    self._execute(conn, job, future, write, plain)
                seen = self._look_for_outside_change(conn, seen)
        finally:
            if not self.read_only:
                with contextlib.suppress(sqlite3.Error):
                    checkpoint(conn)
            conn.close()

    def _look_for_outside_change(self, conn: sqlite3.Connection, seen: int | None) -> int | None:
        """Tell the UI when another connection (`convener import`, a second window) committed.

        `PRAGMA data_version` changes only for commits made by other connections, and reading
        it touches no table: cheap enough to ask four times a second while idle."""
        if self.on_outside_change is None:
            return seen
        now = data_version(conn)
        if seen is not None and now is not None and now != seen:
            self.on_outside_change()
        return now

    def _execute(
        self,
        conn: sqlite3.Connection,
        job: Callable[[Any], Any],
        future: Future[Any],
        write: bool,
        plain: bool,
    ) -> None:
        deadline = time.monotonic() + self.retry_for
        delay = 0.05
        while True:
            try:
                if plain:
                    result = job(conn)
                else:
                    if self._db is None:
                        self._db = lazy.database(conn)
                    result = job(self._db)
            except sqlite3.Error as exc:
                if is_locked(exc) and time.monotonic() < deadline:
                    self.on_status(WriterStatus("waiting", explain(exc), time.time()))
                    time.sleep(delay)
                    delay = min(delay * 2, 1.0)
                    continue
                if write:
                    self.on_status(WriterStatus("failed", explain(exc), time.time()))
                future.set_exception(DatabaseError(explain(exc)))
                return
            except BaseException as exc:
                future.set_exception(exc)
                return
            if write:
                self.on_status(WriterStatus("saved", "", time.time()))
            future.set_result(result)
            return


def data_version(conn: sqlite3.Connection) -> int | None:
    """SQLite's change counter for commits by other connections (None if it cannot be read)."""
    try:
        return int(conn.execute("PRAGMA data_version").fetchone()[0])
    except sqlite3.Error:
        return None
