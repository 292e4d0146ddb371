"""Encryption at rest with SQLCipher, behind the same interface as a plain connection.

SQLCipher (the `sqlcipher3` package) raises its own exception classes, which sqlite-utils
and Convener's `except sqlite3.OperationalError` clauses would not catch: a locked database
would crash instead of being retried. `TranslatingConnection` re-raises each of them as the
standard-library class of the same name, so the rest of the code cannot tell the difference.
"""

from __future__ import annotations

import functools
import hashlib
import sqlite3
from collections.abc import Callable, Iterator
from typing import Any, cast
from urllib.parse import unquote, urlsplit

from convener.storage import lazy
from convener.storage.errors import DatabaseError

KDF_ITER = 256_000  # SQLCipher 4's default
INSTALL_HINT = "reinstall Convener: its sqlcipher3 package is missing (pip install sqlcipher3)"
_CURSOR_METHODS = frozenset({"execute", "executemany", "executescript", "cursor"})


def available() -> bool:
    """True when SQLCipher can be used on this machine."""
    try:
        lazy.sqlcipher()
    except ImportError:
        return False
    return True


def translate(exc: BaseException) -> BaseException:
    """The standard sqlite3 exception matching a SQLCipher one (others unchanged)."""
    module = type(exc).__module__
    if not module.startswith("sqlcipher3"):
        return exc
    cls = getattr(sqlite3, type(exc).__name__, None)
    if not (isinstance(cls, type) and issubclass(cls, sqlite3.Error)):
        return exc
    twin = cls(*exc.args)
    for attr in ("sqlite_errorcode", "sqlite_errorname"):
        if hasattr(exc, attr):
            setattr(twin, attr, getattr(exc, attr))
    return twin


def _unwrap(value: Any) -> Any:
    return value._inner if isinstance(value, _Translating) else value


def _guard(method: Callable[..., Any], wrap_result: bool) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            result = method(*map(_unwrap, args), **{k: _unwrap(v) for k, v in kwargs.items()})
        except Exception as exc:
            twin = translate(exc)
            if twin is exc:
                raise
            raise twin from exc
        return _Translating(result) if wrap_result else result

    return call


class _Translating:
    """A connection or cursor whose every call raises standard sqlite3 exceptions."""

    def __init__(self, inner: Any) -> None:
        object.__setattr__(self, "_inner", inner)

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._inner, name)
        if callable(value):
            return _guard(value, wrap_result=name in _CURSOR_METHODS)
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._inner, name, value)

    def __iter__(self) -> Iterator[Any]:
        fetch = _guard(self._inner.fetchone, wrap_result=False)
        while (row := fetch()) is not None:
            yield row

    def __enter__(self) -> _Translating:
        _guard(self._inner.__enter__, wrap_result=False)()
        return self

    def __exit__(self, *exc: object) -> Any:
        return _guard(self._inner.__exit__, wrap_result=False)(*exc)


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
    try:
        dbapi2 = lazy.sqlcipher()
    except ImportError:
        raise DatabaseError(f"encryption needs SQLCipher: {INSTALL_HINT}") from None
    options.setdefault("check_same_thread", False)

    def keyed(key: str) -> _Translating:
        try:
            raw = dbapi2.connect(target, uri=uri, **options)
        except dbapi2.Error as exc:
            raise translate(exc) from exc
        conn = _Translating(raw)
        # SQLCipher logs decryption failures to stderr, which would draw over the TUI.
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = {key}")
        return conn

    salt = _salt(target, uri=uri)
    if salt is None:  # a new file: SQLCipher chooses its salt when it first writes
        return cast(sqlite3.Connection, keyed(quote(passphrase)))
    conn = keyed(f"\"x'{derived_key(passphrase, salt)}'\"")
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return cast(sqlite3.Connection, conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        if "not a database" not in str(exc):
            raise
    # Made with other cipher settings, or a wrong passphrase: let SQLCipher decide.
    return cast(sqlite3.Connection, keyed(quote(passphrase)))


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
