"""The event report as an outline: every section, title and sentence decided once, here.

The order is that of an event report a donor accepts: title block, overview, background,
objectives, participation, proceedings by agenda session, the consolidated sections the
taxonomy names (questions with their answers, concerns, recommendations, commitments),
action points, conclusions and way forward, then the annexes (agenda, participant list).
Each statement appears in full once: a point with its own section is written there, and
the proceedings point to it by number (`R2`). Empty sections are left out.
"""

from __future__ import annotations

from collections.abc import Sequence

from convener.storage.reports.model import Point, Section, Session, Summary
from convener.storage.reports.outline import (
    Block,
    BulletList,
    Heading,
    Outline,
    Paragraph,
    Run,
    Table,
    chart_of,
)
from convener.storage.reports.redaction import named_label
from convener.storage.reports.tallies import Tally

QUESTION = "question"
NO_ANSWER = "No answer was recorded."
NO_NOTES = "No notes were recorded."
SIGNATURE = "Signature"


def report_outline(summary: Summary) -> Outline:
    """The whole report as blocks, at the summary's privacy level."""
    f = summary.facts
    blocks: list[Block] = [Heading(f.title, 0)]
    if summary.level.notice:
        blocks.append(Paragraph(((summary.level.notice, "b"),)))
    blocks.append(BulletList(tuple(((f"{k}: ", "b"), (v, "")) for k, v in f.labelled())))
    blocks += [Heading("Overview", 1), Paragraph.plain(summary.overview)]
    if f.background:
        blocks += [Heading("Background", 1), *map(Paragraph.plain, f.background)]
    if f.objectives:
        blocks += [Heading("Objectives", 1), BulletList(tuple(((o, ""),) for o in f.objectives))]
    blocks += _participation(summary)
    blocks += _proceedings(summary)
    for section in summary.sections:
        if section.points:
            blocks += _section(summary, section)
    blocks += _actions(summary)
    if f.conclusions:
        blocks += [Heading("Conclusions and way forward", 1), *map(Paragraph.plain, f.conclusions)]
    if summary.clock_jumps:
        # The computer's clock moved while records were stamped: times may not be in order.
        blocks += [
            Heading("A note on times", 1),
            BulletList(tuple(((jump.text, ""),) for jump in summary.clock_jumps)),
        ]
    blocks += _annexes(summary)
    header = f.title + (f" · {f.funder}" if f.funder else "")
    return Outline(
        title=f.title,
        blocks=tuple(blocks),
        header=header,
        notice=summary.level.notice,
        author=f.prepared_by or f.rapporteur or "; ".join(f.organisers),
        paper=f.paper,
        keywords=(f.theme,) if f.theme else (),
    )


def share(n: int, total: int) -> str:
    return f"{round(100 * n / total)}%" if total else ""


# The tallies a chart follows: the proportions a donor looks for (sex, age, groups).
CHARTED = ("Sex", "Age band", "Stakeholder group")


def _tally(title: str, what: str, tallies: Sequence[Tally], total: int) -> list[Block]:
    rows = tuple((t.label, str(t.count), share(t.count, total)) for t in tallies)
    table = Table((what, "Participants", "Share"), rows, numeric=(1, 2))
    if what not in CHARTED:
        return [Heading(title, 2), table]
    return [Heading(title, 2), table, chart_of(table, f"Participants by {what.lower()}")]


def _participation(summary: Summary) -> list[Block]:
    part = summary.participation
    blocks: list[Block] = [Heading("Participation", 1), Paragraph.plain(part.text)]
    if part.expected:
        rows = (
            ("Expected", str(part.expected)),
            ("Expected and attended", str(part.expected_attended)),
            ("Walk-ins", str(part.walk_ins)),
            ("Total attended", str(part.total)),
        )
        table = Table(("", "People"), rows, numeric=(1,))
        chart = chart_of(
            table,
            "Expected and attended",
            lighter=("Expected",),
            legend=("Attended", "Expected"),
        )
        blocks += [Heading("Expected and attended", 2), table, chart]
    if part.total:
        for title, what, tallies in (
            ("By sex", "Sex", part.by_sex),
            ("By age band", "Age band", part.by_age),
            ("Disability", "Disability", part.by_disability),
            ("By stakeholder group", "Stakeholder group", part.by_group),
            ("By organisation", "Organisation", part.by_organisation),
        ):
            if tallies:
                blocks += _tally(title, what, tallies, part.total)
    if summary.notable:
        items = tuple(_notable(a.name, a.designation, a.organisation) for a in summary.notable)
        blocks += [Heading("Notable participants", 2), BulletList(items)]
    return blocks


def _notable(name: str, designation: str, organisation: str) -> tuple[Run, ...]:
    rest = named_label("", designation, organisation)
    return ((name, "b"), (f", {rest}" if rest else "", ""))


