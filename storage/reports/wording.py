"""The words a report is written in: dates, times, counts and the factual overview.

Every writer shows the same sentences, so they are composed once here from plain values.
Times are stored in UTC and shown in the local time of the computer that writes the report.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime

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


def _local(stamp: str | None) -> datetime | None:
    if not stamp:
        return None
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone()
    except ValueError:
        return None


def local_time(stamp: str | None) -> str:
    """A stored UTC stamp as local `HH:MM` (blank when there is none)."""
    moment = _local(stamp)
    return moment.strftime("%H:%M") if moment else ""


def local_datetime(stamp: str | None) -> str:
    """A stored UTC stamp as local `YYYY-MM-DD HH:MM`, which spreadsheets read as a date."""
    moment = _local(stamp)
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""


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
) -> str:
    """The opening paragraph: who met, when, where, on what, organised and hosted by whom.

    A count of stakeholder groups always says how many participants have none recorded,
    and how many groups were guessed from organisations and not yet reviewed.
    """
    where = ", ".join(p for p in (with_article(venue) if venue else "", city) if p)
    what = kind or "meeting"
    topic = f" on “{theme}”" if theme else ""
    if total:
        sentence = count(total, "participant") + (f" ({sexes})" if sexes else "")
        if groups:
            sentence += f" from {count(groups, 'stakeholder group')}"
            if groups_unrecorded:
                sentence += f" ({groups_unrecorded} with no group recorded)"
        sentence += " met" + (f" at {where}," if where else "")
        if theme or kind:
            sentence += f" for {article(what)} {what}{topic}"
    else:
        sentence = f"{article(what)} {what}{topic} was held" + (f" at {where}" if where else "")
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
    if host:
        text += f" The session was hosted by {host}."
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
