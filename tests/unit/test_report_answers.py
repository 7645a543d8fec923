"""A report answers in its own terms: its title names the year its paragraphs speak of, a question
naming one recommendation gets that one (not the list), and the quote leaves the report's own
paragraph number to the label."""

from __future__ import annotations

from typing import TYPE_CHECKING

from test_answer_kinds import _ask, chunks_of

from assistant.kinds import ONE_THING

if TYPE_CHECKING:
    from conftest import FakeEmbedder

BUDGET = """ASHCOMBE DISTRICT COUNCIL

REPORT TO: Full Council

SUBJECT: Revenue Budget 2025/26 and Council Tax

1. Purpose of Report

1.1 To set out the recommended revenue budget and council tax for the coming year.

2. Recommendations

2.1 That the Council approves a net revenue budget of £18.2 million.

2.2 That the savings proposals totalling £1.4 million be approved.

2.3 That the capital programme of £5.1 million be approved.

2.4 That the Council notes the statement of the Chief Finance Officer.

2.5 That the minimum level of the General Fund balance be maintained at £1.9 million.
"""


def _budget(question: str, fake_embedder: FakeEmbedder) -> tuple[str, list[str]]:
    _, chunks = chunks_of(BUDGET, "2025-02-20_full-council_report-budget.txt")
    answer = _ask(question, chunks, fake_embedder)
    assert not answer.refused, answer.text
    return answer.text, [s.citation.label for s in answer.sentences]


def test_a_report_title_names_the_year_of_its_paragraphs(fake_embedder: FakeEmbedder) -> None:
    # no paragraph of the recommendations names 2025/26: the report's title does
    text, _ = _budget("What minimum General Fund balance was set for 2025/26?", fake_embedder)
    assert text.startswith("£1.9 million"), text


def test_one_recommendation_asked_for_is_that_one(fake_embedder: FakeEmbedder) -> None:
    text, labels = _budget(
        "What minimum General Fund balance did the 2025/26 budget report recommend?", fake_embedder
    )
    assert "£18.2 million" not in text and "£5.1 million" not in text, text
    assert ONE_THING.match("Which option did the report recommend?")
    assert not ONE_THING.match("What did the report recommend?")
    assert not ONE_THING.match("What changes did the report recommend?")  # a list asked for
    assert not ONE_THING.match("What else did the report recommend?")


def test_the_quote_leaves_the_paragraph_number_to_its_label(fake_embedder: FakeEmbedder) -> None:
    text, labels = _budget(
        "What minimum General Fund balance did the 2025/26 budget report recommend?", fake_embedder
    )
    assert "— That the minimum level" in text and "2.5 That" not in text, text
    assert "para 2.5" in labels[0], labels


POOL = """ASHCOMBE DISTRICT COUNCIL

Minutes of the meeting of the Cabinet held on 9 October 2025.

7. Eastfield Pool Refurbishment

Councillor Hale presented the business case for the refurbishment of Eastfield Pool at a cost of £2.2 million.

RESOLVED: That (a) the refurbishment of Eastfield Pool be approved at a total cost of £2.2 million; (b) the works be funded by prudential borrowing; and (c) the Director of Leisure be authorised to award the contract for the refurbishment of Eastfield Pool.

It was proposed by Councillor Hale and seconded by Councillor Ortiz that the recommendations be approved.
"""


def test_who_did_an_act_is_the_line_naming_the_act(fake_embedder: FakeEmbedder) -> None:
    # the resolution names the subject best but names no seconder: the motion line answers
    _, chunks = chunks_of(POOL, "2025-10-09_cabinet_minutes.txt")
    question = "Who seconded the approval of the £2.2 million refurbishment of Eastfield Pool?"
    answer = _ask(question, chunks, fake_embedder)
    assert not answer.refused and answer.text.startswith("Councillor Ortiz"), answer.text
    assert _ask(question, chunks, fake_embedder, act_margin=0.0).refused  # the rule is what answers
