"""`convener serve`: one browser on the hotspot, driven here through textual-serve's own
websocket protocol (what textual.js sends: ["stdin", keys], ["resize", {...}]; what it gets:
the terminal's bytes), against a real server in a subprocess on a free loopback port.

Nothing gets in without the one-time code; the code works once and leaves the URL; the
page names no command, no path and nothing outside this laptop; a note typed in the
browser lands in the database, and so does a check-in (--allow-checkin); delete, export
beyond the public level and the home screen's other events are refused.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from convener.storage.db.connection import connect
from convener.storage.imports.sample import load_sample
from tests.reliability.harness import child_env, raw_rows

FULL = "quetta-dialogue"
ANSI = re.compile(
    rb"\x1b\[[0-9;?<=>]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b."
)
F8, F9, UP, DELETE, ESC = "\x1b[19~", "\x1b[20~", "\x1b[A", "\x1b[3~", "\x1b"


CONVENER = (sys.executable, "-m", "convener.tui.cli")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str, Path]]:
    """`convener serve quetta-dialogue --allow-checkin` on a free port: (base URL, code, db)."""
    db = tmp_path / "data" / "convener.db"
    with connect(db) as conn:
        load_sample(conn)
    port = free_port()
    proc = subprocess.Popen(
        [*CONVENER, "--db", str(db), "serve", FULL, "--port", str(port), "--allow-checkin"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=tmp_path,
        env=child_env(HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "xdg")),
    )
    assert proc.stdout is not None
    printed = [proc.stdout.readline() for _ in range(3)]
    link = re.search(r"http://127\.0\.0\.1:(\d+)/\?code=([\w-]+)", printed[1])
    assert link, printed
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):  # until it listens
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    try:
        yield base, link.group(2), db
    finally:
        proc.terminate()
        proc.wait(10)
        rest = proc.stdout.read()
        assert "Traceback" not in rest, rest


@pytest.fixture
async def client() -> AsyncIterator[aiohttp.ClientSession]:
    # unsafe: keep cookies from an IP address (127.0.0.1), as a browser does
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        yield session


class Tab:
    """A browser tab as textual.js is one: keys out, terminal bytes in."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.seen = b""
        self.since = 0  # where the output of the last keys typed begins

    def text(self) -> str:
        return ANSI.sub(b"", self.seen).decode("utf-8", "replace")

    async def wait_for(self, needle: str, timeout: float = 20) -> None:
        """Until `needle` is shown after the last keys typed."""
        mark = self.since
        deadline = time.monotonic() + timeout
        while needle not in self.text()[mark:]:
            left = deadline - time.monotonic()
            if left <= 0:
                pytest.fail(f"{needle!r} not shown; last output: {self.text()[-1500:]!r}")
            try:
                message = await self.ws.receive(timeout=left)
            except TimeoutError:
                continue
            if message.type == aiohttp.WSMsgType.BINARY:
                self.seen += message.data
            elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                pytest.fail("the session closed")

    async def drain(self, seconds: float) -> None:
        """Read what comes for `seconds` (the app's key guard wants pauses like a person's)."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                message = await self.ws.receive(timeout=left)
            except TimeoutError:
                return
            if message.type == aiohttp.WSMsgType.BINARY:
                self.seen += message.data

    async def type(self, keys: str, pause: float = 0.6) -> None:
        self.since = len(self.text())
        await self.ws.send_json(["stdin", keys])
        await self.drain(pause)


def rows(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    return raw_rows(db, sql, params)


async def test_nothing_without_the_code_and_the_code_works_once(
    served: tuple[str, str, Path], client: aiohttp.ClientSession
) -> None:
    base, code, db = served
    for path in ("/", "/ws", "/static/js/textual.js", "/static/", "/download/x"):
        async with client.get(base + path) as response:
            assert response.status == 403, path
    async with client.get(base + "/?code=" + code[:-1] + "x", allow_redirects=False) as wrong:
        assert wrong.status == 403
    async with client.get(base + "/?code=" + code, allow_redirects=False) as exchanged:
        assert exchanged.status == 303
        assert exchanged.headers["Location"] == "/"  # the code is not kept in the URL
        cookie = exchanged.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        assert code not in cookie
    async with client.get(base + "/") as page:
        assert page.status == 200
        html = await page.text()
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    # The page: no command line, no path, nothing from the internet.
    for secret in (
        str(db),
        str(db.parent),
        sys.executable,
        "served-session",
        "--db",
        "convener.tui",
    ):
        assert secret not in html
    assert "googleapis" not in html and "fonts.g" not in html
    urls = re.findall(r"""(?:https?|wss?):?//[^\s"'<>)]+""", html)
    assert urls == [base.replace("http:", "ws:") + "/ws"]
    assert all(link.startswith("/") for link in re.findall(r'(?:src|href)="([^"]*)"', html))
    async with client.get(base + "/static/js/textual.js") as script:
        assert script.status == 200
    # Spent: the same link in another browser gets nothing.
    async with aiohttp.ClientSession() as other:
        async with other.get(base + "/?code=" + code, allow_redirects=False) as again:
            assert again.status == 403
        async with other.get(base + "/") as page:
            assert page.status == 403


