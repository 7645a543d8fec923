"""list[ScoredChunk] -> Answer: the sentences that answer the question, each cited.

The default answerer is extractive: it never writes a word the records don't contain.
When nothing retrieved is relevant enough it refuses plainly instead of pasting weak matches.
Every sentence's quote is checked verbatim against its chunk before it is shown.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from index import Embedder, tokenize
from ingest import sentence_spans

from .settings import AnswerSettings
from .signals import QuestionSignals, analyse, furniture, has, mentions_period
from .types import Answer, AnswerSentence, Chunk, Citation, ScoredChunk

REFUSAL = "I couldn't find this in the records."
NO_PERIOD = "I couldn't find this in the records for {years}."


@dataclass
class _Candidate:
    chunk: Chunk
    spans: list[tuple[int, int]]  # every sentence of the chunk, relative to chunk.text
    index: int  # which of them this candidate is
    end_index: int  # the last sentence it covers (it grows when a sentence runs on)
    score: float
    tokens: frozenset[str]
    rank: int

    @property
    def quote(self) -> str:
        return self.chunk.text[self.spans[self.index][0] : self.spans[self.end_index][1]]

    @property
    def citation(self) -> Citation:
        return self.chunk.cite(self.spans[self.index][0], self.spans[self.end_index][1])


def answer_question(
    question: str, chunks: Sequence[ScoredChunk], settings: AnswerSettings, embedder: Embedder
) -> Answer:
    """Pick, trim and cite the retrieved sentences that answer `question`, or refuse."""
    q = analyse(question)
    retrieved = list(chunks)
    if not chunks or relevance(chunks, q) < settings.min_relevance:
        return Answer(question=question, text=REFUSAL, refused=True, retrieved=retrieved)
    if max((c.similarity or 0.0) for c in chunks) < settings.min_similarity:
        return Answer(question=question, text=REFUSAL, refused=True, retrieved=retrieved)
    candidates = _candidates(q, chunks, embedder)
    if not candidates:
        return Answer(question=question, text=REFUSAL, refused=True, retrieved=retrieved)
    if q.years and not any(_speaks_of_period(c.chunk, q) for c in chunks):
        text = NO_PERIOD.format(years=" or ".join(q.years))
        return Answer(question=question, text=text, refused=True, retrieved=retrieved)
    chosen = _choose(candidates, settings.max_sentences, settings.sentence_margin)
    for cand in chosen:
        _run_on(cand, q)
    if q.history:
        chosen.sort(key=lambda c: (c.citation.meeting_date is None, c.citation.meeting_date or 0, c.rank))
    sentences = [s for s in (_sentence(c) for c in chosen) if s is not None]
    if not sentences:
        return Answer(question=question, text=REFUSAL, refused=True, retrieved=retrieved)
    text = "\n".join(f"{s.text} [{s.citation.label}]" for s in sentences)
    return Answer(question=question, text=text, sentences=sentences, retrieved=retrieved)


def relevance(chunks: Sequence[ScoredChunk], q: QuestionSignals) -> float:
    """The best passage's cosine similarity plus the share of the question's key terms it holds.

    The refusal gate: below `AnswerSettings.min_relevance` nothing retrieved is about the question."""
    return max((c.similarity or 0.0) + keyword_coverage(set(q.tokens), c) for c in chunks)


def keyword_coverage(q_tokens: set[str], chunk: ScoredChunk) -> float:
    """Share of the question's key terms found in the chunk or its agenda item."""
    if not q_tokens:
        return 0.0
    found = set(tokenize(f"{chunk.chunk.context} {chunk.chunk.text}"))
    return len(q_tokens & found) / len(q_tokens)


def verified(quote: str, chunk: Chunk, citation: Citation) -> bool:
    """The quote is verbatim in the chunk, exactly where the citation's offsets point."""
    start = citation.char_start - chunk.citation.char_start
    end = citation.char_end - chunk.citation.char_start
    return 0 <= start < end <= len(chunk.text) and chunk.text[start:end] == quote and quote.strip() != ""


