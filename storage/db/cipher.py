"""Encryption at rest with SQLCipher, behind the same interface as a plain connection.

Plain and encrypted files are opened by the same driver (convener.storage.db.driver); an
encrypted one is keyed right after opening, with the key derived once per file and process.
"""

from __future__ import annotations

import functools
import hashlib
import sqlite3
from typing import Any
from urllib.parse import unquote, urlsplit

from convener.storage import lazy
from convener.storage.db.driver import INSTALL_HINT, sqlite_connect, translate

__all__ = ["INSTALL_HINT", "available", "derived_key", "open_encrypted", "quote", "translate"]

KDF_ITER = 256_000  # SQLCipher 4's default


def available() -> bool:
    """True when SQLCipher can be used on this machine."""
    try:
        lazy.sqlcipher()
    except ImportError:
        return False
    return True


def quote(passphrase: str) -> str:
    """The passphrase as an SQL string literal (PRAGMA key takes no parameters)."""
    return "'" + passphrase.replace("'", "''") + "'"


def open_encrypted(
    target: str, passphrase: str, *, uri: bool = False, **options: Any
) -> sqlite3.Connection:
    """A SQLCipher connection keyed with `passphrase`, typed and behaving as a plain one.

    `options` are those of `sqlite3.connect`. A wrong passphrase is only noticed at the
    first read: `connect` checks for it.
    """

    def keyed(key: str) -> sqlite3.Connection:
        conn = sqlite_connect(target, uri=uri, **options)
        # SQLCipher logs decryption failures to stderr, which would draw over the TUI.
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = {key}")
        return conn

    salt = _salt(target, uri=uri)
    if salt is None:  # a new file: SQLCipher chooses its salt when it first writes
        return keyed(quote(passphrase))
    conn = keyed(f"\"x'{derived_key(passphrase, salt)}'\"")
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.DatabaseError as exc:
        conn.close()
        if "not a database" not in str(exc):
            raise
    # Made with other cipher settings, or a wrong passphrase: let SQLCipher decide.
    return keyed(quote(passphrase))


@functools.lru_cache(maxsize=32)
def derived_key(passphrase: str, salt: bytes) -> str:
    """SQLCipher 4's key for `passphrase` and a file's salt, as hex (PBKDF2-SHA512, 256,000
    rounds). Derived once per file and process: each later connection opens in
    milliseconds instead of repeating a quarter-second derivation."""
    return hashlib.pbkdf2_hmac("sha512", passphrase.encode(), salt, KDF_ITER, 32).hex()


def _salt(target: str, *, uri: bool) -> bytes | None:
    """The salt SQLCipher keeps in the first 16 bytes of an existing encrypted file."""
    path = unquote(urlsplit(target).path) if uri else target
    try:
        with open(path, "rb") as handle:
            salt = handle.read(16)
    except OSError:
        return None
    return salt if len(salt) == 16 and salt != b"SQLite format 3\x00" else None
