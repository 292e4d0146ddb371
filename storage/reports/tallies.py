"""Participation counts for reports: who came, by sex, stakeholder group and organisation.

Counts include everyone who checked in, named or not; a protected person is counted under
"Not disclosed" in the organisation table so that a one-person line cannot point at them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from convener.storage.reports.wording import count, sex_phrase
from convener.storage.taxonomy import Taxonomy, Vocabulary

NOT_RECORDED = "Not recorded"
NOT_DISCLOSED = "Not disclosed"


@dataclass(frozen=True)
class Tally:
    """One line of a count table; `code` is the taxonomy code when there is one."""

    label: str
    count: int
    code: str = ""


@dataclass(frozen=True)
class Participation:
    """Who attended (active check-ins), against who was expected."""

    total: int
    expected: int
    expected_attended: int
    walk_ins: int
    by_sex: tuple[Tally, ...]
    by_group: tuple[Tally, ...]
    by_organisation: tuple[Tally, ...]
    sexes_text: str
    text: str
    groups_guessed: int = 0  # participants whose group was guessed and not yet reviewed

    @property
    def groups_represented(self) -> int:
        return sum(1 for t in self.by_group if t.code)

    @property
    def groups_unrecorded(self) -> int:
        """Participants with no stakeholder group recorded."""
        return sum(t.count for t in self.by_group if not t.code)


def participation(people: Iterable[Mapping[str, Any]], tax: Taxonomy) -> Participation:
    """Count the active check-ins of `people` (registrations joined with check-ins)."""
    expected = expected_attended = walk_ins = guessed = 0
    sexes: Counter[str] = Counter()
    groups: Counter[str] = Counter()
    organisations: Counter[str] = Counter()
    for person in people:
        walk_in = person.get("source") == "walk_in"
        expected += not walk_in
        if not person.get("checked_in_at"):
            continue
        expected_attended += not walk_in
        walk_ins += walk_in
        sexes[person.get("gender") or ""] += 1
        groups[person.get("stakeholder_group") or ""] += 1
        guessed += bool(person.get("group_guessed") and person.get("stakeholder_group"))
        if person.get("protected"):
            organisations[NOT_DISCLOSED] += 1
        else:
            organisations[person.get("organisation") or NOT_RECORDED] += 1
    total = sum(sexes.values())
    by_sex = _in_taxonomy_order(sexes, tax.genders)
    sexes_text = sex_phrase((t.code, t.count) for t in by_sex)
    return Participation(
        total=total,
        expected=expected,
        expected_attended=expected_attended,
        walk_ins=walk_ins,
        by_sex=by_sex,
        by_group=_largest_first(groups, tax.stakeholder_groups),
        by_organisation=_organisations(organisations),
        sexes_text=sexes_text,
        text=_sentence(total, sexes_text, expected, expected_attended, walk_ins),
        groups_guessed=guessed,
    )


def _in_taxonomy_order(counts: Counter[str], vocab: Vocabulary) -> tuple[Tally, ...]:
    rows = [Tally(t.label, counts[t.code], t.code) for t in vocab.terms if counts[t.code]]
    rows += [
        Tally(vocab.label(code), n, code)
        for code, n in counts.items()
        if code and code not in vocab.codes
    ]
    if counts[""]:
        rows.append(Tally(NOT_RECORDED, counts[""]))
    return tuple(rows)


def _largest_first(counts: Counter[str], vocab: Vocabulary) -> tuple[Tally, ...]:
    order = {code: i for i, code in enumerate(vocab.codes)}
    known = sorted(
        (code for code in counts if code), key=lambda c: (-counts[c], order.get(c, len(order)), c)
    )
    rows = [Tally(vocab.label(code), counts[code], code) for code in known]
    if counts[""]:
        rows.append(Tally(NOT_RECORDED, counts[""]))
    return tuple(rows)


def _organisations(counts: Counter[str]) -> tuple[Tally, ...]:
    last = (NOT_DISCLOSED, NOT_RECORDED)
    named = sorted((o for o in counts if o not in last), key=lambda o: (-counts[o], o.casefold()))
    return tuple(Tally(o, counts[o]) for o in (*named, *last) if counts[o])


def _sentence(total: int, sexes: str, expected: int, came: int, walk_ins: int) -> str:
    """`37 participants attended (16 women, 21 men). Of the 41 people expected, 37 came; ...`"""
    text = f"{count(total, 'participant')} attended" + (f" ({sexes})" if sexes else "") + "."
    if expected:
        text += f" Of the {count(expected, 'person', 'people')} expected, {came} came"
        text += f"; {count(walk_ins, 'walk-in')} also joined." if walk_ins else "."
    elif walk_ins:
        text += " All of them joined as walk-ins."
    return text
