"""The bundled sample council, end to end: real files, real model, real Chroma, cited answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from answer_checks import assert_marked_quotes

from assistant import Answer, Filters, Settings, ask, open_index
from index import SentenceTransformerEmbedder

pytestmark = pytest.mark.integration


@pytest.fixture
def sample(sample_council: Settings) -> Settings:
    return sample_council


def _ask(settings: Settings, embedder: SentenceTransformerEmbedder, question: str, **filters: str) -> Answer:
    return ask(question, settings, Filters.model_validate(filters), embedder=embedder)


# (question, strings one cited sentence must hold, file(s) the citation may point at, agenda item)
ANSWERABLE = [
    # a figure
    ("What was the estimated cost of the Mill Lane cycle lane when it was first proposed?",
     ["£1.2"], "2022-07-14_cabinet", None),
    # a date
    ("When was construction of the Mill Lane cycle lane due to start?", ["3 June 2024"], "2024-01-18_cabinet", None),
    # who proposed / who abstained
    ("Who called in the decision to close Northgate Library?", ["Brockway"], "2023-02-21_overview", None),
    ("Which firm was awarded the Mill Lane construction contract?", ["Hartwell Civils"], "2024-01-18_cabinet", None),
    # a decision
    ("What did the Planning Committee decide on application 22/00951/FUL?", ["refused"], "2022-10-13_planning", None),
    ("What opening hours did Cabinet agree for Northgate Library when it kept it open?",
     ["27.5"], ("2023-03-09_cabinet", "2024-10-10_cabinet_report"), None),
    # a figure from a report
    ("What is the Band D council tax for 2024/25?", ["£235.03"], "2024-02-22_full-council", None),
    # a vote
    ("How many responses did the Northgate Library closure consultation receive?",
     ["2,312"], "2023-02-09_cabinet", None),
    ("What grant will the Northgate Community Trust receive for the library pilot?",
     ["£35,000"], "2024-10-10_cabinet", None),
    ("How much were allotment rents raised to?", ["£55"], "2022-12-08_cabinet", None),
]  # fmt: skip


@pytest.mark.parametrize(("question", "expected", "source", "item"), ANSWERABLE)
def test_sample_council_answers_with_correct_citations(
    sample: Settings,
    real_embedder: SentenceTransformerEmbedder,
    question: str,
    expected: list[str],
    source: str | tuple[str, ...],
    item: str | None,
) -> None:
    answer = _ask(sample, real_embedder, question)
    assert not answer.refused, answer.text
    supporting = [
        s
        for s in answer.sentences
        if all(e.lower() in s.text.lower() for e in expected)
        and Path(s.citation.source).name.startswith(source)
    ]
    assert supporting, f"no sentence from {source}* holds {expected}:\n{answer.text}"
    index = open_index(sample, real_embedder)
    for sentence in answer.sentences:
        c = sentence.citation
        assert c.council == "Wenbury Borough Council"
        assert c.meeting_date is not None and c.body is not None and c.doc_type is not None
        text = index.document_text(c.doc_id)
        assert text is not None and text[c.char_start : c.char_end] == sentence.quote
    assert_marked_quotes(answer)


def test_every_answer_sentence_is_cited_in_the_text(
    sample: Settings, real_embedder: SentenceTransformerEmbedder
) -> None:
    answer = _ask(sample, real_embedder, "What happened to Northgate Library?")
    assert answer.sentences
    assert_marked_quotes(answer)
    assert [m for m, _ in answer.sources] == list(range(1, len(answer.sources) + 1))


@pytest.mark.parametrize(
    "question",
    [
        "What did the council decide about the municipal swimming pool in Harrowgate?",
        "How much was spent on the Wenbury airport expansion?",
    ],
)
def test_questions_the_records_do_not_answer_are_refused(
    sample: Settings, real_embedder: SentenceTransformerEmbedder, question: str
) -> None:
    answer = _ask(sample, real_embedder, question)
    assert answer.refused, answer.text
    assert answer.text == "I couldn't find this in the records."
    assert answer.sentences == []


def test_filters_restrict_the_cited_meetings(
    sample: Settings, real_embedder: SentenceTransformerEmbedder
) -> None:
    answer = _ask(
        sample, real_embedder, "Mill Lane cycle lane", body="overview and scrutiny", since="2024-01-01"
    )
    assert answer.retrieved
    for scored in answer.retrieved:
        c = scored.chunk.citation
        assert c.body == "Overview and Scrutiny Panel"
        assert c.meeting_date is not None and c.meeting_date.year >= 2024
    reports = _ask(sample, real_embedder, "Mill Lane cycle lane cost", doc_type="report")
    assert reports.retrieved and all(s.chunk.citation.doc_type == "report" for s in reports.retrieved)


def test_every_format_is_indexed(sample: Settings, real_embedder: SentenceTransformerEmbedder) -> None:
    formats = {str(d.format) for d in open_index(sample, real_embedder).documents()}
    assert formats == {"txt", "md", "html", "pdf", "docx"}
