"""Bare SQLite handles, opened without PRAGMAs or checks: for probing and copying files.

The lowest layer of `db/`: the connection factory, the integrity checks and backups all
open files through here, so plain and encrypted databases are handled in one place.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any, Protocol

from convener.storage.db.cipher import open_encrypted
from convener.storage.errors import PassphraseError

PASSPHRASE_ENV = "CONVENER_PASSPHRASE"


class Queryable(Protocol):
    """What a plain read needs: a bare connection or sqlite-utils' Database both qualify.

    The home screen's queries take one, so they run before sqlite-utils is loaded.
    """

    def execute(self, sql: str, parameters: Any = ..., /) -> sqlite3.Cursor: ...


def passphrase_from_env() -> str | None:
    """The passphrase set in the environment, if any (empty means none)."""
    return os.environ.get(PASSPHRASE_ENV) or None


def open_raw(
    path: Path, *, read_only: bool = False, passphrase: str | None = None
) -> sqlite3.Connection:
    """A bare connection (no PRAGMAs, no checks) for copying files: backups and restores.

    `passphrase` defaults to `CONVENER_PASSPHRASE`, so an encrypted database is copied
    encrypted with the same key, never into a plain file.
    """
    passphrase = passphrase if passphrase is not None else passphrase_from_env()
    target = read_only_uri(path) if read_only else str(path)
    if passphrase:
        return open_encrypted(target, passphrase, uri=read_only)
    return sqlite3.connect(target, uri=read_only, check_same_thread=False)


def probe(conn: sqlite3.Connection, path: Path, *, encrypted: bool) -> None:
    """Read the schema once: with SQLCipher, that is when a wrong passphrase shows."""
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        if encrypted and "not a database" in str(exc):
            raise PassphraseError(
                f"{path} cannot be read with this passphrase: the passphrase is wrong, "
                "or the file is not an encrypted Convener database"
            ) from None
        raise


def read_only_uri(path: Path, *, immutable: bool = False) -> str:
    """A `mode=ro` URI for `path`; quoted, so `?`, `#` or `%` in a folder name stay literal."""
    return f"{path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if immutable else "")


def schema_version(path: Path, passphrase: str | None = None) -> int:
    """The schema version recorded in the file, read without changing anything."""
    conn = open_raw(path, read_only=True, passphrase=passphrase)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()
