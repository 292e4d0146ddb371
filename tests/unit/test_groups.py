"""Stakeholder groups guessed from organisations and designations, as partner lists write them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database

from convener.storage.attendees import list_attendees, update_attendee
from convener.storage.checkins import walk_in
from convener.storage.events import create_event
from convener.storage.groups import guess_group
from convener.storage.paths import bundled_file
from convener.storage.taxonomy import load_taxonomy


@pytest.mark.parametrize(
    ("organisation", "designation", "group"),
    [
        ("Federal Investigation Agency", "", "fia"),
        ("FIA Anti Human Trafficking Circle, Quetta", "", "fia"),
        ("Balochistan Police", "", "police"),
        ("", "SHO City Police Station", "police"),
        ("Balochistan Levies Force", "", "levies"),
        ("University of Balochistan", "", "academia"),
        ("BUITEMS", "Lecturer", "academia"),
        ("Child Protection Unit", "", "child_protection"),
        ("Social Welfare Department", "", "child_protection"),
        ("Jamia Darul Uloom Quetta", "", "religious"),
        ("Madrasa Taleem ul Quran", "", "religious"),
        ("Aurat Foundation", "", "civil_society"),
        ("SPARC", "", "civil_society"),
        ("IOM", "", "international"),
        ("UNODC Country Office", "", "international"),
        ("UNICEF Balochistan", "", "international"),
        ("Home Department", "Section Officer", "government"),
        ("Office of the Deputy Commissioner Quetta", "", "government"),
        ("Daily Jang", "", "media"),
        ("Quetta Press Club", "", "media"),
        ("Balochistan High Court Bar Association", "", "judiciary"),
        ("", "Advocate High Court", "judiciary"),
        ("Labour Department", "", "labour"),
        ("Provincial Assembly of Balochistan", "", "legislature"),
        # As partner lists abbreviate them.
        ("Social Welfare Dept.", "", "child_protection"),
        ("SWD Balochistan", "", "child_protection"),
        ("BRSP", "Social Organiser", "civil_society"),
        ("Balochistan Rural Support Programme", "", "civil_society"),
        ("Women Development Deptt", "", "government"),
        ("Irrigation Dept", "", "government"),
        ("PCSW Balochistan", "", "government"),
    ],
)
def test_group_is_guessed(organisation: str, designation: str, group: str) -> None:
    guess = guess_group(organisation, designation)
    assert guess is not None and guess.code == group


@pytest.mark.parametrize(
    ("organisation", "designation"),
    [("", ""), ("Self", ""), ("Independent", "Consultant"), ("سماجی بہبود", "")],
)
def test_no_guess_without_a_known_word(organisation: str, designation: str) -> None:
    assert guess_group(organisation, designation) is None


def test_whole_words_only() -> None:
    # "un" is the United Nations only as a word: not inside "Union" or "Fund".
    assert guess_group("Trade Union Fund", "") is None


def test_an_organisation_adds_its_own_keywords(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = bundled_file("taxonomy.yaml").read_text(encoding="utf-8")
    text = text.replace("keywords: [ngo, ngos,", "keywords: [ssdo, taraqee, ngo, ngos,", 1)
    custom = tmp_path / "taxonomy.yaml"
    custom.write_text(text, encoding="utf-8")
    assert guess_group("SSDO Quetta") is None
    monkeypatch.setenv("CONVENER_TAXONOMY", str(custom))
    load_taxonomy.cache_clear()
    guess = guess_group("SSDO Quetta")
    assert guess is not None and (guess.code, guess.matched) == ("civil_society", "ssdo")


def test_walk_in_with_the_untouched_guess_is_marked_guessed(db: Database) -> None:
    event = create_event(db, {"title": "Dialogue", "date": "14/05/2025"})
    guess = guess_group("Federal Investigation Agency")
    assert guess is not None
    result = walk_in(
        db,
        event["id"],
        {
            "name": "Jamal Bezenjo",
            "organisation": "Federal Investigation Agency",
            "stakeholder_group": guess.code,
            "group_guessed": True,
        },
    )
    assert (result.attendee["stakeholder_group"], result.attendee["group_guessed"]) == ("fia", 1)
    update_attendee(db, event["id"], result.attendee["id"], {"stakeholder_group": "fia"})
    [row] = list_attendees(db, event["id"])
    assert row["group_guessed"] == 0  # reviewed
    assert event["date"] == "2025-05-14"
