"""The `.cvsync` file: one laptop's rows of one event, encrypted, with a checksum.

A bundle is written fresh (never a copy of the live database): a new SQLCipher 4 database
is made with Convener's schema, the event's rows are copied into it through ATTACH ... KEY,
and it is wrapped as

    CONVENER-SYNC 1\\n            the magic line
    {"schema": 6, "event_id": ..., "sha256": ..., "size": ..., ...}\\n   one line of JSON
    <the encrypted SQLite file, byte for byte>

The header lets the import refuse a file before decrypting anything: another schema, a
size or SHA-256 that does not match (truncated on the stick, changed after export). The
same header is stored inside the encrypted file too, so a header edited to point at
another event is caught. SQLCipher's per-page HMAC is the second check on every page.
The key is the database passphrase when one is set, otherwise a transfer code shown on
the exporting laptop and typed on the importing one.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from convener.storage.clock import utc_now
from convener.storage.db.connection import connect
from convener.storage.db.migrations import LATEST
from convener.storage.errors import SyncRefusedError
from convener.storage.events import get_event
from convener.storage.rows import this_device
from convener.storage.sync.merge import MergeReport, merge_into
from convener.storage.sync.state import QUERIES, TABLES, EventState, read_event_state

if TYPE_CHECKING:
    from sqlite_utils import Database

MAGIC = b"CONVENER-SYNC 1\n"
MAX_HEADER = 4096
SUFFIX = ".cvsync"
META_KEY = "sync_bundle"
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L, U: read aloud safely
CODE_LENGTH = 20  # about 98 bits: a stolen stick cannot be guessed open


def new_transfer_code() -> str:
    """A code to type on the other laptop, in groups of four: `K7QX-...`."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def code_key(code: str) -> str:
    """The key a typed code stands for: case, spaces and dashes do not matter."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


@dataclass(frozen=True)
class Exported:
    """A written bundle, and the code to type on the other laptop (None: the passphrase)."""

    path: Path
    code: str | None


def export_bundle(
    db: Database,
    event_ref: str,
    out_dir: Path,
    *,
    passphrase: str | None,
    kind: str = "bundle",
    code: str | None = None,
) -> Exported:
    """Write everything this laptop knows of the event to `<event>.<device>.<time>.cvsync`."""
    event = get_event(db, event_ref)
    code = None if passphrase else (code or new_transfer_code())
    key = passphrase or code_key(code or "")
    device = this_device(db)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")[:-4]
    header = {
        "format": 1,
        "kind": kind,
        "schema": LATEST,
        "event_id": event["id"],
        "event_slug": event["slug"],
        "device": device,
        "created": utc_now(),
        "key": "passphrase" if passphrase else "code",
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{event['slug']}.{device[:8]}.{stamp}{SUFFIX}"
    with _scratch() as folder:
        payload = folder / "bundle.db"
        _write_payload(db, payload, key, event["id"], header)
        data = payload.read_bytes()
    header |= {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    _write_private(target, MAGIC + json.dumps(header).encode() + b"\n" + data)
    return Exported(target, code)


def _write_payload(
    db: Database, payload: Path, key: str, event_id: str, header: dict[str, Any]
) -> None:
    """A fresh encrypted database with the schema, then the event's rows copied in."""
    fresh = connect(payload, passphrase=key, check=False)
    fresh.execute("DELETE FROM settings")  # the device id and clock are this laptop's own
    fresh.execute("PRAGMA journal_mode = DELETE")
    fresh.conn.close()
    db.execute("ATTACH DATABASE ? AS bundle KEY ?", [str(payload), key])
    try:
        with db.atomic():
            for table in TABLES:
                select = QUERIES[table].format(s="main", t=table)
                db.execute(f"INSERT INTO bundle.{table} {select}", {"e": event_id})
            db.execute(
                "INSERT INTO bundle.settings(key, value) VALUES (?, ?)",
                [META_KEY, json.dumps(header, sort_keys=True)],
            )
    finally:
        db.execute("DETACH DATABASE bundle")


def _write_private(target: Path, data: bytes) -> None:
    """Write the file 0600 under a temporary name, then move it into place whole."""
    partial = target.with_name(target.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, target)


