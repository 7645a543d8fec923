"""Meeting -> list[Chunk]: paragraph-aligned chunks, each with the one Citation it rests on."""

from __future__ import annotations

import re

from assistant.settings import IngestSettings
from assistant.types import Chunk, Citation, Meeting

# A sentence ends at . ! or ? followed by space and a capital, digit or quote.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])['\"’”)]?\s+(?=[A-Z0-9£€‘“\"'(])")


def sentence_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Offsets of the sentences in `text`, shifted by `offset`."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_BREAK.finditer(text):
        piece = text[start : match.start()].rstrip()
        if piece.strip():
            spans.append((offset + start, offset + start + len(piece)))
        start = match.end()
    if text[start:].strip():
        spans.append((offset + start, offset + len(text.rstrip())))
    return spans


def chunk_meeting(meeting: Meeting, settings: IngestSettings) -> list[Chunk]:
    """Cut a meeting into chunks: one per paragraph, long paragraphs split at sentence ends."""
    chunks: list[Chunk] = []
    for item in meeting.items:
        context = " — ".join(p for p in (meeting.label, item.label) if p)
        for para in item.paragraphs:
            if item.label and " ".join(para.text.split()) == item.label:
                continue  # the heading itself: retrieval sees it as every chunk's context
            for part, (start, end) in enumerate(
                _pieces(meeting.text, para.char_start, para.char_end, settings.max_chunk_chars)
            ):
                citation = Citation(
                    doc_id=meeting.doc_id,
                    source=meeting.source,
                    council=meeting.council,
                    body=meeting.body,
                    meeting_date=meeting.meeting_date,
                    doc_type=meeting.doc_type,
                    agenda_item=item.label,
                    paragraph=para.number,
                    char_start=start,
                    char_end=end,
                    page=para.page,
                )
                chunks.append(
                    Chunk(
                        id=f"{meeting.doc_id}:{para.number}:{part}",
                        text=meeting.text[start:end],
                        citation=citation,
                        context=context,
                    )
                )
    return chunks


def _pieces(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Split [start, end) into runs of whole sentences no longer than `limit` where possible."""
    if end - start <= limit:
        return [(start, end)]
    pieces: list[tuple[int, int]] = []
    cur_start: int | None = None
    cur_end = start
    for s, e in sentence_spans(text[start:end], start):
        if cur_start is not None and e - cur_start > limit:
            pieces.append((cur_start, cur_end))
            cur_start = None
        if cur_start is None:
            cur_start = s
        cur_end = e
    if cur_start is not None:
        pieces.append((cur_start, cur_end))
    return pieces or [(start, end)]
