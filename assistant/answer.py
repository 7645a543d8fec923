"""list[ScoredChunk] -> Answer: the sentences that answer the question, each cited.

The default answerer is extractive: it never writes a word the records don't contain.
When nothing retrieved is relevant enough it refuses plainly instead of pasting weak matches.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from index import Embedder, tokenize
from ingest import sentence_spans

from .settings import AnswerSettings
from .types import Answer, AnswerSentence, Citation, ScoredChunk

REFUSAL = "I couldn't find this in the records."

_WANTS = {
    "person": re.compile(r"^\s*(?:who|whom|whose)\b|\bwhich (?:councillor|member|officer)s?\b", re.I),
    "money": re.compile(r"\bhow much\b|\bcost|\bbudget|\bfee|\bprice|\bspend|\bfund|£|\bamount", re.I),
    "date": re.compile(
        r"^\s*when\b|\bwhat (?:date|day|month|year)\b|\bwhich (?:date|day|month|year)\b", re.I
    ),
    "count": re.compile(r"\bhow many\b|\bnumber of\b|\bvotes?\b|\bpercent|%|\bshare\b", re.I),
    "decision": re.compile(
        r"\bdecid|\bdecision|\bresolv|\bagree|\bapprov|\brefus|\bdefer|\boutcome\b|\bcarried\b|\bvote", re.I
    ),
}
_HAS = {
    "person": re.compile(
        r"\b(?:Councillor|Cllr\.?|Mayor|Mr|Mrs|Ms|Dr)\s+[A-Z]|\b[A-Z][a-z]+ [A-Z][a-z]+ \((?:[A-Z][\w ]+)\)"
    ),
    "money": re.compile(r"[£€$]\s?\d|\b\d[\d,.]*\s?(?:million|m|bn|k)\b", re.I),
    "date": re.compile(
        r"\b\d{1,2}(?:st|nd|rd|th)? (?:January|February|March|April|May|June|July|August|September|"
        r"October|November|December)\b|\b(?:January|February|March|April|May|June|July|August|September|"
        r"October|November|December)\s+\d{4}\b|\b(?:19|20)\d{2}\b"
    ),
    "count": re.compile(
        r"(?<![/\d.])\b(?!(?:19|20)\d\d\b)\d[\d,.]*\b(?!/\d)|%|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|dozen|"
        r"hundred|thousand|unanimous(?:ly)?)\b",
        re.I,
    ),
    "decision": re.compile(
        r"\bRESOLVED\b|\bresolved\b|\bapproved\b|\bagreed\b|\brefused\b|\bdeferred\b|\bCARRIED\b|"
        r"\bcarried\b|\bLOST\b|\brejected\b|\bdecided\b",
    ),
}
_SECTION_NUMBER = re.compile(r"^\s*\d+(?:\.\d+)*\s+")
_HISTORY = re.compile(
    r"\bbefore\b|\bhistory\b|\bprevious(?:ly)?\b|\bover the years\b|\bso far\b|\bever\b"
    r"|\bwhat has\b|\btimeline\b",
    re.I,
)


@dataclass
class _Candidate:
    text: str
    quote: str
    citation: Citation
    score: float
    tokens: frozenset[str]
    rank: int


def answer_question(
    question: str, chunks: Sequence[ScoredChunk], settings: AnswerSettings, embedder: Embedder
) -> Answer:
    """Pick, trim and cite the retrieved sentences that answer `question`, or refuse."""
    q_tokens = set(tokenize(question))
    if not chunks or not _relevant(chunks, q_tokens, settings):
        return Answer(question=question, text=REFUSAL, refused=True, retrieved=list(chunks))
    candidates = _candidates(question, q_tokens, chunks, embedder)
    if not candidates:
        return Answer(question=question, text=REFUSAL, refused=True, retrieved=list(chunks))
    chosen = _choose(candidates, settings.max_sentences)
    if _HISTORY.search(question):
        chosen.sort(key=lambda c: (c.citation.meeting_date is None, c.citation.meeting_date or 0, c.rank))
    sentences = [AnswerSentence(text=c.text, quote=c.quote, citation=c.citation) for c in chosen]
    text = "\n".join(f"{s.text} [{s.citation.label}]" for s in sentences)
    return Answer(question=question, text=text, sentences=sentences, retrieved=list(chunks))


def keyword_coverage(q_tokens: set[str], chunk: ScoredChunk) -> float:
    """Share of the question's key terms found in the chunk or its agenda item."""
    if not q_tokens:
        return 0.0
    found = set(tokenize(f"{chunk.chunk.context} {chunk.chunk.text}"))
    return len(q_tokens & found) / len(q_tokens)


