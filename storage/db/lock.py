"""The instance guard: `<db>.lock`, held shared by every open window, exclusively by the
few jobs that must be alone with the database (restore, schema upgrade, erasure).

Windows and `convener import` write side by side (SQLite's own locks keep each commit
whole), so they only take the guard shared. A job that replaces or rewrites the file takes
it exclusively, and is refused while anyone else holds it. The lock is the operating
system's own, held on the open file (flock on Linux and macOS; byte locks through msvcrt on
Windows, where each shared holder locks one slot byte and an exclusive holder all of them),
so the OS releases it when the process ends, even after kill -9 or a power cut. Within one
process every InstanceLock on a file shares one handle, so the app can upgrade its own
shared hold to run an erasure or a migration. The platform's module is loaded (through
`convener.storage.lazy`) when the lock is taken, so this module imports everywhere.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from convener.storage import lazy
from convener.storage.paths import ensure_private_dir

# The holder writes its pid, space-padded, over the first PID_WIDTH bytes. Windows locks
# are mandatory (a locked byte cannot even be read), so there the locks cover bytes past
# the pid, and another instance can still read who holds it.
PID_WIDTH = 20
LOCKED_BYTE = 64
SLOTS = 64  # Windows: shared holders at once


@dataclass
class _Held:
    fd: int
    slot: int | None = None  # Windows: the slot byte of this process's shared hold
    shared: int = 0
    exclusive: int = 0


_HELD: dict[Path, _Held] = {}
_MUTEX = threading.Lock()


def _holder(fd: int) -> int:
    os.lseek(fd, 0, os.SEEK_SET)
    text = os.read(fd, PID_WIDTH).decode("ascii", "replace").strip()
    pid = int(text) if text.isdigit() else -1
    return -1 if pid == os.getpid() else pid  # our own stamp: someone else is unnamed


def in_use_by(holder: int) -> str:
    """`another Convener (process 4242)`, for messages about who holds the guard."""
    return "another Convener" + (f" (process {holder})" if holder > 0 else "")


def _alive(pid: int) -> bool:
    if sys.platform == "win32":
        return True  # no cheap check: keep the earlier name
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # alive, another user's
        return True
    return True


def _stamp(fd: int, *, always: bool) -> None:
    """Name this process in the file; a shared hold keeps the name of a live earlier one."""
    os.lseek(fd, 0, os.SEEK_SET)
    text = os.read(fd, PID_WIDTH).decode("ascii", "replace").strip()
    if not always and text.isdigit() and int(text) != os.getpid() and _alive(int(text)):
        return
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, f"{os.getpid():<{PID_WIDTH}}".encode("ascii"))


def _unstamp(fd: int) -> None:
    if _holder(fd) == -1:  # our own name (or none): no longer true
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, b" " * PID_WIDTH)


class InstanceLock:
    """A hold on `<db>.lock`: shared (a window, an import) or exclusive (restore, erase)."""

    def __init__(self, db_path: Path) -> None:
        # The real file's name: a window opened through a link guards the same database.
        real = db_path.resolve()
        self.path = real.with_name(real.name + ".lock")
        self._key = self.path
        self._mode: str | None = None

    def acquire(self, *, exclusive: bool = False) -> int | None:
        """Take the guard; None on success, else the pid of a process in the way (-1:
        unknown). Never waits: a window that cannot have the database is told so at once."""
        if self._mode is not None:
            return None
        with _MUTEX:
            held = _HELD.get(self._key)
            if held is None:
                ensure_private_dir(self.path.parent)
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
                try:
                    slot = _lock(fd, exclusive=exclusive)
                    if slot is False:
                        holder = _holder(fd)
                        os.close(fd)
                        return holder
                    _stamp(fd, always=exclusive)
                except BaseException:
                    os.close(fd)
                    raise
                held = _HELD[self._key] = _Held(fd, slot=None if slot is True else slot)
            elif exclusive and not held.exclusive:
                if not _upgrade(held):
                    return _holder(held.fd)
                _stamp(held.fd, always=True)
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
            was_exclusive = self._mode == "exclusive"
            if was_exclusive:
                held.exclusive -= 1
            else:
                held.shared -= 1
            self._mode = None
            if held.shared + held.exclusive == 0:
                del _HELD[self._key]
                try:
                    _unstamp(held.fd)
                    _unlock_all(held)
                finally:
                    os.close(held.fd)
            elif was_exclusive and not held.exclusive:
                _downgrade(held)


# --- the platform's locks ----------------------------------------------------------------


def _kind() -> str:
    """'windows', 'posix', or 'none' where Python offers neither flock nor msvcrt (then
    the guard is granted unguarded, as a lock file that cannot lock would keep all out)."""
    if sys.platform == "win32":
        return "windows"
    try:
        lazy.posix_locks()
    except ImportError:
        return "none"
    return "posix"


def _lock(fd: int, *, exclusive: bool) -> int | bool:
    """Lock without waiting: True (or the Windows slot taken), False when someone is in
    the way."""
    if _kind() == "none":
        return True
    if sys.platform == "win32":
        if exclusive:
            return _win_lock(fd, LOCKED_BYTE, SLOTS)
        for slot in range(SLOTS):
            if _win_lock(fd, LOCKED_BYTE + slot, 1):
                return slot
        return False
    fcntl = lazy.posix_locks()
    try:
        fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _upgrade(held: _Held) -> bool:
    """This process's shared hold made exclusive, if nobody else holds the guard."""
    if _kind() == "none":
        return True
    if sys.platform == "win32":
        if held.slot is not None:
            _win_unlock(held.fd, LOCKED_BYTE + held.slot, 1)
        if _win_lock(held.fd, LOCKED_BYTE, SLOTS):
            held.slot = None
            return True
        if held.slot is not None:
            _win_lock(held.fd, LOCKED_BYTE + held.slot, 1)
        return False
    fcntl = lazy.posix_locks()
    try:
        fcntl.flock(held.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        # A refused upgrade may have dropped the shared hold: take it back.
        fcntl.flock(held.fd, fcntl.LOCK_SH)
        return False
    return True


def _downgrade(held: _Held) -> None:
    if _kind() == "none":
        return
    if sys.platform == "win32":
        _win_unlock(held.fd, LOCKED_BYTE, SLOTS)
        slot = _lock(held.fd, exclusive=False)
        held.slot = slot if isinstance(slot, int) and slot is not True else None
        return
    fcntl = lazy.posix_locks()
    fcntl.flock(held.fd, fcntl.LOCK_SH)


def _unlock_all(held: _Held) -> None:
    """Release before closing: Windows frees a closed file's locks only eventually."""
    if _kind() == "none":
        return
    if sys.platform == "win32":
        if held.exclusive or held.slot is None:
            _win_unlock(held.fd, LOCKED_BYTE, SLOTS)
        else:
            _win_unlock(held.fd, LOCKED_BYTE + held.slot, 1)
        return
    fcntl = lazy.posix_locks()
    fcntl.flock(held.fd, fcntl.LOCK_UN)


def _win_lock(fd: int, offset: int, size: int) -> bool:
    msvcrt = lazy.windows_locks()
    os.lseek(fd, offset, os.SEEK_SET)
    try:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, size)
    except OSError:
        return False
    return True