@contextmanager
def _scratch() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="convener-sync-"))  # 0700
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def read_header(path: Path) -> tuple[dict[str, Any], bytes]:
    """The header and the encrypted payload, checked; SyncRefusedError saying why not."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SyncRefusedError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not raw.startswith(MAGIC):
        raise SyncRefusedError(f"{path} is not a Convener sync bundle or clone file")
    end = raw.find(b"\n", len(MAGIC), len(MAGIC) + MAX_HEADER)
    try:
        header = json.loads(raw[len(MAGIC) : end]) if end > 0 else None
    except ValueError:
        header = None
    if not isinstance(header, dict) or "sha256" not in header:
        raise SyncRefusedError(f"{path} was cut short or changed: its header cannot be read")
    if header.get("schema") != LATEST:
        raise SyncRefusedError(
            f"{path} was written by a Convener with schema {header.get('schema')}, and this one "
            f"has schema {LATEST}: update Convener on both laptops to the same version first"
        )
    payload = raw[end + 1 :]
    if len(payload) != header.get("size"):
        raise SyncRefusedError(
            f"{path} is incomplete ({len(payload)} of {header.get('size')} bytes): "
            "copy it again from the other laptop"
        )
    if hashlib.sha256(payload).hexdigest() != header["sha256"]:
        raise SyncRefusedError(
            f"{path} was changed after it was exported (its checksum does not match): "
            "export it again on the other laptop"
        )
    return header, payload


def needs_code(path: Path) -> bool:
    """True when the file is keyed with a transfer code (not the database passphrase)."""
    header, _ = read_header(path)
    return bool(header.get("key") == "code")


def bundles_in(path: Path) -> list[Path]:
    """The bundles a typed path means: the file itself, or every `.cvsync` in a folder."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix == SUFFIX and p.is_file())
    return [path]


def import_bundle(
    db: Database, path: Path, key: str, *, adopt: bool = False
) -> tuple[dict[str, Any], MergeReport]:
    """Merge the bundle at `path` into `db`; refused (nothing changed) when it is not for
    this laptop's event, of another schema, cut short, changed, or `key` does not open it.

    `adopt` also takes an event this laptop does not have yet (a clone file)."""
    header, payload = read_header(path)
    if header.get("key") == "code":
        key = code_key(key)
    with _scratch() as folder:
        copy = folder / "bundle.db"
        _write_private(copy, payload)
        _attach(db, path, copy, key)
        try:
            inner = _inner_header(db, path)
            if any(inner.get(k) != v for k, v in header.items() if k not in ("size", "sha256")):
                raise SyncRefusedError(
                    f"{path} was changed after it was exported (its header does not match "
                    "its content): export it again on the other laptop"
                )
            _check_event(db, path, header, adopt=adopt)
            incoming = _read_incoming(db, path, header["event_id"])
            report = merge_into(db, incoming, header["event_id"])
        finally:
            db.execute("DETACH DATABASE bundle")
    return header, report


def _attach(db: Database, path: Path, copy: Path, key: str) -> None:
    # SQLCipher logs a failed decryption to stderr, which would draw over the TUI.
    db.execute("PRAGMA cipher_log_level = NONE")
    try:
        db.execute("ATTACH DATABASE ? AS bundle KEY ?", [str(copy), key])
        db.execute("SELECT count(*) FROM bundle.sqlite_master").fetchone()
    except sqlite3.DatabaseError:
        with suppress(sqlite3.DatabaseError):
            db.execute("DETACH DATABASE bundle")
        raise SyncRefusedError(
            f"{path} cannot be opened with that passphrase or transfer code: check it "
            "(the exporting laptop showed the code) and try again"
        ) from None


def _read_incoming(db: Database, path: Path, event_id: str) -> EventState:
    """The bundle's rows; a page that fails SQLCipher's check means the file was changed."""
    try:
        return read_event_state(db, event_id, schema="bundle")
    except sqlite3.DatabaseError:
        raise SyncRefusedError(_CHANGED.format(path=path)) from None


_CHANGED = (
    "{path} was changed after it was exported (a page of it fails its check): "
    "export it again on the other laptop"
)


def _inner_header(db: Database, path: Path) -> dict[str, Any]:
    try:
        # Every page's HMAC, also of pages the merge would never read.
        if db.execute("PRAGMA bundle.cipher_integrity_check").fetchall():
            raise SyncRefusedError(_CHANGED.format(path=path))
        version = db.execute("PRAGMA bundle.user_version").fetchone()[0]
        row = db.execute("SELECT value FROM bundle.settings WHERE key = ?", [META_KEY]).fetchone()
    except sqlite3.DatabaseError:
        raise SyncRefusedError(_CHANGED.format(path=path)) from None
    if version != LATEST or row is None:
        raise SyncRefusedError(f"{path} is not a bundle of this Convener version")
    try:
        return dict(json.loads(row[0]))
    except (ValueError, TypeError):
        raise SyncRefusedError(f"{path} was changed after it was exported") from None


def _check_event(db: Database, path: Path, header: dict[str, Any], *, adopt: bool) -> None:
    """The bundle's event must be this laptop's event of that name (same id)."""
    event_id, slug = header["event_id"], header["event_slug"]
    if db.execute("SELECT 1 FROM events WHERE id = ?", [event_id]).fetchone():
        return
    if db.execute("SELECT 1 FROM events WHERE slug = ?", [slug]).fetchone():
        raise SyncRefusedError(
            f"{path} is from another event that is also called {slug!r} (it was set up "
            "separately on the other laptop): bundles only merge between laptops prepared "
            "with `convener device clone`"
        )
    if not adopt:
        raise SyncRefusedError(
            f"{path} is for event {slug!r}, which this laptop does not have: take it first "
            "with `convener device adopt` on a clone file"
        )


__all__ = [
    "Exported",
    "code_key",
    "export_bundle",
    "import_bundle",
    "needs_code",
    "new_transfer_code",
    "read_header",
]
