"""The event summary and its Markdown report: facts of the seed event, privacy, escaping.

The sample event models a real dialogue (shared/seed/quetta-dialogue.txt); a report that
loses one of its facts, or names a protected person, fails here. Set UPDATE_GOLDEN=1 to
rewrite tests/unit/golden/quetta-summary.md after a deliberate change, then read the diff.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from convener.storage.actions import add_action_item
from convener.storage.attendees import add_attendee
from convener.storage.checkins import check_in, undo_check_in, walk_in
from convener.storage.db.connection import connect
from convener.storage.events import create_event, get_event
from convener.storage.notes import add_note, delete_note, list_notes
from convener.storage.reports.markdown import md_escape, render_outline
from convener.storage.reports.model import Summary
from convener.storage.reports.report_outline import report_outline
from convener.storage.reports.summary import build_summary
from convener.storage.reports.wording import with_article

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "fixtures" / "quetta-dialogue.yaml"
GOLDEN = Path(__file__).resolve().parent / "golden" / "quetta-summary.md"
SLUG = "quetta-dialogue"

SEED_PEOPLE = [
    ("Raheela Hameed Durrani", "Provincial Education Minister"),
    ("Muhammad Hamza Shafqaat", "Commissioner, Quetta Division"),
    ("Liaquat Lehri", "Parliamentary Secretary and MLA"),
    ("Sardar Alam Khan Bizenjo", "Tribal elder"),
    ("Ejaz Ahmed", "Director, FIA Quetta"),
    ("Syed Kausar Abbas", "Executive Director, SSDO"),
    ("Malik Naeem Bazai", "MLA"),
    ("Chaudhry Muhammad Naeem Kareem", "Civil society expert"),
]
SEED_POINTS = [
    ("Raheela Hameed Durrani", "comprehensive national strategy"),
    ("Raheela Hameed Durrani", "public awareness remains critical"),
    ("Raheela Hameed Durrani", "parliamentarians and law enforcement agencies"),
    ("Malik Naeem Bazai", "rehabilitation of victims"),
    ("Muhammad Hamza Shafqaat", "Institutional coordination"),
    ("Muhammad Hamza Shafqaat", "conviction rate"),
    ("Muhammad Hamza Shafqaat", "intensify its awareness initiatives"),
    ("Liaquat Lehri", "monitoring and consultation systems"),
    ("Liaquat Lehri", "bonded labo"),
    ("Liaquat Lehri", "Poverty and lack of awareness"),
    ("Sardar Alam Khan Bizenjo", "active participation"),
    ("Chaudhry Muhammad Naeem Kareem", "school curricula"),
    ("Chaudhry Muhammad Naeem Kareem", "skill development"),
    ("Syed Kausar Abbas", "National Action Plan"),
    ("Syed Kausar Abbas", "legal and skilled migration pathways"),
    ("Syed Kausar Abbas", "raise their voice against trafficking"),
    ("Syed Kausar Abbas", "ultimate responsibility lies with the people"),
    ("Syed Kausar Abbas", "protect the future of our youth"),
]
SEED_GROUPS = [
    "Police",
    "Levies",
    "FIA",
    "Civil society / NGOs",
    "Academia",
    "Labour department",
    "Child protection",
    "Religious leaders",
    "Media",
]


@pytest.fixture
def karachi(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Quetta's clock: the fixture's HH:MM times are shown as Pakistan time."""
    monkeypatch.setenv("TZ", "Asia/Karachi")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def db(tmp_path: Path, imported: Path, karachi: None) -> Iterator[Database]:
    """A fresh database per test holding the sample event."""
    shutil.copyfile(imported, tmp_path / "t.db")
    database = connect(tmp_path / "t.db")
    yield database
    database.close()


def event_id(db: Database) -> str:
    return str(get_event(db, SLUG)["id"])


def person(db: Database, where: str) -> dict[str, Any]:
    return next(iter(db.query(f"SELECT * FROM people WHERE {where}")))


def render_markdown(summary: Summary) -> str:
    return render_outline(report_outline(summary))


def report(db: Database, *, unredacted: bool = False, level: str = "public") -> str:
    return render_markdown(build_summary(db, SLUG, unredacted=unredacted, level=level))


def section(markdown: str, heading: str) -> str:
    """The text under `heading` up to the next heading of the same or a higher level."""
    level = heading.split(" ")[0]
    start = markdown.index(heading + "\n") + len(heading)
    stop = re.compile(rf"^#{{1,{len(level)}}} ", re.MULTILINE).search(markdown, start)
    return markdown[start : stop.start() if stop else len(markdown)]


