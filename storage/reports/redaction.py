"""Who may be named in a report, and how a remark is attributed when they may not.

These rules are the promise Convener makes to the people in the room: survivors and minors
(`protected`) are never named, people who did not consent are counted but not listed, and
remarks are attributed as the rapporteur chose. They live in one place so that every writer
(Markdown, CSV, DOCX, JSON) receives text that has already been decided.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from convener.storage.reports.wording import capitalised
from convener.storage.taxonomy import Taxonomy

WITHHELD = "(name withheld)"
NOT_ASSIGNED = "Not assigned"
A_PARTICIPANT = "A participant"

# How a remark is attributed when the speaker is not named, by stakeholder group code.
# Groups an organisation adds to its taxonomy fall back to "A participant from <label>".
ROLE_PHRASES: dict[str, str] = {
    "government": "A government official",
    "legislature": "A parliamentarian",
    "police": "A police officer",
    "levies": "An official of the Levies",
    "fia": "An official of the FIA",
    "law_enforcement": "A law enforcement official",
    "judiciary": "A member of the judiciary or prosecution",
    "labour": "An official of the Labour department",
    "child_protection": "A child protection official",
    "civil_society": "A civil society representative",
    "academia": "A member of academia",
    "religious": "A religious leader",
    "tribal": "A tribal or community elder",
    "media": "A media representative",
    "international": "A representative of an international organisation",
    "private_sector": "A private sector representative",
    "youth": "A young participant",
    "community": "A community member",
    "other": A_PARTICIPANT,
}


def may_name(person: Mapping[str, Any], *, unredacted: bool) -> bool:
    """Whether a person's name may appear: never if protected, else with consent or unredacted."""
    if person.get("protected"):
        return False
    return bool(person.get("consent_name")) or unredacted


def role_description(group: str | None, taxonomy: Taxonomy) -> str:
    """A description of someone by their stakeholder group only: never a name or designation.

    Designations and organisations are left out on purpose: "Commissioner, Quetta Division"
    or a two-person NGO identifies someone as surely as their name.
    """
    if not group:
        return A_PARTICIPANT
    phrase = ROLE_PHRASES.get(group)
    if phrase:
        return phrase
    return f"A participant from {taxonomy.stakeholder_groups.label(group)}"


def named_label(name: str | None, designation: str | None, organisation: str | None = None) -> str:
    """`Name, Designation, Organisation` as reports introduce a speaker.

    The organisation is left out when the designation already names it (`Director, FIA
    Quetta` at the `Federal Investigation Agency (FIA)`), so it is not said twice.
    """
    parts = [name, designation]
    if organisation and not _mentions(designation or "", organisation):
        parts.append(organisation)
    return ", ".join(part for part in parts if part)


def _mentions(designation: str, organisation: str) -> bool:
    """Whether a designation already names the organisation, in full or by its acronym."""
    text = designation.casefold()
    acronym = re.search(r"\(([^()]+)\)\s*$", organisation)
    full = re.sub(r"\s*\([^()]*\)\s*$", "", organisation).casefold()
    if full and full in text:
        return True
    return bool(acronym and re.search(rf"\b{re.escape(acronym[1].casefold())}\b", text))


class Scrubber:
    """Replaces the names of protected people wherever free text happens to mention them.

    A rapporteur may type a survivor's name into a note or an action item; the report must
    still not carry it. Matching ignores case and spacing and works on NFC text.
    """

    def __init__(self, names: Iterable[str | None]) -> None:
        words = {tuple(unicodedata.normalize("NFC", n).split()) for n in names if n}
        patterns = [
            r"\s+".join(re.escape(w) for w in parts)
            for parts in sorted((p for p in words if p), key=len, reverse=True)
        ]
        alternatives = "|".join(patterns)
        self._pattern = (
            re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE) if patterns else None
        )

    def __call__(self, text: str | None) -> str:
        if not text:
            return ""
        text = unicodedata.normalize("NFC", text)
        if self._pattern is None:
            return text
        return self._pattern.sub(WITHHELD, text)


def speaker_label(
    note: Mapping[str, Any],
    *,
    chatham_house: bool,
    unredacted: bool,
    taxonomy: Taxonomy,
    scrub: Scrubber,
) -> str | None:
    """How the report attributes a note, or None when it is off the record.

    `named` gives "Name, Designation" when the speaker may be named and the event is not
    under the Chatham House Rule; otherwise, as for `role`, a description by group.
    Free-text speakers are shown as typed, except a `named` one under Chatham House.
    """
    attribution = note.get("attribution") or "named"
    if attribution == "off_record":
        return None
    wants_name = attribution == "named" and not chatham_house
    if note.get("speaker_id") and note.get("speaker_name") is not None:
        person = {
            "protected": note.get("speaker_protected"),
            "consent_name": note.get("speaker_consent"),
        }
        if wants_name and may_name(person, unredacted=unredacted):
            return scrub(
                named_label(
                    note["speaker_name"],
                    note.get("speaker_designation"),
                    note.get("speaker_organisation"),
                )
            )
        return role_description(note.get("speaker_group"), taxonomy)
    if attribution == "named" and chatham_house:
        return A_PARTICIPANT
    return capitalised(scrub(note.get("speaker_text"))) or A_PARTICIPANT


def owner_label(
    action: Mapping[str, Any],
    *,
    chatham_house: bool,
    unredacted: bool,
    taxonomy: Taxonomy,
    scrub: Scrubber,
) -> str:
    """Who an action item is for: `Name, Organisation` only if they may be named.

    Someone who may not be named is shown by their organisation alone (or the owner text,
    or their role). A protected person is never shown as an owner, not even by organisation:
    the item reads as the owner text or "Not assigned".
    """
    text = scrub(action.get("owner_text"))
    if action.get("owner_person_id") and action.get("owner_name") is not None:
        if action.get("owner_protected"):
            return text or NOT_ASSIGNED
        person = {"protected": 0, "consent_name": action.get("owner_consent")}
        organisation = scrub(action.get("owner_organisation"))
        if not chatham_house and may_name(person, unredacted=unredacted):
            return scrub(named_label(str(action["owner_name"]), "", organisation))
        return text or organisation or role_description(action.get("owner_group"), taxonomy)
    return text or NOT_ASSIGNED
