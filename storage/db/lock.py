"""One writing instance per database: a lock file next to it names the process holding it.

The lock is the operating system's own, held on the open file (flock on Linux and macOS,
LockFileEx through msvcrt on Windows), so the OS releases it when the process ends, even
after kill -9 or a power cut: a stale lock file never keeps anyone out. The platform's
module is loaded (through `convener.storage.lazy`) when the lock is taken, so this module
imports everywhere.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from convener.storage import lazy
from convener.storage.paths import ensure_private_dir

# The holder writes its pid, space-padded, over the first PID_WIDTH bytes. Windows locks
# are mandatory (a locked byte cannot even be read), so there the lock covers one byte
# past the pid, and a second instance can still read who holds it.
PID_WIDTH = 20
LOCKED_BYTE = 64


class InstanceLock:
    """An exclusive lock on `<db>.lock`; the OS releases it even after kill -9."""

    def __init__(self, db_path: Path) -> None:
        self.path = db_path.with_name(db_path.name + ".lock")
        self._fd: int | None = None

    def acquire(self) -> int | None:
        """Take the lock; return None on success, or the pid of the process holding it
        (-1 when the holder has not written its pid yet)."""
        if self._fd is not None:
            return None
        ensure_private_dir(self.path.parent)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if not _try_lock(fd):
                os.lseek(fd, 0, os.SEEK_SET)
                holder = os.read(fd, PID_WIDTH).decode("ascii", "replace").strip()
                os.close(fd)
                return int(holder) if holder.isdigit() else -1
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, f"{os.getpid():<{PID_WIDTH}}".encode("ascii"))
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return None

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                _unlock(fd)
            finally:
                os.close(fd)


def _try_lock(fd: int) -> bool:
    """Lock `fd` without waiting; False when another open file holds the lock."""
    if sys.platform == "win32":
        msvcrt = lazy.windows_locks()
        os.lseek(fd, LOCKED_BYTE, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    fcntl = lazy.posix_locks()
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(fd: int) -> None:
    """Release before closing: Windows frees a closed file's locks only eventually."""
    if sys.platform == "win32":
        msvcrt = lazy.windows_locks()
        os.lseek(fd, LOCKED_BYTE, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        fcntl = lazy.posix_locks()
        fcntl.flock(fd, fcntl.LOCK_UN)
