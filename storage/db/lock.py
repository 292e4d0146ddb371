"""The instance guard: `<db>.lock`, held shared by every open window, exclusively by the
few jobs that must be alone with the database (restore, schema upgrade, erasure).

Windows and `convener import` write side by side (SQLite's own locks keep each commit
whole), so they only take the guard shared. A job that replaces or rewrites the file takes
it exclusively, and is refused while anyone else holds it. The OS releases the lock even
after `kill -9`. Within one process every InstanceLock on a file shares one handle, so the
app can upgrade its own shared hold to run an erasure or a migration.
"""

from __future__ import annotations

import fcntl
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from convener.storage.paths import ensure_private_dir


@dataclass
class _Held:
    handle: IO[str]
    shared: int = 0
    exclusive: int = 0


_HELD: dict[Path, _Held] = {}
_MUTEX = threading.Lock()


def _holder(handle: IO[str]) -> int:
    handle.seek(0)
    text = handle.read().strip()
    pid = int(text) if text.isdigit() else -1
    return -1 if pid == os.getpid() else pid  # our own stamp: someone else is unnamed


def in_use_by(holder: int) -> str:
    """`another Convener (process 4242)`, for messages about who holds the guard."""
    return "another Convener" + (f" (process {holder})" if holder > 0 else "")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # alive, another user's
        return True
    return True


def _stamp(handle: IO[str], *, always: bool) -> None:
    """Name this process in the file; a shared hold keeps the name of a live earlier one."""
    handle.seek(0)
    text = handle.read().strip()
    if not always and text.isdigit() and int(text) != os.getpid() and _alive(int(text)):
        return
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()


class InstanceLock:
    """A hold on `<db>.lock`: shared (a window, an import) or exclusive (restore, erase)."""

    def __init__(self, db_path: Path) -> None:
        # The real file's name: a window opened through a link guards the same database.
        real = db_path.resolve()
        self.path = real.with_name(real.name + ".lock")
        self._key = self.path
        self._mode: str | None = None

    def acquire(self, *, exclusive: bool = False) -> int | None:
        """Take the guard; None on success, else the pid of a process in the way (-1: unknown).

        Never waits: a window that cannot have the database is told so at once.
        """
        if self._mode is not None:
            raise RuntimeError("this InstanceLock is already held")
        with _MUTEX:
            held = _HELD.get(self._key)
            if held is None:
                ensure_private_dir(self.path.parent)
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
                handle = os.fdopen(fd, "r+")
                try:
                    fcntl.flock(
                        handle, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB
                    )
                except BlockingIOError:
                    holder = _holder(handle)
                    handle.close()
                    return holder
                _stamp(handle, always=exclusive)
                held = _HELD[self._key] = _Held(handle)
            elif exclusive and not held.exclusive:
                try:
                    fcntl.flock(held.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    # A refused upgrade may have dropped the shared hold: take it back.
                    fcntl.flock(held.handle, fcntl.LOCK_SH)
                    return _holder(held.handle)
                _stamp(held.handle, always=True)
            if exclusive:
                held.exclusive += 1
            else:
                held.shared += 1
            self._mode = "exclusive" if exclusive else "shared"
        return None

    def release(self) -> None:
        """Give the hold back; an exclusive one falls back to shared if this process has one."""
        if self._mode is None:
            return
        with _MUTEX:
            held = _HELD[self._key]
            if self._mode == "exclusive":
                held.exclusive -= 1
            else:
                held.shared -= 1
            self._mode = None
            if held.shared + held.exclusive == 0:
                if _holder(held.handle) == -1:  # our own name: no longer true
                    held.handle.seek(0)
                    held.handle.truncate()
                held.handle.close()
                del _HELD[self._key]
            elif not held.exclusive:
                fcntl.flock(held.handle, fcntl.LOCK_SH)

    def __enter__(self) -> InstanceLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
