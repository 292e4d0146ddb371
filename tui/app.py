"""Convener's Textual app: wiring, global bindings and the database thread.

Built by `create_app` with its dependencies (database path, clock), so tests pass a temp
database and a frozen clock. Screens live in `tui/screens/`, one module each.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

from textual import events
from textual.actions import ActionParseResult, parse
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.driver import Driver
from textual.screen import Screen

from convener.storage.db.connection import read_only_reason
from convener.storage.db.files import exposure_warning, is_ours
from convener.storage.db.lock import InstanceLock, in_use_by
from convener.storage.db.raw import passphrase_from_env
from convener.storage.db.writer import Writer, WriterStatus
from convener.storage.errors import ConvenerError
from convener.storage.events import get_event
from convener.storage.imports.sample import ensure_sample
from convener.tui import output_guard
from convener.tui.keyguard import KeyGuard
from convener.tui.messages import (
    CurrentEventChanged,
    DatabaseChanged,
    GoHome,
    OpenEventScreen,
    SaveStatusChanged,
)
from convener.tui.screens.help import HelpScreen
from convener.tui.screens.home import HomeScreen
from convener.tui.screens.registry import screen_for
from convener.tui.screens.served import ServedHome
from convener.tui.session import Restriction, Session
from convener.tui.widgets.top_bar import TopBar

StartScreen = str | None

FLOOD_DRIVER: type[Driver] | None = None
if sys.platform != "win32":
    try:  # needs termios: absent on Windows (and where a test makes it so)
        from convener.tui.driver_posix import FloodSafeDriver
    except ImportError:
        pass
    else:
        FLOOD_DRIVER = FloodSafeDriver


class ConvenerApp(App[int]):
    """The coordinator's app. `current_event` is the event the screens are working on."""

    CSS_PATH = "convener.tcss"
    TITLE = "Convener"
    ENABLE_COMMAND_PALETTE = True
    # Below 100 columns side panels fold away (ctrl+o brings them back); 150+ is roomy.
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012 (Textual declares it as a plain attribute)
        (0, "-narrow"),
        (100, "-medium"),
        (150, "-wide"),
    ]
    # Below 30 rows the note box grows to five lines, not six.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]  # noqa: RUF012 (as above)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help", id="help"),
        Binding("question_mark", "help", "Help", show=False, id="help-alt"),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
    ]

    def __init__(
        self,
        db_path: Path,
        *,
        start: StartScreen = None,
        event_ref: str | None = None,
        demo: bool = False,
        read_only: bool = False,
        read_only_reason: str = "",
        clock: Callable[[], float] | None = None,
        restriction: Restriction | None = None,
    ) -> None:
        super().__init__()
        output_guard.install()
        self.db_path = db_path
        self.start = start
        self.event_ref = event_ref
        self.demo = demo
        self.read_only = read_only
        self.read_only_reason = read_only_reason
        self.clock = clock or time.time
        self.key_guard = KeyGuard()
        self._shown_screen: Screen[Any] | None = None
        self.save_status: WriterStatus | None = None
        self.failed_writes: list[WriterStatus] = []
        self.writer = Writer(
            db_path,
            read_only=read_only,
            on_status=self._status_from_thread,
            on_outside_change=self._changed_outside,
        )
        self.session = Session(
            self.writer,
            read_only=read_only,
            read_only_reason=read_only_reason,
            clock=self.clock,
            on_event_changed=self._event_changed,
            restriction=restriction,
        )

    @property
    def current_event(self) -> dict[str, Any] | None:
        """The session's current event (kept for tests and the command palette)."""
        return self.session.current_event

    def _event_changed(self, event: dict[str, Any] | None) -> None:
        self.post_message(CurrentEventChanged(event))

    def _changed_outside(self) -> None:
        self.post_message(DatabaseChanged())

    def _status_from_thread(self, status: WriterStatus) -> None:
        self.post_message(SaveStatusChanged(status))

    async def on_event(self, event: events.Event) -> None:
        """Type-ahead never runs actions (tui/keyguard.py): such keys stop here."""
        if (
            isinstance(event, events.Key)
            and not event.is_forwarded
            and not self.key_guard.allows(event, self.focused)
        ):
            return
        await super().on_event(event)

    def get_driver_class(self) -> type[Driver]:
        """Textual's own driver, with key floods turned into pastes where we can (driver.py)."""
        driver = super().get_driver_class()
        if FLOOD_DRIVER is not None and driver.__name__ == "LinuxDriver":
            return FLOOD_DRIVER
        return driver

    def _screen_changed(self, screen: Screen[Any]) -> None:
        self.key_guard.screen_changed(self._shown_screen, screen)
        self._shown_screen = screen

    async def on_mount(self) -> None:
        self.screen_change_signal.subscribe(self, self._screen_changed)
        try:
            await asyncio.wrap_future(self.writer.start())
        except ConvenerError as exc:
            self.exit(1, message=f"convener: {exc}")
            return
        if not self.read_only:
            self.session.window.hold()
        if self.session.restriction is not None:
            await self.open_served_event(self.session.restriction)
            return
        await self.push_screen(HomeScreen())
        self.warn_if_exposed()
        if self.read_only and self.read_only_reason:
            self.notify(
                self.read_only_reason,
                title="Read-only",
                severity="warning",
                timeout=10,
                markup=False,
            )
        if self.demo or self.start:
            await self.open_requested_event()

    def warn_if_exposed(self) -> None:
        """Once per window: other users of this computer can read the database file."""
        warning = exposure_warning(self.db_path)
        if warning:
            self.notify(warning, title="Readable by others", severity="warning", markup=False)

    async def open_requested_event(self) -> None:
        """`convener demo|checkin|notes|setup EVENT` open straight on that screen."""
        ref = self.event_ref
        try:
            if self.demo:
                ref = await self.session.db.write(ensure_sample)
            event = await self.session.db.read(lambda db: get_event(db, ref or ""))
        except ConvenerError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        await self.open_event(event, self.start or "checkin")

    async def open_served_event(self, bounds: Restriction) -> None:
        """A browser session: its one event's own bottom screen, then its notes."""
        try:
            event = await self.session.db.read(lambda db: get_event(db, bounds.event_ref))
        except ConvenerError as exc:
            self.exit(1, message=f"convener: {exc}")
            return
        self.session.restriction = replace(bounds, event_id=event["id"])
        await self.push_screen(ServedHome(event))
        await self.open_event(event, "notes")

    async def open_event(self, event: dict[str, Any], where: str, *, replace: bool = False) -> None:
        """Make `event` current and show one of its screens (in the current one's place)."""
        refused = self.session.screen_refusal(event, where)
        if refused:
            self.notify(refused, severity="warning", markup=False)
            return
        self.session.current_event = event
        if replace:
            await self.switch_screen(screen_for(where, event))
        else:
            await self.push_screen(screen_for(where, event))

    async def on_go_home(self, message: GoHome) -> None:
        # The stack is [default, home, ...event screens]: pop back to home.
        while len(self.screen_stack) > 2:
            await self.pop_screen()

    async def on_open_event_screen(self, message: OpenEventScreen) -> None:
        await self.open_event(message.event, message.where, replace=message.replace)

    def on_save_status_changed(self, message: SaveStatusChanged) -> None:
        # Stamp with the app's clock so a frozen clock (tests) freezes the indicator too.
        self.save_status = replace(message.status, at=self.clock())
        if message.status.kind == "failed":
            self.failed_writes.append(message.status)
            self.notify(
                f"Not saved: {message.status.message}", severity="error", timeout=15, markup=False
            )
        if not self.screen_stack:  # a write finished while the app was closing
            return
        for bar in self.screen.query(TopBar):
            bar.show_status(self.save_status, self.read_only)

    def on_database_changed(self, message: DatabaseChanged) -> None:
        """Someone else wrote: the screen on top shows it (screens below read on return)."""
        if self.screen_stack:  # not while the app is closing
            self.screen.post_message(DatabaseChanged())

    def on_current_event_changed(self, message: CurrentEventChanged) -> None:
        for bar in self.screen.query(TopBar):
            bar.refresh_state()

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """Every key, palette command and click runs its action through here: a browser
        session's bounds are enforced on the action itself, not by hiding its key."""
        _, name, params = parse(action) if isinstance(action, str) else action
        refused = self.session.refusal(name, params)
        if refused:
            self.notify(refused, severity="warning", markup=False)
            return True
        return await super().run_action(action, default_namespace, namespaces)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every key binding of the current screen is also a palette command (a browser
        session gets only those its bounds allow, none of Textual's own)."""
        if self.session.restriction is None:
            yield from super().get_system_commands(screen)
        seen: set[str] = set()
        for binding in [*screen.BINDINGS, *self.BINDINGS]:
            if not isinstance(binding, Binding) or not binding.description:
                continue
            if binding.action in seen or binding.action in ("quit", "command_palette"):
                continue
            _, name, params = parse(binding.action)
            if self.session.restriction is not None and (
                self.session.refusal(name, params) or screen.check_action(name, params) is False
            ):
                continue
            seen.add(binding.action)
            key = binding.key_display or binding.key.split(",")[0]
            yield SystemCommand(binding.description, f"Key: {key}", _runner(screen, binding.action))

    def flush_state(self) -> None:
        """Save what is only in memory (the note draft) before the process goes away."""
        for hook in list(self.session.flush_hooks):
            with contextlib.suppress(Exception):
                hook()

    async def action_quit(self) -> None:
        self.flush_state()
        self.exit(0)

    def on_unmount(self) -> None:
        self.writer.close()
        self.session.window.release()


def _runner(screen: Screen[Any], action: str) -> Callable[[], Any]:
    async def run() -> None:
        await screen.run_action(action)

    return run


def create_app(db_path: Path, **kwargs: Any) -> ConvenerApp:
    """The app for `db_path`; keyword arguments as for ConvenerApp."""
    return ConvenerApp(db_path, **kwargs)


def run_app(
    db_path: Path,
    *,
    screen: StartScreen = None,
    event_ref: str | None = None,
    demo: bool = False,
    read_only: bool = False,
    restriction: Restriction | None = None,
) -> int:
    """Run the TUI holding the instance guard shared: windows write side by side."""
    lock = InstanceLock(db_path)
    read_only, reason = open_mode(db_path, lock, read_only)
    app = create_app(
        db_path,
        start=screen,
        event_ref=event_ref,
        demo=demo,
        read_only=read_only,
        read_only_reason=reason,
        restriction=restriction,
    )
    _install_hangup_handlers(app)
    # Open the database (integrity check, migrations) while Textual starts the terminal and
    # builds the first screen: most of that time is SQLite's, outside the GIL.
    app.writer.start()
    try:
        result = app.run()
    finally:
        app.writer.close()
        lock.release()
    return int(result or 0)


def open_mode(db_path: Path, lock: InstanceLock, read_only: bool) -> tuple[bool, str]:
    """(read-only?, why) for this window, decided before anything is written.

    A write-protected file or folder and a database from a newer Convener are read-only
    from the start. Other windows do not matter (each writes through SQLite's locks, which
    since SQLite 3.51.3 is safe for several writers); only a restore, a schema upgrade or
    an erasure under way elsewhere makes this window read-only, as it rewrites the file.
    """
    if read_only:
        return True, ""
    reason = read_only_reason(db_path)
    if reason:
        return True, reason
    if not is_ours(db_path, passphrase_from_env()):
        return False, ""  # the database thread refuses it, saying why; no lock file beside it
    holder = lock.acquire()
    if holder is not None:
        return True, (
            f"{db_path} is being restored, upgraded or erased by {in_use_by(holder)}, "
            "so this window is read-only: open it again when that is done."
        )
    return False, ""


def _install_hangup_handlers(app: ConvenerApp) -> None:
    """SIGHUP/SIGTERM (terminal closed, SSH dropped): flush the draft, then exit cleanly.

    Textual installs no handler for these; without one the draft in memory would be lost.
    A hang-up comes with a SIGCONT, on which Textual would re-enter application mode
    (a second output thread) while shutting down, and hang: that handler is removed first.
    Windows has neither SIGHUP nor SIGCONT: only the signals this platform has are used.
    """
    sigcont: int | None = getattr(signal, "SIGCONT", None)

    def handle(signum: int, frame: object) -> None:
        if sigcont is not None:
            signal.signal(sigcont, signal.SIG_DFL)
        app.flush_state()
        app.writer.close(timeout=1.5)
        try:
            app.exit(128 + signum)
        except Exception:
            raise SystemExit(128 + signum) from None

    for name in ("SIGHUP", "SIGTERM"):
        sig: int | None = getattr(signal, name, None)
        if sig is not None:
            signal.signal(sig, handle)
