"""The three privacy levels a report is written at, and who each one is for.

`public` goes to donors and partners: people are named only with their consent. A
`verification` report adds the full list of who attended (name, designation, organisation,
sex and a signature column, never a phone or e-mail), which donors file with the signed
sheet as means of verification; its notes are attributed as in the public report.
`full` is for the organiser's own files: contacts too. Protected people are never named at
any level, and notes "not for the record" never appear.
"""

from __future__ import annotations

from dataclasses import dataclass

from convener.storage.errors import ValidationError


@dataclass(frozen=True)
class Level:
    code: str
    label: str
    marker: str  # added to file names; blank for the public level
    notice: str  # said on the first page (and in page headers) of a restricted report
    audience: str  # who will see what, in one sentence for the person exporting
    confirm: bool  # whether the app asks before writing it

    @property
    def names_everyone(self) -> bool:
        """Whether attendees who did not consent are named in the participant list."""
        return self.code != "public"

    @property
    def contacts(self) -> bool:
        return self.code == "full"


PUBLIC = Level(
    "public",
    "Public",
    "",
    "",
    "For donors, partners and the public: people are named only if they agreed; no phone "
    "numbers or e-mails; protected people are never named.",
    confirm=False,
)
VERIFICATION = Level(
    "verification",
    "Verification",
    "-VERIFICATION",
    "Means of verification, not for publication",
    "For the donor's files only: adds the full list of who attended (name, designation, "
    "organisation, sex, a signature column), including people who did not agree to be named "
    "in public; no phone numbers or e-mails; protected people are still never named.",
    confirm=True,
)
FULL = Level(
    "full",
    "Full (internal)",
    "-UNREDACTED",
    "UNREDACTED: contains contact details and names of people who did not consent to be "
    "named. For internal use only; do not share.",
    "For your organisation only: names everyone except protected people, with their phone "
    "numbers and e-mails. Keep it off shared drives and e-mail.",
    confirm=True,
)
LEVELS = {level.code: level for level in (PUBLIC, VERIFICATION, FULL)}


def level_named(code: str) -> Level:
    """The level for `--level CODE`; an unknown one is a one-sentence error."""
    level = LEVELS.get(code.strip().lower())
    if level is None:
        raise ValidationError("--level", [f"expected one of {', '.join(LEVELS)}; got {code!r}"])
    return level
