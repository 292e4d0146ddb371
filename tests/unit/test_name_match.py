"""Names found however they are typed: search keys, skeletons, namesakes (storage side)."""

from __future__ import annotations

import unicodedata

import pytest

from convener.storage.name_match import (
    probably_same_name,
    search_key,
    skeleton,
    telling_apart,
)
from convener.storage.text import fold

# (typed on an Arabic layout or phone, as the list stores it)
ARABIC_KEYBOARD = [
    ("سعديه", "سعدیہ"),  # ي U+064A and ه U+0647 for ی and ہ
    ("علي", "علی"),
    ("مصطفى", "مصطفی"),  # alef maksura
    ("كاكڑ", "کاکڑ"),  # Arabic kaf
    ("زاهد", "زاہد"),
    ("ظھور", "ظہور"),  # do-chashmi he typed where the list has heh goal
    ("فاطمة", "فاطمہ"),  # teh marbuta
    ("أحمد", "احمد"),
    ("إقبال", "اقبال"),
    ("آمنہ", "امنہ"),
    ("مؤمن", "مومن"),
    ("سائرہ", "سایرہ"),  # yeh with hamza
    ("مُحَمَّد", "محمد"),  # harakat
    ("محـــمد", "محمد"),  # tatweel
    ("عبد\u200cالله", "عبداللہ"),  # ZWNJ
    ("بشریٰ", "بشری"),  # superscript alef
    ("ۂ", "ہ"),
]


@pytest.mark.parametrize(("typed", "stored"), ARABIC_KEYBOARD)
def test_arabic_keyboard_letters_have_the_urdu_key(typed: str, stored: str) -> None:
    assert typed != stored
    assert search_key(typed) == search_key(stored)


def test_digits_in_any_script_are_ascii() -> None:
    assert search_key("۰۳۰۰ ١٢٣٤٥٦٧") == "0300 1234567"
    assert fold("0300-1234567") != fold("۰۳۰۰۱۲۳۴۵۶۷")  # fold keeps the dash; digits() drops it
    assert search_key("０３００") == "0300"  # full-width, by NFKC


def test_key_never_changes_case_or_accents_of_latin_meaning() -> None:
    assert search_key("  Ｆarzana   RIND ") == "farzana rind"
    assert search_key("Zoë Müller") == "zoe muller"
    assert search_key(unicodedata.normalize("NFD", "آمنہ")) == search_key("آمنہ")


# At least 30 real pairs: a Latin spelling and the Urdu spelling of the same word of a name.
PAIRS = [
    ("sadia", "سعدیہ"), ("zahoor", "ظہور"), ("baloch", "بلوچ"), ("muhammad", "محمد"),
    ("mohammad", "محمد"), ("ahmed", "احمد"), ("ahmad", "احمد"), ("hussain", "حسین"),
    ("hussein", "حسین"), ("fatima", "فاطمہ"), ("zainab", "زینب"), ("ayesha", "عائشہ"),
    ("khadija", "خدیجہ"), ("nasreen", "نسرین"), ("shazia", "شازیہ"), ("rubina", "روبینہ"),
    ("naveed", "نوید"), ("javed", "جاوید"), ("pervez", "پرویز"), ("iqbal", "اقبال"),
    ("aslam", "اسلم"), ("bushra", "بشریٰ"), ("kakar", "کاکڑ"), ("mengal", "مینگل"),
    ("achakzai", "اچکزئی"), ("raisani", "رئیسانی"), ("bugti", "بگٹی"), ("hazara", "ہزارہ"),
    ("durrani", "درانی"), ("usman", "عثمان"), ("haider", "حیدر"), ("abbas", "عباس"),
    ("kausar", "کوثر"), ("tahir", "طاہر"), ("qureshi", "قریشی"), ("siddiqui", "صدیقی"),
    ("ghulam", "غلام"), ("khan", "خان"), ("shah", "شاہ"), ("rahim", "رحیم"),
    ("uzma", "عظمیٰ"), ("saima", "صائمہ"), ("nargis", "نرگس"), ("rukhsana", "رخسانہ"),
    ("sheikh", "شیخ"), ("mukhtar", "مختار"), ("asghar", "اصغر"), ("ashraf", "اشرف"),
    ("waseem", "وسیم"), ("yasir", "یاسر"), ("farzana", "فرزانہ"), ("bizenjo", "بزنجو"),
    ("jamali", "جمالی"), ("bhatti", "بھٹی"), ("zehri", "زہری"), ("noor", "نور"),
]  # fmt: skip


