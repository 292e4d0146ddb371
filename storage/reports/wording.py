"""The words a report is written in: dates, times, counts and the factual overview.

Every writer shows the same sentences, so they are composed once here from plain values.
Times are stored in UTC and shown in the event's local time (its UTC offset when it has one,
else the time of the computer that writes the report).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta, timezone

# How counts by sex read in a sentence: code -> (one, many).
SEX_WORDS: dict[str, tuple[str, str]] = {
    "female": ("woman", "women"),
    "male": ("man", "men"),
    "transgender": ("transgender person", "transgender persons"),
}


# Names that take "the" in a sentence: "the Embassy of Denmark", "the Serena Hotel".
_THE_FIRST = (
    "embassy of",
    "ministry of",
    "department of",
    "government of",
    "university of",
    "office of",
    "high commission",
    "consulate",
    "directorate",
    "united nations",
    "european union",
)
_THE_LAST = {
    "organization",
    "organisation",
    "agency",
    "commission",
    "department",
    "ministry",
    "society",
    "foundation",
    "trust",
    "network",
    "forum",
    "alliance",
    "council",
    "association",
    "programme",
    "program",
    "fund",
    "union",
    "institute",
    "centre",
    "center",
    "hotel",
    "hall",
    "club",
    "auditorium",
    "complex",
    "office",
    "secretariat",
    "assembly",
    "authority",
    "bureau",
    "committee",
    "coalition",
    "federation",
    "university",
    "college",
    "academy",
}
_ACRONYM = re.compile(r"\s*\([^()]*\)$")


def with_article(name: str) -> str:
    """`the Embassy of Denmark`, `the Serena Hotel`, but `IOM` and `Save the Children` as is."""
    core = _ACRONYM.sub("", name).strip().lower()
    words = core.split()
    if not words or words[0] == "the":
        return name
    nouns = [w.strip(".,") in _THE_LAST for w in words]
    # "... Organization for Migration", "... University of IT": a noun heads the name.
    headed = any(
        n and nxt in {"for", "of", "on"} for n, nxt in zip(nouns[:-1], words[1:], strict=True)
    )
    if core.startswith(_THE_FIRST) or nouns[-1] or headed:
        return f"the {name}"
    return name


def long_date(iso: str | None) -> str:
    """`2025-05-14` as `14 May 2025`, the way reports write dates."""
    if not iso:
        return ""
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {day:%B %Y}"


_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def event_zone(offset: str | None) -> timezone | None:
    """`+05:00` as a time zone; None (the computer's own zone) when the event has none."""
    if not offset:
        return None
    sign = -1 if offset.startswith("-") else 1
    hours, _, minutes = offset.lstrip("+-").partition(":")
    try:
        return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes or 0)))
    except ValueError:
        return None


def zone_name(zone: timezone | None) -> str:
    """`UTC+05:00` for a header saying which clock the times are on."""
    moment = datetime.now(zone).astimezone(zone) if zone else datetime.now().astimezone()
    offset = moment.strftime("%z")
    return f"UTC{offset[:3]}:{offset[3:]}"


def _local(stamp: str | None, zone: timezone | None = None) -> datetime | None:
    if not stamp:
        return None
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(zone)
    except ValueError:
        return None


def local_time(stamp: str | None, zone: timezone | None = None) -> str:
    """A stored UTC stamp as local `HH:MM` (blank when there is none)."""
    moment = _local(stamp, zone)
    return moment.strftime("%H:%M") if moment else ""


def local_datetime(stamp: str | None, zone: timezone | None = None) -> str:
    """A stored UTC stamp as local `YYYY-MM-DD HH:MM`, which spreadsheets read as a date."""
    moment = _local(stamp, zone)
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""


def date_span(start: str | None, end: str | None) -> str:
    """`14 May 2025`, `14–15 May 2025`, `30 May – 1 June 2025` for one or several days."""
    first = long_date(start)
    try:
        a, b = date.fromisoformat(start or ""), date.fromisoformat(end or "")
    except ValueError:
        return first
    if b <= a:
        return first
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day}–{b.day} {b:%B %Y}"
    if a.year == b.year:
        return f"{a.day} {a:%B} – {b.day} {b:%B %Y}"
    return f"{first} – {long_date(end)}"


def days_between(start: str | None, end: str | None) -> int:
    """How many days an event lasts (1 without a later end date)."""
    try:
        return max(1, (date.fromisoformat(end or "") - date.fromisoformat(start or "")).days + 1)
    except ValueError:
        return 1


def what_it_was(kind: str, days: int) -> str:
    """`dialogue`, `two-day workshop`: what the overview calls the event."""
    what = kind or "meeting"
    if days > 1:
        number = _NUMBER_WORDS[days] if days < len(_NUMBER_WORDS) else str(days)
        what = f"{number}-day {what}"
    return what


