"""The summary of an event: everything a report needs, already redacted and attributed.

`build_summary` reads an event in a handful of set-based queries and applies every privacy
rule once, so the writers (Markdown, CSV, DOCX, JSON) only lay out what they are given and
never decide who may be named.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timezone
from typing import TYPE_CHECKING, Any

from convener.storage.attendees import ATTENDEE_QUERY
from convener.storage.events import agenda as agenda_rows
from convener.storage.events import get_event
from convener.storage.notes import NOTE_ORDER, NOTE_QUERY
from convener.storage.records import EVENT_TEXT
from convener.storage.reports.levels import FULL, PUBLIC, Level, level_named
from convener.storage.reports.model import (
    ActionPoint,
    AgendaEntry,
    Attendee,
    ClockJump,
    EventFacts,
    Point,
    Section,
    Session,
    SpeakerPoints,
    Summary,
)
from convener.storage.reports.redaction import (
    WITHHELD,
    Scrubber,
    may_name,
    owner_label,
    scrubber_for,
    speaker_label,
    withheld_reason,
)
from convener.storage.reports.tallies import Participation, participation
from convener.storage.reports.wording import (
    clock_jump_sentence,
    date_span,
    days_between,
    event_zone,
    local_datetime,
    local_time,
    long_date,
    overview,
    remarks_sentence,
    time_range,
    zone_name,
)
from convener.storage.taxonomy import Taxonomy, Vocabulary, load_taxonomy
from convener.storage.text import name_key, without_controls

if TYPE_CHECKING:
    from sqlite_utils import Database

ACTION_STATUS_LABELS = {
    "open": "Open",
    "in_progress": "In progress",
    "done": "Done",
    "dropped": "Dropped",
}
SOURCE_LABELS = {"expected": "expected", "walk_in": "walk-in"}
FACT_TEXT = ("title", *EVENT_TEXT)
OUTSIDE_AGENDA = "Remarks outside the agenda"

ACTION_QUERY = """
SELECT a.*, p.name AS owner_name, p.stakeholder_group AS owner_group,
  p.organisation AS owner_organisation,
  r.consent AS owner_consent, p.protected AS owner_protected
