"""Export files: names, modes, atomic writes, and the privacy promise in every format.

A protected person's name or phone must not be found in the text of any file (Markdown,
CSV, every XML part of the DOCX and XLSX, JSON, the PDF's extracted text and metadata),
whichever Unicode normal form one searches for.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import stat
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from sqlite_utils import Database

from convener.storage import paths
from convener.storage.attendees import add_attendee
from convener.storage.checkins import check_in
from convener.storage.clock import utc_now
from convener.storage.db.connection import connect
from convener.storage.errors import ConvenerError, ValidationError
from convener.storage.events import get_event
from convener.storage.notes import delete_note, list_notes
from convener.storage.reports.attendance_csv import neutralise
from convener.storage.reports.export import (
    FORMATS,
    atomic_write,
    export_event,
    file_stem,
    parse_formats,
)
from tests.unit.readback import file_text, holds

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "fixtures" / "quetta-dialogue.yaml"
SLUG = "quetta-dialogue"
SURVIVOR_PHONE = "03451239876"
SECTIONS = [
    "Overview",
    "Background",
    "Objectives",
    "Participation",
    "Proceedings",
    "Questions and answers",
    "Concerns",
    "Recommendations",
    "Commitments",
    "Action points",
    "Conclusions and way forward",
    "Annex 1: Agenda",
    "Annex 2: Participant list",
]


@pytest.fixture
def db(tmp_path: Path, imported: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """A fresh copy of the sample event, with local times shown as Pakistan time."""
    monkeypatch.setenv("TZ", "Asia/Karachi")
    time.tzset()
    shutil.copyfile(imported, tmp_path / "t.db")
    database = connect(tmp_path / "t.db")
    yield database
    database.close()
    monkeypatch.undo()
    time.tzset()


def export_all(
    db: Database, out: Path, *, unredacted: bool = False, level: str = "public"
) -> dict[str, str]:
    """Every format's text by extension (zip parts' XML, the PDF's extracted text)."""
    files = export_event(db, SLUG, FORMATS, out_dir=out, unredacted=unredacted, level=level)
    return {path.suffix.lstrip("."): file_text(path) for path in files}


def survivor(db: Database) -> dict[str, Any]:
    row = next(iter(db.query("SELECT * FROM people WHERE protected = 1")))
    db.execute(
        "UPDATE people SET phone = ?, email = ? WHERE id = ?",
        [SURVIVOR_PHONE, "gul.b@example.org", row["id"]],
    )
    return row


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("md,docx,pdf,csv,xlsx,json", FORMATS),
        ("pdf,excel", ("pdf", "xlsx")),
        ("md", ("md",)),
        (" JSON , md ,md", ("json", "md")),
        ("markdown,.csv", ("md", "csv")),
    ],
)
def test_parse_formats(text: str, expected: tuple[str, ...]) -> None:
    assert parse_formats(text) == expected


@pytest.mark.parametrize("text", ["odt", "md,xls", "", " , "])
def test_parse_formats_refuses_unknown(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_formats(text)
    assert caught.value.source == "--format"
    assert "md, docx, pdf, csv, xlsx, json" in str(caught.value)


def test_export_writes_private_files_with_event_names(db: Database, tmp_path: Path) -> None:
    out = tmp_path / "reports" / "quetta"
    files = export_event(db, SLUG, FORMATS, out_dir=out)
    assert [p.name for p in files] == [
        "quetta-dialogue-summary.md",
        "quetta-dialogue-summary.docx",
        "quetta-dialogue-summary.pdf",
        "quetta-dialogue-attendance.csv",
        "quetta-dialogue-attendance.xlsx",
        "quetta-dialogue.json",
    ]
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in files} == {0o600}
    assert sorted(os.listdir(out)) == sorted(p.name for p in files)
    again = export_event(db, SLUG, ("md",), out_dir=out, unredacted=True)
    assert [p.name for p in again] == ["quetta-dialogue-summary-UNREDACTED.md"]


def test_default_folder_is_one_per_event(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paths, "default_export_dir", lambda slug: tmp_path / "Docs" / slug)
    [path] = export_event(db, SLUG, ("json",), unredacted=True)
    assert path == tmp_path / "Docs" / SLUG / "quetta-dialogue-UNREDACTED.json"


def test_file_stem_keeps_slugs_inside_the_folder() -> None:
    assert file_stem("../../etc/passwd") == "etc-passwd"
    assert file_stem("quetta-dialogue_2") == "quetta-dialogue_2"
    assert file_stem("...") == "event"


@pytest.mark.parametrize("unredacted", [False, True], ids=["redacted", "unredacted"])
def test_protected_person_absent_from_every_format(
    db: Database, tmp_path: Path, unredacted: bool
) -> None:
    person = survivor(db)
    outputs = export_all(db, tmp_path / "out", unredacted=unredacted)
    assert set(outputs) == set(FORMATS)
    for form in ("NFC", "NFD"):
        name = unicodedata.normalize(form, person["name"])
        for fmt, text in outputs.items():
            assert not holds(text, name), fmt
            assert not holds(text, SURVIVOR_PHONE), fmt
            assert not holds(text, "gul.b@example.org"), fmt
    assert holds(outputs["pdf"], "نسیم اختر")  # the check would find a name if it were there


