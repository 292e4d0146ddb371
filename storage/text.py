"""Text hygiene: what user text becomes before it is stored, searched or shown.

Imported names can carry terminal escapes, bidi overrides or decomposed Urdu; they are
cleaned once on the way in, so every screen and file can trust what the database holds.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import fields, is_dataclass, replace
from datetime import date
from functools import lru_cache
from typing import Any, TypeVar

from convener.storage.name_match import search_key

T = TypeVar("T")

# C0 controls except tab/newline, DEL, C1 controls, bidi embeddings/overrides/isolates, and
# the noncharacters U+FFFE/U+FFFF (no XML file, so no .docx, can hold them).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")
# Whole escape sequences first (CSI like ESC[2J, OSC like ESC]0;title BEL, OSC 52), so no
# visible residue such as "[2J" is left behind; then any stray control character. An OSC is
# removed only up to its terminator on the same line: an unterminated one must not swallow
# the rest of a note (its ESC alone is dropped, which makes it inert).
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b\n]*(?:\x07|\x1b\\)|\x9b[0-?]*[ -/]*[@-~]"
)
_SPACES = re.compile(r"\s+")
_URDU_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def clean_line(value: object) -> str:
    """One-line field (a name, an organisation): NFC, no controls, single spaces."""
    if value is None:
        return ""
    text = _ESCAPES.sub("", unicodedata.normalize("NFC", str(value)))
    text = _UNSAFE.sub("", text.replace("\n", " ").replace("\t", " "))
    return _SPACES.sub(" ", text).strip()


def clean_block(value: object) -> str:
    """Multi-line field (a note): NFC, no controls, line breaks kept."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    text = _UNSAFE.sub("", _ESCAPES.sub("", text).replace("\t", "    "))
    return text.strip()


def strip_controls(text: str) -> str:
    """`text` without escape sequences, control characters or bidi overrides; lines kept.

    For text read back from the database, which another program may have written."""
    if not _UNSAFE.search(text):  # ESC and CSI are themselves unsafe: nothing to remove
        return text
    return _UNSAFE.sub("", _ESCAPES.sub("", text))


def without_controls(value: T) -> T:
    """Every string inside `value` (dataclasses, tuples, lists, dicts) through
    `strip_controls`: what a report holds is safe whoever wrote the database.

    What holds nothing to remove is returned as it is, so a large report is not copied."""
    cleaned: Any = value
    if isinstance(value, str):
        cleaned = strip_controls(value)
    elif is_dataclass(value) and not isinstance(value, type):
        names = _init_fields(type(value))
        old = [getattr(value, name) for name in names]
        new = [without_controls(v) for v in old]
        if any(a is not b for a, b in zip(old, new, strict=True)):
            cleaned = replace(value, **dict(zip(names, new, strict=True)))
    elif isinstance(value, tuple | list):
        items = [without_controls(v) for v in value]
        if any(a is not b for a, b in zip(value, items, strict=True)):
            cleaned = type(value)(items)
    elif isinstance(value, dict):
        pairs = [(without_controls(k), without_controls(v)) for k, v in value.items()]
        if any(
            a is not c or b is not d for (a, b), (c, d) in zip(value.items(), pairs, strict=True)
        ):
            cleaned = dict(pairs)
    return cleaned


@lru_cache(maxsize=64)
def _init_fields(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls) if f.init)


def fold(value: str) -> str:
    """Search key without spaces: `name_match.search_key` (case, accents, spacing, Urdu
    letters as typed on any keyboard, digits in any script)."""
    return search_key(value).replace(" ", "")


