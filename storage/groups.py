"""Guess a stakeholder group from an organisation and a designation.

Partner lists rarely carry a stakeholder group, yet the report counts by group. The guess
uses the taxonomy's aliases and `keywords` (an organisation can add its own in its taxonomy
YAML), matched as whole words in any case; the longest phrase found wins, so "Social Welfare
Department" is child protection rather than government. Guessed groups are marked as such
(`people.group_guessed`) until someone reviews them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

from convener.storage.taxonomy import Taxonomy, load_taxonomy


@dataclass(frozen=True)
class GroupGuess:
    """A guessed group code, and the words that suggested it (to show the coordinator)."""

    code: str
    matched: str
    field: str  # "organisation" or "designation"


def _words(text: str) -> str:
    """Lower-case words separated by single spaces, with a space at each end."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join(ch if ch.isalnum() else " " for ch in folded)
    return f" {' '.join(kept.split())} "


@cache
def _phrases(taxonomy: Taxonomy) -> tuple[tuple[str, str], ...]:
    """(phrase as `_words` makes it, group code), longest first; single letters are skipped."""
    found: dict[str, str] = {}
    for term in taxonomy.stakeholder_groups.terms:
        for spelling in (*term.aliases, *term.keywords):
            phrase = _words(spelling)
            if len(phrase.strip()) >= 2:
                found.setdefault(phrase, term.code)
    return tuple(sorted(found.items(), key=lambda item: -len(item[0])))


def guess_group(
    organisation: str | None, designation: str | None = None, taxonomy: Taxonomy | None = None
) -> GroupGuess | None:
    """The stakeholder group suggested by an organisation, else by a designation, or None."""
    phrases = _phrases(taxonomy or load_taxonomy())
    for field, value in (("organisation", organisation), ("designation", designation)):
        if not value:
            continue
        text = _words(value)
        for phrase, code in phrases:
            if phrase in text:
                return GroupGuess(code, phrase.strip(), field)
    return None
