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
    assert sorted(p.suffix for p in written) == [".csv", ".docx", ".json", ".md"]
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
    """msvcrt.locking as Windows does it: per open file, per byte, refused while held."""

    LK_NBLCK = 2
    LK_UNLCK = 0

    def __init__(self) -> None:
        super().__init__("msvcrt")
        self.held: dict[tuple[int, int], int] = {}

    def locking(self, fd: int, mode: int, nbytes: int) -> None:
        key = (os.fstat(fd).st_ino, os.lseek(fd, 0, os.SEEK_CUR))
        if mode == self.LK_UNLCK:
            del self.held[key]
        elif key in self.held:
            raise OSError(errno.EACCES, "Permission denied")
        else:
            self.held[key] = fd


def test_the_windows_lock_names_the_holder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from convener.storage.db.lock import InstanceLock

    fake = FakeMsvcrt()
    monkeypatch.setitem(sys.modules, "msvcrt", fake)
    monkeypatch.setattr(sys, "platform", "win32")
    first, second = InstanceLock(tmp_path / "c.db"), InstanceLock(tmp_path / "c.db")
    assert first.acquire() is None
    assert list(fake.held) == [((tmp_path / "c.db.lock").stat().st_ino, 64)]
    assert second.acquire() == os.getpid()
    first.release()
    assert fake.held == {}
    assert second.acquire() is None
    second.release()
