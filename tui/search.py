"""Search-as-you-type over attendees: precomputed keys and skeletons, no database round trip.

Keys are built once when the screen loads (`convener.storage.name_match` says what they
are). A keystroke that extends the query searches only the previous exact matches (every
match of "kak" is a match of "ka"). From four typed letters, spelling variants and the
other script are found too, by consonant skeleton; they always come after every exact match.
Ranking is a few substring tests per match, so 10,000 people take milliseconds per key.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from typing import Any

from convener.storage.name_match import (
    name_skeletons,
    open_ended,
    search_key,
    similarity,
    skeleton,
    telling_apart,
)
from convener.storage.text import digits

FUZZY_FROM = 4  # typed letters before spelling variants are looked for
CLOSE_ENOUGH = 0.5  # similarity below which a skeleton match is left out
# Variants come after every exact match; past a few screens of exact matches nobody scrolls
# down to them, and looking for them would only slow the key down: type more letters.
VARIANTS_BELOW = 100


# Designations, organisations and name words repeat across thousands of people: each is
# keyed once, which also makes building the index of 10,000 people quicker.
word_skeleton = lru_cache(maxsize=16384)(skeleton)


@lru_cache(maxsize=16384)
def field_key(text: str) -> str:
    return search_key(text).replace(" ", "")


@dataclass(slots=True)
class Entry:
    """One attendee as the check-in list sees them, with everything searched precomputed."""

    row: Mapping[str, Any]  # a DoorRow from storage.attendees.door_list, or a full dict
    name_key: str = ""  # the name's search key without spaces
    key: str = ""  # name, designation, organisation, phone digits: what exact search reads
    spaced: str = ""  # " word word " of the name, for whole-word and word-start tests
    skel: str = ""  # "|skel|skel|" of the name's words, for word-start skeleton tests
    apart: str = ""  # what tells this person from a namesake ("" without one)

    @classmethod
    def of(
        cls, row: Mapping[str, Any], shared: dict[str, tuple[str, str, str]] | None = None
    ) -> Entry:
        entry = cls(row)
        entry.reindex(shared)
        return entry

    def reindex(self, shared: dict[str, tuple[str, str, str]] | None = None) -> None:
        """Key the row again; `shared` lets people with the same name share their keys."""
        r = self.row
        name = r["name"] or ""
        forms = shared.get(name) if shared is not None else None
        if forms is None:
            words = search_key(name)
            skeletons = "|".join(word_skeleton(w) for w in words.split())
            forms = (words.replace(" ", ""), f" {words} ", f"|{skeletons}|")
            if shared is not None:
                shared[name] = forms
        self.name_key, self.spaced, self.skel = forms
        self.key = "|".join(
            (
                self.name_key,
                field_key(r.get("designation") or ""),
                field_key(r.get("organisation") or ""),
                digits(r.get("phone") or ""),
            )
        )

    @property
    def words(self) -> list[str]:
        return self.spaced.split()

    @property
    def label(self) -> str:
        """The name, with what tells namesakes apart: "Farzana Rind (UNDP)"."""
        name = str(self.row["name"])
        return f"{name} ({self.apart})" if self.apart else name


@dataclass
class AttendeeIndex:
    """All attendees of an event, searchable by fragments of name, role, org or phone."""

    entries: list[Entry] = field(default_factory=list)
    # The last query and its exact matches (in index order): the pool for a query extending it.
    _last: tuple[str, list[Entry]] | None = field(default=None, repr=False, compare=False)
    _by_name: dict[str, list[Entry]] = field(default_factory=dict, repr=False, compare=False)
    # Every entry's skeletons on one line each, so one regex pass finds the variants of a
    # query: a Python loop over 10,000 entries per key would cost tens of milliseconds.
    _skeletons: str | None = field(default=None, repr=False, compare=False)
    _starts: list[int] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def build(cls, rows: Sequence[Mapping[str, Any]]) -> AttendeeIndex:
        shared: dict[str, tuple[str, str, str]] = {}
        index = cls([Entry.of(r, shared) for r in rows])
        index.entries.sort(key=lambda e: e.name_key)
        for entry in index.entries:
            index._by_name.setdefault(entry.name_key, []).append(entry)
        for group in index._by_name.values():
            if len(group) > 1:
                tell_apart(group)
        return index

    def add(self, row: Mapping[str, Any]) -> Entry:
        entry = Entry.of(row)
        self.entries.append(entry)
        self.entries.sort(key=lambda e: e.name_key)
        self._by_name.setdefault(entry.name_key, []).append(entry)
        tell_apart(self._by_name[entry.name_key])
        self._last = self._skeletons = None
        return entry

    def update(self, entry: Entry, row: Mapping[str, Any]) -> None:
        """Replace an entry's row (after a check-in or an edit) and re-key it."""
        old, old_skel = entry.name_key, entry.skel
        entry.row = row
        entry.reindex()
        if entry.name_key != old:
            self._by_name[old].remove(entry)
            tell_apart(self._by_name[old])
            self._by_name.setdefault(entry.name_key, []).append(entry)
        tell_apart(self._by_name[entry.name_key])
        self._last = None
        if entry.skel != old_skel:  # a check-in changes no name: keep the skeleton lines
            self._skeletons = None

    def find(self, person_id: str) -> Entry | None:
        for entry in self.entries:
            if entry.row["id"] == person_id:
                return entry
        return None

    def search(self, query: str) -> list[Entry]:
        """Exact matches (whole words first, then names and words starting with the query),
        then, from four letters and while exact matches are fewer than a hundred, spelling
        variants and the other script."""
        terms = search_key(query).split()
        if not terms:
            self._last = None
            return list(self.entries)
        joined = "".join(terms)
        pool = self.entries
        if self._last is not None and query.startswith(self._last[0]):
            pool = self._last[1]  # typing on narrows: no match of the longer query is lost
        if len(terms) == 1:
            hits = [e for e in pool if joined in e.key]
        else:
            hits = [e for e in pool if joined in e.key or all(t in e.key for t in terms)]
        self._last = (query, hits)
        found = ranked(hits, terms, joined)
        if len(hits) < VARIANTS_BELOW and sum(ch.isalpha() for ch in joined) >= FUZZY_FROM:
            exact = {id(e) for e in hits}
            pool = [e for e in self.candidates(terms) if id(e) not in exact]
            found += variants(pool, terms)
        return found

    def candidates(self, terms: list[str]) -> list[Entry]:
        """Entries that may be a variant of `terms`: a name word starts with the first typed
        word's consonants, or the name's consonants start with all of them run together."""
        if self._skeletons is None:
            lines = [f"{e.skel.replace('|', '')}\t{e.skel}" for e in self.entries]
            self._starts = list(accumulate((len(line) + 1 for line in lines), initial=0))
            self._skeletons = "\n".join(lines)
        pattern = variant_pattern(terms)
        if pattern is None:
            return []
        out: list[Entry] = []
        last = -1
        for match in pattern.finditer(self._skeletons):
            at = bisect_right(self._starts, match.start()) - 1
            if at != last:
                out.append(self.entries[at])
                last = at
        return out


