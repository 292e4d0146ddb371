"""The whole event as JSON, for monitoring systems and dashboards that read Convener's data.

It carries what the reports carry, under the same rules: protected people are never named,
contacts appear only in an unredacted export, and off-the-record notes are absent. Times are
UTC ISO 8601 stamps so other systems need not guess the time zone.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from convener.storage.reports.model import Attendee, Summary

FORMAT = "convener-summary"
VERSION = 1


def _attendee(a: Attendee, contacts: bool) -> dict[str, Any]:
    row: dict[str, Any] = {
        "name": None if a.withheld else a.name,
        "name_withheld": a.withheld,
        "designation": a.designation,
        "organisation": a.organisation,
        "stakeholder_group": a.group or None,
        "stakeholder_group_label": a.group_label,
        "gender": a.sex or None,
        "gender_label": a.sex_label,
        "district": a.district,
        "vip": a.vip,
        "source": a.source,
        "attended": a.attended,
        "checked_in_at": a.checked_in_at or None,
    }
    if contacts:
        row.update(phone=a.phone, email=a.email)
    return row


def summary_document(summary: Summary) -> dict[str, Any]:
    """The JSON document as Python values."""
    f, part = summary.facts, summary.participation
    refs = {p.note_id: p.ref for p in summary.points}
    event = asdict(f)
    for derived in ("date_text", "time_text", "place_text", "days"):
        event.pop(derived)
    return {
        "format": FORMAT,
        "version": VERSION,
        "redacted": not summary.unredacted,
        "level": summary.level.code,
        "event": {**event, "overview": summary.overview},
        "agenda": [asdict(a) for a in summary.agenda],
        "participation": {
            "total": part.total,
            "expected": part.expected,
            "expected_attended": part.expected_attended,
            "walk_ins": part.walk_ins,
            "by_sex": [asdict(t) for t in part.by_sex],
            "by_stakeholder_group": [asdict(t) for t in part.by_group],
            "by_organisation": [{"label": t.label, "count": t.count} for t in part.by_organisation],
        },
        "attendees": [_attendee(a, summary.unredacted) for a in summary.attendees],
        "notes": [
            {
                "noted_at": p.noted_at or None,
                "speaker": p.speaker,
                "kind": p.kind,
                "ref": p.ref or None,
                "answers_ref": refs.get(p.answers) if p.answers else None,
                "text": p.text,
                "addressed_to": p.addressed_to,
                "agenda_position": p.agenda_position,
                "agenda_title": p.agenda_title,
                "tags": list(p.tags),
            }
            for p in summary.points
        ],
        "action_items": [
            {"who": a.who, "what": a.what, "due_date": a.due_date or None, "status": a.status}
            for a in summary.action_points
        ],
        "clock_jumps": [
            {"before": j.before, "after": j.after, "seconds": j.seconds}
            for j in summary.clock_jumps
        ],
    }


def _pretty(value: Any, depth: int = 0) -> str:
    """Indented for two levels, then one compact line per record.

    People can still read it, and the records go through the C encoder: `indent=` would
    switch all of it to the pure-Python one, several times slower for a large event.
    """
    pad, end = "  " * (depth + 1), "  " * depth
    if depth < 2 and isinstance(value, dict) and value:
        items = [f"{pad}{json.dumps(k)}: {_pretty(v, depth + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + end + "}"
    if depth < 2 and isinstance(value, list) and value:
        return "[\n" + ",\n".join(pad + _pretty(v, depth + 1) for v in value) + "\n" + end + "]"
    return json.dumps(value, ensure_ascii=False)


def render_json(summary: Summary) -> bytes:
    """UTF-8 JSON, keys in a stable order."""
    return (_pretty(summary_document(summary)) + "\n").encode("utf-8")
