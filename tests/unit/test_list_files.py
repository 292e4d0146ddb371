"""Attendee files that would swallow people are refused, and `convener import` previews a merge.

Files here are what reaches a coordinator: the partner's columns, Excel's `????` for Urdu
letters saved in a Western code page, a stray quote, a row cut short.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from convener.storage.attendees import bulk_update, list_attendees, update_attendee
from convener.storage.db.connection import connect
from convener.storage.errors import ValidationError
from convener.storage.events import create_event
from convener.storage.imports.dispatch import import_file
from convener.tui.cli import main

HEADER = "S.No,Name,Designation,Organization,Gender,Contact No.\r\n"
GOOD = [
    "1,Ghulam Nabi,Deputy Director,Federal Investigation Agency,Male,0300-1234501",
    "2,Hina Qureshi,Programme Officer,Aurat Foundation,Female,0321-5550103",
    "3,Sadia Baloch,Lecturer,University of Balochistan,Female,0300-9990104",
    "4,Abdul Rahman,SHO,Police Department Quetta,Male,0312-2220106",
]
# Eight Urdu names after Excel saved them as "CSV (Comma delimited)" in code page 1252.
EXCEL_QUESTION_MARKS = [
    f"{n},???? ????,?????,Social Welfare Department,Female,0300-55501{n:02d}" for n in range(5, 13)
]


def write(
    tmp_path: Path, rows: list[str], name: str = "list.csv", encoding: str = "cp1252"
) -> Path:
    path = tmp_path / name
    path.write_bytes((HEADER + "\r\n".join(rows) + "\r\n").encode(encoding))
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db_file(tmp_path: Path, migrated_template: Path) -> Path:
    path = tmp_path / "convener.db"
    path.write_bytes(migrated_template.read_bytes())
    with connect(path) as db:
        create_event(db, {"title": "Provincial Dialogue", "date": "2025-05-14", "slug": "pd"})
    return path


def rows_of(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as raw:
        found = raw.execute(
            "SELECT p.name, p.designation, p.phone, p.stakeholder_group, p.vip, r.consent"
            " FROM people p JOIN registrations r ON r.person_id = p.id ORDER BY p.name, p.phone"
        ).fetchall()
    raw.close()
    return found


def test_excel_question_marks_refuse_the_whole_file(db_file: Path, tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + EXCEL_QUESTION_MARKS)
    with connect(db_file) as db, pytest.raises(ValidationError) as caught:
        import_file(db, path, "pd")
    [names, *_rest] = caught.value.problems
    assert names.startswith(
        "lines 6, 7, 8, 9, 10, 11, 12, 13: the name column has names that are only"
    )
    assert "CSV UTF-8" in names and "Nothing was imported" in names
    assert rows_of(db_file) == []


def test_a_column_more_than_a_fifth_question_marks_is_refused(
    tmp_path: Path, db_file: Path
) -> None:
    rows = [*GOOD, "5,Zia ul Haq,?????? ?????,FIA,Male,", "6,Nasreen Akhtar,??????,IOM,Female,"]
    with connect(db_file) as db, pytest.raises(ValidationError) as caught:
        import_file(db, write(tmp_path, rows), "pd")
    assert caught.value.problems == [
        "lines 6, 7: the designation column has question marks where letters should be: the file"
        ' lost its letters when it was saved; in Excel use Save As > "CSV UTF-8 (Comma'
        ' delimited)" (or save as .xlsx) and import that file. Nothing was imported'
    ]


def test_a_question_mark_in_real_text_is_fine(tmp_path: Path, db_file: Path) -> None:
    rows = [*GOOD, "5,Zarina Marri,Reporter (Daily Jang?),Daily Jang,Female,"]
    with connect(db_file) as db:
        assert import_file(db, write(tmp_path, rows), "pd").outcomes["people"]["inserted"] == 5


def test_an_unbalanced_quote_that_swallows_rows_is_refused_with_its_line(
    tmp_path: Path, db_file: Path
) -> None:
    rows = [
        GOOD[0],
        '2,"Hina Qureshi,Programme Officer,Aurat Foundation,Female,0321-5550103',
        GOOD[2],
        GOOD[3],
        '5,Zia ul Haq,Director",FIA,Male,0300-1110005',
    ]
    with connect(db_file) as db, pytest.raises(ValidationError) as caught:
        import_file(db, write(tmp_path, rows), "pd")
    [problem] = caught.value.problems
    assert problem.startswith("line 3: a quote") and "not closed until line 6" in problem
    assert rows_of(db_file) == []


def test_a_quote_never_closed_is_refused(tmp_path: Path, db_file: Path) -> None:
    rows = [GOOD[0], '2,"Hina Qureshi,Programme Officer,Aurat Foundation,Female,', *GOOD[2:]]
    with connect(db_file) as db, pytest.raises(ValidationError, match="line 3: a quote"):
        import_file(db, write(tmp_path, rows), "pd")


def test_short_rows_are_reported_with_their_line(tmp_path: Path, db_file: Path) -> None:
    rows = [GOOD[0], "2,Hina Qureshi,Programme Officer", GOOD[2], "Sadia Baloch"]
    with connect(db_file) as db, pytest.raises(ValidationError) as caught:
        import_file(db, write(tmp_path, rows), "pd")
    assert [p.split(":")[0] for p in caught.value.problems] == ["line 3", "line 5"]
    assert "3 cells but the header has 6 columns" in caught.value.problems[0]


# --- convener import --------------------------------------------------------------------------


def test_dry_run_prints_the_preview_and_writes_nothing(
    db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, GOOD, encoding="utf-8")
    code, out, err = run(capsys, "--db", db_file, "import", path, "--event", "pd", "--dry-run")
    assert (code, err) == (0, "")
    assert out.splitlines()[:3] == [
        "Would import list.csv into Provincial Dialogue (pd): 4 new, 0 changed, 0 unchanged,"
        " 0 in the database but not in the file (kept).",
        "Columns read: reference, name, designation, organisation, sex, phone",
        "New people:",
    ]
    assert "  line 2: Ghulam Nabi (Federal Investigation Agency); group guessed: FIA" in out
    assert rows_of(db_file) == []


def test_reimport_through_the_command_line_keeps_app_edits_and_prints_changes(
    db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, GOOD, encoding="utf-8")
    assert run(capsys, "--db", db_file, "import", path, "--event", "pd")[0] == 0
    with connect(db_file) as db:
        eid = db.execute("SELECT id FROM events WHERE slug = 'pd'").fetchone()[0]
        ids = {a["name"]: a["id"] for a in list_attendees(db, eid)}
        update_attendee(
            db, eid, ids["Hina Qureshi"], {"stakeholder_group": "media", "consent": "yes"}
        )
        bulk_update(db, eid, [ids["Ghulam Nabi"]], vip=True, consent="no")
    before = rows_of(db_file)
    code, out, err = run(capsys, "--db", db_file, "import", path, "--event", "pd")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == (
        "Imported list.csv into Provincial Dialogue (pd): 0 new, 0 changed, 4 unchanged,"
        " 0 in the database but not in the file (kept)."
    )
    assert rows_of(db_file) == before
    assert ("Hina Qureshi", "Programme Officer", "0321-5550103", "media", 0, "yes") in before
    assert ("Ghulam Nabi", "Deputy Director", "0300-1234501", "fia", 1, "no") in before
    # The updated list changes a designation and leaves a phone blank.
    updated = write(
        tmp_path,
        [
            GOOD[0].replace("Deputy Director", "Director"),
            "2,Hina Qureshi,,Aurat Foundation,Female,",
        ],
        "updated.csv",
        "utf-8",
    )
    code, out, err = run(capsys, "--db", db_file, "import", updated, "--event", "pd")
    assert code == 0
    assert "  line 2: Ghulam Nabi: designation: “Deputy Director” -> “Director”" in out.splitlines()
    assert "In the database but not in the file (kept):" in out
    assert ("Hina Qureshi", "Programme Officer", "0321-5550103", "media", 0, "yes") in rows_of(
        db_file
    )


def test_same_name_other_phone_is_a_new_person_with_a_warning_unless_yes(
    db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(
        capsys,
        "--db",
        db_file,
        "import",
        write(tmp_path, GOOD[:1], encoding="utf-8"),
        "--event",
        "pd",
    )
    other = write(
        tmp_path,
        ["9,Ghulam Nabi,Inspector,Federal Investigation Agency,Male,0333-7654302"],
        "b.csv",
        "utf-8",
    )
    code, out, err = run(capsys, "--db", db_file, "import", other, "--event", "pd", "--dry-run")
    assert (
        code == 0 and "Questions (answered with --yes: same person; without: a new person):" in out
    )
    assert "phone ending 501" in out
    code, out, err = run(capsys, "--db", db_file, "import", other, "--event", "pd")
    assert code == 0
    assert err == (
        "convener: warning: line 2: Ghulam Nabi: same name and organisation as someone"
        " registered, but a different phone or ID; added as a new person\n"
    )
    assert [r[1] for r in rows_of(db_file)] == ["Deputy Director", "Inspector"]


def test_yes_answers_same_person(
    db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(
        capsys,
        "--db",
        db_file,
        "import",
        write(tmp_path, GOOD[:1], encoding="utf-8"),
        "--event",
        "pd",
    )
    other = write(
        tmp_path,
        ["9,Ghulam Nabi,Director,Federal Investigation Agency,Male,0333-7654302"],
        "b.csv",
        "utf-8",
    )
    code, out, err = run(capsys, "--db", db_file, "import", other, "--event", "pd", "--yes")
    assert (code, err) == (0, "")
    assert "0 new, 1 changed" in out.splitlines()[0]
    assert "designation: “Deputy Director” -> “Director”" in out
    assert [r[:3] for r in rows_of(db_file)] == [("Ghulam Nabi", "Director", "0333-7654302")]


def test_refused_list_is_one_line_on_stderr(
    db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, GOOD + EXCEL_QUESTION_MARKS)
    code, out, err = run(capsys, "--db", db_file, "import", path, "--event", "pd")
    assert (code, out) == (1, "")
    assert len(err.splitlines()) == 1 and "CSV UTF-8" in err and "Traceback" not in err


def test_event_file_clash_exits_2_and_replace_overrules(
    db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "gilgit.yaml"
    path.write_text(
        "convener: 1\nevent:\n  slug: pd\n  title: Gilgit Workshop\n  date: '2018-09-12'\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "--db", db_file, "import", path)
    assert (code, out) == (2, "")
    assert "already holds “Provincial Dialogue” of 2025-05-14" in err and "--replace" in err
    code, out, err = run(capsys, "--db", db_file, "import", path, "--replace")
    assert (code, err) == (0, "")
    assert out.startswith("Gilgit Workshop (pd): imported.")


def test_dry_run_is_for_lists_only(
    db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "e.yaml"
    path.write_text("convener: 1\nevent:\n  title: X\n  date: '2018-09-12'\n", encoding="utf-8")
    code, out, err = run(capsys, "--db", db_file, "import", path, "--dry-run")
    assert (code, out) == (2, "")
    assert err == "convener: --dry-run is for attendee lists (CSV or XLSX with --event)\n"


def test_preview_piped_into_head_ends_quietly(db_file: Path, tmp_path: Path) -> None:
    rows = [f"{n},Person {n},Officer,Aurat Foundation,Female,0300-{n:07d}" for n in range(1, 3000)]
    path = write(tmp_path, rows, encoding="utf-8")
    code = "import sys; from convener.tui.cli import main; sys.exit(main())"
    argv = [sys.executable, "-c", code, "--db", str(db_file), "import", str(path)]
    process = subprocess.Popen(
        [*argv, "--event", "pd", "--dry-run"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()  # as `| head -1` does
    err = process.stderr.read()
    assert process.wait(timeout=60) == 0
    assert first.startswith(b"Would import list.csv into Provincial Dialogue (pd): 2999 new")
    assert err == b""


def test_a_quoted_address_over_two_lines_is_not_a_stray_quote(
    db_file: Path, tmp_path: Path
) -> None:
    path = tmp_path / "addresses.csv"
    path.write_text(
        'Name,Address,Contact No.\nHina Qureshi,"House 12, Street 4\nQuetta, Balochistan",'
        "0321-5550103\nSadia Baloch,Turbat,0300-9990104\n",
        encoding="utf-8",
    )
    with connect(db_file) as db:
        assert import_file(db, path, "pd").outcomes["people"]["inserted"] == 2
