"""Decisions (proposed, seconded, resolved) tagged on chunks, stored flat in Chroma, read back."""

from __future__ import annotations

from pathlib import Path

import pytest

import assistant
from assistant import Settings
from assistant.settings import IngestSettings
from assistant.types import Chunk, Citation, Decision, Meeting, RawDocument
from index import CouncilIndex, Embedder
from index.metadata import chunk_from_record, chunk_metadata, decision_from_metadata, decision_metadata
from ingest import chunk_meeting, file_digest, parse_meeting
from ingest.decisions import read_decision

MINUTES = """FERNLEY TOWN COUNCIL

Minutes of the meeting of the Parks Committee held on 17 January 2024.

1. Allotment Rents

The Town Clerk reported that allotment rents had not been reviewed since 2019.

It was proposed by Councillor Quill and seconded by Councillor Pym that rents rise to £48 per plot. The motion was carried by 3 votes to 2.

RESOLVED: That allotment rents rise to £48 per plot per year from 1 April 2024.

2. Skate Park

Councillor Ashdown proposed an amendment that the skate park be moved to Mill Meadow. This was seconded by Councillor Brereton.

The amendment was put to the vote and was lost.

3. Bins

The Parks Officer said the issue of overflowing bins had been resolved by extra collections.
"""


def meeting(text: str = MINUTES) -> Meeting:
    raw = RawDocument(doc_id=file_digest(text.encode()), source="/r/minutes.txt", format="txt", text=text)
    return parse_meeting(raw)


def decided(chunks: list[Chunk]) -> dict[str, list[Decision]]:
    out: dict[str, list[Decision]] = {}
    for c in chunks:
        if c.decision is not None:
            out.setdefault(c.citation.agenda_item or "", []).append(c.decision)
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "It was proposed by Councillor Nazir and seconded by Councillor Pantelic that Cllr Brooker be "
            "appointed Chair. This was carried unanimously.",
            ("nomination", "Councillor Nazir", "Councillor Pantelic", "carried"),
        ),
        (
            "Proposed by Councillor Sheahan (J); Seconded by Councillor Collins (M); And Resolved: "
            "“That the draft Minutes be adopted.”",
            ("resolution", "Councillor Sheahan (J)", "Councillor Collins (M)", "agreed"),
        ),
        (
            "On the proposal of Cmhlr. S. Ó Ceallaigh, seconded by Councillor Browne, the item was deferred.",
            ("motion", "Cmhlr. S. Ó Ceallaigh", "Councillor Browne", "deferred"),
        ),
        (
            "Proposed by Councillor Ryan, Seconded by Councillor Keller and AGREED.",
            ("motion", "Councillor Ryan", "Councillor Keller", "agreed"),
        ),
        ("Resolved – That the update be noted.", ("resolution", None, None, "noted")),
        (
            "Councillor Collins proposed an amendment. This was seconded by Councillor Sheahan. "
            "The Mayor declared the amendment lost.",
            ("amendment", "Councillor Collins", "Councillor Sheahan", "lost"),
        ),
        (
            "The motion was withdrawn. It was moved by Cllr. Ashdown.",
            ("motion", "Councillor Ashdown", None, "withdrawn"),
        ),
        (
            "Councillor David Okafor presented the budget for 2025/26 and moved the Cabinet's "
            "recommendations, seconded by Councillor Natarajan.",
            ("motion", "Councillor David Okafor", "Councillor Natarajan", None),
        ),
        (
            "Councillor Pryce introduced the report and proposed that the pilot be approved, seconded by "
            "Councillor Ames.",
            ("motion", "Councillor Pryce", "Councillor Ames", None),
        ),
    ],
)
def test_read_decision(text: str, expected: tuple[str, str | None, str | None, str | None]) -> None:
    d = read_decision(text)
    assert d is not None
    assert (d.kind, d.mover, d.seconder, d.outcome) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The issue of overflowing bins had been resolved by extra collections.",
        "Members proposed that officers look at the matter.",  # no one named: a discussion, not a decision
        "The report was noted.",
        "Councillor Marsh presented the report and answered questions.",  # presenting moves nothing
    ],
)
def test_no_decision(text: str) -> None:
    assert read_decision(text) is None


def test_decisions_are_tagged_on_the_chunks_of_their_item() -> None:
    chunks = chunk_meeting(meeting(), IngestSettings(min_chunk_chars=0))
    found = decided(chunks)
    assert set(found) == {"1. Allotment Rents", "2. Skate Park"}  # item 3's "resolved" is not a decision
    rents = found["1. Allotment Rents"][0]
    assert (rents.kind, rents.mover, rents.seconder, rents.outcome) == (
        "resolution",
        "Councillor Quill",
        "Councillor Pym",
        "carried",
    )
    resolved = next(c for c in chunks if c.text.startswith("RESOLVED"))
    assert resolved.decision == rents  # the proposal and its resolution are one decision
    skate = found["2. Skate Park"][0]
    assert (skate.kind, skate.mover, skate.seconder, skate.outcome) == (
        "amendment",
        "Councillor Ashdown",
        "Councillor Brereton",
        "lost",
    )
    assert next(c for c in chunks if "Town Clerk" in c.text).decision is None


def test_decision_round_trips_through_chroma_metadata() -> None:
    chunks = chunk_meeting(meeting(), IngestSettings(min_chunk_chars=0))
    with_decision = next(c for c in chunks if c.decision is not None)
    without = next(c for c in chunks if c.decision is None)
    meta = chunk_metadata(with_decision)
    assert meta["decision_kind"] == "resolution" and meta["mover"] == "Councillor Quill"
    assert meta["outcome"] == "carried"
    assert chunk_from_record(with_decision.id, with_decision.text, dict(meta)) == with_decision
    plain = chunk_metadata(without)
    assert not {"decision_kind", "mover", "seconder", "outcome"} & set(plain)
    assert chunk_from_record(without.id, without.text, dict(plain)) == without


