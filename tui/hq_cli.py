"""`convener hq ...`: head office loads events' head-office files and browses them.

Datasette (the optional extra `convener[hq]`) runs as its own process, `python -m
datasette`, only when `hq serve` is typed: nothing here imports it, and the field laptops'
offline bundle leaves it out.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import signal
import subprocess
import tempfile
from pathlib import Path

from convener.storage.db.driver import sqlite_connect
from convener.storage.errors import ConvenerError
from convener.storage.hq.dashboard import dashboard_html
from convener.storage.hq.served import DATABASE, build_served, datasette_command, metadata
from convener.storage.hq.warehouse import SETTINGS, ingest, set_setting

LOOPBACK = "127.0.0.1"
DEFAULT_PORT = 8001


def add_hq_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    hq = sub.add_parser("hq", help="head office: load events' hq files into a warehouse, browse")
    jobs = hq.add_subparsers(dest="hq_command", metavar="JOB", required=True)
    p = jobs.add_parser("ingest", help="load head-office files (export EVENT --format hq)")
    p.add_argument("files", type=Path, nargs="+", metavar="FILE")
    p.add_argument("--into", type=Path, required=True, metavar="WAREHOUSE")
    p = jobs.add_parser("serve", help="browse the warehouse in a web browser (Datasette)")
    p.add_argument("warehouse", type=Path, metavar="WAREHOUSE")
    p.add_argument("--host", default=LOOPBACK, help=f"address to listen on (default {LOOPBACK})")
    p.add_argument("--port", type=int, default=DEFAULT_PORT)
    p = jobs.add_parser("setting", help="change a head-office setting of the warehouse")
    p.add_argument("warehouse", type=Path, metavar="WAREHOUSE")
    p.add_argument("key", choices=sorted(SETTINGS))
    p.add_argument("value", metavar="VALUE", help="person_events: on or off (default off)")


def cmd_hq(db_path: Path, args: argparse.Namespace) -> int:
    if args.hq_command == "ingest":
        print(ingest(args.into, args.files).summary())
    elif args.hq_command == "setting":
        set_setting(args.warehouse, args.key, args.value)
        print(f"{args.key} is {args.value} for {args.warehouse}")
    else:
        return serve(args.warehouse, args.host, args.port)
    return 0


def serve(warehouse: Path, host: str, port: int) -> int:
    """Run Datasette on a copy of the warehouse's public tables until Ctrl+C."""
    if importlib.util.find_spec("datasette") is None:
        raise ConvenerError(
            "Datasette is not installed; install head office's extra: pip install 'convener[hq]'"
        )
    with tempfile.TemporaryDirectory(prefix="convener-hq-serve-") as folder:
        served = Path(folder) / f"{DATABASE}.db"
        with_names = build_served(warehouse, served)
        meta = Path(folder) / "metadata.json"
        meta.write_text(json.dumps(metadata(with_names), indent=2), encoding="utf-8")
        pages = Path(folder) / "dashboard"
        pages.mkdir()
        with contextlib.closing(sqlite_connect(str(served))) as copy:
            (pages / "index.html").write_text(dashboard_html(copy), encoding="utf-8")
        print(f"Serving {warehouse} at http://{host}:{port}/ (Ctrl+C stops)", flush=True)
        process = subprocess.Popen(datasette_command(served, meta, host, port, pages))
        previous = signal.signal(signal.SIGTERM, _interrupted)
        try:
            return process.wait()
        except KeyboardInterrupt:
            return 0
        finally:  # stopped in any way: Datasette stops too, and the copy is removed
            signal.signal(signal.SIGTERM, previous)
            if process.poll() is None:
                process.terminate()
                process.wait()


def _interrupted(signum: int, frame: object) -> None:
    """A `kill` of `hq serve` stops it as Ctrl+C does (its Datasette with it)."""
    raise KeyboardInterrupt
