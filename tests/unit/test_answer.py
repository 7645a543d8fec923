from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from assistant import REFUSAL, Chunk, ScoredChunk
from assistant.answer import answer_question, keyword_coverage
from assistant.settings import AnswerSettings, IngestSettings
from assistant.types import RawDocument
from index import tokenize
from ingest import chunk_meeting, file_digest, parse_meeting

if TYPE_CHECKING:
    from conftest import FakeEmbedder

DOC = """FERNLEY TOWN COUNCIL

Minutes of the meeting of the Parks Committee held on 17 January 2024.

1. Allotment Rents

The Town Clerk reported that allotment rents had not been reviewed since 2019. Members agreed
that   allotment rents should rise to keep pace with water charges. The allotment society was consulted.

RESOLVED: That allotment rents rise to £48 per plot per year from 1 April 2024.

2. Tree Planting

Volunteers planted 120 native trees at Mill Meadow in December.
"""


def scored(chunks: list[Chunk], similarity: float = 0.8) -> list[ScoredChunk]:
    return [
        ScoredChunk(chunk=c, score=1.0 / (60 + rank), dense_rank=rank, similarity=similarity)
        for rank, c in enumerate(chunks, start=1)
    ]


def chunks_of(text: str, name: str = "2024-01-17_parks-committee_minutes.txt") -> tuple[str, list[Chunk]]:
    raw = RawDocument(doc_id=file_digest(text.encode()), source=f"/r/{name}", format="txt", text=text)
    meeting = parse_meeting(raw)
    return raw.text, chunk_meeting(meeting, IngestSettings(min_chunk_chars=0))


@pytest.fixture
def doc() -> tuple[str, list[Chunk]]:
    return chunks_of(DOC)


def allotment_chunks(chunks: list[Chunk]) -> list[Chunk]:
    return [c for c in chunks if "allotment" in c.text.lower() and c.text[0] != "1"]


def test_every_sentence_is_cited_exactly(doc: tuple[str, list[Chunk]], fake_embedder: FakeEmbedder) -> None:
    text, chunks = doc
    answer = answer_question(
        "What did the committee decide about allotment rents?",
        scored(allotment_chunks(chunks)),
        AnswerSettings(max_sentences=3),
        fake_embedder,
    )
    assert not answer.refused
    assert 1 <= len(answer.sentences) <= 3
    for s in answer.sentences:
        assert text[s.citation.char_start : s.citation.char_end] == s.quote
        assert s.text == " ".join(s.quote.split())
        assert s.citation.paragraph in (4, 5)
        assert s.citation.agenda_item == "1. Allotment Rents"
        assert s.text in answer.text and f"[{s.marker}]" in answer.text
        assert s.citation.label not in answer.text  # labels are listed once, in the sources
    assert any("£48" in s.quote for s in answer.sentences)
    assert answer.short_answer is not None and answer.short_answer.text == "£48"
    assert text[answer.short_answer.citation.char_start : answer.short_answer.citation.char_end] == "£48"


def test_quote_keeps_source_whitespace(doc: tuple[str, list[Chunk]], fake_embedder: FakeEmbedder) -> None:
    _, chunks = doc
    answer = answer_question(
        "Why did members agree allotment rents should keep pace with water charges?",
        scored(allotment_chunks(chunks)),
        AnswerSettings(),
        fake_embedder,
    )
    # the whitespace inside a quote is the source's own; the shown text is tidied
    tidy = [s for s in answer.sentences if "keep pace" in s.quote]
    assert tidy, answer.text
    assert tidy[0].quote.startswith("Members agreed\nthat   allotment")
    assert tidy[0].text.startswith("Members agreed that allotment")


def test_refuses_on_no_chunks(fake_embedder: FakeEmbedder) -> None:
    answer = answer_question("What about the bypass?", [], AnswerSettings(), fake_embedder)
    assert answer.refused
    assert answer.text == REFUSAL == "I couldn't find this in the records."
    assert answer.sentences == [] and answer.related == [] and answer.citations == []
    assert fake_embedder.calls == 0


