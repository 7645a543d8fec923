"""Meeting (an officer report) -> its recommendations as one typed, cited record.

A report's "Recommendations" section is what officers asked the meeting to decide; it is kept as
a `DecisionRecord` typed "recommended by officers", so the precedent search can say whether the
decision that followed adopted it. The minutes' own decisions are read in `ingest/records.py`.
"""

from __future__ import annotations

import re

from assistant.records import DecisionRecord, Matter
from assistant.types import Chunk, Meeting

from .chunk import any_restricted, item_numbering, paragraph_citation
from .wording import identifiers_in, matter_title

_RECOMMENDATIONS = re.compile(r"\brecommendations?\b", re.I)


def record_recommendations(meeting: Meeting, where: dict[int, str]) -> list[DecisionRecord]:
    """An officer report's recommendations section, as one record typed "recommended by officers"."""
    out: list[DecisionRecord] = []
    for item in meeting.items:
        if not (item.title and _RECOMMENDATIONS.match(item.title)):
            continue
        body = [p for p in item.paragraphs if not (item.label and " ".join(p.text.split()) == item.label)]
        if not body:
            continue
        first, last = body[0], body[-1]
        numbers = item_numbering(item)
        text = meeting.text[first.char_start : last.char_end]
        found_ids = identifiers_in(" ".join([meeting.title or "", text]))
        citation = paragraph_citation(
            meeting, item, first, numbers, first.char_start, last.char_end, restricted=any_restricted(body)
        )
        out.append(
            DecisionRecord(
                id=f"{meeting.doc_id}:{first.number}:{len(out)}",
                type="recommended by officers",
                form="recommendation",
                text=text,
                citation=citation,
                chunk_id=where.get(first.number),
                item_title=meeting.title,
                minute_ref=f"Item {meeting.meeting_item}" if meeting.meeting_item else None,
                matter=Matter(title=matter_title(meeting.title, found_ids), identifiers=found_ids),
                to_body=meeting.body,
            )
        )
    return out


def chunk_of_paragraph(chunks: list[Chunk]) -> dict[int, str]:
    """The stored chunk holding each paragraph (by number): a decision record keeps its chunk."""
    out: dict[int, str] = {}
    for chunk in chunks:
        out.setdefault(chunk.citation.paragraph, chunk.id)
        for _offset, number, *_rest in chunk.later_paragraphs:
            out.setdefault(number, chunk.id)
    return out
