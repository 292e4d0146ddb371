"""The `convener` command: opens the TUI, or does one job headless (import, export, backup).

Textual is imported only when a screen is opened, so headless commands start fast. Every
error is one sentence on stderr with a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from convener.storage.db.backup import backup_to, restore_from
from convener.storage.db.connection import connect
from convener.storage.db.driver import about
from convener.storage.db.files import exposure_warning, write_protection
from convener.storage.db.integrity import is_corruption
from convener.storage.db.lock import InstanceLock, in_use_by
from convener.storage.db.salvage import salvage
from convener.storage.erasure import erase_person
from convener.storage.errors import ConvenerError, DatabaseError
from convener.storage.event_lookup import AmbiguousEventError, find_event
from convener.storage.events import list_events
from convener.storage.imports.dispatch import SHEET_SUFFIXES, import_file
from convener.storage.imports.merge import apply_import, preview_import
from convener.storage.imports.preview_text import preview_lines
from convener.storage.imports.sample import load_sample
from convener.storage.paths import cloud_synced, default_backup_path, default_db_path
from convener.storage.reports.export import export_event, parse_formats
from convener.storage.reports.formats import NAMES
from convener.storage.reports.hq_export import export_hq
from convener.storage.reports.levels import FULL, PUBLIC, Level, level_named
from convener.storage.reports.signin_sheet import export_sheet
from convener.tui.app import run_app
from convener.tui.cli_sync import add_parsers, cmd_device, cmd_sync
from convener.tui.hq_cli import add_hq_parser, cmd_hq
from convener.tui.session import Restriction

if TYPE_CHECKING:
    from sqlite_utils import Database

    from convener.storage.imports.event_file import ImportReport

EXIT_ERROR = 1
EXIT_USAGE = 2
HQ_FORMAT = "hq"
EVENT_HELP = "slug, id, the start of a slug, or words of the title"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="convener",
        description="Run stakeholder dialogues offline: check-in, live notes, summaries.",
    )
    parser.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        help="database file (default: $CONVENER_DB or the user data dir)",
    )
    parser.add_argument("--read-only", action="store_true", help="open without writing")
    parser.add_argument(
        "--version", action="store_true", help="show Convener's version and the SQLite it uses"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = sub.add_parser("import", help="import a YAML event or a CSV/XLSX/YAML attendee list")
    p.add_argument("file", type=Path)
    p.add_argument("--event", metavar="EVENT", help="the event of an attendee list: " + EVENT_HELP)
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="attendee lists: show what would change (new, changed, kept), write nothing",
    )
    p.add_argument(
        "--yes",
        action="store_true",
        help="attendee lists: a row with the same name and organisation as someone registered "
        "but another phone or ID is the same person (default: a new person, with a warning)",
    )
    p.add_argument(
        "--replace",
        action="store_true",
        help="event files: replace an event that has the same slug but another title or date",
    )
    sub.add_parser("events", help="list the events in the database")
    sub.add_parser("sample", help="load the bundled sample event and its practice copy")
    sub.add_parser("demo", help="load the bundled sample event (if absent) and open it")
    for name, what in (
        ("checkin", "the check-in screen"),
        ("notes", "the notes screen"),
        ("setup", "the event setup screen"),
    ):
        p = sub.add_parser(name, help=f"open {what} of EVENT")
        p.add_argument("event", metavar="EVENT", help=EVENT_HELP)
    p = sub.add_parser(
        "serve",
        help="let one browser on this network take notes for EVENT (needs convener[serve])",
    )
    p.add_argument("event", metavar="EVENT", help=EVENT_HELP)
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this laptop only; 0.0.0.0: the hotspot)",
    )
    p.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    p.add_argument(
        "--allow-checkin", action="store_true", help="the browser may also check people in"
    )
    # What each browser tab runs (`convener serve` starts it): no help, not listed.
    p = sub.add_parser("served-session")
    p.add_argument("event")
    p.add_argument("--allow-checkin", action="store_true")
    p = sub.add_parser("export", help="write the summary and data files of EVENT")
    p.add_argument("event", metavar="EVENT", help=EVENT_HELP)
    p.add_argument(
        "--format",
        default=",".join(NAMES),
        help=f"comma-separated: {', '.join(NAMES)} (default: all); or {HQ_FORMAT} alone: "
        "the head-office file (docs/hq.md)",
    )
    p.add_argument("--out", type=Path, metavar="DIR", help="folder (default: one per event)")
    p.add_argument(
        "--level",
        default="public",
        metavar="LEVEL",
        help="public (default: named only with consent), verification (adds the full "
        "participant list for the donor's files) or full (adds contacts)",
    )
    p.add_argument(
        "--unredacted",
        action="store_true",
        help="the same as --level full: phone numbers and emails (handle with care)",
    )
    p = sub.add_parser("sheet", help="write a printable sign-in sheet (PDF and DOCX) of EVENT")
    p.add_argument("event", metavar="EVENT", help=EVENT_HELP)
    p.add_argument("--out", type=Path, metavar="DIR", help="folder (default: one per event)")
    p = sub.add_parser("backup", help="copy the database safely (SQLite backup API)")
    p.add_argument("dest", type=Path, nargs="?")
    p = sub.add_parser("restore", help="replace the database with a backup")
    p.add_argument("src", type=Path)
    p = sub.add_parser(
        "erase",
        help="erase PERSON from EVENT: check-ins, registration, name in notes (for good)",
    )
    p.add_argument("event", metavar="EVENT", help=EVENT_HELP)
    p.add_argument("person", metavar="PERSON", help="name or id, as on the attendee list")
    p.add_argument(
        "--all-events",
        action="store_true",
        help="erase them from every event in the database, and their contact details",
    )
    add_parsers(sub)
    add_hq_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)

    if args.version:
        print(about())
        return 0
    db_path: Path = args.db or default_db_path()
    handler = COMMANDS.get(args.command or "", cmd_open)
    if args.read_only and args.command in WRITING:
        print(f"convener: {args.command} writes to the database: drop --read-only", file=sys.stderr)
        return EXIT_USAGE
    try:
        code = handler(db_path, args)
        if handler not in (cmd_open, cmd_hq):  # the app says it in a notification instead
            warn_if_exposed(db_path)
        return code
    except AmbiguousEventError as exc:
        print(f"convener: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ConvenerError as exc:
        print(f"convener: {exc}", file=sys.stderr)
        # A refusal that an option can overrule (an event file clashing with another event)
        # exits 2 like a usage error; everything else 1.
        return int(getattr(exc, "exit_status", EXIT_ERROR))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`convener import ... | head`): what was asked is done; say
        # nothing more and let Python not complain while flushing at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"convener: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # a bug: still one sentence, never a traceback
        print(f"convener: unexpected error ({type(exc).__name__}: {exc})", file=sys.stderr)
        return EXIT_ERROR


def warn_if_exposed(db_path: Path) -> None:
    """Say once, on stderr, when other users of this computer may read the database."""
    warning = exposure_warning(db_path)
    if warning:
        print(f"convener: warning: {warning}", file=sys.stderr)


def cmd_open(db_path: Path, args: argparse.Namespace) -> int:
    screen = args.command if args.command in ("checkin", "notes", "setup") else None
    ref = getattr(args, "event", None)
    if ref and db_path.exists():
        # Resolve what was typed before the terminal is taken over: an unknown or ambiguous
        # EVENT is one sentence on stderr, not a message inside a screen.
        with contextlib.suppress(DatabaseError):  # the app opens it and says what is wrong
            ref = resolved_slug(db_path, ref)
    return run_app(
        db_path,
        screen=screen,
        event_ref=ref,
        demo=args.command == "demo",
        read_only=args.read_only,
    )


def cmd_serve(db_path: Path, args: argparse.Namespace) -> int:
    """`convener serve EVENT`: only now are aiohttp and textual-serve imported."""
    if not db_path.exists():
        raise DatabaseError(f"{db_path} does not exist: set up the event first")
    with connect(db_path, read_only=True) as db:
        event = find_event(db, args.event)
    try:
        served = importlib.import_module("convener.tui.serve")
    except ImportError:
        print(
            "convener: serving to a browser needs the optional extra: "
            "pip install 'convener[serve]'",
            file=sys.stderr,
        )
        return EXIT_ERROR
    result: int = served.serve(
        db_path,
        str(event["slug"]),
        str(event["title"]),
        host=args.host,
        port=args.port,
        allow_checkin=args.allow_checkin,
    )
    return result


def cmd_served_session(db_path: Path, args: argparse.Namespace) -> int:
    """One browser tab's window: restricted to the event (tui/session.py Restriction)."""
    return run_app(db_path, restriction=Restriction(args.event, allow_checkin=args.allow_checkin))


