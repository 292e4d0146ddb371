"""People expected at an event (registrations), walk-ins, duplicate warnings, bulk edits.

An attendee row is a person joined with their registration for one event: consent to be
named (`consent`: yes / no / not_asked, with `consent_basis` and `consent_source`) belongs to
the registration, so it holds for that event only. `consent_name` (1 only for "yes") is
kept in the row for screens and forms written before consent moved.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from convener.storage.consent import CONSENT_STATES, consent_state, set_consent
from convener.storage.db.raw import Queryable
from convener.storage.errors import NotFoundError, ValidationError
from convener.storage.name_match import probably_same_name
from convener.storage.records import validate_attendee
from convener.storage.rows import REMOVED, audit, insert, one, tombstone, update
from convener.storage.taxonomy import load_taxonomy
from convener.storage.text import name_key

if TYPE_CHECKING:
    from sqlite_utils import Database

PERSON_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "device_id",
    "name",
    "name_key",
    "designation",
    "organisation",
    "stakeholder_group",
    "group_guessed",
    "gender",
    "age_band",
    "disability",
    "district",
    "phone",
    "email",
    "id_number",
    "consent_photo",
    "protected",
    "vip",
    "sample",
)
ATTENDEE_QUERY = f"""
SELECT {", ".join("p." + c for c in PERSON_COLUMNS)},
  CASE WHEN r.consent = 'yes' AND p.protected = 0 THEN 1 ELSE 0 END AS consent_name,
  r.consent, r.consent_basis, r.consent_source, r.list_ref,
  r.source, r.id AS registration_id, c.checked_in_at, c.id AS checkin_id
FROM registrations r
JOIN people p ON p.id = r.person_id
LEFT JOIN checkins c ON c.event_id = r.event_id AND c.person_id = p.id AND c.undone_at IS NULL
WHERE r.event_id = ?
"""


def list_attendees(db: Database, event_id: str) -> list[dict[str, Any]]:
    """Everyone registered for the event, by name, with their active check-in if any."""
    return list(db.query(ATTENDEE_QUERY + " ORDER BY p.name_key", [event_id]))


DOOR_COLUMNS = (
    "id",
    "name",
    "designation",
    "organisation",
    "phone",
    "gender",
    "stakeholder_group",
    "protected",
    "source",
    "consent",
    "checked_in_at",
)
DOOR_QUERY = """
SELECT p.id, p.name, p.designation, p.organisation, p.phone, p.gender, p.stakeholder_group,
  p.protected, r.source, r.consent, c.checked_in_at
