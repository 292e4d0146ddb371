"""Import an event (or an attendee list) from a YAML file: all of it, or none of it.

Ids are derived from the event slug and each row's identity, so importing the same file
twice finds the rows it made the first time and changes nothing.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from convener.storage.actions import validate_action
from convener.storage.clock import offset_text, stable_id
from convener.storage.consent import HELD_SOURCES
from convener.storage.errors import ValidationError
from convener.storage.events import get_event
from convener.storage.hlc import Stamp
from convener.storage.notes import elapsed_since_start, validate_note
from convener.storage.records import validate_attendee, validate_event
from convener.storage.rows import merge, one, this_device
from convener.storage.text import clean_line, name_key, slugify
from convener.storage.yamlsafe import LoadedYaml, load_yaml_file

if TYPE_CHECKING:
    from sqlite_utils import Database

FORMAT_VERSION = "1"
NOTE_KEYS = frozenset(
    {
        "speaker",
        "speaker_text",
        "kind",
        "attribution",
        "at",
        "agenda",
        "tags",
        "addressed_to",
        "text",
        "ref",
        "answers",
    }
)
ACTION_KEYS = frozenset({"what", "owner", "owner_text", "due", "status"})


@dataclass
class ImportReport:
    """What an import did, per table: inserted / updated / unchanged."""

    event_slug: str
    event_title: str
    outcomes: dict[str, Counter[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def count(self, table: str, outcome: str) -> None:
        self.outcomes.setdefault(table, Counter())[outcome] += 1

    def summary(self) -> str:
        parts = []
        for table, c in self.outcomes.items():
            parts.append(
                f"{table}: {c['inserted']} new, {c['updated']} updated, {c['unchanged']} unchanged"
            )
        return "; ".join(parts)

    @property
    def changed(self) -> bool:
        return any(c["inserted"] or c["updated"] for c in self.outcomes.values())


class EventClashError(ValidationError):
    """An event file would overwrite a different event (same slug, other title or date).

    The app asks before replacing; the command line refuses unless `--replace` (exit 2).
    """

    exit_status = 2

    def __init__(self, source: str, existing: dict[str, Any], incoming: dict[str, Any]) -> None:
        self.existing = existing
        self.incoming = incoming
        super().__init__(
            source,
            [
                f"the event {existing['slug']!r} already holds “{existing['title']}” of "
                f"{existing['date'] or 'no date'}, and this file has “{incoming['title']}” of "
                f"{incoming['date'] or 'no date'}; give the file its own `slug:`, or replace "
                "that event on purpose (convener import --replace). Nothing was imported"
            ],
        )


class _Reader:
    """Walks the loaded YAML, collecting every problem with its line before anything is written."""

    def __init__(self, loaded: LoadedYaml, zone: tzinfo | None = None) -> None:
        self.loaded = loaded
        self.problems: list[str] = []
        self.zone = _event_zone(loaded) or zone

    def fail(self, path: tuple[str | int, ...], message: str) -> None:
        self.problems.append(f"{self.loaded.where(path)}: {message}")

    def absorb(self, path: tuple[str | int, ...], problems: list[str]) -> None:
        """Turn `field: message` problems from a validator into located ones."""
        for problem in problems:
            field_name, _, message = problem.partition(": ")
            leaf = field_name.rsplit(".", 1)[-1]
            self.problems.append(f"{self.loaded.where((*path, leaf))}: {message}")

    def section(self, name: str) -> list[Any]:
        value = self.loaded.data.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail((name,), "expected a list")
            return []
        return value


def load_event_file(path: Path) -> LoadedYaml:
    loaded = load_yaml_file(path)
    if not isinstance(loaded.data, dict):
        raise ValidationError(str(path), ["line 1: expected a mapping with `convener: 1`"])
    if str(loaded.data.get("convener")) != FORMAT_VERSION:
        raise ValidationError(
            str(path),
            [f"{loaded.where(('convener',))}: expected `convener: 1` (the format version)"],
        )
    return loaded


def import_yaml(
    db: Database, path: Path, event_ref: str | None = None, *, allow_replace: bool = False
) -> ImportReport:
    """Import a YAML event file, or an attendee-only file into `event_ref`."""
    return import_loaded(db, load_event_file(path), event_ref, allow_replace=allow_replace)


def import_loaded(
    db: Database, loaded: LoadedYaml, event_ref: str | None = None, *, allow_replace: bool = False
) -> ImportReport:
    """Import already-read YAML (see `import_yaml`); see EventClashError for `allow_replace`."""
    path = loaded.source
    if "event" not in loaded.data:
        if not event_ref:
            raise ValidationError(
                str(path), ["this file has attendees but no `event:`; name the event with --event"]
            )
        event = get_event(db, event_ref)
        return _import_into(db, loaded, event["id"], event["slug"], event["title"], None)
    reader = _Reader(loaded)
    raw_event = loaded.data["event"]
    if not isinstance(raw_event, dict):
        raise ValidationError(str(path), [f"{loaded.where(('event',))}: expected a mapping"])
    event_row, problems = validate_event(raw_event)
    reader.absorb(("event",), problems)
    if not event_row["utc_offset"] and reader.zone is not None:
        offset = datetime(2000, 1, 1, tzinfo=reader.zone).strftime("%z")
        event_row["utc_offset"] = f"{offset[:3]}:{offset[3:]}"
    slug = clean_line(raw_event.get("slug")) or _derived_slug(
        db, event_row["title"], event_row["date"]
    )
    existing = one(db, "SELECT * FROM events WHERE slug = ?", [slug])
    if (
        existing is not None
        and not allow_replace
        and not reader.problems
        and (existing["title"], existing["date"]) != (event_row["title"], event_row["date"])
    ):
        raise EventClashError(str(path), existing, event_row)
    event_row.update(
        # Replacing on purpose updates that event in place, whatever made it.
        id=existing["id"] if existing is not None and allow_replace else stable_id("event", slug),
        slug=slug,
        organisers=json.dumps(event_row["organisers"], ensure_ascii=False),
        started_at=_stamp(raw_event.get("started_at"), None, reader, ("event", "started_at")),
        ended_at=_stamp(raw_event.get("ended_at"), None, reader, ("event", "ended_at")),
    )
    if reader.zone is not None:
        event_row["utc_offset"] = offset_text(reader.zone)
    if reader.problems:
        raise ValidationError(str(path), reader.problems)
    return _import_into(db, loaded, event_row["id"], slug, event_row["title"], event_row)


def _derived_slug(db: Database, title: str, date: str | None) -> str:
    """The slug of an event file without `slug:`: title then date (see `slugify`).

    Files first imported before the date was kept (a long title cut the date off) keep
    their old slug when it still holds the same title and date, so they re-import in place.
    """
    slug = slugify(title, date)
    legacy = legacy_slug(f"{title} {date or ''}")
    if legacy != slug and one(db, "SELECT 1 AS x FROM events WHERE slug = ?", [slug]) is None:
        old = one(db, "SELECT title, date FROM events WHERE slug = ?", [legacy])
        if old is not None and (old["title"], old["date"]) == (title, date):
            return legacy
    return slug


def legacy_slug(value: str) -> str:
    """How slugs were made before 0.2: cut at 60 characters after the date was appended."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60].rstrip("-") or "event"


