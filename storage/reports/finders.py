"""Finding contacts and names in free text, however a rapporteur happened to type them.

Pure functions over one string: they say where a phone number, an ID number (CNIC), an
e-mail address or a person's name is, as spans of the text they were given. What becomes of
those spans (removed, replaced, marked) is decided in `redaction`. Matching runs on a folded
copy of the text (compatibility forms, case, accents, zero-width characters, Urdu and
Arabic-Indic digits, Arabic-keyboard letter variants) mapped back to the original positions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

NAME, PHONE, ID_NUMBER, EMAIL = "name", "phone", "id", "email"

_DIGITS = {ord(d): str(i % 10) for i, d in enumerate("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩")}
# Letters an Arabic keyboard types for Urdu ones (ي for ی, ك for ک, ه for ہ).
_VARIANTS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ه": "ہ", "ة": "ہ", "ە": "ہ"})
_TATWEEL = "\u0640"


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    if ord(ch) in _DIGITS:
        return _DIGITS[ord(ch)]
    if ch == _TATWEEL or unicodedata.category(ch) == "Cf":  # ZWNJ, ZWSP, soft hyphen, bidi
        return ""
    decomposed = unicodedata.normalize("NFKD", ch)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.casefold().translate(_VARIANTS)


@dataclass(frozen=True)
class Folded:
    """Text folded for matching; `origin[i]` is the source index of folded character i."""

    text: str
    origin: tuple[int, ...] | None  # None: the same positions as the source

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        if self.origin is None:
            return start, end
        return self.origin[start], self.origin[end - 1] + 1


def fold(text: str) -> Folded:
    """`text` in one comparable form: NFKC/NFD/case/ZWNJ/Urdu-digit differences removed."""
    if text.isascii():
        return Folded(text.lower(), None)
    out: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        folded = _fold_char(ch)
        out.append(folded)
        origin.extend([index] * len(folded))
    return Folded("".join(out), tuple(origin))


# --- contacts ------------------------------------------------------------------------------

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Numbers that stay: thousands (3,453; 1,50,000), decimals, dates, times, case numbers.
_KEEP = re.compile(
    "|".join(
        (
            r"(?<![\d,])\d{1,3}(?:,\d{2,3})+(?:\.\d+)?(?!\d)",
            r"(?<![\d.])(?:0|[1-9]\d{0,8})\.\d{1,4}(?![\d]|\.\d)",
            r"(?<![\d./-])\d{1,4}([-/.])\d{1,2}\1\d{1,4}(?!\d|[-/.]\d)",
            r"(?<![\d:])\d{1,2}:\d{2}(?::\d{2})?(?!\d|:\d)",
            r"(?<![\d./-])\d{1,6}/\d{1,4}(?![\d/]|-\d)",
        )
    )
)
_GROUP = re.compile(r"\d+")
_MAY_HOLD_CONTACT = re.compile(r"[\d@]")
_GAP = re.compile(r"[ .()\-\u2010-\u2013]{1,4}")
_YEAR = re.compile(r"(?:19|20)\d\d")
_PHONE_SHAPE = re.compile(r"(?:0092|92)?0?3\d{9}|0\d{9,10}|(?:0092|92)\d{9,10}")
_CURRENCY = re.compile(r"(?:\b(?:rs\.?|pkr|usd)|[$€£])\s*$")


@dataclass(frozen=True)
class Found:
    """A span of the source text and what it is."""

    start: int
    end: int
    kind: str


def _blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """`text` with the spans overwritten (same length, no digits or letters left there)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = "\x00" * (end - start)
    return "".join(chars)


def _chains(text: str) -> list[list[re.Match[str]]]:
    """Runs of digit groups split only by spaces, hyphens, dots or brackets."""
    chains: list[list[re.Match[str]]] = []
    for group in _GROUP.finditer(text):
        previous = chains[-1][-1] if chains else None
        if previous and _GAP.fullmatch(text, previous.end(), group.start()):
            chains[-1].append(group)
        else:
            chains.append([group])
    return chains


def _kind(groups: Sequence[re.Match[str]], known: dict[str, str], shaped: bool) -> str | None:
    digits = "".join(g[0] for g in groups)
    lengths = tuple(len(g[0]) for g in groups)
    if digits in known:
        return known[digits]
    if lengths == (5, 7, 1) or (lengths == (13,) and not digits.startswith("0")):
        return ID_NUMBER
    if shaped:
        return PHONE if _PHONE_SHAPE.fullmatch(digits) else None
    if 10 <= len(digits) <= 13 and not all(_YEAR.fullmatch(g[0]) for g in groups):
        return PHONE
    return None


