"""The shape of an event summary: plain frozen dataclasses the report writers lay out.

Values here are final: names already withheld, speakers already attributed, times already
local. A writer reads them and formats them; it never decides what may be shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from convener.storage.reports.levels import Level
from convener.storage.reports.tallies import Participation


@dataclass(frozen=True)
class EventFacts:
    """What, when, where and by whom, as entered for the event."""

    slug: str
    title: str
    theme: str
    kind: str
    date: str
    end_date: str
    days: int
    date_text: str
    start_time: str
    end_time: str
    time_text: str
    venue: str
    city: str
    district: str
    province: str
    country: str
    place_text: str
    organisers: tuple[str, ...]
    host: str
    rapporteur: str
    objectives: tuple[str, ...]
    language: str
    status: str
    started_at: str
    ended_at: str
    chatham_house: bool
    funder: str
    project: str
    prepared_by: str
    background: tuple[str, ...]
    conclusions: tuple[str, ...]
    paper: str
    utc_offset: str

    def labelled(self) -> list[tuple[str, str]]:
        """The facts block at the top of every report: (label, value), empty ones left out."""
        facts = (
            ("Date" if self.days == 1 else "Dates", self.date_text),
            ("Time", self.time_text),
            ("Venue", self.place_text),
            ("Funded by", self.funder),
            ("Project", self.project),
            ("Organised by", "; ".join(self.organisers)),
            ("Hosted by", self.host),
            ("Rapporteur", self.rapporteur),
            ("Prepared by", self.prepared_by if self.prepared_by != self.rapporteur else ""),
        )
        return [(label, value) for label, value in facts if value]


@dataclass(frozen=True)
class AgendaEntry:
    position: int
    title: str
    starts_at: str
    presenter: str


@dataclass(frozen=True)
class Attendee:
    """One registered person as reports may show them (`withheld`: name and details hidden)."""

    name: str
    withheld: bool
    designation: str
    organisation: str
    group: str
    group_label: str
    sex: str
    sex_label: str
    district: str
    phone: str
    email: str
    age_label: str
    vip: bool
    source: str
    source_label: str
    checked_in_at: str
    checked_in_local: str

    @property
    def attended(self) -> bool:
        return bool(self.checked_in_at)


@dataclass(frozen=True)
class Point:
    """One note as reported: who (already attributed), what kind, when, and the words.

    `speaker_number` tells speakers apart without identifying them: 1 for whoever spoke
    first, 2 for the next, so two officials described alike stay two speakers. `ref` numbers
    a point that has its own report section (`R2`); `answers` is the question it answers.
    """

    note_id: str
    ref: str
    answers: str
    speaker: str
    speaker_number: int
    kind: str
    kind_label: str
    text: str
    time: str
    noted_at: str
    addressed_to: str
    agenda_position: int | None
    agenda_title: str
    tags: tuple[str, ...]

    @property
    def lead(self) -> str:
        """The kind in words for a bullet (`Recommendation to SSDO`); blank for a key point."""
        if self.kind == "key_point":
            return ""
        if self.kind == "recommendation" and self.addressed_to:
            return f"{self.kind_label} to {self.addressed_to}"
        return self.kind_label

    @property
    def wording(self) -> str:
        """The text as reported: a quote in quotation marks, anything else as noted."""
        if self.kind == "quote":
            return "“" + self.text.strip('“”" ') + "”"
        return self.text


@dataclass(frozen=True)
class SpeakerPoints:
    speaker: str
    points: tuple[Point, ...]


@dataclass(frozen=True)
class Session:
    """One agenda session with its speakers' turns in speaking order (`position` 0: none)."""

    position: int
    title: str
    starts_at: str
    presenter: str
    turns: tuple[SpeakerPoints, ...]

    @property
    def heading(self) -> str:
        if not self.position:
            return self.title
        when = f" ({self.starts_at})" if self.starts_at else ""
        return f"Session {self.position}: {self.title}{when}"


@dataclass(frozen=True)
class Section:
    """A note kind gathered into its own report section (titles and order from the taxonomy)."""

    kind: str
    title: str
    points: tuple[Point, ...]


@dataclass(frozen=True)
class ActionPoint:
    who: str
    what: str
    due_date: str
    due_text: str
    status: str
    status_label: str


@dataclass(frozen=True)
class ClockJump:
    """The computer's clock moved while notes or check-ins were being stamped (storage/hlc.py)."""

    before: str  # UTC stamps: what the clock read, then what it read next
    after: str
    seconds: float
    text: str


@dataclass(frozen=True)
class Summary:
    """Everything the writers need, at one privacy `level`; `removed` says how many names
    and contacts were scrubbed from typed text."""

    facts: EventFacts
    overview: str
    agenda: tuple[AgendaEntry, ...]
    participation: Participation
    notable: tuple[Attendee, ...]
    points: tuple[Point, ...]
    speakers: tuple[SpeakerPoints, ...]
    sessions: tuple[Session, ...]
    sections: tuple[Section, ...]
    answers: dict[str, tuple[Point, ...]]
    action_points: tuple[ActionPoint, ...]
    attendees: tuple[Attendee, ...]
    annex: tuple[Attendee, ...]
    annex_unlisted: int
    level: Level
    zone: str
    removed: dict[str, int] = field(default_factory=dict)  # kind -> how many, from typed text
    clock_jumps: tuple[ClockJump, ...] = ()
    # The two reasons a public report gives for people it counts but does not list. A
    # separate count of protected people could identify a survivor in a small event.
    annex_not_asked: int = 0
    annex_declined_or_protected: int = 0

    @property
    def unredacted(self) -> bool:
        """Contacts included (the `full` level)."""
        return self.level.contacts

    def session_of(self, point: Point) -> str:
        """`session 3` for pointing back from a consolidated list (blank: outside the agenda)."""
        return f"session {point.agenda_position}" if point.agenda_position else ""

    def of_kind(self, kind: str) -> tuple[Point, ...]:
        return tuple(p for p in self.points if p.kind == kind)

    @property
    def concerns(self) -> tuple[Point, ...]:
        return self.of_kind("concern")

    @property
    def recommendations(self) -> tuple[Point, ...]:
        return self.of_kind("recommendation")

    @property
    def commitments(self) -> tuple[Point, ...]:
        return self.of_kind("commitment")

    @property
    def questions(self) -> tuple[Point, ...]:
        return self.of_kind("question")

    @property
    def quotes(self) -> tuple[Point, ...]:
        return self.of_kind("quote")

    @property
    def attended(self) -> tuple[Attendee, ...]:
        return tuple(a for a in self.attendees if a.attended)

    @property
    def annex_note(self) -> str:
        """Why the annex lists fewer people than the total (blank when it does not)."""
        n = self.annex_unlisted
        if not n:
            return ""
        reasons = []
        if self.annex_not_asked:
            were = "was" if self.annex_not_asked == 1 else "were"
            reasons.append(f"{self.annex_not_asked} {were} not asked whether they may be named")
        if self.annex_declined_or_protected:
            reasons.append(f"{self.annex_declined_or_protected} declined or are protected")
        why = " and ".join(reasons)
        if not self.annex:
            everyone = "the participant" if n == 1 else f"the {n} participants"
            return f"This report names no participant: of {everyone} counted above, {why}."
        who = "participant is" if n == 1 else "participants are"
        return f"A further {n} {who} counted above but not listed: {why}."