def _import_into(
    db: Database,
    loaded: LoadedYaml,
    event_id: str,
    slug: str,
    title: str,
    event_row: dict[str, Any] | None,
) -> ImportReport:
    # An attendee list has no `started_at` of its own: its times are in the event's zone.
    reader = _Reader(loaded, None if event_row else stored_zone(db, event_id))
    date = (event_row or {}).get("date") or _event_date(db, event_id)
    agenda = _agenda_rows(reader, event_id, slug)
    people, regs, checkins, refs = _attendee_rows(reader, event_id, slug, date)
    notes = _note_rows(reader, event_id, slug, date, refs, agenda, event_row)
    actions = _action_rows(reader, event_id, slug, refs)
    if reader.problems:
        raise ValidationError(loaded.source, reader.problems)
    _stamp_hlc(db, notes, "noted_at")
    _stamp_hlc(db, checkins, "checked_in_at")
    report = ImportReport(slug, title)
    with db.atomic():
        if event_row is not None:
            report.count("events", merge(db, "events", event_row))
        for table, rows in (
            ("agenda_items", agenda),
            ("people", people),
            ("registrations", regs),
            ("checkins", checkins),
            ("notes", notes),
            ("action_items", actions),
        ):
            for row in rows:
                if table == "checkins" and _checked_in_already(db, row):
                    report.count(table, "unchanged")
                    continue
                report.count(table, _merge_kept(db, table, row))
    return report


def _stamp_hlc(db: Database, rows: list[dict[str, Any]], column: str) -> None:
    """HLC stamps for imported rows from their own times (as migration 3 backfills them):
    the file's order breaks ties, and the same file gives the same stamps again."""
    device = this_device(db)
    seen: dict[str, int] = {}
    for row in rows:
        at = row.get(column)
        if at:
            seen[at] = seen.get(at, -1) + 1
            row["hlc"] = str(Stamp.from_utc(at, device, seen[at]))


_GIVEN = "__given__"
_CONSENT_KEYS = ("consent", "consent_source", "consent_basis")


