"""The chosen sentences -> an Answer: the fact first, the supporting words verbatim, a marker each.

    £1.38 million — RESOLVED: That (a) the Mill Lane cycle lane be approved at a total cost of
    £1.38 million; [1]

A long resolution is cut to the clauses that hold what was asked ("(a) …; (c) …"), each clause a
verbatim span with its own offsets; the full labels appear once, in `Answer.sources`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .facts import answer_spans, has
from .scoring import Candidate, Part, coverage
from .signals import QuestionSignals
from .text import tokenize
from .types import Answer, AnswerSentence, Chunk, Citation, ScoredChunk

# Which fact leads when a question wants several kinds: who, when, how many, how much, what outcome.
_LEAD_ORDER = ("person", "firm", "date", "vote", "count", "money", "colour", "decision")
_CLAUSE = re.compile(r"(?:(?<=\s)|(?<=^)|(?<=[;:]))\((?:[a-z]|[ivx]{1,4}|\d{1,2})\)\s")
_LONG = 80  # words: a quote longer than this is cut to the clauses that answer
CLAUSE_MARGIN = 0.3  # clauses scoring this close to the best clause are kept with it
CLAUSE_TYPED = 0.5  # what a clause holding the kind of answer asked for (a sum, a date) adds
_JOIN = " … "


def compose(
    question: str,
    q: QuestionSignals,
    chosen: Sequence[tuple[Part, Candidate]],
    retrieved: list[ScoredChunk],
    missing: Sequence[str],
    dated: bool = False,
) -> Answer:
    """The answer's sentences, short answer, markers and text; `dated` puts each meeting's date first."""
    sentences: list[AnswerSentence] = []
    lines: list[str] = []
    markers: dict[tuple[str, int], int] = {}
    short: AnswerSentence | None = None
    seen: set[tuple[str, int, int]] = set()
    for part, cand in chosen:
        key = (cand.chunk.id, cand.start, cand.end)
        if key in seen:
            continue
        seen.add(key)
        spans = _trim(cand, part)
        quotes = [_sentence(cand.chunk, s, e) for s, e in spans]
        if any(s is None for s in quotes):
            continue  # never show a citation that points anywhere but its words
        kept = [s for s in quotes if s is not None]
        citation = kept[0].citation
        marker = markers.setdefault((citation.doc_id, citation.paragraph), len(markers) + 1)
        for s in kept:
            s.marker = markers.setdefault((s.citation.doc_id, s.citation.paragraph), marker)
        lead = _short(cand.chunk, spans, part, q) if short is None and not q.history else None
        if lead is not None:
            short = lead
        prose = _JOIN.join(s.text for s in kept)
        # a "when" the quote does not state is the date of the meeting it records
        undated = "date" in part.asks and not any(has("date", s.quote) for s in kept)
        when = _dated(citation) if q.history or dated or undated else ""
        head = f"{lead.text} — " if lead is not None and lead.text not in prose[: len(lead.text) + 2] else ""
        lines.append(f"{when}{head}{prose} [{marker}]")
        sentences.extend(kept)
    for text in missing:
        lines.append(f"Not stated in the records: {text[:1].lower()}{text[1:]}.")
    return Answer(
        question=question,
        text="\n".join(lines),
        sentences=sentences,
        short_answer=short,
        retrieved=retrieved,
    )


def mark_sources(sentences: Sequence[AnswerSentence]) -> str:
    """Number the sentences' sources in order of first use; the text, one sentence a line with its marker."""
    markers: dict[tuple[str, int], int] = {}
    lines: list[str] = []
    for s in sentences:
        s.marker = markers.setdefault((s.citation.doc_id, s.citation.paragraph), len(markers) + 1)
        lines.append(f"{s.text} [{s.marker}]")
    return "\n".join(lines)


def _dated(citation: Citation) -> str:
    parts = [f"{citation.meeting_date.day} {citation.meeting_date:%b %Y}" if citation.meeting_date else ""]
    if citation.body:
        parts.append(f"({citation.body})")
    return " ".join(p for p in parts if p) + ": "


def _sentence(chunk: Chunk, start: int, end: int) -> AnswerSentence | None:
    quote = chunk.text[start:end]
    citation = chunk.cite(start, end)
    if not verified(quote, chunk, citation):
        return None
    return AnswerSentence(text=" ".join(quote.split()), quote=quote, citation=citation)


