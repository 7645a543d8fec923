from __future__ import annotations

from datetime import date

import chromadb
import pytest

from assistant import Answer, AnswerSentence, Chunk, Citation
from assistant.types import RawDocument
from index.vector import chunk_from_record, chunk_metadata

FULL = Citation(
    doc_id="abc123",
    source="/records/2024-03-14_planning-committee_minutes.pdf",
    council="Fernley Town Council",
    body="Planning Committee",
    meeting_date=date(2024, 3, 14),
    doc_type="minutes",
    agenda_item="5. Land at Mill Lane",
    paragraph=3,
    char_start=120,
    char_end=240,
    page=2,
)
BARE = Citation(doc_id="abc123", source="/records/notes.txt", paragraph=1, char_start=0, char_end=10)


@pytest.mark.parametrize("citation", [FULL, BARE], ids=["all-fields", "optional-none"])
def test_citation_metadata_round_trip(citation: Citation) -> None:
    meta = citation.to_metadata()
    assert None not in meta.values()
    assert all(isinstance(v, str | int) for v in meta.values())
    assert Citation.from_metadata(meta) == citation


def test_to_metadata_drops_none_and_writes_iso_dates() -> None:
    meta = BARE.to_metadata()
    assert set(meta) == {"doc_id", "source", "paragraph", "char_start", "char_end"}
    assert FULL.to_metadata()["meeting_date"] == "2024-03-14"


def test_from_metadata_ignores_extra_keys_and_accepts_float_ints() -> None:
    meta = {**FULL.to_metadata(), "context": "Planning Committee — 5. Land", "meeting_day": 20240314}
    meta["paragraph"] = 3.0  # some stores hand ints back as floats
    assert Citation.from_metadata(meta) == FULL


def test_label_shows_only_known_parts() -> None:
    c = FULL.model_copy(update={"page": None})
    assert c.label == "Planning Committee, 14 Mar 2024, item 5, para 3"
    assert FULL.label == "Planning Committee, 14 Mar 2024, item 5, para 3, p. 2"


def test_label_falls_back_to_council_then_file_name() -> None:
    council_only = FULL.model_copy(update={"body": None, "agenda_item": None, "page": None})
    assert council_only.label == "Fernley Town Council, 14 Mar 2024, para 3"
    assert BARE.label == "notes.txt, para 1"


def test_label_names_non_minutes_and_untitled_items() -> None:
    report = FULL.model_copy(update={"doc_type": "report", "agenda_item": "Background", "page": None})
    assert report.label == 'Planning Committee, 14 Mar 2024, report, item "Background", para 3'


@pytest.mark.parametrize(
    ("agenda_item", "number"),
    [("14. Update from the Trust", "14"), ("3a) Budget", "3a"), ("Background", None), (None, None)],
)
def test_item_number(agenda_item: str | None, number: str | None) -> None:
    assert FULL.model_copy(update={"agenda_item": agenda_item}).item_number == number


def test_citation_rejects_unknown_fields_and_bad_values() -> None:
    with pytest.raises(ValueError):
        Citation.model_validate({**BARE.model_dump(), "colour": "red"})
    with pytest.raises(ValueError):
        Citation.model_validate({**BARE.model_dump(), "paragraph": 0})


@pytest.mark.parametrize("citation", [FULL, BARE], ids=["all-fields", "optional-none"])
def test_citation_round_trip_through_chroma(citation: Citation) -> None:
    chunk = Chunk(id="abc123:3:0", text="The application was refused.", citation=citation, context="ctx")
    client = chromadb.EphemeralClient()
    collection = client.create_collection(f"rt-{citation.paragraph}-{id(citation)}", embedding_function=None)
    try:
        collection.add(
            ids=[chunk.id],
            documents=[chunk.text],
            metadatas=[chunk_metadata(chunk)],
            embeddings=[[1.0, 0.0, 0.0]],
        )
        got = collection.get(ids=[chunk.id], include=["documents", "metadatas"])
        back = chunk_from_record(got["ids"][0], got["documents"][0], dict(got["metadatas"][0]))
    finally:
        client.delete_collection(collection.name)
    assert back.citation == citation
    assert back == chunk


def test_answer_citations_deduplicate_in_order() -> None:
    a = FULL
    b = FULL.model_copy(update={"char_start": 300, "char_end": 350})
    sentences = [
        AnswerSentence(text="One.", quote="One.", citation=a),
        AnswerSentence(text="Two.", quote="Two.", citation=b),
        AnswerSentence(text="One again.", quote="One.", citation=a),
    ]
    answer = Answer(question="q", text="t", sentences=sentences)
    assert answer.citations == [a, b]


def test_page_at() -> None:
    raw = RawDocument(doc_id="d", source="s.pdf", format="pdf", text="a" * 30, page_starts=[0, 10, 20])
    assert [raw.page_at(i) for i in (0, 9, 10, 19, 20, 29)] == [1, 1, 2, 2, 3, 3]
    assert RawDocument(doc_id="d", source="s.txt", format="txt", text="abc").page_at(1) is None
