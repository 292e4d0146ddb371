"""`convener sync ...` and `convener device ...`: bundles between laptops at one event.

Kept apart from convener.tui.cli so that module stays readable; cli adds these parsers and
handlers to its own. The work is done in convener.storage.sync (docs/sync.md).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from convener.storage.db.connection import connect
from convener.storage.db.raw import passphrase_from_env
from convener.storage.errors import DatabaseError, SyncRefusedError
from convener.storage.event_lookup import find_event
from convener.storage.sync.bundle import Exported, export_bundle, import_bundle, needs_code
from convener.storage.sync.device import adopt_clone, clone_event
from convener.storage.sync.merge import MergeReport
from convener.storage.sync.state import fingerprint
from convener.storage.text import clean_line

CODE_ENV = "CONVENER_TRANSFER_CODE"
EVENT_HELP = "slug, id, the start of a slug, or words of the title"


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `sync` and `device` commands, added to the `convener` parser."""
    sync = sub.add_parser("sync", help="carry an event between laptops (bundles on a USB stick)")
    steps = sync.add_subparsers(dest="sync_command", metavar="STEP", required=True)
    p = steps.add_parser("export", help="write this laptop's bundle of EVENT into DIR")
    p.add_argument("event", metavar="EVENT", help=EVENT_HELP)
    p.add_argument("--to", type=Path, required=True, metavar="DIR", help="folder (a USB stick)")
    p = steps.add_parser("import", help="merge bundles from other laptops, in any order")
    p.add_argument("files", type=Path, nargs="+", metavar="FILE")
    p.add_argument(
        "--code", help=f"the transfer code shown on the exporting laptop (or ${CODE_ENV})"
    )
    device = sub.add_parser("device", help="prepare another laptop for one event")
    steps = device.add_subparsers(dest="device_command", metavar="STEP", required=True)
    p = steps.add_parser("clone", help="write EVENT to FILE for another laptop")
    p.add_argument("event", metavar="EVENT", help=EVENT_HELP)
    p.add_argument("--out", type=Path, required=True, metavar="FILE")
    p = steps.add_parser("adopt", help="take an event from a clone FILE (this laptop's own id)")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--code", help=f"the transfer code shown on the other laptop (or ${CODE_ENV})")


def cmd_sync(db_path: Path, args: argparse.Namespace) -> int:
    if args.sync_command == "export":
        return _export(db_path, args)
    _require(db_path)
    failed = 0
    with connect(db_path) as db:
        for path in args.files:
            try:
                header, report = import_bundle(db, path, _key(path, args.code))
            except SyncRefusedError as exc:
                print(f"convener: {exc}", file=sys.stderr)
                failed += 1
                continue
            print(f"{path.name}: merged into {header['event_slug']}")
            _print_report(report)
            print(f"  fingerprint: {fingerprint(db, header['event_id'])[:16]}")
    return 1 if failed else 0


def cmd_device(db_path: Path, args: argparse.Namespace) -> int:
    if args.device_command == "clone":
        _require(db_path)
        with connect(db_path) as db:
            event = find_event(db, args.event)
            done = clone_event(db, event["id"], args.out, passphrase=passphrase_from_env())
        _say_written(done, "clone file")
        print("on the other laptop: convener device adopt FILE")
        return 0
    key = _key(args.file, args.code)  # asked before the database is made or opened
    with connect(db_path) as db:
        header, report = adopt_clone(db, args.file, key)
        device = db.execute("SELECT value FROM settings WHERE key = 'device_id'").fetchone()[0]
    print(f"adopted {header['event_slug']} on this laptop (device {device[:8]})")
    _print_report(report)
    return 0


def _export(db_path: Path, args: argparse.Namespace) -> int:
    _require(db_path)
    with connect(db_path) as db:
        event = find_event(db, args.event)
        done = export_bundle(db, event["id"], args.to, passphrase=passphrase_from_env())
        print(f"fingerprint of {event['slug']} here: {fingerprint(db, event['id'])[:16]}")
    _say_written(done, "bundle")
    return 0


def _say_written(done: Exported, what: str) -> None:
    print(f"wrote {what} {done.path}")
    if done.code:
        print(f"transfer code (type it on the other laptop): {done.code}")
    else:
        print("it is locked with this database's passphrase")


def _print_report(report: MergeReport) -> None:
    for line in report.lines():
        print(f"  {clean_line(line)}")


def _key(path: Path, code: str | None) -> str:
    """The passphrase or transfer code that opens `path`, asked for when not given."""
    if not needs_code(path):
        passphrase = passphrase_from_env()
        if passphrase:
            return passphrase
        return _ask(f"passphrase of the database that exported {path.name}: ")
    code = code or os.environ.get(CODE_ENV)
    if code:
        return code
    return _ask(f"transfer code of {path.name} (shown on the exporting laptop): ")


def _ask(prompt: str) -> str:
    if not sys.stdin.isatty():
        raise SyncRefusedError(
            f"{prompt.rstrip(': ')} is needed: pass --code CODE or set ${CODE_ENV}"
        )
    return getpass.getpass(prompt)


def _require(db_path: Path) -> None:
    if not db_path.exists():
        raise DatabaseError(f"{db_path}: no such database")