def tell_apart(group: list[Entry]) -> None:
    """Set what tells each of a group of namesakes apart (nothing for a group of one)."""
    rows = [e.row for e in group]
    for entry in group:
        entry.apart = telling_apart(entry.row, rows) if len(group) > 1 else ""


def ranked(hits: list[Entry], terms: list[str], joined: str) -> list[Entry]:
    """Exact matches in tiers, stable within each (the index is sorted by name):
    a whole word typed, the name starting with it, a word starting with it, inside the name,
    then matches on designation, organisation or phone only. "ali" puts Ali above Alia;
    "farz r" puts Farzana Rind above Farzana Kakar."""
    if len(terms) == 1:
        return ranked_one(hits, joined)
    tiers: list[list[Entry]] = [[], [], [], [], []]
    for e in hits:
        tiers[word_tier(e, terms, joined)].append(e)
    return [e for tier in tiers for e in tier]


def ranked_one(hits: list[Entry], typed: str) -> list[Entry]:
    """`ranked` for one typed word, in as few string operations as the old three buckets:
    "k" matches thousands of people and this runs on every key."""
    start = f" {typed}"
    first: list[Entry] = []  # the name starts with it (its first word, or across words)
    word: list[Entry] = []  # another word starts with it
    inside: list[Entry] = []
    other: list[Entry] = []  # designation, organisation or phone only
    for e in hits:
        at = e.name_key.find(typed)
        if at < 0:
            other.append(e)
        elif at == 0:
            first.append(e)
        else:
            (word if start in e.spaced else inside).append(e)
    if len(typed) > 1:  # a whole word typed comes first; a one-letter "word" is no name
        mark = f" {typed} "
        whole = [e for e in first + word if mark in e.spaced]
        if whole:
            exact = {id(e) for e in whole}
            first = [e for e in first if id(e) not in exact]
            word = [e for e in word if id(e) not in exact]
            return whole + first + word + inside + other
    return first + word + inside + other


