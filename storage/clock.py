"""Time and identity helpers shared by every table: UTC ISO stamps and UUIDs."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, tzinfo

# Deterministic ids for imported rows: importing the same file twice gives the same ids.
IMPORT_NAMESPACE = uuid.UUID("5b0c8f5e-8a36-4a57-9a56-7d1c6b0f2e11")


def utc_now() -> str:
    """Now in UTC, ISO 8601 with milliseconds, e.g. `2026-11-28T10:42:03.120Z`."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_id() -> str:
    """A random UUID for a row created on this device."""
    return str(uuid.uuid4())


def stable_id(*parts: str) -> str:
    """A UUID derived from its parts, so a re-import finds the row it made before."""
    return str(uuid.uuid5(IMPORT_NAMESPACE, "\x1f".join(parts)))


def parse_utc(stamp: str) -> datetime:
    """Read back a stamp written by `utc_now`."""
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def offset_text(zone: tzinfo | None = None) -> str:
    """`+05:00`: the UTC offset of `zone` now (the computer's own zone if None)."""
    moment = datetime.now(zone) if zone is not None else datetime.now().astimezone()
    minutes = int((moment.utcoffset() or timedelta(0)).total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
