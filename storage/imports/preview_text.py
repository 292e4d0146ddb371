"""An import preview as plain lines: what `convener import --dry-run` prints.

The same lines serve the command line before and after writing, so what a coordinator was
shown is what was done. Values are shown as stored, quoted, so an empty one is visible.
"""

from __future__ import annotations

from typing import Any

from convener.storage.consent import CONSENT_LABELS
from convener.storage.imports.merge import FIELD_LABELS, FieldChange, ImportPreview
from convener.storage.taxonomy import load_taxonomy

COLUMN_LABELS = {**FIELD_LABELS, "ref": "reference", "consent_name": "consent", "gender": "sex"}


def shown(field: str, value: Any) -> str:
    """A stored value as the preview shows it: labels for codes, yes/no for flags."""
    if value is None or value == "":
        return "(blank)"
    tax = load_taxonomy()
    if field == "stakeholder_group":
        return tax.stakeholder_groups.label(value)
    if field == "gender":
        return tax.genders.label(value)
    if field == "age_band":
        return tax.age_bands.label(value)
    if field == "consent":
        return CONSENT_LABELS.get(str(value), str(value)).lower()
    if field in ("vip", "protected", "consent_photo"):
        return "yes" if value else "no"
    return f"“{value}”"


def change_text(change: FieldChange) -> str:
    guessed = " (guessed)" if change.guessed else ""
    old, new = shown(change.field, change.old), shown(change.field, change.new)
    return f"{change.label}: {old} -> {new}{guessed}"


def preview_lines(preview: ImportPreview, limit: int | None = None) -> list[str]:
    """Every section of the preview, headed, with the file's line for each person.

    `limit` caps each section (for a screen); the command line prints everything.
    """
    verb = "Imported" if preview.applied else "Would import"
    lines = [
        f"{verb} {preview.path.name} into {preview.event_title} ({preview.event_slug}): "
        f"{preview.counts_line()}."
    ]
    lines.append("Columns read: " + ", ".join(COLUMN_LABELS.get(c, c) for c in preview.columns))
    lines += _section(
        limit,
        "New people",
        (
            f"line {p.line}: {p.name}"
            + (f" ({p.organisation})" if p.organisation else "")
            + (
                f"; group guessed: {shown('stakeholder_group', p.fields['stakeholder_group'])}"
                if p.group_guessed
                else ""
            )
            for p in preview.new
        ),
    )
    lines += _section(
        limit,
        "Changed",
        (
            f"line {p.line}: {p.name}: " + "; ".join(change_text(c) for c in p.changes)
            for p in preview.changed
        ),
    )
    lines += _section(
        limit,
        "Conflicts (the database keeps its value)",
        (
            f"line {c.line}: {c.name}: {c.field}: the file says {shown(c.field, c.file_value)},"
            f" kept {shown(c.field, c.kept)} ({c.reason})"
            for c in preview.conflicts
        ),
    )
    lines += _section(
        limit,
        "Questions (answered with --yes: same person; without: a new person)",
        (
            f"line {q.line}: {q.name}"
            + (f" ({q.organisation})" if q.organisation else "")
            + f": {q.reason}: "
            + "; ".join(_candidate(c) for c in q.candidates)
            for q in preview.questions
        ),
    )
    lines += _section(
        limit,
        "In the database but not in the file (kept)",
        (p.name + (" (walk-in)" if p.source == "walk_in" else "") for p in preview.absent),
    )
    return lines


def _candidate(candidate: Any) -> str:
    parts = [candidate.name, candidate.organisation, candidate.designation]
    text = ", ".join(p for p in parts if p)
    return text + (f", phone ending {candidate.phone_tail}" if candidate.phone_tail else "")


def _section(limit: int | None, title: str, items: Any) -> list[str]:
    entries = list(items)
    if not entries:
        return []
    shown = entries if limit is None else entries[:limit]
    out = [f"{title}:", *(f"  {entry}" for entry in shown)]
    if len(entries) > len(shown):
        out.append(f"  ... and {len(entries) - len(shown)} more")
    return out
