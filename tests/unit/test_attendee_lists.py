"""Real attendee lists: matching people, merging re-imports, consent per event, groups.

The lists use the columns partners send (S.No, Name, Designation, Organization, Gender,
Contact No.), same-name people, an Urdu-script name, and edits made in the app between
imports, as in issue 11.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from convener.storage.attendees import bulk_update, list_attendees, update_attendee
from convener.storage.checkins import check_in, counts, record_door_consent
from convener.storage.consent import set_consent
from convener.storage.errors import ValidationError
from convener.storage.events import create_event
from convener.storage.imports.dispatch import import_file
from convener.storage.imports.merge import NEW, apply_import, preview_import

HEADER = "S.No,Name,Designation,Organization,Gender,Contact No.\n"
ROWS = [
    "1,Ghulam Nabi,Deputy Director,Federal Investigation Agency,Male,0300-1234501",
    "2,Ghulam Nabi,Inspector,Federal Investigation Agency,Male,0333-7654302",
    "3,Hina Qureshi,Programme Officer,Aurat Foundation,Female,0321-5550103",
    "4,Sadia Baloch,Lecturer,University of Balochistan,Female,0300-9990104",
    "5,سعدیہ بلوچ,Social Worker,Social Welfare Department,Female,0345-1110105",
    "6,Abdul Rahman,SHO,Police Department Quetta,Male,0312-2220106",
    "7,Zarina Marri,Reporter,Daily Jang,Female,",
    "8,Nasreen Akhtar,Project Officer,IOM,Female,0300-4440108",
]


def write_list(
    tmp_path: Path, rows: list[str], name: str = "list.csv", header: str = HEADER
) -> Path:
    path = tmp_path / name
    path.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def event(db: Database) -> dict[str, Any]:
    return create_event(db, {"title": "Provincial Dialogue", "date": "2025-05-14"})


def people(db: Database, event: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Attendees by `name|phone digits` (names alone are not unique here)."""
    return {f"{a['name']}|{a['phone']}": a for a in list_attendees(db, event["id"])}


def by_name(db: Database, event: dict[str, Any], name: str) -> dict[str, Any]:
    [row] = [a for a in list_attendees(db, event["id"]) if a["name"] == name]
    return row


def test_first_import_keeps_same_name_people_and_guesses_groups(
    db: Database, event: dict[str, Any], tmp_path: Path
) -> None:
    path = write_list(tmp_path, ROWS)
    preview = preview_import(db, path, event["slug"])
    assert (len(preview.new), len(preview.changed), len(preview.questions)) == (8, 0, 0)
    assert list_attendees(db, event["id"]) == []  # a preview writes nothing
    apply_import(db, preview, {})
    rows = list_attendees(db, event["id"])
    assert len(rows) == 8
    ghulams = sorted(r["designation"] for r in rows if r["name"] == "Ghulam Nabi")
    assert ghulams == ["Deputy Director", "Inspector"]
    groups = {r["name"]: (r["stakeholder_group"], r["group_guessed"]) for r in rows}
    assert groups["Hina Qureshi"] == ("civil_society", 1)
    assert groups["Sadia Baloch"] == ("academia", 1)
    assert groups["سعدیہ بلوچ"] == ("child_protection", 1)
    assert groups["Abdul Rahman"] == ("police", 1)
    assert groups["Zarina Marri"] == ("media", 1)
    assert groups["Nasreen Akhtar"] == ("international", 1)
    assert {r["stakeholder_group"] for r in rows if r["name"] == "Ghulam Nabi"} == {"fia"}
    # No consent column: nobody was asked.
    assert {r["consent"] for r in rows} == {"not_asked"}
    assert {r["list_ref"] for r in rows} == {str(n) for n in range(1, 9)}
    # The live panel counts guessed groups among those checked in.
    for row in rows[:3]:
        check_in(db, event["id"], row["id"])
    assert counts(db, event["id"]).groups_guessed == 3