def _proceedings(summary: Summary) -> list[Block]:
    blocks: list[Block] = [Heading("Proceedings", 1)]
    if not summary.sessions:
        return [*blocks, Paragraph.plain(NO_NOTES)]
    for session in summary.sessions:
        blocks += _session(summary, session)
    return blocks


def _session(summary: Summary, session: Session) -> list[Block]:
    blocks: list[Block] = [Heading(session.heading, 2)]
    if session.presenter:
        blocks.append(Paragraph(((f"Led by {session.presenter}", "i"),)))
    for turn in session.turns:
        blocks.append(Heading(turn.speaker, 3))
        blocks.append(BulletList(tuple(_in_session(summary, p) for p in turn.points)))
    return blocks


def _in_session(summary: Summary, point: Point) -> tuple[Run, ...]:
    """A point as the proceedings show it: in full, or a pointer to where it is in full."""
    titles = {s.kind: s.title for s in summary.sections}
    if point.answers:
        question = next(p for p in summary.points if p.note_id == point.answers)
        return ((f"Answer to {question.ref}", "i"), (f" (see {titles[QUESTION]})", ""))
    if point.ref:
        return ((f"{point.kind_label} {point.ref}", "i"), (f" (see {titles[point.kind]})", ""))
    lead = ((f"{point.lead}: ", "i"),) if point.lead else ()
    return (*lead, (point.wording, ""))


def _said(summary: Summary, point: Point) -> tuple[Run, ...]:
    """`text — Speaker (session 3)` for a consolidated list."""
    where = summary.session_of(point)
    return (
        (point.wording, ""),
        (" — ", ""),
        (point.speaker, "i"),
        (f" ({where})" if where else "", ""),
    )


def _section(summary: Summary, section: Section) -> list[Block]:
    blocks: list[Block] = [Heading(section.title, 1)]
    if section.kind == QUESTION:
        for question in section.points:
            blocks.append(Paragraph(((f"{question.ref}. ", "b"), *_said(summary, question))))
            answers = summary.answers.get(question.note_id, ())
            answered = tuple((("Answer: ", "b"), *_said(summary, a)) for a in answers)
            blocks.append(BulletList(answered or (((NO_ANSWER, "i"),),)))
        return blocks
    items: list[tuple[Run, ...]] = []
    for point in section.points:
        to = ((f"To {point.addressed_to}: ", "b"),) if point.addressed_to else ()
        items.append(((f"{point.ref}. ", "b"), *to, *_said(summary, point)))
    return [*blocks, BulletList(tuple(items))]


def _actions(summary: Summary) -> list[Block]:
    if not summary.action_points:
        return []
    rows = tuple(
        (str(n), a.what, a.who, a.due_text, a.status_label)
        for n, a in enumerate(summary.action_points, 1)
    )
    return [
        Heading("Action points", 1),
        Table(("No.", "Action", "Who", "By when", "Status"), rows, numeric=(0,)),
    ]


def agenda_table(summary: Summary) -> Table:
    """The agenda; the "Led by" column only when someone is named in it."""
    if any(a.presenter for a in summary.agenda):
        return Table(
            ("Time", "Session", "Led by"),
            tuple((a.starts_at, a.title, a.presenter) for a in summary.agenda),
        )
    return Table(("Time", "Session"), tuple((a.starts_at, a.title) for a in summary.agenda))


def _annexes(summary: Summary) -> list[Block]:
    blocks: list[Block] = []
    number = 0
    if summary.agenda:
        number += 1
        blocks += [Heading(f"Annex {number}: Agenda", 1), agenda_table(summary)]
    number += 1
    level = summary.level
    title = "Participant list" + (
        " (means of verification)" if level.code == "verification" else ""
    )
    blocks.append(Heading(f"Annex {number}: {title}", 1))
    header = ["No.", "Name", "Designation", "Organisation"]
    rows: list[tuple[str, ...]]
    if level.code == "verification":
        header += ["Sex", SIGNATURE]
        rows = [
            (str(n), a.name, a.designation, a.organisation, a.sex_label, "")
            for n, a in enumerate(summary.annex, 1)
        ]
    else:
        header += ["Stakeholder group", "Sex", "District"]
        rows = [
            (str(n), a.name, a.designation, a.organisation, a.group_label, a.sex_label, a.district)
            for n, a in enumerate(summary.annex, 1)
        ]
        if level.contacts:
            header += ["Phone", "Email"]
            rows = [(*row, a.phone, a.email) for row, a in zip(rows, summary.annex, strict=True)]
    if not rows and not summary.annex_note:
        return blocks[:-1]  # nobody attended: no list to annex
    if rows:
        blocks.append(
            Table(tuple(header), tuple(rows), numeric=(0,), tall=level.code == "verification")
        )
    if summary.annex_note:
        blocks.append(Paragraph.plain(summary.annex_note))
    return blocks
