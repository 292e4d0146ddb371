"""The head-office file of one event (`convener export EVENT --format hq`): its tables and keys.

A plain SQLite file. Its public tables hold what a public report holds (event facts, the
report's own counts, named rows only for people who agreed to be named, notes and action
items scrubbed as in every public export). Its pseudonymous tables (`p_value`, `p_checkin`)
let head office merge two door laptops of one event without any table that joins one
person's sex to their district: each dimension keys a person by its own pseudonym, an HMAC
of the attendee id under the event's secret (`events.hq_secret`, never written here) and the
dimension's name. docs/hq.md gives the privacy reasoning.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from convener.storage.hlc import Stamp
from convener.storage.reports.tallies import NOT_RECORDED, Participation, Tally
from convener.storage.text import name_key

KIND = "convener-hq"
VERSION = 1
SUFFIX = ".hq.sqlite"
# PRAGMA application_id of a head-office file ("CVHQ"), so a database is never taken for one.
APPLICATION_ID = 0x43564851
# Every dimension a person is counted by. `person` carries consent (named or not); `source`
# says expected or walk-in; the others are the report's tables, plus the attendee's district.
DIMENSIONS = ("person", "source", "sex", "age_band", "stakeholder_group", "disability", "district")
# Where each dimension's value comes from in the report's attendee rows.
COLUMN = {
    "source": "source",
    "sex": "gender",
    "age_band": "age_band",
    "stakeholder_group": "stakeholder_group",
    "disability": "disability",
    "district": "district",
}
# Consent as head office needs it, least private first: named only if every file says yes.
PRIVACY_ORDER = ("yes", "not_asked", "no", "protected")
_MASK_BITS = 80  # stamps are below 2**58: an 80-bit offset hides where one falls

SCHEMA = """
CREATE TABLE hq_file (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE event (
  id TEXT NOT NULL, slug TEXT NOT NULL, title TEXT, kind TEXT, date TEXT, end_date TEXT,
  city TEXT, district TEXT, province TEXT, country TEXT, status TEXT, funder TEXT, project TEXT
);
CREATE TABLE tally (
  dimension TEXT NOT NULL, position INTEGER NOT NULL, code TEXT NOT NULL, label TEXT NOT NULL,
  count INTEGER NOT NULL, PRIMARY KEY (dimension, position)
);
CREATE TABLE named (
  person TEXT PRIMARY KEY, stamp TEXT NOT NULL, name TEXT, designation TEXT, organisation TEXT,
  stakeholder_group TEXT, sex TEXT, age_band TEXT, district TEXT, source TEXT,
  link_key TEXT NOT NULL
);
CREATE TABLE point (
  note TEXT PRIMARY KEY, stamp TEXT NOT NULL, withdrawn INTEGER NOT NULL, noted_at TEXT,
  speaker TEXT, kind TEXT, text TEXT, addressed_to TEXT, agenda_position INTEGER,
  agenda_title TEXT, tags TEXT
);
CREATE TABLE action (
  item TEXT PRIMARY KEY, stamp TEXT NOT NULL, who TEXT, what TEXT, due_date TEXT, status TEXT
);
CREATE TABLE p_value (
  dimension TEXT NOT NULL, pseudonym TEXT NOT NULL, value TEXT NOT NULL, stamp TEXT NOT NULL,
  tie TEXT NOT NULL, PRIMARY KEY (dimension, pseudonym)
) WITHOUT ROWID;
CREATE TABLE p_checkin (
  dimension TEXT NOT NULL, checkin TEXT NOT NULL, pseudonym TEXT NOT NULL,
  undone INTEGER NOT NULL, PRIMARY KEY (dimension, checkin)
) WITHOUT ROWID;
CREATE TABLE p_gone (
  dimension TEXT NOT NULL, pseudonym TEXT NOT NULL, PRIMARY KEY (dimension, pseudonym)
) WITHOUT ROWID;
"""
# The tables and their columns in order: what a reader expects and the checksum covers.
TABLES: dict[str, tuple[str, ...]] = {
    "event": tuple(
        [
            "id",
            "slug",
            "title",
            "kind",
            "date",
            "end_date",
            "city",
            "district",
            "province",
            "country",
            "status",
            "funder",
            "project",
        ]
    ),
    "tally": ("dimension", "position", "code", "label", "count"),
    "named": tuple(
        [
            "person",
            "stamp",
            "name",
            "designation",
            "organisation",
            "stakeholder_group",
            "sex",
            "age_band",
            "district",
            "source",
            "link_key",
        ]
    ),
    "point": tuple(
        [
            "note",
            "stamp",
            "withdrawn",
            "noted_at",
            "speaker",
            "kind",
            "text",
            "addressed_to",
            "agenda_position",
            "agenda_title",
            "tags",
        ]
    ),
    "action": ("item", "stamp", "who", "what", "due_date", "status"),
    "p_value": ("dimension", "pseudonym", "value", "stamp", "tie"),
    "p_checkin": ("dimension", "checkin", "pseudonym", "undone"),
    "p_gone": ("dimension", "pseudonym"),
}
# PRIMARY KEY order: rows are written and checksummed in it, so row order says nothing.
ORDER = {
    "event": "id",
    "tally": "dimension, position",
    "named": "person",
    "point": "note",
    "action": "item",
    "p_value": "dimension, pseudonym",
    "p_checkin": "dimension, checkin",
    "p_gone": "dimension, pseudonym",
}


def _mac(secret: str, *parts: str) -> bytes:
    message = "\x1f".join(parts).encode("utf-8")
    return hmac.new(bytes.fromhex(secret), message, hashlib.sha256).digest()


def key_id(secret: str) -> str:
    """Which secret made a file's pseudonyms, without giving it away: files of one event
    with different key ids cannot be merged (the laptops were not set up from one another)."""
    return _mac(secret, "key-id").hex()[:16]


def pseudonym(secret: str, dimension: str, row_id: str) -> str:
    """The key of a row in one dimension: unlinkable to its key in another without the secret."""
    return _mac(secret, "pseudonym", dimension, row_id).hex()[:32]


def masked_stamp(secret: str, dimension: str, person_id: str, stamp: Stamp) -> str:
    """The stamp's order, shifted by a secret offset of this person in this dimension.

    Two files' stamps of one person in one dimension still compare as the stamps do (last
    writer wins); stamps of different dimensions carry independent offsets, so equal edit
    times do not show that a sex row and a district row are the same person.
    """
    offset = int.from_bytes(_mac(secret, "stamp", dimension, person_id)[:10], "big")
    order = stamp.wall_ms * 100_000 + stamp.counter
    return f"{order + offset:026d}"


def masked_tie(secret: str, dimension: str, person_id: str, device: str) -> str:
    """Breaks a tie of equal stamps as a device order would, without naming the device."""
    return _mac(secret, "tie", dimension, person_id, device).hex()[:16]


def link_key(name_key: str, sex: str) -> str:
    """How head office tells that named rows of two events are one person (both consented)."""
    return hashlib.sha256(f"{name_key}\x1f{sex}".encode()).hexdigest()[:32]


def participation_rows(
    parts: Mapping[str, Participation], districts: Iterable[Tally]
) -> list[tuple[str, int, str, str, int]]:
    """The report's count tables as `tally` rows (dimension, position, code, label, count).

    `parts` gives the Participation each dimension's numbers come from: one report's, or,
    after a merge, one per dimension (each counted on its own pseudonyms).
    """
    totals = parts["source"]
    rows: list[tuple[str, int, str, str, int]] = [
        ("total", 0, "", "Participants", totals.total),
        ("expected", 0, "", "Expected", totals.expected),
        ("expected_attended", 0, "", "Expected who came", totals.expected_attended),
        ("walk_ins", 0, "", "Walk-ins", totals.walk_ins),
    ]
    tables = (
        ("sex", parts["sex"].by_sex),
        ("age_band", parts["age_band"].by_age),
        ("disability", parts["disability"].by_disability),
        ("stakeholder_group", parts["stakeholder_group"].by_group),
        ("district", tuple(districts)),
    )
    for dimension, tallies in tables:
        for position, t in enumerate(tallies):
            # The report's disability lines have no codes: "with" first, then "none recorded".
            code = t.code or ("yes" if position == 0 and dimension == "disability" else "")
            rows.append((dimension, position, code, t.label, t.count))
    return rows


def district_tallies(values: Iterable[str]) -> tuple[Tally, ...]:
    """Attendance by the attendee's own district, largest first, "Not recorded" last."""
    counts = Counter(values)
    known = sorted((d for d in counts if d), key=lambda d: (-counts[d], name_key(d), d))
    rows = [Tally(d, counts[d], d) for d in known]
    return (*rows, Tally(NOT_RECORDED, counts[""])) if counts[""] else tuple(rows)


def content_digest(conn: sqlite3.Connection) -> str:
    """SHA-256 over every row of every table (not hq_file): a change after export shows."""
    digest = hashlib.sha256()
    for table, columns in TABLES.items():
        digest.update(table.encode())
        for row in conn.execute(
            f"SELECT {', '.join(columns)} FROM {table} ORDER BY {ORDER[table]}"
        ):
            digest.update(json.dumps(list(row), ensure_ascii=False).encode("utf-8") + b"\n")
    return digest.hexdigest()


def as_text(value: Any) -> str:
    return "" if value is None else str(value)