FROM registrations r
JOIN people p ON p.id = r.person_id
LEFT JOIN checkins c ON c.event_id = r.event_id AND c.person_id = p.id AND c.undone_at IS NULL
WHERE r.event_id = ?
"""
# Columns that repeat across thousands of rows; one shared str each keeps the door list small.
_SHARED = ("designation", "organisation", "gender", "stakeholder_group", "source", "consent")


class DoorRow(Mapping[str, Any]):
    """One registered person as the door holds them: read like a dict, but slotted, so
    10,000 of them take about 40% less memory than dicts would."""

    __slots__ = DOOR_COLUMNS

    def __init__(self, values: Iterable[Any]) -> None:
        for key, value in zip(DOOR_COLUMNS, values, strict=True):
            setattr(self, key, value)

    def __getitem__(self, key: str) -> Any:
        try:
            return getattr(self, key)
        except AttributeError:
            raise KeyError(key) from None

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key, default) if key in DOOR_COLUMNS else default

    def __iter__(self) -> Iterator[str]:
        return iter(DOOR_COLUMNS)

    def __len__(self) -> int:
        return len(DOOR_COLUMNS)


def door_list(db: Queryable, event_id: str) -> list[DoorRow]:
    """What the check-in screen holds for everyone registered: the searchable and counted
    columns only, repeated values shared, so 10,000 people take a few MB, not tens."""
    shared: dict[str, str] = {}
    at = [DOOR_COLUMNS.index(key) for key in _SHARED]
    rows = []
    for values in db.execute(DOOR_QUERY, [event_id]):
        values = list(values)
        for i in at:
            if values[i] is not None:
                values[i] = shared.setdefault(values[i], values[i])
        rows.append(DoorRow(values))
    return rows


def get_attendee(db: Database, event_id: str, person_id: str) -> dict[str, Any]:
    row = one(db, ATTENDEE_QUERY + " AND p.id = ?", [event_id, person_id])
    if row is None:
        raise NotFoundError(f"no attendee {person_id} at this event")
    return row


def probable_duplicates(db: Database, event_id: str, name: str) -> list[dict[str, Any]]:
    """Registered people who are probably `name`: the same name however typed, a spelling
    variant (Bezenjo / Bizenjo) or the name in the other script (`probably_same_name`)."""
    return [r for r in list_attendees(db, event_id) if probably_same_name(name, r["name"])]


def add_attendee(
    db: Database, event_id: str, fields: dict[str, Any], source: str = "expected"
) -> dict[str, Any]:
    """Validate, store the person and register them for the event.

    Consent comes as `consent` (yes / no / not_asked, with optional `consent_basis`) or, from
    older forms, as the `consent_name` tick (ticked = yes); recorded as given in the app.
    `group_guessed` marks a stakeholder group the form pre-filled from `guess_group`.
    """
    row, problems = validate_attendee(fields)
    if problems:
        raise ValidationError("attendee", problems)
    answer = _consent_answer(fields, row)
    with db.atomic():
        person = insert(
            db,
            "people",
            {
                **row,
                "name_key": name_key(row["name"]),
                "group_guessed": int(
                    bool(fields.get("group_guessed")) and bool(row["stakeholder_group"])
                ),
            },
        )
        insert(
            db, "registrations", {"event_id": event_id, "person_id": person["id"], "source": source}
        )
        audit(db, "register", "person", person["id"], event_id, {"source": source})
        if answer is not None and answer != "not_asked" and not row["protected"]:
            set_consent(
                db, event_id, person["id"], answer, source="app", basis=fields.get("consent_basis")
            )
    return get_attendee(db, event_id, person["id"])


def _consent_answer(fields: dict[str, Any], row: dict[str, Any]) -> str | None:
    """The consent a form gives: `consent` if present, else the old tick box, else None."""
    if fields.get("consent") is not None:
        return consent_state(fields["consent"])
    if "consent_name" in fields:
        return "yes" if row["consent_name"] else "not_asked"
    return None


def update_attendee(
    db: Database, event_id: str, person_id: str, fields: dict[str, Any]
) -> dict[str, Any]:
    """Validate the full set of fields and save the ones that changed.

    Setting `stakeholder_group` by hand marks it reviewed (no longer guessed). Consent goes
    to this event's registration: `consent` (yes / no / not_asked) or the old `consent_name`
    tick, which only changes it when the tick itself changed.
    """
    current = get_attendee(db, event_id, person_id)
    row, problems = validate_attendee({**current, **fields})
    if problems:
        raise ValidationError("attendee", problems)
    row["name_key"] = name_key(row["name"])
    tick = row.pop("consent_name")
    changes = {k: v for k, v in row.items() if current.get(k) != v}
    if "stakeholder_group" in fields and current.get("group_guessed"):
        changes["group_guessed"] = 0
    if fields.get("consent") is not None:
        answer: str | None = consent_state(fields["consent"])
    elif "consent_name" in fields and tick != current["consent_name"]:
        answer = "yes" if tick else "no"
    else:
        answer = None
    with db.atomic():
        if changes:
            update(db, "people", person_id, changes)
            audit(db, "update", "person", person_id, event_id, {"fields": sorted(changes)})
        if answer is not None and answer != current["consent"] and not row["protected"]:
            set_consent(
                db, event_id, person_id, answer, source="app", basis=fields.get("consent_basis")
            )
    return get_attendee(db, event_id, person_id)


@dataclass(frozen=True)
class BulkResult:
    """What a bulk edit did: people changed, and protected people left unnamed."""

    changed: int
    skipped_protected: int


BULK_CONSENT_BASES = ("registration_form", "signed_sheet", "verbal")


def bulk_update(
    db: Database,
    event_id: str,
    person_ids: Iterable[str],
    *,
    consent: str | None = None,
    consent_basis: str | None = None,
    stakeholder_group: str | None = None,
    vip: bool | None = None,
    gender: str | None = None,
) -> BulkResult:
    """Set consent, stakeholder group, VIP or sex for many people at once (None = leave).

    Bulk-setting consent to "yes" needs its basis (registration form, signed sheet, verbal),
    which is recorded; protected people are skipped for it, never named. A group set here is
    a reviewed group (no longer "guessed"). One transaction: all or nothing.
    """
    ids = list(dict.fromkeys(person_ids))
    tax = load_taxonomy()
    problems: list[str] = []
    if consent is not None and consent not in CONSENT_STATES:
        problems.append(f"consent: expected one of {', '.join(CONSENT_STATES)}")
    if consent == "yes" and consent_basis not in BULK_CONSENT_BASES:
        problems.append(
            "consent basis: say how these people agreed (registration form, signed sheet or verbal)"
        )
    group = tax.stakeholder_groups.resolve(stakeholder_group) if stakeholder_group else None
    if stakeholder_group and group is None:
        problems.append(f"stakeholder group: unknown {stakeholder_group!r}")
    sex = tax.genders.resolve(gender) if gender else None
    if gender and sex is None:
        problems.append(f"sex: unknown {gender!r}")
    if problems:
        raise ValidationError("bulk edit", problems)
    changed = skipped = 0
    with db.atomic():
        for person_id in ids:
            current = get_attendee(db, event_id, person_id)
            changes: dict[str, Any] = {}
            if group is not None and (current["stakeholder_group"], current["group_guessed"]) != (
                group,
                0,
            ):
                changes.update(stakeholder_group=group, group_guessed=0)
            if vip is not None and bool(current["vip"]) != vip:
                changes["vip"] = int(vip)
            if sex is not None and current["gender"] != sex:
                changes["gender"] = sex
            touched = bool(changes)
            if changes:
                update(db, "people", person_id, changes)
                audit(db, "bulk_update", "person", person_id, event_id, {"fields": sorted(changes)})
            if consent is not None:
                if current["protected"] and consent == "yes":
                    skipped += 1
                elif consent != current["consent"] or (
                    consent == "yes" and current["consent_basis"] != consent_basis
                ):
                    basis = consent_basis if consent != "not_asked" else None
                    set_consent(db, event_id, person_id, consent, source="app", basis=basis)
                    touched = True
            changed += touched
    return BulkResult(changed, skipped)


def remove_attendee(db: Database, event_id: str, person_id: str) -> None:
    """Unregister someone who never checked in or spoke; delete the person if unused elsewhere.

    Someone with a check-in history or notes is kept: removing them would rewrite the record.
    """
    get_attendee(db, event_id, person_id)
    if one(
        db,
        "SELECT 1 AS x FROM checkins WHERE event_id = ? AND person_id = ?",
        [event_id, person_id],
    ) or one(
        db, "SELECT 1 AS x FROM notes WHERE event_id = ? AND speaker_id = ?", [event_id, person_id]
    ):
        raise ValidationError(
            "attendee",
            ["has check-ins or notes at this event; undo the check-in instead of removing"],
        )
    with db.atomic():
        db.execute(
            "DELETE FROM registrations WHERE event_id = ? AND person_id = ?", [event_id, person_id]
        )
        if not one(db, "SELECT 1 AS x FROM registrations WHERE person_id = ?", [person_id]):
            db.execute("DELETE FROM action_items WHERE owner_person_id = ?", [person_id])
            db.execute("DELETE FROM people WHERE id = ?", [person_id])
        tombstone(db, "people", person_id, event_id, REMOVED)
        audit(db, "unregister", "person", person_id, event_id)
