"""Two-turn conversations on the bundled sample council: real model, real Chroma, follow-ups resolved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from answer_checks import assert_marked_quotes
from click.testing import CliRunner

from assistant import Answer, Settings, Turn, ask, open_index
from assistant.cli import cli
from index import SentenceTransformerEmbedder

pytestmark = pytest.mark.integration


@pytest.fixture
def sample(sample_council: Settings) -> Settings:
    return sample_council


def _converse(settings: Settings, embedder: SentenceTransformerEmbedder, *questions: str) -> list[Answer]:
    history: list[Turn] = []
    answers = []
    for question in questions:
        answer = ask(question, settings, embedder=embedder, history=history)
        history.append(Turn.from_answer(answer))
        answers.append(answer)
    return answers


def _supporting(answer: Answer, expected: list[str], source: str) -> list[str]:
    """Sentences holding every expected string and cited from a file whose name starts with `source`."""
    return [
        s.text
        for s in answer.sentences
        if all(e.lower() in s.text.lower() for e in expected)
        and Path(s.citation.source).name.startswith(source)
    ]


# (first question, follow-up, its resolved form, strings one cited sentence must hold, file it cites)
CONVERSATIONS = [
    ("Was the tree preservation order at The Glebe confirmed?", "who seconded it?",
     "Who seconded the tree preservation order at The Glebe on 14 September 2023 (Planning Committee)?",
     ["seconded by Councillor Whitlock"], "2023-09-14_planning-committee_minutes"),
    ("What was the Band D council tax in 2023?", "and in 2024?",
     "What was the Band D council tax in 2024?", ["£235.03"], "2024-"),
    ("What happened to Northgate Library?", "Who called it in?",
     "Who called Northgate Library in?", ["called in by Councillors Brockway"], "2023-02-21_overview"),
    ("How much were allotment rents raised to?", "when was that decided?",
     "When was allotment rents decided?", ["£55"], "2022-12-08_cabinet_minutes"),
    ("What was the net revenue budget in 2022?", "and in 2025?",
     "What was the net revenue budget in 2025?", ["£26.3 million"], "2025-02-20_full-council"),
    ("What did Cabinet decide about the Mill Lane cycle lane?", "what did the planning committee say?",
     "What did the planning committee say about the Mill Lane cycle lane?", ["Mill Lane"], "2024-03-14_planning"),
]  # fmt: skip


# After a decision question: "who seconded it?", "was it carried?", "what was the vote?"
DECISION_FOLLOW_UPS = [
    ("What did Full Council decide about the amendment to keep Northgate Library open on full hours in "
     "February 2023?", "What was the vote?", ["For: 17, Against: 25"], "2023-02-23_full-council"),
    ("What happened to the amendment in 2024 to limit the council tax increase to 1.99%?",
     "What was the vote?", ["For: 15, Against: 27"], "2024-02-22_full-council"),
    ("What did the Overview and Scrutiny Panel decide about the Northgate Library call-in?",
     "Was it carried?", ["CARRIED"], "2023-02-21_overview"),
    ("What did the Planning Committee decide on the revised Old Tannery scheme in 2024?",
     "Who seconded it?", ["seconded by Councillor Treharne"], "2024-03-14_planning"),
    ("What did Cabinet decide about the Northgate Library call-in on 9 March 2023?",
     "Who moved it?", ["proposed by Councillor Pryce"], "2023-03-09_cabinet"),
]  # fmt: skip


@pytest.mark.parametrize(("first", "follow_up", "expected", "source"), DECISION_FOLLOW_UPS)
def test_decision_follow_ups_give_the_vote_outcome_and_mover(
    sample: Settings,
    real_embedder: SentenceTransformerEmbedder,
    first: str,
    follow_up: str,
    expected: list[str],
    source: str,
) -> None:
    _, answer = _converse(sample, real_embedder, first, follow_up)
    assert not answer.refused, (answer.resolved_question, answer.text)
    assert _supporting(answer, expected, source), (answer.resolved_question, answer.text)
    assert_marked_quotes(answer)


@pytest.mark.parametrize(("first", "follow_up", "resolved", "expected", "source"), CONVERSATIONS)
def test_follow_up_is_answered_from_the_right_meeting(
    sample: Settings,
    real_embedder: SentenceTransformerEmbedder,
    first: str,
    follow_up: str,
    resolved: str,
    expected: list[str],
    source: str,
) -> None:
    before, after = _converse(sample, real_embedder, first, follow_up)
    assert not before.refused, before.text
    assert after.question == follow_up
    assert after.resolved_question == resolved
    assert not after.refused, after.text
    assert _supporting(after, expected, source), f"no sentence from {source}* holds {expected}:\n{after.text}"
    index = open_index(sample, real_embedder)
    for sentence in after.sentences:
        c = sentence.citation
        text = index.document_text(c.doc_id)
        assert text is not None and text[c.char_start : c.char_end] == sentence.quote
    assert_marked_quotes(after)


def test_follow_up_filters_restrict_the_retrieved_meetings(
    sample: Settings, real_embedder: SentenceTransformerEmbedder
) -> None:
    first, year, body = _converse(
        sample,
        real_embedder,
        "What was the Band D council tax in 2023?",
        "what about 2025?",
        "what did the full council decide?",
    )
    assert first.retrieved and all(s.chunk.citation.meeting_date.year == 2023 for s in first.retrieved)  # type: ignore[union-attr]
    assert year.retrieved and all(s.chunk.citation.meeting_date.year == 2025 for s in year.retrieved)  # type: ignore[union-attr]
    assert _supporting(year, ["£242.06"], "2025-02-20_full-council")
    assert body.resolved_question == "What did the full council decide about the Band D council tax in 2025?"
    assert body.retrieved and all(s.chunk.citation.body == "Full Council" for s in body.retrieved)
    assert _supporting(body, ["£242.06"], "2025-02-20_full-council")


def test_a_new_topic_starts_afresh(sample: Settings, real_embedder: SentenceTransformerEmbedder) -> None:
    _, fresh = _converse(
        sample,
        real_embedder,
        "What was the Band D council tax in 2023?",
        "Which firm was awarded the Mill Lane construction contract?",
    )
    assert fresh.resolved_question == "Which firm was awarded the Mill Lane construction contract?"
    assert _supporting(fresh, ["Hartwell Civils"], "2024-01-18_cabinet")


def test_chat_command_on_piped_input(sample: Settings) -> None:
    questions = "What was the Band D council tax in 2023?\nand in 2024?\nquit\n"
    result = CliRunner().invoke(cli, ["--data-dir", str(sample.data_dir), "chat", "--json"], input=questions)
    assert result.exit_code == 0, result.output
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert "£228.21" in first["answer"]
    assert second["resolved_question"] == "What was the Band D council tax in 2024?"
    assert "£235.03" in second["answer"]
    assert all(c["meeting_date"].startswith("2024-") for c in second["citations"])
