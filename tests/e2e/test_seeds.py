"""Real seed records (../shared/data/seeds): cited answers whose citations reopen exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import Settings, ask, open_index
from index import SentenceTransformerEmbedder
from ingest import read_document

pytestmark = pytest.mark.integration

CASES = [
    ("Who proposed that Councillor Brooker be appointed Chair?", ["Nazir"], "001_", "11"),
    ("Who was appointed chair of the joint meeting?", ["Brooker"], "001_", "11"),
    ("When would Ofsted make its monitoring visit to the Trust?", ["November 2016"], "001_", "14"),
    ("How long had Mac Heath been in post?", ["June 2015"], "002_", None),
    ("How many recommendations did the Ofsted report on the safeguarding board make?", ["six"], "003_", None),
    (
        "When did the Secretary of State issue a Direction transferring children's services to the Trust?",
        ["September 2015"],
        "004_",
        "4c",  # section 4's lettered part "(c) Human Rights Act and Other Legal Implications"
    ),
]


@pytest.mark.parametrize(("question", "expected", "source", "item"), CASES)
def test_seed_answers_cite_the_right_paragraph(
    seeds_settings: Settings,
    real_embedder: SentenceTransformerEmbedder,
    question: str,
    expected: list[str],
    source: str,
    item: str | None,
) -> None:
    answer = ask(question, seeds_settings, embedder=real_embedder)
    assert not answer.refused, answer.text
    assert answer.sentences
    supporting = [s for s in answer.sentences if all(e.lower() in s.text.lower() for e in expected)]
    assert supporting, f"{expected} not in: {answer.text}"
    citation = supporting[0].citation
    assert Path(citation.source).name.startswith(source)
    if item is not None:
        assert citation.item_number == item
    # every citation reopens: the text at its offsets in the re-extracted document is the quote
    for sentence in answer.sentences:
        c = sentence.citation
        extracted = read_document(Path(c.source)).text
        assert extracted[c.char_start : c.char_end] == sentence.quote
        stored = open_index(seeds_settings, real_embedder).document_text(c.doc_id)
        assert stored is not None and stored[c.char_start : c.char_end] == sentence.quote
        assert c.item_paragraph is not None and f"para {c.para_number or c.item_paragraph}" in c.label


def test_seed_metadata_of_the_joint_meeting(
    seeds_settings: Settings, real_embedder: SentenceTransformerEmbedder
) -> None:
    answer = ask("Declaration of interest Eden Girls' School", seeds_settings, embedder=real_embedder)
    citation = next(s.citation for s in answer.sentences if "Eden" in s.text)
    assert citation.meeting_date is not None and citation.meeting_date.isoformat() == "2016-10-26"
    assert citation.doc_type == "minutes"
    assert citation.agenda_item == "12. Declaration of Interest"
    assert citation.body is not None and "Scrutiny" in citation.body


def test_seed_question_the_records_do_not_answer(
    seeds_settings: Settings, real_embedder: SentenceTransformerEmbedder
) -> None:
    answer = ask(
        "What is the budget for the new swimming pool in Langley?", seeds_settings, embedder=real_embedder
    )
    assert answer.refused
    assert answer.text == "I couldn't find this in the records."
    assert not answer.sentences
