"""The merge rules, as a pure function of the row sets laptops hold (docs/sync.md).

`combine(states)` gives the same state for the same rows whatever their order or grouping,
and combining a result with any of its inputs again changes nothing: that is what lets
every laptop import bundles in any order, any number of times, and agree.

1. Tombstones are united; every row a tombstone removes is dropped from every side first,
   and rows that named an erased person lose that name (notes keep what was said).
2. Each row is chosen whole by the greatest version: its HLC stamp (`sync_hlc`), then its
   device id, then a hash of its content, so two versions never tie.
3. Privacy fields are joined apart from that, the more private value winning whatever
   the clocks say: a person's `protected`, a registration's consent, a note's
   "not for the record".
4. A note version that loses is kept whole as an earlier version of the note (id derived
   from the version, so every laptop keeps the same row once).
5. A person with several active check-ins keeps the one with the smallest stamp (then
   device id); the others are undone "by merge".
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from convener.storage.clock import stable_id
from convener.storage.hlc import taken_order
from convener.storage.sync.state import TABLES, EventState, Row, canonical

MERGE = "merge"  # undone_device_id of a check-in undone by a merge; kept_by of a kept version
CONSENT_RANK = {"no": 0, "not_asked": 1, "yes": 2}  # the most private first
ATTRIBUTION_RANK = {"off_record": 0, "role": 1, "named": 2}
CONSENT_FIELDS = ("consent", "consent_at", "consent_source", "consent_basis")
Scrub = Callable[[str], str]
# Texts a person's name may have been typed into (a revision's `previous` is JSON text).
TEXTS = {
    "notes": ("text", "speaker_text", "addressed_to"),
    "note_revisions": ("previous",),
    "action_items": ("what", "owner_text"),
}
# Fields joined by privacy, outside the whole-row choice.
PRIVATE = {
    "people": ("protected",),
    "registrations": CONSENT_FIELDS,
    "notes": ("attribution",),
}


def version(row: Row) -> str:
    """The row's HLC stamp; a row written before stamps, its wall time as one."""
    return str(row.get("sync_hlc") or taken_order(None, row.get("updated_at")))


def content_hash(row: Row, table: str) -> str:
    """Hash of what the whole-row choice compares (privacy fields are joined apart)."""
    skip = PRIVATE.get(table, ())
    return hashlib.sha256(
        canonical({k: v for k, v in row.items() if k not in skip}).encode()
    ).hexdigest()


def row_order(row: Row, table: str) -> tuple[str, str, str]:
    """Total order of versions: stamp, then device id, then content."""
    return version(row), str(row.get("device_id") or ""), content_hash(row, table)


def gone_people(states: Iterable[EventState]) -> set[str]:
    """Ids of the people erased or removed from the event on any of these laptops.

    For good, whatever the clocks say: a removal that only covered older rows was tried, and
    the property test showed it cannot agree with the privacy joins (a consent joined from a
    version the removal drops on one laptop but not yet on another)."""
    return {
        t["row_id"]
        for s in states
        for t in s["sync_tombstones"].values()
        if t["table_name"] == "people"
    }


def combine(states: Iterable[EventState], scrub: Scrub | None = None) -> EventState:
    """The merged state of one event from any number of laptops' states.

    `scrub` takes an erased person's name and numbers out of a text (erasure's Scrubber,
    built by the caller from the erased people's rows while any laptop still has them)."""
    states = list(states)
    tombstones = _union(s["sync_tombstones"] for s in states)
    gone = gone_people(states)
    gone_notes = {t["row_id"] for t in tombstones.values() if t["table_name"] == "notes"}
    cleaned = [_without(s, gone, gone_notes, scrub) for s in states]
    merged: EventState = {"sync_tombstones": tombstones}
    for table in TABLES:
        if table in ("sync_tombstones", "note_revisions"):
            continue
        merged[table] = _choose(table, [s[table] for s in cleaned])
    merged["note_revisions"] = _union(s["note_revisions"] for s in cleaned)
    merged["note_revisions"].update(_kept_versions(cleaned, merged["notes"]))
    _resolve_checkins(merged["checkins"])
    _unname_protected(merged)
    named = _named_people(merged)
    merged["people"] = {k: v for k, v in merged["people"].items() if k in named}
    return merged


def _named_people(merged: EventState) -> set[str]:
    """The people the event's rows still name (the others are not the event's to carry)."""
    return {
        *(r["person_id"] for r in merged["registrations"].values()),
        *(r["person_id"] for r in merged["checkins"].values()),
        *(r["speaker_id"] for r in merged["notes"].values() if r.get("speaker_id")),
        *(
            r["owner_person_id"]
            for r in merged["action_items"].values()
            if r.get("owner_person_id")
        ),
    }


def _union(tables: Iterable[dict[str, Row]]) -> dict[str, Row]:
    """Rows that never change (tombstones, earlier versions), united by id."""
    out: dict[str, Row] = {}
    for rows in tables:
        for key, row in rows.items():
            if key not in out or canonical(row) < canonical(out[key]):
                out[key] = row
    return out


