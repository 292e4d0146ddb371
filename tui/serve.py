"""`convener serve EVENT`: the notes of one event in a browser on the hotspot (opt-in).

textual-serve runs one Convener process per browser tab and relays its terminal over a
websocket. It has no authentication, its page loads Google Fonts and shows the command, so
Convener puts its own aiohttp server in front of it: every request needs the session cookie,
which only the one-time code printed on the coordinator's terminal gets (then the browser is
sent to a URL without the code); the page is Convener's own (no command line, no path,
nothing from the internet); there is no download route and no directory listing. Each tab's
process is a restricted window (`convener served-session`): one event, notes (and check-in
only with --allow-checkin), no export, no delete or erase (tui/session.py).

Only this command imports aiohttp and textual-serve (the optional extra `convener[serve]`).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import secrets
import shlex
import socket
import subprocess
import sys
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from string import Template
from typing import ClassVar

import textual_serve.server
from aiohttp import web
from aiohttp.typedefs import Middleware
from textual_serve.app_service import AppService
from textual_serve.server import Server

COOKIE = "convener_session"
MAX_TABS = 4  # browser tabs served at once: each is a Convener process on this laptop
PAGE = Path(__file__).with_name("served_page") / "index.html"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Gate:
    """The one-time code and the sessions it was exchanged for."""

    code: str = field(default_factory=lambda: secrets.token_urlsafe(24))  # 192 bits
    spent: bool = False
    sessions: set[str] = field(default_factory=set)

    def exchange(self, offered: str) -> str | None:
        """A new session for the right code, once; None for anything else."""
        if self.spent or not secrets.compare_digest(offered.encode(), self.code.encode()):
            return None
        self.spent = True
        session = secrets.token_urlsafe(32)
        self.sessions.add(session)
        return session

    def admits(self, cookie: str | None) -> bool:
        return bool(cookie) and any(
            secrets.compare_digest(cookie.encode(), known.encode())
            for known in self.sessions
            if cookie is not None
        )


def guard(gate: Gate) -> Middleware:
    """Convener's middleware: the code once for a cookie, then the cookie on every request."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if "code" in request.query:
            session = gate.exchange(request.query["code"])
            if session is None:
                raise web.HTTPForbidden(
                    text="This link has been used or is wrong: ask the coordinator for a new one.\n"
                )
            moved = web.HTTPSeeOther("/")  # the code leaves the address bar and history
            moved.set_cookie(COOKIE, session, httponly=True, samesite="Strict", path="/")
            moved.headers["Cache-Control"] = "no-store"
            moved.headers["Referrer-Policy"] = "no-referrer"
            raise moved
        if not gate.admits(request.cookies.get(COOKIE)):
            raise web.HTTPForbidden(text="Open the link the coordinator gave you.\n")
        origin = request.headers.get("Origin")
        if origin is not None and origin not in (
            f"http://{request.host}",
            f"https://{request.host}",
        ):
            raise web.HTTPForbidden(text="Wrong origin.\n")
        response = await handler(request)
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    return middleware


class TabProcess(AppService):
    """textual-serve's per-tab Convener process, remembered so that stopping the server ends
    it before the event loop closes (else asyncio prints a traceback on the coordinator's
    terminal from the orphaned pipe's __del__)."""

    running: ClassVar[weakref.WeakSet[TabProcess]] = weakref.WeakSet()

    async def start(self, width: int, height: int) -> None:
        TabProcess.running.add(self)
        await super().start(width, height)

    async def end(self) -> None:
        process = self._process  # textual-serve's own handle on the tab's process
        if process is None or process.returncode is not None:
            return
        process.terminate()
        with contextlib.suppress(TimeoutError, ProcessLookupError):
            await asyncio.wait_for(process.wait(), 5)


# The server makes one AppService per tab by this name: ours, so each can be ended.
textual_serve.server.AppService = TabProcess  # type: ignore[misc]


class ConvenerServer(Server):
    """textual-serve's server, with Convener's gate, page and routes (no downloads)."""

    def __init__(self, command: str, *, host: str, port: int, title: str, gate: Gate) -> None:
        super().__init__(command, host=host, port=port, title=title)
        self.gate = gate
        self.tabs = 0
        self.started = asyncio.Event()

    def initialize_logging(self) -> None:
        """Quiet: textual-serve's log would print the command (with the database's path)."""

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[guard(self.gate)])
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.static("/static", self.statics_path, show_index=False, name="static"),
            ]
        )
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        return app

    async def on_startup(self, app: web.Application) -> None:
        self.started.set()

    async def on_shutdown(self, app: web.Application) -> None:
        """Every tab's process ends (its work is saved as it is typed) before the loop closes."""
        await asyncio.gather(*(tab.end() for tab in list(TabProcess.running)))

    async def handle_index(self, request: web.Request) -> web.Response:
        """Convener's own page: the title, the terminal, nothing from anywhere else."""
        ws = f"ws://{request.host}/ws"
        page = Template(PAGE.read_text(encoding="utf-8")).substitute(
            title=html.escape(self.title),
            websocket=html.escape(ws),
        )
        response = web.Response(text=page, content_type="text/html")
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; script-src 'self' 'unsafe-inline'; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            f"font-src 'self'; connect-src 'self' {ws}; frame-ancestors 'none'; base-uri 'none'"
        )
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One Convener process per tab, at most MAX_TABS at once."""
        if self.tabs >= MAX_TABS:
            raise web.HTTPServiceUnavailable(text="Too many browser tabs are open.\n")
        self.tabs += 1
        try:
            return await super().handle_websocket(request)
        finally:
            self.tabs -= 1


def served_command(db_path: Path, slug: str, *, allow_checkin: bool) -> str:
    """The command each tab runs: this Python, this database, the one event."""
    args = [sys.executable, "-m", "convener.tui.cli", "--db", str(db_path)]
    args += ["served-session", slug] + (["--allow-checkin"] if allow_checkin else [])
    if sys.platform == "win32":  # textual-serve runs it through cmd.exe there
        return subprocess.list2cmdline(args)
    return " ".join(shlex.quote(a) for a in args)


def shown_host(host: str) -> str:
    """The address a phone on the hotspot types: this laptop's own for 0.0.0.0."""
    if host not in ("0.0.0.0", "::", ""):
        return host
    try:  # no packet is sent: connecting a UDP socket only picks the outgoing address
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))
            return str(probe.getsockname()[0])
    except OSError:
        return "THIS-LAPTOP'S-ADDRESS"


def serve(
    db_path: Path, slug: str, title: str, *, host: str, port: int, allow_checkin: bool
) -> int:
    """Serve until Ctrl+C; prints the link (with its one-time code) once."""
    gate = Gate()
    server = ConvenerServer(
        served_command(db_path, slug, allow_checkin=allow_checkin),
        host=host,
        port=port,
        title=f"Convener: {title}",
        gate=gate,
    )
    what = "notes and check-in" if allow_checkin else "notes"
    print(f"Serving {what} for “{title}” to one browser. Open this link on that device:")
    print(f"    http://{shown_host(host)}:{port}/?code={gate.code}")
    print(
        "The link works once (the browser then keeps a cookie). It is plain HTTP: anyone on "
        "this network with the link can take notes. Ctrl+C stops.",
        flush=True,
    )
    server.serve()
    return 0
