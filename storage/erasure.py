"""Erasure: a person taken out of an event (or all events), a note purged for good.

Soft deletes keep what was said; erasure is for when someone asks to be forgotten. A
person's check-ins and registrations go, the notes they spoke stay but lose their speaker,
and every text in scope (notes, their earlier versions, drafts, action items, agenda,
anything a later table holds) is scrubbed of their name, phone, e-mail and ID number.
Afterwards the file is vacuumed and its write-ahead log emptied, so the bytes are gone from
the `.db` and `-wal` files, not only from the screens. Erasure runs alone: it takes the
instance guard exclusively. Copies made earlier (backups, pre-upgrade and kept-aside
files) still hold the person: `copies_elsewhere` lists them, so the coordinator can deal
with them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from convener.storage.db.backup import database_path
from convener.storage.db.lock import InstanceLock, in_use_by
from convener.storage.errors import DatabaseError, NotFoundError
from convener.storage.events import get_event
from convener.storage.paths import default_backup_path
from convener.storage.rows import audit, one, tombstone
from convener.storage.text import counted, digits, name_key

if TYPE_CHECKING:
    from sqlite_utils import Database

PLACEHOLDER = "a participant"
CONTACT_PLACEHOLDER = "[contact removed]"
_SEPARATORS = r"[\s.\-()]*"
_DIGIT_FORMS = {str(d): f"[{d}{chr(0x660 + d)}{chr(0x6F0 + d)}]" for d in range(10)}
# Columns that hold ids or stamps, never text someone typed.
_NOT_TEXT = re.compile(r"(^id$|_id$|_at$|^device_id$|^slug$)")


@dataclass
class Erasure:
    """What an erasure did, for the message the coordinator reads."""

    name: str
    events: list[str] = field(default_factory=list)
    checkins: int = 0
    registrations: int = 0
    notes_unattributed: int = 0
    texts_scrubbed: int = 0
    person_deleted: bool = False
    elsewhere: list[str] = field(default_factory=list)
    copies: list[Path] = field(default_factory=list)

    def summary(self) -> str:
        where = ", ".join(self.events) or "no event"
        if self.elsewhere:
            kept = (
                f"they stay on the list of {counted(len(self.elsewhere), 'other event')} "
                f"({', '.join(self.elsewhere)}): erase them from all events to remove them there"
            )
        elif self.person_deleted:
            kept = "their contact details are gone from the database"
        else:
            kept = "they are still named where they were added by hand elsewhere"
        return (
            f"{self.name} was erased from {where}: {counted(self.registrations, 'registration')}, "
            f"{counted(self.checkins, 'check-in')}, "
            f"{counted(self.notes_unattributed, 'note')} no longer attributed, "
            f"{counted(self.texts_scrubbed, 'text')} scrubbed of their name; {kept}."
        )

    def copies_text(self) -> str:
        """The older copies that still hold the person, one per line (or a sentence)."""
        if not self.copies:
            return "No backup or other copy of this database was found beside it."
        listed = "\n".join(f"  {p}" for p in self.copies)
        return (
            "These copies were made before the erasure and still hold this person; "
            f"delete them too if they must be forgotten everywhere:\n{listed}"
        )


def copies_elsewhere(db_path: Path) -> list[Path]:
    """Backups and copies of the database lying beside it (made before any erasure)."""
    found: set[Path] = set()
    folder = default_backup_path(db_path).parent
    if folder.is_dir():
        found.update(folder.glob(f"{db_path.stem}-*.db"))
    for pattern in (".v*.bak", ".before-restore-*", ".corrupt-*"):
        found.update(db_path.parent.glob(f"{db_path.name}{pattern}"))
    return sorted(p for p in found if p.is_file())


def find_attendee(db: Database, event_id: str, ref: str) -> dict[str, Any]:
    """The person registered (or checked in) at the event named by id or by name."""
    rows = list(
        db.query(
            "SELECT DISTINCT p.* FROM people p WHERE p.id IN ("
            " SELECT person_id FROM registrations WHERE event_id = :e"
            " UNION SELECT person_id FROM checkins WHERE event_id = :e"
            " UNION SELECT speaker_id FROM notes WHERE event_id = :e)",
            {"e": event_id},
        )
    )
    by_id = [r for r in rows if r["id"] == ref]
    if by_id:
        return by_id[0]
    named = [r for r in rows if r["name_key"] == name_key(ref)]
    if len(named) == 1:
        return named[0]
    if not named:
        raise NotFoundError(f"nobody called {ref!r} is registered at this event")
    ids = ", ".join(r["id"] for r in named)
    raise NotFoundError(
        f"{len(named)} people called {ref!r} are registered at this event; "
        f"name one by its id ({ids})"
    )


def _resolve(db: Database, event_id: str, ref: str, *, all_events: bool) -> dict[str, Any]:
    """The person at the event; for all events, also someone already erased from this one."""
    try:
        return find_attendee(db, event_id, ref)
    except NotFoundError:
        person = one(db, "SELECT * FROM people WHERE id = ?", [ref]) if all_events else None
        if person is None:
            raise
        return person


def _digits_pattern(number: str, *, phone: bool) -> str | None:
    """A number as typed anywhere: any separators, Urdu digits; a phone number also with
    +92, 0092 or 0 before its last ten digits."""
    found = digits(number)
    if len(found) < 7:
        return None
    core = found[-10:] if phone and len(found) >= 10 else found
    body = _SEPARATORS.join(_DIGIT_FORMS[d] for d in core)
    if not phone:
        return rf"(?<!\d){body}(?!\d)"
    country = f"(?:\\+|00)?{_DIGIT_FORMS['9']}{_DIGIT_FORMS['2']}"
    zero = _DIGIT_FORMS["0"]
    return rf"(?<!\d)(?:{country}{_SEPARATORS}|{zero}{_SEPARATORS})?{body}(?!\d)"


def name_tokens(name: str) -> list[str]:
    """The words of a name, as erasure matches them (also for a merge, storage/sync)."""
    return [t for t in re.split(r"[\s\-.]+", unicodedata.normalize("NFC", name)) if t]


class Scrubber:
    """Replaces one person's name, phone, e-mail and ID number in free text."""

    def __init__(self, people: list[dict[str, Any]], others: set[str]) -> None:
        parts: list[str] = []
        contacts: list[str] = []
        for person in people:
            tokens = name_tokens(person.get("name") or "")
            if tokens:
                # Whole name: any case, spaced, hyphenated or joined ("GulBano", "Gul-Bano").
                parts.append(r"(?<!\w)" + r"[\s\-.]*".join(map(re.escape, tokens)) + r"(?!\w)")
            # Each name token of 3+ letters that no remaining person's name carries.
            for token in tokens:
                if len(token) >= 3 and token.casefold() not in others:
                    parts.append(rf"(?<!\w){re.escape(token)}(?!\w)")
            numbers = (
                _digits_pattern(person.get("phone") or "", phone=True),
                _digits_pattern(person.get("id_number") or "", phone=False),
            )
            contacts += [p for p in numbers if p]
            if person.get("email"):
                contacts.append(re.escape(person["email"]))
        # Longest first, so the whole name goes before any of its parts.
        parts.sort(key=len, reverse=True)
        self._name = re.compile("|".join(parts), re.IGNORECASE) if parts else None
        self._contacts = re.compile("|".join(contacts), re.IGNORECASE) if contacts else None

    def __call__(self, text: str) -> str:
        text = unicodedata.normalize("NFC", text)
        if self._contacts is not None:
            text = self._contacts.sub(CONTACT_PLACEHOLDER, text)
        if self._name is not None:
            text = self._name.sub(PLACEHOLDER, text)
        return text


