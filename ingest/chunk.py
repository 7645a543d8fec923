"""Meeting -> list[Chunk]: paragraph-aligned chunks, each with the one Citation it rests on."""

from __future__ import annotations

import re

from assistant.settings import IngestSettings
from assistant.types import Chunk, Citation, Meeting, Paragraph

# A sentence ends at . ! or ? followed by space and a capital, digit or quote.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])['\"’”)]?\s+(?=[A-Z0-9£€‘“\"'(])")


def sentence_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Offsets of the sentences in `text`, shifted by `offset`; a sentence never runs past a
    paragraph break (a blank line), so merged chunks still yield whole-paragraph sentences."""
    spans: list[tuple[int, int]] = []
    for block in re.finditer(r"(?:[^\n]|\n(?!\s*\n))+", text):
        spans.extend(_block_sentences(block.group(), offset + block.start()))
    return spans


def _block_sentences(text: str, offset: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_BREAK.finditer(text):
        piece = text[start : match.start()].rstrip()
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            spans.append((offset + start + lead, offset + start + len(piece)))
        start = match.end()
    rest = text[start:]
    if rest.strip():
        lead = len(rest) - len(rest.lstrip())
        spans.append((offset + start + lead, offset + len(text.rstrip())))
    return spans


def chunk_meeting(meeting: Meeting, settings: IngestSettings) -> list[Chunk]:
    """Cut a meeting into chunks that never cross an agenda item.

    Short consecutive paragraphs of an item are merged until a chunk reaches
    `min_chunk_chars`; a merged chunk cites its first paragraph and its offsets span the
    merged text exactly. Paragraphs longer than `max_chunk_chars` are split at sentence ends.
    """
    chunks: list[Chunk] = []
    for item in meeting.items:
        context = " — ".join(p for p in (meeting.label, item.label) if p)
        body = [p for p in item.paragraphs if not (item.label and " ".join(p.text.split()) == item.label)]
        for group in _merge_short(body, settings.min_chunk_chars, settings.max_chunk_chars):
            first = group[0]
            decision = next((p.decision for p in group if p.decision is not None), None)
            spans = _pieces(meeting.text, first.char_start, group[-1].char_end, settings.max_chunk_chars)
            for part, (start, end) in enumerate(spans):
                head = [p for p in group if p.char_start <= start][-1:] or [first]
                citation = Citation(
                    doc_id=meeting.doc_id,
                    source=meeting.source,
                    council=meeting.council,
                    body=meeting.body,
                    meeting_date=meeting.meeting_date,
                    doc_type=meeting.doc_type,
                    agenda_item=item.label,
                    paragraph=head[0].number,
                    char_start=start,
                    char_end=end,
                    page=head[0].page,
                )
                later = [
                    (p.char_start - start, p.number, p.page) for p in group if start < p.char_start < end
                ]
                chunks.append(
                    Chunk(
                        id=f"{meeting.doc_id}:{first.number}:{part}",
                        text=meeting.text[start:end],
                        citation=citation,
                        context=context,
                        decision=decision,
                        later_paragraphs=later,
                    )
                )
    return chunks


def _merge_short(paragraphs: list[Paragraph], min_chars: int, max_chars: int) -> list[list[Paragraph]]:
    """Runs of consecutive paragraphs: a run grows while it is shorter than `min_chars`, stays
    within `max_chars`, holds at most one paragraph long enough to stand alone (half of
    `min_chars`), and does not join two different decisions."""
    groups: list[list[Paragraph]] = []

    def stands_alone(p: Paragraph) -> bool:
        return p.char_end - p.char_start >= min_chars / 2

    for para in paragraphs:
        if groups:
            group = groups[-1]
            decided = next((p.decision for p in group if p.decision is not None), None)
            if (
                group[-1].char_end - group[0].char_start < min_chars
                and para.char_end - group[0].char_start <= max_chars
                and not (stands_alone(para) and any(stands_alone(p) for p in group))
                and (decided is None or para.decision is None or para.decision == decided)
            ):
                group.append(para)
                continue
        groups.append([para])
    return groups


def _pieces(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Split [start, end) into runs of whole sentences no longer than `limit` where possible;
    a single sentence longer than `limit` (a run-on line with no full stops) is cut at spaces."""
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
    out: list[tuple[int, int]] = []
    for s, e in pieces or [(start, end)]:
        out.extend(_cut_at_spaces(text, s, e, limit) if e - s > 2 * limit else [(s, e)])
    return out


def _cut_at_spaces(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Cut an over-long run into pieces of at most about `limit` characters, at whitespace."""
    pieces: list[tuple[int, int]] = []
    while end - start > limit:
        cut = text.rfind(" ", start + limit // 2, start + limit)
        cut = cut if cut > start else start + limit  # no space at all: cut mid-word
        pieces.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        pieces.append((start, end))
    return pieces
