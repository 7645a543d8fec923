"""The index's typed records of documents and stored chunks, and that `assistant` reads only those."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

from index import DocumentRecord, StoredChunk

ROOT = Path(__file__).resolve().parents[2]


def test_a_document_record_writes_the_metadata_ingest_always_wrote_and_reads_it_back() -> None:
    record = DocumentRecord(
        doc_id="d1",
        sources=("/r/a.pdf", "/r/copy of a.pdf"),
        council="Wenbury Borough Council",
        body="Cabinet",
        meeting_date=date(2024, 1, 18),
        doc_type="minutes",
        access="restricted",
        chunks=12,
        decisions=3,
        format="pdf",
        ingested_at=datetime(2026, 12, 1, 17, 30, 5, tzinfo=UTC),
    )
    meta = record.to_metadata()
    assert meta == {
        "source": "/r/a.pdf",
        "sources": ["/r/a.pdf", "/r/copy of a.pdf"],
        "council": "Wenbury Borough Council",
        "body": "Cabinet",
        "meeting_date": "2024-01-18",
        "doc_type": "minutes",
        "access": "restricted",
        "chunks": 12,
        "decisions": 3,
        "format": "pdf",
        "ingested_at": "2026-12-01T17:30:05+00:00",
    }
    assert DocumentRecord.from_metadata("d1", meta) == record
    assert record.source == "/r/a.pdf"


def test_an_older_or_sparse_record_reads_as_unknown_not_as_a_crash() -> None:
    old = DocumentRecord.from_metadata("d2", {"source": "/r/b.txt", "meeting_date": "not a date"})
    assert old.sources == ("/r/b.txt",) and old.source == "/r/b.txt"
    assert old.meeting_date is None and old.body is None and old.chunks is None and old.ingested_at is None
    empty = DocumentRecord.from_metadata("d3", {})
    assert empty.sources == () and empty.source == "" and empty.doc_type is None
    assert "chunks" not in empty.to_metadata()  # an unknown count is not written as a number


def test_a_stored_chunk_reads_its_offsets_and_writer() -> None:
    meta = {"doc_id": "d1", "source": "/r/a.pdf", "access": "public", "char_start": 10, "char_end": 42}
    chunk = StoredChunk.from_metadata("c1", {**meta, "writer": "host|12|t"}, "text", [0.5, 0.5])
    assert (chunk.doc_id, chunk.source, chunk.access, chunk.char_start, chunk.char_end) == (
        "d1",
        "/r/a.pdf",
        "public",
        10,
        42,
    )
    assert chunk.writer == "host|12|t" and chunk.text == "text" and chunk.vector == [0.5, 0.5]
    bare = StoredChunk.from_metadata("c2", {})
    assert (bare.char_start, bare.char_end, bare.writer, bare.access) == (-1, -1, None, None)


# a stored record's field read from a dict by name, or Chroma's own result keys
FIELDS = (
    "source|sources|body|council|meeting_date|doc_type|chunks|ingested_at|access|doc_id|char_start|writer"
)
RAW_METADATA = re.compile(
    rf"""(?<!groupdict\(\))(?:\.get\(|\[)["'](?:{FIELDS})["']|\bmetadatas\b|document_sources"""
)


def test_assistant_never_reads_raw_store_metadata() -> None:
    """Outside the two shared models that define their own stored form (types.py: Citation and
    Decision; records.py: DecisionRecord), `assistant` reads the index's typed records only."""
    offenders = [
        f"{path.name}:{n}: {line.strip()}"
        for path in sorted((ROOT / "assistant").glob("*.py"))
        if path.name not in ("types.py", "records.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if RAW_METADATA.search(line)
    ]
    assert offenders == []