def time_range(start: str | None, end: str | None) -> str:
    if start and end:
        return f"{start}–{end}"
    return start or end or ""


def count(n: int, one: str, many: str | None = None) -> str:
    """`1 participant`, `2 participants`."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def join_words(items: Sequence[str]) -> str:
    """`A`, `A and B`, `A, B and C`."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def sex_phrase(counts: Iterable[tuple[str, int]]) -> str:
    """`16 women, 21 men` from (sex code, count) pairs; unknown codes read `not stated`."""
    parts: list[str] = []
    other = 0
    for code, n in counts:
        if code in SEX_WORDS and n:
            parts.append(count(n, *SEX_WORDS[code]))
        else:
            other += n
    if other:
        parts.append(f"{other} not stated")
    return ", ".join(parts)


def capitalised(text: str) -> str:
    """`a participant from the police` as a heading: first letter upper case, rest as typed."""
    return text[:1].upper() + text[1:]


def article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def overview(
    *,
    date_text: str,
    total: int,
    sexes: str,
    groups: int,
    venue: str,
    city: str,
    kind: str,
    theme: str,
    organisers: Sequence[str],
    host: str,
    chatham_house: bool,
    groups_unrecorded: int = 0,
    groups_guessed: int = 0,
    days: int = 1,
    funder: str = "",
) -> str:
    """The opening paragraph: who met, when, where, on what, organised and hosted by whom.

    It reads right whatever is missing: no venue gives "in Quetta", several days "a two-day
    workshop", no kind "a meeting". A count of stakeholder groups always says how many
    participants have none recorded, and how many groups were guessed from organisations
    and not yet reviewed.
    """
    if venue:
        where = "at " + ", ".join(p for p in (with_article(venue), city) if p)
    else:
        where = f"in {city}" if city else ""
    what = what_it_was(kind, days)
    topic = f" on “{theme}”" if theme else ""
    if total:
        sentence = count(total, "participant") + (f" ({sexes})" if sexes else "")
        if groups:
            sentence += f" from {count(groups, 'stakeholder group')}"
            if groups_unrecorded:
                sentence += f" ({groups_unrecorded} with no group recorded)"
        sentence += " met" + (f" {where}," if where else "")
        if theme or kind or days > 1:
            sentence += f" for {article(what)} {what}{topic}"
    else:
        sentence = f"{article(what)} {what}{topic} was held" + (f" {where}" if where else "")
    sentence = sentence.rstrip(",")
    sentence = f"On {date_text}, {sentence}" if date_text else capitalised(sentence)
    if organisers:
        jointly = " jointly" if len(organisers) > 1 else ""
        names = [with_article(o) for o in organisers]
        sentence += f", organised{jointly} by {join_words(names)}"
    text = sentence + "."
    if not total:
        text += " No check-ins were recorded."
    if total and groups_guessed:
        text += (
            f" The stakeholder group of {count(groups_guessed, 'participant')} was guessed"
            " from their organisation and not yet reviewed."
        )
    if funder:
        text += f" It was funded by {with_article(funder)}."
    if host:
        text += f" The {what} was hosted by {host}."
    if chatham_house:
        text += (
            f" The {what} was held under the Chatham House Rule: remarks are reported"
            " without naming who made them."
        )
    return text


def remarks_sentence(kinds: dict[str, int], speakers: int, actions: int) -> str:
    """`In all, 11 speakers made 10 key points, ...; 4 action points were recorded.`"""
    order = (
        ("key_point", "key point"),
        ("recommendation", "recommendation"),
        ("concern", "concern"),
        ("commitment", "commitment"),
        ("question", "question"),
    )
    made = [count(kinds[code], word) for code, word in order if kinds.get(code)]
    text = ""
    if made:
        text = f"In all, {count(speakers, 'speaker')} made {join_words(made)}"
    if actions:
        recorded = f"{count(actions, 'action point')} {'was' if actions == 1 else 'were'} recorded"
        text = f"{text}; {recorded}" if text else capitalised(recorded)
    return text + "." if text else ""


def duration_text(seconds: float) -> str:
    """`1 h 02 min`, `5 min`, `40 s`: how far a clock jumped."""
    seconds = abs(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    hours, minutes = divmod(seconds // 60, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def clock_jump_sentence(before: str, after: str, seconds: float) -> str:
    """What a reader of the report needs to know about a clock that was moved mid-session."""
    way = "back" if seconds < 0 else "forward"
    return (
        f"The computer's clock jumped {way} by {duration_text(seconds)} at "
        f"{local_datetime(after)} (it had read {local_datetime(before)}). Notes and check-ins "
        "are listed in the order they were taken; times recorded after the jump are as the "
        "clock showed them."
    )