def test_markdown_matches_golden_file(db: Database) -> None:
    text = report(db)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8", newline="\n")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_report_carries_the_event_facts(db: Database) -> None:
    md = report(db)
    assert md.startswith("# Provincial Dialogue on Human Trafficking and Irregular Migration\n")
    for fact in (
        "14 May 2025",
        "10:00–13:30",
        "Serena Hotel, Quetta",
        "Vania Tahir",
        "Sustainable Social Development Organization (SSDO)",
        "Embassy of Denmark",
        "International Organization for Migration (IOM)",
        "Strengthen collaboration among key stakeholders",
        "smuggling of migrants",
    ):
        assert fact in md
    overview = section(md, "## Overview")
    assert "On 14 May 2025, 37 participants (18 women, 19 men) from 16 stakeholder groups" in (
        overview
    )
    assert "hosted by Vania Tahir, District Coordinator, SSDO" in overview
    headings = re.findall(r"^## (.+)$", md, re.MULTILINE)
    assert headings == [
        "Overview",
        "Background",
        "Objectives",
        "Participation",
        "Proceedings",
        "Questions and answers",
        "Concerns",
        "Recommendations",
        "Commitments",
        "Action points",
        "Conclusions and way forward",
        "Annex 1: Agenda",
        "Annex 2: Participant list",
    ]


@pytest.mark.parametrize(("name", "designation"), SEED_PEOPLE)
def test_each_named_participant_is_listed_with_designation(
    db: Database, name: str, designation: str
) -> None:
    notable = section(report(db), "### Notable participants")
    assert re.search(
        rf"^- \*\*{re.escape(name)}\*\*, {re.escape(designation)}(, .+)?$", notable, re.M
    )


@pytest.mark.parametrize("group", SEED_GROUPS)
def test_groups_represented_are_counted(db: Database, group: str) -> None:
    groups = section(report(db), "### By stakeholder group")
    assert f"| {md_escape(group)} |" in groups


@pytest.mark.parametrize(("speaker", "phrase"), SEED_POINTS)
def test_each_speaker_point_appears_once_with_its_speaker(
    db: Database, speaker: str, phrase: str
) -> None:
    """In full once: in the proceedings under the speaker, or in a list naming them."""
    md = report(db)
    md = md[md.index("## Proceedings") : md.index("## Action points")]
    assert md.count(phrase) == 1
    before, line = md[: md.index(phrase)].rsplit("\n", 1)[0], md[md.index(phrase) :]
    line = md[len(before) + 1 :].split("\n", 1)[0]
    if " — *" in line:
        assert f"— *{speaker}" in line
    else:
        assert speaker in re.findall(r"^#### (.+)$", before, re.MULTILINE)[-1]


def test_speakers_in_order_of_first_note_with_kinds_in_words(db: Database) -> None:
    summary = build_summary(db, SLUG)
    first = [s.speaker.split(",")[0] for s in summary.speakers][:3]
    assert first == ["Raheela Hameed Durrani", "Malik Naeem Bazai", "Muhammad Hamza Shafqaat"]
    md = report(db)
    session = section(
        md, "### Session 3: Panel: government, legislators and law enforcement (10:35)"
    )
    assert "- *Recommendation R3* (see Recommendations)" in session
    assert "SSDO should intensify" not in session  # in full once, in its own section
    assert "- **R3.** **To SSDO:** SSDO should intensify" in section(md, "## Recommendations")
    assert "*Quote:* “We must protect the future of our youth" in md
    assert "conviction rate remains low. — *Muhammad Hamza Shafqaat" in section(md, "## Concerns")
    actions = section(md, "## Action points")
    assert "| No. | Action | Who | By when | Status |" in actions
    assert "| 1 | Intensify awareness sessions" in actions
    assert "districts | SSDO | 30 June 2025 | Open |" in actions


def test_participation_counts_every_check_in(db: Database) -> None:
    p = build_summary(db, SLUG).participation
    assert (p.total, p.expected, p.expected_attended, p.walk_ins) == (37, 41, 37, 0)
    assert {t.label: t.count for t in p.by_sex} == {"Female": 18, "Male": 19}
    assert sum(t.count for t in p.by_group) == sum(t.count for t in p.by_organisation) == 37
    assert "37 participants attended (18 women, 19 men). Of the 41 people expected, 37 came." in (
        report(db)
    )


def test_walk_ins_and_undone_check_ins(db: Database) -> None:
    eid = event_id(db)
    walk_in(db, eid, {"name": "Zarina Baloch", "gender": "female", "consent_name": "yes"})
    undo_check_in(db, eid, person(db, "name = 'Shahzad Kurd'")["id"])
    p = build_summary(db, SLUG).participation
    assert (p.total, p.expected, p.expected_attended, p.walk_ins) == (37, 41, 36, 1)
    assert "Of the 41 people expected, 36 came; 1 walk-in also joined." in report(db)


