"""How a chunk is stored flat in Chroma metadata and read back, and the `where` of a query's filters.

Chroma keeps one flat dict of strings and numbers per record; this module is where councilqa's
typed records meet those field names, so nothing above `index/` reads them. SEE: issue 13 (item 7).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from assistant.text import fold_body
from assistant.types import Chunk, Citation, Decision, Filters

Where = dict[str, Any]


def chunk_metadata(chunk: Chunk) -> dict[str, str | int]:
    """Chroma metadata for a chunk: its citation, plus fields for filters and retrieval."""
    meta = chunk.citation.to_metadata()
    meta["context"] = chunk.context
    if chunk.decision is not None:
        meta.update(chunk.decision.to_metadata())
    if chunk.later_paragraphs:
        meta["parts"] = chunk.parts_metadata()
    if chunk.citation.meeting_date:
        meta["meeting_day"] = day_number(chunk.citation.meeting_date)
    if chunk.citation.body:
        meta["body_key"] = body_key(chunk.citation.body)
    return meta


def chunk_from_record(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    """Rebuild a Chunk from what Chroma holds."""
    return Chunk(
        id=chunk_id,
        text=text,
        citation=Citation.from_metadata(meta),
        context=str(meta.get("context", "")),
        decision=Decision.from_metadata(meta),
        later_paragraphs=Chunk.parse_parts(str(meta.get("parts", ""))),
    )


def day_number(d: date) -> int:
    """A date as the integer YYYYMMDD, for range filters."""
    return d.year * 10000 + d.month * 100 + d.day


def body_key(body: str) -> str:
    """A body's name folded for matching (`assistant.text.fold_body`)."""
    return fold_body(body)


def build_where(filters: Filters, bodies: Sequence[str] | None) -> Where | None:
    """A Chroma `where` for the filters; `bodies` are the body keys the body filter matched. A
    public caller's query holds only chunks classified public (an unclassified one never matches)."""
    clauses: list[Where] = []
    if filters.access == "public":
        clauses.append({"access": "public"})
    if bodies is not None:
        clauses.append({"body_key": {"$in": list(bodies)}})
    if filters.doc_type:
        clauses.append({"doc_type": filters.doc_type})
    if filters.council:
        clauses.append({"council": filters.council})
    if filters.since:
        clauses.append({"meeting_day": {"$gte": day_number(filters.since)}})
    if filters.until:
        clauses.append({"meeting_day": {"$lte": day_number(filters.until)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}
