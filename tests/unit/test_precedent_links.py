"""What happened next: links between decisions on one matter, each with the method that made it,
and the brief in Markdown and Word."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import docx

from assistant import (
    PRECEDENT_COLUMNS,
    Filters,
    Precedent,
    PrecedentEntry,
    precedent_html,
    precedent_markdown,
    precedent_rows,
    precedent_sources,
    precedent_summary,
    precedent_table,
    write_brief,
    write_briefs,
)
from assistant.precedent import link_decisions
from assistant.records import DecisionRecord, Matter, Vote
from assistant.types import Citation


def record(
    n: int,
    when: date,
    body: str,
    item: str,
    type_: str,
    title: str,
    text: str = "RESOLVED: That it be done.",
    *,
    ids: list[str] | None = None,
    refers_to: list[str] | None = None,
    to_body: str | None = None,
    doc_type: str = "minutes",
) -> DecisionRecord:
    citation = Citation(
        doc_id=f"doc{n}",
        source=f"/r/{n}.txt",
        body=body,
        meeting_date=when,
        doc_type=doc_type,  # type: ignore[arg-type]
        agenda_item=f"{item}. {title}",
        meeting_item=item if doc_type == "report" else None,
        title=title if doc_type == "report" else None,
        paragraph=3,
        item_paragraph=2,
        char_start=0,
        char_end=len(text),
    )
    return DecisionRecord.model_validate(
        {
            "id": f"doc{n}:3:0",
            "type": type_,
            "text": text,
            "citation": citation,
            "item_title": f"{item}. {title}",
            "matter": Matter(title=title, identifiers=ids or []),
            "refers_to": refers_to or [],
            "to_body": to_body,
        }
    )


def links(records: list[DecisionRecord]) -> set[tuple[str, str, str, str]]:
    later, _ = link_decisions(records)
    by_id = {r.id: r for r in records}
    return {
        (e, link.relation, link.other_id, link.method) for e, ls in later.items() for link in ls if by_id[e]
    }


def test_call_in_and_rescission_name_the_decision_they_act_on() -> None:
    closure = record(1, date(2024, 2, 1), "Cabinet", "5", "resolved", "Future of Elm Road Depot")
    other = record(2, date(2024, 2, 1), "Cabinet", "6", "resolved", "Bus Shelters")
    call_in = record(
        3,
        date(2024, 2, 12),
        "Scrutiny Panel",
        "3",
        "called in",
        "Call-in: Elm Road Depot",
        refers_to=["2024-02-01"],
    )
    rescind = record(
        4,
        date(2024, 3, 7),
        "Cabinet",
        "4",
        "rescinded",
        "Elm Road Depot",
        "RESOLVED: That the decision of 1 February 2024 be rescinded.",
        refers_to=["2024-02-01", "2024-02-12"],
    )
    assert links([closure, other, call_in, rescind]) == {
        ("doc1:3:0", "called in", "doc3:3:0", "explicit reference"),
        ("doc1:3:0", "rescinded", "doc4:3:0", "explicit reference"),
        ("doc3:3:0", "decided", "doc4:3:0", "explicit reference"),
    }


def test_recommendation_is_taken_up_at_the_body_it_went_to_and_deferral_by_the_next_decision() -> None:
    rec = record(
        1, date(2024, 1, 10), "Cabinet", "7", "recommended", "Budget 2024/25", to_body="Full Council"
    )
    scrutiny = record(2, date(2024, 1, 20), "Scrutiny Panel", "4", "resolved", "Budget 2024/25 Scrutiny")
    council = record(3, date(2024, 2, 20), "Full Council", "6", "resolved", "Budget 2024/25 and Council Tax")
    deferred = record(4, date(2024, 6, 1), "Cabinet", "5", "deferred", "Harbour Wall Repairs")
    decided = record(5, date(2024, 9, 1), "Cabinet", "6", "resolved", "Harbour Wall Repairs – Contract")
    found = links([rec, scrutiny, council, deferred, decided])
    assert ("doc1:3:0", "adopted", "doc3:3:0", "item title") in found
    assert not any(link[2] == "doc2:3:0" and link[1] == "adopted" for link in found)
    assert ("doc4:3:0", "decided", "doc5:3:0", "item title") in found


def test_application_numbers_link_and_refuse_links() -> None:
    refused = record(
        1, date(2023, 6, 8), "Planning Committee", "4", "resolved", "The Old Mill", ids=["23/00412/FUL"]
    )
    appeal = record(
        2, date(2024, 3, 14), "Planning Committee", "6", "noted", "Appeal Decision", ids=["23/00412/FUL"]
    )
    revised = record(
        3,
        date(2024, 3, 14),
        "Planning Committee",
        "4",
        "resolved",
        "The Old Mill",
        ids=["24/00155/FUL"],
        refers_to=["2023-06"],
    )
    found = links([refused, appeal, revised])
    assert found == {("doc1:3:0", "followed up", "doc2:3:0", "shared identifier")}


def test_officer_recommendation_goes_before_the_decision_of_its_meeting() -> None:
    officers = record(
        1, date(2024, 1, 18), "Cabinet", "6", "recommended by officers", "Cycle Lane", doc_type="report"
    )
    decision = record(2, date(2024, 1, 18), "Cabinet", "6", "resolved", "Cycle Lane")
    assert links([officers, decision]) == {("doc1:3:0", "adopted", "doc2:3:0", "item title")}


def _precedent() -> Precedent:
    first = record(
        1, date(2024, 2, 1), "Cabinet", "5", "resolved", "Elm Road Depot", "RESOLVED: That the depot close."
    )
    first = first.model_copy(update={"mover": "Councillor Ames", "vote": Vote(in_favour=4, against=1)})
    second = record(
        2,
        date(2024, 3, 7),
        "Cabinet",
        "4",
        "rescinded",
        "Elm Road Depot",
        "RESOLVED: That *it* be rescinded.",
    )
    second = second.model_copy(update={"refers_to": ["2024-02-01"]})
    later, earlier = link_decisions([first, second])
    entries = [
        PrecedentEntry(decision=r, later=later.get(r.id, []), earlier=earlier.get(r.id, []))
        for r in (first, second)
    ]
    return Precedent(
        topic="Elm Road Depot",
        filters=Filters(body="Cabinet"),
        entries=entries,
        bodies=["Cabinet"],
        first_date=date(2024, 1, 1),
        last_date=date(2024, 12, 1),
        searched=9,
    )


def test_brief_in_markdown_and_word_cites_every_decision(tmp_path: Path) -> None:
    found = _precedent()
    rows = precedent_rows(found)
    assert [r["label"] for r in rows] == [
        "Cabinet, 1 Feb 2024, item 5, para 2",
        "Cabinet, 7 Mar 2024, item 4, para 2",
    ]
    assert rows[0]["later"][0]["label"] == "later rescinded: Cabinet, 7 Mar 2024, item 4 (explicit reference)"
    md = precedent_markdown(found)
    assert "Searched: 9 decisions of Cabinet, 01 Jan 2024 to 01 Dec 2024" in md
    assert "Filters: body 'Cabinet'" in md and "Vote: For 4, Against 1" in md
    assert r"That \*it\* be rescinded" in md  # record text is escaped
    assert "*Not found:*" in md and "No decision on it was amended, called in or deferred" in md
    out = write_brief(found, tmp_path / "brief.docx")
    paragraphs = [p.text for p in docx.Document(str(out)).paragraphs]
    assert paragraphs[0] == "Previous decisions: Elm Road Depot"
    assert [p for p in paragraphs if p.startswith("Source: ")] == [f"Source: {r['label']}" for r in rows]
    assert (
        "Later rescinded: Cabinet, 7 Mar 2024, item 4 (explicit reference: names 1 February 2024)"
        in paragraphs
    )
    assert "“RESOLVED: That *it* be rescinded.”" in paragraphs
    assert (tmp_path / "brief.md") == write_brief(found, tmp_path / "brief.md")


def test_nothing_found_says_what_was_searched() -> None:
    empty = Precedent(
        topic="crematorium",
        bodies=["Cabinet"],
        first_date=date(2024, 1, 1),
        last_date=date(2024, 2, 1),
        searched=3,
    )
    assert (
        empty.not_found
        == "No decision on 'crematorium' was found in the 3 decisions of Cabinet (01 Jan 2024 to 01 Feb 2024)."
    )


def test_the_pages_table_has_a_row_per_decision_with_its_vote_and_what_came_next() -> None:
    found = _precedent()
    assert precedent_table(found) == [
        [
            "1 Feb 2024",
            "Cabinet",
            "5. Elm Road Depot",
            "",
            "resolved",
            "For 4, Against 1",
            "Councillor Ames / –",
            "rescinded: Cabinet, 7 Mar 2024, item 4",
            "RESOLVED: That the depot close.",
        ],
        [
            "7 Mar 2024",
            "Cabinet",
            "4. Elm Road Depot",
            "",
            "rescinded",
            "",
            "",
            "none found",
            "RESOLVED: That *it* be rescinded.",
        ],
    ]
    assert len(PRECEDENT_COLUMNS) == len(precedent_table(found)[0])
    assert [label for label, _ in precedent_sources(found)] == [
        "[1] Cabinet, 1 Feb 2024, item 5, para 2",
        "[2] Cabinet, 7 Mar 2024, item 4, para 2",
    ]
    summary = precedent_summary(found)
    assert summary.startswith("**2 decisions on ‘Elm Road Depot’**, oldest first.")
    assert "Filters: body 'Cabinet'" in summary and "*Not found:*" in summary


def test_the_pages_table_escapes_every_word_of_the_records() -> None:
    found = _precedent()
    hostile = found.entries[1].decision.model_copy(
        update={"text": '<script>alert(1)</script> <img src=x onerror="fetch(1)">', "mover": "<b>X</b>"}
    )
    found.entries[1] = found.entries[1].model_copy(update={"decision": hostile})
    shown = precedent_html(found)
    assert "<script>" not in shown and "<img" not in shown and "<b>" not in shown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown and "&lt;b&gt;X&lt;/b&gt; / –" in shown
    assert shown.count('<button type="button" class="precedent-open" data-row=') == 2
    assert 'data-row="1" aria-label="Open source 2: Cabinet, 7 Mar 2024, item 4, para 2">2</button>' in shown
    nothing = Precedent(topic="<i>crematorium</i>")
    assert precedent_html(nothing) == (
        '<p class="precedent-none">No decision on ‘&lt;i&gt;crematorium&lt;/i&gt;’ was found.</p>'
    )


def test_both_briefs_are_written_named_after_the_topic(tmp_path: Path) -> None:
    word, markdown = write_briefs(_precedent(), tmp_path / "out")
    assert (word.name, markdown.name) == (
        "previous-decisions-elm-road-depot.docx",
        "previous-decisions-elm-road-depot.md",
    )
    assert markdown.read_text(encoding="utf-8") == precedent_markdown(_precedent())
    sources = [p.text for p in docx.Document(str(word)).paragraphs if p.text.startswith("Source: ")]
    assert sources == [
        "Source: Cabinet, 1 Feb 2024, item 5, para 2",
        "Source: Cabinet, 7 Mar 2024, item 4, para 2",
    ]
    odd = _precedent().model_copy(update={"topic": "../../etc/«passwd»"})
    assert [p.name for p in write_briefs(odd, tmp_path)] == [
        "previous-decisions-etc-passwd.docx",
        "previous-decisions-etc-passwd.md",
    ]