def _pick(
    groups: Sequence[re.Match[str]], known: dict[str, str], shaped: bool
) -> list[tuple[int, int, str]]:
    """Leftmost, longest sub-runs that read as a contact: (first, last, kind)."""
    picked = []
    i = 0
    while i < len(groups):
        for j in range(len(groups) - 1, i - 1, -1):
            kind = _kind(groups[i : j + 1], known, shaped)
            if kind:
                picked.append((i, j, kind))
                i = j
                break
        i += 1
    return picked


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """Take in a leading `+` or `(` and a closing `)` that belong to the number."""
    if text[start - 1 : start] == "+":
        start -= 1
    opened = text.count(")", start, end) > text.count("(", start, end)
    if opened and text[start - 1 : start] == "(":  # (0333) 5550142, (+92) 333...
        start -= 1
        start -= text[start - 1 : start] == "+"
    if text.count("(", start, end) > text.count(")", start, end) and text[end : end + 1] == ")":
        end += 1
    return start, end


def find_contacts(folded: str, known: dict[str, str]) -> list[Found]:
    """E-mail addresses, then phone and ID numbers, in folded text.

    A phone number is a run of 10-13 digits split only by spaces, hyphens, dots or brackets
    (with or without +); a CNIC is 5-7-1 digits or 13 together. Runs shaped like Pakistani
    numbers are taken first, so a year or a count beside a number stays. `known` maps the
    digits of numbers on file (any length from 7) to their kind.
    """
    if not _MAY_HOLD_CONTACT.search(folded):
        return []
    found = [Found(m.start(), m.end(), EMAIL) for m in _EMAIL.finditer(folded)]
    text = _blank(folded, [(f.start, f.end) for f in found])
    numbers = _blank(text, [m.span() for m in _KEEP.finditer(text)])
    for chain in _chains(numbers):
        taken: set[int] = set()
        picks = _pick(chain, known, shaped=True)
        for first, last, _ in picks:
            taken.update(range(first, last + 1))
        free: list[list[int]] = [[]]
        for index in range(len(chain)):
            if index in taken:
                free.append([])
            else:
                free[-1].append(index)
        for run in free:
            if run:
                picks += [
                    (run[a], run[b], kind)
                    for a, b, kind in _pick([chain[k] for k in run], known, shaped=False)
                ]
        for first, last, kind in picks:
            start, end = chain[first].start(), chain[last].end()
            if kind == PHONE and _CURRENCY.search(text, 0, start):
                continue  # Rs. 5000000000 is money
            found.append(Found(*_widen(text, start, end), kind))
    return sorted(found, key=lambda f: f.start)


# --- names ---------------------------------------------------------------------------------

# Honorifics are not names: they are neither searched alone nor left dangling before one.
TITLES = frozenset(
    {"mr", "mrs", "ms", "miss", "dr", "prof", "haji", "hajji", "mst", "maulana", "allama", "engr"}
)
_SEP_ONLY = re.compile(r"[\s\-\u2010-\u2015._]*")
_WORD = re.compile(r"[^\W_]+")
_TITLE_BEFORE = re.compile(r"(?:\b(?:" + "|".join(sorted(TITLES)) + r")\b\.?\s*)+$", re.IGNORECASE)


def name_tokens(name: str) -> tuple[str, ...]:
    """The folded words of a name, honorifics left out."""
    return tuple(t for t in _WORD.findall(fold(name).text) if t not in TITLES)


def runs(tokens: Sequence[str]) -> list[tuple[str, ...]]:
    """Every contiguous run of a name's words: Gul, Bano, Gul Bano."""
    return [tuple(tokens[i:j]) for i in range(len(tokens)) for j in range(i + 1, len(tokens) + 1)]


def letters(run: Sequence[str]) -> int:
    return sum(ch.isalpha() for token in run for ch in token)


class NameFinder:
    """Finds any of a set of names (as word runs) in folded text, as whole words.

    A run matches joined or apart: "gul bano", "gul-bano", "gulbano", "GUL  BANO". The
    text's words are joined a few at a time and looked up, so a thousand withheld names
    cost no more per note than ten.
    """

    def __init__(self, wanted: Iterable[tuple[str, ...]]) -> None:
        wanted = [run for run in wanted if run]
        self._keys = {"".join(run) for run in wanted}
        self._prefixes = {key[:n] for key in self._keys for n in range(1, len(key) + 1)}
        self._longest = max((len(run) for run in wanted), default=0)

    def find(self, folded: str) -> list[tuple[int, int]]:
        if not self._keys:
            return []
        words = list(_WORD.finditer(folded))
        found = []
        i = 0
        while i < len(words):
            match = None
            joined = ""
            for j in range(i, min(i + self._longest, len(words))):
                if j > i and not _SEP_ONLY.fullmatch(folded, words[j - 1].end(), words[j].start()):
                    break
                joined += words[j][0]
                if joined not in self._prefixes:
                    break
                if joined in self._keys:
                    match = j
            if match is None:
                i += 1
                continue
            found.append((words[i].start(), words[match].end()))
            i = match + 1
        return found


def title_before(source: str, start: int) -> int:
    """Where an honorific just before `start` begins ("Dr. " before a name), else `start`."""
    match = _TITLE_BEFORE.search(source, 0, start)
    return match.start() if match else start
