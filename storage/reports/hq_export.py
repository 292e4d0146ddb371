"""`convener export EVENT --format hq`: the event's public content as a head-office file.

What goes in is decided here from the same rules as every public export: the summary at the
public level (scrubbed notes, attributed speakers, the report's own counts), named rows only
for people whose consent is yes (never a protected person), and, for every attendee, one
pseudonymous row per dimension so head office can merge two door laptops (storage/hq/hqfile.py
says how the keys are made; docs/hq.md why head office cannot join them).
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from convener.storage.attendees import ATTENDEE_QUERY
from convener.storage.clock import utc_now
from convener.storage.consent import consent_state
from convener.storage.db.driver import sqlite_connect
from convener.storage.errors import ConvenerError
from convener.storage.events import get_event
from convener.storage.hlc import Stamp
from convener.storage.hq import hqfile
from convener.storage.hq.hqfile import DIMENSIONS, as_text, masked_stamp, masked_tie, pseudonym
from convener.storage.reports.export import file_stem, write_files
from convener.storage.reports.levels import PUBLIC
from convener.storage.reports.redaction import may_name, scrubber_for
from convener.storage.reports.summary import ACTION_QUERY, Summary, build_summary
from convener.storage.reports.tallies import Tally
from convener.storage.rows import every, this_device
from convener.storage.text import name_key

if TYPE_CHECKING:
    from sqlite_utils import Database

Row = tuple[Any, ...]
# Every change to an event's rows moves at least one of these; an erasure leaves its audit row.
_CHANGED = """
SELECT max(at) FROM (
  SELECT updated_at AS at FROM events WHERE id = :e
  UNION ALL SELECT max(updated_at) FROM registrations WHERE event_id = :e
  UNION ALL SELECT max(p.updated_at) FROM people p
    JOIN registrations r ON r.person_id = p.id AND r.event_id = :e
  UNION ALL SELECT max(updated_at) FROM checkins WHERE event_id = :e
  UNION ALL SELECT max(updated_at) FROM notes WHERE event_id = :e
  UNION ALL SELECT max(updated_at) FROM action_items WHERE event_id = :e
  UNION ALL SELECT max(created_at) FROM audit WHERE event_id = :e
)
"""
_HLC = """
SELECT max(h) FROM (
  SELECT max(hlc) AS h FROM checkins WHERE event_id = :e
  UNION ALL SELECT max(hlc) FROM notes WHERE event_id = :e
  UNION ALL SELECT max(v.hlc) FROM note_revisions v JOIN notes n ON n.id = v.note_id
    WHERE n.event_id = :e
)
"""


def hq_file_name(slug: str, device: str) -> str:
    """`quetta-dialogue.3f2a9c1e.hq.sqlite`: one per laptop, so two doors never overwrite."""
    return f"{file_stem(slug)}.{file_stem(device)[:8]}{hqfile.SUFFIX}"


def export_hq(db: Database, event_ref: str, out_dir: Path | None = None) -> Path:
    """Write the event's head-office file atomically (0600) and return its path."""
    summary = build_summary(db, event_ref, level=PUBLIC)
    device = this_device(db)
    with tempfile.TemporaryDirectory(prefix="convener-hq-") as folder:
        temp = Path(folder) / "event.hq.sqlite"
        conn = sqlite_connect(str(temp))
        try:
            write_hq(db, summary, conn, device)
        finally:
            conn.close()
        data = temp.read_bytes()
    name = hq_file_name(summary.facts.slug, device)
    return write_files(summary.facts.slug, [(name, data)], out_dir)[0]


