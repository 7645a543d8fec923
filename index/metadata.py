"""How councilqa's typed records are stored flat in Chroma metadata and read back, and the `where`
of a query's filters.

Chroma keeps one flat dict of strings and numbers per record; this module is where a chunk's
`Citation`, its `Decision` and merged paragraphs, and a `DecisionRecord` meet those field names,
so nothing above `index/` reads or writes them and a change of store touches `index/` alone
(documents.py does the same for a document's record). SEE: issue 13 (item 7).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from assistant.records import DecisionRecord
from assistant.text import fold_body
from assistant.types import ACCESS_LEVELS, Chunk, Citation, Decision, Filters, Part

Where = dict[str, Any]
SENTENCES = "sentence_vectors"  # the chunk metadata key holding its sentences' packed vectors
Metadata = dict[str, str | int]

_CITATION_INT_FIELDS = ("paragraph", "item_paragraph", "char_start", "char_end", "page")
_DECISION_KEYS = {"kind": "decision_kind", "mover": "mover", "seconder": "seconder", "outcome": "outcome"}


def citation_metadata(citation: Citation) -> Metadata:
    """A citation as flat Chroma metadata: its fields, dates as ISO text, None values dropped."""
    out: Metadata = {}
    for key, value in citation.model_dump().items():
        if value is None:
            continue
        out[key] = value.isoformat() if isinstance(value, date) else value
    return out


def citation_from_metadata(meta: Mapping[str, Any]) -> Citation:
    """Rebuild a citation from Chroma metadata, ignoring keys that are not its fields; one stored
    before access levels (unclassified) counts as restricted: when in doubt, restricted."""
    fields = {k: meta[k] for k in Citation.model_fields if k in meta and meta[k] is not None}
    for key in _CITATION_INT_FIELDS:
        if key in fields:
            fields[key] = int(fields[key])
    if fields.get("access") not in ACCESS_LEVELS:
        fields["access"] = "restricted"
    return Citation.model_validate(fields)


def decision_metadata(decision: Decision) -> dict[str, str]:
    """A chunk's decision as flat metadata keys (`decision_kind`, `mover`, `seconder`, `outcome`),
    so decisions can be queried as data; None values are dropped."""
    return {
        key: getattr(decision, f) for f, key in _DECISION_KEYS.items() if getattr(decision, f) is not None
    }


def decision_from_metadata(meta: Mapping[str, Any]) -> Decision | None:
    """The decision stored in a chunk's metadata, or None when the chunk records none."""
    if not meta.get("decision_kind"):
        return None
    return Decision.model_validate({f: meta[k] for f, k in _DECISION_KEYS.items() if meta.get(k)})


def parts_metadata(parts: Sequence[Part]) -> str:
    """A merged chunk's `later_paragraphs` as one metadata string, e.g. "120:14:2:3:2.2;260:15::4:"."""
    return ";".join(":".join("" if v is None else str(v) for v in part) for part in parts)


def parse_parts(value: str) -> list[Part]:
    """Read `parts_metadata` back (also the older "offset:paragraph:page" entries)."""
    parts: list[Part] = []
    for entry in filter(None, value.split(";")):
        offset, number, page, in_item, own = (entry.split(":") + ["", ""])[:5]
        parts.append((int(offset), int(number), _int(page), _int(in_item), own or None))
    return parts


def _int(value: str) -> int | None:
    return int(value) if value else None


def decision_record_metadata(record: DecisionRecord) -> Metadata:
    """A decision record as flat Chroma metadata: filter fields plus the whole record as JSON."""
    meta: Metadata = {"record": record.model_dump_json(), "type": record.type}
    meta["doc_id"] = record.citation.doc_id
    meta["access"] = record.citation.access
    if record.citation.body:
        meta["body"] = record.citation.body
    if record.citation.meeting_date:
        meta["meeting_day"] = day_number(record.citation.meeting_date)
    return meta


def decision_record_from_metadata(meta: Mapping[str, Any]) -> DecisionRecord:
    """The record stored by `decision_record_metadata`; one stored before access levels counts as
    restricted."""
    record = DecisionRecord.model_validate(json.loads(str(meta["record"])))
    if meta.get("access") != record.citation.access:
        record = record.model_copy(
            update={"citation": record.citation.model_copy(update={"access": "restricted"})}
        )
    return record


def chunk_metadata(chunk: Chunk) -> dict[str, str | int]:
    """Chroma metadata for a chunk: its citation, plus fields for filters and retrieval."""
    meta = citation_metadata(chunk.citation)
    meta["context"] = chunk.context
    if chunk.decision is not None:
        meta.update(decision_metadata(chunk.decision))
    if chunk.later_paragraphs:
        meta["parts"] = parts_metadata(chunk.later_paragraphs)
    if chunk.citation.meeting_date:
        meta["meeting_day"] = day_number(chunk.citation.meeting_date)
    if chunk.citation.body:
        meta["body_key"] = body_key(chunk.citation.body)
    return meta


def sentences_metadata(vector: Sequence[float]) -> dict[str, str]:
    """The chunk's packed sentence vectors, when its vector came with them (a `PassageVector`)."""
    packed = getattr(vector, "sentences", "")
    return {SENTENCES: packed} if packed else {}


def chunk_from_record(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    """Rebuild a Chunk from what Chroma holds."""
    return Chunk(
        id=chunk_id,
        text=text,
        citation=citation_from_metadata(meta),
        context=str(meta.get("context", "")),
        decision=decision_from_metadata(meta),
        later_paragraphs=parse_parts(str(meta.get("parts", ""))),
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