def word_tier(entry: Entry, terms: list[str], joined: str) -> int:
    """The tier of a several-word query: every word typed starts a word of the name, in
    order (0 if all but the last are whole words), the name starts with the letters run
    together (1), or only contains them somewhere (3, 4)."""
    at, whole = 0, True
    for i, term in enumerate(terms):
        found = entry.spaced.find(f" {term}", at)
        if found < 0:
            break
        at = found + 1 + len(term)
        if i < len(terms) - 1 and entry.spaced[at] != " ":
            whole = False
    else:
        return 0 if whole else 2
    if entry.name_key.startswith(joined):
        return 1
    return 3 if joined in entry.name_key else 4


def variant_pattern(terms: list[str]) -> re.Pattern[str] | None:
    """What `AttendeeIndex.candidates` looks for in its lines of `flat<TAB>|skel|skel|`."""
    first = next((shape for t in terms if any(shape := open_ended(t))), None)
    if first is None:
        return None
    # One consonant typed ("aliy"): only words of that one consonant, or it finds half the list.
    heads = [re.escape(f"|{s}|" if len(s) == 1 else f"|{s}") for s in first if s]
    flat = "".join(name_skeletons(" ".join(terms)))
    if len(flat) >= 3:  # "abdul rahim" / عبدالرحیم: the consonants run together
        heads.append(f"^{re.escape(flat)}")
    return re.compile("|".join(heads), re.MULTILINE)


def variants(pool: Iterable[Entry], terms: list[str]) -> list[Entry]:
    """Entries whose name words have the typed words' consonants (a spelling variant, or
    the same name in the other script), closest spelling first."""
    typed = [(t, shape) for t in terms if any(shape := open_ended(t))]
    if not typed:
        return []
    first = typed[0][1]
    # One consonant typed ("aliy"): only words of that one consonant, or it finds half the list.
    heads = [f"|{s}|" if len(s) == 1 else f"|{s}" for s in first if s]
    # Words typed apart that the name writes as one ("abdul rahim" / عبدالرحیم), or the other
    # way round: the consonants run together, at least three of them.
    flat = "".join(name_skeletons(" ".join(terms)))
    whole = flat if len(flat) >= 3 else "\0"
    one, other = heads[0], heads[-1]
    memo: dict[tuple[str, str], float] = {}
    scored: list[tuple[int, float, Entry]] = []
    for entry in pool:
        skel = entry.skel
        score = closeness(entry, typed, memo) if one in skel or other in skel else None
        if score is None and entry.skel.replace("|", "").startswith(whole):
            score = joined_closeness(entry, terms)
        if score is not None:
            scored.append((score[0], -score[1], entry))
    scored.sort(key=lambda s: (s[0], s[1]))
    return [entry for _, _, entry in scored]


def closeness(
    entry: Entry, typed: list[tuple[str, tuple[str, ...]]], memo: dict[tuple[str, str], float]
) -> tuple[int, float] | None:
    """(0 if every typed word has a name word's whole skeleton, else 1; mean similarity),
    or None when the words do not line up or the spelling is too far off."""
    words = entry.words
    skeletons = entry.skel[1:-1].split("|")  # one per word, "" for a word without consonants
    tier, total, at = 0, 0.0, 0
    for term, shape in typed:
        for j in range(at, len(skeletons)):
            if skeletons[j] and any(s and skeletons[j].startswith(s) for s in shape):
                break
        else:
            return None
        if skeletons[j] not in shape:
            if len(shape[0]) == 1:  # one consonant typed: whole words only
                return None
            tier = 1
        key = (term, words[j])
        if key not in memo:
            memo[key] = similarity(term, words[j], partial=True)
        total += memo[key]
        at = j + 1
    mean = total / len(typed)
    return (tier, mean) if mean >= CLOSE_ENOUGH else None


def joined_closeness(entry: Entry, terms: list[str]) -> tuple[int, float] | None:
    """How close the letters typed are to the start of the name, all words run together."""
    score = similarity("".join(terms), entry.name_key, partial=True)
    return (1, score) if score >= CLOSE_ENOUGH else None
