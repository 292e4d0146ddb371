"""The UI's door to the database thread: await a job without blocking the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from sqlite_utils import Database

from convener.storage.db.writer import Writer

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
