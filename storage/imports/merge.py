"""Importing an attendee list into an event: a merge, previewed before anything is written.

Partners send an updated list the day before; by then the coordinator has set groups, VIPs
and consent in the app. So an import never replaces: it matches each row to a person,
shows what would change, and writes only when asked (`apply_import`).

Rules (the README repeats them for coordinators):
- A row is the same person as someone registered for the event when it has the same
  reference of this list (an S.No / Ref column) and the same name, or the same ID number
  (CNIC), or the same phone and the same name. Same name and organisation with a
  different phone or ID is a question; unanswered, the row becomes a new person and a
  warning says so. Two people never merge silently.
- A value the file leaves empty, or a column it does not have, never clears anything.
- The protected flag is never cleared by an import; consent answered in the app or at the
  door is never changed by one: the file's different value is shown as a conflict.
- People in the database but not in the file are listed, never deleted.
- A person with no stakeholder group gets one guessed from organisation and designation,
  marked as guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from convener.storage.clock import new_id, utc_now
from convener.storage.consent import HELD_SOURCES
from convener.storage.errors import ValidationError
from convener.storage.events import get_event
from convener.storage.groups import guess_group
from convener.storage.imports.attendee_sheet import has_data, read_sheet
from convener.storage.records import ATTENDEE_FLAGS, Problems, as_flag, validate_attendee
from convener.storage.rows import audit, hlc_stamp, this_device, update
from convener.storage.text import (
    capitalise_name,
    clean_line,
    counted,
    id_key,
    name_key,
    phone_key,
)

if TYPE_CHECKING:
    from sqlite_utils import Database

NEW = "new"
# Fields compared and written, in the order the preview lists them.
MERGED_FIELDS = (
    "name",
    "designation",
    "organisation",
    "stakeholder_group",
    "gender",
    "age_band",
    "district",
    "disability",
    "phone",
    "email",
    "id_number",
    "vip",
    "consent_photo",
    "protected",
)
FIELD_LABELS = {
    "stakeholder_group": "group",
    "age_band": "age band",
    "id_number": "ID number",
    "consent_photo": "photo consent",
    "consent": "consent",
    "vip": "VIP",
}


@dataclass(frozen=True)
class FileRow:
    """One row of the file: its line, its reference and the values it gives (blank left out)."""

    line: int
    ref: str
    values: dict[str, Any]
    consent: str | None  # "yes" / "no" from a consent column, None when blank or absent


@dataclass(frozen=True)
class FieldChange:
    """One field of one person: what the database holds and what the file would make it."""

    field: str
    old: Any
    new: Any
    guessed: bool = False  # a stakeholder group guessed from organisation or designation

    @property
    def label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)


@dataclass(frozen=True)
class NewPerson:
    line: int
    name: str
    organisation: str
    fields: dict[str, Any]
    consent: str
    group_guessed: bool
    warning: str = ""
    ref: str = ""


@dataclass(frozen=True)
class ChangedPerson:
    line: int
    person_id: str
    name: str
    changes: tuple[FieldChange, ...]
    ref: str = ""


@dataclass(frozen=True)
class KeptPerson:
    """A person the file matches without changes, or one in the database but not the file."""

    person_id: str
    name: str
    line: int = 0
    source: str = ""
    ref: str = ""


@dataclass(frozen=True)
class Conflict:
    """A file value the import may not write (the database value is kept)."""

    line: int
    person_id: str
    name: str
    field: str
    kept: Any
    file_value: Any
    reason: str


@dataclass(frozen=True)
class Candidate:
    """An existing person a questioned row might be; shown to tell people apart."""

    person_id: str
    name: str
    organisation: str
    designation: str
    phone_tail: str  # last 3 digits, blank for protected people


@dataclass(frozen=True)
class Question:
    """A row that may or may not be someone already registered: the coordinator decides.

    Answer with a candidate's person_id (same person) or NEW.
    """

    key: str
    line: int
    name: str
    organisation: str
    reason: str
    candidates: tuple[Candidate, ...]


@dataclass
class ImportPreview:
    """What importing a list would do (or, after `apply_import`, what it did)."""

    path: Path
    event_id: str
    event_slug: str
    event_title: str
    columns: tuple[str, ...]
    rows: tuple[FileRow, ...]
    new: list[NewPerson] = field(default_factory=list)
    changed: list[ChangedPerson] = field(default_factory=list)
    unchanged: list[KeptPerson] = field(default_factory=list)
    absent: list[KeptPerson] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    applied: bool = False

    def answers(self, *, same: bool) -> dict[str, str]:
        """Every question answered alike: the first candidate (`same`) or a new person."""
        return {q.key: q.candidates[0].person_id if same else NEW for q in self.questions}

    @property
    def changes_anything(self) -> bool:
        return bool(self.new or self.changed or self.questions)

    def counts_line(self) -> str:
        """`3 new, 2 changed, 21 unchanged, 1 not in the file (kept), 1 question`."""
        parts = [
            f"{len(self.new)} new",
            f"{len(self.changed)} changed",
            f"{len(self.unchanged)} unchanged",
            f"{len(self.absent)} in the database but not in the file (kept)",
        ]
        if self.conflicts:
            parts.append(counted(len(self.conflicts), "conflict"))
        if self.questions:
            parts.append(counted(len(self.questions), "question"))
        return ", ".join(parts)


def read_list(path: Path) -> tuple[tuple[str, ...], tuple[FileRow, ...]]:
    """Read and validate an attendee list; every bad row is reported at once (nothing kept)."""
    fields, sheet_rows = read_sheet(path)
    rows: list[FileRow] = []
    problems: list[str] = []
    for sheet_row in sheet_rows:
        raw = sheet_row.values
        if not has_data(sheet_row):
            continue
        validated, found = validate_attendee(raw, prefix=f"line {sheet_row.line}")
        consent: str | None = None
        if clean_line(raw.get("consent_name")):
            flag_problems = Problems(f"line {sheet_row.line}")
            consent = "yes" if as_flag(raw["consent_name"], "consent", flag_problems) else "no"
            problems.extend(flag_problems)
        problems.extend(found)
        given = {
            key: validated[key]
            for key in MERGED_FIELDS
            if key in raw and clean_line(raw[key]) and key != "consent_name"
        }
        given["name"] = capitalise_name(validated["name"])  # "hina qureshi" -> "Hina Qureshi"
        if given.get("protected"):
            consent = None  # protected people are never named; nothing to record
        rows.append(FileRow(sheet_row.line, clean_line(raw.get("ref")), given, consent))
    if problems:
        raise ValidationError(str(path), problems)
    return tuple(fields), tuple(rows)


def preview_import(db: Database, path: Path, event: str) -> ImportPreview:
    """Read a list and work out, without writing, what importing it into `event` would do."""
    columns, rows = read_list(path)
    found = get_event(db, event)
    return _plan(db, found, path, columns, rows, answers=None)


def import_list(
    db: Database, path: Path, event: str, answers: Mapping[str, str] | None = None
) -> ImportPreview:
    """Read and merge a list in one step, without a preview first (questions: see apply)."""
    columns, rows = read_list(path)
    found = get_event(db, event)
    unplanned = ImportPreview(path, found["id"], found["slug"], found["title"], columns, rows)
    return apply_import(db, unplanned, answers)


def apply_import(
    db: Database, preview: ImportPreview, answers: Mapping[str, str] | None = None
) -> ImportPreview:
    """Write a previewed import in one transaction and return what was done.

    The plan is worked out again inside the transaction (someone may have edited a person
    since the preview), from the rows the preview read. A question without an answer
    becomes a new person, with a warning.
    """
    event = get_event(db, preview.event_id)
    with db.atomic():
        done = _plan(db, event, preview.path, preview.columns, preview.rows, answers or {})
        _write(db, event["id"], done)
        done.applied = True
        audit(
            db,
            "import",
            "event",
            event["id"],
            event["id"],
            {"file": preview.path.name, "new": len(done.new), "changed": len(done.changed)},
        )
    return done


# Planning ----------------------------------------------------------------------------------

REGISTERED = """
SELECT p.*, r.id AS registration_id, r.source, r.consent, r.consent_source, r.list_ref
FROM registrations r JOIN people p ON p.id = r.person_id
WHERE r.event_id = ? ORDER BY r.rowid
"""


@dataclass
class _Index:
    """The event's registered people, looked up by each way a row can match them."""

    people: dict[str, dict[str, Any]]
    by_ref: dict[str, list[str]] = field(default_factory=dict)
    by_id: dict[str, list[str]] = field(default_factory=dict)
    by_phone: dict[str, list[str]] = field(default_factory=dict)
    by_name_org: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    claimed: dict[str, int] = field(default_factory=dict)  # person_id -> line

    @classmethod
    def of(cls, rows: Iterable[dict[str, Any]]) -> _Index:
        index = cls({})
        for row in rows:
            pid = row["id"]
            index.people[pid] = row
            for table, key in (
                (index.by_ref, row["list_ref"] or ""),
                (index.by_id, id_key(row["id_number"])),
                (index.by_phone, phone_key(row["phone"])),
            ):
                if key:
                    table.setdefault(key, []).append(pid)
            index.by_name_org.setdefault(_name_org(row), []).append(pid)
        return index

    def free(self, ids: list[str] | None) -> list[str]:
        return [pid for pid in ids or [] if pid not in self.claimed]


