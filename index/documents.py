"""The index's own words for what it holds: typed records of documents and stored chunks.

Chroma keeps a flat metadata dict per record; these are what `index` hands upward instead, so
the rest of councilqa never reads a store's field names, and a change of store touches `index/`
alone. SEE: issue 13 (item 7).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

DocumentMeta = dict[str, str | int | list[str]]


@dataclass(frozen=True)
class DocumentRecord:
    """One complete document: the files that hold it and what its text says of its meeting."""

    doc_id: str
    sources: tuple[str, ...] = ()  # every file holding this content, the one its citations name first
    council: str | None = None
    body: str | None = None
    meeting_date: date | None = None
    doc_type: str | None = None
    access: str | None = None  # restricted when any part is (the original file holds it); None: unclassified
    chunks: int | None = None  # None: a record that does not say (a damaged or foreign one)
    decisions: int = 0
    format: str | None = None
    ingested_at: datetime | None = None

    @property
    def source(self) -> str:
        """The file its citations name ("" when the record lists none)."""
        return self.sources[0] if self.sources else ""

    def to_metadata(self) -> DocumentMeta:
        """The record as Chroma metadata (unknown fields left out)."""
        meta: DocumentMeta = {
            "source": self.source,
            "sources": list(self.sources),
            "decisions": self.decisions,
        }
        if self.chunks is not None:
            meta["chunks"] = self.chunks
        for key in ("council", "body", "doc_type", "access", "format"):
            value = getattr(self, key)
            if value:
                meta[key] = value
        if self.meeting_date:
            meta["meeting_date"] = self.meeting_date.isoformat()
        if self.ingested_at:
            meta["ingested_at"] = self.ingested_at.isoformat(timespec="seconds")
        return meta

    @classmethod
    def from_metadata(cls, doc_id: str, meta: dict[str, Any]) -> DocumentRecord:
        """Rebuild a record from what Chroma holds (older records lack some fields)."""
        return cls(
            doc_id=doc_id,
            sources=tuple(document_sources(meta)),
            council=_text(meta.get("council")),
            body=_text(meta.get("body")),
            meeting_date=_day(meta.get("meeting_date")),
            doc_type=_text(meta.get("doc_type")),
            access=_text(meta.get("access")),
            chunks=None if meta.get("chunks") is None else _count(meta.get("chunks"), -1),
            decisions=_count(meta.get("decisions")),
            format=_text(meta.get("format")),
            ingested_at=_moment(meta.get("ingested_at")),
        )


@dataclass(frozen=True)
class StoredChunk:
    """What the integrity check and the counts read of one stored chunk (text and vector only
    when asked for)."""

    id: str
    doc_id: str
    source: str
    access: str | None
    char_start: int
    char_end: int
    writer: str | None = None  # the ingest process that wrote it; None for chunks older than that
    text: str = ""
    vector: list[float] | None = field(default=None, repr=False)

    @classmethod
    def from_metadata(
        cls, chunk_id: str, meta: dict[str, Any], text: str = "", vector: list[float] | None = None
    ) -> StoredChunk:
        """Rebuild from Chroma's record of the chunk."""
        return cls(
            id=chunk_id,
            doc_id=str(meta.get("doc_id", "")),
            source=str(meta.get("source", "")),
            access=_text(meta.get("access")),
            char_start=_count(meta.get("char_start"), -1),
            char_end=_count(meta.get("char_end"), -1),
            writer=_text(meta.get("writer")),
            text=text,
            vector=vector,
        )


def document_sources(meta: dict[str, Any]) -> list[str]:
    """The files that hold a document, the one its citations name first."""
    sources = meta.get("sources")
    if isinstance(sources, list) and sources:
        return [str(s) for s in sources]
    return [str(meta["source"])] if meta.get("source") else []  # records written before `sources`


def _text(value: object) -> str | None:
    return str(value) if value else None


def _count(value: object, missing: int = 0) -> int:
    try:
        return int(str(value)) if value is not None and value != "" else missing
    except ValueError:
        return missing


def _day(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _moment(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
