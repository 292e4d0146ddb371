"""Reading exported files back as text, the way a privacy check or a reader sees them.

Markdown, CSV and JSON are text; DOCX and XLSX are zip files whose XML parts hold the text;
a PDF's text comes from pypdf (every page and the document's metadata). pypdf returns
right-to-left words in visual order, so `holds` compares after NFKC with spaces removed and
also tries the words of a phrase in reverse order.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from pathlib import Path

from pypdf import PdfReader


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    pages = [page.extract_text() or "" for page in reader.pages]
    meta = [str(v) for v in (reader.metadata or {}).values()]
    return "\n".join(pages + meta)


def zip_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(
            archive.read(n).decode("utf-8")
            for n in archive.namelist()
            if n.endswith((".xml", ".rels"))
        )


def file_text(path: Path) -> str:
    """Everything a file shows, as one string."""
    data = path.read_bytes()
    if path.suffix == ".pdf":
        return pdf_text(data)
    if path.suffix in (".docx", ".xlsx"):
        return zip_text(data)
    return data.decode("utf-8-sig")


def squash(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def holds(text: str, phrase: str) -> bool:
    """Whether `phrase` is in `text`, ignoring spacing, Unicode form and RTL word order."""
    flat = squash(text)
    words = phrase.split()
    return squash(phrase) in flat or squash(" ".join(reversed(words))) in flat