def erase_person(
    db: Database, event_id: str, person_ref: str, *, all_events: bool = False
) -> Erasure:
    """Erase a person from the event (or from every event), then purge the file's bytes.

    Refused while another Convener has the database open: erasure rewrites the file.
    """
    guard = InstanceLock(database_path(db))
    holder = guard.acquire(exclusive=True)
    if holder is not None:
        raise DatabaseError(
            f"the database is open in {in_use_by(holder)}; erasure is done alone: "
            "close the other window, then erase"
        )
    try:
        event = get_event(db, event_id)
        person = _resolve(db, event["id"], person_ref, all_events=all_events)
        scope = [event["id"]]
        if all_events:
            scope += [r["id"] for r in db.query("SELECT id FROM events") if r["id"] != event["id"]]
        people = [person, *same_person_elsewhere(db, person)] if all_events else [person]
        elsewhere = [] if all_events else other_events(db, event["id"], person)
        with db.atomic():
            report = _erase(db, people, scope, all_events)
        report.elsewhere = elsewhere
        report.copies = copies_elsewhere(database_path(db))
    finally:
        guard.release()
    purge_free_space(db)
    return report


def _erase(
    db: Database, people: list[dict[str, Any]], scope: list[str], everywhere: bool
) -> Erasure:
    ids = [p["id"] for p in people]
    marks = ", ".join("?" * len(scope))
    report = Erasure(people[0]["name"] or "(no name)")
    report.events = [
        r["title"] for r in db.query(f"SELECT title FROM events WHERE id IN ({marks})", scope)
    ]
    others = {
        t.casefold()
        for other, pid in db.execute("SELECT name, id FROM people").fetchall()
        if pid not in ids
        for t in name_tokens(other or "")
    }
    scrub = Scrubber(people, others)
    for pid in ids:
        _unlink(db, pid, scope, marks, report)
    report.texts_scrubbed = _scrub_tables(db, scrub, scope, everywhere=everywhere)
    report.person_deleted = True
    for pid in ids:
        if _still_used(db, pid):
            report.person_deleted = False
            continue
        db.execute("DELETE FROM audit WHERE entity_id = ? OR detail LIKE ?", [pid, f"%{pid}%"])
        db.execute("DELETE FROM people WHERE id = ?", [pid])
    for event_id in scope:
        audit(db, "erase", "person", "", event_id, {"events": len(scope)})
    return report


