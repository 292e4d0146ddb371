"""Hybrid logical clock: an order for notes, check-ins and edits that a wrong clock cannot break.

A laptop's clock is moved back (a coordinator "fixes" the time, a dead CMOS battery, a
time-zone mix-up) or forward in the middle of a session. Ordering by wall time would then
put later notes before earlier ones. A hybrid logical clock (Kulkarni et al., 2014) stamps
each change with this device's wall time, never going backwards, plus a counter:

    HLC stamp (text, fixed width, so text order is time order):

        000001747200000123-00000-5f0c2a64-…      wall ms (15 digits) - counter (5) - device id

    * wall ms: milliseconds since 1970-01-01 UTC, the largest wall reading seen so far;
    * counter: how many stamps were taken at that same wall ms (0 for the first);
    * device id: `settings.device_id` of the database that stamped it (ties between laptops).

The last stamp is kept in `settings` ('hlc'), so a restart never goes backwards either
(`rows.hlc_stamp` takes stamps for a connection and saves them with the change).
Merging another laptop's records (sync, issue 15) calls `HybridClock.receive` with each
remote stamp, so everything stamped afterwards sorts after what was received.

Jumps are noticed when stamping: a wall reading more than BACK_TOLERANCE behind the previous
one (a jump back, also across restarts), or, within one run, the wall clock running ahead of
the elapsed-time clock by more than FORWARD_TOLERANCE (a jump forward; across a restart a
forward jump looks like time passing and cannot be told apart). Each jump is written to the
audit trail as `clock_jump`, and the summary says so.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

WALL_DIGITS = 15
COUNTER_DIGITS = 5
MAX_COUNTER = 10**COUNTER_DIGITS - 1
BACK_TOLERANCE_MS = 2_000  # NTP nudges a clock by far less than this
FORWARD_TOLERANCE_MS = 5 * 60_000


@dataclass(frozen=True, order=True)
class Stamp:
    """One HLC reading; compares (and its text sorts) as wall ms, then counter, then device."""

    wall_ms: int
    counter: int
    device: str

    def __str__(self) -> str:
        return f"{self.wall_ms:0{WALL_DIGITS}d}-{self.counter:0{COUNTER_DIGITS}d}-{self.device}"

    @classmethod
    def parse(cls, text: str) -> Stamp:
        """Read a stamp written by `str(stamp)`; ValueError if it is not one."""
        wall, counter, device = text.split("-", 2)
        if len(wall) != WALL_DIGITS or len(counter) != COUNTER_DIGITS:
            raise ValueError(f"not an HLC stamp: {text!r}")
        return cls(int(wall), int(counter), device)

    @classmethod
    def from_utc(cls, stamp: str, device: str, counter: int = 0) -> Stamp:
        """The stamp a row written at UTC `stamp` would have had (backfill of old rows)."""
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return cls(round(moment.timestamp() * 1000), counter, device)


@dataclass(frozen=True)
class ClockJump:
    """The wall clock moved by `seconds` (negative: back) between two stamps."""

    before_ms: int
    after_ms: int

    @property
    def seconds(self) -> float:
        return (self.after_ms - self.before_ms) / 1000


def elapsed_clock() -> float:
    """Seconds on a clock nobody can set; counts suspend where the system offers that."""
    if sys.platform != "win32":
        boottime = getattr(time, "CLOCK_BOOTTIME", None)
        if boottime is not None:
            return time.clock_gettime(boottime)
    return time.monotonic()


class HybridClock:
    """Hands out stamps that never go backwards; tells about wall-clock jumps as it goes."""

    def __init__(
        self,
        device: str,
        *,
        wall: Callable[[], float] = time.time,
        elapsed: Callable[[], float] = elapsed_clock,
        last: Stamp | None = None,
        last_physical_ms: int | None = None,
    ) -> None:
        self.device = device
        self.wall = wall
        self.elapsed = elapsed
        self.last = last or Stamp(0, 0, device)
        self.last_physical_ms = last_physical_ms
        self._last_elapsed: float | None = None

    def now(self) -> tuple[Stamp, ClockJump | None]:
        """The next stamp, and the jump noticed while taking it (if any)."""
        physical = int(self.wall() * 1000)
        elapsed = self.elapsed()
        jump = self._jump(physical, elapsed)
        self.last_physical_ms, self._last_elapsed = physical, elapsed
        self.last = self._after(self.last, physical)
        return self.last, jump

    def receive(self, remote: Stamp) -> Stamp:
        """Take in another device's stamp: what is stamped next sorts after it."""
        physical = int(self.wall() * 1000)
        newest = max(self.last, remote)
        wall = max(physical, newest.wall_ms)
        if wall == newest.wall_ms:
            counter = max(self.last.counter if self.last.wall_ms == wall else -1, remote.counter)
            self.last = self._bump(wall, counter + 1)
        else:
            self.last = Stamp(wall, 0, self.device)
        return self.last

    def _after(self, last: Stamp, physical: int) -> Stamp:
        if physical > last.wall_ms:
            return Stamp(physical, 0, self.device)
        return self._bump(last.wall_ms, last.counter + 1)

    def _bump(self, wall: int, counter: int) -> Stamp:
        if counter > MAX_COUNTER:  # 100 000 stamps in one ms: borrow the next ms
            return Stamp(wall + 1, 0, self.device)
        return Stamp(wall, counter, self.device)

    def _jump(self, physical: int, elapsed: float) -> ClockJump | None:
        before = self.last_physical_ms
        if before is None:
            return None
        if physical < before - BACK_TOLERANCE_MS:
            return ClockJump(before, physical)
        if self._last_elapsed is not None:
            expected = before + int((elapsed - self._last_elapsed) * 1000)
            if physical > expected + FORWARD_TOLERANCE_MS:
                return ClockJump(expected, physical)
        return None


def taken_order(hlc: str | None, at: str | None) -> str:
    """The sort key of a row: its stamp, or for a row another tool wrote without one, the
    stamp its wall time would have had (as `SQL_ORDER` computes it in a query)."""
    if hlc:
        return hlc
    if not at:
        return ""
    try:
        return f"{Stamp.from_utc(at, '').wall_ms:0{WALL_DIGITS}d}-{MAX_COUNTER}-"
    except ValueError:
        return ""


def sql_order(hlc: str, at: str) -> str:
    """`taken_order` as an SQL expression over the columns `hlc` and `at`."""
    ms = f"CAST(round((julianday({at}) - 2440587.5) * 86400000) AS INTEGER)"
    return f"coalesce({hlc}, printf('%0{WALL_DIGITS}d-{MAX_COUNTER}-', {ms}))"
