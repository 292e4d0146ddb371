"""How head office puts the files of one event together: the newest per laptop, merged.

`merge_event` is the one place the rules live (docs/hq.md; the sync rules of issue 15 as
they apply to what a head-office file carries). Once the sync branch lands, its rules may
replace the per-row choices here; the inputs stay the files' own tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from convener.storage.hq import hqfile
from convener.storage.hq.hqfile import DIMENSIONS, PRIVACY_ORDER
from convener.storage.reports.tallies import Participation, Tally, participation
from convener.storage.taxonomy import load_taxonomy

Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class HqFile:
    """One head-office file as read: its name, SHA-256, `hq_file` keys and table rows."""

    name: str
    sha256: str
    meta: Mapping[str, str]
    tables: Mapping[str, Rows]

    @property
    def event_id(self) -> str:
        return self.meta["event_id"]

    @property
    def newness(self) -> tuple[str, str, str]:
        """Later changes first, then later export: how a newer file of a laptop is told."""
        return (self.meta["high_water"], self.meta["exported_at"], self.sha256)


@dataclass
class MergedEvent:
    """What head office shows of one event; each row names the file (SHA-256) it came from."""

    event: dict[str, Any]
    tallies: list[dict[str, Any]]
    named: Rows
    points: Rows
    actions: Rows
    files: list[HqFile] = field(default_factory=list)


def current_files(files: Iterable[HqFile]) -> list[HqFile]:
    """The newest file of each laptop (device id) of one event, oldest laptop first."""
    newest: dict[str, HqFile] = {}
    for f in files:
        device = f.meta["device_id"]
        if device not in newest or f.newness > newest[device].newness:
            newest[device] = f
    return sorted(newest.values(), key=lambda f: f.meta["device_id"])


def merge_event(files: Sequence[HqFile]) -> MergedEvent:
    """Merge the files of one event (call with `current_files`) into what head office shows.

    The rules, so that two door laptops sent unsynced give the totals they would give
    synced (issue 15):
    - event facts come from the file with the latest change;
    - one laptop: its counts are its own report's numbers, as written;
    - several laptops: per dimension, the union of pseudonyms; a person's value is the one
      with the later (masked) stamp, last writer wins; a check-in undone on any laptop is
      undone; a person counts as attending if any check-in of theirs is not undone (two
      doors' check-ins of one person count once, as the sync's "one active check-in");
      the counts are then made by the report's own tally code;
    - a person is named only if every laptop that knows them says consent "yes": a "no",
      "not asked" or "protected" anywhere wins whatever the clocks say (more private wins);
    - a person erased or removed on any laptop (its tombstone) is in no count and no list;
    - a note withdrawn anywhere (deleted, purged, or not for the record) stays out; otherwise the
      later edit wins; action items: the later edit wins.
    """
    newest = max(files, key=lambda f: f.newness)
    event = {**newest.tables["event"][0], "file": newest.sha256}
    shas = ",".join(f.sha256 for f in files)
    if len(files) == 1:
        tallies = [{**t, "file": shas} for t in newest.tables["tally"]]
    else:
        tallies = [
            {"dimension": d, "position": pos, "code": c, "label": lab, "count": n, "file": shas}
            for d, pos, c, lab, n in _merged_tallies(files)
        ]
    attending = _attending(files, "person")
    return MergedEvent(
        event=event,
        tallies=tallies,
        named=[{**row, "attended": int(row["person"] in attending)} for row in _named(files)],
        points=[r for r in _latest(files, "point", "note") if not r["withdrawn"]],
        actions=_latest(files, "action", "item"),
        files=list(files),
    )


def _latest(files: Sequence[HqFile], table: str, key: str) -> Rows:
    """Union by key, the later stamp winning; a withdrawn note wins over any edit."""
    best: dict[str, dict[str, Any]] = {}
    for f in files:
        for row in f.tables[table]:
            held = best.get(row[key])
            candidate = {**row, "file": f.sha256}
            if held is None or _beats(candidate, held):
                best[row[key]] = candidate
    return sorted(best.values(), key=lambda r: (str(r.get("noted_at") or ""), r[key]))


def _beats(row: Mapping[str, Any], held: Mapping[str, Any]) -> bool:
    withdrawn, was = bool(row.get("withdrawn")), bool(held.get("withdrawn"))
    if withdrawn != was:
        return withdrawn
    return (row["stamp"], row["file"]) > (held["stamp"], held["file"])


def _gone(files: Sequence[HqFile], dimension: str) -> set[str]:
    """Pseudonyms of people erased or removed on any laptop: they never come back."""
    return {
        row["pseudonym"]
        for f in files
        for row in f.tables.get("p_gone", ())
        if row["dimension"] == dimension
    }


def _values(files: Sequence[HqFile], dimension: str) -> dict[str, str]:
    """Each pseudonym's value in one dimension, the later masked stamp (then tie) winning;
    people erased or removed on any laptop are left out."""
    gone = _gone(files, dimension)
    best: dict[str, tuple[str, str, str]] = {}
    for f in files:
        for row in f.tables["p_value"]:
            if row["dimension"] != dimension:
                continue
            if row["pseudonym"] in gone:
                continue
            mine = (row["stamp"], row["tie"], row["value"])
            if row["pseudonym"] not in best or mine > best[row["pseudonym"]]:
                best[row["pseudonym"]] = mine
    return {p: v[2] for p, v in best.items()}


def _attending(files: Sequence[HqFile], dimension: str) -> set[str]:
    """Pseudonyms with a check-in that no laptop has undone."""
    undone: dict[str, bool] = {}
    owner: dict[str, str] = {}
    for f in files:
        for row in f.tables["p_checkin"]:
            if row["dimension"] == dimension:
                owner[row["checkin"]] = row["pseudonym"]
                undone[row["checkin"]] = undone.get(row["checkin"], False) or bool(row["undone"])
    erased = _gone(files, dimension)
    return {owner[c] for c, gone in undone.items() if not gone and owner[c] not in erased}


def _named(files: Sequence[HqFile]) -> Rows:
    consent: dict[str, str] = {}
    for f in files:
        for row in f.tables["p_value"]:
            if row["dimension"] == "person":
                known = consent.get(row["pseudonym"], "yes")
                consent[row["pseudonym"]] = max(known, row["value"], key=_privacy)
    gone = _gone(files, "person")
    return [
        r
        for r in _latest(files, "named", "person")
        if consent.get(r["person"]) == "yes" and r["person"] not in gone
    ]


def _privacy(state: str) -> int:
    return PRIVACY_ORDER.index(state) if state in PRIVACY_ORDER else len(PRIVACY_ORDER)


# The attendee column the report's tally code reads for each dimension.
_FIELD = {**hqfile.COLUMN, "person": "consent"}


def _merged_tallies(files: Sequence[HqFile]) -> list[tuple[str, int, str, str, int]]:
    tax = load_taxonomy()
    parts: dict[str, Participation] = {}
    districts: tuple[Tally, ...] = ()
    for dimension in DIMENSIONS:
        values = _values(files, dimension)
        attending = _attending(files, dimension)
        people = [
            {_FIELD[dimension]: value, "checked_in_at": "yes" if p in attending else None}
            for p, value in values.items()
        ]
        parts[dimension] = participation(people, tax)
        if dimension == "district":
            districts = hqfile.district_tallies(
                value for p, value in values.items() if p in attending
            )
    return hqfile.participation_rows(parts, districts)
