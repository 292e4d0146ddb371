"""The attendance sheet as CSV, for the spreadsheet every donor asks for.

UTF-8 with a byte-order mark so Excel shows Urdu names correctly, and every cell that a
spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return) is prefixed
with `'`. Everyone who checked in has a row, so the sheet adds up to the reported total;
people who may not be named appear as "(name withheld)" with no identifying details.
Check-in times are the event's local time, and the header says which (`UTC+05:00`).
"""

from __future__ import annotations

import csv
import io

from convener.storage.reports.model import Attendee, Summary

COLUMNS = (
    "name",
    "designation",
    "organisation",
    "stakeholder_group",
    "gender",
    "district",
    "checked_in_at",
    "source",
)
CONTACT_COLUMNS = ("phone", "email")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """A cell a spreadsheet shows as text instead of evaluating (`=HYPERLINK(...)`)."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def _row(a: Attendee, contacts: bool) -> list[str]:
    row = [
        a.name,
        a.designation,
        a.organisation,
        a.group_label,
        a.sex_label,
        a.district,
        a.checked_in_local,
        a.source_label,
    ]
    return [*row, a.phone, a.email] if contacts else row


def render_attendance_csv(summary: Summary) -> bytes:
    """One row per participant who checked in; contacts only in an unredacted summary."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    columns = [f"checked_in_at ({summary.zone})" if c == "checked_in_at" else c for c in COLUMNS]
    header = [*columns, *CONTACT_COLUMNS] if summary.unredacted else columns
    writer.writerow(header)
    for attendee in summary.attended:
        writer.writerow([neutralise(c) for c in _row(attendee, summary.unredacted)])
    return buffer.getvalue().encode("utf-8-sig")