def test_contacts_only_in_unredacted_exports(db: Database, tmp_path: Path) -> None:
    contacts = ["03008123456", "saima.rind@example.org", "@example.org"]
    for level in ("public", "verification"):
        for fmt, text in export_all(db, tmp_path / level, level=level).items():
            assert not [c for c in contacts if holds(text, c)], (level, fmt)
    full = export_all(db, tmp_path / "u", unredacted=True)
    for fmt, text in full.items():
        assert [c for c in contacts if holds(text, c)] == contacts, fmt


def test_off_record_and_deleted_notes_absent_everywhere(db: Database, tmp_path: Path) -> None:
    notes = list_notes(db, str(get_event(db, SLUG)["id"]))
    [gone] = [n for n in notes if "comprehensive national strategy" in n["text"]]
    delete_note(db, gone["id"])
    for fmt, text in export_all(db, tmp_path / "out", unredacted=True).items():
        assert not holds(text, "Agents who recruit young men"), fmt
        assert not holds(text, "comprehensive national strategy"), fmt
    assert holds(text, "conviction rate remains low")


def test_csv_round_trips_with_bom_and_withheld_rows(db: Database, tmp_path: Path) -> None:
    [path] = export_event(db, SLUG, ("csv",), out_dir=tmp_path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "name",
        "designation",
        "organisation",
        "stakeholder_group",
        "gender",
        "district",
        "checked_in_at (UTC+05:00)",
        "source",
    ]
    assert len(rows) == 37
    withheld = [r for r in rows if r["name"] == "(name withheld)"]
    assert len(withheld) == 4
    assert all(
        not r["designation"] and not r["organisation"] and not r["district"] for r in withheld
    )
    [urdu] = [r for r in rows if r["name"] == "نسیم اختر"]
    assert (urdu["checked_in_at (UTC+05:00)"], urdu["stakeholder_group"]) == (
        "2025-05-14 09:43",
        "Civil society / NGOs",
    )
    assert {r["source"] for r in rows} == {"expected"}