def test_reimport_of_the_same_list_keeps_what_was_set_in_the_app(
    db: Database, event: dict[str, Any], tmp_path: Path
) -> None:
    path = write_list(tmp_path, ROWS)
    import_file(db, path, event["slug"])
    eid = event["id"]
    hina, nasreen, rahman = (
        by_name(db, event, n) for n in ("Hina Qureshi", "Nasreen Akhtar", "Abdul Rahman")
    )
    # As the setup screen does: group, VIP, consent by hand; and a bulk edit.
    update_attendee(
        db, eid, hina["id"], {"stakeholder_group": "media", "vip": "yes", "consent": "yes"}
    )
    bulk_update(
        db,
        eid,
        [nasreen["id"], rahman["id"]],
        consent="yes",
        consent_basis="signed_sheet",
        vip=True,
    )
    update_attendee(db, eid, rahman["id"], {"protected": "yes"})
    before = {a["id"]: a for a in list_attendees(db, eid)}

    preview = preview_import(db, path, event["slug"])
    assert (len(preview.new), len(preview.changed), len(preview.unchanged)) == (0, 0, 8)
    assert preview.conflicts == [] and preview.questions == []
    apply_import(db, preview, {})
    after = {a["id"]: a for a in list_attendees(db, eid)}
    keep = ("stakeholder_group", "group_guessed", "vip", "consent", "consent_source", "protected")
    assert {i: [after[i][f] for f in keep] for i in before} == {
        i: [row[f] for f in keep] for i, row in before.items()
    }
    assert after[hina["id"]]["stakeholder_group"] == "media"
    assert after[hina["id"]]["group_guessed"] == 0
    assert after[hina["id"]]["consent"] == "yes"
    assert after[nasreen["id"]]["consent_basis"] == "signed_sheet"
    assert after[rahman["id"]]["protected"] == 1


def test_blank_cells_and_missing_columns_never_clear(
    db: Database, event: dict[str, Any], tmp_path: Path
) -> None:
    import_file(db, write_list(tmp_path, ROWS), event["slug"])
    # The updated list: no Designation column, Hina's phone left blank, Sadia's phone changed.
    header = "S.No,Name,Organization,Gender,Contact No.\n"
    rows = [
        "3,Hina Qureshi,Aurat Foundation,Female,",
        "4,Sadia Baloch,University of Balochistan,Female,0301-0000004",
    ]
    path = write_list(tmp_path, rows, "updated.csv", header)
    preview = preview_import(db, path, event["slug"])
    assert [(c.name, [(f.field, f.old, f.new) for f in c.changes]) for c in preview.changed] == [
        ("Sadia Baloch", [("phone", "0300-9990104", "0301-0000004")])
    ]
    assert [p.name for p in preview.unchanged] == ["Hina Qureshi"]
    assert len(preview.absent) == 6  # never deleted
    apply_import(db, preview, {})
    hina = by_name(db, event, "Hina Qureshi")
    assert (hina["designation"], hina["phone"]) == ("Programme Officer", "0321-5550103")
    assert by_name(db, event, "Sadia Baloch")["phone"] == "0301-0000004"
    assert len(list_attendees(db, event["id"])) == 8


def test_same_name_and_organisation_with_another_phone_is_a_question(
    db: Database, event: dict[str, Any], tmp_path: Path
) -> None:
    import_file(db, write_list(tmp_path, ROWS[:1]), event["slug"])
    # Another list (no S.No): a Ghulam Nabi of the FIA with another phone.
    header = "Name,Designation,Organization,Gender,Contact No.\n"
    path = write_list(
        tmp_path,
        ["Ghulam Nabi,Director,Federal Investigation Agency,Male,0300-9999999"],
        "b.csv",
        header,
    )
    preview = preview_import(db, path, event["slug"])
    [question] = preview.questions
    assert question.line == 2 and "different phone" in question.reason
    assert [c.phone_tail for c in question.candidates] == ["501"]
    assert preview.new == [] and preview.changed == []
    # Unanswered (the command line without --yes): a second person, with a warning.
    done = apply_import(db, preview, {})
    assert len(done.new) == 1 and "added as a new person" in done.warnings[0]
    assert sorted(a["phone"] for a in list_attendees(db, event["id"])) == [
        "0300-1234501",
        "0300-9999999",
    ]


def test_question_answered_same_person_updates_that_person(
    db: Database, event: dict[str, Any], tmp_path: Path
) -> None:
    import_file(db, write_list(tmp_path, ROWS[:1]), event["slug"])
    header = "Name,Designation,Organization,Contact No.\n"
    path = write_list(
        tmp_path,
        ["Ghulam Nabi,Director,Federal Investigation Agency,0300-9999999"],
        "b.csv",
        header,
    )
    preview = preview_import(db, path, event["slug"])
    done = apply_import(db, preview, preview.answers(same=True))
    assert done.new == [] and len(done.changed) == 1
    [person] = list_attendees(db, event["id"])
    assert (person["designation"], person["phone"]) == ("Director", "0300-9999999")
    again = preview_import(db, path, event["slug"])
    assert again.questions == [] and len(again.unchanged) == 1
    assert apply_import(db, again, {NEW: NEW}).new == []


