"""What `convener hq serve` shows: a copy of the warehouse's public tables, and its metadata.

Datasette is given this copy, never the warehouse: the pseudonymous rows and the file keys
are not in the file it opens, so no URL, facet or query can reach them. The copy has no
UUIDs (events are numbered; laptops shown by the first 8 characters of their id), codes
sit beside their labels from the taxonomy, and named attendees are left out unless the
head-office setting `person_events` is on, since a table of names and events lists one
person's events. Custom SQL is off (`default_allow_sql`, `allow_sql`); the canned queries
below are all it runs.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any

from convener.storage.db.driver import sqlite_connect
from convener.storage.hq.warehouse import PERSON_EVENTS, open_warehouse, setting
from convener.storage.taxonomy import load_taxonomy

DATABASE = "headoffice"  # Datasette names the database after the file
SERVED_SCHEMA = """
CREATE TABLE events (
  id INTEGER PRIMARY KEY, title TEXT, slug TEXT, kind TEXT, date TEXT, month TEXT,
  end_date TEXT, city TEXT, district TEXT, province TEXT, country TEXT, status TEXT,
  funder TEXT, project TEXT, participants INTEGER, laptops INTEGER
);
CREATE TABLE attendance (
  id INTEGER PRIMARY KEY, event INTEGER REFERENCES events(id), month TEXT,
  event_district TEXT, dimension TEXT, code TEXT, label TEXT, participants INTEGER
);
CREATE TABLE commitments (
  id INTEGER PRIMARY KEY, event INTEGER REFERENCES events(id), owner TEXT, commitment TEXT,
  due_date TEXT, status TEXT
);
CREATE TABLE notes (
  id INTEGER PRIMARY KEY, event INTEGER REFERENCES events(id), noted_at TEXT, speaker TEXT,
  kind TEXT, kind_label TEXT, text TEXT, addressed_to TEXT, agenda_title TEXT
);
CREATE TABLE files (
  id INTEGER PRIMARY KEY, event INTEGER REFERENCES events(id), name TEXT, sha256 TEXT,
  laptop TEXT, exported_at TEXT, ingested_at TEXT, in_use INTEGER
);
CREATE TABLE people_reached (
  id INTEGER PRIMARY KEY, participations INTEGER, named_people INTEGER,
  unnamed_participations INTEGER, people_reached INTEGER
);
CREATE TABLE codes (
  id INTEGER PRIMARY KEY, vocabulary TEXT, code TEXT, label TEXT
);
"""
NAMED_SCHEMA = """
CREATE TABLE named_attendees (
  id INTEGER PRIMARY KEY, event INTEGER REFERENCES events(id), name TEXT, designation TEXT,
  organisation TEXT, stakeholder_group TEXT, sex TEXT, age_band TEXT, district TEXT,
  attended INTEGER
);
"""
DIMENSION_LABELS = {
    "total": "Participants",
    "expected": "Expected",
    "expected_attended": "Expected who came",
    "walk_ins": "Walk-ins",
    "sex": "Sex",
    "age_band": "Age band",
    "disability": "Disability",
    "stakeholder_group": "Stakeholder group",
    "district": "Attendee's district",
}


def build_served(warehouse: Path, out: Path) -> bool:
    """Write the served copy to `out`; True if it includes named attendees (setting on)."""
    source = open_warehouse(warehouse, create=False)
    target = sqlite_connect(str(out))
    try:
        with_names = setting(source, PERSON_EVENTS) == "on"
        target.executescript(SERVED_SCHEMA + (NAMED_SCHEMA if with_names else ""))
        _copy(source, target, with_names)
        target.commit()
    finally:
        target.close()
        source.close()
    return with_names


def _copy(source: sqlite3.Connection, target: sqlite3.Connection, with_names: bool) -> None:
    tax = load_taxonomy()
    numbers: dict[str, int] = {}
    for n, row in enumerate(
        source.execute(
            "SELECT e.event_id, title, slug, kind, date, month, end_date, city, district,"
            " province, country, status, funder, project,"
            " (SELECT count FROM tallies t WHERE t.event_id = e.event_id"
            "  AND t.dimension = 'total'), laptops FROM events e ORDER BY date, slug"
        ),
        start=1,
    ):
        numbers[row[0]] = n
        target.execute(f"INSERT INTO events VALUES ({', '.join('?' * 16)})", [n, *row[1:]])
    target.executemany(
        "INSERT INTO attendance (event, month, event_district, dimension, code, label,"
        " participants) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            [numbers[e], month, district, DIMENSION_LABELS.get(dim, dim), code, label, count]
            for e, month, district, dim, code, label, count in source.execute(
                "SELECT t.event_id, e.month, e.district, t.dimension, t.code, t.label, t.count"
                " FROM tallies t JOIN events e ON e.event_id = t.event_id"
                " ORDER BY e.date, e.slug, t.dimension, t.position"
            )
        ),
    )
    target.executemany(
        "INSERT INTO commitments (event, owner, commitment, due_date, status)"
        " VALUES (?, ?, ?, ?, ?)",
        (
            [numbers[e], *rest]
            for e, *rest in source.execute(
                "SELECT event_id, who, what, due_date, status FROM actions ORDER BY due_date"
            )
        ),
    )
    kinds = tax.note_kinds
    target.executemany(
        "INSERT INTO notes (event, noted_at, speaker, kind, kind_label, text, addressed_to,"
        " agenda_title) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            [numbers[e], at, speaker, kind, kinds.label(kind), text, to, agenda]
            for e, at, speaker, kind, text, to, agenda in source.execute(
                "SELECT event_id, noted_at, speaker, kind, text, addressed_to, agenda_title"
                " FROM points ORDER BY event_id, noted_at"
            )
        ),
    )
    in_use = {
        sha for (files,) in source.execute("SELECT files FROM events") for sha in files.split(",")
    }
    target.executemany(
        "INSERT INTO files (event, name, sha256, laptop, exported_at, ingested_at, in_use)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            [numbers.get(e), name, sha, device[:8], exported, ingested, int(sha in in_use)]
            for e, name, sha, device, exported, ingested in source.execute(
                "SELECT event_id, name, sha256, device_id, exported_at, ingested_at"
                " FROM wh_files ORDER BY ingested_at, name"
            )
        ),
    )
    target.execute("INSERT INTO people_reached VALUES (1, ?, ?, ?, ?)", _reached(source))
    target.executemany(
        "INSERT INTO codes (vocabulary, code, label) VALUES (?, ?, ?)",
        (
            [name, term.code, term.label]
            for name, vocab in (
                ("sex", tax.genders),
                ("stakeholder_group", tax.stakeholder_groups),
                ("age_band", tax.age_bands),
                ("note_kind", tax.note_kinds),
            )
            for term in vocab.terms
        ),
    )
    if with_names:
        _copy_named(source, target, numbers, tax)


def _reached(source: sqlite3.Connection) -> list[int]:
    """Participations, and people reached: named people (consented at every event they are
    linked across) counted once, everyone else once per event (they cannot be linked)."""
    total = source.execute(
        "SELECT coalesce(sum(count), 0) FROM tallies WHERE dimension = 'total'"
    ).fetchone()[0]
    named_attended, named_people = source.execute(
        "SELECT count(*), count(DISTINCT link_key) FROM named WHERE attended = 1"
    ).fetchone()
    unnamed = total - named_attended
    return [total, named_people, unnamed, named_people + unnamed]


def _copy_named(
    source: sqlite3.Connection, target: sqlite3.Connection, numbers: dict[str, int], tax: Any
) -> None:
    target.executemany(
        "INSERT INTO named_attendees (event, name, designation, organisation,"
        " stakeholder_group, sex, age_band, district, attended) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            [numbers[e], name, designation, org, tax.stakeholder_groups.label(group),
             tax.genders.label(sex), tax.age_bands.label(age), district, attended]
            for e, name, designation, org, group, sex, age, district, attended in source.execute(
                "SELECT event_id, name, designation, organisation, stakeholder_group, sex,"
                " age_band, district, attended FROM named ORDER BY event_id, name"
            )
        ),
    )  # fmt: skip


CANNED = {
    "attendance_by_month": {
        "title": "Attendance by sex, stakeholder group and district, per month",
        "description": "Participants at the events of each month, from each event's own report.",
        "sql": "SELECT month, dimension, label, code, sum(participants) AS participants,"
        " count(DISTINCT event) AS events FROM attendance"
        " WHERE dimension IN ('Sex', 'Stakeholder group', \"Attendee's district\", 'Participants')"
        " GROUP BY month, dimension, label, code ORDER BY month, dimension, participants DESC",
    },
    "events_per_district": {
        "title": "Events per district",
        "sql": "SELECT district, province, count(*) AS events, sum(participants) AS participants"
        " FROM events GROUP BY district, province ORDER BY events DESC, district",
    },
    "open_commitments": {
        "title": "Open commitments by owner and due date",
        "description": "Action items not yet done or dropped, across events.",
        "sql": "SELECT c.owner, c.due_date, c.commitment, c.status, e.title AS event, e.date"
        " FROM commitments c JOIN events e ON e.id = c.event"
        " WHERE c.status IN ('open', 'in_progress') ORDER BY c.owner, c.due_date",
    },
    "people_reached": {
        "title": "People reached",
        "description": "Named people who consented at every event are counted once; everyone"
        " else once per event.",
        "sql": "SELECT participations, named_people, unnamed_participations, people_reached"
        " FROM people_reached",
    },
}


def metadata(with_names: bool) -> dict[str, Any]:
    """Datasette metadata: labels, descriptions, canned queries, custom SQL denied."""
    tables: dict[str, Any] = {
        "events": {
            "label_column": "title",
            "description": "One row per event, from the newest file of each of its laptops.",
        },
        "attendance": {
            "description": "Each event's own report numbers: participants by sex, age band,"
            " disability, stakeholder group and the attendee's district (labels beside codes).",
            "columns": {
                "event": "The event (its title is shown)",
                "month": "Month of the event's start date",
                "event_district": "District where the event was held",
                "dimension": "What is counted: Sex, Age band, Disability, Stakeholder group,"
                " Attendee's district, or a total",
                "code": "Taxonomy code (see the codes table); blank for Not recorded",
                "label": "The code's label, as in the report",
                "participants": "People who attended, as the event's report counts them",
            },
            "facets": ["dimension", "month"],
        },
        "commitments": {"description": "Action items (commitments), as in the public reports."},
        "notes": {"description": "Public notes, scrubbed and attributed as in public reports."},
        "files": {"description": "Each loaded file, its SHA-256, and whether it is in use."},
        "codes": {"description": "The codes of the taxonomy and their labels."},
        "people_reached": {"description": "Unique people reached (see the canned query)."},
    }
    if with_names:
        tables["named_attendees"] = {
            "description": "People who agreed to be named (the person_events setting is on)."
        }
    return {
        "title": "Convener head office",
        "description_html": "Events, attendance and commitments from Convener's head-office"
        ' files. Only public-level content; custom SQL is off. <a href="/dashboard/index.html">'
        "Dashboard</a>: attendance by sex, group and district per month, events per district,"
        " open commitments.",
        "allow_sql": False,
        "databases": {DATABASE: {"allow_sql": False, "tables": tables, "queries": CANNED}},
    }


def datasette_command(
    served: Path, metadata_file: Path, host: str, port: int, dashboard: Path | None = None
) -> list[str]:
    """`python -m datasette` on the served copy, immutable, with custom SQL denied; the
    dashboard page (storage/hq/dashboard.py) is a static file under /dashboard/."""
    pages = ["--static", f"dashboard:{dashboard}"] if dashboard else []
    return [
        sys.executable, "-m", "datasette", "serve", "--immutable", str(served),
        "--metadata", str(metadata_file), "--host", host, "--port", str(port), *pages,
        "--setting", "default_allow_sql", "off",
        "--setting", "allow_download", "off",
        "--setting", "suggest_facets", "off",
    ]  # fmt: skip