def _name_org(row: Mapping[str, Any]) -> tuple[str, str]:
    return name_key(row.get("name") or ""), name_key(row.get("organisation") or "")


def _plan(
    db: Database,
    event: dict[str, Any],
    path: Path,
    columns: tuple[str, ...],
    rows: tuple[FileRow, ...],
    answers: Mapping[str, str] | None,
) -> ImportPreview:
    preview = ImportPreview(path, event["id"], event["slug"], event["title"], columns, rows)
    index = _Index.of(db.query(REGISTERED, [event["id"]]))
    for row in rows:
        match, question, warning = _match(row, index)
        if question is not None:
            if answers is None:
                preview.questions.append(question)
                continue
            answer = answers.get(question.key)
            if answer and answer != NEW and answer in {c.person_id for c in question.candidates}:
                match = answer
            else:
                match = None
                name = row.values["name"]
                warning = f"line {row.line}: {name}: {question.reason}; added as a new person"
        if match is None:
            preview.new.append(_new_person(row, warning))
            if warning:
                preview.warnings.append(warning)
            continue
        index.claimed[match] = row.line
        _compare(row, index.people[match], preview)
    for pid, person in index.people.items():
        if pid not in index.claimed:
            preview.absent.append(KeptPerson(pid, person["name"], 0, person["source"] or ""))
    return preview