def test_same_id_number_or_reference_is_the_same_person(
    db: Database, event: dict[str, Any], tmp_path: Path
) -> None:
    header = "Ref,Name,Organization,CNIC\n"
    first = write_list(
        tmp_path,
        ["A-1,Muhammad Ali,Levies,54400-1234567-1", "A-2,Gul Bano,SPARC,"],
        "a.csv",
        header,
    )
    import_file(db, first, event["slug"])
    # The next list spells Muhammad Ali another way (found by CNIC, written without dashes)
    # and gives Gul Bano's organisation in full (found by reference and name).
    second = write_list(
        tmp_path,
        ["A-1,Mohammad Ali,Levies,5440012345671", "A-2,Gul Bano,SPARC Quetta,"],
        "b.csv",
        header,
    )
    preview = preview_import(db, second, event["slug"])
    changes = {c.name: [(f.field, f.new) for f in c.changes] for c in preview.changed}
    assert changes == {
        "Muhammad Ali": [("name", "Mohammad Ali")],
        "Gul Bano": [("organisation", "SPARC Quetta")],
    }
    assert preview.new == []


def test_two_people_with_the_same_name_in_one_file_both_survive_reimport(
    db: Database, event: dict[str, Any], tmp_path: Path
) -> None:
    header = "Name,Designation,Organization,Contact No.\n"
    rows = [
        "Ghulam Nabi,Deputy Director,FIA,0300-1234501",
        "Ghulam Nabi,Inspector,FIA,0333-7654302",
    ]
    path = write_list(tmp_path, rows, "same.csv", header)
    for _ in range(2):
        import_file(db, path, event["slug"])
    assert sorted(a["designation"] for a in list_attendees(db, event["id"])) == [
        "Deputy Director",
        "Inspector",
    ]


def test_protected_is_never_cleared_and_door_consent_never_changed(
    db: Database, event: dict[str, Any], tmp_path: Path
) -> None:
    header = "S.No,Name,Organization,Protected,May be named\n"
    first = write_list(
        tmp_path,
        ["1,Gul Bano,,yes,", "2,Nasreen Akhtar,IOM,,", "3,Hina Qureshi,,,yes"],
        "a.csv",
        header,
    )
    import_file(db, first, event["slug"])
    nasreen = by_name(db, event, "Nasreen Akhtar")
    assert nasreen["consent"] == "not_asked"
    assert by_name(db, event, "Hina Qureshi")["consent"] == "yes"
    assert by_name(db, event, "Hina Qureshi")["consent_source"] == "file"
    check_in(db, event["id"], nasreen["id"])
    record_door_consent(db, event["id"], nasreen["id"], "no")

    second = write_list(
        tmp_path,
        ["1,Gul Bano,,no,", "2,Nasreen Akhtar,IOM,,yes", "3,Hina Qureshi,,,no"],
        "b.csv",
        header,
    )
    preview = preview_import(db, second, event["slug"])
    conflicts = {(c.name, c.field, c.kept, c.file_value) for c in preview.conflicts}
    assert conflicts == {
        ("Gul Bano", "protected", "yes", "no"),
        ("Nasreen Akhtar", "consent", "no", "yes"),
    }
    # A consent that came from a file may be changed by a file: shown as a change.
    assert [(c.name, [(f.field, f.old, f.new) for f in c.changes]) for c in preview.changed] == [
        ("Hina Qureshi", [("consent", "yes", "no")])
    ]
    apply_import(db, preview, {})
    assert by_name(db, event, "Gul Bano")["protected"] == 1
    assert (
        by_name(db, event, "Nasreen Akhtar")["consent"],
        by_name(db, event, "Nasreen Akhtar")["consent_source"],
    ) == ("no", "door")
    assert by_name(db, event, "Hina Qureshi")["consent"] == "no"


def test_consent_is_per_event(db: Database, tmp_path: Path) -> None:
    training = create_event(db, {"title": "Training", "date": "2025-03-01"})
    later = create_event(db, {"title": "Consultation", "date": "2025-06-01"})
    header = "Name,Contact No.,Consent\n"
    import_file(
        db,
        write_list(tmp_path, ["Hina Qureshi,0321-5550103,yes"], "t.csv", header),
        training["slug"],
    )
    import_file(
        db,
        write_list(tmp_path, ["Hina Qureshi,0321-5550103"], "c.csv", "Name,Contact No.\n"),
        later["slug"],
    )
    assert list_attendees(db, training["id"])[0]["consent"] == "yes"
    assert list_attendees(db, later["id"])[0]["consent"] == "not_asked"


