"""What a rapporteur types never carries a contact or a withheld name into a shared file.

An event file (YAML, as a partner would send it) puts phone numbers in every form, CNICs,
e-mail addresses, a protected person's name joined, hyphenated, in capitals, in Urdu (NFC
and NFD), and a non-consenting person's name into notes, action items, an agenda title,
tags and "to whom". Every export format is read as a reader would (bytes, decoded JSON,
the DOCX's words, digits alone) for every spelling; the numbers and names a report needs
must still be there, literally.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from sqlite_utils import Database

from convener.storage.imports.event_file import import_yaml
from convener.storage.reports.export import FORMATS, export_event
from tests.reliability.exported import leaks, missing

SLUG = "privacy-dialogue"
URDU_NAME = "آمنہ گل آفریدی"
# A protected survivor, a protected child (Urdu), a participant who did not consent, one who
# did and shares a word of that name, and a consenting control whose own number is typed too.
PEOPLE = """
attendees:
  - {ref: survivor, name: Palwasha Gulrukh, protected: yes, phone: "۰۳۴۵۹۸۷۶۵۲۱",
     id_number: "54401-7654321-3", email: palwasha.g@example.org, gender: female,
     stakeholder_group: community, checked_in: "10:01"}
  - {ref: child, name: "آمنہ گل آفریدی", protected: yes, phone: "0312-4455667",
     gender: female, stakeholder_group: youth, checked_in: "10:02"}
  - {ref: naseem, name: Naseem Khattak, consent_name: no, phone: "03335550142",
     id_number: "6110122334457", email: naseem.k@example.org, gender: male,
     designation: Inspector, stakeholder_group: police, checked_in: "10:03"}
  - {ref: saima, name: Saima Khattak, consent_name: yes, gender: female,
     designation: Lawyer, stakeholder_group: civil_society, checked_in: "10:04"}
  - {ref: qadir, name: Qadir Control Bakhsh, consent_name: yes, phone: "0300-5550123",
     gender: male, designation: Deputy Director, stakeholder_group: government,
     checked_in: "10:05"}
"""
SURVIVE = [
    "3,453 victims",
    "Rs. 50,000",
    "FIR 112/2024",
    "14-05-2025",
    "2024-2025",
    "10:30",
    "Saima Khattak",
    "Khattak family",
    "Qadir Control Bakhsh",
]
NOTES = [
    "Palwasha Gulrukh (0345 9876521, ۰۳۴۵۹۸۷۶۵۲۱, +92 345 9876521, 0345.987.6521) showed "
    "CNIC 54401-7654321-3 and wrote from palwasha.g@example.org.",
    "PalwashaGulrukh, Palwasha-Gulrukh, PALWASHA  GULRUKH and plain Gulrukh were all mentioned.",
    f"{URDU_NAME} (۰۳۱۲-۴۴۵۵۶۶۷) and {unicodedata.normalize('NFD', URDU_NAME)} آفریدی spoke.",
    "Naseem Khattak said: call 0333.555.0142 or (0333) 5550142, ID 6110122334457, "
    "naseem.k@example.org. Naseem left early; the Khattak family is large.",
    "Qadir Control Bakhsh (0300-5550123) confirmed 3,453 victims and Rs. 50,000 per family; "
    "FIR 112/2024 was registered on 14-05-2025 at 10:30 for the 2024-2025 budget. "
    "Saima Khattak agreed; the Khattak family is large.",
]


def event_yaml() -> str:
    notes = "\n".join(
        f"  - {{speaker: qadir, kind: concern, at: '10:{10 + i}', text: {text!r},"
        f" tags: [palwasha-gulrukh, '0345 9876521'], addressed_to: Naseem Khattak}}"
        for i, text in enumerate(NOTES)
    )
    return f"""convener: 1
event:
  slug: {SLUG}
  title: Dialogue on safe migration
  date: "2025-05-14"
  start_time: "10:00"
  status: ended
agenda:
  - {{title: "Hearing Gulrukh (0345 9876521)", starts_at: "10:00", presenter: Qadir Control Bakhsh}}
{PEOPLE}
notes:
{notes}
  - {{speaker_text: "Palwasha Gulrukh's caseworker", kind: recommendation, text: "More shelters.",
     addressed_to: "naseem.k@example.org"}}
action_items:
  - {{what: "Call Palwasha Gulrukh on 0345-9876521 and Naseem Khattak at naseem.k@example.org",
     owner: qadir, due: "2025-06-30"}}
  - {{what: "Visit Naseem", owner: naseem, due: "2025-06-30"}}
"""


PROTECTED_NAMES = ["Palwasha Gulrukh", URDU_NAME]
PROTECTED_WORDS = ["Palwasha", "Gulrukh", "آمنہ", "آفریدی"]
PROTECTED_NUMBERS = ["03459876521", "54401-7654321-3", "0312-4455667"]
WITHHELD_NUMBERS = ["03335550142", "6110122334457", "0300-5550123"]
EMAILS = ["palwasha.g@example.org", "naseem.k@example.org"]


@pytest.fixture
def imported(db: Database, tmp_path: Path) -> Database:
    path = tmp_path / "event.yaml"
    path.write_text(event_yaml(), encoding="utf-8")
    import_yaml(db, path)
    texts = [r[0] for r in db.execute("SELECT text FROM notes")]
    assert any("0345 9876521" in t for t in texts)  # what must go is really in the notes
    return db


def test_redacted_exports_carry_no_contact_and_no_withheld_name(
    imported: Database, tmp_path: Path
) -> None:
    files = export_event(imported, SLUG, FORMATS, out_dir=tmp_path / "out")
    assert len(files) == 4
    assert (
        leaks(
            files,
            names=[*PROTECTED_NAMES, "Naseem Khattak"],
            words=[*PROTECTED_WORDS, "Naseem"],
            numbers=[*PROTECTED_NUMBERS, *WITHHELD_NUMBERS],
            strings=EMAILS,
        )
        == []
    )
    reports = [f for f in files if f.suffix != ".csv"]  # the CSV is the attendance sheet
    assert missing(reports, SURVIVE) == []
    markdown = next(f for f in files if f.suffix == ".md").read_text(encoding="utf-8")
    assert "### A participant's caseworker" in markdown
    assert "A participant, a participant, a participant and plain a participant" in markdown
    assert "- *Concern:* A participant showed CNIC and wrote from." in markdown


def test_unredacted_export_keeps_contacts_but_never_a_protected_person(
    imported: Database, tmp_path: Path
) -> None:
    files = export_event(imported, SLUG, FORMATS, out_dir=tmp_path / "all", unredacted=True)
    reports = [f for f in files if f.suffix != ".csv"]
    assert (
        leaks(
            files,
            names=PROTECTED_NAMES,
            words=PROTECTED_WORDS,
            numbers=PROTECTED_NUMBERS,
            strings=EMAILS[:1],
        )
        == []
    )
    # The search is not blind: what an unredacted file may hold, it finds.
    assert missing(reports, ["Naseem Khattak said", "0333.555.0142", "naseem.k@example.org"]) == []
    assert leaks(reports, numbers=WITHHELD_NUMBERS[:1], words=["Naseem"]) != []