def test_protected_person_is_counted_but_never_named(db: Database) -> None:
    survivor = person(db, "protected = 1")
    eid = event_id(db)
    add_note(
        db,
        eid,
        {
            "speaker_id": survivor["id"],
            "attribution": "named",
            "kind": "key_point",
            "text": "Testimony about recruitment agents.",
        },
    )
    add_note(
        db,
        eid,
        {
            "speaker_text": f"{survivor['name']}'s caseworker",
            "kind": "concern",
            "text": f"{survivor['name'].upper()} was promised a job abroad.",
        },
    )
    add_action_item(db, eid, {"what": "Arrange legal aid", "owner_person_id": survivor["id"]})
    helper = add_attendee(
        db,
        eid,
        {
            "name": "Rubina Kakar",
            "consent_name": "yes",
            "designation": f"Caseworker for {survivor['name']}",
        },
    )
    check_in(db, eid, helper["id"])
    add_note(
        db,
        eid,
        {
            "speaker_id": helper["id"],
            "kind": "key_point",
            "tags": [survivor["name"]],
            "text": "Shelter places are scarce.",
        },
    )
    for unredacted in (False, True):
        summary = build_summary(db, SLUG, unredacted=unredacted)
        md = render_markdown(summary)
        assert survivor["name"] not in md
        assert survivor["name"].split()[0] not in md
        assert "#### A community member\n\n- Testimony about recruitment agents." in md
        assert "A participant was promised a job abroad." in md
        assert "#### A participant's caseworker" in md
        assert "| Arrange legal aid | Not assigned |" in md  # never an owner, not even by role
        assert "#### Rubina Kakar, Caseworker for a participant" in md
        assert all(survivor["name"] not in tag for p in summary.points for tag in p.tags)
        assert summary.participation.total == 38
        assert ("Not disclosed", 1) in [
            (t.label, t.count) for t in summary.participation.by_organisation
        ]


def test_non_consenting_people_are_counted_not_listed(db: Database) -> None:
    shazia = person(db, "name = 'Shazia Jamali'")
    add_note(
        db,
        event_id(db),
        {
            "speaker_id": shazia["id"],
            "attribution": "named",
            "kind": "concern",
            "text": "Shelters for women are too few.",
        },
    )
    summary = build_summary(db, SLUG)
    md = render_markdown(summary)
    assert "Shazia Jamali" not in md
    assert "Shelters for women are too few. — *A police officer*" in md
    assert summary.participation.total == 37
    assert len(summary.annex) == 33 and summary.annex_unlisted == 4
    assert "A further 4 participants are counted above but not listed" in md
    unredacted = report(db, unredacted=True)
    assert "| Shazia Jamali | Sub-Inspector" in unredacted
    assert "— *Shazia Jamali, Sub-Inspector, Women Police Station Quetta" in unredacted
    assert "A further 1 participant is counted above" in unredacted


def test_contacts_only_when_unredacted(db: Database) -> None:
    md = report(db)
    assert "03008123456" not in md and "@example.org" not in md
    assert "| Phone | Email |" not in md
    full = report(db, unredacted=True)
    assert "| 03214968372 | saima.rind@example.org |" in full
    assert "UNREDACTED" in full


def test_role_attribution_describes_without_naming(db: Database) -> None:
    ejaz = person(db, "name = 'Ejaz Ahmed'")
    add_note(
        db,
        event_id(db),
        {
            "speaker_id": ejaz["id"],
            "attribution": "role",
            "kind": "key_point",
            "text": "Most victims travel on visas.",
        },
    )
    md = report(db)
    assert "#### An official of the FIA\n\n- Most victims travel on visas." in md
    assert "— *A participant from the police* (session 5)" in md


def test_off_record_and_deleted_notes_are_left_out(db: Database) -> None:
    notes = list_notes(db, event_id(db))
    [off] = [n for n in notes if n["attribution"] == "off_record"]
    [gone] = [n for n in notes if "comprehensive national strategy" in n["text"]]
    delete_note(db, gone["id"])
    summary = build_summary(db, SLUG)
    md = render_markdown(summary)
    assert off["text"][:40] not in md and "Agents who recruit" not in md
    assert "comprehensive national strategy" not in md
    assert all("Agents who recruit" not in p.text for p in summary.points)
    assert len(summary.points) == len(notes) - 2


