"""The adaptable lists (genders, stakeholder groups, note kinds, ...) read from YAML.

The default list is package data (`fixtures/taxonomy.yaml` in the repository). An
organisation copies it (or points `CONVENER_TAXONOMY` at its own
file) to change them without touching code; the database stores the codes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from convener.storage.errors import ValidationError
from convener.storage.paths import bundled_file
from convener.storage.yamlsafe import load_yaml_file

TAXONOMY_ENV = "CONVENER_TAXONOMY"
LISTS = ("genders", "stakeholder_groups", "note_kinds", "attributions", "age_bands")


@dataclass(frozen=True)
class Term:
    """One choice in a list: the stored code, the label people read, accepted spellings."""

    code: str
    label: str
    aliases: tuple[str, ...] = ()
    key: str = ""
    # Words in an organisation or designation that suggest this term (stakeholder groups).
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Vocabulary:
    """One list of terms, with lookup by code, label or alias."""

    name: str
    terms: tuple[Term, ...]
    _index: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for term in self.terms:
            for spelling in (term.code, term.label, *term.aliases):
                self._index.setdefault(spelling.casefold().strip(), term.code)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.terms)

    def resolve(self, value: str) -> str | None:
        """The code for a code, label or alias (any case), or None if unknown."""
        return self._index.get(value.casefold().strip())

    def label(self, code: str | None) -> str:
        for term in self.terms:
            if term.code == code:
                return term.label
        return code or ""


@dataclass(frozen=True)
class Taxonomy:
    genders: Vocabulary
    stakeholder_groups: Vocabulary
    note_kinds: Vocabulary
    attributions: Vocabulary
    age_bands: Vocabulary


def taxonomy_path() -> Path:
    override = os.environ.get(TAXONOMY_ENV)
    return Path(override) if override else bundled_file("taxonomy.yaml")


@cache
def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """Read and validate the taxonomy file; cached because every screen asks for it."""
    path = path or taxonomy_path()
    data = load_yaml_file(path).data
    problems: list[str] = []
    vocabularies: dict[str, Vocabulary] = {}
    if not isinstance(data, dict):
        raise ValidationError(str(path), ["expected a mapping of lists at the top level"])
    for name in LISTS:
        entries = data.get(name)
        if not isinstance(entries, list) or not entries:
            problems.append(f"{name}: expected a non-empty list")
            continue
        terms: list[Term] = []
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict) or not entry.get("code") or not entry.get("label"):
                problems.append(f"{name}[{i}]: needs a code and a label")
                continue
            aliases = tuple(str(a) for a in entry.get("aliases") or ())
            keywords = tuple(str(k) for k in entry.get("keywords") or ())
            terms.append(
                Term(
                    str(entry["code"]),
                    str(entry["label"]),
                    aliases,
                    str(entry.get("key") or ""),
                    keywords,
                )
            )
        vocabularies[name] = Vocabulary(name, tuple(terms))
    if problems:
        raise ValidationError(str(path), problems)
    return Taxonomy(**vocabularies)
