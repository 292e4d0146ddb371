"""The door search: who comes first for what a coordinator types (pure, no screen)."""

from __future__ import annotations

import pytest

from convener.tui.search import AttendeeIndex
from tests.unit.test_name_match import PAIRS

NAMES = [
    "Alia Baloch", "Ali Khan", "Muhammad Ali", "Farzana Kakar", "Farzana Rind", "Sadaf Amjad",
    "Saeed Khan", "Syed Ali", "سعدیہ بلوچ", "Jamal Bizenjo", "Mohammad Aslam", "Syed Hussein",
    "ظہور احمد", "Zahir Shah", "Bilal Khan", "Mehmood Khan", "عبدالرحیم کاکڑ", "Gul Khan",
]  # fmt: skip


def index_of(names: list[str], **extra: str) -> AttendeeIndex:
    rows = [
        {"id": str(i), "name": n, "designation": "", "organisation": "", "phone": ""}
        for i, n in enumerate(names)
    ]
    for row in rows:
        row.update(extra)
    return AttendeeIndex.build(rows)


def names_for(index: AttendeeIndex, query: str) -> list[str]:
    return [str(e.row["name"]) for e in index.search(query)]


@pytest.fixture
def index() -> AttendeeIndex:
    return index_of(NAMES)


def test_a_whole_name_ranks_above_a_longer_one(index: AttendeeIndex) -> None:
    found = names_for(index, "ali")
    assert found.index("Ali Khan") < found.index("Alia Baloch")
    assert found.index("Muhammad Ali") < found.index("Alia Baloch")
    assert found[0] == "Ali Khan"


def test_each_typed_word_starts_a_word_of_the_name(index: AttendeeIndex) -> None:
    assert names_for(index, "farz r")[0] == "Farzana Rind"
    assert names_for(index, "farz r").index("Farzana Kakar") > 0
    assert names_for(index, "farz k")[0] == "Farzana Kakar"


@pytest.mark.parametrize(
    ("typed", "first", "near_misses"),
    [
        ("sadia", "سعدیہ بلوچ", ["Sadaf Amjad", "Saeed Khan", "Syed Ali"]),
        ("zahoor", "ظہور احمد", ["Zahir Shah"]),
        ("baloch", "Alia Baloch", ["Bilal Khan"]),  # the exact match, then the Urdu one
        ("bezenjo", "Jamal Bizenjo", []),
        ("muhammad", "Muhammad Ali", ["Mohammad Aslam", "Mehmood Khan"]),
        ("mohammad", "Mohammad Aslam", ["Muhammad Ali", "Mehmood Khan"]),
        ("hussain", "Syed Hussein", []),
        ("سعديه", "سعدیہ بلوچ", []),  # Arabic keyboard: ي and ه
        ("abdul rahim", "عبدالرحیم کاکڑ", []),
        ("kakar", "Farzana Kakar", ["عبدالرحیم کاکڑ"]),
        ("بلوچ", "سعدیہ بلوچ", ["Bilal Khan"]),
        ("ظہور", "ظہور احمد", ["Zahir Shah"]),
    ],
)
def test_who_comes_first(
    index: AttendeeIndex, typed: str, first: str, near_misses: list[str]
) -> None:
    found = names_for(index, typed)
    assert found and found[0] == first, found
    for miss in near_misses:
        assert miss not in found or found.index(miss) > found.index(first)


def test_urdu_and_latin_find_each_other(index: AttendeeIndex) -> None:
    assert "سعدیہ بلوچ" in names_for(index, "baloch")
    assert "Alia Baloch" in names_for(index, "بلوچ")
    assert "Zahir Shah" not in names_for(index, "ظہور")[:1]


@pytest.mark.parametrize(("latin", "urdu"), PAIRS)
def test_every_pair_finds_the_other_script(latin: str, urdu: str) -> None:
    others = ["Sadaf Amjad", "Bilal Khan", "Zahir Shah", "Mehmood Khan", "Saeed Ali"]
    index = index_of([urdu, *others, f"{latin.title()} Sample"])
    found = names_for(index, latin)
    assert urdu in found, found
    back = names_for(index, urdu)
    assert back[0] == urdu  # the exact Urdu match first
    if sum(ch.isalpha() for ch in urdu) >= 4:  # fewer letters: exact matches only
        assert f"{latin.title()} Sample" in back, back


def test_fuzzy_starts_at_four_letters_and_ranks_below_exact(index: AttendeeIndex) -> None:
    assert "Jamal Bizenjo" not in names_for(index, "bez")
    assert "Jamal Bizenjo" in names_for(index, "beze")
    found = names_for(index, "syed")
    assert found[:2] == ["Syed Ali", "Syed Hussein"]  # every exact match before a variant
    assert set(found[2:]) <= {"Saeed Khan", "سعدیہ بلوچ", "Sadaf Amjad"}


def test_phone_digits_in_any_script() -> None:
    index = index_of(["Nasreen Baloch"], phone="0300-1234567")
    assert names_for(index, "۰۳۰۰۱۲") == ["Nasreen Baloch"]
    assert names_for(index, "٠٣٠٠") == ["Nasreen Baloch"]


def test_typing_on_narrows_without_losing_variants(index: AttendeeIndex) -> None:
    for typed in ("s", "sa", "sad", "sadi", "sadia"):
        found = names_for(index, typed)
    assert found[0] == "سعدیہ بلوچ"
    assert names_for(index, "sadia ") == found


def test_namesakes_get_what_tells_them_apart() -> None:
    rows = [
        {"id": "1", "name": "Farzana Rind", "organisation": "UNDP", "designation": "", "phone": ""},
        {"id": "2", "name": "farzana  rind", "organisation": "Police", "designation": ""},
        {"id": "3", "name": "Farzana Kakar", "organisation": "UNDP", "designation": ""},
    ]
    index = AttendeeIndex.build(rows)
    labels = sorted(e.label for e in index.entries)
    assert labels == ["Farzana Kakar", "Farzana Rind (UNDP)", "farzana  rind (Police)"]
    entry = index.find("2")
    assert entry is not None
    index.update(entry, {**rows[1], "name": "Farzana Rind Baloch"})
    assert sorted(e.label for e in index.entries)[1] == "Farzana Rind"  # no namesake left


def test_variants_stay_found_after_a_check_in_and_a_rename() -> None:
    index = index_of(["Jamal Bizenjo", "Sadaf Amjad"])
    assert "Jamal Bizenjo" in names_for(index, "bezenjo")
    entry = index.find("0")
    assert entry is not None
    index.update(entry, {**entry.row, "checked_in_at": "2025-05-14T05:20:00Z"})
    assert "Jamal Bizenjo" in names_for(index, "bezenjo")
    index.update(entry, {**entry.row, "name": "Jamal Mengal"})
    assert names_for(index, "bezenjo") == []
    assert names_for(index, "mingal") == ["Jamal Mengal"]