def test_csv_neutralises_formulas(db: Database, tmp_path: Path) -> None:
    eid = str(get_event(db, SLUG)["id"])
    added = add_attendee(
        db,
        eid,
        {
            "name": '=HYPERLINK("http://evil.example","x")',
            "designation": "+cmd|' /C calc'!A0",
            "organisation": "-2+3",
            "district": "@SUM(A1)",
            "consent_name": "yes",
        },
    )
    check_in(db, eid, added["id"])
    [path] = export_event(db, SLUG, ("csv",), out_dir=tmp_path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        [row] = [r for r in csv.DictReader(handle) if "HYPERLINK" in r["name"]]
    assert row["name"] == '\'=HYPERLINK("http://evil.example","x")'
    assert row["designation"].startswith("'+")
    assert row["organisation"] == "'-2+3" and row["district"] == "'@SUM(A1)"


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+92300", "'+92300"),
        ("-x", "'-x"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Quetta", "Quetta"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_neutralise(cell: str, safe: str) -> None:
    assert neutralise(cell) == safe


def test_unredacted_csv_has_contact_columns(db: Database, tmp_path: Path) -> None:
    [path] = export_event(db, SLUG, ("csv",), out_dir=tmp_path, unredacted=True)
    assert path.name == "quetta-dialogue-attendance-UNREDACTED.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    [saima] = [r for r in rows if r["name"] == "Saima Rind"]
    assert (saima["phone"], saima["email"]) == ("03214968372", "saima.rind@example.org")
    assert len([r for r in rows if r["name"] == "(name withheld)"]) == 1


def test_docx_opens_with_every_section(db: Database, tmp_path: Path) -> None:
    [path] = export_event(db, SLUG, ("docx",), out_dir=tmp_path)
    document = docx.Document(str(path))
    styles = [(p.style.name if p.style else "", p.text) for p in document.paragraphs]
    headings = [text for style, text in styles if style == "Heading 1"]
    assert styles[0] == (
        "Title",
        "Provincial Dialogue on Human Trafficking and Irregular Migration",
    )
    assert headings == SECTIONS
    text = "\n".join(p.text for p in document.paragraphs)
    assert "conviction rate" in text and "R3. To SSDO: SSDO should" in text
    annex = document.tables[-1]
    assert [c.text for c in annex.rows[0].cells][:3] == ["No.", "Name", "Designation"]
    assert len(annex.rows) == 34
    assert annex.rows[1].cells[1].text == "Abdul Wahid Kakar"


def test_json_document(db: Database, tmp_path: Path) -> None:
    [path] = export_event(db, SLUG, ("json",), out_dir=tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert (data["format"], data["version"], data["redacted"]) == ("convener-summary", 1, True)
    assert list(data) == [
        "format",
        "version",
        "redacted",
        "level",
        "event",
        "agenda",
        "participation",
        "attendees",
        "notes",
        "action_items",
        "clock_jumps",
    ]
    assert data["clock_jumps"] == []
    assert data["event"]["organisers"][1] == "Embassy of Denmark"
    assert data["participation"]["total"] == 37
    assert len(data["attendees"]) == 41
    withheld = [a for a in data["attendees"] if a["name_withheld"]]
    assert len(withheld) == 4 and all(a["name"] is None for a in withheld)
    assert all("phone" not in a for a in data["attendees"])
    assert len(data["notes"]) == 25 and len(data["action_items"]) == 4
    [answer] = [n for n in data["notes"] if n["answers_ref"]]
    assert answer["answers_ref"] == "Q1" and answer["speaker"].startswith("Saima Rind")
    first = list_notes(db, str(get_event(db, SLUG)["id"]))[0]
    assert data["notes"][0]["noted_at"] == first["noted_at"]
    assert data["notes"][0]["speaker"] == (
        "Raheela Hameed Durrani, Provincial Education Minister, Government of Balochistan"
    )


def test_atomic_write_keeps_old_file_when_replace_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.md"
    target.write_bytes(b"old report")

    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        atomic_write(target, b"new report")
    assert target.read_bytes() == b"old report"
    assert os.listdir(tmp_path) == ["report.md"]


def test_atomic_write_keeps_old_file_when_fsync_fails(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "quetta-dialogue-summary.md"
    target.write_bytes(b"old report")

    def fail(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(ConvenerError, match="Input/output error"):
        export_event(db, SLUG, ("md",), out_dir=out)
    assert target.read_bytes() == b"old report"
    assert os.listdir(out) == [target.name]


def test_atomic_write_replaces_with_private_file(tmp_path: Path) -> None:
    target = tmp_path / "a.json"
    target.write_bytes(b"{}")
    target.chmod(0o644)
    atomic_write(target, b'{"v": 2}')
    assert target.read_bytes() == b'{"v": 2}'
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


@pytest.mark.parametrize("where", ["under_a_file", "is_a_file"])
def test_unwritable_folder_is_a_clear_error(db: Database, tmp_path: Path, where: str) -> None:
    (tmp_path / "here").mkdir()
    blocker = tmp_path / "here" / "file.txt"
    blocker.write_text("not a folder")
    out = blocker / "sub" if where == "under_a_file" else blocker
    with pytest.raises(ConvenerError) as caught:
        export_event(db, SLUG, FORMATS, out_dir=out)
    message = str(caught.value)
    assert message.startswith(f"cannot write to {out}: ")
    assert message.endswith("; choose another folder")
    assert os.listdir(tmp_path / "here") == ["file.txt"]


def large_event(db: Database, attendees: int, notes: int) -> str:
    """An event with many people and notes, inserted in bulk (bench-sized data)."""
    event_id = str(get_event(db, SLUG)["id"])
    now = utc_now()
    stamp = {"created_at": now, "updated_at": now, "device_id": "bench"}
    groups = ["police", "fia", "civil_society", "media", "academia", None]
    people = [
        {
            "id": f"p{i}",
            "name": f"Participant {i}",
            "name_key": f"participant {i}",
            "designation": "Officer",
            "organisation": f"Organisation {i % 40}",
            "stakeholder_group": groups[i % 6],
            "gender": ("female", "male", None)[i % 3],
            "district": "Quetta",
            "phone": f"0300{i:07d}",
            "consent_name": int(i % 10 != 0),
            "protected": int(i % 97 == 0),
            **stamp,
        }
        for i in range(attendees)
    ]
    db.table("people").insert_all(people)
    db.table("registrations").insert_all(
        {"id": f"r{i}", "event_id": event_id, "person_id": f"p{i}", "source": "expected", **stamp}
        for i in range(attendees)
    )
    db.table("checkins").insert_all(
        {"id": f"c{i}", "event_id": event_id, "person_id": f"p{i}", "checked_in_at": now, **stamp}
        for i in range(0, attendees, 2)
    )
    kinds = ["key_point", "recommendation", "concern", "commitment", "question", "quote"]
    db.table("notes").insert_all(
        {
            "id": f"n{i}",
            "event_id": event_id,
            "noted_at": now,
            "speaker_id": f"p{(i * 7) % attendees}",
            "speaker_text": "",
            "attribution": ("named", "role", "off_record")[i % 3],
            "kind": kinds[i % 6],
            "text": f"Point number {i} " * 8,
            "tags": "[]",
            "addressed_to": "",
            **stamp,
        }
        for i in range(notes)
    )
    return event_id


def test_exporting_a_large_event_writes_every_row(db: Database, tmp_path: Path) -> None:
    """5,000 attendees and 2,000 notes export completely (the speed, and the PDF's, is
    measured in bench/)."""
    large_event(db, 5000, 2000)
    formats = [f for f in FORMATS if f != "pdf"]
    files = export_event(db, SLUG, formats, out_dir=tmp_path / "big", unredacted=True)
    assert len(files) == 5
    with io.TextIOWrapper(io.BytesIO(files[2].read_bytes()), encoding="utf-8-sig") as text:
        assert sum(1 for _ in csv.reader(text)) == 1 + 37 + 2500
