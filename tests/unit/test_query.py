"""Filters stated in a question: dates, date ranges, bodies and kinds of paper, found without an LLM."""

from __future__ import annotations

from datetime import date

import pytest

from assistant import Filters, parse_query
from assistant.query import describe, find_body

BODIES = ["Cabinet", "Full Council", "Planning Committee", "Overview and Scrutiny Panel"]
TODAY = date(2025, 6, 20)
D = date


@pytest.mark.parametrize(
    ("question", "since", "until", "stripped"),
    [
        ("What was the Band D council tax in 2023?", D(2023, 1, 1), D(2023, 12, 31),
         "What was the Band D council tax?"),
        ("What was agreed during 2022?", D(2022, 1, 1), D(2022, 12, 31), "What was agreed?"),
        ("What did Cabinet decide in March 2024?", D(2024, 3, 1), D(2024, 3, 31), "What did Cabinet decide?"),
        ("What was decided in Feb. 2024?", D(2024, 2, 1), D(2024, 2, 29), "What was decided?"),
        ("What happened on 14 March 2024?", D(2024, 3, 14), D(2024, 3, 14), "What happened?"),
        ("What was said last March?", D(2025, 3, 1), D(2025, 3, 31), "What was said?"),
        ("What was said last June?", D(2024, 6, 1), D(2024, 6, 30), "What was said?"),
        ("What was decided this year?", D(2025, 1, 1), D(2025, 12, 31), "What was decided?"),
        ("What was decided last year?", D(2024, 1, 1), D(2024, 12, 31), "What was decided?"),
        ("What was decided last month?", D(2025, 5, 1), D(2025, 5, 31), "What was decided?"),
        ("What has happened since 2022?", D(2022, 1, 1), None, "What has happened?"),
        ("What has happened since March 2023?", D(2023, 3, 1), None, "What has happened?"),
        ("What was decided after 2022?", D(2023, 1, 1), None, "What was decided?"),
        ("What was decided after May 2023?", D(2023, 6, 1), None, "What was decided?"),
        ("What happened before 2023?", None, D(2022, 12, 31), "What happened?"),
        ("What happened until June 2023?", None, D(2023, 6, 30), "What happened?"),
        ("What changed between 2022 and 2023?", D(2022, 1, 1), D(2023, 12, 31), "What changed?"),
        ("What changed from March 2023 to June 2024?", D(2023, 3, 1), D(2024, 6, 30), "What changed?"),
        ("Since 2022, what happened?", D(2022, 1, 1), None, "what happened?"),
    ],
)  # fmt: skip
def test_dates_and_ranges(question: str, since: date | None, until: date | None, stripped: str) -> None:
    parsed = parse_query(question, BODIES, TODAY)
    assert (parsed.filters.since, parsed.filters.until) == (since, until)
    assert parsed.stripped == stripped
    assert parsed.question == question


@pytest.mark.parametrize(
    "question",
    [
        "What is the Band D council tax for 2024/25?",
        "What was the budget for 2023-24?",
        "What did the Planning Committee decide on application 22/00951/FUL?",
        "How many responses were there, out of 2,312?",
        "What may happen to the library?",
    ],
)
def test_financial_years_and_other_numbers_are_no_dates(question: str) -> None:
    parsed = parse_query(question, BODIES, TODAY)
    assert parsed.filters.since is None and parsed.filters.until is None
    assert parsed.stripped == question


@pytest.mark.parametrize(
    ("question", "body"),
    [
        ("What did the planning committee say?", "Planning Committee"),
        ("What did the PLANNING COMMITTEE say?", "Planning Committee"),
        ("What did Cabinet decide?", "Cabinet"),
        ("What did the scrutiny panel recommend?", "Overview and Scrutiny Panel"),
        ("What did the Overview & Scrutiny Panel recommend?", "Overview and Scrutiny Panel"),
        ("What did full council agree?", "Full Council"),
        ("What did the council agree?", None),  # "council" alone names no one body
        ("What did the committee say?", None),
    ],
)
def test_bodies_the_index_knows(question: str, body: str | None) -> None:
    assert parse_query(question, BODIES, TODAY).filters.body == body


def test_body_mention_is_the_words_used_and_unknown_bodies_are_ignored() -> None:
    assert find_body("what did the planning committee say?", BODIES) == (
        "Planning Committee",
        "planning committee",
    )
    assert parse_query("What did the Licensing Committee say?", BODIES, TODAY).filters.body is None
    assert parse_query("What did the planning committee say?", [], TODAY).filters.body is None


@pytest.mark.parametrize(
    ("question", "doc_type"),
    [
        ("What was said about it in the minutes?", "minutes"),
        ("What is the cost in the report?", "report"),
        ("What was on the agenda?", "agenda"),
        ("What did the report say?", None),
    ],
)
def test_kind_of_paper(question: str, doc_type: str | None) -> None:
    assert parse_query(question, BODIES, TODAY).filters.doc_type == doc_type


def test_everything_at_once() -> None:
    parsed = parse_query("What did the planning committee decide in March 2024?", BODIES, TODAY)
    assert parsed.filters == Filters(body="Planning Committee", since=D(2024, 3, 1), until=D(2024, 3, 31))
    assert parsed.stripped == "What did the planning committee decide?"
    assert parsed.phrases == ("in March 2024",)
    assert parsed.body_mention == "planning committee"


def test_no_filters() -> None:
    parsed = parse_query("What happened to Northgate Library?", BODIES, TODAY)
    assert parsed.filters.is_empty()
    assert parsed.stripped == "What happened to Northgate Library?"


@pytest.mark.parametrize(
    ("filters", "words"),
    [
        (Filters(since=D(2024, 1, 1), until=D(2024, 12, 31)), "in 2024"),
        (Filters(since=D(2022, 1, 1), until=D(2023, 12, 31)), "between 2022 and 2023"),
        (Filters(since=D(2024, 3, 1), until=D(2024, 3, 31)), "in March 2024"),
        (Filters(since=D(2024, 3, 1), until=D(2024, 5, 31)), "between March 2024 and May 2024"),
        (Filters(since=D(2024, 1, 18), until=D(2024, 1, 18)), "on 18 January 2024"),
        (Filters(since=D(2024, 1, 18), until=D(2024, 2, 3)), "between 18 January 2024 and 3 February 2024"),
        (Filters(since=D(2022, 1, 1)), "since 2022"),
        (Filters(since=D(2022, 3, 1)), "since March 2022"),
        (Filters(since=D(2022, 3, 5)), "since 5 March 2022"),
        (Filters(until=D(2022, 12, 31)), "before 2023"),
        (Filters(until=D(2023, 2, 28)), "before March 2023"),
        (Filters(until=D(2023, 2, 10)), "until 10 February 2023"),
        (Filters(doc_type="report"), "in the reports"),
    ],
)
def test_describe_reads_back(filters: Filters, words: str) -> None:
    assert describe(filters) == words
    assert parse_query(f"What happened {words}?", BODIES, TODAY).filters == filters
