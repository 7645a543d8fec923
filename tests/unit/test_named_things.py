"""Named things and the kind asked: the records name the thing, another paragraph gives a figure
for something else; "how big" asks a measure; a tally counts votes, not staff. One test a
failure kind, on the team's own small record."""

from __future__ import annotations

from typing import TYPE_CHECKING

from test_answer_kinds import _ask as ask_of
from test_answer_kinds import chunks_of, scored

from assistant.answer import answer_question
from assistant.facts import has, heads_vote_side, states
from assistant.kinds import asked_kinds, wanted
from assistant.settings import AnswerSettings, IngestSettings
from assistant.types import Answer, RawDocument
from ingest import chunk_meeting, file_digest, parse_meeting

if TYPE_CHECKING:
    from conftest import FakeEmbedder

HOUSING = """ASHCOMBE DISTRICT COUNCIL

Minutes of the meeting of the Housing Committee held on 9 May 2024.

4. Housing Delivery Update

Under the housing delivery programme, 14 new council homes are planned at Orchard Rise, Bramley.

Members asked about the Council’s plans for Sycamore Crescent, Dunmore.

RESOLVED: That the update be noted.
"""


def _ask(question: str, fake_embedder: FakeEmbedder) -> Answer:
    return ask_of(question, chunks_of(HOUSING, "2024-05-09_housing_minutes.txt")[1], fake_embedder)


def test_a_figure_for_another_scheme_is_a_near_miss(fake_embedder: FakeEmbedder) -> None:
    # the records name Sycamore Crescent, but give a number of homes only for Orchard Rise
    answer = _ask(
        "How many new council homes are planned at Sycamore Crescent under the housing delivery programme?",
        fake_embedder,
    )
    assert answer.refused, answer.text
    answered = _ask(
        "How many new council homes are planned at Orchard Rise under the housing delivery programme?",
        fake_embedder,
    )
    assert not answered.refused and "14 new council homes" in answered.text, answered.text


def test_a_tally_counts_votes_not_staff() -> None:
    assert not states("count", "How many staff did the library have?", "The motion was CARRIED unanimously.")
    assert not states("count", "How many posts were cut?", "For: 5, Against: 0, Abstentions: 0.")
    assert states("count", "How many members voted for it?", "For: 5, Against: 0, Abstentions: 0.")
    assert states("count", "How many staff did it have?", "It is staffed by 4.2 full-time equivalent posts.")


def test_how_big_asks_a_measure_or_a_sum() -> None:
    assert "count" in asked_kinds("Roughly how big is a full-size allotment plot?")
    assert "money" in asked_kinds("How big was the budget gap?")
    assert "count" in asked_kinds("How far had car park income recovered?")
    assert {"count", "money"} <= set(asked_kinds("What figure did the planner give for the fund?"))


def test_a_when_that_sets_the_scene_wants_no_date() -> None:
    assert "date" not in wanted("When the scheme was first put to Cabinet, what was it expected to cost?")
    assert "date" in wanted("When the scheme was put to Cabinet, what date was set for the works?")
    assert "date" in wanted("When did Cabinet approve the scheme?")


def test_what_prompted_it_is_a_reason() -> None:
    assert has("reason", "The Order was made after the Council received an enquiry from a tree surgeon.")
    assert has("reason", "Following a complaint from residents, officers visited the site.")
    assert has("reason", "The review was carried out in response to the petition.")
    assert not has("reason", "After the meeting the Chair thanked the officers.")


VOTE = """ASHCOMBE DISTRICT COUNCIL

Minutes of the meeting of the Municipal District held on 11 April 2023.

4. Motion on Press Attendance

Councillor Ryan proposed that the Ashcombe Post be invited. The voting was as follows:

For the proposal:

Councillors Ryan, Doyle and Kelly (3)

Against the proposal:

Councillor Byrne (1)

Abstain:

Councillor Walsh
"""


def test_a_recorded_vote_by_name_answers_who_voted_which_way(fake_embedder: FakeEmbedder) -> None:
    assert heads_vote_side("Against the proposal:\n\nCouncillor Byrne (1)", "Who voted against the proposal?")
    assert not heads_vote_side("For the proposal:\n\nCouncillors Ryan (1)", "Who voted against the proposal?")
    assert not heads_vote_side("For: 6, Against: 2", "Who voted against it?")  # a tally names nobody
    raw = RawDocument(
        doc_id=file_digest(VOTE.encode()),
        source="/r/2023-04-11_district_minutes.txt",
        format="txt",
        text=VOTE,
    )
    retrieved = scored(
        chunk_meeting(parse_meeting(raw), IngestSettings())
    )  # paragraphs merged as ingest does
    answer = answer_question(
        "Who voted against the proposal?",
        retrieved,
        AnswerSettings(),
        fake_embedder,
    )
    assert "Byrne" in answer.text, answer.text


def test_a_number_that_heads_a_sentence_counts_nothing() -> None:
    assert not has("count", "1, The report will include the number of locations where it was used.")
    assert not has("count", "2) That the report be noted.")
    assert has("count", "The equipment was used at 20 locations, and 6 fines resulted.")


def test_review_edge_cases_of_the_new_rules(fake_embedder: FakeEmbedder) -> None:
    # a possessive is no name: "the Council’s" does not make every passage without "s" a near miss
    answered = _ask(
        "How many new council homes are planned under the Council’s housing delivery programme?",
        fake_embedder,
    )
    assert not answered.refused and "14 new council homes" in answered.text, answered.text
    # "for", "in favour" and "in favor" are one side of a vote
    assert heads_vote_side("For the proposal:\n\nCouncillor Ryan", "Who voted in favour of the proposal?")
    assert heads_vote_side("In favour:\n\nCouncillor Ryan", "Who voted for the motion?")
    assert not heads_vote_side("Against the proposal:\n\nCouncillor Byrne", "Who voted for the motion?")
    # "When, exactly, ...?" asks when; "each" and "per" make no sum of a size
    assert "date" in wanted("When, exactly, was the meeting held?")
    assert "date" in asked_kinds("When, and by whom, was the scheme approved?")
    assert asked_kinds("How big is each allotment plot?") == ("count",)
    assert has("decision", "The Committee also noted the report.")
    assert not states("count", "How many support staff are there?", "The motion was carried unanimously.")
