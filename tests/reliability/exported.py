"""Reading an exported file as every reader would, and searching it for what must not be there.

A leak counts in any spelling: the raw bytes, the JSON decoded, the words of the DOCX XML
(Word splits text into runs), folded (NFKC, case), with the spaces taken out, and the
digits alone (Urdu and Arabic-Indic digits as ASCII).
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from pathlib import Path
from xml.etree import ElementTree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ASCII_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def docx_text(data: bytes) -> str:
    """The words of a .docx as Word shows them: each paragraph's runs joined, one per line
    (table cells included), and the text of every other XML part (title, author)."""
    lines = []
    with zipfile.ZipFile(io.BytesIO(data)) as docx:
        for name in docx.namelist():
            if not name.endswith((".xml", ".rels")):
                continue
            root = ElementTree.fromstring(docx.read(name))
            paragraphs = list(root.iter(f"{W}p"))
            if paragraphs:
                lines += ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in paragraphs]
            else:
                lines.append(" ".join(root.itertext()))
    return "\n".join(lines)


def views(path: Path) -> dict[str, str]:
    """Every way the file's text could be read."""
    data = path.read_bytes()
    found = {"bytes": data.decode("utf-8", "replace")}
    if path.suffix == ".json":
        found["json"] = json.dumps(json.loads(data), ensure_ascii=False)
    if path.suffix == ".docx":
        found = {"docx text": docx_text(data)}
    return found


def folded(text: str) -> str:
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFC", text)).casefold()


def digits(text: str) -> str:
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", text).translate(ASCII_DIGITS))


def leaks(
    paths: Iterable[Path],
    *,
    names: Iterable[str] = (),
    words: Iterable[str] = (),
    numbers: Iterable[str] = (),
    strings: Iterable[str] = (),
) -> list[str]:
    """What of these is in the files: `names` in any spelling (joined or apart), `words` as
    whole words, `numbers` as their digits in any script, `strings` as typed."""
    names, words, numbers, strings = list(names), list(words), list(numbers), list(strings)
    found = []
    for path in paths:
        for where, text in views(path).items():
            flat = folded(text)
            squeezed = re.sub(r"[\s\-_.\\]+", "", flat)
            only_digits = digits(text)
            for name in names:
                for form in (name, unicodedata.normalize("NFD", name)):
                    if form in text or re.sub(r"\s+", "", folded(form)) in squeezed:
                        found.append(f"{path.name} [{where}]: name {name!r}")
            for word in words:
                if re.search(rf"(?<!\w){re.escape(folded(word))}(?!\w)", flat):
                    found.append(f"{path.name} [{where}]: word {word!r}")
            for number in numbers:
                if digits(number) in only_digits:
                    found.append(f"{path.name} [{where}]: number {number!r}")
            for string in strings:
                if string in text or folded(string) in flat:
                    found.append(f"{path.name} [{where}]: {string!r}")
    return found


def missing(paths: Iterable[Path], wanted: Iterable[str]) -> list[str]:
    """Which of `wanted` a file does not show literally (after the Markdown escapes)."""
    out = []
    for path in paths:
        text = "\n".join(views(path).values()).replace("\\", "")
        out += [f"{path.name}: {w!r}" for w in wanted if w not in text]
    return out
