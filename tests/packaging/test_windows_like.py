"""Convener on a Python without POSIX: what Windows lacks is taken away from a Linux Python.

A `sitecustomize` makes fcntl, termios, pwd, grp and resource unimportable and removes
SIGHUP and SIGCONT, then the headless commands must work exactly as usual. The lock's and
the hang-up handlers' Windows paths are checked in-process.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest

from tests.packaging.smoke import outside_env, run

pytestmark = pytest.mark.packaging

REPO_ROOT = Path(__file__).resolve().parents[2]
QUETTA_YAML = REPO_ROOT / "fixtures" / "quetta-dialogue.yaml"

SITECUSTOMIZE = '''
"""Make this Python look like Windows to Convener: no POSIX-only modules or signals."""
import signal
import sys

BLOCKED = {"fcntl", "termios", "pwd", "grp", "resource"}


class NotOnWindows:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


for name in BLOCKED:
    sys.modules.pop(name, None)
sys.meta_path.insert(0, NotOnWindows())
for name in ("SIGHUP", "SIGCONT"):
    if hasattr(signal, name):
        delattr(signal, name)
'''


@pytest.fixture
def windows_like(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    monkeypatch.setenv("PYTHONPATH", str(site))
    work = tmp_path / "desk"
    work.mkdir()
    return work


def sim(command: list[str | Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run with the simulated Windows (run() keeps PYTHONPATH out, so add it back)."""
    env = {**outside_env(), "PYTHONPATH": os.environ["PYTHONPATH"]}
    return subprocess.run(
        [str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_simulation_really_removes_them(windows_like: Path) -> None:
    for module in ("fcntl", "termios", "pwd", "grp", "resource"):
        done = sim([sys.executable, "-c", f"import {module}"], windows_like)
        assert f"ModuleNotFoundError: No module named '{module}'" in done.stderr
    probe = "import signal; print(hasattr(signal, 'SIGHUP'), hasattr(signal, 'SIGCONT'))"
    assert sim([sys.executable, "-c", probe], windows_like).stdout == "False False\n"
    # Outside the simulation they are there: the probe can tell the difference.
    assert run([sys.executable, "-c", probe], windows_like).stdout == "True True\n"


def test_headless_commands_work_without_posix(windows_like: Path) -> None:
    convener = Path(sys.executable).with_name("convener")
    db = windows_like / "data" / "convener.db"
    done = sim([convener, "--db", db, "import", QUETTA_YAML], windows_like)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith(
        "Provincial Dialogue on Human Trafficking and Irregular Migration (quetta-dialogue): "
        "imported. events: 1 new"
    )
    done = sim([convener, "--db", db, "events"], windows_like)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.split("\t")[:4] == [
        "quetta-dialogue",
        "2025-05-14",
        "ended",
        "37/41 checked in",
    ]
    out = windows_like / "export"
    done = sim([convener, "--db", db, "export", "quetta-dialogue", "--out", out], windows_like)
    assert (done.returncode, done.stderr) == (0, "")
    written = [Path(line) for line in done.stdout.splitlines()]
    assert sorted(p.suffix for p in written) == [".csv", ".docx", ".json", ".md", ".pdf", ".xlsx"]
    assert all(p.stat().st_size > 0 for p in written)


def test_hangup_handlers_only_for_signals_that_exist(monkeypatch: pytest.MonkeyPatch) -> None:
    from convener.tui.app import _install_hangup_handlers

    before = signal.getsignal(signal.SIGTERM)
    monkeypatch.delattr(signal, "SIGHUP")
    monkeypatch.delattr(signal, "SIGCONT")
    try:
        _install_hangup_handlers(SimpleNamespace())
        handler = signal.getsignal(signal.SIGTERM)
        assert callable(handler) and handler is not before
    finally:
        signal.signal(signal.SIGTERM, before)


class FakeMsvcrt(ModuleType):
    """msvcrt.locking as Windows does it: per open file, per byte range, refused while any
    byte of the range is held (by any handle, this one included)."""

    LK_NBLCK = 2
    LK_UNLCK = 0

    def __init__(self) -> None:
        super().__init__("msvcrt")
        self.held: dict[tuple[int, int], int] = {}

    def locking(self, fd: int, mode: int, nbytes: int) -> None:
        ino, start = os.fstat(fd).st_ino, os.lseek(fd, 0, os.SEEK_CUR)
        keys = [(ino, start + i) for i in range(nbytes)]
        if mode == self.LK_UNLCK:
            if any(self.held.get(k) != fd for k in keys):
                raise OSError(errno.EACCES, "Permission denied")
            for k in keys:
                del self.held[k]
        elif any(k in self.held for k in keys):
            raise OSError(errno.EACCES, "Permission denied")
        else:
            self.held.update(dict.fromkeys(keys, fd))

    def bytes_held(self) -> list[int]:
        return sorted(offset for _, offset in self.held)


def test_the_windows_guard_is_shared_by_windows_and_taken_alone_for_erasure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from convener.storage.db.lock import LOCKED_BYTE, SLOTS, InstanceLock

    fake = FakeMsvcrt()
    monkeypatch.setitem(sys.modules, "msvcrt", fake)
    monkeypatch.setattr(sys, "platform", "win32")
    db = tmp_path / "c.db"
    first = InstanceLock(db)
    assert first.acquire() is None  # makes the lock file
    other = os.open(tmp_path / "c.db.lock", os.O_RDWR)
    try:
        os.lseek(other, LOCKED_BYTE + 5, os.SEEK_SET)
        fake.locking(other, fake.LK_NBLCK, 1)  # another window's shared slot
        os.lseek(other, 0, os.SEEK_SET)
        os.write(other, b"4242".ljust(20))
        window = InstanceLock(db)
        assert window.acquire() is None  # windows share the guard
        alone = InstanceLock(db)
        assert alone.acquire(exclusive=True) == 4242  # erasure refused, the holder named
        assert LOCKED_BYTE in fake.bytes_held()  # and this process kept its shared hold
        os.lseek(other, LOCKED_BYTE + 5, os.SEEK_SET)
        fake.locking(other, fake.LK_UNLCK, 1)  # the other window closes
        assert alone.acquire(exclusive=True) is None
        assert fake.bytes_held() == list(range(LOCKED_BYTE, LOCKED_BYTE + SLOTS))
        alone.release()  # back to a shared hold
        assert fake.bytes_held() == [LOCKED_BYTE]
        window.release()
        first.release()
        assert fake.bytes_held() == []
    finally:
        os.close(other)
