"""Decision records made at ingest: one per decision, typed, verbatim at their citation, with the
vote that belongs to them; and their round trip through Chroma metadata."""

from __future__ import annotations

from datetime import date

import pytest

from assistant import Settings
from assistant.records import DecisionRecord
from assistant.settings import IngestSettings
from assistant.types import RawDocument
from index import DocumentRecord
from index.vector import VectorStore
from ingest import chunk_meeting, file_digest, parse_meeting, record_decisions
from ingest.votes import read_vote

MINUTES = """ASHCOMBE DISTRICT COUNCIL

Minutes of the meeting of the Council held on 12 March 2025.

1. Minutes

RESOLVED: That the minutes of the meeting held on 11 February 2025 be approved.

2. Council Tax 2025/26

Councillor Hale, Leader of the Council, moved the budget. The motion was seconded by Councillor Imrie.

Amendment: Councillor Oduya moved an amendment, seconded by Councillor Penn, that the increase be held at 1.5%.

A recorded vote was taken on the amendment. For: 11, Against: 30, Abstentions: 2. The amendment was LOST.

A recorded vote was taken on the substantive motion. For: 30, Against: 12, Abstentions: 1. The motion was CARRIED.

RESOLVED: That a council tax increase of 2.99% be approved for 2025/26.

3. 25/00412/FUL – Land at 9 Orchard Road

It was proposed by Councillor Penn and seconded by Councillor Vance that the application be refused, contrary to the officer recommendation. For: 6, Against: 3.

RESOLVED: That planning application 25/00412/FUL be REFUSED.

4. Community Hall Lease

It was proposed by Councillor Vance and seconded by Councillor Oduya that a decision on the lease be deferred to the April meeting. The motion was carried unanimously.

5. Leisure Strategy

RESOLVED: That the Cabinet be recommended to adopt the Leisure Strategy 2025-2030.

6. Sports Ground

RESOLVED: That the decision of 11 February 2025 to sell the sports ground be rescinded.

7. Performance Report

RESOLVED: That the report be noted.

8. Notices of Motion

It was agreed to refer the motion on street lighting to the Environment Committee.

Councillor Quayle proposed that the grass verges be cut monthly. Councillor Quayle subsequently withdrew the proposal.
"""


def records(text: str = MINUTES) -> list[DecisionRecord]:
    raw = RawDocument(doc_id=file_digest(text.encode()), source="/r/minutes.txt", format="txt", text=text)
    meeting = parse_meeting(raw)
    return record_decisions(meeting, chunk_meeting(meeting, IngestSettings()))


def by_item(found: list[DecisionRecord]) -> dict[str, list[DecisionRecord]]:
    out: dict[str, list[DecisionRecord]] = {}
    for r in found:
        out.setdefault(r.citation.item_number or "", []).append(r)
    return out


def test_every_decision_is_a_record_verbatim_at_its_citation() -> None:
    found = records()
    assert [(r.citation.item_number, r.type) for r in found] == [
        ("1", "resolved"),
        ("2", "lost"),
        ("2", "resolved"),
        ("3", "resolved"),
        ("4", "deferred"),
        ("5", "recommended"),
        ("6", "rescinded"),
        ("7", "noted"),
        ("8", "carried"),
        ("8", "withdrawn"),
    ]
    for r in found:
        assert MINUTES[r.citation.char_start : r.citation.char_end] == r.text
        assert r.chunk_id is not None and r.citation.meeting_date == date(2025, 3, 12)


def test_the_lost_amendment_keeps_its_vote_and_the_resolution_takes_the_motions() -> None:
    amendment, resolution = by_item(records())["2"]
    assert (amendment.form, amendment.mover, amendment.seconder) == (
        "amendment",
        "Councillor Oduya",
        "Councillor Penn",
    )
    assert amendment.vote is not None
    assert (amendment.vote.in_favour, amendment.vote.against, amendment.vote.abstentions) == (11, 30, 2)
    assert amendment.vote.recorded
    assert resolution.mover == "Councillor Hale" and resolution.seconder == "Councillor Imrie"
    assert resolution.vote is not None and (resolution.vote.in_favour, resolution.vote.against) == (30, 12)
    assert resolution.text.startswith("RESOLVED: That a council tax increase of 2.99%")