def test_decision_metadata_drops_unknown_parts() -> None:
    d = Decision(kind="resolution", outcome="agreed")
    assert decision_metadata(d) == {"decision_kind": "resolution", "outcome": "agreed"}
    assert decision_from_metadata(decision_metadata(d)) == d
    assert decision_from_metadata({"doc_id": "x"}) is None


def test_decisions_survive_a_real_chroma_index(
    tmp_path: Path, settings: Settings, fake_embedder: Embedder
) -> None:
    path = tmp_path / "2024-01-17_parks-committee_minutes.txt"
    path.write_text(MINUTES, encoding="utf-8")
    report = assistant.ingest_paths([path], settings, embedder=fake_embedder)
    assert report.ok, report.failed
    index = CouncilIndex(settings, fake_embedder)
    stored = list(index.vectors.iter_chunks())
    assert decided(stored) == decided(chunk_meeting(parse_meeting_of(path), settings.ingest))
    lost = index.vectors.chunks.get(where={"outcome": "lost"}, include=["metadatas"])
    assert lost["ids"] and all(m["mover"] == "Councillor Ashdown" for m in lost["metadatas"])


def parse_meeting_of(path: Path) -> Meeting:
    from ingest import read_document

    return parse_meeting(read_document(path))


# -- merging short paragraphs -------------------------------------------------------------

SHORT = """1. Apologies

Apologies were received from Councillor Pym.

Apologies were received from Councillor Quill.

Councillor Ashdown sent apologies for lateness.

2. Declarations of Interest

None.

3. Minutes

Proposed by Councillor Pym;

Seconded by Councillor Quill;

And Resolved:

That the minutes be signed.

The Chair thanked the clerk for her work.

Proposed by Councillor Brereton;

Seconded by Councillor Okafor;

And Resolved: That the clerk's report be noted.
"""


def test_short_paragraphs_merge_within_an_item_only() -> None:
    m = meeting(SHORT)
    chunks = chunk_meeting(m, IngestSettings(min_chunk_chars=300))
    numbers = {p.number: (item.label, p) for item in m.items for p in item.paragraphs}
    for chunk in chunks:
        c = chunk.citation
        assert m.text[c.char_start : c.char_end] == chunk.text
        item, first = numbers[c.paragraph]
        assert c.agenda_item == item and c.char_start == first.char_start  # cites its first paragraph
        inside = [p for _, p in numbers.values() if c.char_start <= p.char_start < c.char_end]
        assert {numbers[p.number][0] for p in inside} == {item}  # never across items
    apologies = [c for c in chunks if c.citation.agenda_item == "1. Apologies"]
    assert len(apologies) == 1 and apologies[0].text.count("Apologies were received") == 2
    assert "\n\n" in apologies[0].text  # the merged text is exactly the document's, separators included
    # two decisions in one item never share a chunk
    minutes = [c for c in chunks if c.citation.agenda_item == "3. Minutes"]
    kinds = [(c.decision.mover if c.decision else None) for c in minutes]
    assert "Councillor Pym" in kinds and "Councillor Brereton" in kinds
    for chunk in minutes:
        assert not ("Councillor Pym" in chunk.text and "Councillor Brereton" in chunk.text)


def test_min_chunk_chars_zero_keeps_one_chunk_per_paragraph() -> None:
    m = meeting(SHORT)
    chunks = chunk_meeting(m, IngestSettings(min_chunk_chars=0))
    body = [p for i in m.items for p in i.paragraphs if p.text != i.label]
    assert [c.citation.paragraph for c in chunks] == [p.number for p in body]
    assert all(c.text == m.text[c.citation.char_start : c.citation.char_end] for c in chunks)


def test_merged_chunks_stay_within_max_chunk_chars() -> None:
    para = "Members discussed the state of the allotment paths at some length. " * 3
    text = "1. Paths\n\n" + "\n\n".join(para.strip() for _ in range(6))
    chunks = chunk_meeting(meeting(text), IngestSettings(min_chunk_chars=1000, max_chunk_chars=450))
    assert len(chunks) == 3
    assert all(len(c.text) <= 450 for c in chunks)


def test_citation_of_a_merged_chunk_is_one_citation() -> None:
    chunks = chunk_meeting(meeting(SHORT), IngestSettings(min_chunk_chars=300))
    assert all(isinstance(c.citation, Citation) for c in chunks)
    assert len({c.id for c in chunks}) == len(chunks)


def test_sentences_never_cross_a_paragraph_break() -> None:
    from ingest import sentence_spans

    text = "Proposed by Councillor Pym;\n\nSeconded by Councillor Quill;\n\nAnd Resolved: That it be agreed. Noted."
    spans = sentence_spans(text, offset=5)
    assert [text[s - 5 : e - 5] for s, e in spans] == [
        "Proposed by Councillor Pym;",
        "Seconded by Councillor Quill;",
        "And Resolved: That it be agreed.",
        "Noted.",
    ]


def test_paragraphs_that_stand_alone_are_not_merged_together() -> None:
    long_a = "The Commission considered a report on the progress of the service since its inspection."
    long_b = "The Head of Service introduced himself, stating that he had been in post since June 2015."
    text = f"1. Progress\n\nMinutes:\n\n{long_a}\n\n{long_b}"
    chunks = chunk_meeting(meeting(text), IngestSettings(min_chunk_chars=160))
    assert [c.text for c in chunks] == [f"Minutes:\n\n{long_a}", long_b]
