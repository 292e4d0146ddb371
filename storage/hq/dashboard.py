"""The head-office dashboard: one static page of bars drawn from the served copy.

datasette-dashboards fetches every chart with custom SQL, which `hq serve` keeps off, so
Convener draws the page itself when it starts Datasette: attendance by sex, stakeholder
group and the attendee's district, each per month; events per district; open commitments by
owner and due date. Every bar carries its number as text; every value is HTML-escaped (the
page is served as a static file, never as a template); nothing is loaded from elsewhere.
It reads only the served copy, so it shows exactly what the tables beside it show.
"""

from __future__ import annotations

import html
import sqlite3
from collections.abc import Iterable, Sequence

from convener.storage.text import counted

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Convener head office: dashboard</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5rem; color: #1b1b1b; max-width: 70rem; }}
h1 {{ font-size: 1.5rem; }} h2 {{ font-size: 1.15rem; margin-top: 2rem; }}
table {{ border-collapse: collapse; margin: .5rem 0 1rem; }}
th, td {{ text-align: left; padding: .2rem .6rem .2rem 0; vertical-align: middle; }}
td.n {{ text-align: right; font-variant-numeric: tabular-nums; }}
.bar {{ display: inline-block; height: .9rem; background: #1f3a68; vertical-align: middle; }}
.muted {{ color: #555; }}
</style></head><body>
<h1>Convener head office</h1>
<p class="muted">{summary} Every number is the events' own report numbers (public level).
<a href="/headoffice">Tables and queries</a></p>
{sections}
</body></html>
"""
BAR_EM = 20  # the longest bar, in em


def dashboard_html(served: sqlite3.Connection) -> str:
    """The page, from the served copy's `events`, `attendance` and `commitments` tables."""
    events, participants = served.execute(
        "SELECT count(*), coalesce(sum(participants), 0) FROM events"
    ).fetchone()
    sections = [
        _by_month(served, "Sex"),
        _by_month(served, "Stakeholder group"),
        _by_month(served, "Attendee's district"),
        _bars_section(
            "Events per district",
            served.execute(
                "SELECT coalesce(nullif(district, ''), 'Not recorded'), count(*) FROM events"
                " GROUP BY 1 ORDER BY 2 DESC, 1"
            ).fetchall(),
            "events",
        ),
        _commitments(served),
    ]
    summary = f"{counted(events, 'event')}, {counted(participants, 'participation')}."
    return PAGE.format(summary=_e(summary), sections="\n".join(sections))


def _by_month(served: sqlite3.Connection, dimension: str) -> str:
    """One bar table per month for one dimension, latest month first."""
    rows = served.execute(
        "SELECT coalesce(nullif(month, ''), 'No date'), label, sum(participants)"
        " FROM attendance WHERE dimension = ? GROUP BY 1, 2 ORDER BY 1 DESC, 3 DESC, 2",
        [dimension],
    ).fetchall()
    parts = [f"<h2>Attendance by {_e(dimension.lower())}, per month</h2>"]
    if not rows:
        parts.append('<p class="muted">No events loaded yet.</p>')
    months = list(dict.fromkeys(month for month, _, _ in rows))
    for month in months:
        parts.append(f"<h3>{_e(month)}</h3>")
        parts.append(_bars([(label, n) for m, label, n in rows if m == month], "participants"))
    return "\n".join(parts)


def _bars_section(title: str, rows: Sequence[tuple[str, int]], unit: str) -> str:
    body = _bars(rows, unit) if rows else '<p class="muted">No events loaded yet.</p>'
    return f"<h2>{_e(title)}</h2>\n{body}"


def _bars(rows: Iterable[tuple[str, int]], unit: str) -> str:
    """A table of label, number and a bar as long as the number (the largest is BAR_EM)."""
    rows = list(rows)
    top = max((n for _, n in rows), default=0) or 1
    lines = [f'<table><tr><th></th><th class="n">{_e(unit.capitalize())}</th><th></th></tr>']
    for label, n in rows:
        width = round(BAR_EM * n / top, 2)
        lines.append(
            f'<tr><td>{_e(label)}</td><td class="n">{n}</td>'
            f'<td><span class="bar" style="width: {width}em" title="{n}"></span></td></tr>'
        )
    lines.append("</table>")
    return "\n".join(lines)


def _commitments(served: sqlite3.Connection) -> str:
    rows = served.execute(
        "SELECT c.owner, c.commitment, c.due_date, e.title FROM commitments c"
        " JOIN events e ON e.id = c.event WHERE c.status IN ('open', 'in_progress')"
        " ORDER BY c.owner, coalesce(nullif(c.due_date, ''), '9999'), e.title"
    ).fetchall()
    parts = ["<h2>Open commitments by owner and due date</h2>"]
    if not rows:
        parts.append('<p class="muted">No open commitments.</p>')
        return "\n".join(parts)
    parts.append("<table><tr><th>Owner</th><th>Commitment</th><th>Due</th><th>Event</th></tr>")
    for owner, what, due, event in rows:
        cells = (owner or "Not named", what or "", due or "no date", event or "")
        parts.append("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in cells) + "</tr>")
    parts.append("</table>")
    return "\n".join(parts)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)