def test_chatham_house_event_names_no_speaker(db: Database) -> None:
    db.execute("UPDATE events SET attribution_default = 'chatham_house' WHERE slug = ?", [SLUG])
    summary = build_summary(db, SLUG)
    md = render_markdown(summary)
    assert "Chatham House Rule" in section(md, "## Overview")
    names = [r["name"] for r in db.query("SELECT name FROM people")]
    remarks = md[md.index("## Proceedings") : md.index("## Annex")]
    assert not [n for n in names if n in remarks]
    assert not [n for n in names if n in section(md, "## Annex 1: Agenda")]
    # Two officials described alike are still two speakers, not one.
    assert remarks.count("#### A government official\n") == 2
    assert remarks.count("#### A parliamentarian\n") == 2
    assert "In all, 12 speakers made" in md
    assert "| Time | Session |\n" in md
    assert all(p.speaker[0].isupper() and "," not in p.speaker for p in summary.points)


def test_chatham_house_action_owners_are_not_named(db: Database) -> None:
    ejaz = person(db, "name = 'Ejaz Ahmed'")
    add_action_item(db, event_id(db), {"what": "Share case data", "owner_person_id": ejaz["id"]})
    assert "| Share case data | Ejaz Ahmed, Federal Investigation Agency (FIA) |" in report(db)
    db.execute("UPDATE events SET attribution_default = 'chatham_house' WHERE slug = ?", [SLUG])
    assert "| Share case data | Federal Investigation Agency (FIA) |" in report(db)


@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("Embassy of Denmark", "the Embassy of Denmark"),
        (
            "International Organization for Migration (IOM)",
            "the International Organization for Migration (IOM)",
        ),
        ("Serena Hotel", "the Serena Hotel"),
        ("The Asia Foundation", "The Asia Foundation"),
        ("IOM", "IOM"),
        ("Save the Children", "Save the Children"),
        ("Daily Jang", "Daily Jang"),
    ],
)
def test_names_take_the_article_they_need(name: str, phrase: str) -> None:
    assert with_article(name) == phrase


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("[bold]x[/bold]", r"\[bold\]x\[/bold\]"),
        ("Ali | Khan", r"Ali \| Khan"),
        ("# Heading", r"\# Heading"),
        ("> quoted", r"\> quoted"),
        ("- item", r"\- item"),
        ("* item", r"\* item"),
        ("1. First", r"1\. First"),
        ("`code`", r"\`code\`"),
        ("<script>alert(1)</script>", r"\<script\>alert(1)\</script\>"),
        ("line one\n# two", "line one # two"),
        ("Zoë O'Brien", "Zoë O'Brien"),
    ],
)
def test_md_escape_neutralises_markup(raw: str, escaped: str) -> None:
    assert md_escape(raw) == escaped


def test_markup_like_names_stay_text(db: Database) -> None:
    eid = event_id(db)
    for name in ("[bold]x[/bold]", "Ali | Khan", "# Heading", "<b>Bold</b>"):
        added = add_attendee(
            db, eid, {"name": name, "designation": "A | B", "consent_name": "y", "vip": "yes"}
        )
        check_in(db, eid, added["id"])
    md = report(db)
    assert not re.search(r"^#+ (Heading|Ali)", md, re.MULTILINE)
    assert "\\[bold\\]x\\[/bold\\]" in md and "Ali \\| Khan" in md and "\\<b\\>" in md
    annex = section(md, "## Annex 2: Participant list")
    rows = [line for line in annex.splitlines() if line.startswith("|")]
    assert {len(re.split(r"(?<!\\)\|", row)) for row in rows} == {9}


def test_event_with_nothing_recorded_says_so(tmp_path: Path) -> None:
    db = connect(tmp_path / "empty.db")
    create_event(db, {"title": "Planning call", "date": "2025-06-02", "slug": "call"})
    md = render_markdown(build_summary(db, "call"))
    assert md.startswith("# Planning call\n\n- **Date:** 2 June 2025\n")
    assert "On 2 June 2025, a meeting was held. No check-ins were recorded." in md
    assert "0 participants attended." in md
    assert "## Proceedings\n\nNo notes were recorded.\n" in md
    for empty in ("Background", "Objectives", "Action points", "Conclusions", "Annex"):
        assert f"## {empty}" not in md
    db.close()


def test_summary_reads_in_a_few_queries_whatever_the_size(db: Database) -> None:
    """No query per attendee or per note (N+1): the count is fixed."""
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    build_summary(db, SLUG)
    db.conn.set_trace_callback(None)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 7  # the seventh: jumps of the clock (storage/hlc.py)


SEED_FACTS = Path(__file__).resolve().parents[1] / "fixtures" / "seed_facts.txt"


def plain_text(markdown: str) -> str:
    """Markdown as read: escapes and emphasis marks dropped."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("*", "")


@pytest.mark.parametrize(
    "fact",
    [
        line
        for line in SEED_FACTS.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ],
)
def test_golden_report_holds_every_fact_of_the_seed_article(fact: str) -> None:
    assert fact in plain_text(GOLDEN.read_text(encoding="utf-8"))
