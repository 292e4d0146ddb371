"""Reading pre-registration lists: encodings, delimiters, XLSX cells, headers, line numbers."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from convener.storage.errors import ValidationError
from convener.storage.imports.attendee_sheet import (
    MAX_SHEET_ROWS,
    guess_column,
    load_attendee_sheet,
    read_sheet,
)

HEADER = "Name,Designation,Organisation,Gender,Phone\n"


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "list.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        load_attendee_sheet(path)
    assert caught.value.source == str(path)
    return caught.value.problems


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("utf-8", "Name,Organisation\nZoë Khan,Café Trust\n"),
        ("utf-8-sig", "Name,Organisation\nZoë Khan,Café Trust\n"),
        ("utf-16", "Name\tOrganisation\r\nZoë Khan\tCafé Trust\r\n"),
        ("utf-16-be", "\ufeffName\tOrganisation\r\nZoë Khan\tCafé Trust\r\n"),
        ("cp1252", "Name,Organisation\r\nZoë Khan,Café Trust\r\n"),
        ("utf-8", "Name;Organisation\nZoë Khan;Café Trust\n"),
        ("utf-8", "Name\tOrganisation\nZoë Khan\tCafé Trust\n"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-tab", "utf16be-tab", "cp1252", "semicolon", "tab"],
)
def test_csv_encodings_and_delimiters(tmp_path: Path, encoding: str, text: str) -> None:
    path = write(tmp_path, text, encoding)
    fields, rows = read_sheet(path)
    assert fields == ["name", "organisation"]
    assert [(r.line, r.values) for r in rows] == [
        (2, {"name": "Zoë Khan", "organisation": "Café Trust"})
    ]
    [person] = load_attendee_sheet(path)
    assert person["name"] == "Zoë Khan"
    assert person["organisation"] == "Café Trust"


def test_bom_does_not_hide_the_name_header(tmp_path: Path) -> None:
    path = write(tmp_path, "Name,Phone\nAli,0300 1234567\n", "utf-8-sig")
    fields, _rows = read_sheet(path)
    assert fields == ["name", "phone"]


def test_urdu_name_in_nfd_comes_out_nfc(tmp_path: Path) -> None:
    name = "آمنہ بی بی"  # starts with alef madda, which NFD splits into alef + madda above
    decomposed = unicodedata.normalize("NFD", name)
    assert decomposed != name
    path = write(tmp_path, f"نام,فون\n{decomposed},03001234567\n")
    [person] = load_attendee_sheet(path)
    assert person["name"] == unicodedata.normalize("NFC", name)
    assert unicodedata.is_normalized("NFC", person["name"])
    assert person["phone"] == "03001234567"


def test_leading_zero_phone_kept_from_csv(tmp_path: Path) -> None:
    path = write(tmp_path, "Name,Mobile No\nSara,03001234567\n")
    [person] = load_attendee_sheet(path)
    assert person["phone"] == "03001234567"


def test_xlsx_cells_become_text(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Participant Name", "Mobile #", "Org.", "Gender", "Age", "VIP", "Registered"])
    sheet.append(["Nadia", 3001234567.0, "FIA", "F", "30-44", True, datetime(2025, 3, 4)])
    sheet.append([None, None, None, None, None, None, None])
    sheet.append(["Imran", 3211234567, None, "m", None, False, None])
    path = tmp_path / "list.xlsx"
    book.save(path)

    fields, rows = read_sheet(path)
    assert fields == ["name", "phone", "organisation", "gender", "age_band", "vip"]
    assert [r.line for r in rows] == [2, 4]
    assert rows[0].values["phone"] == "3001234567"
    assert rows[1].values["organisation"] == ""
    first, second = load_attendee_sheet(path)
    assert (first["name"], first["phone"], first["gender"], first["vip"]) == (
        "Nadia",
        "3001234567",
        "female",
        1,
    )
    assert first["age_band"] == "30_44"
    assert (second["phone"], second["gender"], second["vip"]) == ("3211234567", "male", 0)


def test_xlsx_bad_row_reports_sheet_row_number(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"], sheet["B1"] = "Name", "Sex"
    sheet["A5"], sheet["B5"] = "Bilal", "robot"
    path = tmp_path / "list.xlsx"
    book.save(path)
    [problem] = problems_of(path)
    assert problem.startswith("line 5") and "gender" in problem


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Name", "name"),
        ("  FULL   name ", "name"),
        ("Name of Participant", "name"),
        ("Participant", "name"),
        ("نام", "name"),
        ("Job Title", "designation"),
        ("Position", "designation"),
        ("عہدہ", "designation"),
        ("Organization", "organisation"),
        ("Org.", "organisation"),
        ("Name of Organisation", "organisation"),
        ("Department", "organisation"),
        ("ادارہ", "organisation"),
        ("Sex", "gender"),
        ("جنس", "gender"),
        ("Mobile #", "phone"),
        ("Contact No.", "phone"),
        ("Phone Number", "phone"),
        ("Cell", "phone"),
        ("موبائل", "phone"),
        ("فون", "phone"),
        ("E-mail", "email"),
        ("Email Address", "email"),
        ("Stakeholder Group", "stakeholder_group"),
        ("Category", "stakeholder_group"),
        ("Sector", "stakeholder_group"),
        ("District", "district"),
        ("Age Group", "age_band"),
        ("age band", "age_band"),
        ("PWD", "disability"),
        ("CNIC", "id_number"),
        ("ID Number", "id_number"),
        ("National ID", "id_number"),
        ("Consent to publish", "consent_name"),
        ("Photo consent", "consent_photo"),
        ("consent_photo", "consent_photo"),
        ("Protected", "protected"),
        ("Speaker", "vip"),
        ("stakeholder_group", "stakeholder_group"),
        ("Sr. No.", "ref"),
        ("S.No", "ref"),
        ("S#", "ref"),
        ("Ref", "ref"),
        ("Registration No", "ref"),
        ("#", "ref"),
        ("Signature", None),
        ("", None),
    ],
)
def test_guess_column(header: str, field: str | None) -> None:
    assert guess_column(header) == field


def test_unknown_and_duplicate_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "S#,Name,Signature,Full Name,Phone\n1,Ali,,Ali Raza,03001234567\n")
    fields, rows = read_sheet(path)
    assert fields == ["ref", "name", "phone"]
    assert rows[0].values == {"ref": "1", "name": "Ali", "phone": "03001234567"}


def test_bad_gender_names_line_and_field(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER + "Ali,Director,FIA,m,\nSara,,,f,\nKamran,,,banana,\n",
    )
    [problem] = problems_of(path)
    assert "line 4" in problem and "gender" in problem and "banana" in problem


def test_every_bad_row_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + ",Officer,,,\nSara,,,f,\nKamran,,,m,12\n")
    problems = problems_of(path)
    assert len(problems) == 2
    assert problems[0].startswith("line 2") and "name" in problems[0]
    assert problems[1].startswith("line 4") and "phone" in problems[1]


def test_blank_rows_are_skipped_but_lines_still_count(tmp_path: Path) -> None:
    path = write(tmp_path, "Sr,Name,Gender\n1,Ali,m\n,,\n\n3,,\n6,Huma,alien\n")
    assert [p.split(":")[0] for p in problems_of(path)] == ["line 6"]


def test_ragged_row_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "Name,Phone\nAli,0300 1234567\nSara,0301 1234567,extra,more\n")
    with pytest.raises(ValidationError) as caught:
        read_sheet(path)
    assert caught.value.problems == ["line 3: 4 cells but the header has 2 columns"]


def test_short_rows_are_reported_and_trailing_empty_cells_are_fine(tmp_path: Path) -> None:
    path = write(tmp_path, "Name,Phone,Gender\nAli\nSara,,f,,\n")
    assert problems_of(path) == [
        "line 2: 1 cell but the header has 3 columns (a row cut short or split across lines);"
        " complete the row"
    ]
    path = write(tmp_path, "Name,Phone,Gender\nAli,,\nSara,,f,,\n")
    assert [p["name"] for p in load_attendee_sheet(path)] == ["Ali", "Sara"]


def test_quoted_newlines_keep_later_line_numbers(tmp_path: Path) -> None:
    text = 'Name,Organisation,Gender\n"Ali","Ministry of\nHuman Rights\nIslamabad",m\nSara,UN,zz\n'
    path = write(tmp_path, text)
    _fields, rows = read_sheet(path)
    assert [r.line for r in rows] == [2, 5]
    assert rows[0].values["organisation"] == "Ministry of\nHuman Rights\nIslamabad"
    [problem] = problems_of(path)
    assert problem.startswith("line 5") and "gender" in problem


def test_crlf_and_old_mac_line_endings(tmp_path: Path) -> None:
    for ending in ("\r\n", "\r"):
        path = write(tmp_path, ending.join(["Name,Gender", "Ali,m", "Sara,x?"]) + ending)
        [problem] = problems_of(path)
        assert problem.startswith("line 3")


def test_missing_name_column(tmp_path: Path) -> None:
    path = write(tmp_path, "Designation,Phone,Remarks\nDirector,0300 1234567,\n")
    with pytest.raises(ValidationError) as caught:
        read_sheet(path)
    [problem] = caught.value.problems
    assert problem.startswith("no Name column found")
    assert "Designation, Phone, Remarks" in problem


@pytest.mark.parametrize("content", [b"", b"\n\n  \n", b"\xef\xbb\xbf"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(content)
    with pytest.raises(ValidationError) as caught:
        read_sheet(path)
    assert caught.value.problems == ["the file is empty"]


def test_binary_csv_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    with pytest.raises(ValidationError) as caught:
        read_sheet(path)
    assert "not a CSV text file" in caught.value.problems[0]


def test_workbook_saved_as_csv_gets_a_hint(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    path = tmp_path / "list.csv"
    book.save(path)
    with pytest.raises(ValidationError) as caught:
        read_sheet(path)
    assert "not a CSV text file" in caught.value.problems[0]
    assert ".xlsx" in caught.value.problems[0]


def test_xlsx_that_is_not_a_zip(tmp_path: Path) -> None:
    path = write(tmp_path, "Name\nAli\n", name="list.xlsx")
    with pytest.raises(ValidationError) as caught:
        read_sheet(path)
    assert caught.value.problems == ["not a readable .xlsx workbook"]


def test_old_xls_asks_to_resave(tmp_path: Path) -> None:
    path = tmp_path / "list.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(ValidationError) as caught:
        read_sheet(path)
    message = caught.value.problems[0]
    assert ".xls" in message and ".xlsx" in message and "CSV" in message


def test_unsupported_extension(tmp_path: Path) -> None:
    path = write(tmp_path, "Name\nAli\n", name="list.docx")
    with pytest.raises(ValidationError) as caught:
        read_sheet(path)
    assert "unsupported file type" in caught.value.problems[0]
    assert "(use .csv or .xlsx)" in caught.value.problems[0]


@pytest.mark.parametrize("suffix", [".txt", ".tsv", ".CSV"])
def test_text_suffixes_read_as_csv(tmp_path: Path, suffix: str) -> None:
    path = write(tmp_path, "Name\tGender\nAli\tm\n", name=f"list{suffix}")
    assert load_attendee_sheet(path)[0]["gender"] == "male"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        read_sheet(tmp_path / "nope.csv")
    assert "cannot read the file" in caught.value.problems[0]


def test_row_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("convener.storage.imports.attendee_sheet.MAX_SHEET_ROWS", 3)
    path = write(tmp_path, "Name\n" + "".join(f"P{i}\n" for i in range(4)))
    with pytest.raises(ValidationError) as caught:
        read_sheet(path)
    assert "the limit is 3" in caught.value.problems[0]
    assert MAX_SHEET_ROWS == 100_000


def test_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("convener.storage.imports.attendee_sheet.MAX_SHEET_BYTES", 10)
    path = write(tmp_path, "Name\nSomeone with a long name\n")
    with pytest.raises(ValidationError) as caught:
        read_sheet(path)
    assert "the limit is" in caught.value.problems[0]


def test_control_characters_and_escapes_stripped(tmp_path: Path) -> None:
    nasty = "\x1b[31mAli\x1b[0m \u202eKhan\x07"
    path = write(tmp_path, f"Name,Organisation\n{nasty},\x1b]0;pwned\x07NGO\n")
    [person] = load_attendee_sheet(path)
    assert "\x1b" not in person["name"] and "\u202e" not in person["name"]
    assert "\x07" not in person["name"]
    assert all(ch.isprintable() for ch in person["name"] + person["organisation"])
    assert "Ali" in person["name"] and person["name"].endswith("Khan")
    assert "\x1b" not in person["organisation"]
