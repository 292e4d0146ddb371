"""The heavy third-party modules, loaded on first use, and the platform's own locking
module: the one module that imports inside functions.

The home screen needs none of `HEAVY`, so none is imported before it is drawn (a test checks
`sys.modules`); each loads when a feature first needs it, or on the database thread after
the first frame. A new heavy dependency (PDF, fuzzy matching, web serving) gets a function
here and a name in `HEAVY`. Convener's own modules are never imported this way.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlite_utils import Database

# Kept out of start-up: whatever the first screen does not need.
HEAVY: tuple[str, ...] = ("sqlite_utils", "yaml", "docx", "openpyxl", "lxml", "PIL")
# Loaded only where present and asked for (an encrypted database).
OPTIONAL: tuple[str, ...] = ("sqlcipher3",)


def database(conn: sqlite3.Connection) -> Database:
    """sqlite-utils' Database over an open connection (the connection factory's last step)."""
    from sqlite_utils import Database

    return Database(conn)


def dedupe_keys(keys: Iterable[str]) -> list[str]:
    """Column names made unique as `Database.query` makes them (`id`, `id_2`)."""
    from sqlite_utils.utils import dedupe_keys

    return dedupe_keys(keys)


def yaml() -> Any:
    """PyYAML, for event files and the taxonomy (read through convener.storage.yamlsafe)."""
    import yaml

    return yaml


def docx() -> Any:
    """python-docx, for the Word report."""
    import docx

    return docx


def etree() -> Any:
    """lxml's etree, which python-docx documents are made of."""
    from lxml import etree

    return etree


def openpyxl() -> Any:
    """openpyxl, for attendee lists sent as .xlsx."""
    import openpyxl

    return openpyxl


def sqlcipher() -> Any:
    """SQLCipher's DB-API module; ImportError where the package is not installed."""
    from sqlcipher3 import dbapi2

    return dbapi2


def posix_locks() -> Any:
    """fcntl (Linux, macOS): absent on Windows, so never imported at module level."""
    import fcntl

    return fcntl


def windows_locks() -> Any:
    """msvcrt (Windows only)."""
    import msvcrt

    return msvcrt
