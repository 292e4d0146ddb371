"""The event report as Markdown: the ready-to-send summary a coordinator mails to donors.

It lays out a `Summary` (already redacted and attributed) in report order. Every piece of
user text goes through `md_escape`, so a name like `# Heading` or `Ali | Khan` stays text
and cannot add headings, links, HTML or table columns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from convener.storage.reports.model import Attendee, Point, Summary
from convener.storage.reports.tallies import Tally

NONE_RECORDED = "None recorded."
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_LEADING = re.compile(r"^(\d+)([.)])|^([#+\-=:])")


def md_escape(text: str | None) -> str:
    """User text as inert Markdown on one line: markup characters escaped, not interpreted."""
    flat = " ".join((text or "").split())
    escaped = _SPECIAL.sub(r"\\\1", flat)
    return _LEADING.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", escaped)


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A GitHub-style table; cells are escaped here, so pass plain text."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(md_escape(c) or " " for c in row) + " |" for row in rows]
    return lines


def agenda_table(summary: Summary) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """Header and rows of the agenda; the "Led by" column only when someone is named in it."""
    if any(a.presenter for a in summary.agenda):
        return ("Time", "Session", "Led by"), [
            (a.starts_at, a.title, a.presenter) for a in summary.agenda
        ]
    return ("Time", "Session"), [(a.starts_at, a.title) for a in summary.agenda]


def _share(n: int, total: int) -> str:
    return f"{round(100 * n / total)}%" if total else ""


def _tally_table(title: str, what: str, tallies: Sequence[Tally], total: int) -> list[str]:
    rows = [(t.label, str(t.count), _share(t.count, total)) for t in tallies]
    return [f"### {title}", "", *table((what, "Participants", "Share"), rows), ""]


def _point_line(point: Point) -> str:
    """A bullet under a speaker: the kind in words unless it is a plain key point."""
    lead = f"*{md_escape(point.lead)}:* " if point.lead else ""
    return f"- {lead}{md_escape(point.wording)}"


def _attributed(points: Sequence[Point], *, addressed: bool = False) -> list[str]:
    if not points:
        return [NONE_RECORDED, ""]
    lines = []
    for p in points:
        to = f"**To {md_escape(p.addressed_to)}:** " if addressed and p.addressed_to else ""
        lines.append(f"- {to}{md_escape(p.text)} — *{md_escape(p.speaker)}*")
    return [*lines, ""]


def _facts(summary: Summary) -> list[str]:
    return [f"- **{label}:** {md_escape(value)}" for label, value in summary.facts.labelled()]


def _annex_row(n: int, a: Attendee, contacts: bool) -> list[str]:
    row = [str(n), a.name, a.designation, a.organisation, a.group_label, a.sex_label, a.district]
    return [*row, a.phone, a.email] if contacts else row


def render_markdown(summary: Summary) -> str:
    """The whole report as Markdown text, ending with a newline."""
    f, part = summary.facts, summary.participation
    out = [f"# {md_escape(f.title)}", ""]
    if summary.unredacted:
        out += [
            "> **UNREDACTED: contains contact details and names of people who did not",
            "> consent to be named. For internal use only; do not share.**",
            "",
        ]
    out += [*_facts(summary), "", "## Overview", "", md_escape(summary.overview), ""]
    out += ["## Objectives", ""]
    out += [f"- {md_escape(o)}" for o in f.objectives] or [NONE_RECORDED]
    out += ["", "## Agenda", ""]
    header, rows = agenda_table(summary)
    out += [*table(header, rows), ""] if rows else [NONE_RECORDED, ""]
    out += ["## Participation", "", md_escape(part.text), ""]
    if part.total:
        out += _tally_table("By sex", "Sex", part.by_sex, part.total)
        out += _tally_table("By stakeholder group", "Stakeholder group", part.by_group, part.total)
        out += _tally_table("By organisation", "Organisation", part.by_organisation, part.total)
    out += ["## Notable participants", ""]
    notable = [
        f"- **{md_escape(a.name)}**" + (f", {md_escape(a.designation)}" if a.designation else "")
        for a in summary.notable
    ]
    out += [*notable, ""] if notable else [NONE_RECORDED, ""]
    out += ["## Key points by speaker", ""]
    if not summary.speakers:
        out += [NONE_RECORDED, ""]
    for speaker in summary.speakers:
        out += [f"### {md_escape(speaker.speaker)}", ""]
        out += [*(_point_line(p) for p in speaker.points), ""]
    out += ["## Concerns", "", *_attributed(summary.concerns)]
    out += ["## Recommendations", "", *_attributed(summary.recommendations, addressed=True)]
    out += ["## Commitments and action points", ""]
    if summary.commitments:
        out += _attributed(summary.commitments)
    actions = [(a.who, a.what, a.due_text, a.status_label) for a in summary.action_points]
    if actions:
        out += [*table(("Who", "What", "By when", "Status"), actions), ""]
    if not actions and not summary.commitments:
        out += [NONE_RECORDED, ""]
    if summary.clock_jumps:
        out += ["## A note on times", ""]
        out += [*(f"- {md_escape(j.text)}" for j in summary.clock_jumps), ""]
    out += _annex(summary)
    return "\n".join(out).rstrip("\n") + "\n"


def _annex(summary: Summary) -> list[str]:
    out = ["## Annex: participant list", ""]
    header = ["No.", "Name", "Designation", "Organisation", "Stakeholder group", "Sex", "District"]
    if summary.unredacted:
        header += ["Phone", "Email"]
    rows = [_annex_row(n, a, summary.unredacted) for n, a in enumerate(summary.annex, 1)]
    out += [*table(header, rows), ""] if rows else [NONE_RECORDED, ""]
    if summary.annex_note:
        out += [md_escape(summary.annex_note), ""]
    return out
