"""Text hygiene: what user text becomes before it is stored, searched or shown.

Imported names can carry terminal escapes, bidi overrides or decomposed Urdu; they are
cleaned once on the way in, so every screen and file can trust what the database holds.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import fields, is_dataclass, replace
from functools import lru_cache
from typing import Any, TypeVar

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
    """Search key: case-, accent- and spacing-insensitive, Urdu in any normal form."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub("", bare.translate(_URDU_DIGITS))


def name_key(value: str) -> str:
    """Identity of a name for duplicate warnings: same letters modulo case, spacing, NFC."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value).casefold()).strip()


def digits(value: str) -> str:
    """A phone number reduced to its digits (Urdu digits become ASCII)."""
    return "".join(ch for ch in value.translate(_URDU_DIGITS) if ch.isdigit())


def slugify(value: str) -> str:
    """A short, typeable identifier for an event made from its title."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60].rstrip("-") or "event"
