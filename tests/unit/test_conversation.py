"""Follow-up questions resolved without an LLM: topic and filters carried from the last turn."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from assistant import Citation, Filters, Turn, load_turns, resolve
from assistant.conversation import is_follow_up, merge_filters, topic_of

BODIES = ["Cabinet", "Full Council", "Planning Committee", "Overview and Scrutiny Panel"]
TODAY = date(2025, 6, 20)
Y2023 = Filters(since=date(2023, 1, 1), until=date(2023, 12, 31))
Y2024 = Filters(since=date(2024, 1, 1), until=date(2024, 12, 31))


def _resolve(question: str, *previous: str | Turn) -> tuple[str, Filters]:
    turns = [p if isinstance(p, Turn) else Turn(question=p) for p in previous]
    return resolve(question, turns, BODIES, TODAY)


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("When was the Mill Lane cycle lane approved?", "the Mill Lane cycle lane"),
        ("What was the Band D council tax?", "the Band D council tax"),
        ("What did the Planning Committee decide on application 22/00951/FUL?", "application 22/00951/FUL"),
        ("What did Cabinet decide about the Mill Lane cycle lane?", "the Mill Lane cycle lane"),
        ("What happened to Northgate Library?", "Northgate Library"),
        ("How much were allotment rents raised to?", "allotment rents"),
        (
            "Which firm was awarded the Mill Lane construction contract?",
            "the Mill Lane construction contract",
        ),
        ("How many responses did the library consultation receive?", "the library consultation"),
        ("When was construction of the cycle lane due to start?", "construction of the cycle lane"),
        ("What hours did Cabinet agree for Northgate Library when it kept it open?", "Northgate Library"),
    ],
)
def test_topic_of(question: str, topic: str) -> None:
    mention = "Planning Committee" if "Planning" in question else "Cabinet" if "Cabinet" in question else None
    assert topic_of(question, mention) == topic


@pytest.mark.parametrize(
    "question",
    [
        "who seconded it?",
        "and in 2024?",
        "what about 2025?",
        "How about the cabinet?",
        "what did the planning committee say?",
        "What was the vote?",
        "who voted against the decision?",
        "How much did it cost?",
        "Why?",
        "who seconded?",
        "And the reasons?",
    ],
)
def test_follow_ups_are_detected(question: str) -> None:
    assert is_follow_up(question, BODIES, TODAY)


@pytest.mark.parametrize(
    "question",
    [
        "What happened to Northgate Library?",
        "How much were allotment rents raised to?",
        "Which firm was awarded the Mill Lane construction contract?",
        "What did the Planning Committee decide on application 22/00951/FUL?",
        "When was the Mill Lane cycle lane approved and who seconded it?",
        "What was the Band D council tax in 2023?",
    ],
)
def test_self_contained_questions_start_afresh(question: str) -> None:
    assert not is_follow_up(question, BODIES, TODAY)
    resolved, filters = _resolve(question, "What was the Band D council tax in 2023?")
    assert resolved == question
    assert filters == resolve(question, [], BODIES, TODAY)[1]


def test_pronoun_takes_the_topic() -> None:
    resolved, filters = _resolve("who seconded it?", "When was the Mill Lane cycle lane approved?")
    assert resolved == "Who seconded the Mill Lane cycle lane?"
    assert filters.is_empty()


def test_possessive_and_definite_references() -> None:
    q = "What happened to Northgate Library?"
    assert _resolve("what were its opening hours?", q)[0] == "What were Northgate Library's opening hours?"
    assert _resolve("who voted against the decision?", q)[0] == (
        "Who voted against the decision on Northgate Library?"
    )
    assert _resolve("What did they say?", q)[0] == "What did they say about Northgate Library?"
    assert _resolve("Why?", q)[0] == "Why – Northgate Library?"


def test_a_new_year_replaces_the_old_one() -> None:
    resolved, filters = _resolve("and in 2024?", "What was the Band D council tax in 2023?")
    assert resolved == "What was the Band D council tax in 2024?"
    assert filters == Y2024
    resolved, filters = _resolve("what about since March 2022?", "What was the Band D council tax in 2023?")
    assert resolved == "What was the Band D council tax since March 2022?"
    assert filters == Filters(since=date(2022, 3, 1))


def test_a_new_body_replaces_the_old_one_and_dates_carry() -> None:
    first = "What did the planning committee decide on application 22/00951/FUL in 2023?"
    resolved, filters = _resolve("and the cabinet?", first)
    assert resolved == "What did the cabinet decide on application 22/00951/FUL in 2023?"
    assert filters == Y2023.model_copy(update={"body": "Cabinet"})


def test_a_body_follow_up_asks_about_the_topic() -> None:
    resolved, filters = _resolve(
        "what did the planning committee say?", "When was the Mill Lane cycle lane approved?"
    )
    assert resolved == "What did the planning committee say about the Mill Lane cycle lane?"
    assert filters == Filters(body="Planning Committee")


def test_carried_filters_are_written_into_the_question() -> None:
    resolved, filters = _resolve("who proposed it?", "What was the Band D council tax in 2023?")
    assert resolved == "Who proposed the Band D council tax in 2023?"
    assert filters == Y2023
    resolved, filters = _resolve(
        "what were the reasons?", "What did the planning committee decide on X/1 in 2023?"
    )
    assert resolved == "What were the reasons about X/1 in 2023 (Planning Committee)?"
    assert filters == Y2023.model_copy(update={"body": "Planning Committee"})
    assert resolve(resolved, [], BODIES, TODAY)[1] == filters  # the question carries its own filters


def test_what_about_a_new_name_swaps_the_topic_and_an_aspect_joins_it() -> None:
    first = "When was the Mill Lane cycle lane approved?"
    assert _resolve("what about Northgate Library?", first)[0] == "When was Northgate Library approved?"
    assert _resolve("what about the cost?", first)[0] == "What about the cost of the Mill Lane cycle lane?"


def test_follow_up_of_a_follow_up_keeps_the_topic() -> None:
    turns = [Turn(question="What was the Band D council tax in 2023?")]
    for question, expected in [
        ("and in 2024?", "What was the Band D council tax in 2024?"),
        ("what about 2025?", "What was the Band D council tax in 2025?"),
        ("who proposed it?", "Who proposed the Band D council tax in 2025?"),
    ]:
        resolved, filters = resolve(question, turns, BODIES, TODAY)
        assert resolved == expected
        turns.append(Turn(question=question))  # no resolved question kept: rebuilt from the chain
    assert filters.since == date(2025, 1, 1)


def test_motion_follow_ups_point_at_the_meeting_of_the_decision() -> None:
    def cite(body: str, day: date, paragraph: int) -> Citation:
        return Citation(
            doc_id=f"d{paragraph}", source="x", body=body, meeting_date=day, paragraph=paragraph,
            char_start=0, char_end=1,
        )  # fmt: skip

    later = cite("Overview and Scrutiny Panel", date(2025, 6, 17), 3)
    decision = cite("Cabinet", date(2024, 1, 18), 9)
    turn = Turn(
        question="When was the Mill Lane cycle lane approved?",
        answer=f"It opened in April 2025. [{later.label}]\nRESOLVED: That the lane be approved. [{decision.label}]",
        citations=[later, decision],
    )
    resolved, filters = _resolve("who seconded it?", turn)
    assert filters == Filters(body="Cabinet", since=date(2024, 1, 18), until=date(2024, 1, 18))
    assert resolved == "Who seconded the Mill Lane cycle lane on 18 January 2024 (Cabinet)?"
    # not a question about the vote: no anchor; a date the follow-up states wins
    assert _resolve("How much did it cost?", turn)[1].is_empty()
    assert _resolve("who seconded it in 2023?", turn)[1] == Y2023


def test_no_history_parses_filters_only() -> None:
    assert resolve("who seconded it in 2023?", [], BODIES, TODAY) == ("who seconded it in 2023?", Y2023)


def test_merge_filters_stated_wins() -> None:
    carried = Filters(body="Cabinet", since=date(2023, 1, 1), until=date(2023, 12, 31), doc_type="minutes")
    assert merge_filters(carried, None) == carried
    assert merge_filters(carried, Filters()) == carried
    assert merge_filters(carried, Filters(since=date(2024, 1, 1))) == Filters(
        body="Cabinet", since=date(2024, 1, 1), doc_type="minutes"
    )
    assert merge_filters(carried, Filters(body="Full Council", doc_type="report")).body == "Full Council"


def test_load_turns_json_and_jsonl(tmp_path: Path) -> None:
    rows: list[dict[str, Any]] = [
        {"question": "What was the Band D council tax in 2023?", "answer": "£228.21 [x]"},
        {
            "question": "and in 2024?",
            "resolved_question": "What was the Band D council tax in 2024?",
            "filters": {"since": "2024-01-01", "until": "2024-12-31"},
            "citations": [
                {"label": "Cabinet, 18 Jan 2024, item 5, para 20", "source": "/x.pdf", "body": "Cabinet",
                 "meeting_date": "2024-01-18", "doc_type": "minutes", "agenda_item": "5. Budget",
                 "paragraph": 20, "char_start": 10, "char_end": 90, "page": 2, "text": "…"},
            ],
        },
    ]  # fmt: skip
    listed = tmp_path / "turns.json"
    listed.write_text(json.dumps(rows), encoding="utf-8")
    lines = tmp_path / "turns.jsonl"
    lines.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    for path in (listed, lines):
        turns = load_turns(path)
        assert [t.question for t in turns] == [r["question"] for r in rows]
        assert turns[1].standalone == "What was the Band D council tax in 2024?"
        assert turns[1].filters == Y2024
        assert turns[1].citations[0].meeting_date == date(2024, 1, 18)
        assert turns[1].citations[0].label == "Cabinet, 18 Jan 2024, item 5, para 20, p. 2"
    single = tmp_path / "one.json"
    single.write_text(json.dumps(rows[0]), encoding="utf-8")
    assert len(load_turns(single)) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not JSON or JSON Lines"),
        ('[{"answer": "x"}]', 'turn 1 is not an object with a "question"'),
    ],
)
def test_load_turns_names_what_is_wrong(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_turns(path)
