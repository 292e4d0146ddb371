"""Numbered schema migrations, applied at open and recorded in the database.

Each migration runs in its own transaction: a failure rolls it back and leaves the data as
it was. Before the first pending migration runs on a database that holds data, a backup is
taken next to it. Add migrations at the end; never edit one that has shipped.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from convener.storage.clock import new_id, utc_now
from convener.storage.db.backup import backup_before_migration
from convener.storage.db.files import APPLICATION_ID
from convener.storage.db.raw import Queryable
from convener.storage.errors import NewerSchemaError

if TYPE_CHECKING:
    from sqlite_utils import Database

Migration = Callable[["Database"], None]

COMMON = {"id": str, "created_at": str, "updated_at": str, "device_id": str}


def _table(db: Database, name: str, columns: dict[str, type], **kwargs: object) -> None:
    """Create a table with the columns every row carries (UUID id, stamps, device)."""
    db[name].create({**COMMON, **columns}, pk="id", not_null={"created_at", "updated_at"}, **kwargs)  # type: ignore[union-attr, arg-type]


def m001_initial(db: Database) -> None:
    """Events, agenda, people, registrations, check-ins, notes, actions, drafts, audit."""
    db["settings"].create({"key": str, "value": str}, pk="key")  # type: ignore[union-attr]
    _table(
        db,
        "events",
        {
            "slug": str,
            "title": str,
            "theme": str,
            "kind": str,
            "date": str,
            "start_time": str,
            "end_time": str,
            "venue": str,
            "city": str,
            "district": str,
            "province": str,
            "country": str,
            "organisers": str,
            "host": str,
            "rapporteur": str,
            "objectives": str,
            "language": str,
            "status": str,
            "started_at": str,
            "ended_at": str,
            "attribution_default": str,
        },
        defaults={"status": "planned", "attribution_default": "named", "organisers": "[]"},
    )
    db.execute("CREATE UNIQUE INDEX events_slug ON events(slug)")
    _table(
        db,
        "agenda_items",
        {
            "event_id": str,
            "position": int,
            "title": str,
            "starts_at": str,
            "presenter": str,
        },
        foreign_keys=[("event_id", "events", "id")],
    )
    _table(
        db,
        "people",
        {
            "name": str,
            "name_key": str,
            "designation": str,
            "organisation": str,
            "stakeholder_group": str,
            "gender": str,
            "age_band": str,
            "disability": str,
            "district": str,
            "phone": str,
            "email": str,
            "id_number": str,
            "consent_name": int,
            "consent_photo": int,
            "protected": int,
            "vip": int,
            "sample": int,
        },
        defaults={"consent_name": 0, "consent_photo": 0, "protected": 0, "vip": 0, "sample": 0},
    )
    db.execute("CREATE INDEX people_name_key ON people(name_key)")
    _table(
        db,
        "registrations",
        {
            "event_id": str,
            "person_id": str,
            "source": str,
        },
        foreign_keys=[("event_id", "events", "id"), ("person_id", "people", "id")],
    )
    db.execute("CREATE UNIQUE INDEX registrations_unique ON registrations(event_id, person_id)")
    _table(
        db,
        "checkins",
        {
            "event_id": str,
            "person_id": str,
            "checked_in_at": str,
            "undone_at": str,
            "undone_device_id": str,
        },
        foreign_keys=[("event_id", "events", "id"), ("person_id", "people", "id")],
    )
    db.execute(
        "CREATE UNIQUE INDEX checkins_one_active ON checkins(event_id, person_id)"
        " WHERE undone_at IS NULL"
    )
    _table(
        db,
        "notes",
        {
            "event_id": str,
            "noted_at": str,
            "elapsed_seconds": int,
            "speaker_id": str,
            "speaker_text": str,
            "attribution": str,
            "kind": str,
            "text": str,
            "tags": str,
            "agenda_item_id": str,
            "addressed_to": str,
            "deleted_at": str,
        },
        foreign_keys=[
            ("event_id", "events", "id"),
            ("speaker_id", "people", "id"),
            ("agenda_item_id", "agenda_items", "id"),
        ],
        defaults={"tags": "[]"},
    )
    db.execute("CREATE INDEX notes_event ON notes(event_id, noted_at)")
    _table(
        db,
        "note_revisions",
        {
            "note_id": str,
            "previous": str,
        },
        foreign_keys=[("note_id", "notes", "id")],
    )
    _table(
        db,
        "action_items",
        {
            "event_id": str,
            "note_id": str,
            "what": str,
            "owner_person_id": str,
            "owner_text": str,
            "due_date": str,
            "status": str,
        },
        foreign_keys=[
            ("event_id", "events", "id"),
            ("note_id", "notes", "id"),
            ("owner_person_id", "people", "id"),
        ],
        defaults={"status": "open"},
    )
    _table(
        db,
        "drafts",
        {
            "event_id": str,
            "speaker_id": str,
            "speaker_text": str,
            "kind": str,
            "attribution": str,
            "text": str,
            "tags": str,
            "agenda_item_id": str,
            "note_id": str,
        },
        foreign_keys=[("event_id", "events", "id")],
    )
    db.execute("CREATE UNIQUE INDEX drafts_event ON drafts(event_id)")
    _table(
        db,
        "audit",
        {
            "action": str,
            "entity": str,
            "entity_id": str,
            "event_id": str,
            "detail": str,
        },
    )
    for child, parent in (
        ("agenda_items", "event_id"),
        ("registrations", "event_id"),
        ("checkins", "event_id"),
        ("action_items", "event_id"),
    ):
        db.execute(f"CREATE INDEX {child}_{parent} ON {child}({parent})")


CONSENT_STATES = ("yes", "no", "not_asked")


def m002_consent_per_event(db: Database) -> None:
    """Consent moves to the registration (per event, three states); lists keep their own refs.

    Today's `people.consent_name` becomes `registrations.consent`, on the evidence there is:
    - 1 -> "yes".
    - 0 -> "no" when the audit trail shows it was set in the app (an `update` of the person
      listing `consent_name`), or when the person came from a file (registered as expected,
      no `register` audit row, which only the app writes) into an event where someone else
      from a file has 1: that file had a consent column, so its 0 was an answer.
    - any other 0 -> "not_asked": a file without a consent column, an unticked box, or a
      protected person (never asked). Nobody is named, or said to have declined, on a guess.
    `people.consent_name` stays as a legacy column that nothing reads for decisions.
    """
    for column, kind, default in (
        ("consent", "TEXT NOT NULL", "'not_asked'"),
        ("consent_basis", "TEXT", None),
        ("consent_source", "TEXT", None),
        ("consent_at", "TEXT", None),
        ("list_ref", "TEXT", None),
    ):
        tail = f" DEFAULT {default}" if default else ""
        db.execute(f"ALTER TABLE registrations ADD COLUMN {column} {kind}{tail}")
    db.execute("ALTER TABLE people ADD COLUMN group_guessed INTEGER NOT NULL DEFAULT 0")

    def audited(sql: str) -> set[str]:
        return {str(row[0]) for row in db.execute(sql).fetchall()}

    set_in_app = audited(
        "SELECT entity_id FROM audit WHERE action = 'update' AND entity = 'person'"
        " AND detail LIKE '%consent_name%'"
    )
    made_in_app = audited(
        "SELECT entity_id FROM audit WHERE action = 'register' AND entity = 'person'"
    )
    rows = db.execute(
        "SELECT r.id, r.event_id, r.person_id, r.source, p.consent_name, p.protected,"
        " p.created_at FROM registrations r JOIN people p ON p.id = r.person_id"
    ).fetchall()

    def from_file(person_id: str, source: str | None) -> bool:
        return source != "walk_in" and person_id not in made_in_app and person_id not in set_in_app

    file_had_column = {
        event_id
        for _, event_id, pid, source, consent, *_ in rows
        if consent and from_file(pid, source)
    }
    for reg_id, event_id, pid, source, consent, protected, created in rows:
        if protected:
            continue
        if consent:
            state, origin = "yes", "file" if from_file(pid, source) else "app"
        elif pid in set_in_app:
            state, origin = "no", "app"
        elif from_file(pid, source) and event_id in file_had_column:
            state, origin = "no", "file"
        else:
            continue
        basis = "registration_form" if origin == "file" else None
        db.execute(
            "UPDATE registrations SET consent = ?, consent_source = ?, consent_basis = ?,"
            " consent_at = ? WHERE id = ?",
            [state, origin, basis, created, reg_id],
        )
    db.execute("CREATE INDEX registrations_list_ref ON registrations(event_id, list_ref)")


def m003_application_id(db: Database) -> None:
    """Stamp the file as Convener's, so `--db` on another program's file is refused.

    Files made before this are recognised by their `_migrations` record of migration 1
    (convener.storage.db.files), and stamped here on their first open.
    """
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")


REPORT_EVENT_COLUMNS = (
    "funder",
    "project",
    "end_date",
    "prepared_by",
    "background",
    "conclusions",
    "paper",
    "utc_offset",
)


def m004_report_fields(db: Database) -> None:
    """What a donor report needs: funder, project, end date, author, background, way forward,
    paper size and the event's UTC offset; and which question a note answers."""
    for column in REPORT_EVENT_COLUMNS:
        db.execute(f"ALTER TABLE events ADD COLUMN {column} TEXT")
    db.execute("ALTER TABLE notes ADD COLUMN answers_note_id TEXT REFERENCES notes(id)")