FROM action_items a LEFT JOIN people p ON p.id = a.owner_person_id
LEFT JOIN registrations r ON r.person_id = a.owner_person_id AND r.event_id = a.event_id
WHERE a.event_id = ? ORDER BY a.created_at, a.rowid
"""


def build_summary(
    db: Database,
    event_ref: str,
    *,
    level: Level | str = PUBLIC,
    unredacted: bool = False,
    marks: bool = False,
) -> Summary:
    """Read the event and decide, once, what each report may say about each person.

    The `public` level (the default) names only people who consented and leaves out phone
    numbers and emails. `verification` names every attendee in the participant list but
    attributes notes, and scrubs typed text, as the public report does. `full`
    (`unredacted`) is for internal use: it adds contacts and names people who did not
    consent. Protected people (survivors, minors) are never named at any level: they are
    counted, and their names are scrubbed from any free text that mentions them.
    Off-the-record and deleted notes are left out. Typed text is scrubbed as it enters the
    summary (see `Scrubber`); `marks` shows each removal, for the preview.
    """
    level = FULL if unredacted else level_named(level) if isinstance(level, str) else level
    unredacted = level.contacts
    tax = load_taxonomy()
    event = get_event(db, event_ref)
    zone = event_zone(event.get("utc_offset"))
    chatham = event.get("attribution_default") == "chatham_house"
    registered = list(db.query(ATTENDEE_QUERY + " ORDER BY r.rowid", [event["id"]]))
    scrub = scrubber_for(
        db.query("SELECT name, phone, id_number, email FROM people WHERE protected = 1"),
        registered,
        unredacted=unredacted,
        marks=marks,
    )
    facts = _facts(event, scrub, chatham, tax)
    people = [
        {**row, **{key: scrub(row.get(key)) for key in ("designation", "organisation", "district")}}
        for row in registered
    ]
    labels = _labels(tax.stakeholder_groups), _labels(tax.genders), _labels(tax.age_bands)
    attendees = [_attendee(p, labels, level, zone) for p in people]
    points = _points(db, event["id"], tax, scrub, chatham=chatham, unredacted=unredacted, zone=zone)
    points = _numbered(points, tax)
    actions = _actions(db, event["id"], tax, scrub, chatham=chatham, unredacted=unredacted)
    agenda = _agenda(db, event["id"], scrub, chatham)
    tallies = participation(people, tax)
    ordered = sorted(attendees, key=lambda a: (a.withheld, name_key(a.name), a.checked_in_at))
    annex = [a for a in ordered if a.attended and not a.withheld]
    reasons = Counter(
        withheld_reason(p, unredacted=unredacted) for p in people if p.get("checked_in_at")
    )
    summary = Summary(
        facts=facts,
        overview=_overview(
            facts, tallies, points, len({p.speaker_number for p in points}), len(actions)
        ),
        agenda=tuple(agenda),
        participation=tallies,
        notable=tuple(a for a in attendees if a.vip and a.attended and not a.withheld),
        points=tuple(points),
        speakers=_by_speaker(points),
        sessions=_sessions(points, agenda),
        sections=tuple(
            Section(s.kind, s.title, tuple(p for p in points if p.kind == s.kind))
            for s in tax.report_sections
        ),
        answers=_answers(points),
        action_points=tuple(actions),
        attendees=tuple(ordered),
        annex=tuple(annex),
        annex_unlisted=tallies.total - len(annex),
        level=level,
        zone=zone_name(zone),
        annex_not_asked=reasons["not_asked"],
        annex_declined_or_protected=reasons["declined"] + reasons["protected"],
        removed=dict(scrub.counts),
        clock_jumps=_clock_jumps(db, event["id"]),
    )
    return without_controls(summary)  # whoever wrote the database, no escapes reach a file


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def _facts(event: dict[str, Any], scrub: Scrubber, chatham: bool, tax: Taxonomy) -> EventFacts:
    text = {key: scrub(event.get(key)) for key in FACT_TEXT}
    objectives = _lines(scrub(event.get("objectives")))
    start, end = event.get("date") or "", event.get("end_date") or ""
    return EventFacts(
        slug=event["slug"],
        date=start,
        end_date=end,
        days=days_between(start, end),
        date_text=date_span(start, end),
        background=_lines(scrub(event.get("background"))),
        conclusions=_lines(scrub(event.get("conclusions"))),
        paper=event.get("paper") or tax.paper_for(event.get("country")),
        utc_offset=event.get("utc_offset") or "",
        start_time=event.get("start_time") or "",
        end_time=event.get("end_time") or "",
        time_text=time_range(event.get("start_time"), event.get("end_time")),
        place_text=", ".join(text[k] for k in ("venue", "city", "province", "country") if text[k]),
        organisers=tuple(scrub(o) for o in event["organisers"]),
        objectives=tuple(o for o in objectives if o),
        status=event.get("status") or "",
        started_at=event.get("started_at") or "",
        ended_at=event.get("ended_at") or "",
        chatham_house=chatham,
        **text,
    )


def _overview(
    facts: EventFacts, tallies: Participation, points: list[Point], speakers: int, actions: int
) -> str:
    opening = overview(
        date_text=facts.date_text,
        total=tallies.total,
        sexes=tallies.sexes_text,
        groups=tallies.groups_represented,
        venue=facts.venue,
        city=facts.city,
        kind=facts.kind,
        theme=facts.theme,
        organisers=facts.organisers,
        host=facts.host,
        chatham_house=facts.chatham_house,
        groups_unrecorded=tallies.groups_unrecorded,
        groups_guessed=tallies.groups_guessed,
        days=facts.days,
        funder=facts.funder,
    )
    remarks = remarks_sentence(Counter(p.kind for p in points), speakers, actions)
    return f"{opening} {remarks}".strip()


def _agenda(db: Database, event_id: str, scrub: Scrubber, chatham: bool) -> list[AgendaEntry]:
    # Under the Chatham House Rule the agenda would say who spoke, so presenters are left out.
    return [
        AgendaEntry(
            position=int(r["position"]),
            title=scrub(r["title"]),
            starts_at=r["starts_at"] or "",
            presenter="" if chatham else scrub(r["presenter"]),
        )
        for r in agenda_rows(db, event_id)
    ]


def _labels(vocabulary: Vocabulary) -> dict[str, str]:
    """Code -> label, looked up once rather than once per attendee."""
    return {term.code: term.label for term in vocabulary.terms}


def _attendee(
    row: dict[str, Any],
    labels: tuple[dict[str, str], dict[str, str], dict[str, str]],
    level: Level,
    zone: timezone | None,
) -> Attendee:
    groups, sexes, ages = labels
    named = may_name(row, unredacted=level.names_everyone)
    group, sex = row.get("stakeholder_group") or "", row.get("gender") or ""
    contacts = named and level.contacts

    def shown(key: str) -> str:
        return str(row.get(key) or "") if named else ""

    source = "walk_in" if row.get("source") == "walk_in" else "expected"
    return Attendee(
        name=row["name"] if named else WITHHELD,
        withheld=not named,
        designation=shown("designation"),
        organisation=shown("organisation"),
        group=group,
        group_label=groups.get(group, group),
        sex=sex,
        sex_label=sexes.get(sex, sex),
        district=shown("district"),
        phone=str(row.get("phone") or "") if contacts else "",
        email=str(row.get("email") or "") if contacts else "",
        age_label=ages.get(row.get("age_band") or "", "") if named else "",
        # Notable participants are part of the narrative: named as the notes are.
        vip=bool(row.get("vip")) and may_name(row, unredacted=level.contacts),
        source=source,
        source_label=SOURCE_LABELS[source],
        checked_in_at=row.get("checked_in_at") or "",
        checked_in_local=local_datetime(row.get("checked_in_at"), zone),
    )


def _points(
    db: Database,
    event_id: str,
    tax: Taxonomy,
    scrub: Scrubber,
    *,
    chatham: bool,
    unredacted: bool,
    zone: timezone | None = None,
) -> list[Point]:
    rows = db.query(
        NOTE_QUERY
        + f" WHERE n.event_id = ? AND n.deleted_at IS NULL ORDER BY {NOTE_ORDER}, n.rowid",
        [event_id],
    )
    points = []
    numbers: dict[str, int] = {}
    for row in rows:
        speaker = speaker_label(
            row, chatham_house=chatham, unredacted=unredacted, taxonomy=tax, scrub=scrub
        )
        if speaker is None:
            continue
        who = row["speaker_id"] or "text:" + (row["speaker_text"] or "").casefold()
        points.append(
            Point(
                note_id=row["id"],
                ref="",
                answers=row.get("answers_note_id") or "",
                speaker=speaker,
                speaker_number=numbers.setdefault(who, len(numbers) + 1),
                kind=row["kind"],
                kind_label=tax.note_kinds.label(row["kind"]),
                text=scrub(row["text"]),
                time=local_time(row["noted_at"], zone),
                noted_at=row["noted_at"] or "",
                addressed_to=scrub(row["addressed_to"]),
                agenda_position=row["agenda_position"],
                agenda_title=scrub(row["agenda_title"]),
                tags=tuple(scrub(tag) for tag in _tags(row["tags"])),
            )
        )
    return points


def _clock_jumps(db: Database, event_id: str) -> tuple[ClockJump, ...]:
    """Jumps of the computer's clock noticed while this event's records were stamped."""
    jumps = []
    for row in db.query(
        "SELECT detail FROM audit WHERE action = 'clock_jump' AND event_id = ? ORDER BY rowid",
        [event_id],
    ):
        try:
            detail = json.loads(row["detail"])
            before, after = _utc(int(detail["before_ms"])), _utc(int(detail["after_ms"]))
            seconds = float(detail["seconds"])
        except (ValueError, KeyError, TypeError):
            continue
        jumps.append(ClockJump(before, after, seconds, clock_jump_sentence(before, after, seconds)))
    return tuple(jumps)


def _utc(ms: int) -> str:
    moment = datetime.fromtimestamp(ms / 1000, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _tags(raw: str | None) -> list[str]:
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return []
    return [str(t) for t in value] if isinstance(value, list) else []


def _numbered(points: list[Point], tax: Taxonomy) -> list[Point]:
    """Points of a kind with its own section numbered in speaking order: R1, R2, ...

    An answer to a question that is in the report is listed with the question instead, so
    it is not numbered on its own.
    """
    kept = {p.note_id for p in points}
    counters: Counter[str] = Counter()
    out = []
    for point in points:
        section = tax.section(point.kind)
        if point.answers and point.answers not in kept:
            point = replace(point, answers="")  # its question is off the record or deleted
        if section is not None and not point.answers:
            counters[point.kind] += 1
            point = replace(point, ref=f"{section.prefix}{counters[point.kind]}")
        out.append(point)
    return out


def _answers(points: list[Point]) -> dict[str, tuple[Point, ...]]:
    """Question note id -> the points that answer it, in speaking order."""
    out: dict[str, list[Point]] = {}
    for point in points:
        if point.answers:
            out.setdefault(point.answers, []).append(point)
    return {k: tuple(v) for k, v in out.items()}


def _turns(points: list[Point]) -> tuple[SpeakerPoints, ...]:
    """Consecutive points by one speaker as one turn, so the order of speaking is kept."""
    turns: list[tuple[tuple[int, str], list[Point]]] = []
    for point in points:
        key = (point.speaker_number, point.speaker)
        if turns and turns[-1][0] == key:
            turns[-1][1].append(point)
        else:
            turns.append((key, [point]))
    return tuple(SpeakerPoints(speaker, tuple(p)) for (_, speaker), p in turns)


def _sessions(points: list[Point], agenda: list[AgendaEntry]) -> tuple[Session, ...]:
    """The proceedings: each agenda session with what was said in it, in agenda order."""
    sessions = [
        Session(
            a.position,
            a.title,
            a.starts_at,
            a.presenter,
            _turns([p for p in points if p.agenda_position == a.position]),
        )
        for a in agenda
    ]
    known = {a.position for a in agenda}
    outside = [p for p in points if p.agenda_position not in known]
    if outside:
        sessions.append(Session(0, OUTSIDE_AGENDA, "", "", _turns(outside)))
    return tuple(s for s in sessions if s.turns)


def _by_speaker(points: list[Point]) -> tuple[SpeakerPoints, ...]:
    """Points grouped under each speaker, speakers in the order they first spoke.

    A person's named and role-only remarks fall under separate headings, so the role-only
    ones are not tied to the name.
    """
    grouped: dict[tuple[int, str], list[Point]] = {}
    for point in points:
        grouped.setdefault((point.speaker_number, point.speaker), []).append(point)
    return tuple(SpeakerPoints(speaker, tuple(p)) for (_, speaker), p in grouped.items())


def _actions(
    db: Database, event_id: str, tax: Taxonomy, scrub: Scrubber, *, chatham: bool, unredacted: bool
) -> list[ActionPoint]:
    actions = []
    for row in db.query(ACTION_QUERY, [event_id]):
        status = row.get("status") or "open"
        actions.append(
            ActionPoint(
                who=owner_label(
                    row, chatham_house=chatham, unredacted=unredacted, taxonomy=tax, scrub=scrub
                ),
                what=scrub(row["what"]),
                due_date=row.get("due_date") or "",
                due_text=long_date(row.get("due_date")),
                status=status,
                status_label=ACTION_STATUS_LABELS.get(status, status),
            )
        )
    return actions
