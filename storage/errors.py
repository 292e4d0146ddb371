"""Errors the core raises for people to read: each says what is wrong and where."""

from __future__ import annotations

from pathlib import Path


class ConvenerError(Exception):
    """Base for every error Convener reports to a user as one clear sentence."""


class DatabaseError(ConvenerError):
    """The database cannot be opened or used as asked."""


class ReadOnlyError(DatabaseError):
    """A write was asked of a database opened read-only."""


class CorruptDatabaseError(DatabaseError):
    """The file is damaged or is not a Convener database; `copy_path` is the copy kept aside."""

    def __init__(self, message: str, copy_path: Path | None = None) -> None:
        super().__init__(message)
        self.copy_path = copy_path


class NewerSchemaError(DatabaseError):
    """The database was written by a newer Convener: it can be read, never written."""

    def __init__(self, version: int, latest: int, where: str = "this database") -> None:
        self.version = version
        self.latest = latest
        super().__init__(
            f"{where} was written by a newer Convener (schema {version}, this version knows "
            f"{latest}): open it read-only, or upgrade Convener to change it"
        )


class PassphraseError(DatabaseError):
    """An encrypted database and a missing or wrong passphrase."""


class NotFoundError(ConvenerError):
    """An event, person or note named by the user does not exist."""


class ValidationError(ConvenerError):
    """Input that cannot be stored; `problems` lists every `where: what` found."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        shown = "; ".join(problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        # Located problems (`file:12: field: ...`) already name the file: say it once.
        located = bool(problems) and all(p.startswith(f"{source}:") for p in problems[:5])
        super().__init__(f"{shown}{more}" if located else f"{source}: {shown}{more}")


class SyncRefusedError(ConvenerError):
    """A bundle or clone file that is not taken: nothing was changed (the message says why)."""