def name_key(value: str) -> str:
    """Identity of a name for duplicate warnings: same letters modulo case, spacing, NFC."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value).casefold()).strip()


def digits(value: str) -> str:
    """A phone number reduced to its digits (Urdu digits become ASCII)."""
    return "".join(ch for ch in value.translate(_URDU_DIGITS) if ch.isdigit())


SLUG_LIMIT = 60


def slugify(title: str, date: str | None = None) -> str:
    """A short, typeable identifier for an event: its title, then its date, never cut.

    The title is cut at a word boundary so that the date always survives: two runs of the
    same long-titled workshop on different dates get different slugs.
    """
    tail = _slug_words(date or "")
    room = SLUG_LIMIT - (len(tail) + 1 if tail else 0)
    words = _slug_words(title)
    if len(words) > room:
        cut = words[: room + 1].rfind("-")
        words = words[:cut] if cut > 0 else words[:room]
    slug = "-".join(part for part in (words.strip("-"), tail) if part)
    return slug or "event"


def _slug_words(value: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def phone_key(value: str | None) -> str:
    """A phone number for matching: its last 10 digits, so 0300…, +92 300… and 92300… agree."""
    found = digits(value or "")
    return found[-10:] if len(found) >= 7 else ""


def id_key(value: str | None) -> str:
    """An ID number (CNIC) for matching: its digits, or the cleaned text if it has none."""
    found = digits(value or "")
    return found if len(found) >= 5 else ""


# Dates --------------------------------------------------------------------------------------

_DAY_FIRST = re.compile(r"(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d+)")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def parse_date(value: str) -> date:
    """A date as people in Pakistan write it: DD/MM/YYYY, DD-MM-YYYY, DD.MM.YYYY, or ISO.

    Always day first (05/04/2025 is 5 April). A two-digit year is refused rather than
    guessed. Raises ValueError with a sentence a coordinator can act on.
    """
    text = clean_line(value).translate(_URDU_DIGITS)
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
        iso = [int(p) for p in text.split("-")]
        return _make_date(iso[0], iso[1], iso[2], text)
    found = _DAY_FIRST.fullmatch(text)
    if found is None:
        raise ValueError(f"expected a date as DD/MM/YYYY or YYYY-MM-DD, got {text!r}")
    written_year = found[4]
    if len(written_year) != 4:
        raise ValueError(
            f"{text!r} has a {len(written_year)}-digit year; write the year in full (DD/MM/YYYY)"
        )
    return _make_date(int(written_year), int(found[3]), int(found[1]), text)


def _make_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(
            f"expected a date as DD/MM/YYYY or YYYY-MM-DD, got {text!r}, which is not in the"
            " calendar (the day comes first)"
        ) from None


def display_date(value: str | date | None) -> str:
    """A date nobody can misread: "22 Nov 2022" (blank for blank, as-is if unreadable)."""
    if not value:
        return ""
    try:
        day = value if isinstance(value, date) else parse_date(value)
    except ValueError:
        return str(value)
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


# Names --------------------------------------------------------------------------------------

NAME_PARTICLES = frozenset({"ul", "ud", "un", "ur", "bin", "bint", "al"})


def capitalise_name(value: str) -> str:
    """A name typed all in lower case, capitalised the way people write it.

    "hina qureshi" -> "Hina Qureshi", "zia ul haq" -> "Zia ul Haq", "abdul-rahman" ->
    "Abdul-Rahman". A name with any capital letter, or in Urdu script (no Latin lower-case
    letters), is kept exactly as typed: the person typing knows best.
    """
    text = clean_line(value)
    if not any(ch.islower() and ch.isascii() for ch in text) or any(ch.isupper() for ch in text):
        return text
    words = text.split(" ")
    out = []
    for index, word in enumerate(words):
        if index and word in NAME_PARTICLES and index < len(words) - 1:
            out.append(word)
            continue
        out.append("-".join(part[:1].upper() + part[1:] for part in word.split("-")))
    return " ".join(out)


def counted(n: int, one: str, many: str | None = None) -> str:
    """`1 check-in`, `2 check-ins`, `3 people`: what every report line counts, never `(s)`."""
    return f"{n} {one if n == 1 else (many or one + 's')}"
