"""A share and a length of time are counts of their own kind: "by what percentage?" wants a
percentage, not the figures it was worked from; "how long?" wants a length of time, not a size;
"the March 2024 meeting" names the meeting's month. One test a failure kind, on the team's own
small records."""

from __future__ import annotations

from typing import TYPE_CHECKING

from test_answer_kinds import _ask as ask_of
from test_answer_kinds import chunks_of, scored

from assistant.answer import answer_question
from assistant.facts import states
from assistant.kinds import asked_kinds
from assistant.periods import named_months
from assistant.scoring import candidates_of
from assistant.settings import AnswerSettings
from assistant.signals import analyse
from assistant.types import Answer, ScoredChunk

if TYPE_CHECKING:
    from conftest import FakeEmbedder

SPORTS = """ASHCOMBE DISTRICT COUNCIL

Minutes of the meeting of the Communities Committee held on 12 March 2024.

6. Brook Lane Sports Centre

Attendance at the Brook Lane pool rose from 48,200 in 2021/22 to 55,900 in 2023/24. Membership sales at Brook Lane grew by 18% over the same period.

The sports hall floor would be replaced across 2,400 square metres of the Brook Lane hall.

The works to the sports hall floor were expected to take 14 weeks.

RESOLVED: That the report be noted.
"""


def _ask(question: str, fake_embedder: FakeEmbedder) -> Answer:
    return ask_of(question, chunks_of(SPORTS, "2024-03-12_communities_minutes.txt")[1], fake_embedder)


def test_a_share_question_wants_a_share(fake_embedder: FakeEmbedder) -> None:
    answer = _ask(
        "By what percentage did membership sales at Brook Lane grow between 2021/22 and 2023/24?",
        fake_embedder,
    )
    assert not answer.refused and answer.text.startswith("18%"), answer.text
    asked = "What proportion of residents supported the scheme?"
    assert states("count", asked, "Of the 1,846 responses, 62% were in favour.")
    assert states("count", asked, "Two in five respondents supported it.")
    assert not states("count", asked, "There were 1,846 responses, 500 in 2023.")
    assert not states("count", asked, "Across all sites, 1,846 residents responded.")
    assert states("count", asked, "Two-thirds of residents supported it.")
    assert states("count", "How many responses were there?", "There were 1,846 responses.")


def test_how_long_wants_a_length_of_time(fake_embedder: FakeEmbedder) -> None:
    assert "count" in asked_kinds("How long were the sports hall floor works expected to take?")
    answer = _ask(
        "How long were the works to the Brook Lane sports hall floor expected to take?", fake_embedder
    )
    assert not answer.refused and answer.text.startswith("14 weeks"), answer.text
    assert not states("count", "How long may each speaker talk?", "Up to 12 speakers may register.")
    assert states("count", "How long may each speaker talk?", "Speakers are allowed three minutes each.")
    assert states("count", "How long had she been in post?", "She had been in post since June 2015.")
    assert states("count", "How long had she been in post?", "Since June 2015 she has led the service.")
    assert states("count", "How long would the works take?", "The works would take 8 working weeks.")
    assert states("count", "How long is the new cycle path?", "The new path is 3.2km long.")
    assert "count" not in asked_kinds("How long ago was the pool built?")


def _two_budget_meetings() -> list[ScoredChunk]:
    found: list[ScoredChunk] = []
    for day, when, total in (
        ("2024-03-14", "14 March 2024", "£8.4 million"),
        ("2024-01-11", "11 January 2024", "£7.1 million"),
    ):
        _, chunks = chunks_of(
            f"Minutes of the meeting of the Council held on {when}.\n\n5. Capital Programme\n\n"
            f"The capital programme for 2024/25 was presented, totalling {total}.\n",
            f"{day}_council_minutes.txt",
        )
        found += [c for c in scored(chunks) if "capital programme" in c.chunk.text]
    return found


def test_the_month_a_question_names_is_the_meetings(fake_embedder: FakeEmbedder) -> None:
    # the same sentence at two meetings of one year: the month the question names weighs for its
    # meeting, whichever was retrieved first or came later
    question = "How big was the capital programme for 2024/25 presented at the January 2024 meeting?"
    chunks = _two_budget_meetings()
    pool = candidates_of(analyse(question), chunks, fake_embedder, [])
    month = {
        c.chunk.citation.meeting_date.month: c.features["month"]
        for c in pool
        if c.chunk.citation.meeting_date
    }
    assert month == {1: 1.0, 3: 0.0}
    answer = answer_question(question, chunks, AnswerSettings(), fake_embedder)
    assert not answer.refused and "£7.1 million" in answer.text and "£8.4" not in answer.text, answer.text
    assert named_months("at the February 2024 meeting and on 3 March 2023") == (
        (2024, 2),
    )  # a day weighs as a day
    assert named_months("How has it changed since May 2022?") == ()


def test_a_count_spelled_out_is_a_count() -> None:
    asked = "About how many members of the public attended?"
    assert states("count", asked, "Around sixty members of the public attended.")
    assert states("count", asked, "Some forty-five residents came to the meeting.")
    assert states("count", "How long did the closure last?", "The pool was closed for thirteen weeks.")
    assert not states("count", asked, "Members of the public attended in large numbers.")