def _match(row: FileRow, index: _Index) -> tuple[str | None, Question | None, str]:
    """(person_id, None, "") for a match, (None, question, "") to ask, or (None, None, warning)."""
    name = name_key(row.values["name"])
    people = index.people

    def same_name(pid: str) -> bool:
        return name_key(people[pid]["name"] or "") == name

    if row.ref:
        for pid in index.free(index.by_ref.get(row.ref)):
            if same_name(pid) or _same_contact(row, people[pid]):
                return pid, None, ""
    row_id = id_key(row.values.get("id_number"))
    if row_id:
        for pid in index.free(index.by_id.get(row_id)):
            return pid, None, ""
    row_phone = phone_key(row.values.get("phone"))
    if row_phone:
        found = index.free(index.by_phone.get(row_phone))
        for pid in found:
            if same_name(pid):
                return pid, None, ""
        if found:
            reason = "same phone as someone registered under another name"
            return None, _question(row, found, people, reason), ""
    key = _name_org(row.values)
    same = index.free(index.by_name_org.get(key))
    comparable = [pid for pid in same if not _contacts_differ(row, people[pid])]
    if len(comparable) == 1 and len(same) == 1:
        return comparable[0], None, ""
    if same:
        reason = (
            "same name and organisation as someone registered, but a different phone or ID"
            if not comparable
            else "same name and organisation as more than one registered person"
        )
        return None, _question(row, same, people, reason), ""
    taken = [pid for pid in index.by_name_org.get(key, []) if pid in index.claimed]
    if taken:
        line = index.claimed[taken[0]]
        return (
            None,
            None,
            (
                f"line {row.line}: {row.values['name']}: same name and organisation as line "
                f"{line}; added as a second person"
            ),
        )
    return None, None, ""