def _merge_kept(db: Database, table: str, row: dict[str, Any]) -> str:
    """`merge`, without clearing what the file leaves out (the list-import rules).

    An existing person keeps every field the file leaves blank or out, and their protected
    flag; a registration keeps consent answered in the app or at the door.
    """
    given = row.pop(_GIVEN, None)
    existing = one(db, f"SELECT * FROM {table} WHERE id = ?", [row["id"]])
    if existing is None:
        return merge(db, table, row)
    if given is not None:
        row = {k: v for k, v in row.items() if k in given or k == "id"}
    if table == "people" and existing.get("protected") and not row.get("protected", 1):
        row.pop("protected")
    if table == "people" and "stakeholder_group" in row:
        row["group_guessed"] = 0
    if table == "registrations" and existing.get("consent_source") in HELD_SOURCES:
        row = {k: v for k, v in row.items() if k not in _CONSENT_KEYS}
    return merge(db, table, row)


def _checked_in_already(db: Database, row: dict[str, Any]) -> bool:
    """True when the person was checked in some other way (in the app): keep that one."""
    found = db.execute(
        "SELECT 1 FROM checkins WHERE event_id = ? AND person_id = ? AND undone_at IS NULL"
        " AND id != ?",
        [row["event_id"], row["person_id"], row["id"]],
    ).fetchone()
    return found is not None


def _event_date(db: Database, event_id: str) -> str | None:
    for row in db.query("SELECT date FROM events WHERE id = ?", [event_id]):
        return row["date"]
    return None


def _stamp(
    value: Any, date: str | None, reader: _Reader, path: tuple[str | int, ...]
) -> str | None:
    """`HH:MM` on the event date, or a full ISO 8601 stamp, as UTC.

    A time without an offset is in the event's zone (the offset of its `started_at`), else
    in the importing computer's local time.
    """
    text = clean_line(value)
    if not text:
        return None
    try:
        if len(text) <= 5 and ":" in text and date:
            moment = datetime.fromisoformat(f"{date}T{text.zfill(5)}")
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=reader.zone) if reader.zone else moment.astimezone()
    except ValueError:
        reader.fail(path, f"expected HH:MM or an ISO 8601 time, got {text!r}")
        return None
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def stored_zone(db: Database, event_id: str) -> tzinfo | None:
    """The event's UTC offset as stored (from its event file or its session's computer)."""
    row = db.execute("SELECT utc_offset FROM events WHERE id = ?", [event_id]).fetchone()
    text = str(row[0] or "") if row else ""
    try:
        moment = datetime.fromisoformat(f"2000-01-01T00:00{text}") if text else None
    except ValueError:
        return None
    if moment is None or moment.utcoffset() is None:
        return None
    return timezone(moment.utcoffset() or timedelta(0))


def _event_zone(loaded: LoadedYaml) -> tzinfo | None:
    """The UTC offset written on the event's `started_at`, if any."""
    event = loaded.data.get("event") if isinstance(loaded.data, dict) else None
    text = clean_line(event.get("started_at")) if isinstance(event, dict) else ""
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).tzinfo if text else None
    except ValueError:
        return None


def _agenda_rows(reader: _Reader, event_id: str, slug: str) -> list[dict[str, Any]]:
    rows = []
    for i, item in enumerate(reader.section("agenda")):
        item = {"title": item} if isinstance(item, str) else item
        if not isinstance(item, dict) or not clean_line(item.get("title")):
            reader.fail(("agenda", i), "needs a title")
            continue
        rows.append(
            {
                "id": stable_id("agenda", slug, str(i + 1)),
                "event_id": event_id,
                "position": i + 1,
                "title": clean_line(item["title"]),
                "starts_at": clean_line(item.get("starts_at")) or None,
                "presenter": clean_line(item.get("presenter")),
            }
        )
    return rows


