"""The printed sign-in sheet: the expected list on paper, for the door and for the donor.

When a laptop fails, or a donor wants signatures as means of verification, people sign
against their printed name. The sheet lists the people expected (never a protected person:
a survivor's name on a sheet passed round a room is exactly the leak Convener prevents) in
name order, with organisation, sex and a blank signature column, then blank rows for
walk-ins. An event without a list gets a blank sheet. It is an outline like the report, so
the PDF and DOCX renderers lay it out.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from convener.storage.attendees import ATTENDEE_QUERY
from convener.storage.events import get_event
from convener.storage.reports.export import file_stem, write_files
from convener.storage.reports.formats import BY_NAME
from convener.storage.reports.outline import Heading, Outline, Paragraph, Table
from convener.storage.reports.redaction import Scrubber
from convener.storage.reports.wording import date_span
from convener.storage.taxonomy import load_taxonomy
from convener.storage.text import name_key

if TYPE_CHECKING:
    from sqlite_utils import Database

HEADER = ("No.", "Name", "Organisation", "Sex", "Signature")
BLANK_SHEET_ROWS = 25
SUFFIX = "-signin-sheet"


def walk_in_rows(expected: int) -> int:
    """Room for walk-ins: a fifth of the list, at least ten rows."""
    return max(10, expected // 5)


def sheet_outline(db: Database, event_ref: str) -> Outline:
    """The sign-in sheet of an event as an outline."""
    tax = load_taxonomy()
    event = get_event(db, event_ref)
    scrub = Scrubber(r["name"] for r in db.query("SELECT name FROM people WHERE protected = 1"))
    people = [
        p
        for p in db.query(ATTENDEE_QUERY, [event["id"]])
        if p.get("source") != "walk_in" and not p.get("protected")
    ]
    people.sort(key=lambda p: name_key(p["name"]))
    rows = tuple(
        (str(n), p["name"], scrub(p.get("organisation")), tax.genders.label(p.get("gender")), "")
        for n, p in enumerate(people, 1)
    )
    place = ", ".join(x for x in (event.get("venue"), event.get("city")) if x)
    when = date_span(event.get("date"), event.get("end_date"))
    blocks = (
        Heading(event["title"], 0),
        Paragraph(
            (
                ("Sign-in sheet", "b"),
                (f" · {when}" if when else "", ""),
                (f" · {place}" if place else "", ""),
            )
        ),
        Paragraph.plain(
            "Please sign against your name. If your name is not listed, write it with your "
            "organisation on a blank row at the end."
        ),
        Table(
            HEADER,
            rows,
            numeric=(0,),
            blank_rows=walk_in_rows(len(rows)) if rows else BLANK_SHEET_ROWS,
            tall=True,
        ),
    )
    country = event.get("country")
    return Outline(
        title=f"Sign-in sheet: {event['title']}",
        blocks=blocks,
        header=event["title"] + (f" · {event['funder']}" if event.get("funder") else ""),
        author="; ".join(event.get("organisers") or []),
        paper=event.get("paper") or tax.paper_for(country),
    )


def export_sheet(db: Database, event_ref: str, *, out_dir: Path | None = None) -> list[Path]:
    """Write the sign-in sheet as PDF and DOCX; returns their paths."""
    outline = sheet_outline(db, event_ref)
    slug = get_event(db, event_ref)["slug"]
    stem = file_stem(slug) + SUFFIX
    # Through the registry: the PDF and Word libraries load only when a sheet is written.
    files = [(f"{stem}.{fmt}", BY_NAME[fmt].load()(outline)) for fmt in ("pdf", "docx")]
    return write_files(slug, files, out_dir)
