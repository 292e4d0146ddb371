"""Text hygiene: what imported or typed text becomes before it is stored, searched or shown."""

from __future__ import annotations

import unicodedata

import pytest

from convener.storage.text import (
    capitalise_name,
    clean_block,
    clean_line,
    digits,
    display_date,
    fold,
    name_key,
    parse_date,
    phone_key,
    slugify,
)

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


def test_long_title_keeps_its_date_and_a_whole_last_word() -> None:
    title = "Consultation on Strengthening the Response to Human Trafficking and Migrant Smuggling"
    quetta, gilgit = slugify(title, "2017-05-03"), slugify(title, "2018-09-12")
    assert quetta == "consultation-on-strengthening-the-response-to-2017-05-03"
    assert gilgit.endswith("-2018-09-12") and quetta != gilgit
    assert len(quetta) <= 60
    assert slugify("a" * 100, "2018-01-01") == "a" * 49 + "-2018-01-01"


@pytest.mark.parametrize(
    ("typed", "iso"),
    [
        ("2025-04-05", "2025-04-05"),
        ("05/04/2025", "2025-04-05"),  # day first: 5 April, never 4 May
        ("5/4/2025", "2025-04-05"),
        ("05-04-2025", "2025-04-05"),
        ("05.04.2025", "2025-04-05"),
        ("22/11/2022", "2022-11-22"),
        ("۲۲/۱۱/۲۰۲۲", "2022-11-22"),  # Urdu digits
        (" 22 / 11 / 2022 ", "2022-11-22"),
    ],
)
def test_dates_are_read_day_first(typed: str, iso: str) -> None:
    assert parse_date(typed).isoformat() == iso


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [
        ("05/04/25", "2-digit year; write the year in full"),
        ("11/22/2022", "not in the calendar"),  # month first is not read
        ("31/02/2024", "not in the calendar"),
        ("next tuesday", "expected a date as DD/MM/YYYY or YYYY-MM-DD"),
        ("2022/11/22", "expected a date"),
    ],
)
def test_bad_dates_are_refused_with_a_sentence(typed: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        parse_date(typed)


def test_dates_are_shown_unambiguously() -> None:
    assert display_date("2022-11-22") == "22 Nov 2022"
    assert display_date("05/04/2025") == "5 Apr 2025"
    assert display_date("") == ""
    assert display_date("soon") == "soon"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("hina qureshi", "Hina Qureshi"),
        ("zia ul haq", "Zia ul Haq"),
        ("abdul-rahman", "Abdul-Rahman"),
        ("muhammad bin qasim", "Muhammad bin Qasim"),
        ("fatima bint asad", "Fatima bint Asad"),
        ("ali al khan", "Ali al Khan"),
        ("ul haq", "Ul Haq"),  # a particle that starts the name is a name
        ("  hina   qureshi ", "Hina Qureshi"),
        ("Hina qureshi", "Hina qureshi"),  # any capital: kept as typed
        ("JAMAL bizenjo", "JAMAL bizenjo"),
        ("سعدیہ بلوچ", "سعدیہ بلوچ"),  # Urdu script: kept
        ("sadia سعدیہ", "Sadia سعدیہ"),
    ],
)
def test_capitalise_name(typed: str, stored: str) -> None:
    assert capitalise_name(typed) == stored


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("0300-1234567", "+92 300 1234567"),
        ("0300 1234567", "923001234567"),
        ("۰۳۰۰۱۲۳۴۵۶۷", "03001234567"),
    ],
)
def test_phone_key_matches_one_number_written_many_ways(a: str, b: str) -> None:
    assert phone_key(a) == phone_key(b) != ""