def verified(quote: str, chunk: Chunk, citation: Citation) -> bool:
    """The quote is the chunk's text where the citation's offsets point, and not empty.

    It guards the offset arithmetic of trimming and run-ons; that every quote equals the stored
    document text at its offsets is asserted end to end (tests/e2e/test_eval_set.py)."""
    start = citation.char_start - chunk.citation.char_start
    end = citation.char_end - chunk.citation.char_start
    return 0 <= start < end <= len(chunk.text) and chunk.text[start:end] == quote and quote.strip() != ""


def _trim(cand: Candidate, part: Part) -> list[tuple[int, int]]:
    """The quote's spans: whole when short; else its lead-in and the clauses that answer."""
    start, end = cand.start, cand.end
    own = cand.chunk.citation.para_number
    if own and (number := re.match(rf"{re.escape(own)}\.?\s+(?=\S)", cand.chunk.text[start:end])):
        start += number.end()  # "2.5 That the minimum ...": the label gives "para 2.5"
    text = cand.chunk.text[start:end]
    if len(text.split()) <= _LONG or not part.terms:
        return [(start, end)]
    marks = [m.start() for m in _CLAUSE.finditer(text)]
    if len(marks) < 2:
        return [(start, end)]
    bounds = [*marks, len(text)]
    clauses = [(bounds[i], bounds[i + 1]) for i in range(len(marks))]

    def value(span: tuple[int, int]) -> float:
        piece = text[span[0] : span[1]]

        cov = coverage(part.terms, frozenset(tokenize(piece)))
        typed = any(has(kind, piece) for kind in part.wants if kind != "decision")
        return cov + (CLAUSE_TYPED if typed else 0.0)

    scores = [value(c) for c in clauses]
    best = max(scores)
    keep = [c for c, s in zip(clauses, scores, strict=True) if s >= max(0.3, best - CLAUSE_MARGIN)] or [
        clauses[scores.index(best)]
    ]
    out: list[tuple[int, int]] = []
    lead = text[: marks[0]]
    if lead.strip() and len(lead.split()) <= 8:
        out.append((0, marks[0]))
    for s, e in keep:
        if out and out[-1][1] == s:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    spans: list[tuple[int, int]] = []
    for s, e in out:
        piece = text[s:e]
        stripped = piece.rstrip(" \n;,")
        stripped = re.sub(r"(?:;|,)?\s+and$", "", stripped)
        lead_ws = len(piece) - len(piece.lstrip())
        if stripped.strip():
            spans.append((start + s + lead_ws, start + s + len(stripped)))
    return spans or [(start, end)]


_ROLES = (
    (re.compile(r"\bsecond(?:ed|er)\b", re.I), re.compile(r"\bseconded\s+by\s*$|\bseconder\W*$", re.I)),
    (re.compile(r"\b(?:moved|mover|propos)", re.I), re.compile(r"\b(?:moved|proposed)\s+by\s*$", re.I)),
    (re.compile(r"\babstain", re.I), re.compile(r"\babstain\w*\W*$", re.I)),
)


def _by_role(found: list[tuple[int, int]], text: str, question: str) -> list[tuple[int, int]]:
    """The names in the role the question asks about: "who seconded it?" wants the seconder."""
    for asked, before in _ROLES:
        if asked.search(question):
            return [(s, e) for s, e in found if before.search(text[max(0, s - 30) : s])]
    return []


def _specific(span: str) -> int:
    """How precise a span is: a day and month beat a month, which beats a bare year."""
    return sum(1 for part in re.findall(r"\d+|[A-Za-z]+", span) if part) + (
        2 if re.search(r"\d \w", span) else 0
    )


def _short(
    chunk: Chunk, spans: Sequence[tuple[int, int]], part: Part, q: QuestionSignals
) -> AnswerSentence | None:
    """The fact asked for, verbatim from the quote: the first span of the kind that leads."""
    wants = (*part.asks, *(part.wants or q.wants))
    for kind in _LEAD_ORDER:
        if kind not in wants:
            continue
        for start, end in spans:
            text = chunk.text[start:end]
            found = sorted(answer_spans(kind, text), key=lambda se: -_specific(text[se[0] : se[1]]))
            if kind == "person":
                found = _by_role(found, text, q.text) or found
            if found:
                s, e = found[0]
                return _sentence(chunk, start + s, start + e)
    return None