def test_bulk_consent_yes_needs_a_basis_and_skips_protected(
    db: Database, event: dict[str, Any], tmp_path: Path
) -> None:
    import_file(db, write_list(tmp_path, ROWS[:3]), event["slug"])
    ids = [a["id"] for a in list_attendees(db, event["id"])]
    with pytest.raises(ValidationError, match="basis"):
        bulk_update(db, event["id"], ids, consent="yes")
    assert {a["consent"] for a in list_attendees(db, event["id"])} == {"not_asked"}
    update_attendee(db, event["id"], ids[0], {"protected": "yes"})
    result = bulk_update(
        db,
        event["id"],
        ids,
        consent="yes",
        consent_basis="verbal",
        stakeholder_group="FIA",
        gender="m",
    )
    assert (result.changed, result.skipped_protected) == (3, 1)
    rows = {a["id"]: a for a in list_attendees(db, event["id"])}
    assert rows[ids[0]]["consent"] == "not_asked"
    assert [(rows[i]["consent"], rows[i]["consent_basis"]) for i in ids[1:]] == [
        ("yes", "verbal")
    ] * 2
    assert {(r["stakeholder_group"], r["group_guessed"], r["gender"]) for r in rows.values()} == {
        ("fia", 0, "male")
    }
    with pytest.raises(ValidationError, match="protected"):
        set_consent(db, event["id"], ids[0], "yes", source="app")


def test_a_renumbered_list_still_finds_everyone(
    db: Database, event: dict[str, Any], tmp_path: Path
) -> None:
    import_file(db, write_list(tmp_path, ROWS[:4]), event["slug"])
    # The partner inserts a guest at S.No 2: everyone after moves down one number.
    rows = [ROWS[0], "2,Zia ul Haq,Director,Home Department,Male,0300-7770002"] + [
        f"{n + 1}{row[1:]}" for n, row in enumerate(ROWS[1:4], start=2)
    ]
    preview = preview_import(db, write_list(tmp_path, rows, "renumbered.csv"), event["slug"])
    assert [p.name for p in preview.new] == ["Zia ul Haq"]
    assert (len(preview.changed), len(preview.unchanged), preview.questions) == (0, 4, [])
    apply_import(db, preview, {})
    refs = {a["name"]: a["list_ref"] for a in list_attendees(db, event["id"])}
    assert refs["Hina Qureshi"] == "4" and refs["Zia ul Haq"] == "2"


def test_same_phone_under_another_name_is_a_question(
    db: Database, event: dict[str, Any], tmp_path: Path
) -> None:
    import_file(db, write_list(tmp_path, ROWS[2:3]), event["slug"])
    # An office number shared by two colleagues: not merged without asking.
    other = write_list(
        tmp_path, ["1,Rubina Shah,Coordinator,Aurat Foundation,Female,+92 321 5550103"], "b.csv"
    )
    preview = preview_import(db, other, event["slug"])
    [question] = preview.questions
    assert question.reason == "same phone as someone registered under another name"
    apply_import(db, preview, {})
    assert sorted(a["name"] for a in list_attendees(db, event["id"])) == [
        "Hina Qureshi",
        "Rubina Shah",
    ]


def test_a_list_in_other_capitals_changes_nothing(
    db: Database, event: dict[str, Any], tmp_path: Path
) -> None:
    import_file(db, write_list(tmp_path, ROWS[:3]), event["slug"])
    shouted = [row.upper() for row in ROWS[:3]]
    preview = preview_import(db, write_list(tmp_path, shouted, "upper.csv"), event["slug"])
    assert (len(preview.new), len(preview.changed), len(preview.unchanged)) == (0, 0, 3)


def test_names_typed_in_lower_case_are_capitalised_and_others_kept(
    db: Database, event: dict[str, Any], tmp_path: Path
) -> None:
    rows = [
        "1,zia ul haq,Teacher,Govt High School,Male,",
        "2,hina qureshi,Programme Officer,Aurat Foundation,Female,",
        "3,SADIA BALOCH,Lecturer,University of Balochistan,Female,",
        "4,سعدیہ بلوچ,Social Worker,Social Welfare Department,Female,",
        "5,McLeod,Adviser,IOM,Male,",
    ]
    import_file(db, write_list(tmp_path, rows), event["slug"])
    names = sorted(a["name"] for a in list_attendees(db, event["id"]))
    assert names == sorted(["Zia ul Haq", "Hina Qureshi", "SADIA BALOCH", "سعدیہ بلوچ", "McLeod"])
