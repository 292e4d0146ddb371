"""Who may be named in a report, and how a remark is attributed when they may not.

These rules are the promise Convener makes to the people in the room: survivors and minors
(`protected`) are never named, people who did not consent are counted but not listed, and
remarks are attributed as the rapporteur chose, and what a rapporteur typed (notes, action
items, titles, tags) loses the names and contacts a report may not carry. They live in one
place so that every writer (Markdown, CSV, DOCX, JSON) receives text that has already been
decided, and the preview shows what was taken out.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from convener.storage.reports.finders import (
    EMAIL,
    ID_NUMBER,
    NAME,
    PHONE,
    Folded,
    Found,
    NameFinder,
    find_contacts,
    fold,
    letters,
    name_tokens,
    runs,
    title_before,
)
from convener.storage.reports.wording import capitalised
from convener.storage.taxonomy import Taxonomy
from convener.storage.text import digits, strip_controls

WITHHELD = "(name withheld)"
A_PARTICIPANT = "A participant"
MARKS = {
    NAME: "[name withheld]",
    PHONE: "[phone removed]",
    ID_NUMBER: "[ID removed]",
    EMAIL: "[e-mail removed]",
}
_NOUNS = (
    (NAME, "name", "names"),
    (PHONE, "phone number", "phone numbers"),
    (ID_NUMBER, "ID number", "ID numbers"),
    (EMAIL, "e-mail address", "e-mail addresses"),
)

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


# Why someone is left out of a report, for screens ("reason for every person left out").
WITHHELD_REASONS = {
    "protected": "protected (never named)",
    "declined": "declined to be named",
    "not_asked": "not asked whether they may be named",
}


def withheld_reason(person: Mapping[str, Any], *, unredacted: bool) -> str | None:
    """Why a person may not be named ("protected", "declined", "not_asked"), or None.

    Only a "yes" recorded for this event names someone in a public report; `consent` is the
    registration's state (yes / no / not_asked). Protected people are never named, not even
    unredacted. Unredacted (internal) reports name everyone else.
    """
    if person.get("protected"):
        return "protected"
    if unredacted:
        return None
    state = person.get("consent")
    if state == "yes":
        return None
    return "declined" if state == "no" else "not_asked"


def may_name(person: Mapping[str, Any], *, unredacted: bool) -> bool:
    """Whether a person's name may appear (see `withheld_reason`)."""
    return withheld_reason(person, unredacted=unredacted) is None


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


def named_label(name: str | None, designation: str | None) -> str:
    """`Name, Designation` as reports introduce a speaker."""
    return ", ".join(part for part in (name, designation) if part)


@dataclass(frozen=True)
class Scrubbed:
    """Free text and what was found in it: `text` for the files, `marked` for the preview.

    One search serves both, so the preview shows exactly what the export removes.
    """

    source: str
    removals: tuple[Found, ...]

    @property
    def text(self) -> str:
        """As exported: names become "a participant", contacts are taken out."""
        return self._render(marks=False)

    @property
    def marked(self) -> str:
        """As previewed: each removal shown as "[phone removed]", "[name withheld]"..."""
        return self._render(marks=True)

    @property
    def counts(self) -> Counter[str]:
        return Counter(r.kind for r in self.removals)

    def _render(self, *, marks: bool) -> str:
        out, position = "", 0
        for removal in self.removals if marks else _contact_lists(self.source, self.removals):
            out += self.source[position : removal.start]
            position = removal.end
            if marks:
                out += MARKS[removal.kind]
            elif removal.kind == NAME:
                before = out.rstrip(" \t\"“‘'(*")
                out += A_PARTICIPANT if not before or before[-1] in ".!?\n" else "a participant"
            else:  # a contact leaves no trace: no doubled space, no empty brackets
                out = out.rstrip(" \t")
                rest = self.source[position:].lstrip(" \t")
                if out.endswith("(") and rest.startswith(")"):
                    out, rest = out[:-1].rstrip(" \t"), rest[1:].lstrip(" \t")
                position = len(self.source) - len(rest)
                if out and rest and out[-1] not in "\n(" and rest[0] not in ".,;:!?)\n":
                    out += " "
        return out + self.source[position:]


_BETWEEN_CONTACTS = re.compile(r"[\s,;/]*(?:\b(?:or|and)\b)?[\s,;/]*")


def _contact_lists(source: str, removals: Iterable[Found]) -> list[Found]:
    """Contacts listed together ("0300..., +92..., a@b.org") as one removal, so that no
    trail of commas is left where they were."""
    merged: list[Found] = []
    for removal in removals:
        last = merged[-1] if merged else None
        if (
            last
            and NAME not in (last.kind, removal.kind)
            and _BETWEEN_CONTACTS.fullmatch(source, last.end, removal.start)
        ):
            merged[-1] = Found(last.start, removal.end, last.kind)
        else:
            merged.append(removal)
    return merged