def cmd_import(db_path: Path, args: argparse.Namespace) -> int:
    if args.file.suffix.lower() in SHEET_SUFFIXES and args.event:
        return _import_list(db_path, args)
    if args.dry_run or args.yes:
        option = "--dry-run" if args.dry_run else "--yes"
        print(
            f"convener: {option} is for attendee lists (CSV or XLSX with --event)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    with connect(db_path) as db, held(db_path):
        ref = find_event(db, args.event)["slug"] if args.event else None
        report = import_file(db, args.file, ref, allow_replace=args.replace)
    print(report_line(report))
    return 0


def _import_list(db_path: Path, args: argparse.Namespace) -> int:
    """An attendee list: preview it (--dry-run) or merge it, printing what changes."""
    with connect(db_path) as db, held(db_path):
        preview = preview_import(db, args.file, find_event(db, args.event)["slug"])
        result = (
            preview if args.dry_run else apply_import(db, preview, preview.answers(same=args.yes))
        )
    for line in preview_lines(result):
        print(line)
    for warning in result.warnings:
        print(f"convener: warning: {warning}", file=sys.stderr)
    return 0


def resolved_slug(db_path: Path, ref: str) -> str:
    """The slug of the one event `ref` names (exact slug, id, unique prefix, title words)."""
    with connect(db_path, read_only=True) as db:
        return str(find_event(db, ref)["slug"])


def cmd_sample(db_path: Path, args: argparse.Namespace) -> int:
    """Headless `l` of the home screen: what a script or an installer check needs."""
    with connect(db_path) as db, held(db_path):
        reports = load_sample(db)
    for report in reports:
        print(report_line(report))
    return 0


def report_line(report: ImportReport) -> str:
    state = "imported" if report.changed else "already up to date"
    return f"{report.event_title} ({report.event_slug}): {state}. {report.summary()}"


def cmd_events(db_path: Path, args: argparse.Namespace) -> int:
    with connect(db_path, read_only=read_only_for_reading(db_path, args.read_only)) as db:
        events = list_events(db)
    if not events:
        print("No events yet. Try `convener demo` or `convener import FILE`.")
        return 0
    for e in events:
        place = ", ".join(p for p in (e["venue"], e["city"]) if p)
        print(
            f"{e['slug']}\t{e['date'] or ''}\t{e['status']}\t"
            f"{e['checked_in']}/{e['expected']} checked in\t{e['title']}\t{place}"
        )
    return 0


def read_only_for_reading(db_path: Path, asked: bool) -> bool:
    """A command that only reads opens a write-protected database read-only, and says so."""
    protection = write_protection(db_path) if db_path.exists() else ""
    if protection and not asked:
        print(f"convener: {protection}: opened read-only.", file=sys.stderr)
    return asked or bool(protection)


@contextlib.contextmanager
def held(db_path: Path) -> Iterator[None]:
    """Hold the instance guard shared while writing: a restore or erasure waits its turn."""
    lock = InstanceLock(db_path)
    holder = lock.acquire()
    if holder is not None:
        raise DatabaseError(
            f"{db_path} is being restored, upgraded or erased by {in_use_by(holder)}; "
            "try again when that is done"
        )
    try:
        yield
    finally:
        lock.release()


def cmd_export(db_path: Path, args: argparse.Namespace) -> int:
    if args.format.strip().lower() == HQ_FORMAT:
        return _export_hq(db_path, args)
    formats = parse_formats(args.format)  # a mistyped format is said before the file opens
    level = FULL if args.unredacted else level_named(args.level)
    with connect(db_path, read_only=True) as db:
        paths = export_salvaging(db, args, formats, level)
    for path in paths:
        print(path)
    cloud = cloud_synced(paths[0].parent) if paths and level.confirm else None
    if cloud:
        print(
            f"convener: warning: {paths[0].parent} is inside {cloud}, which copies files off "
            f"this computer; the {level.label.lower()} export names people",
            file=sys.stderr,
        )
    return 0


def _export_hq(db_path: Path, args: argparse.Namespace) -> int:
    """The head-office file: always the public level (docs/hq.md)."""
    if args.unredacted or level_named(args.level) is not PUBLIC:
        print("convener: the hq file is always written at the public level", file=sys.stderr)
        return EXIT_USAGE
    with connect(db_path, read_only=True) as db:
        print(export_hq(db, str(find_event(db, args.event)["slug"]), args.out))
    return 0


def cmd_sheet(db_path: Path, args: argparse.Namespace) -> int:
    with connect(db_path, read_only=True) as db:
        slug = find_event(db, args.event)["slug"]
        paths = export_sheet(db, slug, out_dir=args.out)
    for path in paths:
        print(path)
    return 0


def export_salvaging(
    db: Database, args: argparse.Namespace, formats: Sequence[str], level: Level
) -> list[Path]:
    """Export; if the file turns out damaged, export what can still be read, and say what not."""

    def run(source: Database) -> list[Path]:
        slug = str(find_event(source, args.event)["slug"])
        return export_event(source, slug, formats, out_dir=args.out, level=level)

    try:
        return run(db)
    except sqlite3.DatabaseError as exc:
        if not is_corruption(exc):
            raise
    rescued, lost = salvage(db)
    for problem in lost:
        print(f"convener: salvage: {problem}", file=sys.stderr)
    print(
        "convener: the database is damaged; these files hold what could still be read.",
        file=sys.stderr,
    )
    with rescued:
        return run(rescued)


def cmd_backup(db_path: Path, args: argparse.Namespace) -> int:
    with connect(db_path, read_only=True) as db:
        dest = backup_to(db, args.dest or default_backup_path(db_path))
    print(dest)
    return 0


def cmd_restore(db_path: Path, args: argparse.Namespace) -> int:
    kept = restore_from(args.src, db_path)
    print(f"restored {db_path} from {args.src}; the previous database was kept as {kept}")
    return 0


def cmd_erase(db_path: Path, args: argparse.Namespace) -> int:
    if not db_path.exists():
        raise DatabaseError(f"{db_path}: no such database")
    with connect(db_path) as db:
        event = find_event(db, args.event)
        done = erase_person(db, event["id"], args.person, all_events=args.all_events)
    print(done.summary())
    print(done.copies_text())
    return 0


WRITING = ("import", "restore", "erase", "sample", "sync", "device")
COMMANDS: dict[str, Callable[[Path, argparse.Namespace], int]] = {
    "import": cmd_import,
    "events": cmd_events,
    "sample": cmd_sample,
    "export": cmd_export,
    "sheet": cmd_sheet,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "erase": cmd_erase,
    "sync": cmd_sync,
    "device": cmd_device,
    "serve": cmd_serve,
    "served-session": cmd_served_session,
    "hq": cmd_hq,
}


if __name__ == "__main__":
    raise SystemExit(main())