def _unlink(db: Database, pid: str, scope: list[str], marks: str, report: Erasure) -> None:
    """Remove one person row's check-ins and registrations in scope, and its attributions."""
    checkin_ids = [
        r[0]
        for r in db.execute(
            f"SELECT id FROM checkins WHERE person_id = ? AND event_id IN ({marks})", [pid, *scope]
        ).fetchall()
    ]
    report.checkins += len(checkin_ids)
    # The audit trail names ids only, but those ids say where this person was: they go.
    db.execute(
        f"DELETE FROM audit WHERE (entity_id = ? OR detail LIKE ?) AND "
        f"(event_id IN ({marks}) OR event_id IS NULL)",
        [pid, f"%{pid}%", *scope],
    )
    for checkin in checkin_ids:
        db.execute("DELETE FROM audit WHERE entity_id = ?", [checkin])
    db.execute(f"DELETE FROM checkins WHERE person_id = ? AND event_id IN ({marks})", [pid, *scope])
    for event_id in scope:  # a merge from another laptop must never bring them back
        tombstone(db, "people", pid, event_id, "erased")
    report.registrations += db.execute(
        f"DELETE FROM registrations WHERE person_id = ? AND event_id IN ({marks})", [pid, *scope]
    ).rowcount
    report.notes_unattributed += db.execute(
        f"UPDATE notes SET speaker_id = NULL, speaker_text = '' "
        f"WHERE speaker_id = ? AND event_id IN ({marks})",
        [pid, *scope],
    ).rowcount
    db.execute(
        f"UPDATE drafts SET speaker_id = NULL WHERE speaker_id = ? AND event_id IN ({marks})",
        [pid, *scope],
    )
    db.execute(
        f"UPDATE action_items SET owner_person_id = NULL "
        f"WHERE owner_person_id = ? AND event_id IN ({marks})",
        [pid, *scope],
    )


def other_events(db: Database, event_id: str, person: dict[str, Any]) -> list[str]:
    """Titles of the other events whose lists carry this person (their row or a twin)."""
    ids = [person["id"], *(t["id"] for t in same_person_elsewhere(db, person))]
    marks = ", ".join("?" * len(ids))
    return [
        r["title"]
        for r in db.query(
            "SELECT DISTINCT e.title FROM events e JOIN registrations r ON r.event_id = e.id "
            f"WHERE r.person_id IN ({marks}) AND e.id != ? ORDER BY e.title",
            [*ids, event_id],
        )
    ]