class Scrubber:
    """What free text may keep in one report: the privacy rules for notes, action items,
    titles, tags and any other typed text.

    - Names of `protected` people (survivors, minors) go in every report: each word of 3+
      letters, any run of their words, joined or apart, in any case, spacing or Unicode form,
      even a word another participant shares.
    - Names of people who did not consent (`withheld`) go unless `unredacted`: the full name
      in those forms, and a shorter run only where no consenting participant (`named`)
      shares it.
    - Phone numbers, ID numbers (CNIC) and e-mail addresses go unless `unredacted`; the
      numbers (`numbers`) and e-mail addresses (`emails`) of protected people go always,
      as do addresses that hold a protected name.

    Calling the scrubber returns the exported text (or the preview's, with `marks`) and
    tallies what it removed in `counts`; `scrub` is the pure search behind it.
    """

    def __init__(
        self,
        protected: Iterable[str | None],
        *,
        withheld: Iterable[str | None] = (),
        named: Iterable[str | None] = (),
        numbers: Mapping[str, str] | None = None,
        emails: Iterable[str | None] = (),
        contacts: bool = True,
        marks: bool = False,
    ) -> None:
        guarded = {name_tokens(n) for n in protected if n}
        self._protected_names = {"".join(tokens) for tokens in guarded if tokens}
        wanted = {run for tokens in guarded for run in runs(tokens) if len(run) > 1}
        wanted |= {(t,) for tokens in guarded for t in tokens if letters([t]) >= 3}
        shared = {run for n in named if n for run in runs(name_tokens(n))}
        for tokens in {name_tokens(n) for n in withheld if n}:
            wanted.add(tokens)
            wanted |= {
                run
                for run in runs(tokens)
                if run not in shared and (len(run) > 1 or letters(run) >= 3)
            }
        self._names = NameFinder(wanted)
        self._numbers = {k: v for k, v in (numbers or {}).items() if len(k) >= 7}
        self._emails = {fold(e.strip()).text for e in emails if e and e.strip()}
        self._contacts = contacts
        self.marks = marks
        self.counts: Counter[str] = Counter()
        self._seen: dict[str, Scrubbed] = {}

    def scrub(self, text: str | None) -> Scrubbed:
        """Where `text` names someone it may not, or holds a contact it may not."""
        if not text:
            return Scrubbed("", ())
        known = self._seen.get(text)
        if known is None:  # designations and organisations repeat across thousands of rows
            known = self._seen[text] = self._search(text)
        return known

    def _search(self, text: str) -> Scrubbed:
        source = strip_controls(unicodedata.normalize("NFC", text))
        folded = fold(source)
        found = find_contacts(folded.text, self._numbers)
        if not self._contacts:  # only protected people's contacts, and e-mails naming them
            found = [f for f in found if self._always_removed(f, folded)]
        contact_spans = [(f.start, f.end) for f in found]
        names = [
            (start, end)
            for start, end in self._names.find(folded.text)
            if not any(s < end and start < e for s, e in contact_spans)
        ]
        removals = [Found(*folded.source_span(f.start, f.end), f.kind) for f in found]
        removals += _names(source, [folded.source_span(*span) for span in names])
        return Scrubbed(source, tuple(sorted(removals, key=lambda r: r.start)))

    def _always_removed(self, found: Found, folded: Folded) -> bool:
        if found.kind == EMAIL:
            address = folded.text[found.start : found.end]
            return address in self._emails or bool(self._names.find(address))
        return _digits(found, folded) in self._numbers

    def __call__(self, text: str | None) -> str:
        result = self.scrub(text)
        if result.removals:
            self.counts.update(result.counts)
        return result.marked if self.marks else result.text

    def person_name(self, name: str) -> str:
        """A listed person's own name, unless it is also a protected person's name."""
        if "".join(name_tokens(name)) in self._protected_names:
            self.counts[NAME] += 1
            return MARKS[NAME] if self.marks else A_PARTICIPANT
        return name


def _digits(found: Found, folded: Folded) -> str:
    return "".join(ch for ch in folded.text[found.start : found.end] if ch.isdigit())


def _names(source: str, spans: list[tuple[int, int]]) -> list[Found]:
    """Name spans with an honorific before them taken in, and "Bano Gul" made one."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        start = title_before(source, start)
        if merged and not source[merged[-1][1] : start].strip(" \t-‐"):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [Found(start, end, NAME) for start, end in merged]


def removed_text(counts: Mapping[str, int]) -> str:
    """ "Removed from typed text: 2 phone numbers, 1 name." (blank when nothing was)."""
    parts = [
        f"{counts[kind]} {noun if counts[kind] == 1 else plural}"
        for kind, noun, plural in _NOUNS
        if counts.get(kind)
    ]
    return f"Removed from typed text: {', '.join(parts)}." if parts else ""


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
            "consent": note.get("speaker_consent"),
        }
        if wants_name and may_name(person, unredacted=unredacted):
            name = scrub.person_name(str(note["speaker_name"]))
            return named_label(name, scrub(note.get("speaker_designation")))
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
    """Who an action item is for: a person only if they may be named, else text or role."""
    text = scrub(action.get("owner_text"))
    if action.get("owner_person_id") and action.get("owner_name") is not None:
        person = {
            "protected": action.get("owner_protected"),
            "consent": action.get("owner_consent"),
        }
        if not chatham_house and may_name(person, unredacted=unredacted):
            return scrub.person_name(str(action["owner_name"]))
        return text or role_description(action.get("owner_group"), taxonomy)
    return text or "Not assigned"


def scrubber_for(
    protected: Iterable[Mapping[str, Any]],
    attendees: Iterable[Mapping[str, Any]],
    *,
    unredacted: bool,
    marks: bool = False,
) -> Scrubber:
    """The scrubber for one event's report, from the people it must know about.

    `protected`: every protected person on file (names, numbers, e-mails never appear);
    `attendees`: the event's people, whose consent decides whose names may appear.
    """
    attendees, protected = list(attendees), list(protected)
    numbers = {
        digits(str(p.get(key) or "")): ID_NUMBER if key == "id_number" else PHONE
        for p in (*(attendees if not unredacted else ()), *protected)
        for key in ("phone", "id_number")
    }
    withheld = (
        [] if unredacted else [p["name"] for p in attendees if not may_name(p, unredacted=False)]
    )
    return Scrubber(
        (p["name"] for p in protected),
        withheld=withheld,
        named=[p["name"] for p in attendees if may_name(p, unredacted=False)],
        numbers=numbers,
        emails=[p.get("email") for p in protected],
        contacts=not unredacted,
        marks=marks,
    )
