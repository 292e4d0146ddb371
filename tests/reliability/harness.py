"""Helpers for the fault tests: run the real `convener` in a pseudo-terminal, kill it, read it.

A pty is what a terminal emulator gives the app: the app cannot tell it from a real one, so
what it writes here is exactly what a coordinator's terminal would receive.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import re
import select
import signal
import sqlite3
import struct
import sys
import termios
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
CONVENER = [sys.executable, "-c", "import sys; from convener.tui.cli import main; sys.exit(main())"]
ALT_SCREEN_ON = b"\x1b[?1049h"
ALT_SCREEN_OFF = b"\x1b[?1049l"
_CSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")


def child_env(**extra: str) -> dict[str, str]:
    """The environment of the test (private HOME, CONVENER_DB) plus a real terminal type."""
    env = dict(os.environ)
    env.update({"TERM": "xterm-256color", "COLUMNS": "", "LINES": "", "PYTHONUNBUFFERED": "1"})
    env.pop("TEXTUAL", None)
    env.update(extra)
    return {k: v for k, v in env.items() if v != ""}


class PtyApp:
    """`convener ARGS` running in its own session with a pty as its controlling terminal."""

    def __init__(
        self, args: Sequence[str], *, cols: int = 120, rows: int = 36, env: dict[str, str] | None
    ) -> None:
        self.output = bytearray()
        self.returncode: int | None = None
        pid, fd = pty.fork()
        if pid == 0:  # the child: size the terminal, then become convener
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
                os.chdir(REPO_ROOT)
                os.execve(sys.executable, [*CONVENER, *args], env or child_env())
            finally:
                os._exit(127)
        self.pid = pid
        self.fd: int | None = fd

    def pump(self, seconds: float = 0.05) -> None:
        """Read whatever the app has written within `seconds`."""
        deadline = time.monotonic() + seconds
        while self.fd is not None:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.fd], [], [], max(0.0, left))
            if not ready:
                return
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:  # EIO: the child closed the terminal
                chunk = b""
            if not chunk:
                self._close_fd()
                return
            self.output += chunk

    def wait_for(self, needle: bytes, timeout: float = 15.0, start: int = 0) -> bool:
        """Read until `needle` appears in the output after `start` (or the app exits)."""
        deadline = time.monotonic() + timeout
        while needle not in self.output[start:]:
            if time.monotonic() > deadline or self.fd is None or self.poll() is not None:
                self.pump(0.2)
                return needle in self.output[start:]
            self.pump(0.1)
        return True

    def wait_for_text(self, pattern: str, timeout: float = 15.0, start: int = 0) -> bool:
        """Read until the drawn text (escape sequences removed) after `start` matches."""
        found = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while not found.search(plain(self.output[start:])):
            if time.monotonic() > deadline or self.fd is None or self.poll() is not None:
                return False
            self.pump(0.05)
        return True

    def settle(self, quiet: float = 0.5, timeout: float = 10.0) -> None:
        """Read until the app has written nothing for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.fd is not None:
            before = len(self.output)
            self.pump(quiet)
            if len(self.output) == before:
                return

    def send(self, data: str | bytes, pause: float = 0.0) -> None:
        assert self.fd is not None, "the terminal is closed"
        os.write(self.fd, data.encode() if isinstance(data, str) else data)
        if pause:
            self.pump(pause)

    def type(self, text: str, per_key: float = 0.01) -> None:
        for ch in text:
            self.send(ch, pause=per_key)

    def signal(self, sig: int) -> None:
        os.kill(self.pid, sig)

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid == self.pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float) -> int | None:
        """Wait for the exit (reading the output meanwhile); None if still running."""
        deadline = time.monotonic() + timeout
        while self.poll() is None and time.monotonic() < deadline:
            self.pump(0.02) if self.fd is not None else time.sleep(0.02)
        if self.fd is not None:
            self.pump(0.1)
        return self.returncode

    def hang_up(self) -> None:
        """Close the terminal, as when its window is closed: the kernel sends SIGHUP."""
        self._close_fd()

    def _close_fd(self) -> None:
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = None

    def stop(self) -> None:
        """Make sure the app is gone (used in finally blocks)."""
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self.wait(5)
        self._close_fd()

    def __enter__(self) -> PtyApp:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def plain(output: bytes | bytearray) -> str:
    """The text the app drew, without its escape sequences (for finding words in it)."""
    return _CSI.sub("", bytes(output).decode("utf-8", "replace"))


def raw_rows(path: Path, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Query the file as another program would, without Convener's connection factory."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(sql, list(params)).fetchall()
    finally:
        conn.close()


def integrity(path: Path) -> str:
    return str(raw_rows(path, "PRAGMA integrity_check")[0][0])