def test_refuses_on_irrelevant_chunks_and_lists_related(
    doc: tuple[str, list[Chunk]], fake_embedder: FakeEmbedder
) -> None:
    _, chunks = doc
    related = scored(chunks, similarity=0.05)
    answer = answer_question(
        "What is the policy on parking enforcement fines?", related, AnswerSettings(), fake_embedder
    )
    assert answer.refused
    assert answer.text == REFUSAL
    assert answer.sentences == []
    assert answer.related == related[:3]


def test_refuses_when_similar_but_few_key_terms(
    doc: tuple[str, list[Chunk]], fake_embedder: FakeEmbedder
) -> None:
    _, chunks = doc
    # one of three key terms ("consult") appears; cosine 0.6 + coverage 1/3 < min_relevance 1.0
    answer = answer_question(
        "What did the bypass consultation conclude?", scored(chunks, 0.6), AnswerSettings(), fake_embedder
    )
    assert answer.refused and answer.related
    lenient = answer_question(
        "What did the bypass consultation conclude?",
        scored(chunks, 0.6),
        AnswerSettings(min_relevance=0.9),
        fake_embedder,
    )
    assert not lenient.refused


def test_refuses_a_year_the_records_do_not_cover(
    doc: tuple[str, list[Chunk]], fake_embedder: FakeEmbedder
) -> None:
    _, chunks = doc
    settings = AnswerSettings()
    covered = answer_question(
        "What did allotment rents rise to in 2024?", scored(chunks), settings, fake_embedder
    )
    assert not covered.refused and "£48" in covered.text
    missing = answer_question(
        "What did allotment rents rise to in 2031?", scored(chunks), settings, fake_embedder
    )
    assert missing.refused and missing.text == "I couldn't find this in the records for 2031."
    # a year that bounds a range is a filter's business, not a period the answer must speak of
    ranged = answer_question(
        "What did allotment rents rise to since 2022?", scored(chunks), settings, fake_embedder
    )
    assert not ranged.refused


def test_page_furniture_is_not_an_answer(fake_embedder: FakeEmbedder) -> None:
    _, chunks = chunks_of(
        "FERNLEY TOWN COUNCIL\n\nSUBJECT: Allotment rents review for the Parks Committee\n\n"
        "1. Allotment Rents\n\nThe committee agreed that allotment rents rise to £48 per plot.\n"
    )
    answer = answer_question(
        "What did the committee agree about allotment rents?", scored(chunks), AnswerSettings(), fake_embedder
    )
    assert not answer.refused
    assert answer.sentences[0].text.startswith("The committee agreed")
    assert all(not s.text.startswith("SUBJECT") for s in answer.sentences)


def test_a_sentence_that_introduces_the_answer_takes_it_in(fake_embedder: FakeEmbedder) -> None:
    text, chunks = chunks_of(
        "1. Budget\n\nA recorded vote was taken on the budget motion. For: 28 councillors. Against: 12.\n"
    )
    answer = answer_question(
        "How many votes were cast for the budget motion?",
        scored(chunks),
        AnswerSettings(max_sentences=1),
        fake_embedder,
    )
    assert answer.sentences[0].quote == "A recorded vote was taken on the budget motion. For: 28 councillors."
    c = answer.sentences[0].citation
    assert text[c.char_start : c.char_end] == answer.sentences[0].quote


@pytest.mark.parametrize("limit", [1, 2])
def test_one_sentence_by_default_at_most_max_sentences(fake_embedder: FakeEmbedder, limit: int) -> None:
    _, chunks = chunks_of(
        "1. Allotment Rents\n\n"
        "Allotment rents at Mill Meadow rise next spring. Allotment rents at Quarry Road stay the same. "
        "Allotment rents for pensioners are halved. Allotment rents are paid to the Town Clerk."
    )
    answer = answer_question(
        "What about allotment rents?", scored(chunks), AnswerSettings(max_sentences=limit), fake_embedder
    )
    assert not answer.refused
    assert 1 <= len(answer.sentences) <= limit
    assert len(answer.text.splitlines()) == len(answer.sentences)


