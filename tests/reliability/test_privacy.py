"""Names and numbers of people at risk: private files, real deletion, redacted exports.

Every file Convener writes is 0600 in a 0700 folder. Deleting a person removes their bytes
from the database file once the WAL is checkpointed (secure_delete). A redacted export of
an event with protected attendees carries none of their names (NFC or NFD, any case or
spacing), phone numbers (ASCII or Urdu digits) or ID numbers, in any format: checked on the
bytes, and inside the .docx's XML.
"""

from __future__ import annotations

import io
import json
import re
import sqlite3
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from convener.storage.actions import add_action_item
from convener.storage.attendees import add_attendee, remove_attendee
from convener.storage.checkins import check_in
from convener.storage.db.backup import backup_before_migration, backup_to
from convener.storage.db.connection import checkpoint, connect
from convener.storage.db.integrity import copy_aside
from convener.storage.db.lock import InstanceLock
from convener.storage.events import delete_event, get_event
from convener.storage.imports.sample import load_sample
from convener.storage.notes import add_note
from convener.storage.paths import default_backup_path
from convener.storage.reports.export import FORMATS, export_event
from tests.unit.readback import pdf_text


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


# --- file modes -----------------------------------------------------------------------------


def test_every_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "new" / "folder" / "convener.db"
    db = connect(path)
    load_sample(db)
    written = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
    written.append(backup_to(db, default_backup_path(path)))
    written.append(backup_before_migration(db, 1))
    exports = export_event(db, "quetta-dialogue", FORMATS, out_dir=tmp_path / "new" / "reports")
    written += exports
    lock = InstanceLock(path)
    assert lock.acquire() is None
    written.append(lock.path)
    written.append(copy_aside(path))
    for file in written:
        assert mode(file) == 0o600, file
    for folder in {f.parent for f in written} | {tmp_path / "new"}:
        assert mode(folder) == 0o700, folder
    lock.release()
    db.close()


def test_default_export_folder_is_private(db: Database) -> None:
    load_sample(db)
    files = export_event(db, "quetta-dialogue", FORMATS)
    for file in files:
        assert mode(file) == 0o600
        assert mode(file.parent) == 0o700


# --- deletion -------------------------------------------------------------------------------

SECRET_NAME = "Zarghuna Qwertyuiop"
SECRET_PHONE = "03459871234"
SECRET_ID = "54401-9988776-5"


def file_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    for suffix in ("-wal", "-shm"):
        extra = Path(f"{path}{suffix}")
        if extra.exists():
            data += extra.read_bytes()
    return data


def secrets_in(data: bytes) -> list[str]:
    return [
        s
        for s in (SECRET_NAME, SECRET_NAME.casefold(), SECRET_PHONE, SECRET_ID)
        if s.encode() in data
    ]


@pytest.mark.parametrize("how", ["remove_attendee", "delete_event"])
def test_deleting_a_person_removes_their_bytes(db_path: Path, how: str) -> None:
    db = connect(db_path)
    load_sample(db)
    event = get_event(db, "quetta-dialogue-practice")
    person = add_attendee(
        db, event["id"], {"name": SECRET_NAME, "phone": SECRET_PHONE, "id_number": SECRET_ID}
    )
    checkpoint(db)
    assert secrets_in(file_bytes(db_path)) != []  # the test can see them while they exist
    if how == "remove_attendee":
        remove_attendee(db, event["id"], person["id"])
    else:
        delete_event(db, event["id"])
    checkpoint(db)
    assert secrets_in(file_bytes(db_path)) == []
    db.close()
    assert secrets_in(file_bytes(db_path)) == []


# --- redacted exports -----------------------------------------------------------------------

PROTECTED = [
    # An Urdu name whose NFD form differs (آ decomposes), with Urdu-digit phone.
    {
        "name": "آمنہ گل آفریدی",
        "phone": "۰۳۴۵ ۹۸۷۶۵۲۱",
        "id_number": "54401-7654321-3",
        "gender": "female",
        "stakeholder_group": "community",
        "protected": "yes",
    },
    {
        "name": "Zarmeena Torghundi",
        "phone": "0333-5550199",
        "id_number": "54400-1112223-4",
        "email": "zarmeena.a@example.org",
        "gender": "female",
        "stakeholder_group": "youth",
        "protected": "yes",
        "consent_name": "yes",
    },  # consent is overridden by protection
]
CONTROL = {
    "name": "Qadir Control Bakhsh",
    "phone": "0300-5550123",
    "consent_name": "yes",
    "designation": "Deputy Director",
    "stakeholder_group": "government",
}

URDU_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ASCII_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")