def _attendee_rows(
    reader: _Reader, event_id: str, slug: str, date: str | None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], dict[str, str]]:
    people, regs, checkins, refs = [], [], [], {}
    for i, raw in enumerate(reader.section("attendees")):
        path: tuple[str | int, ...] = ("attendees", i)
        if not isinstance(raw, dict):
            reader.fail(path, "expected a mapping with at least a name")
            continue
        known = {"ref", "id", "checked_in", "source", *validate_attendee({})[0]}
        for key in raw:
            if key not in known:
                reader.fail((*path, key), "unknown field")
        row, problems = validate_attendee(raw)
        reader.absorb(path, problems)
        ref = clean_line(raw.get("ref")) or f"{name_key(row['name'])}|{row['organisation']}"
        if ref in refs:
            reader.fail((*path, "ref"), f"{ref!r} is used twice")
        person_id = clean_line(raw.get("id")) or stable_id("person", slug, ref)
        refs[ref] = person_id
        given = {k for k in row if k in raw and clean_line(raw[k]) and k != "consent_name"}
        people.append(
            {
                "id": person_id,
                **row,
                "name_key": name_key(row["name"]),
                _GIVEN: {"name", "name_key", *given},
            }
        )
        reg: dict[str, Any] = {
            "id": stable_id("registration", event_id, person_id),
            "event_id": event_id,
            "person_id": person_id,
            "source": clean_line(raw.get("source")) or "expected",
        }
        if clean_line(raw.get("consent_name")) and not row["protected"]:
            reg.update(
                consent="yes" if row["consent_name"] else "no",
                consent_source="file",
                consent_basis="registration_form",
            )
        regs.append(reg)
        at = _stamp(raw.get("checked_in"), date, reader, (*path, "checked_in"))
        if at:
            checkins.append(
                {
                    "id": stable_id("checkin", event_id, person_id),
                    "event_id": event_id,
                    "person_id": person_id,
                    "checked_in_at": at,
                }
            )
    return people, regs, checkins, refs


def _note_rows(
    reader: _Reader,
    event_id: str,
    slug: str,
    date: str | None,
    refs: dict[str, str],
    agenda: list[dict[str, Any]],
    event_row: dict[str, Any] | None,
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    note_refs: dict[str, dict[str, Any]] = {}
    default = "role" if (event_row or {}).get("attribution_default") == "chatham_house" else "named"
    started = (event_row or {}).get("started_at")
    for i, raw in enumerate(reader.section("notes")):
        path: tuple[str | int, ...] = ("notes", i)
        if not isinstance(raw, dict):
            reader.fail(path, "expected a mapping with speaker and text")
            continue
        _unknown_fields(reader, path, raw, NOTE_KEYS)
        speaker = clean_line(raw.get("speaker"))
        if speaker and speaker not in refs:
            reader.fail((*path, "speaker"), f"no attendee with ref {speaker!r}")
        agenda_id = None
        if raw.get("agenda"):
            pos = clean_line(raw["agenda"])
            if not pos.isdigit() or not 1 <= int(pos) <= len(agenda):
                reader.fail((*path, "agenda"), f"expected 1 to {len(agenda)}, got {pos!r}")
            else:
                agenda_id = agenda[int(pos) - 1]["id"]
        fields = {
            **raw,
            "speaker_id": refs.get(speaker),
            "agenda_item_id": agenda_id,
            "attribution": raw.get("attribution") or default,
        }
        try:
            row = validate_note(fields)
        except ValidationError as exc:
            reader.absorb(path, exc.problems)
            continue
        at = _stamp(raw.get("at"), date, reader, (*path, "at")) or started
        elapsed = elapsed_since_start({"started_at": started}, at) if at else None
        answers = clean_line(raw.get("answers"))
        question = note_refs.get(answers)
        if answers and question is None:
            reader.fail((*path, "answers"), f"no earlier note with ref {answers!r}")
        rows.append(
            {
                "id": stable_id("note", slug, speaker, row["text"]),
                "event_id": event_id,
                "noted_at": at,
                "elapsed_seconds": elapsed,
                **row,
                "answers_note_id": question["id"] if question else None,
            }
        )
        if clean_line(raw.get("ref")):
            note_refs[clean_line(raw.get("ref"))] = rows[-1]
    return rows


def _unknown_fields(
    reader: _Reader, path: tuple[str | int, ...], raw: dict[str, Any], known: frozenset[str]
) -> None:
    """A misspelt key (`due_date:` for `due:`) is reported, not silently dropped."""
    for key in raw:
        if key not in known:
            reader.fail((*path, key), f"unknown field; expected one of {', '.join(sorted(known))}")


def _action_rows(
    reader: _Reader, event_id: str, slug: str, refs: dict[str, str]
) -> list[dict[str, Any]]:
    rows = []
    for i, raw in enumerate(reader.section("action_items")):
        path: tuple[str | int, ...] = ("action_items", i)
        if not isinstance(raw, dict):
            reader.fail(path, "expected a mapping with what, owner and due")
            continue
        _unknown_fields(reader, path, raw, ACTION_KEYS)
        owner = clean_line(raw.get("owner"))
        if owner and owner not in refs:
            reader.fail((*path, "owner"), f"no attendee with ref {owner!r}")
        fields = {**raw, "owner_person_id": refs.get(owner), "due_date": raw.get("due")}
        try:
            row = validate_action(fields)
        except ValidationError as exc:
            # The file says `due`; the validator calls it `due_date`.
            reader.absorb(path, [re.sub(r"^due_date:", "due:", p) for p in exc.problems])
            continue
        rows.append({"id": stable_id("action", slug, row["what"]), "event_id": event_id, **row})
    return rows
