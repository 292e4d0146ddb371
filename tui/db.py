"""The UI's door to the database thread: await a job without blocking the event loop."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from convener.storage.db.writer import Writer

if TYPE_CHECKING:
    from sqlite_utils import Database

T = TypeVar("T")


class DatabaseGateway:
    """Wraps the storage writer so screens can `await gateway.write(fn)` / `read(fn)`."""

    def __init__(self, writer: Writer) -> None:
        self.writer = writer

    @property
    def read_only(self) -> bool:
        return self.writer.read_only

    async def read(self, job: Callable[[Database], T]) -> T:
        return await asyncio.wrap_future(self.writer.submit(job, write=False))

    async def write(self, job: Callable[[Database], T]) -> T:
        return await asyncio.wrap_future(self.writer.submit(job, write=True))

    async def read_plain(self, job: Callable[[sqlite3.Connection], T]) -> T:
        """A read on the bare connection (the home screen's): no wait for sqlite-utils."""
        return await asyncio.wrap_future(self.writer.submit_plain(job))

    def warm_up(self) -> None:
        """Load sqlite-utils on the database thread now that the first screen is drawn."""
        self.writer.warm_up()
