"""What the public report says about consent and groups, read from the exported files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import docx
import pytest
from sqlite_utils import Database

from convener.storage.attendees import list_attendees, update_attendee
from convener.storage.checkins import check_in, record_door_consent
from convener.storage.events import create_event
from convener.storage.imports.dispatch import import_file
from convener.storage.reports.export import export_event

HEADER = "S.No,Name,Designation,Organization,Gender,Contact No.\n"
ROWS = [
    "1,Ghulam Nabi,Deputy Director,Federal Investigation Agency,Male,0300-1234501",
    "2,Hina Qureshi,Programme Officer,Aurat Foundation,Female,0321-5550103",
    "3,Sadia Baloch,Lecturer,University of Balochistan,Female,0300-9990104",
    "4,Gul Bano,,,Female,",
    "5,Abdul Rahman,SHO,Police Department Quetta,Male,0312-2220106",
    "6,Nasreen Akhtar,Project Officer,IOM,Female,0300-4440108",
]


@pytest.fixture
def event(db: Database, tmp_path: Path) -> dict[str, Any]:
    event = create_event(db, {"title": "Provincial Dialogue", "date": "2025-05-14", "slug": "pd"})
    path = tmp_path / "list.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    import_file(db, path, "pd")
    for person in list_attendees(db, event["id"]):
        check_in(db, event["id"], person["id"])
    return event


def ids(db: Database, event: dict[str, Any]) -> dict[str, str]:
    return {a["name"]: a["id"] for a in list_attendees(db, event["id"])}


def exported(db: Database, tmp_path: Path) -> dict[str, str]:
    out = tmp_path / "out"
    files = export_event(db, "pd", ("md", "json", "docx"), out_dir=out)
    text = {}
    for path in files:
        if path.suffix == ".docx":
            document = docx.Document(str(path))
            cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
            text["docx"] = "\n".join([p.text for p in document.paragraphs] + cells)
        else:
            text[path.suffix[1:]] = path.read_text(encoding="utf-8")
    return text


def test_only_a_yes_for_this_event_names_someone(
    db: Database, event: dict[str, Any], tmp_path: Path
) -> None:
    people = ids(db, event)
    record_door_consent(db, event["id"], people["Hina Qureshi"], "yes")
    record_door_consent(db, event["id"], people["Ghulam Nabi"], "yes")
    record_door_consent(db, event["id"], people["Sadia Baloch"], "no")
    update_attendee(db, event["id"], people["Gul Bano"], {"protected": "yes"})
    files = exported(db, tmp_path)
    note = (
        "A further 4 participants are counted above but not listed: 2 were not asked whether"
        " they may be named and 2 declined or are protected."
    )
    for kind in ("md", "docx"):
        assert "Hina Qureshi" in files[kind] and "Ghulam Nabi" in files[kind]
        for withheld in ("Sadia Baloch", "Gul Bano", "Abdul Rahman", "Nasreen Akhtar"):
            assert withheld not in files[kind], (kind, withheld)
        assert note in files[kind]
        assert "at their request" not in files[kind]
    data = json.loads(files["json"])
    dumped = json.dumps(data, ensure_ascii=False)
    assert "Hina Qureshi" in dumped and "Nasreen Akhtar" not in dumped


def test_a_report_that_names_nobody_says_so_plainly(
    db: Database, event: dict[str, Any], tmp_path: Path
) -> None:
    files = exported(db, tmp_path)
    sentence = (
        "This report names no participant: of the 6 participants counted above, 6 were not"
        " asked whether they may be named."
    )
    assert sentence in files["md"] and sentence in files["docx"]


def test_overview_says_how_many_have_no_group_and_how_many_were_guessed(
    db: Database, event: dict[str, Any], tmp_path: Path
) -> None:
    md = exported(db, tmp_path)["md"]
    # Gul Bano has no organisation: no group is guessed for her.
    assert (
        "6 participants (4 women, 2 men) from 5 stakeholder groups (1 with no group recorded)" in md
    )
    assert (
        "The stakeholder group of 5 participants was guessed from their organisation and not yet"
        " reviewed." in md
    )
    people = ids(db, event)
    for name in ("Ghulam Nabi", "Hina Qureshi", "Sadia Baloch"):
        update_attendee(db, event["id"], people[name], {"stakeholder_group": "civil_society"})
    md = exported(db, tmp_path)["md"]
    assert "The stakeholder group of 2 participants was guessed" in md
