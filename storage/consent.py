"""Consent to be named, per event: yes, no or not asked, with how and where it was given.

Consent sits on the registration, not the person: a "yes" at a training never names someone
in a later consultation. Who may be named in a public report is decided from these states
in convener.storage.reports.redaction; this module only records them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from convener.storage.clock import utc_now
from convener.storage.errors import NotFoundError, ValidationError
from convener.storage.rows import audit, one, update

if TYPE_CHECKING:
    from sqlite_utils import Database

Consent = Literal["yes", "no", "not_asked"]
CONSENT_STATES: tuple[str, ...] = ("yes", "no", "not_asked")
# How a "yes" or "no" was obtained. `door` is the question asked at check-in.
CONSENT_BASES: tuple[str, ...] = ("registration_form", "signed_sheet", "verbal", "door")
# Where the answer was recorded. An import never changes an answer from the app or door.
CONSENT_SOURCES: tuple[str, ...] = ("file", "app", "door")
CONSENT_LABELS = {"yes": "Yes", "no": "No", "not_asked": "Not asked"}
BASIS_LABELS = {
    "registration_form": "registration form",
    "signed_sheet": "signed sheet",
    "verbal": "verbal",
    "door": "asked at the door",
}
# Answers an import may not overwrite.
HELD_SOURCES = frozenset({"app", "door"})


def consent_state(value: object) -> str:
    """A stored or typed consent as one of CONSENT_STATES (anything unknown is not asked)."""
    word = str(value or "").strip().casefold().replace(" ", "_")
    if word in ("yes", "y", "1", "true"):
        return "yes"
    if word in ("no", "n", "0", "false", "declined"):
        return "no"
    return "not_asked"


def registration(db: Database, event_id: str, person_id: str) -> dict[str, Any]:
    """The registration row of a person at an event (raises NotFoundError)."""
    row = one(
        db,
        "SELECT r.*, p.protected FROM registrations r JOIN people p ON p.id = r.person_id"
        " WHERE r.event_id = ? AND r.person_id = ?",
        [event_id, person_id],
    )
    if row is None:
        raise NotFoundError(f"no attendee {person_id} at this event")
    return row


def set_consent(
    db: Database,
    event_id: str,
    person_id: str,
    answer: str,
    *,
    source: str,
    basis: str | None = None,
) -> bool:
    """Record a person's consent to be named at this event; True if it changed.

    `source` is where it was recorded (app, door, file). A protected person is never
    recorded as "yes": they are not named whatever they answer.
    """
    if answer not in CONSENT_STATES:
        raise ValidationError("consent", [f"expected one of {', '.join(CONSENT_STATES)}"])
    if source not in CONSENT_SOURCES:
        raise ValidationError("consent", [f"source: expected one of {', '.join(CONSENT_SOURCES)}"])
    if basis is not None and basis not in CONSENT_BASES:
        raise ValidationError("consent", [f"basis: expected one of {', '.join(CONSENT_BASES)}"])
    with db.atomic():
        current = registration(db, event_id, person_id)
        if answer == "yes" and current["protected"]:
            raise ValidationError(
                "consent", ["this person is protected and is never named; consent is not asked"]
            )
        if current["consent"] == answer and current["consent_source"] == source:
            return False
        changes = {
            "consent": answer,
            "consent_source": None if answer == "not_asked" else source,
            "consent_basis": None if answer == "not_asked" else basis,
            "consent_at": None if answer == "not_asked" else utc_now(),
        }
        update(db, "registrations", current["id"], changes)
        audit(
            db,
            "consent",
            "person",
            person_id,
            event_id,
            {"answer": answer, "source": source, "basis": basis, "was": current["consent"]},
        )
    return True


def consent_question_due(attendee: Mapping[str, Any]) -> bool:
    """Whether the door should ask "May the public report name you?" (never a protected one)."""
    return not attendee.get("protected") and consent_state(attendee.get("consent")) == "not_asked"
