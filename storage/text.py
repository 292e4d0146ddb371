"""Text hygiene: what user text becomes before it is stored, searched or shown.

Imported names can carry terminal escapes, bidi overrides or decomposed Urdu; they are
cleaned once on the way in, so every screen and file can trust what the database holds.
"""

from __future__ import annotations

import re
import unicodedata

from convener.storage.name_match import search_key

# C0 controls except tab/newline, DEL, C1 controls, and bidi embeddings/overrides/isolates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
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


def slugify(value: str) -> str:
    """A short, typeable identifier for an event made from its title."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60].rstrip("-") or "event"
