"""Meeting -> list[Chunk]: paragraph-aligned chunks, each with the one Citation it rests on."""

from __future__ import annotations

import re

from assistant.settings import IngestSettings
from assistant.text import sentence_spans
from assistant.types import AgendaItem, Chunk, Citation, Meeting, Paragraph

# A sentence ends at . ! or ? followed by space and a capital, digit or quote.


def chunk_meeting(meeting: Meeting, settings: IngestSettings) -> list[Chunk]:
    """Cut a meeting into chunks that never cross an agenda item.

    Short consecutive paragraphs of an item are merged until a chunk reaches
    `min_chunk_chars`; a merged chunk cites its first paragraph and its offsets span the
    merged text exactly. Paragraphs longer than `max_chunk_chars` are split at sentence ends.
    """
    chunks: list[Chunk] = []
    for item in meeting.items:
        context = " — ".join(p for p in (meeting.label, item.label) if p)
        numbers = item_numbering(item)
        body = [p for p in item.paragraphs if not (item.label and " ".join(p.text.split()) == item.label)]
        for group in _merge_short(body, settings.min_chunk_chars, settings.max_chunk_chars):
            first = group[0]
            lead_in = _lead_in(item.paragraphs, first)
            decision = next((p.decision for p in group if p.decision is not None), None)
            spans = _pieces(meeting.text, first.char_start, group[-1].char_end, settings.max_chunk_chars)
            for part, (start, end) in enumerate(spans):
                head = [p for p in group if p.char_start <= start][-1:] or [first]
                citation = paragraph_citation(
                    meeting, item, head[0], numbers, start, end, restricted=any_restricted(group)
                )
                later = [
                    (p.char_start - start, p.number, p.page, *numbers[p.number])
                    for p in group
                    if start < p.char_start < end
                ]
                chunks.append(
                    Chunk(
                        id=f"{meeting.doc_id}:{first.number}:{part}",
                        text=meeting.text[start:end],
                        citation=citation,
                        context=f"{context} — {lead_in}" if lead_in and part == 0 else context,
                        decision=decision,
                        later_paragraphs=later,
                    )
                )
    return chunks


# the document's own paragraph number: "2.2 That the scheme ...", "8.1. Under section 25 ..."
_OWN_NUMBER = re.compile(r"^(?:[-•·–]\s+)?(\d{1,3}(?:\.\d{1,3}){1,2})\.?(?=\s)")
_LIST_ITEM = re.compile(r"^(?:[•·▪◦●■➢►✓\-–—*]|\(?[a-z]\)|\(?[ivx]{1,5}\)|\(\d{1,2}\))\s")


def paragraph_citation(
    meeting: Meeting,
    item: AgendaItem,
    para: Paragraph,
    numbers: dict[int, tuple[int, str | None]],
    start: int,
    end: int,
    *,
    restricted: bool,
) -> Citation:
    """The citation of `meeting.text[start:end]`, which begins in `para` of `item`; `numbers` is
    `item_numbering(item)`."""
    in_item, own = numbers.get(para.number, (None, None))
    return Citation(
        doc_id=meeting.doc_id,
        source=meeting.source,
        council=meeting.council,
        body=meeting.body,
        meeting_date=meeting.meeting_date,
        doc_type=meeting.doc_type,
        title=meeting.title,
        agenda_item=item.label,
        meeting_item=meeting.meeting_item,
        paragraph=para.number,
        item_paragraph=in_item,
        para_number=own,
        char_start=start,
        char_end=end,
        page=para.page,
        access="restricted" if restricted else "public",
    )


def any_restricted(paragraphs: list[Paragraph]) -> bool:
    """Does any of these paragraphs hold restricted (Part II) business?"""
    return any(p.access == "restricted" for p in paragraphs)


def item_numbering(item: AgendaItem) -> dict[int, tuple[int, str | None]]:
    """Each paragraph's number within its item, headings not counted, and its own number
    ("2.2") when the document gives one. A heading is cited with the paragraph it heads."""
    heading = item.paragraphs[0].number if item.paragraphs and (item.number or item.title) else None
    prefix = re.match(r"\d+", item.number or "")
    out: dict[int, tuple[int, str | None]] = {}
    count = 0
    for para in item.paragraphs:
        if para.number == heading:
            out[para.number] = (1, None)
            continue
        count += 1
        own = _OWN_NUMBER.match(para.text)
        if own and prefix and own.group(1).split(".")[0] != prefix.group():
            own = None  # "3.5 km of new track" in item 4 is a measure, not paragraph 3.5
        out[para.number] = (count, own.group(1) if own else None)
    return out


def _lead_in(paragraphs: list[Paragraph], first: Paragraph) -> str | None:
    """The sentence introducing the list that `first` continues ("The proposals are:"), so a
    chunk of list items keeps its lead-in for retrieval."""
    if not _LIST_ITEM.match(first.text):
        return None
    before = [p for p in paragraphs if p.char_end <= first.char_start]
    while before and _LIST_ITEM.match(before[-1].text):
        before.pop()
    if not before or not before[-1].text.rstrip().endswith(":") or before[-1].number == first.number - 1:
        return None  # no lead-in, or it is in the same chunk
    spans = sentence_spans(before[-1].text)
    start, end = spans[-1] if spans else (0, len(before[-1].text))
    return " ".join(before[-1].text[start:end].split())


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
                and para.access == group[-1].access  # a public passage never hides in a restricted one
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
