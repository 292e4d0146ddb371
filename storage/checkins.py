"""Check-ins at the door: at most one active per person and event; undo keeps history."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from convener.storage.attendees import add_attendee, get_attendee
from convener.storage.clock import utc_now
from convener.storage.consent import set_consent
from convener.storage.db.migrations import device_id
from convener.storage.errors import ValidationError
from convener.storage.hlc import sql_order
from convener.storage.rows import audit, hlc_now, hlc_stamp, insert, one

if TYPE_CHECKING:
    from sqlite_utils import Database


@dataclass
class CheckinResult:
    """The attendee after the check-in, and whether this call created it."""

    attendee: dict[str, Any]
    created: bool


def check_in(db: Database, event_id: str, person_id: str) -> CheckinResult:
    """Check someone in; if they already are, change nothing and say so.

    One read does it all: the attendee row carries their active check-in, if any, and after
    the insert only its two check-in columns change (this runs at the door, per arrival).
    """
    with db.atomic():
        attendee = get_attendee(db, event_id, person_id)
        created = attendee["checkin_id"] is None
        if created:
            at, hlc = hlc_now(db, event_id)
            row = insert(
                db,
                "checkins",
                {"event_id": event_id, "person_id": person_id, "checked_in_at": at, "hlc": hlc},
            )
            audit(db, "check_in", "checkin", row["id"], event_id, {"person_id": person_id})
            attendee = {**attendee, "checked_in_at": row["checked_in_at"], "checkin_id": row["id"]}
    return CheckinResult(attendee, created)


def undo_check_in(db: Database, event_id: str, person_id: str) -> bool:
    """Mark the active check-in undone (kept as history); False if there was none."""
    with db.atomic():
        row = one(
            db,
            "SELECT id FROM checkins WHERE event_id = ? AND person_id = ? AND undone_at IS NULL",
            [event_id, person_id],
        )
        if row is None:
            return False
        db.execute(
            "UPDATE checkins SET undone_at = ?, undone_device_id = ?, updated_at = ?, sync_hlc = ?"
            " WHERE id = ?",
            [utc_now(), device_id(db), utc_now(), hlc_stamp(db, event_id), row["id"]],
        )
        audit(db, "undo_check_in", "checkin", row["id"], event_id, {"person_id": person_id})
    return True


def last_check_in(db: Database, event_id: str) -> dict[str, Any] | None:
    """The most recent active check-in (what Undo takes back)."""
    return one(
        db,
        "SELECT * FROM checkins WHERE event_id = ? AND undone_at IS NULL "
        f"ORDER BY {sql_order('hlc', 'checked_in_at')} DESC, rowid DESC LIMIT 1",
        [event_id],
    )


def record_door_consent(db: Database, event_id: str, person_id: str, answer: str) -> bool:
    """The answer to "May the public report name you?" asked at check-in; True if it changed.

    `answer` is "yes" or "no"; a dismissed question records nothing (it stays not asked).
    Recorded with source and basis "door", so no later import changes it.
    """
    if answer not in ("yes", "no"):
        raise ValidationError("consent", ["the door records yes or no; dismissing asks nothing"])
    return set_consent(db, event_id, person_id, answer, source="door", basis="door")


def walk_in(db: Database, event_id: str, fields: dict[str, Any]) -> CheckinResult:
    """Register someone who was not expected and check them in, in one transaction.

    The form shows `capitalise_name` and `guess_group` results before saving; this stores
    what it is given (pass `group_guessed` when the group is the untouched guess).
    """
    with db.atomic():
        person = add_attendee(db, event_id, fields, source="walk_in")
        return check_in(db, event_id, person["id"])


@dataclass
class Counts:
    """The live panel: who is in the room, by sex and stakeholder group."""

    expected: int = 0
    checked_in: int = 0
    walk_ins: int = 0
    by_gender: Counter[str] = field(default_factory=Counter)
    by_group: Counter[str] = field(default_factory=Counter)
    latest: list[dict[str, Any]] = field(default_factory=list)
    groups_guessed: int = 0  # checked-in people whose group is a guess not yet reviewed


def counts(db: Database, event_id: str, latest: int = 5) -> Counts:
    """Counts for the live panel, from the active check-ins."""
    result = Counts()
    for row in db.query(
        """SELECT p.gender, p.stakeholder_group, p.group_guessed, r.source, c.checked_in_at
           FROM registrations r JOIN people p ON p.id = r.person_id
           LEFT JOIN checkins c ON c.event_id = r.event_id AND c.person_id = p.id
             AND c.undone_at IS NULL
           WHERE r.event_id = ?""",
        [event_id],
    ):
        result.expected += row["source"] != "walk_in"
        if row["checked_in_at"]:
            result.checked_in += 1
            result.walk_ins += row["source"] == "walk_in"
            result.by_gender[row["gender"] or "unrecorded"] += 1
            result.by_group[row["stakeholder_group"] or "unrecorded"] += 1
            result.groups_guessed += bool(row["group_guessed"] and row["stakeholder_group"])
    result.latest = list(
        db.query(
            """SELECT p.id, p.name, p.organisation, p.protected, c.checked_in_at
           FROM checkins c JOIN people p ON p.id = c.person_id
           WHERE c.event_id = ? AND c.undone_at IS NULL
           ORDER BY """
            + sql_order("c.hlc", "c.checked_in_at")
            + """ DESC, c.rowid DESC LIMIT ?""",
            [event_id, latest],
        )
    )
    return result
