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
    "photo consent": "consent_photo",
}
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
    """Map a header to a canonical field from convener.storage.records.ATTENDEE_FIELDS, or None."""
    words = _tokens(header)
    if not words:
        return None
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
    try:
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ValueError(f"line {start}: cannot read CSV ({exc})") from None


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


def _collect(rows: Iterable[tuple[int, list[str]]]) -> tuple[list[str], list[SheetRow]]:
    """Map the header, then gather data rows; raises ValueError listing every problem."""
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
        if len(found) >= MAX_SHEET_ROWS:
            raise ValueError(f"more than {MAX_SHEET_ROWS:,} rows; the limit is {MAX_SHEET_ROWS:,}")
        values = {f: cells[i] if i < len(cells) else "" for i, f in columns}
        found.append(SheetRow(line, values))
    if header is None:
        raise ValueError("the file is empty")
    if problems:
        raise ValidationError("", problems)
    return [f for _, f in columns], found


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
            return _collect(_xlsx_rows(path))
        return _collect(_csv_rows(path.read_bytes()))
    except ValidationError as exc:
        raise ValidationError(str(path), exc.problems) from None
    except ValueError as exc:
        raise ValidationError(str(path), [str(exc)]) from None
    except OSError as exc:
        raise ValidationError(str(path), [f"cannot read the file ({exc.strerror})"]) from None


def load_attendee_sheet(path: Path) -> list[dict[str, Any]]:
    """Read and validate every row; raise one ValidationError listing all problems."""
    _fields, rows = read_sheet(path)
    cleaned: list[dict[str, Any]] = []
    problems: list[str] = []
    for row in rows:
        if not any(v.strip() for v in row.values.values()):
            continue
        attendee, found = validate_attendee(row.values, prefix=f"line {row.line}")
        problems.extend(found)
        cleaned.append(attendee)
    if problems:
        raise ValidationError(str(path), problems)
    return cleaned