async def test_a_browser_takes_notes_and_checks_in_but_cannot_delete_export_or_leave(
    served: tuple[str, str, Path], client: aiohttp.ClientSession
) -> None:
    base, code, db = served
    async with client.get(base + "/?code=" + code) as page:
        assert page.status == 200
    event_id = rows(db, "SELECT id FROM events WHERE slug = ?", (FULL,))[0][0]
    notes_before = rows(db, "SELECT count(*) FROM notes WHERE deleted_at IS NULL")[0][0]
    absent = rows(
        db,
        "SELECT p.name FROM registrations r JOIN people p ON p.id = r.person_id"
        " WHERE r.event_id = ? AND p.id NOT IN (SELECT person_id FROM checkins"
        " WHERE event_id = ? AND undone_at IS NULL) ORDER BY p.name LIMIT 1",
        (event_id, event_id),
    )[0][0]
    async with client.ws_connect(base.replace("http", "ws") + "/ws?width=120&height=36") as ws:
        tab = Tab(ws)
        await ws.send_json(["resize", {"width": 120, "height": 36}])
        await tab.wait_for("Timeline")
        await tab.drain(1.2)
        # A note, typed in the browser.
        await tab.type("durr")
        await tab.type("\r")
        await tab.type("Girls' schools near the border need guards, 0300-1234567")
        await tab.type("\r", pause=1.5)
        texts = [r[0] for r in rows(db, "SELECT text FROM notes WHERE event_id = ?", (event_id,))]
        assert "Girls' schools near the border need guards, 0300-1234567" in texts
        # Delete and purge: refused, whatever key reaches them.
        await tab.type(UP)
        await tab.type(DELETE)
        await tab.wait_for("Deleting notes is not possible")
        await tab.type(F8)
        await tab.type("\x1b[19;2~")  # shift+F8: purge
        await tab.drain(1.0)
        assert rows(db, "SELECT count(*) FROM notes WHERE deleted_at IS NULL")[0][0] == (
            notes_before + 1
        )
        # The summary (the event has ended: F9): the public level only, no export.
        await tab.type(ESC, pause=0.3)
        await tab.type(F9)
        await tab.wait_for("Public level")
        await tab.drain(1.0)
        await tab.type("3")
        await tab.wait_for("Levels beyond public is not")
        await tab.type("u")
        await tab.wait_for("Exporting with contacts is not possible")
        await tab.type("e")
        await tab.wait_for("Exporting is not possible")
        assert "Full level" not in tab.text()
        # Out to the bottom screen: this event only, no list of others, no way to them.
        mark = len(tab.text())
        await tab.type(ESC, pause=1.0)
        await tab.type(ESC, pause=1.0)
        await tab.type(ESC, pause=1.0)  # the bottom screen stays
        assert "Browser session" in tab.text()[mark:]
        await tab.type("\x10", pause=1.0)  # ctrl+p: the command palette
        await tab.type("sample", pause=1.0)
        assert "Load the sample" not in tab.text() and "Sample" not in tab.text()[-400:]
        await tab.type(ESC, pause=1.0)
        # Check-in, allowed for this session.
        await tab.type("c", pause=1.2)
        await tab.type(absent.split()[-1].lower())
        await tab.type("\r", pause=1.5)
    checked = rows(
        db,
        "SELECT count(*) FROM checkins c JOIN people p ON p.id = c.person_id"
        " WHERE c.event_id = ? AND p.name = ? AND c.undone_at IS NULL",
        (event_id, absent),
    )[0][0]
    assert checked == 1
    assert list((db.parent.parent).glob("**/*.docx")) == []
    assert list((db.parent.parent).glob("**/*.md")) == []


def test_without_the_extra_serve_says_how_to_get_it(tmp_path: Path) -> None:
    db = tmp_path / "data" / "convener.db"
    with connect(db) as conn:
        load_sample(conn)
    script = (
        "import sys; sys.modules['textual_serve'] = None; sys.modules['aiohttp'] = None\n"
        "from convener.tui.cli import main\n"
        f"sys.exit(main(['--db', {str(db)!r}, 'serve', {FULL!r}]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=child_env(), timeout=60
    )
    assert done.returncode == 1
    assert done.stderr == (
        "convener: serving to a browser needs the optional extra: pip install 'convener[serve]'\n"
    )
    assert done.stdout == ""


def test_help_lists_serve_but_not_the_tab_command() -> None:
    done = subprocess.run(
        [*CONVENER, "--help"], capture_output=True, text=True, env=child_env(), timeout=60
    )
    assert done.returncode == 0
    assert "serve" in done.stdout and "one browser" in done.stdout
    assert "served-session" not in done.stdout