def _same_contact(row: FileRow, person: Mapping[str, Any]) -> bool:
    rid, rphone = id_key(row.values.get("id_number")), phone_key(row.values.get("phone"))
    return bool(
        (rid and rid == id_key(person["id_number"]))
        or (rphone and rphone == phone_key(person["phone"]))
    )


def _contacts_differ(row: FileRow, person: Mapping[str, Any]) -> bool:
    """Both sides have a phone (or an ID number) and they are not the same."""
    for key, fn in (("phone", phone_key), ("id_number", id_key)):
        mine, theirs = fn(row.values.get(key)), fn(person[key])
        if mine and theirs and mine != theirs:
            return True
    return False


def _question(
    row: FileRow, ids: list[str], people: dict[str, dict[str, Any]], reason: str
) -> Question:
    candidates = tuple(
        Candidate(
            pid,
            people[pid]["name"],
            people[pid]["organisation"] or "",
            people[pid]["designation"] or "",
            "" if people[pid]["protected"] else phone_key(people[pid]["phone"])[-3:],
        )
        for pid in ids
    )
    return Question(
        f"line {row.line}",
        row.line,
        row.values["name"],
        row.values.get("organisation", ""),
        reason,
        candidates,
    )


def _new_person(row: FileRow, warning: str) -> NewPerson:
    fields = dict(row.values)
    guessed = False
    if not fields.get("stakeholder_group"):
        guess = guess_group(fields.get("organisation"), fields.get("designation"))
        if guess is not None:
            fields["stakeholder_group"] = guess.code
            guessed = True
    return NewPerson(
        row.line,
        fields["name"],
        fields.get("organisation", ""),
        fields,
        row.consent or "not_asked",
        guessed,
        warning,
        row.ref,
    )


def _held_reason(source: str) -> str:
    where = "at the door" if source == "door" else "in the app"
    return f"answered {where}; an import never changes it"


def _compare(row: FileRow, person: dict[str, Any], preview: ImportPreview) -> None:
    """Sort a matched row into changed or unchanged, noting conflicts; nothing is cleared."""
    changes: list[FieldChange] = []
    name = person["name"]
    for key, value in row.values.items():
        old = person.get(key)
        if key == "phone" and phone_key(value) == phone_key(old):
            continue
        if key == "id_number" and id_key(value) == id_key(old):
            continue
        if isinstance(value, str) and isinstance(old, str) and name_key(value) == name_key(old):
            continue  # only case or spacing differs: what is stored may have been corrected
        if key == "protected" and old and not value:
            preview.conflicts.append(
                Conflict(
                    row.line,
                    person["id"],
                    name,
                    "protected",
                    "yes",
                    "no",
                    "an import never clears the protected flag; change it in the app",
                )
            )
            continue
        if key in ATTENDEE_FLAGS:
            old = int(old or 0)
        if (old or "") != (value or "") and not (old is None and value == ""):
            changes.append(FieldChange(key, old, value))
    if "stakeholder_group" not in row.values and not person.get("stakeholder_group"):
        guess = guess_group(
            row.values.get("organisation") or person.get("organisation"),
            row.values.get("designation") or person.get("designation"),
        )
        if guess is not None:
            changes.append(FieldChange("stakeholder_group", None, guess.code, guessed=True))
    if row.consent is not None and row.consent != person["consent"]:
        if person["consent_source"] in HELD_SOURCES:
            preview.conflicts.append(
                Conflict(
                    row.line,
                    person["id"],
                    name,
                    "consent",
                    person["consent"],
                    row.consent,
                    _held_reason(person["consent_source"]),
                )
            )
        elif not person["protected"]:
            changes.append(FieldChange("consent", person["consent"], row.consent))
    if changes:
        preview.changed.append(ChangedPerson(row.line, person["id"], name, tuple(changes), row.ref))
    else:
        preview.unchanged.append(
            KeptPerson(person["id"], name, row.line, person["source"] or "", row.ref)
        )