def _sentence(cand: _Candidate) -> AnswerSentence | None:
    quote, citation = cand.quote, cand.citation
    if not verified(quote, cand.chunk, citation):
        return None  # never show a citation that points anywhere but its words
    return AnswerSentence(text=" ".join(quote.split()), quote=quote, citation=citation)


def _candidates(q: QuestionSignals, chunks: Sequence[ScoredChunk], embedder: Embedder) -> list[_Candidate]:
    pieces: list[tuple[Chunk, list[tuple[int, int]], int, str, int]] = []
    for rank, scored in enumerate(chunks):
        chunk = scored.chunk
        spans = sentence_spans(chunk.text)
        for i, (start, end) in enumerate(spans):
            text = " ".join(chunk.text[start:end].split())
            if len(text.split()) < 4 or _is_heading(text, chunk.citation.agenda_item):
                continue  # headings and fragments answer nothing on their own
            pieces.append((chunk, spans, i, text, rank))
    if not pieces:
        return []
    vectors = embedder.embed([q.text] + [p[3] for p in pieces])
    q_vec = vectors[0]
    out: list[_Candidate] = []
    for (chunk, spans, i, text, rank), vec in zip(pieces, vectors[1:], strict=True):
        tokens = frozenset(tokenize(text))
        sim = sum(a * b for a, b in zip(q_vec, vec, strict=True))
        overlap = len(q.tokens & tokens) / len(q.tokens) if q.tokens else 0.0
        typed = sum(1 for kind in q.wants if has(kind, text)) / len(q.wants) if q.wants else 0.0
        on_period = bool(q.years) and mentions_period(
            f"{chunk.citation.agenda_item or ''} {text}", chunk.citation.meeting_date, q.years
        )
        score = (
            sim
            + 0.5 * overlap
            + 0.4 * typed
            + 0.15 / math.sqrt(rank + 1)
            + (0.3 if on_period else 0.0)
            - 0.4 * furniture(text, q)
        )
        out.append(_Candidate(chunk, spans, i, i, score, tokens, rank))
    return out


def _speaks_of_period(chunk: Chunk, q: QuestionSignals) -> bool:
    return mentions_period(f"{chunk.context} {chunk.text}", chunk.citation.meeting_date, q.years)


def _run_on(cand: _Candidate, q: QuestionSignals) -> None:
    """Take in the next sentence when this one only introduces it ("...as follows:", "A vote was taken.")."""
    for _ in range(2):
        nxt = cand.end_index + 1
        if nxt >= len(cand.spans):
            return
        text = cand.chunk.text[cand.spans[cand.index][0] : cand.spans[cand.end_index][1]]
        following = cand.chunk.text[cand.spans[nxt][0] : cand.spans[nxt][1]]
        gives_nothing = bool(q.wants) and not any(has(kind, text) for kind in q.wants)
        if text.rstrip().endswith(":") or (gives_nothing and any(has(kind, following) for kind in q.wants)):
            cand.end_index = nxt
        else:
            return


def _is_heading(text: str, item: str | None) -> bool:
    """True for the agenda item's own title line."""
    flat = text.rstrip(".")
    return bool(item) and (flat == item or (item or "").endswith(flat))


def _choose(candidates: list[_Candidate], limit: int, margin: float) -> list[_Candidate]:
    """The best sentences, dropping near-repeats and those more than `margin` below the best."""
    ranked = sorted(candidates, key=lambda c: -c.score)
    best = ranked[0].score
    chosen: list[_Candidate] = []
    for cand in ranked:
        if len(chosen) >= limit or cand.score < best - margin:
            break
        if any(_jaccard(cand.tokens, other.tokens) > 0.7 for other in chosen):
            continue
        chosen.append(cand)
    return chosen


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0