def _win_unlock(fd: int, offset: int, size: int) -> None:
    msvcrt = lazy.windows_locks()
    os.lseek(fd, offset, os.SEEK_SET)
    with contextlib.suppress(OSError):  # not all of the range was locked
        msvcrt.locking(fd, msvcrt.LK_UNLCK, size)


# --- each window's mark: is the window that wrote a draft still open? ---------------------


class WindowMark:
    """This window's mark, `<db>.windows/<id>`, locked for as long as the window is open.

    A draft names the window that keeps it; another window asks `window_alive` before
    offering that draft, so a live window's draft is never taken over, and a crashed
    window's is (the OS drops the lock with the process, even after kill -9)."""

    def __init__(self, db_path: Path) -> None:
        self.id = secrets.token_hex(8)
        self.folder = marks_folder(db_path)
        self.path = self.folder / self.id
        self._fd: int | None = None

    def hold(self) -> None:
        """Take the mark (a window that cannot only loses the draft hand-over, not data)."""
        if self._fd is not None:
            return
        for _ in range(3):  # another window may remove the empty folder between the two
            ensure_private_dir(self.folder)
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
                break
            except FileNotFoundError:
                continue
        else:
            return
        if _lock(fd, exclusive=True) is False:
            os.close(fd)
            return
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            _unlock_fd(fd)
        finally:
            os.close(fd)
            with contextlib.suppress(OSError):
                self.path.unlink()
            with contextlib.suppress(OSError):  # the last window leaves no folder behind
                self.folder.rmdir()


def marks_folder(db_path: Path) -> Path:
    real = db_path.resolve()
    return real.with_name(real.name + ".windows")


def window_alive(db_path: Path, window_id: str) -> bool:
    """True while the window `window_id` is open on this computer (its mark is locked)."""
    if not window_id or not window_id.isalnum():
        return False
    path = marks_folder(db_path) / window_id
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return False  # no mark: the window ended (or never was)
    try:
        if _lock(fd, exclusive=True) is False:
            return True
        _unlock_fd(fd)
    finally:
        os.close(fd)
    with contextlib.suppress(OSError):
        path.unlink()  # a crashed window's mark: tidy it away
    return False


def _unlock_fd(fd: int) -> None:
    if _kind() == "none":
        return
    if sys.platform == "win32":
        _win_unlock(fd, LOCKED_BYTE, SLOTS)
        return
    lazy.posix_locks().flock(fd, lazy.posix_locks().LOCK_UN)
