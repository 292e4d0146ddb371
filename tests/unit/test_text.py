"""Text hygiene: what imported or typed text becomes before it is stored, searched or shown."""

from __future__ import annotations

import unicodedata

import pytest

from convener.storage.text import clean_block, clean_line, digits, fold, name_key, slugify

URDU = "آمنہ بی بی ئ"  # alef-madda, heh-goal and yeh-hamza all decompose under NFD
URDU_NFD = unicodedata.normalize("NFD", URDU)


def test_urdu_sample_really_differs_between_forms() -> None:
    # Guards the Urdu tests below: they would prove nothing if NFD changed nothing.
    assert URDU_NFD != URDU
    assert unicodedata.normalize("NFC", URDU_NFD) == URDU


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Amina\x1b]0;pwned title\x07 Khan", "Amina Khan"),  # OSC window title, BEL-terminated
        ("Amina\x1b]0;pwned\x1b\\ Khan", "Amina Khan"),  # OSC, ST-terminated
        ("Amina\x1b]52;c;ZXZpbA==\x07 Khan", "Amina Khan"),  # OSC 52 clipboard write
        ("\x1b[2JAmina Khan", "Amina Khan"),  # clear screen
        ("\x1b[31;1mAmina\x1b[0m Khan", "Amina Khan"),  # colours
        ("Amina\x9b31m Khan", "Amina Khan"),  # C1 CSI
        ("Amina\x9d Khan", "Amina Khan"),  # lone C1 control
        ("Amina\x85Khan", "AminaKhan"),  # NEL is C1 too
        ("\u202eAmina Khan\u202c", "Amina Khan"),  # bidi override and pop
        ("Amina\u2066 Khan\u2069", "Amina Khan"),  # bidi isolates
        ("Amina\x00 Khan", "Amina Khan"),  # NUL
        ("Amina\x07\x08\x7f Khan", "Amina Khan"),  # BEL, BS, DEL
        ("Amina\x1b Khan", "Amina Khan"),  # a stray ESC
        ("  Amina \t\n  Khan  ", "Amina Khan"),  # whitespace collapsed on one line
        (None, ""),
        (3001234567, "3001234567"),
    ],
    ids=[
        "osc-bel",
        "osc-st",
        "osc52",
        "csi-clear",
        "csi-colour",
        "c1-csi",
        "c1-osc",
        "c1-nel",
        "bidi-override",
        "bidi-isolate",
        "nul",
        "c0-misc",
        "stray-esc",
        "whitespace",
        "none",
        "number",
    ],
)
def test_clean_line_removes_terminal_controls(raw: object, expected: str) -> None:
    assert clean_line(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["\x1b]0;x\x07", "\x1b[2J", "\x9b", "\u202e", "\x00", "\x1b", "\x9d", "\u2067"],
)
def test_no_control_character_survives(raw: str) -> None:
    for cleaned in (clean_line(f"a{raw}b"), clean_block(f"a{raw}b")):
        assert not any(unicodedata.category(ch) == "Cc" for ch in cleaned)
        assert not any(0x202A <= ord(ch) <= 0x202E or 0x2066 <= ord(ch) <= 0x2069 for ch in cleaned)


def test_clean_block_keeps_line_breaks_and_normalises_them() -> None:
    text = "First point.\r\nSecond\tpoint.\rThird \x1b[1mpoint\x1b[0m.\n"
    assert clean_block(text) == "First point.\nSecond    point.\nThird point."


def test_unterminated_escape_does_not_swallow_the_rest_of_a_note() -> None:
    # Nothing typed may be lost: a stray ESC ] must not eat the paragraphs after it.
    note = "Point one. \x1b]stray\nThe real content of the note.\nAnd more."
    cleaned = clean_block(note)
    assert "The real content of the note." in cleaned
    assert cleaned.endswith("And more.")
    assert "\x1b" not in cleaned


def test_clean_line_stores_urdu_as_nfc() -> None:
    assert clean_line(URDU_NFD) == URDU
    assert clean_block(URDU_NFD) == URDU


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Raheela Durrani", "raheela durrani"),
        ("Raheela Durrani", "RAHEELA   DURRANI"),
        ("Raheela Durrani", "RaheelaDurrani"),
        ("José Núñez", "jose nunez"),
        ("Zoë", "ZOE"),
        (URDU, URDU_NFD),
        ("۰۳۰۰", "0300"),  # Urdu digits
        ("Straße", "STRASSE"),  # casefold, not lower
    ],
)
def test_fold_matches_variants(a: str, b: str) -> None:
    assert fold(a) == fold(b)


@pytest.mark.parametrize(("a", "b"), [("Durrani", "Durani"), ("Amina", "Aminah"), ("آمنہ", "آصفہ")])
def test_fold_keeps_different_names_apart(a: str, b: str) -> None:
    assert fold(a) != fold(b)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Raheela Durrani", " raheela   DURRANI ", True),
        (URDU, URDU_NFD, True),
        ("Raheela Durrani", "RaheelaDurrani", False),  # spacing differs inside: different key
        ("Raheela Durrani", "Raheela Durani", False),
    ],
)
def test_name_key(a: str, b: str, same: bool) -> None:
    assert (name_key(a) == name_key(b)) is same


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0300-123 4567", "03001234567"),
        ("+92 (300) 1234567", "923001234567"),
        ("۰۳۰۰۱۲۳", "0300123"),
    ],
)
def test_digits(raw: str, expected: str) -> None:
    assert digits(raw) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Provincial Dialogue 2025-05-14", "provincial-dialogue-2025-05-14"),
        ("  Quetta: Human Trafficking & Migration!  ", "quetta-human-trafficking-migration"),
        ("Café Trust", "cafe-trust"),
        ("آمنہ", "event"),  # nothing typeable left
        ("", "event"),
        ("a" * 100, "a" * 60),
        ("word " * 30, ("word-" * 12).rstrip("-")),
    ],
)
def test_slugify(title: str, expected: str) -> None:
    slug = slugify(title)
    assert slug == expected
    assert len(slug) <= 60
    assert not slug.startswith("-")
    assert not slug.endswith("-")