def same_person_elsewhere(db: Database, person: dict[str, Any]) -> list[dict[str, Any]]:
    """Other people rows that are this person: same name, and no phone, ID number or e-mail
    that says otherwise (each event's list may carry its own row for them)."""
    twins = []
    for row in db.query(
        "SELECT * FROM people WHERE name_key = ? AND id != ?", [person["name_key"], person["id"]]
    ):
        clash = any(
            row[f] and person[f] and digits(row[f]) != digits(person[f])
            for f in ("phone", "id_number")
        ) or (row["email"] and person["email"] and row["email"].lower() != person["email"].lower())
        if not clash:
            twins.append(row)
    return twins


def _still_used(db: Database, pid: str) -> bool:
    for table, column in (
        ("registrations", "person_id"),
        ("checkins", "person_id"),
        ("notes", "speaker_id"),
        ("drafts", "speaker_id"),
        ("action_items", "owner_person_id"),
    ):
        if one(db, f"SELECT 1 AS x FROM {table} WHERE {column} = ?", [pid]):
            return True
    return False


def _scrub_tables(db: Database, scrub: Scrubber, scope: list[str], *, everywhere: bool) -> int:
    """Scrub every text column of every row in scope, in tables known or added later."""
    changed = 0
    marks = ", ".join("?" * len(scope))
    for table in db.table_names():
        if table.startswith(("sqlite_", "_")) or table in ("people", "settings"):
            continue
        columns = [c.name for c in db[table].columns if not _NOT_TEXT.search(c.name)]
        names = {c.name for c in db[table].columns}
        if not columns:
            continue
        if table == "events":
            where, params = f"id IN ({marks})", list(scope)
        elif "event_id" in names:
            where, params = f"event_id IN ({marks})", list(scope)
        elif "note_id" in names:
            where = f"note_id IN (SELECT id FROM notes WHERE event_id IN ({marks}))"
            params = list(scope)
        elif everywhere:
            where, params = "1", []
        else:
            continue
        selected = ", ".join(f'"{c}"' for c in columns)
        rows = db.execute(
            f'SELECT rowid, {selected} FROM "{table}" WHERE {where}', params
        ).fetchall()
        for rowid, *values in rows:
            scrubbed = {
                col: scrub(value)
                for col, value in zip(columns, values, strict=True)
                if isinstance(value, str)
            }
            updates = {
                col: new for col, new in scrubbed.items() if new != values[columns.index(col)]
            }
            if updates:
                sets = ", ".join(f'"{c}" = ?' for c in updates)
                db.execute(
                    f'UPDATE "{table}" SET {sets} WHERE rowid = ?', [*updates.values(), rowid]
                )
                changed += 1
    return changed


def purge_note(db: Database, note_id: str) -> None:
    """Remove a note for good: its text, earlier versions, draft and audit trail.

    Action items taken from it stay, unlinked. Soft delete (`delete_note`) stays the
    default; this is the step further, for text that must not remain anywhere.
    """
    note = one(db, "SELECT id, event_id FROM notes WHERE id = ?", [note_id])
    if note is None:
        raise NotFoundError(f"no note {note_id}")
    with db.atomic():
        db.execute("DELETE FROM note_revisions WHERE note_id = ?", [note_id])
        db.execute("DELETE FROM drafts WHERE note_id = ?", [note_id])
        db.execute("UPDATE action_items SET note_id = NULL WHERE note_id = ?", [note_id])
        db.execute("DELETE FROM audit WHERE entity_id = ?", [note_id])
        db.execute("DELETE FROM notes WHERE id = ?", [note_id])
        tombstone(db, "notes", note_id, note["event_id"], "purged")
        audit(db, "purge", "note", "", note["event_id"])
    checkpoint_quietly(db)


def checkpoint_quietly(db: Database) -> bool:
    """Fold the WAL into the file and empty it; False if a reader kept part of it."""
    busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return not busy


def purge_free_space(db: Database) -> None:
    """Rewrite the file (VACUUM) and empty the WAL: freed pages and old page images go.

    `secure_delete` already zeroes deleted rows; VACUUM also rebuilds index pages and drops
    free pages, and the checkpoint removes the old page versions the WAL still holds.
    """
    checkpoint_quietly(db)
    db.execute("VACUUM")
    checkpoint_quietly(db)