def _without(
    state: EventState, people: set[str], notes: set[str], scrub: Scrub | None
) -> EventState:
    """The state with tombstoned rows dropped, what pointed at them unlinked, and erased
    people's names scrubbed from the texts."""
    out: EventState = {}
    for table, rows in state.items():
        kept: dict[str, Row] = {}
        for key, row in rows.items():
            fixed = _unlinked(table, dict(row), people, notes)
            if fixed is not None and scrub is not None:
                for column in TEXTS.get(table, ()):
                    if isinstance(fixed.get(column), str):
                        fixed[column] = scrub(fixed[column])
            if fixed is not None:
                kept[key] = fixed
        out[table] = kept
    return out


def _unlinked(table: str, row: Row, people: set[str], notes: set[str]) -> Row | None:
    if table == "people" and row["id"] in people:
        return None
    if table in ("registrations", "checkins") and row["person_id"] in people:
        return None
    if table == "notes":
        if row["id"] in notes:
            return None
        if row.get("speaker_id") in people:
            row["speaker_id"], row["speaker_text"] = None, ""
        if row.get("answers_note_id") in notes:
            row["answers_note_id"] = None
    if table == "note_revisions" and row["note_id"] in notes:
        return None
    if table == "action_items":
        if row.get("owner_person_id") in people:
            row["owner_person_id"] = None
        if row.get("note_id") in notes:
            row["note_id"] = None
    if table == "checkins" and row.get("undone_device_id") == MERGE:
        row["undone_at"] = row["undone_device_id"] = None  # decided again below
    return row


def _natural_key(table: str, row: Row) -> str:
    """Registrations are one per person and event, whichever laptop made the row."""
    if table == "registrations":
        return f"{row['event_id']}\x1f{row['person_id']}"
    return str(row["id"])


def _choose(table: str, sides: list[dict[str, Row]]) -> dict[str, Row]:
    """Per row: the greatest version, with the privacy fields joined over all versions."""
    groups: dict[str, list[Row]] = {}
    for rows in sides:
        for row in rows.values():
            groups.setdefault(_natural_key(table, row), []).append(row)
    out: dict[str, Row] = {}
    for versions in groups.values():
        best: Row = max(versions, key=lambda r: row_order(r, table))
        winner = dict(best)
        winner.update(_private(table, versions))
        if table == "registrations":
            winner["id"] = min(r["id"] for r in versions)
        out[winner["id"]] = winner
    return out


def _private(table: str, versions: list[Row]) -> dict[str, Any]:
    """The more private value of each privacy field, whatever the clocks say."""
    if table == "people":
        return {"protected": max(int(r.get("protected") or 0) for r in versions)}
    if table == "notes":
        best = min(
            versions,
            key=lambda r: (ATTRIBUTION_RANK.get(r["attribution"], 3), r["attribution"] or ""),
        )
        return {"attribution": best["attribution"]}
    if table == "registrations":
        best = min(
            versions,
            key=lambda r: (
                CONSENT_RANK.get(r["consent"], 3),
                *(str(r.get(f) or "") for f in CONSENT_FIELDS),
            ),
        )
        return {f: best.get(f) for f in CONSENT_FIELDS}
    return {}


def _kept_versions(sides: list[EventState], notes: dict[str, Row]) -> dict[str, Row]:
    """Every note version that lost, kept whole in the note's history."""
    kept: dict[str, Row] = {}
    for side in sides:
        for note_id, row in side["notes"].items():
            winner = notes.get(note_id)
            if winner is None:
                continue
            order = row_order(row, "notes")
            if order == row_order(winner, "notes"):
                continue
            key = stable_id("kept by merge", note_id, *order)
            previous = {k: v for k, v in row.items() if k not in ("id", "event_id")}
            kept[key] = {
                "id": key,
                "note_id": note_id,
                "previous": canonical(previous),
                "created_at": row["updated_at"],
                "updated_at": row["updated_at"],
                "device_id": row.get("device_id"),
                "hlc": version(row),
                "replaced_hlc": version(row),
                "kept_by": MERGE,
            }
    return kept


def _resolve_checkins(checkins: dict[str, Row]) -> None:
    """One active check-in per person: the earliest stamp, then the smaller device id."""
    active: dict[str, list[Row]] = {}
    for row in checkins.values():
        if row["undone_at"] is None:
            active.setdefault(row["person_id"], []).append(row)
    for rows in active.values():
        rows.sort(
            key=lambda r: (taken_order(r["hlc"], r["checked_in_at"]), r["device_id"] or "", r["id"])
        )
        for later in rows[1:]:
            later["undone_at"] = later["checked_in_at"]
            later["undone_device_id"] = MERGE


def _unname_protected(merged: EventState) -> None:
    """A protected person is never recorded as consenting to be named."""
    protected = {p["id"] for p in merged["people"].values() if p.get("protected")}
    for row in merged["registrations"].values():
        if row["person_id"] in protected and row["consent"] == "yes":
            row.update(
                consent="not_asked", consent_at=None, consent_source=None, consent_basis=None
            )
