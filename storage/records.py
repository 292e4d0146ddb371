"""Field rules for events and attendees, shared by every way data comes in.

YAML files, spreadsheets, the setup screen and the walk-in form all validate through these
functions, so a value rejected in one place is rejected the same way everywhere.
Each validator returns the cleaned row and a list of `field: problem` strings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import time
from typing import Any

from convener.storage.taxonomy import Vocabulary, load_taxonomy
from convener.storage.text import clean_block, clean_line, digits, parse_date

MAX_LINE = 300
MAX_NAME = 200
MAX_BLOCK = 20_000
TRUE_WORDS = {"yes", "y", "true", "1", "x", "ok", "ہاں", "haan", "han"}
FALSE_WORDS = {"no", "n", "false", "0", "", "نہیں", "nahi"}
EVENT_STATUSES = ("planned", "live", "ended")
ATTRIBUTION_DEFAULTS = ("named", "chatham_house")
ACTION_STATUSES = ("open", "in_progress", "done", "dropped")

ATTENDEE_TEXT = ("designation", "organisation", "district", "disability", "id_number")
ATTENDEE_FLAGS = ("consent_name", "consent_photo", "protected", "vip", "sample")
ATTENDEE_FIELDS = (
    "name",
    *ATTENDEE_TEXT,
    "stakeholder_group",
    "gender",
    "age_band",
    "phone",
    "email",
    *ATTENDEE_FLAGS,
)
EVENT_TEXT = (
    "theme",
    "kind",
    "venue",
    "city",
    "district",
    "province",
    "country",
    "host",
    "rapporteur",
    "language",
)


class Problems(list[str]):
    """Collects `field: problem` messages with a common prefix (e.g. `attendees[3]`)."""

    def __init__(self, prefix: str = "") -> None:
        super().__init__()
        self.prefix = prefix

    def add(self, field: str, message: str) -> None:
        if not self.prefix:
            self.append(f"{field}: {message}")
        elif self.prefix.startswith("line "):
            self.append(f"{self.prefix}: {field}: {message}")
        else:
            self.append(f"{self.prefix}.{field}: {message}")


def as_flag(value: Any, field: str, problems: Problems) -> int:
    """yes/no/true/false/1/0 (any case) as 1 or 0."""
    word = clean_line(value).casefold()
    if word in TRUE_WORDS:
        return 1
    if word in FALSE_WORDS:
        return 0
    problems.add(field, f"expected yes or no, got {clean_line(value)!r}")
    return 0


def as_line(value: Any, field: str, problems: Problems, limit: int = MAX_LINE) -> str:
    text = clean_line(value)
    if len(text) > limit:
        problems.add(field, f"is {len(text):,} characters; the limit is {limit}")
        return text[:limit]
    return text


def as_choice(value: Any, vocab: Vocabulary, field: str, problems: Problems) -> str | None:
    """A taxonomy code from a code, label or alias; blank is allowed (None)."""
    text = clean_line(value)
    if not text:
        return None
    code = vocab.resolve(text)
    if code is None:
        problems.add(field, f"expected one of {', '.join(vocab.codes)}; got {text!r}")
    return code


def as_date(value: Any, field: str, problems: Problems, required: bool = False) -> str | None:
    text = clean_line(value)
    if not text:
        if required:
            problems.add(field, "is required (DD/MM/YYYY or YYYY-MM-DD)")
        return None
    try:
        return parse_date(text).isoformat()
    except ValueError as exc:
        problems.add(field, str(exc))
        return None


def as_time(value: Any, field: str, problems: Problems) -> str | None:
    text = clean_line(value)
    if not text:
        return None
    if re.fullmatch(r"\d{1,2}:\d{2}", text):
        text = text.zfill(5)
    try:
        return time.fromisoformat(text).strftime("%H:%M")
    except ValueError:
        problems.add(field, f"expected a time as HH:MM (24-hour), got {text!r}")
        return None


def as_phone(value: Any, problems: Problems) -> str:
    text = clean_line(value)
    if not text:
        return ""
    if not re.fullmatch(r"[+\d\s()\-./۰-۹٠-٩]+", text) or not 7 <= len(digits(text)) <= 15:
        problems.add("phone", f"expected 7 to 15 digits, got {text!r}")
    return text


def as_email(value: Any, problems: Problems) -> str:
    text = clean_line(value)
    if text and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text):
        problems.add("email", f"not an email address: {text!r}")
    return text


def validate_attendee(raw: Mapping[str, Any], prefix: str = "") -> tuple[dict[str, Any], Problems]:
    """Clean one attendee; unknown keys are reported, absent optional ones left blank."""
    tax = load_taxonomy()
    problems = Problems(prefix)
    row: dict[str, Any] = {"name": as_line(raw.get("name"), "name", problems, MAX_NAME)}
    if not row["name"]:
        problems.add("name", "is required")
    for field in ATTENDEE_TEXT:
        row[field] = as_line(raw.get(field), field, problems)
    row["stakeholder_group"] = as_choice(
        raw.get("stakeholder_group"), tax.stakeholder_groups, "stakeholder_group", problems
    )
    row["gender"] = as_choice(raw.get("gender"), tax.genders, "gender", problems)
    row["age_band"] = as_choice(raw.get("age_band"), tax.age_bands, "age_band", problems)
    row["phone"] = as_phone(raw.get("phone"), problems)
    row["email"] = as_email(raw.get("email"), problems)
    for field in ATTENDEE_FLAGS:
        row[field] = as_flag(raw.get(field), field, problems)
    if row["protected"]:
        row["consent_name"] = 0
        row["consent_photo"] = 0
    return row, problems


def validate_event(raw: Mapping[str, Any], prefix: str = "") -> tuple[dict[str, Any], Problems]:
    """Clean an event's own fields (not its agenda or people)."""
    problems = Problems(prefix)
    row: dict[str, Any] = {"title": as_line(raw.get("title"), "title", problems)}
    if not row["title"]:
        problems.add("title", "is required")
    row["date"] = as_date(raw.get("date"), "date", problems, required=True)
    row["start_time"] = as_time(raw.get("start_time"), "start_time", problems)
    row["end_time"] = as_time(raw.get("end_time"), "end_time", problems)
    if row["start_time"] and row["end_time"] and row["end_time"] <= row["start_time"]:
        problems.add("end_time", f"must be after start_time {row['start_time']}")
    for field in EVENT_TEXT:
        row[field] = as_line(raw.get(field), field, problems)
    row["objectives"] = _as_objectives(raw.get("objectives"))
    row["organisers"] = _as_list(raw.get("organisers"), "organisers", problems)
    status = clean_line(raw.get("status")) or "planned"
    if status not in EVENT_STATUSES:
        problems.add("status", f"expected one of {', '.join(EVENT_STATUSES)}; got {status!r}")
    row["status"] = status
    attribution = clean_line(raw.get("attribution_default")) or "named"
    if attribution not in ATTRIBUTION_DEFAULTS:
        problems.add(
            "attribution_default",
            f"expected one of {', '.join(ATTRIBUTION_DEFAULTS)}; got {attribution!r}",
        )
    row["attribution_default"] = attribution
    return row, problems


def _as_list(value: Any, field: str, problems: Problems) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [part for part in re.split(r"[;\n]", value)]
    if not isinstance(value, list):
        problems.add(field, "expected a list")
        return []
    items = [as_line(v, field, problems) for v in value]
    return [item for item in items if item]


def _as_objectives(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(clean_line(v) for v in value if clean_line(v))
    return clean_block(value)[:MAX_BLOCK]