def test_matter_identifiers_officer_advice_and_recommendation_target() -> None:
    items = by_item(records())
    refusal = items["3"][0]
    assert refusal.matter.identifiers[:2] == ["25/00412/FUL", "9 Orchard Road"]
    assert refusal.matter.title == "Land at 9 Orchard Road"
    assert refusal.officer_advice == "against" and refusal.minute_ref == "Item 3"
    assert items["5"][0].to_body == "Cabinet"
    assert items["6"][0].refers_to == ["2025-02-11"]
    deferral = items["4"][0]
    assert deferral.vote is not None and deferral.vote.unanimous and deferral.mover == "Councillor Vance"


def test_procedural_agreement_and_withdrawn_proposal() -> None:
    agreed, withdrawn = by_item(records())["8"]
    assert agreed.mover is None and agreed.text.startswith("It was agreed to refer")
    assert withdrawn.mover == "Councillor Quayle" and withdrawn.type == "withdrawn"


def test_a_report_recommendations_section_is_one_officer_record() -> None:
    text = (
        "Report to Cabinet, 3 April 2025\n\nLeisure Strategy\n\n1. Purpose\n\nTo set out the strategy.\n\n"
        "2. Recommendations\n\n2.1 That Cabinet adopts the Leisure Strategy.\n\n2.2 That the Director reports in 2026.\n\n"
        "3. Background\n\nThe strategy was consulted on."
    )
    raw = RawDocument(doc_id=file_digest(text.encode()), source="/r/report.txt", format="txt", text=text)
    meeting = parse_meeting(raw).model_copy(update={"doc_type": "report"})
    (officers,) = record_decisions(meeting, chunk_meeting(meeting, IngestSettings()))
    assert officers.type == "recommended by officers"
    assert officers.text.startswith("2.1 That Cabinet adopts") and officers.text.endswith("reports in 2026.")


def test_minutes_without_decisions_and_agendas_give_none() -> None:
    assert (
        records("Minutes of the Parks Committee, 1 May 2025.\n\n1. Bins\n\nThe bins were discussed.\n") == []
    )


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        ("For: 7, Against: 2, Abstentions: 1. The motion was CARRIED.", (7, 2, 1)),
        ("the permission for 24 flats. The motion was CARRIED.", (None, None, None)),
        (
            "For Councillors Ames, Bell (J) and Carr. (3) Against Councillors Dunn and Eve. (2) There were no abstentions.",
            (3, 2, 0),
        ),
        ("The motion was carried by 5 votes to 2.", (5, 2, None)),
        ("On being put to the vote there were 4 votes in favour and none against.", (4, 0, None)),
        ("It was carried by eleven votes to four, with two abstentions.", (11, 4, 2)),
        ("12 votes in favour, 3 against and 1 abstention", (12, 3, 1)),
        ("The application was refused by 20 votes to nil.", (20, 0, None)),
        ("Members noted that 3 votes to 2 would not do; 4 flats in favour", (None, None, None)),
    ],
)
def test_votes_are_what_the_text_states(text: str, counts: tuple[int | None, ...]) -> None:
    vote = read_vote(text)
    got = (vote.in_favour, vote.against, vote.abstentions) if vote else (None, None, None)
    assert got == counts
    if counts[0] == 3:
        assert vote is not None and vote.names_for == ["Ames", "Bell (J)", "Carr"]


def test_records_round_trip_through_the_decisions_collection(settings: Settings) -> None:
    found = records()
    store = VectorStore(settings)
    doc_id = found[0].citation.doc_id
    store.add_document(doc_id, MINUTES, DocumentRecord(doc_id, sources=("/r/minutes.txt",)), [], [], found)
    assert store.decision_records() == found
    assert [r.type for r in store.decision_records({"type": "lost"})] == ["lost"]
    store.delete_document(found[0].citation.doc_id)
    assert store.decision_records() == []
