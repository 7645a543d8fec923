from __future__ import annotations

from datetime import date

import chromadb
import pytest

from assistant import Answer, AnswerSentence, Chunk, Citation
from assistant.text import short_body, short_council, short_title
from assistant.types import RawDocument
from index.metadata import chunk_from_record, chunk_metadata, citation_from_metadata, citation_metadata

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
# a report's paragraph, with every numbering field the council's own labels use
REPORT = Citation(
    doc_id="def456",
    source="/records/2024-01-18_cabinet_report-mill-lane-cycle-lane.docx",
    council="Wenbury Borough Council",
    body="Cabinet",
    meeting_date=date(2024, 1, 18),
    doc_type="report",
    title="Mill Lane Cycle Lane – Final Business Case and Contract Award",
    agenda_item="2. Recommendations",
    meeting_item="6",
    paragraph=12,
    item_paragraph=2,
    para_number="2.2",
    char_start=900,
    char_end=1010,
)


@pytest.mark.parametrize("citation", [FULL, BARE, REPORT], ids=["all-fields", "optional-none", "report"])
def test_citation_metadata_round_trip(citation: Citation) -> None:
    meta = citation_metadata(citation)
    assert None not in meta.values()
    assert all(isinstance(v, str | int) for v in meta.values())
    assert citation_from_metadata(meta) == citation


def test_to_metadata_drops_none_and_writes_iso_dates() -> None:
    meta = citation_metadata(BARE)
    assert set(meta) == {"doc_id", "source", "paragraph", "char_start", "char_end", "access"}
    assert citation_metadata(FULL)["meeting_date"] == "2024-03-14"


def test_from_metadata_ignores_extra_keys_and_accepts_float_ints() -> None:
    meta = {**citation_metadata(FULL), "context": "Planning Committee — 5. Land", "meeting_day": 20240314}
    meta["paragraph"] = 3.0  # some stores hand ints back as floats
    assert citation_from_metadata(meta) == FULL


def test_label_shows_only_known_parts() -> None:
    c = FULL.model_copy(update={"page": None})
    assert c.label == "Planning Committee, 14 Mar 2024, item 5, para 3"
    assert FULL.label == "Planning Committee, 14 Mar 2024, item 5, para 3, p. 2"


def test_label_counts_paragraphs_within_the_item() -> None:
    # the 4th paragraph of item 6 is "para 4", whatever its ordinal in the whole document
    c = FULL.model_copy(
        update={"paragraph": 25, "item_paragraph": 4, "agenda_item": "6. Mill Lane", "page": None}
    )
    assert c.label == "Planning Committee, 14 Mar 2024, item 6, para 4"
    assert (
        c.model_copy(update={"para_number": "6.3"}).label
        == "Planning Committee, 14 Mar 2024, item 6, para 6.3"
    )


def test_report_label_names_the_report_its_agenda_item_and_own_number() -> None:
    assert REPORT.label == "Cabinet, 18 Jan 2024, report 'Mill Lane Cycle Lane' (item 6), para 2.2"
    unnumbered = REPORT.model_copy(update={"para_number": None, "meeting_item": None})
    assert unnumbered.label == "Cabinet, 18 Jan 2024, report 'Mill Lane Cycle Lane', section 2, para 2"
    other = REPORT.model_copy(
        update={"title": "Northgate Library – Community-Run Pilot", "meeting_item": "5"}
    )
    assert other.label != REPORT.label  # two reports of one day told apart
    untitled = REPORT.model_copy(update={"title": None, "agenda_item": "Background", "para_number": None})
    assert untitled.label == 'Cabinet, 18 Jan 2024, report (item 6), section "Background", para 2'


def test_label_falls_back_to_council_then_file_name() -> None:
    council_only = FULL.model_copy(update={"body": None, "agenda_item": None, "page": None})
    assert council_only.label == "Fernley Town Council, 14 Mar 2024, para 3"
    assert BARE.label == "notes.txt, para 1"


def test_label_names_non_minutes_and_untitled_items() -> None:
    agenda = FULL.model_copy(update={"doc_type": "agenda", "agenda_item": "Background", "page": None})
    assert agenda.label == 'Planning Committee, 14 Mar 2024, agenda, item "Background", para 3'


def test_full_council_is_named_by_its_council() -> None:
    parish = FULL.model_copy(update={"council": "Ashby Parish Council", "body": "Full Council", "page": None})
    assert parish.label == "Ashby Parish Council, 14 Mar 2024, item 5, para 3"
    unknown = parish.model_copy(update={"council": None})
    assert unknown.label == "Full Council, 14 Mar 2024, item 5, para 3"


def test_label_for_shows_the_council_when_asked() -> None:
    c = FULL.model_copy(update={"page": None})
    assert c.label_for(show_council=True) == "Fernley TC, Planning Committee, 14 Mar 2024, item 5, para 3"
    assert c.label_for(show_council=False) == c.label
    parish = c.model_copy(update={"council": "Ashby Parish Council", "body": "Full Council"})
    assert parish.label_for(show_council=True) == "Ashby Parish Council, 14 Mar 2024, item 5, para 3"


@pytest.mark.parametrize(
    ("body", "shown"),
    [
        ("Planning Committee", "Planning Committee"),
        ("Overview and Scrutiny Panel", "Overview and Scrutiny Panel"),
        (
            "Joint Overview and Scrutiny Committee and Education and Children's Services Scrutiny Panel",
            "Joint O&S Committee … Panel",
        ),
        (
            "Economic Development, Enterprise and Planning Strategic Policy Committee",
            "Economic Development, Enterprise … SPC",
        ),
        ("Municipal District of Adare-Rathkeale", "Adare-Rathkeale MD"),
        (
            "Municipal District of Cappamore-Kilmallock Joint Policing Sub-Committee",
            "Cappamore-Kilmallock MD JP Sub-Committee",
        ),
    ],
)
def test_long_body_names_are_abbreviated_at_whole_words(body: str, shown: str) -> None:
    assert short_body(body) == shown
    words = set(body.replace(",", "").split())
    for word in shown.replace(",", "").split():
        assert word in words or word in {"…", "O&S", "SPC", "MD", "JP", "&"}  # never a cut word
    assert len(shown) <= 40


def test_labels_stay_short() -> None:
    long = REPORT.model_copy(
        update={
            "body": "Joint Overview and Scrutiny Committee and Education and Children's Services Scrutiny Panel",
            "title": "Revenue Budget 2024/25 and Council Tax Setting, including the Capital Programme",
            "page": 12,
        }
    )
    assert len(long.label_for(show_council=True).split()) <= 20
    assert short_title(long.title or "") == "Revenue Budget 2024/25…"
    assert short_council("Limerick City and County Council") == "Limerick CCC"
    assert short_council("Wenbury Borough Council") == "Wenbury BC"


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("Mill Lane Cycle Lane – Final Business Case and Contract Award", "Mill Lane Cycle Lane"),
        ("Report to Cabinet – Northgate Library Pilot – 10 October 2024", "Northgate Library Pilot"),
        ("Allotment Rents and Charges 2023/24", "Allotment Rents and Charges…"),
        ("Wenbury Leisure Centre Refurbishment", "Wenbury Leisure Centre Refurbishment"),
    ],
)
def test_short_title(title: str, shown: str) -> None:
    assert short_title(title) == shown


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


@pytest.mark.parametrize("citation", [FULL, BARE, REPORT], ids=["all-fields", "optional-none", "report"])
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
