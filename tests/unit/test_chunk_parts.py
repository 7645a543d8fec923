"""A merged chunk still cites the exact paragraph (and page) each of its sentences comes from."""

from __future__ import annotations

from assistant.settings import IngestSettings
from assistant.types import Chunk, RawDocument
from index.vector import chunk_from_record, chunk_metadata
from ingest import chunk_meeting, file_digest, parse_meeting

TEXT = """FERNLEY TOWN COUNCIL

Minutes of the meeting of the Parks Committee held on 17 January 2024.

1. Allotment Rents

Rents were last reviewed in 2019.

The society was consulted.

RESOLVED: That rents rise to £48 per plot.
"""


def merged_chunk() -> tuple[str, Chunk]:
    raw = RawDocument(doc_id=file_digest(TEXT.encode()), source="/r/parks.txt", format="txt", text=TEXT)
    meeting = parse_meeting(raw)
    chunks = chunk_meeting(meeting, IngestSettings(min_chunk_chars=300))
    item = [c for c in chunks if "£48" in c.text]
    assert len(item) == 1 and item[0].later_paragraphs, [c.text for c in chunks]
    return meeting.text, item[0]


def test_sentences_of_a_merged_chunk_cite_their_own_paragraph() -> None:
    text, chunk = merged_chunk()
    paragraphs = {
        p.number: p
        for item in parse_meeting(
            RawDocument(doc_id="x", source="/r/parks.txt", format="txt", text=TEXT)
        ).items
        for p in item.paragraphs
    }
    start = chunk.text.index("RESOLVED")
    citation = chunk.cite(start, len(chunk.text))
    assert text[citation.char_start : citation.char_end] == chunk.text[start:]
    own = paragraphs[citation.paragraph]
    assert own.char_start <= citation.char_start < own.char_end  # the paragraph that holds it
    assert citation.paragraph > chunk.citation.paragraph
    first = chunk.cite(0, 10)
    assert first.paragraph == chunk.citation.paragraph


def test_paragraph_parts_survive_chroma_metadata() -> None:
    _, chunk = merged_chunk()
    meta = chunk_metadata(chunk)
    back = chunk_from_record(chunk.id, chunk.text, dict(meta))
    assert back.later_paragraphs == chunk.later_paragraphs
    assert back.cite(5, 9) == chunk.cite(5, 9)


def test_a_run_on_line_without_full_stops_is_cut_at_spaces() -> None:
    line = " ".join(f"word{i}" for i in range(3000))  # about 26,000 characters, no sentence end
    text = f"FERNLEY TOWN COUNCIL\n\n1. Allotment Rents\n\n{line}\n"
    raw = RawDocument(doc_id="run-on", source="/r/run-on.txt", format="txt", text=text)
    meeting = parse_meeting(raw)
    chunks = chunk_meeting(meeting, IngestSettings())
    assert len(chunks) > 10
    assert all(len(c.text) <= 1200 for c in chunks)
    for c in chunks:
        assert meeting.text[c.citation.char_start : c.citation.char_end] == c.text
        assert c.text == c.text.strip()
    pieces = [c.text for c in chunks if c.text.startswith("word")]
    assert " ".join(pieces) == line  # nothing lost, nothing repeated