def m005_hlc(db: Database) -> None:
    """Hybrid logical clock stamps (storage/hlc.py) on notes, edits and check-ins, backfilled
    from their wall times."""
    for table, column in (
        ("notes", "noted_at"),
        ("note_revisions", "created_at"),
        ("checkins", "checked_in_at"),
    ):
        db.execute(f"ALTER TABLE {table} ADD COLUMN hlc TEXT")
        seen: dict[tuple[str, str], int] = {}
        rows = db.execute(
            f"SELECT rowid, {column}, coalesce(device_id, '') FROM {table} ORDER BY {column}, rowid"
        ).fetchall()
        for rowid, at, device in rows:
            if not at:
                continue
            counter = seen[(at, device)] = seen.get((at, device), -1) + 1
            hlc = backfill_stamp(at, device or "unknown", counter)
            db.execute(f"UPDATE {table} SET hlc = ? WHERE rowid = ?", [hlc, rowid])
    db.execute("CREATE INDEX notes_event_hlc ON notes(event_id, hlc)")
    # events.utc_offset came with migration 4 (the report's fields).


def backfill_stamp(at: str, device: str, counter: int) -> str:
    """`storage.hlc.Stamp.from_utc(at, device, counter)` as text, written out here: the
    database layer imports only the base modules (tests/unit/test_hlc.py parses these)."""
    moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return f"{round(moment.timestamp() * 1000):015d}-{counter:05d}-{device}"