@pytest.mark.parametrize(("latin", "urdu"), PAIRS)
def test_latin_and_urdu_spellings_share_a_skeleton(latin: str, urdu: str) -> None:
    assert skeleton(search_key(latin)) == skeleton(search_key(urdu)) != ""


def test_the_pair_table_is_big_enough() -> None:
    assert len({u for _, u in PAIRS}) >= 30


# Spelling variants that are one person, and names that only look alike.
SAME = [
    ("Jamal Bezenjo", "Jamal Bizenjo"),
    ("Muhammad Aslam", "Mohammad Aslam"),
    ("Syed Hussain", "Syed Hussein"),
    ("Ejaz Ahmed", "Ejaz Ahmad"),
    ("Sadia Baloch", "سعدیہ بلوچ"),
    ("ZAHOOR ahmed", "ظہور احمد"),
    ("farzana  rind", "Farzana Rind"),
]
NOT_SAME = [
    ("Sadia Baloch", "Saeed Baloch"),
    ("Ali Khan", "Alia Khan"),
    ("Ahmed Khan", "Muhammad Khan"),
    ("Farzana Rind", "Farzana Kakar"),
    ("Sadia Baloch", "Sadaf Amjad"),
    ("Zahoor Ahmed", "Zahir Ahmed"),
    ("Raheel Durrani", "Raheela Durrani"),
    ("Nabeel Khan", "Nabeela Khan"),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_spelling_variants_are_probably_one_person(a: str, b: str) -> None:
    assert probably_same_name(a, b) and probably_same_name(b, a)


@pytest.mark.parametrize(("a", "b"), NOT_SAME)
def test_look_alike_names_are_not(a: str, b: str) -> None:
    assert not probably_same_name(a, b)


def test_known_limits_of_skeletons() -> None:
    """What the README says does not match: letters written in another order."""
    assert skeleton("ishaq") != skeleton(search_key("اسحاق"))  # s-h read as sh
    assert skeleton("chaudhry") != skeleton(search_key("چوہدری"))  # h before or after d


FARZANA = {"id": "a", "name": "Farzana Rind", "organisation": "UNDP", "phone": "0300 1111222"}


@pytest.mark.parametrize(
    ("mine", "theirs", "expected"),
    [
        ({}, {"organisation": "Police"}, "UNDP"),
        ({"designation": "Director"}, {"designation": "Officer"}, "Director"),
        (
            {"designation": "Officer"},
            {"organisation": "undp", "designation": "OFFICER"},
            "phone …222",
        ),
        ({}, {"phone": "0311 555 1222"}, ""),  # same last digits: nothing safe tells them apart
        ({"organisation": ""}, {"organisation": "Police"}, "phone …222"),
    ],
)
def test_telling_namesakes_apart(
    mine: dict[str, str], theirs: dict[str, str], expected: str
) -> None:
    row = {**FARZANA, **mine}
    namesake = {**FARZANA, "id": "b", "phone": "0300 9999333", **theirs}
    assert telling_apart(row, [row, namesake]) == expected


def test_protected_people_never_show_phone_digits() -> None:
    twin = {**FARZANA, "id": "b", "phone": "0300 9999333"}
    assert telling_apart({**FARZANA, "protected": 1}, [twin]) == ""
    assert telling_apart(FARZANA, [twin]) == "phone …222"
    assert telling_apart(FARZANA, [FARZANA]) == ""  # alone with itself: no namesake
