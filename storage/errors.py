"""Errors the core raises for people to read: each says what is wrong and where."""

from __future__ import annotations


class ConvenerError(Exception):
    """Base for every error Convener reports to a user as one clear sentence."""


class DatabaseError(ConvenerError):
    """The database cannot be opened or used as asked."""


class ReadOnlyError(DatabaseError):
    """A write was asked of a database opened read-only."""


class NotFoundError(ConvenerError):
    """An event, person or note named by the user does not exist."""


class ValidationError(ConvenerError):
    """Input that cannot be stored; `problems` lists every `where: what` found."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        shown = "; ".join(problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"{source}: {shown}{more}")
