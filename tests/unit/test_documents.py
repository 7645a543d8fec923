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


# a stored record's field read from a dict by name (a citation's, a document's, a chunk's filter and
# bookkeeping fields, a decision's), Chroma's own result keys and collection metadata, or a model's
# own stored form (to_metadata / from_metadata, the merged paragraphs' string)
FIELDS = (
    "source|sources|body|council|meeting_date|doc_type|chunks|ingested_at|access|doc_id|char_start|writer"
    "|meeting_day|body_key|decision_kind|parts|record|generation|rewrites"
)
RAW_METADATA = re.compile(
    rf"""(?<!groupdict\(\))(?:\.get\(|\[)["'](?:{FIELDS})["']|\bmetadatas?\b\s*=|\bmetadatas\b|\.metadata\b"""
    r"|\b(?:to|from)_metadata\b|\bparts_metadata\b|\bparse_parts\b|document_sources"
)
# the packages above index/: the answerer and the shared models, the page, the evals
ABOVE_INDEX = ("assistant", "ui", "evals")


def raw_metadata_lines(root: Path) -> list[str]:
    """Every line under the packages above index/ that reads or writes a store's raw metadata."""
    return [
        f"{path.relative_to(root)}:{n}: {line.strip()}"
        for package in ABOVE_INDEX
        for path in sorted((root / package).rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if RAW_METADATA.search(line)
    ]


def test_assistant_never_reads_raw_store_metadata() -> None:
    """`assistant` (its shared models included: Citation, Decision, Chunk, DecisionRecord), the page
    and the evals handle typed records only; how they are stored in Chroma is index/metadata.py's
    and index/documents.py's business."""
    assert raw_metadata_lines(ROOT) == []


def test_the_raw_metadata_check_catches_what_it_is_for(tmp_path: Path) -> None:
    """The check above finds each way the shared layers used to handle Chroma's metadata."""
    (tmp_path / "assistant").mkdir()
    (tmp_path / "assistant" / "types.py").write_text(
        "    def to_metadata(self) -> dict[str, str | int]:\n"
        "        return Citation.from_metadata(meta)\n"
        '    later = Chunk.parse_parts(str(meta.get("parts", "")))\n'
        '    day = meta["meeting_day"]\n'
        "    got = collection.get(include=['metadatas'])\n"
        '    record = json.loads(str(meta["record"]))\n'
        "    generation = collection.metadata\n"
        "    fine = answer.citations  # typed\n",
        encoding="utf-8",
    )
    found = raw_metadata_lines(tmp_path)
    assert [line.split(":")[1] for line in found] == ["1", "2", "3", "4", "5", "6", "7"]