# Writing -----------------------------------------------------------------------------------


def _insert_new(db: Database, event_id: str, new: list[NewPerson], now: str) -> None:
    """Add the new people and their registrations in two statements (lists run to 50,000).

    One `import` audit row (written by `apply_import`) covers them all.
    """
    device = this_device(db)
    people, registrations = [], []
    for person in new:
        fields = {
            key: person.fields.get(key, 0 if key in ATTENDEE_FLAGS else "") for key in MERGED_FIELDS
        }
        for key in ("stakeholder_group", "gender", "age_band"):
            fields[key] = fields[key] or None
        person_id = new_id()
        people.append(
            {
                "id": person_id,
                **fields,
                "name_key": name_key(person.name),
                "group_guessed": int(person.group_guessed),
            }
        )
        given = person.consent != "not_asked"
        registrations.append(
            {
                "id": new_id(),
                "event_id": event_id,
                "person_id": person_id,
                "source": "expected",
                "consent": person.consent,
                "consent_source": "file" if given else None,
                "consent_basis": "registration_form" if given else None,
                "consent_at": now if given else None,
                "list_ref": person.ref or None,
            }
        )
    for table, rows in (("people", people), ("registrations", registrations)):
        if not rows:
            continue
        stamps = {
            "created_at": now,
            "updated_at": now,
            "device_id": device,
            "sync_hlc": hlc_stamp(db, event_id),  # one stamp for the list (docs/sync.md)
        }
        columns = [*rows[0], *stamps]
        marks = ", ".join("?" * len(columns))
        db.conn.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
            ([*row.values(), *stamps.values()] for row in rows),
        )


def _write(db: Database, event_id: str, plan: ImportPreview) -> None:
    now = utc_now()
    _insert_new(db, event_id, plan.new, now)
    for changed in plan.changed:
        people_changes: dict[str, Any] = {}
        for change in changed.changes:
            if change.field == "consent":
                db.execute(
                    "UPDATE registrations SET consent = ?, consent_source = 'file',"
                    " consent_basis = 'registration_form', consent_at = ?, updated_at = ?,"
                    " sync_hlc = ? WHERE event_id = ? AND person_id = ?",
                    [change.new, now, now, hlc_stamp(db, event_id), event_id, changed.person_id],
                )
                continue
            people_changes[change.field] = change.new
        for change in changed.changes:
            if change.field == "stakeholder_group":
                people_changes["group_guessed"] = int(change.guessed)
        if "name" in people_changes:
            people_changes["name_key"] = name_key(people_changes["name"])
        if people_changes:
            update(db, "people", changed.person_id, people_changes)
        audit(
            db,
            "import_update",
            "person",
            changed.person_id,
            event_id,
            {"fields": sorted(c.field for c in changed.changes)},
        )
    matched: list[ChangedPerson | KeptPerson] = [*plan.changed, *plan.unchanged]
    for kept in matched:
        if kept.ref:  # the reference this list gives them, so the next list finds them
            db.execute(
                "UPDATE registrations SET list_ref = ?, sync_hlc = ? WHERE event_id = ?"
                " AND person_id = ? AND coalesce(list_ref, '') != ?",
                [kept.ref, hlc_stamp(db, event_id), event_id, kept.person_id, kept.ref],
            )
