"""A share and a length of time are counts of their own kind: "by what percentage?" wants a
percentage, not the figures it was worked from; "how long?" wants a length of time, not a size.
One test a failure kind, on the team's own small record."""

from __future__ import annotations

from typing import TYPE_CHECKING

from test_answer_kinds import _ask as ask_of
from test_answer_kinds import chunks_of

from assistant.facts import states
from assistant.kinds import asked_kinds
from assistant.types import Answer

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
    assert "count" not in asked_kinds("How long ago was the pool built?")
