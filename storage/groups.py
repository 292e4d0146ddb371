"""Guess a stakeholder group from an organisation and a designation.

Partner lists rarely carry a stakeholder group, yet the report counts by group. The guess
uses the taxonomy's aliases and `keywords` (an organisation can add its own in its taxonomy
YAML), matched as whole words in any case; the longest phrase found wins, so "Social Welfare
Department" is child protection rather than government. Guessed groups are marked as such
(`people.group_guessed`) until someone reviews them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

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


@dataclass(frozen=True, eq=False)  # hashed by identity, for the lru_cache below
class _Matcher:
    """Every alias and keyword of one taxonomy as one pattern, longest alternatives first."""

    pattern: re.Pattern[str]
    codes: dict[str, str]


# Keyed by the taxonomy object itself (kept alive here), since hashing a Taxonomy walks
# every term: at 50,000 rows that cost more than the matching.
_MATCHERS: dict[int, tuple[Taxonomy, _Matcher]] = {}


def _matcher(taxonomy: Taxonomy) -> _Matcher:
    known = _MATCHERS.get(id(taxonomy))
    if known is not None and known[0] is taxonomy:
        return known[1]
    codes: dict[str, str] = {}
    for term in taxonomy.stakeholder_groups.terms:
        for spelling in (*term.aliases, *term.keywords):
            phrase = _words(spelling).strip()
            if len(phrase) >= 2:  # single letters would match initials
                codes.setdefault(phrase, term.code)
    ordered = sorted(codes, key=len, reverse=True)
    pattern = re.compile(" (" + "|".join(re.escape(p) for p in ordered) + ") ") if ordered else None
    matcher = _Matcher(pattern or re.compile("(?!)"), codes)
    _MATCHERS[id(taxonomy)] = (taxonomy, matcher)
    return matcher


@lru_cache(maxsize=8192)
def _best(value: str, matcher: _Matcher) -> str | None:
    """The longest known phrase in `value`, or None (lists repeat organisations: cached)."""
    text = _words(value)
    found: list[str] = []
    position = 0
    while (match := matcher.pattern.search(text, position)) is not None:
        found.append(match[1])
        position = match.end() - 1  # the closing space can open the next phrase
    return max(found, key=len) if found else None


def guess_group(
    organisation: str | None, designation: str | None = None, taxonomy: Taxonomy | None = None
) -> GroupGuess | None:
    """The stakeholder group suggested by an organisation, else by a designation, or None."""
    matcher = _matcher(taxonomy or load_taxonomy())
    for field, value in (("organisation", organisation), ("designation", designation)):
        if not value:
            continue
        phrase = _best(value, matcher)
        if phrase is not None:
            return GroupGuess(matcher.codes[phrase], phrase, field)
    return None
