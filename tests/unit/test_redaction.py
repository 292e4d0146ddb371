"""The privacy rules for typed text: what goes (contacts, withheld names) and what must stay.

The corpus mixes contacts in the forms rapporteurs type them with numbers a report needs
(counts, money, case numbers, dates, times, years), so over-redaction fails as surely as a
leak. Names are tried in every spelling a keyboard produces: case, spacing, hyphens, joined,
NFD, NFKC compatibility forms, zero-width joiners, Arabic-keyboard letters.
"""

from __future__ import annotations

import unicodedata

import pytest

from convener.storage.reports.redaction import Scrubber, removed_text, scrubber_for

PROTECTED = ["Gul Bano", "آمنہ گل آفریدی"]
WITHHELD = ["Naseebullah Achakzai", "Nasreen Baloch"]
NAMED = ["Malik Abdul Samad Achakzai", "Raheela Hameed Durrani"]
NUMBERS = {"03459876521": "phone", "5440176543213": "id", "8123456": "phone"}


@pytest.fixture
def scrub() -> Scrubber:
    return Scrubber(PROTECTED, withheld=WITHHELD, named=NAMED, numbers=NUMBERS)


MUST_GO = [
    ("phone", "03459876521"),
    ("phone", "0345 9876521"),
    ("phone", "0345-9876521"),
    ("phone", "0345.987.6521"),
    ("phone", "0345 987 6521"),
    ("phone", "0 3 4 5 9 8 7 6 5 2 1"),
    ("phone", "+92 345 9876521"),
    ("phone", "+92-345-9876521"),
    ("phone", "+923459876521"),
    ("phone", "0092 345 9876521"),
    ("phone", "(0345) 9876521"),
    ("phone", "+92 (345) 987-6521"),
    ("phone", "081-2345678"),
    ("phone", "(081) 2345678"),
    ("phone", "042-35761234"),
    ("phone", "۰۳۴۵ ۹۸۷۶۵۲۱"),
    ("phone", "٠٣٤٥-٩٨٧٦٥٢١"),
    ("phone", "０３４５ ９８７６５２１"),
    ("phone", "812-3456"),  # short, but the number on file
    ("id", "54401-7654321-3"),
    ("id", "5440176543213"),
    ("id", "54401 7654321 3"),
    ("id", "۵۴۴۰۱-۷۶۵۴۳۲۱-۳"),
    ("email", "gul.bano@example.org"),
    ("email", "zarmeena+cases@mail.example.com.pk"),
    ("email", "ＧＵＬ＠ＥＸＡＭＰＬＥ．ＯＲＧ"),
]

MUST_STAY = [
    "3,453 victims",
    "Rs. 50,000",
    "Rs 1,50,000 each",
    "PKR 5000000000 allocated",
    "FIR 112/2024",
    "FIR No. 1123/2024",
    "14-05-2025",
    "on 14/05/2025 at 10:30",
    "14.05.2025",
    "2025-05-14 10:30:15",
    "2024-2025",
    "the years 2023 2024 2025",
    "10:30",
    "12.5 percent",
    "Section 370 of the PPC",
    "Article 25-A",
    "25 of 40 districts",
    "1122 rescue",
    "Raheela Hameed Durrani spoke",
    "Achakzai agreed",  # a consenting participant shares the word
    "Banoo is someone else",
    "Gulzar and Banori",
]


@pytest.mark.parametrize(("kind", "contact"), MUST_GO)
def test_contacts_go_and_their_neighbours_stay(scrub: Scrubber, kind: str, contact: str) -> None:
    text = f"Call {contact} after 10:30 on 14-05-2025 about 3,453 victims."
    result = scrub.scrub(text)
    assert result.text == "Call after 10:30 on 14-05-2025 about 3,453 victims."
    assert result.marked == (f"Call {MARKS[kind]} after 10:30 on 14-05-2025 about 3,453 victims.")
    assert dict(result.counts) == {kind: 1}


MARKS = {
    "phone": "[phone removed]",
    "id": "[ID removed]",
    "email": "[e-mail removed]",
    "name": "[name withheld]",
}


@pytest.mark.parametrize("text", MUST_STAY)
def test_numbers_and_names_a_report_needs_stay(scrub: Scrubber, text: str) -> None:
    result = scrub.scrub(text)
    assert (result.text, result.removals) == (text, ())