def forbidden(person: dict[str, str]) -> list[str]:
    """Every spelling of what must not appear."""
    name = person["name"]
    digits = re.sub(r"\D", "", person["phone"].translate(ASCII_DIGITS))
    spelled = {
        unicodedata.normalize("NFC", name),
        unicodedata.normalize("NFD", name),
        name.casefold(),
        name.upper(),
        " ".join(name.split()[-1:]) if len(name.split()[-1]) > 5 else name,  # the surname
        person["phone"],
        digits,
        digits.translate(URDU_DIGITS),
        person["id_number"],
        re.sub(r"\D", "", person["id_number"]),
    }
    if person.get("email"):
        spelled.add(person["email"])
    return sorted(spelled)


@pytest.fixture
def protected_event(db: Database) -> dict[str, Any]:
    """The sample event plus two protected attendees who spoke and were written about."""
    load_sample(db)
    event = get_event(db, "quetta-dialogue")
    ids = []
    for fields in [*PROTECTED, CONTROL]:
        person = add_attendee(db, event["id"], fields)
        check_in(db, event["id"], person["id"])
        ids.append(person["id"])
    add_note(
        db,
        event["id"],
        {
            "speaker_id": ids[0],
            "attribution": "named",
            "text": "Recruiters came to our village at night.",
        },
    )
    add_note(
        db,
        event["id"],
        {
            "speaker_id": ids[1],
            "attribution": "role",
            "kind": "concern",
            "text": "Girls are taken across the border.",
        },
    )
    nfd = unicodedata.normalize("NFD", PROTECTED[0]["name"])
    add_note(
        db,
        event["id"],
        {
            "speaker_id": ids[2],
            "attribution": "named",
            "text": f"{nfd} and ZARMEENA   torghundi need support.",
        },
    )
    add_action_item(
        db, event["id"], {"what": "Follow up with Zarmeena Torghundi", "owner_person_id": ids[1]}
    )
    return event


def views(path: Path) -> dict[str, str]:
    """Every way the file's text could be read: raw, decoded, unescaped, unzipped."""
    data = path.read_bytes()
    found = {"bytes": data.decode("utf-8", "replace")}
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        found["utf-16"] = data.decode("utf-16")
    if path.suffix == ".json":
        found["json"] = json.dumps(json.loads(data), ensure_ascii=False)
    if path.suffix == ".pdf":
        found["pdf text"] = pdf_text(data)
        found["pdf text (no spaces)"] = "".join(found["pdf text"].split())
    if path.suffix in (".docx", ".xlsx"):
        with zipfile.ZipFile(io.BytesIO(data)) as docx:
            for member in docx.namelist():
                xml = docx.read(member).decode("utf-8", "replace")
                found[member] = xml
                found[f"{member} (text)"] = re.sub(r"<[^>]+>", "", xml)  # words split in runs
    found["digits"] = re.sub(r"\D", "", "".join(found.values()).translate(ASCII_DIGITS))
    return found


def leaks(path: Path, people: list[dict[str, str]]) -> list[str]:
    found = []
    for where, text in views(path).items():
        folded = " ".join(unicodedata.normalize("NFC", text).casefold().split())
        for person in people:
            for spelling in forbidden(person):
                needle = " ".join(unicodedata.normalize("NFC", spelling).casefold().split())
                if spelling in text or needle in folded:
                    found.append(f"{path.name} [{where}]: {spelling!r}")
    return found


@pytest.mark.parametrize("fmt", FORMATS)
def test_redacted_export_leaks_nothing_about_protected_people(
    db: Database, protected_event: dict[str, Any], tmp_path: Path, fmt: str
) -> None:
    files = export_event(db, protected_event["slug"], [fmt], out_dir=tmp_path / "out")
    assert files
    for path in files:
        assert leaks(path, PROTECTED) == []
        # Control: the search does find a consenting participant's name in the same file.
        text = " ".join(views(path).values())
        assert "Qadir Control Bakhsh" in text or (fmt == "csv" and "Qadir" in text), fmt


def test_the_checker_finds_what_an_unredacted_export_holds(
    db: Database, protected_event: dict[str, Any], tmp_path: Path
) -> None:
    """The leak search is not blind: contacts of a consenting person are found when present."""
    files = export_event(
        db, protected_event["slug"], FORMATS, out_dir=tmp_path / "all", unredacted=True
    )
    control = {"name": "Qadir Control Bakhsh", "phone": CONTROL["phone"], "id_number": "none-00000"}
    assert any(leaks(path, [control]) for path in files)
    for path in files:  # protected people stay out even of the unredacted files
        assert leaks(path, PROTECTED) == []


def test_protected_rows_really_are_in_the_database(
    db: Database, protected_event: dict[str, Any]
) -> None:
    """Guard against a vacuous pass: the people the exports must hide are all there."""
    names = {r[0] for r in db.execute("SELECT name FROM people WHERE protected = 1")}
    assert {unicodedata.normalize("NFC", p["name"]) for p in PROTECTED} <= names
    assert sqlite3.sqlite_version_info >= (3, 8)