def write_hq(db: Database, summary: Summary, conn: sqlite3.Connection, device: str) -> None:
    """Fill an empty SQLite file with the event's head-office tables."""
    event = get_event(db, summary.facts.slug)
    secret = event.get("hq_secret")
    if not secret:  # only a database this Convener has not yet upgraded (migration 8)
        raise ConvenerError(
            f"event {event['slug']} has no head-office key; open the database once without "
            "--read-only to upgrade it"
        )
    people = _people(db, event["id"])
    tables: dict[str, list[Row]] = {
        "event": [_event_row(event["id"], summary)],
        "tally": hqfile.participation_rows(
            dict.fromkeys(DIMENSIONS, summary.participation), _districts(people)
        ),
        "named": _named(secret, people),
        "point": _points(db, secret, event["id"], summary),
        "action": _actions(db, secret, event["id"], summary),
        "p_value": _values(secret, people),
        "p_checkin": _checkins(db, secret, event["id"]),
        "p_gone": _gone(db, secret, event["id"]),
    }
    conn.executescript(hqfile.SCHEMA)
    for table, rows in tables.items():
        marks = ", ".join("?" * len(hqfile.TABLES[table]))
        conn.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
    meta = {
        "kind": hqfile.KIND,
        "version": str(hqfile.VERSION),
        "level": PUBLIC.code,
        "event_id": event["id"],
        "event_slug": event["slug"],
        "device_id": device,
        "exported_at": utc_now(),
        "high_water": _high_water(db, event["id"], device),
        "key_id": hqfile.key_id(secret),
        "content_sha256": hqfile.content_digest(conn),
    }
    conn.executemany("INSERT INTO hq_file VALUES (?, ?)", sorted(meta.items()))
    conn.execute(f"PRAGMA application_id = {hqfile.APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {hqfile.VERSION}")
    conn.commit()


def _people(db: Database, event_id: str) -> list[dict[str, Any]]:
    """The event's attendees with their free text scrubbed as the public summary scrubs it."""
    registered = every(db, ATTENDEE_QUERY + " ORDER BY r.rowid", [event_id])
    # A registration's own stamp: consent and expected/walk-in change on it, not on the person.
    stamps = {
        r["person_id"]: (r["updated_at"], r["device_id"], r["sync_hlc"])
        for r in every(
            db,
            "SELECT person_id, updated_at, device_id, sync_hlc FROM registrations"
            " WHERE event_id = ?",
            [event_id],
        )
    }
    person_stamps = {
        r["id"]: (r["updated_at"], r["device_id"], r["sync_hlc"])
        for r in every(
            db,
            "SELECT p.id, p.updated_at, p.device_id, p.sync_hlc FROM people p"
            " JOIN registrations r ON r.person_id = p.id WHERE r.event_id = ?",
            [event_id],
        )
    }
    protected = every(db, "SELECT name, phone, id_number, email FROM people WHERE protected = 1")
    scrub = scrubber_for(protected, registered, unredacted=False)
    return [
        {
            **row,
            **{k: scrub(row.get(k)) for k in ("designation", "organisation", "district")},
            "registration_stamp": stamps[row["id"]],
            "person_stamp": person_stamps[row["id"]],
        }
        for row in registered
    ]


def _event_row(event_id: str, summary: Summary) -> Row:
    f = summary.facts
    return (event_id, f.slug, f.title, f.kind, f.date, f.end_date, f.city, f.district,
            f.province, f.country, f.status, f.funder, f.project)  # fmt: skip


def _districts(people: Iterable[Mapping[str, Any]]) -> tuple[Tally, ...]:
    """Attendance by the attendee's own district, largest first, "Not recorded" last."""
    return hqfile.district_tallies(
        p.get("district") or "" for p in people if p.get("checked_in_at")
    )


def _stamp(at: Any, device: Any, hlc: Any = None) -> Stamp:
    """A row's stamp as the sync merge orders it (`sync_hlc`, docs/sync.md), so two laptops'
    files settle a change the way syncing them would; a row written before sync (no stamp)
    falls back to its wall time, a stamp of the same kind."""
    if hlc:
        try:
            return Stamp.parse(str(hlc))
        except ValueError:
            pass  # not a stamp: the wall time below
    return Stamp.from_utc(str(at or "1970-01-01T00:00:00Z"), str(device or "unknown"))


def dimension_value(dimension: str, person: Mapping[str, Any]) -> str:
    """What one attendee row says in one dimension, as head office counts it."""
    if dimension == "person":
        return "protected" if person.get("protected") else consent_state(person.get("consent"))
    if dimension == "disability":
        return "yes" if (person.get("disability") or "").strip() else ""
    return as_text(person.get(hqfile.COLUMN[dimension]))