@pytest.mark.parametrize(
    "text",
    [
        "0300 1234567 2024 survey",
        "Two numbers: 0300-1234567/0333-7654321",
        "Two numbers: 03001234567,03337654321",
        "12 0300 1234567",
        "Numbers 0300 1234567 and 0333 7654321.",
    ],
)
def test_a_number_beside_a_number_still_goes(scrub: Scrubber, text: str) -> None:
    kept = scrub.scrub(text).text
    assert "1234567" not in kept and "7654321" not in kept.replace(" ", "")
    assert not any(run in kept for run in ("0300", "0333"))


PROTECTED_FORMS = [
    "Gul Bano",
    "gul bano",
    "GUL  BANO",
    "Gul-Bano",
    "GulBano",
    "gul_bano",
    "Gul\u200cBano",
    "Gul\u00a0Bano",
    "Bano Gul",
    "ＧＵＬ ＢＡＮＯ",
    "Bano",
    "Gul",  # a word of three letters, even though it is only a first name
    "آمنہ گل آفریدی",
    unicodedata.normalize("NFD", "آمنہ گل آفریدی"),
    "آمنہ گل آفريدي",  # typed on an Arabic keyboard: ي for ی
    "آفریدی",
    "آمنہ\u200cگل",
]


@pytest.mark.parametrize("form", PROTECTED_FORMS)
def test_protected_names_go_in_every_form(scrub: Scrubber, form: str) -> None:
    result = scrub.scrub(f"We met {form} at the shelter.")
    assert result.text == "We met a participant at the shelter."
    assert result.marked == "We met [name withheld] at the shelter."
    assert dict(result.counts) == {"name": 1}


def test_protected_words_go_even_when_a_consenting_participant_shares_them() -> None:
    scrub = Scrubber(["Gul Bano"], named=["Gul Khan"])
    assert scrub.scrub("Gul Khan spoke").text == "A participant Khan spoke"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Naseebullah Achakzai spoke", "A participant spoke"),
        ("to naseebullah-achakzai", "to a participant"),
        ("to NaseebullahAchakzai", "to a participant"),
        ("Naseebullah left", "A participant left"),  # a word nobody else has
        ("Achakzai agreed", "Achakzai agreed"),  # Malik Abdul Samad Achakzai consented
        ("Nasreen Baloch and Baloch youth", "A participant and a participant youth"),
    ],
)
def test_withheld_names(scrub: Scrubber, text: str, expected: str) -> None:
    assert scrub.scrub(text).text == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gul Bano spoke. Gul Bano left.", "A participant spoke. A participant left."),
        ("“Gul Bano said so”", "“A participant said so”"),
        ("Dr. Gul Bano's case", "A participant's case"),
        ("Mrs Gul Bano and Mst. Gul Bano", "A participant and a participant"),
        ("Ask\nGul Bano", "Ask\nA participant"),
        ("Call 0300-1234567.", "Call."),
        ("Call (0300-1234567) now", "Call now"),
        ("Call (0333) 5550142 now", "Call now"),
        ("Bano (0345 9876521, +92 345 9876521 or a@b.org) left", "A participant left"),
        ("Phones: 0345 9876521 / 0333 5550142.", "Phones:."),
        ("0300-1234567 is hers", "is hers"),
        ("", ""),
    ],
)
def test_what_is_left_reads_as_a_sentence(scrub: Scrubber, text: str, expected: str) -> None:
    assert scrub.scrub(text).text == expected


def test_unredacted_keeps_contacts_and_withheld_names_but_never_protected_ones() -> None:
    people = [
        {"name": "Naseebullah Achakzai", "consent_name": 0, "phone": "03331112223"},
        {"name": "Gul Bano", "protected": 1, "phone": "0345 9876521", "email": "x9@ex.org"},
    ]
    protected = [people[1]]
    text = "Naseebullah 03331112223 brought Gul Bano; 0345-9876521; gul@example.org; a@b.org"
    full = scrubber_for(protected, people, unredacted=True)(text)
    assert full == "Naseebullah 03331112223 brought a participant;; a@b.org"
    assert scrubber_for(protected, people, unredacted=True)("Mail X9@ex.org now") == "Mail now"
    redacted = scrubber_for(protected, people, unredacted=False)
    assert redacted(text) == "A participant brought a participant;"
    assert removed_text(redacted.counts) == (
        "Removed from typed text: 2 names, 2 phone numbers, 2 e-mail addresses."
    )


def test_a_listed_name_is_kept_unless_it_is_a_protected_persons() -> None:
    scrub = Scrubber(["Gul Bano"], marks=True)
    assert scrub.person_name("Raheela Hameed Durrani") == "Raheela Hameed Durrani"
    assert scrub.person_name("GUL-BANO") == "[name withheld]"
    assert dict(scrub.counts) == {"name": 1}