SYNCED_TABLES = (
    "events",
    "agenda_items",
    "people",
    "registrations",
    "checkins",
    "notes",
    "action_items",
)


def m006_sync(db: Database) -> None:
    """Several laptops at one event (docs/sync.md): each shared row carries the HLC stamp of
    its last change (`sync_hlc`), a note's earlier version says which version it replaced
    (`replaced_hlc`) and whether a merge kept it (`kept_by`), and deletions leave tombstones."""
    for table in SYNCED_TABLES:
        db.execute(f"ALTER TABLE {table} ADD COLUMN sync_hlc TEXT")
    db.execute("ALTER TABLE note_revisions ADD COLUMN replaced_hlc TEXT")
    db.execute("ALTER TABLE note_revisions ADD COLUMN kept_by TEXT")
    db.execute(
        "CREATE TABLE sync_tombstones (id TEXT PRIMARY KEY, table_name TEXT NOT NULL,"
        " row_id TEXT NOT NULL, event_id TEXT, reason TEXT, hlc TEXT, created_at TEXT NOT NULL)"
    )
    db.execute("CREATE INDEX sync_tombstones_event ON sync_tombstones(event_id)")


def m007_drafts_per_window(db: Database) -> None:
    """Drafts kept per (event, device, screen, window): two windows on one database each
    keep their own, and a window that died leaves its draft for the next one to offer.
    Drafts from before are nobody's (window ''), so the next window offers them."""
    db.execute("ALTER TABLE drafts ADD COLUMN screen TEXT NOT NULL DEFAULT 'notes'")
    db.execute("ALTER TABLE drafts ADD COLUMN window_id TEXT NOT NULL DEFAULT ''")
    db.execute("DROP INDEX IF EXISTS drafts_event")
    db.execute("CREATE UNIQUE INDEX drafts_key ON drafts(event_id, device_id, screen, window_id)")