def test_near_duplicate_sentences_are_dropped(fake_embedder: FakeEmbedder) -> None:
    text, chunks = chunks_of(
        "1. Allotment Rents\n\n"
        "RESOLVED: That allotment rents rise to £48 per plot per year from April.\n\n"
        "RESOLVED: That the allotment rents rise to £48 per plot per year from April.\n\n"
        "The allotment society asked that rents be published on the notice board."
    )
    answer = answer_question(
        "What allotment rents per plot were resolved?",
        scored(chunks),
        AnswerSettings(max_sentences=3),
        fake_embedder,
    )
    quotes = [s.quote for s in answer.sentences]
    assert sum("£48" in q for q in quotes) == 1
    for s in answer.sentences:
        assert text[s.citation.char_start : s.citation.char_end] == s.quote


def test_fragments_are_never_answers(fake_embedder: FakeEmbedder) -> None:
    _, chunks = chunks_of(
        "1. Allotment Rents\n\nAllotment rents agreed.\n\nThe allotment rents were agreed at £48."
    )
    answer = answer_question("allotment rents agreed", scored(chunks), AnswerSettings(), fake_embedder)
    assert [s.quote for s in answer.sentences] == ["The allotment rents were agreed at £48."]


def test_history_questions_are_in_date_order(fake_embedder: FakeEmbedder) -> None:
    _, old = chunks_of(
        "1. Allotment Rents\n\nAllotment rents were frozen at £40 per plot.", "2019-03-01_parks_minutes.txt"
    )
    _, new = chunks_of(
        "1. Allotment Rents\n\nAllotment rents were raised to £48 per plot.", "2024-01-17_parks_minutes.txt"
    )
    answer = answer_question(
        "What has happened to allotment rents per plot over the years?",
        scored([c for c in new + old if "rents were" in c.text]),
        AnswerSettings(max_sentences=3),
        fake_embedder,
    )
    dates = [s.citation.meeting_date for s in answer.sentences]
    assert dates == [date(2019, 3, 1), date(2024, 1, 17)]


def test_keyword_coverage_counts_the_agenda_item(doc: tuple[str, list[Chunk]]) -> None:
    _, chunks = doc
    resolved = next(c for c in chunks if c.text.startswith("RESOLVED"))
    q = set(tokenize("allotment rents resolution"))
    coverage = keyword_coverage(q, ScoredChunk(chunk=resolved, score=1.0))
    assert coverage == pytest.approx(2 / 3)
    assert keyword_coverage(set(), ScoredChunk(chunk=resolved, score=1.0)) == 0.0


def test_answer_on_tiny_index(tiny_index: object, tiny_corpus: Path) -> None:
    import assistant

    settings, embedder = tiny_index  # type: ignore[misc]
    answer = assistant.ask(
        "What did the committee resolve about allotment rents?", settings, embedder=embedder
    )
    assert not answer.refused
    source = (tiny_corpus / "2024-01-17_parks-committee_minutes.md").resolve()
    index = assistant.open_index(settings, embedder)
    for s in answer.sentences:
        assert s.citation.source == str(source)
        text = index.document_text(s.citation.doc_id)
        assert text is not None and text[s.citation.char_start : s.citation.char_end] == s.quote
    assert any("£48" in s.text for s in answer.sentences)


def test_ask_rejects_empty_question(settings: object, fake_embedder: FakeEmbedder) -> None:
    import assistant

    with pytest.raises(ValueError, match="empty"):
        assistant.ask("   ", settings, embedder=fake_embedder)  # type: ignore[arg-type]