def _values(secret: str, people: Iterable[Mapping[str, Any]]) -> list[Row]:
    rows = []
    for p in people:
        for dim in DIMENSIONS:
            registration = dim in ("person", "source")
            stamp = _stamp(*p["registration_stamp" if registration else "person_stamp"])
            rows.append((
                dim,
                pseudonym(secret, dim, p["id"]),
                dimension_value(dim, p),
                masked_stamp(secret, dim, p["id"], stamp),
                masked_tie(secret, dim, p["id"], stamp.device),
            ))  # fmt: skip
    return rows


def _checkins(db: Database, secret: str, event_id: str) -> list[Row]:
    checkins = every(
        db, "SELECT id, person_id, undone_at FROM checkins WHERE event_id = ?", [event_id]
    )
    return [
        (dim, pseudonym(secret, "checkin:" + dim, c["id"]), pseudonym(secret, dim, c["person_id"]),
         int(bool(c["undone_at"])))
        for c in checkins
        for dim in DIMENSIONS
    ]  # fmt: skip


def _gone(db: Database, secret: str, event_id: str) -> list[Row]:
    """People erased or removed here (the sync's tombstones), under each dimension's
    pseudonym: head office drops them from every laptop's file, as a sync drops them."""
    gone = every(
        db,
        "SELECT row_id FROM sync_tombstones WHERE table_name = 'people' AND event_id = ?",
        [event_id],
    )
    return [(dim, pseudonym(secret, dim, t["row_id"])) for t in gone for dim in DIMENSIONS]


def _named(secret: str, people: Iterable[Mapping[str, Any]]) -> list[Row]:
    """Rows for people who said yes to being named at this event (never a protected one)."""
    return [
        (pseudonym(secret, "person", p["id"]), str(_stamp(*p["person_stamp"])),
         p["name"], p["designation"], p["organisation"], as_text(p["stakeholder_group"]),
         as_text(p["gender"]), as_text(p["age_band"]), p["district"], as_text(p["source"]),
         hqfile.link_key(name_key(p["name"] or ""), as_text(p["gender"])))
        for p in people
        if may_name(p, unredacted=False)
    ]  # fmt: skip


def _points(db: Database, secret: str, event_id: str, summary: Summary) -> list[Row]:
    """The public notes; every other note of the event as a withdrawn row with no text, so
    a note deleted or taken off the record on one laptop is dropped by head office too."""
    notes = {
        n["id"]: str(_stamp(n["updated_at"], n["device_id"], n["sync_hlc"]))
        for n in every(db, "SELECT id, updated_at, device_id, sync_hlc FROM notes"
                       " WHERE event_id = ?", [event_id])
    }  # fmt: skip
    rows: list[Row] = []
    for p in summary.points:
        rows.append((pseudonym(secret, "note", p.note_id), notes.pop(p.note_id, ""), 0,
                     p.noted_at, p.speaker, p.kind, p.text, p.addressed_to, p.agenda_position,
                     p.agenda_title, "\n".join(p.tags)))  # fmt: skip
    purged = every(  # purged for good here: withdrawn at head office too
        db,
        "SELECT row_id, hlc FROM sync_tombstones WHERE table_name = 'notes' AND event_id = ?",
        [event_id],
    )
    notes.update({t["row_id"]: t["hlc"] or "" for t in purged if t["row_id"] not in notes})
    rows += [
        (pseudonym(secret, "note", note_id), stamp, 1, None, None, None, None, None, None,
         None, None)
        for note_id, stamp in notes.items()
    ]  # fmt: skip
    return rows


def _actions(db: Database, secret: str, event_id: str, summary: Summary) -> list[Row]:
    rows = list(db.query(ACTION_QUERY, [event_id]))
    return [
        (pseudonym(secret, "action", row["id"]),
         str(_stamp(row["updated_at"], row["device_id"], row["sync_hlc"])),
         a.who, a.what, a.due_date, a.status)
        for row, a in zip(rows, summary.action_points, strict=True)
    ]  # fmt: skip


def _high_water(db: Database, event_id: str, device: str) -> str:
    """The latest stamp of any change to the event: a newer file of it has a larger one."""
    at = db.execute(_CHANGED, {"e": event_id}).fetchone()[0]
    hlc = db.execute(_HLC, {"e": event_id}).fetchone()[0] or ""
    return max(str(_stamp(at, device)), hlc)
