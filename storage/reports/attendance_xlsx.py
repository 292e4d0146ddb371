"""The attendance sheet as an Excel workbook, for donors who work in Excel.

Phone numbers are text cells, so Excel keeps their leading 0 (`03001234567`, not
3001234567); check-in times are the event's local time, and the column heading says which.
Cells a spreadsheet would run as formulas are neutralised as in the CSV. Everyone who
checked in has a row; people who may not be named appear as "(name withheld)".
"""

from __future__ import annotations

import io

from convener.storage import lazy
from convener.storage.reports.attendance_csv import neutralise
from convener.storage.reports.model import Summary

HEADINGS = (
    "Name",
    "Designation",
    "Organisation",
    "Stakeholder group",
    "Sex",
    "Age band",
    "District",
    "Checked in",
    "Source",
)
CONTACT_HEADINGS = ("Phone", "Email")
WIDTHS = (28, 30, 30, 22, 10, 10, 16, 18, 10, 16, 28)


def render_attendance_xlsx(summary: Summary) -> bytes:
    """One row per participant who checked in; contacts only at the full level."""
    xl = lazy.openpyxl()
    WriteOnlyCell, Font = xl.cell.WriteOnlyCell, xl.styles.Font
    book = xl.Workbook(write_only=True)
    sheet = book.create_sheet("Attendance")
    headings = [h if h != "Checked in" else f"Checked in ({summary.zone})" for h in HEADINGS]
    if summary.unredacted:
        headings += CONTACT_HEADINGS
    for i, width in enumerate(WIDTHS[: len(headings)], 1):
        sheet.column_dimensions[xl.utils.get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for text in headings:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for a in summary.attended:
        values = [
            a.name,
            a.designation,
            a.organisation,
            a.group_label,
            a.sex_label,
            a.age_label,
            a.district,
            a.checked_in_local,
            a.source_label,
        ]
        if summary.unredacted:
            values += [a.phone, a.email]
        row = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=neutralise(value) if value else None)
            cell.number_format = "@"  # text: a phone number keeps its leading 0
            row.append(cell)
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