# A new event gets its head-office secret as it is inserted, however it is inserted (the
# app, an event file, a clone from another laptop keeps the one it brings).
HQ_SECRET_TRIGGER = """
CREATE TRIGGER events_hq_secret AFTER INSERT ON events WHEN NEW.hq_secret IS NULL
BEGIN
  UPDATE events SET hq_secret = lower(hex(randomblob(32))) WHERE id = NEW.id;
END
"""


def m008_hq_secret(db: Database) -> None:
    """A random secret per event (docs/hq.md): the key of the pseudonyms in head-office files.

    It travels with the event to every laptop that works on it, so two door laptops give a
    person the same pseudonyms, and it is never written into a head-office file, so head
    office cannot link one person's pseudonyms across dimensions. Existing events get one.
    """
    db.execute("ALTER TABLE events ADD COLUMN hq_secret TEXT")
    for (event_id,) in db.execute("SELECT id FROM events").fetchall():
        db.execute(
            "UPDATE events SET hq_secret = ? WHERE id = ?", [secrets.token_hex(32), event_id]
        )
    db.execute(HQ_SECRET_TRIGGER)


MIGRATIONS: tuple[tuple[int, str, Migration], ...] = (
    (1, "initial", m001_initial),
    (2, "consent per event", m002_consent_per_event),
    (3, "application_id", m003_application_id),
    (4, "report_fields", m004_report_fields),
    (5, "hybrid logical clock", m005_hlc),
    (6, "sync between laptops", m006_sync),
    (7, "drafts per window", m007_drafts_per_window),
    (8, "head-office secret per event", m008_hq_secret),
)
LATEST = MIGRATIONS[-1][0]


def current_version(db: Queryable) -> int:
    """The schema version recorded in the database (0 for a new file)."""
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def is_current(db: Queryable) -> bool:
    """True when the schema is exactly this version's: no migration to run, none too new."""
    return current_version(db) == MIGRATIONS[-1][0]


def migrate(db: Database, migrations: tuple[tuple[int, str, Migration], ...] = MIGRATIONS) -> int:
    """Apply pending migrations in order; return the resulting version."""
    version = current_version(db)
    latest = migrations[-1][0]
    if version > latest:
        raise NewerSchemaError(version, latest)
    pending = [m for m in migrations if m[0] > version]
    if not pending:
        return version
    if version > 0:
        backup_before_migration(db, version)
    if "_migrations" not in db.table_names():
        db["_migrations"].create(  # type: ignore[union-attr]
            {"version": int, "name": str, "applied_at": str}, pk="version"
        )
    for number, name, step in pending:
        with db.atomic():
            step(db)
            db.execute(
                "INSERT INTO _migrations(version, name, applied_at) VALUES (?, ?, ?)",
                [number, name, utc_now()],
            )
            db.execute(f"PRAGMA user_version={number}")
    _ensure_device_id(db)
    return pending[-1][0]


def _ensure_device_id(db: Database) -> None:
    with db.atomic():
        db.execute("INSERT OR IGNORE INTO settings(key, value) VALUES ('device_id', ?)", [new_id()])


def device_id(db: Database) -> str:
    """The id of this database's device, stamped on every row it writes."""
    row = db.execute("SELECT value FROM settings WHERE key = 'device_id'").fetchone()
    return str(row[0]) if row else "unknown"
