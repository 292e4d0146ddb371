"""The one SQLite library Convener uses, for plain and encrypted files alike.

Every connection is made by `sqlite_connect`, through SQLCipher's DB-API module
(`sqlcipher3.dbapi2`): it carries a recent SQLite on Windows, macOS and Linux and opens an
unencrypted file as plain SQLite. Two reasons not to use the standard library's `sqlite3`:

- Python 3.11's `sqlite3` links SQLite 3.40, inside the range of SQLite's WAL-reset bug
  (3.7.0 to 3.51.2), which can corrupt a database when two connections write or
  checkpoint at once: exactly `convener import` beside the open app, or two windows.
- Two SQLite libraries in one process each keep their own POSIX locks on a file, and
  closing a file in one drops the other's locks. One library per process avoids that.

SQLCipher raises its own exception classes, which sqlite-utils and Convener's
`except sqlite3.OperationalError` clauses would not catch: `TranslatingConnection`
re-raises each as the standard-library class of the same name.
"""

from __future__ import annotations

import functools
import logging
import sqlite3
from collections.abc import Callable, Iterator
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from typing import Any, cast

from convener.storage import lazy
from convener.storage.errors import DatabaseError

INSTALL_HINT = "reinstall Convener: its sqlcipher3 package is missing (pip install sqlcipher3)"
# The WAL-reset fix: 3.51.3, and its backports to 3.44.6 and 3.50.7.
SAFE_SINCE = (3, 51, 3)
SAFE_BACKPORTS = ((3, 44, 6), (3, 50, 7))
_CURSOR_METHODS = frozenset({"execute", "executemany", "executescript", "cursor"})
log = logging.getLogger("convener.storage.db")


def _dbapi() -> Any:
    try:
        return lazy.sqlcipher()
    except ImportError:
        raise DatabaseError(f"Convener cannot open databases: {INSTALL_HINT}") from None


def sqlite_version() -> str:
    """The version of the SQLite library every Convener connection uses."""
    return str(_dbapi().sqlite_version)


def is_safe(version: str) -> bool:
    """True for SQLite versions without the WAL-reset bug (3.51.3+, 3.44.6, 3.50.7)."""
    parts = tuple(int(p) for p in version.split(".")[:3])
    if parts >= SAFE_SINCE:
        return True
    return any(parts[:2] == fixed[:2] and parts >= fixed for fixed in SAFE_BACKPORTS)


def describe() -> str:
    """`SQLite 3.53.4 (sqlcipher3 0.6.4)`: what `--version` and the help screen show."""
    try:
        driver = f"sqlcipher3 {package_version('sqlcipher3')}"
    except PackageNotFoundError:
        driver = "sqlcipher3"
    return f"SQLite {sqlite_version()} ({driver})"


def about() -> str:
    """`Convener 0.1.0, SQLite 3.53.4 (sqlcipher3 0.6.4)`: which code is handling the data."""
    try:
        own = package_version("convener")
    except PackageNotFoundError:
        own = "(not installed)"
    return f"Convener {own}, {describe()}"


@functools.cache
def _announce() -> None:
    log.info("using %s", describe())


def require_safe_version(version: str | None = None) -> None:
    """Refuse to write with an SQLite that has the WAL-reset bug: say which one and why."""
    found = version or sqlite_version()
    if not is_safe(found):
        raise DatabaseError(
            f"this SQLite ({found}) has a bug that can corrupt a database written by two "
            "programs at once; reinstall Convener to get SQLite 3.51.3 or newer"
        )


def sqlite_connect(target: str, *, uri: bool = False, **options: Any) -> sqlite3.Connection:
    """A connection through the one driver, raising standard `sqlite3` exceptions."""
    dbapi2 = _dbapi()
    _announce()
    options.setdefault("check_same_thread", False)
    try:
        raw = dbapi2.connect(target, uri=uri, **options)
    except dbapi2.Error as exc:
        raise translate(exc) from exc
    return cast(sqlite3.Connection, TranslatingConnection(raw))


def on_close(conn: sqlite3.Connection, cleanup: Callable[[], None]) -> None:
    """Run `cleanup` once `conn` is closed (a read-only session removing its side files)."""
    object.__setattr__(conn, "_on_close", cleanup)


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
    return value._inner if isinstance(value, TranslatingConnection) else value


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
        return TranslatingConnection(result) if wrap_result else result

    return call


class TranslatingConnection:
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

    def close(self) -> None:
        try:
            _guard(self._inner.close, wrap_result=False)()
        finally:
            cleanup = self.__dict__.pop("_on_close", None)
            if cleanup is not None:
                cleanup()

    def __enter__(self) -> TranslatingConnection:
        _guard(self._inner.__enter__, wrap_result=False)()
        return self

    def __exit__(self, *exc: object) -> Any:
        return _guard(self._inner.__exit__, wrap_result=False)(*exc)
