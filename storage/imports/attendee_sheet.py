"""Pre-registration lists from CSV or XLSX, read into validated attendee rows.

Coordinators receive attendee lists from many offices: Excel files, "CSV UTF-8", Excel's
"Unicode text" (UTF-16, tab-separated), old Windows cp1252 exports, semicolon-separated
files from European locales, headers in English or Urdu. This module accepts all of
those, maps headers to Convener's fields, and reports every problem with the line number a
spreadsheet user sees, so the list can be fixed in one pass rather than one error at a time.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from convener.storage import lazy
from convener.storage.errors import ValidationError
from convener.storage.records import ATTENDEE_FIELDS, validate_attendee
from convener.storage.text import clean_line

MAX_SHEET_BYTES = 50 * 1024 * 1024
MAX_SHEET_ROWS = 100_000
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
_DELIMITERS = ",;\t"

# Whole-header spellings (after _tokens), checked before the token rules below.
_PHRASES: dict[str, str] = {
    **{field.replace("_", " "): field for field in ATTENDEE_FIELDS},
    "full name": "name",
    "participant name": "name",
    "job title": "designation",
    "e mail": "email",
    "contact no": "phone",
    "phone number": "phone",
    "mobile no": "phone",
    "age group": "age_band",
    "national id": "id_number",
    "consent to publish": "consent_name",
    "may be named": "consent_name",
    "consent to be named": "consent_name",
    "name in report": "consent_name",
    "may name": "consent_name",
    "photo consent": "consent_photo",
    # A reference of this list: how a re-sent list says "the same row as before".
    **{
        phrase: "ref"
        for phrase in (
            "s no",
            "sno",
            "sr no",
            "srno",
            "sr",
            "s",
            "serial",
            "serial no",
            "serial number",
            "no",
            "ref",
            "ref no",
            "reference",
            "reference no",
            "reference number",
            "registration no",
            "registration number",
            "reg no",
            "row id",
            "record id",
            "participant id",
            "participant no",
        )
    },
}
# Fields a sheet can carry besides ATTENDEE_FIELDS.
SHEET_ONLY_FIELDS = ("ref",)
MAX_QUESTION_SHARE = 0.2
MIN_QUESTION_MARKS = 4  # one typo'd "x?" in a short column is not a lost alphabet
ADVICE = (
    'the file lost its letters when it was saved; in Excel use Save As > "CSV UTF-8 (Comma '
    'delimited)" (or save as .xlsx) and import that file'
)
# Token rules, most specific first: a header maps to the first rule whose words it contains.
_RULES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("consent", "photo"), "consent_photo"),
    (("consent",), "consent_name"),
    (("age",), "age_band"),
    (("email",), "email"),
    (("e", "mail"), "email"),
    *(((w,), "id_number") for w in ("cnic", "id")),
    (("stakeholder",), "stakeholder_group"),
    *(((w,), "organisation") for w in ("organisation", "organization", "org", "ادارہ")),
    *(((w,), "organisation") for w in ("department", "institution", "agency")),
    *(((w,), "designation") for w in ("designation", "position", "title", "job", "عہدہ")),
    *(((w,), "gender") for w in ("gender", "sex", "جنس")),
    *(((w,), "phone") for w in ("phone", "mobile", "cell", "contact", "فون", "موبائل")),
    (("district",), "district"),
    *(((w,), "disability") for w in ("disability", "pwd")),
    *(((w,), "stakeholder_group") for w in ("group", "category", "sector")),
    (("protected",), "protected"),
    *(((w,), "vip") for w in ("vip", "speaker")),
    *(((w,), "name") for w in ("name", "participant", "نام")),
)


@dataclass
class SheetRow:
    """One data row: its line as the spreadsheet shows it, and its mapped raw values."""

    line: int
    values: dict[str, str]


def _tokens(header: str) -> list[str]:
    """Lower-case words of a header; punctuation and symbols become spaces."""
    text = unicodedata.normalize("NFKC", header).casefold()
    kept = "".join(
        ch if ch.isalnum() or unicodedata.category(ch).startswith("M") else " " for ch in text
    )
    return kept.split()


def guess_column(header: str) -> str | None:
    """Map a header to a field of ATTENDEE_FIELDS (or "ref", a row reference), or None."""
    words = _tokens(header)
    if not words:
        return "ref" if header.strip() == "#" else None
    phrase = " ".join(words)
    if phrase in _PHRASES:
        return _PHRASES[phrase]
    present = set(words)
    for needed, field in _RULES:
        if present.issuperset(needed):
            return field
    return None


def _decode(data: bytes) -> str:
    """Bytes of a CSV export as text: UTF-16 or UTF-8 by BOM, else UTF-8, else cp1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ValueError("not a CSV text file (broken UTF-16 text)") from None
    if b"\x00" in data:
        hint = " (it looks like an Excel workbook; use .xlsx)" if data[:4] == b"PK\x03\x04" else ""
        raise ValueError(f"not a CSV text file{hint}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ValueError("not a CSV text file (unknown text encoding)") from None


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """(starting line, cells) for each CSV record; quoted newlines are counted."""
    text = _decode(data)
    sample = text[:65536]
    if len(text) > len(sample):  # a cut-off last line would confuse the sniffer
        sample = sample[: sample.rfind("\n") + 1] or sample
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        delimiter = (
            max(_DELIMITERS, key=first.count) if any(d in first for d in _DELIMITERS) else ","
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    columns = 0
    try:
        for cells in reader:
            columns = columns or len(cells)
            _check_quotes(cells, start, reader.line_num, delimiter, columns)
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ValueError(f"line {start}: cannot read CSV ({exc})") from None


def _check_quotes(cells: list[str], start: int, end: int, delimiter: str, columns: int) -> None:
    """Refuse a record in which an unbalanced quote swallowed the rows that follow it.

    A quoted cell may hold line breaks (an address); one whose later lines carry the
    delimiter like whole rows do is a quote left open, and those rows would become one person.
    """
    if end == start:
        return
    # Half a row's delimiters, and at least two: "Quetta, Balochistan" on the second line of
    # a quoted address is not a row.
    enough = max(2, (columns - 1) // 2)
    for cell in cells:
        later = cell.split("\n")[1:]
        if any(line.count(delimiter) >= enough for line in later):
            raise ValueError(
                f'line {start}: a quote (") opened on this line is not closed until line {end}, '
                f"so lines {start} to {end} would be read as one person; remove the stray quote "
                "or close it, and import again"
            )


def _cell_text(value: Any) -> str:
    """An Excel cell value as the text a person typed (no '.0' on whole numbers)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(sheet row number, cell texts) for the first worksheet of a workbook."""
    openpyxl = lazy.openpyxl()
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types (zip, XML, KeyError) on bad files
        raise ValueError("not a readable .xlsx workbook") from None
    try:
        sheet = book.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            yield number, [_cell_text(v) for v in row]
    except ValueError:
        raise
    except Exception:
        raise ValueError("not a readable .xlsx workbook") from None
    finally:
        book.close()


def _cells(n: int) -> str:
    return f"{n} cell" if n == 1 else f"{n} cells"


def _collect(
    rows: Iterable[tuple[int, list[str]]], short_rows_matter: bool = True
) -> tuple[list[str], list[SheetRow]]:
    """Map the header, then gather data rows; raises ValueError listing every problem.

    A CSV row with fewer cells than the header is reported (a workbook's rows simply end at
    their last filled cell, so `short_rows_matter` is off for them).
    """
    header: list[str] | None = None
    columns: list[tuple[int, str]] = []
    found: list[SheetRow] = []
    problems: list[str] = []
    for line, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            header = cells
            for index, title in enumerate(header):
                field = guess_column(title)
                if field and field not in (f for _, f in columns):
                    columns.append((index, field))
            if "name" not in (f for _, f in columns):
                shown = ", ".join(clean_line(t) or "(blank)" for t in header[:30])
                raise ValueError(f"no Name column found; columns are: {shown}")
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            problems.append(
                f"line {line}: {len(cells)} cells but the header has {len(header)} columns"
            )
        elif short_rows_matter and len(cells) < len(header):
            problems.append(
                f"line {line}: {_cells(len(cells))} but the header has {len(header)} columns "
                "(a row cut short or split across lines); complete the row"
            )
        if len(found) >= MAX_SHEET_ROWS:
            raise ValueError(f"more than {MAX_SHEET_ROWS:,} rows; the limit is {MAX_SHEET_ROWS:,}")
        values = {f: cells[i] if i < len(cells) else "" for i, f in columns}
        found.append(SheetRow(line, values))
    if header is None:
        raise ValueError("the file is empty")
    problems.extend(question_marks(found, [f for _, f in columns]))
    if problems:
        raise ValidationError("", problems)
    return [f for _, f in columns], found


def question_marks(rows: list[SheetRow], fields: list[str]) -> list[str]:
    """Columns whose letters became `?` (a file saved in a code page without Urdu letters).

    A name cell of only `?` and spaces, or a column whose letters are more than a fifth `?`,
    means the real text is gone; importing it would merge or invent people, so the whole
    file is refused with the lines concerned.
    """
    problems = []
    for field in fields:
        marks = letters = 0
        lines: list[int] = []
        for row in rows:
            cell = row.values.get(field, "")
            count = cell.count("?")
            marks += count
            letters += sum(1 for ch in cell if not ch.isspace())
            if count:
                lines.append(row.line)
        blank_names = [
            r.line
            for r in rows
            if field == "name"
            and r.values.get("name", "").strip(" ?") == ""
            and "?" in r.values.get("name", "")
        ]
        share = marks >= MIN_QUESTION_MARKS and marks / letters > MAX_QUESTION_SHARE
        if blank_names or share:
            shown = blank_names or lines
            listed = ", ".join(str(n) for n in shown[:20])
            more = f" and {len(shown) - 20} more" if len(shown) > 20 else ""
            what = "names that are only question marks" if blank_names else "question marks"
            problems.append(
                f"lines {listed}{more}: the {field} column has {what} "
                f"where letters should be: {ADVICE}. Nothing was imported"
            )
    return problems


def read_sheet(path: Path) -> tuple[list[str], list[SheetRow]]:
    """Return (canonical fields found, rows). Raises ValidationError for unreadable files."""
    suffix = path.suffix.casefold()
    try:
        if suffix == ".xls":
            raise ValueError(
                "old Excel .xls files cannot be read; open it in Excel or LibreOffice and "
                "save it as .xlsx or CSV UTF-8"
            )
        if suffix not in CSV_SUFFIXES + XLSX_SUFFIXES:
            raise ValueError(f"unsupported file type {suffix or '(none)'!r} (use .csv or .xlsx)")
        size = path.stat().st_size
        if size > MAX_SHEET_BYTES:
            limit = MAX_SHEET_BYTES / 2**20
            raise ValueError(f"the file is {size / 2**20:,.1f} MB; the limit is {limit:g} MB")
        if size == 0:
            raise ValueError("the file is empty")
        if suffix in XLSX_SUFFIXES:
            return _collect(_xlsx_rows(path), short_rows_matter=False)
        return _collect(_csv_rows(path.read_bytes()))
    except ValidationError as exc:
        raise ValidationError(str(path), exc.problems) from None
    except ValueError as exc:
        raise ValidationError(str(path), [str(exc)]) from None
    except OSError as exc:
        raise ValidationError(str(path), [f"cannot read the file ({exc.strerror})"]) from None


def has_data(row: SheetRow) -> bool:
    """False for a blank row, or one with only its number (templates come pre-numbered)."""
    return any(v.strip() for k, v in row.values.items() if k not in SHEET_ONLY_FIELDS)


def load_attendee_sheet(path: Path) -> list[dict[str, Any]]:
    """Read and validate every row; raise one ValidationError listing all problems."""
    _fields, rows = read_sheet(path)
    cleaned: list[dict[str, Any]] = []
    problems: list[str] = []
    for row in rows:
        if not has_data(row):
            continue
        attendee, found = validate_attendee(row.values, prefix=f"line {row.line}")
        problems.extend(found)
        cleaned.append(attendee)
    if problems:
        raise ValidationError(str(path), problems)
    return cleaned
