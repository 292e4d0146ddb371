"""One writing instance per database: a lock file next to it names the process holding it."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

from convener.storage.paths import ensure_private_dir


class InstanceLock:
    """An exclusive advisory lock on `<db>.lock`; the OS releases it even after kill -9."""

    def __init__(self, db_path: Path) -> None:
        self.path = db_path.with_name(db_path.name + ".lock")
        self._handle: IO[str] | None = None

    def acquire(self) -> int | None:
        """Take the lock; return None on success, or the pid of the process holding it."""
        ensure_private_dir(self.path.parent)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        handle = os.fdopen(fd, "r+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = handle.read().strip()
            handle.close()
            return int(holder) if holder.isdigit() else -1
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle
        return None

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