def _relevant(chunks: Sequence[ScoredChunk], q_tokens: set[str], settings: AnswerSettings) -> bool:
    best_sim = max((c.similarity or 0.0) for c in chunks)
    best_cov = max(keyword_coverage(q_tokens, c) for c in chunks)
    return best_sim >= settings.min_similarity and best_cov >= settings.min_keyword_overlap


def _candidates(
    question: str, q_tokens: set[str], chunks: Sequence[ScoredChunk], embedder: Embedder
) -> list[_Candidate]:
    wants = [kind for kind, pattern in _WANTS.items() if pattern.search(question)]
    pieces: list[tuple[str, str, Citation, int]] = []
    for rank, scored in enumerate(chunks):
        chunk = scored.chunk
        base = chunk.citation.char_start
        for start, end in sentence_spans(chunk.text):
            raw = chunk.text[start:end]
            if len(raw.split()) < 4 or _is_heading(raw, chunk.citation.agenda_item):
                continue  # headings and fragments answer nothing on their own
            citation = chunk.citation.model_copy(update={"char_start": base + start, "char_end": base + end})
            pieces.append((" ".join(raw.split()), raw, citation, rank))
    if not pieces:
        return []
    vectors = embedder.embed([question] + [p[0] for p in pieces])
    q_vec = vectors[0]
    out: list[_Candidate] = []
    for (text, quote, citation, rank), vec in zip(pieces, vectors[1:], strict=True):
        tokens = frozenset(tokenize(text))
        sim = sum(a * b for a, b in zip(q_vec, vec, strict=True))
        overlap = len(q_tokens & tokens) / len(q_tokens) if q_tokens else 0.0
        typed = sum(1 for kind in wants if _has(kind, text)) / len(wants) if wants else 0.0
        score = sim + 0.5 * overlap + 0.4 * typed + 0.15 / math.sqrt(rank + 1)
        out.append(_Candidate(text, quote, citation, score, tokens, rank))
    return out


def _has(kind: str, text: str) -> bool:
    """Does the sentence hold the kind of thing the question asks for (a name, a sum, a count...)?"""
    text = _SECTION_NUMBER.sub("", text)  # "5.1 In total..." : 5.1 is no figure
    if kind in ("count", "money"):
        text = _HAS["date"].sub(" ", text)  # "8 December 2022" is no count
    return bool(_HAS[kind].search(text))


def _is_heading(text: str, item: str | None) -> bool:
    """True for the agenda item's own title line."""
    flat = " ".join(text.split()).rstrip(".")
    return bool(item) and (flat == item or (item or "").endswith(flat))


def _choose(candidates: list[_Candidate], limit: int) -> list[_Candidate]:
    """The best sentences, dropping near-repeats and those far below the best."""
    ranked = sorted(candidates, key=lambda c: -c.score)
    best = ranked[0].score
    chosen: list[_Candidate] = []
    for cand in ranked:
        if len(chosen) >= limit or cand.score < best - 0.25:
            break
        if any(_jaccard(cand.tokens, other.tokens) > 0.7 for other in chosen):
            continue
        chosen.append(cand)
    return chosen


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0
