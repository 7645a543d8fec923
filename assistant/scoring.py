"""Every sentence of the retrieved passages, weighed against what the question asks.

A sentence scores on its similarity to the question, how much of the question's subject it holds
(rare words count more), whether it holds the kind of answer asked for, where its passage ranked,
and the structure ingest found: the body that met, the document's type, the decision a paragraph
records, the report section it sits in, and its meeting's date when the question asks for the
first or the latest word. The weights were set on the eval set's dev split only (README).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from index import Embedder, SentenceVectors

from .facts import field_labels, has, heads_vote_side, names_field, states
from .periods import mentions_period, names_other_year
from .query import find_body
from .run_on import awaits_outcome, continues_list, paragraph_before, run_on, states_outcome
from .signals import QuestionSignals, asks_header, furniture
from .text import APPLICATION_NUMBER, cosine, gives_orders, holds, sentence_spans, tokenize
from .types import Chunk, Citation, ScoredChunk

_RECOMMENDATION_ITEM = re.compile(r"recommend", re.I)
_DECISION_WORDS = re.compile(
    r"\bRESOLVED\b|\bAGREED\b|\bDECISION\b|\bCARRIED\b|\bLOST\b|\bREFUSED\b|\bAPPROVED\b"
)

# Weights of the score's terms, set on the dev split (README, "Evals").
W_SIMILARITY = 1.5
W_SUBJECT = 0.8
W_PASSAGE = 0.3
W_TYPED = 1.0
W_CUE = 0.5
W_RANK = 0.15
W_PERIOD = 0.3
W_FURNITURE = 0.5
W_DECISION = 0.25
W_MEETING_BODY = 0.3
W_REPORT = 0.2
W_ORDER = 0.25
W_ASKED_FOR = 0.4
W_MATTER = 0.5
W_DAY = 0.5  # the meeting is on the day the question names
W_MONTH = 0.25  # the meeting is in the month the question names ("the February 2024 budget meeting")
W_FIELD = 0.5  # the report header field the question asks for


@dataclass
class Part:
    """One thing a question asks: its words, the kinds of answer wanted, its weighted subject terms."""

    text: str
    wants: tuple[str, ...]
    terms: Mapping[str, float]
    asked_for: frozenset[str] = frozenset()
    asks: tuple[str, ...] = ()
    vector: Sequence[float] | None = None  # the part's own embedding, when it is one of several


@dataclass
class Candidate:
    """A sentence of a retrieved chunk (or a run of sentences when one introduces the next)."""

    chunk: Chunk
    spans: list[tuple[int, int]]  # every sentence of the chunk, relative to chunk.text
    index: int
    end_index: int
    tokens: frozenset[str]
    passage_tokens: frozenset[str]
    meeting_tokens: frozenset[str]  # the meeting's body, date and document type, as words
    similarity: float
    base: float  # the part of the score that does not depend on which part of the question
    rank: int
    subject: float = 0.0  # share of the subject's weight the sentence holds, for the part last ranked
    score: float = 0.0
    features: dict[str, float] = field(default_factory=dict)
    vector: Sequence[float] = ()
    off_period: bool = False  # the question names a period that neither the sentence nor its meeting does
    shortest: int = -1  # the last sentence the quote always takes in (a heading "APOLOGIES:" its list)

    @property
    def quote(self) -> str:
        return self.chunk.text[self.spans[self.index][0] : self.spans[self.end_index][1]]

    @property
    def quote_tokens(self) -> frozenset[str]:
        """The words of the whole quote: the sentence and any it runs on into."""
        return self.tokens if self.end_index == self.index else frozenset(tokenize(self.quote))

    @property
    def start(self) -> int:
        return self.spans[self.index][0]

    @property
    def end(self) -> int:
        return self.spans[self.end_index][1]

    def _states_cue(self, kind: str, part: Part) -> bool:
        """Does the quote hold a kind the question hints at? A vote's side heading is a vote."""
        return has(kind, self.quote) or (kind == "vote" and heads_vote_side(self.quote, part.text))

    @property
    def citation(self) -> Citation:
        return self.chunk.cite(self.start, self.end)

    def score_for(self, part: Part) -> float:
        """The sentence's score for one part of the question."""
        base = self.base
        if part.vector is not None and self.vector:
            # a part of several: half its own similarity, half the whole question's
            own = cosine(part.vector, self.vector)
            base += W_SIMILARITY * 0.5 * (own - self.similarity)
        subject = coverage(part.terms, self.tokens | self.meeting_tokens)
        passage = coverage(part.terms, self.passage_tokens | self.meeting_tokens)
        # the kinds asked outright count fully; topic cues ("rents" hints at a sum) count less
        cues = [k for k in part.wants if k not in part.asks]
        held = [k for k in part.asks if states(k, part.text, self.quote)]
        typed = len(held) / len(part.asks) if part.asks else 0.0
        typed += W_CUE * (sum(1 for k in cues if self._states_cue(k, part)) / len(cues) if cues else 0.0)
        # the very word asked ("responses"); a vote's side heading ("Against the proposal:") names "voted"
        named = float(
            bool(part.asked_for & self.quote_tokens)
            or ("vote" in part.asked_for and heads_vote_side(self.quote, part.text))
        )
        # "which ward does the report give?": the header field of that name ("WARD: Town Centre")
        labels = field_labels(self.quote) if self.chunk.citation.doc_type == "report" else []
        field = float(any(names_field(part.text, label) for label in labels) and asks_header(part.text))
        self.subject = 0.7 * subject + 0.3 * passage
        self.features.update(subject=subject, passage=passage, typed=typed, asked_for=named, field=field)
        return (
            base
            + W_SUBJECT * subject
            + W_PASSAGE * passage
            + W_TYPED * typed
            + W_ASKED_FOR * named
            + W_FIELD * field
        )


def coverage(terms: Mapping[str, float], tokens: frozenset[str]) -> float:
    """The share of the terms' weight that `tokens` hold."""
    total = sum(terms.values())
    return sum(w for t, w in terms.items() if holds(t, tokens)) / total if total else 0.0


def candidates_of(
    q: QuestionSignals,
    chunks: Sequence[ScoredChunk],
    embedder: Embedder,
    bodies: Sequence[str],
    stored: Mapping[str, SentenceVectors] | None = None,
) -> list[Candidate]:
    """Every sentence of the retrieved chunks that could answer, with its question-independent score.

    A sentence's vector comes from `stored` (pooled at ingest, by chunk id and span) when it is
    there, else it is embedded now."""
    pieces: list[tuple[ScoredChunk, list[tuple[int, int]], int, str, int]] = []
    for rank, scored in enumerate(chunks):
        chunk = scored.chunk
        spans = sentence_spans(chunk.text)
        for i, (start, end) in enumerate(spans):
            text = " ".join(chunk.text[start:end].split())
            headed = _LABEL_LINE.match(text) or (i and _LABEL_LINE.match(chunk.text[slice(*spans[i - 1])]))
            if (
                len(text.split()) < 4
                and not (q.asks_roll or q.asks_header or headed)
                and not continues_list(scored, i, chunks)
            ):
                continue  # fragments answer nothing on their own, but the item a lead-in introduces may
            if _is_heading(text, chunk.citation.agenda_item) or gives_orders(text):
                continue  # a record that gives orders is never an answer (it is flagged instead)
            pieces.append((scored, spans, i, text, rank))
    if not pieces:
        return []
    kept = [(stored or {}).get(p[0].chunk.id, {}).get(p[1][p[2]]) for p in pieces]
    fresh = embedder.embed([q.text] + [p[3] for p, v in zip(pieces, kept, strict=True) if v is None])
    q_vec, rest = fresh[0], iter(fresh[1:])
    vectors = [q_vec] + [v if v is not None else next(rest) for v in kept]
    named_body, _ = find_body(q.text, bodies, acting=True)
    asked_numbers = set(APPLICATION_NUMBER.findall(q.text))
    dates = sorted({c.chunk.citation.meeting_date for c in chunks if c.chunk.citation.meeting_date})
    out: list[Candidate] = []
    per_chunk: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
    for (scored, spans, i, text, rank), vec in zip(pieces, vectors[1:], strict=True):
        chunk = scored.chunk
        sim = cosine(q_vec, vec)
        features = {
            "similarity": sim,
            "rank": 1 / math.sqrt(rank + 1),
            "period": _on_period(q, chunk, text),
            "furniture": -furniture(text, q),
            "decision": _decision(q, chunk, text),
            "meeting_body": _body(named_body, chunk),
            "report": _report(q, chunk),
            "order": _order(q, chunk, dates),
            "matter": _matter(asked_numbers, chunk),
            "day": float(chunk.citation.meeting_date in q.days),
            "month": _in_month(q, chunk),
        }
        base = sum(_weight(name) * value for name, value in features.items())
        tokens = frozenset(tokenize(text))
        if chunk.id not in per_chunk:  # the passage's words and meeting are the same for each sentence
            per_chunk[chunk.id] = (
                frozenset(tokenize(f"{chunk.context} {chunk.text}"))
                | frozenset(tokenize(before.text if (before := paragraph_before(chunk, chunks)) else "")),
                _meeting_words(chunk),
            )
        passage, meeting = per_chunk[chunk.id]
        out.append(
            Candidate(
                chunk,
                spans,
                i,
                i,
                tokens,
                passage,
                meeting,
                sim,
                base,
                rank,
                features=features,
                vector=vec,
                off_period=bool(q.years)
                and (
                    names_other_year(text, q.years)
                    or not (features["period"] or _on_period(q, chunk, chunk.text))
                ),
            )
        )
    for cand in out:
        if _LABEL_LINE.match(cand.chunk.text[cand.start : cand.end]) and cand.index + 1 < len(cand.spans):
            cand.shortest = cand.end_index = cand.index + 1  # weighed, and shown, with what it heads
    _join_outcomes(out, chunks)
    return out


# a heading line that introduces the next: "APOLOGIES:", "Members present:", "IN ATTENDANCE"
_LABEL_LINE = re.compile(
    r"^\W*(?:\w+\W+){0,2}\w+\W*:\W*$"
    r"|^\W*(?!(?:CARRIED|LOST|AGREED|NOTED|RESOLVED|APPROVED|REFUSED|DEFERRED|WITHDRAWN|NEM)\b)"
    r"(?-i:[A-Z]{2,}(?:\s+[A-Z]{2,}){0,2})\W*$"
)


def _join_outcomes(pool: list[Candidate], chunks: Sequence[ScoredChunk]) -> None:
    """A motion's outcome in the paragraph after it ("For: 17, Against: 25. The amendment was LOST.")
    is about what was moved: it weighs as close to the question as the motion and holds its words."""
    by_chunk: dict[str, list[Candidate]] = {}
    for cand in pool:
        by_chunk.setdefault(cand.chunk.id, []).append(cand)
    for cand in pool:
        motion = paragraph_before(cand.chunk, chunks, awaits_outcome)
        if motion is None or not states_outcome(cand.quote):
            continue
        moved = by_chunk.get(motion.id, [])
        if not moved:
            continue
        lift = max(m.similarity for m in moved) - cand.similarity
        if lift > 0:
            cand.similarity += lift
            cand.base += W_SIMILARITY * lift
            cand.features["similarity"] = cand.similarity
        cand.tokens = cand.tokens | frozenset().union(*(m.tokens for m in moved))


def _matter(asked: set[str], chunk: Chunk) -> float:
    """+1 for a passage naming the application the question names, -1 for one naming only others:
    "23/00412/FUL" is not "22/00951/FUL", however alike their refusals read."""
    if not asked:
        return 0.0
    named = set(APPLICATION_NUMBER.findall(f"{chunk.context} {chunk.text}"))
    if named & asked:
        return 1.0
    return -1.0 if named else 0.0


def _in_month(q: QuestionSignals, chunk: Chunk) -> float:
    when = chunk.citation.meeting_date
    return float(when is not None and (when.year, when.month) in q.months)


def _weight(name: str) -> float:
    return float(globals()[f"W_{name.upper()}"])


def _meeting_words(chunk: Chunk) -> frozenset[str]:
    c = chunk.citation
    when = f"{c.meeting_date.day} {c.meeting_date:%B %Y}" if c.meeting_date else ""
    return frozenset(tokenize(f"{c.body or ''} {c.council or ''} {when} {c.doc_type or ''} meeting"))


def rank_for(part: Part, q: QuestionSignals, pool: list[Candidate]) -> list[Candidate]:
    """The candidates best first for one part of the question; each keeps its score and subject share."""
    for cand in pool:
        cand.score = cand.score_for(part)
        run_on(cand, part)
    return sorted(pool, key=lambda c: -c.score)


def _on_period(q: QuestionSignals, chunk: Chunk, text: str) -> float:
    if not q.years:
        return 0.0
    # a report's title names the year it is about ("Revenue Budget 2024/25"): so do its paragraphs
    title = chunk.citation.title if chunk.citation.doc_type == "report" else None
    where = f"{title or ''} {chunk.citation.agenda_item or ''} {text}"
    return float(mentions_period(where, chunk.citation.meeting_date, q.years))


def _decision(q: QuestionSignals, chunk: Chunk, text: str) -> float:
    """A decision question is answered from the paragraph recording the decision."""
    if q.asks_recommend:  # a body's recommendation is its resolution to recommend; a report's is not
        recommends = _RECOMMENDATION_ITEM.search(text) and _DECISION_WORDS.search(text)
        return 1.0 if recommends and not q.asks_report else 0.0
    if "decision" not in q.wants:
        return 0.0
    if _DECISION_WORDS.search(text) or (chunk.decision is not None and has("decision", text)):
        return 1.0
    return 0.0


def _body(named: str | None, chunk: Chunk) -> float:
    """+1 for the body the question names, -1 for another body: one body's words are not another's."""
    if not named or not chunk.citation.body:
        return 0.0
    return 1.0 if chunk.citation.body == named else -1.0


def _report(q: QuestionSignals, chunk: Chunk) -> float:
    """A report question is answered from the report, its recommendation from its recommendations."""
    kind = chunk.citation.doc_type
    if q.asks_report and q.asks_recommend:
        if kind == "report":
            return 2.0 if _RECOMMENDATION_ITEM.search(chunk.citation.agenda_item or "") else 1.0
        return -0.5
    if q.asks_report:
        return 0.5 if kind == "report" else 0.0
    if "decision" in q.wants and kind in ("report", "agenda"):
        return -1.0  # a decision is recorded in minutes, not proposed in a report or an agenda
    return -0.5 if kind == "agenda" and not q.asks_agenda else 0.0


def _order(q: QuestionSignals, chunk: Chunk, dates: Sequence[object]) -> float:
    """When the records of several meetings speak, the question may want the first or the latest."""
    when = chunk.citation.meeting_date
    if when is None or len(dates) < 2:
        return 0.0
    position = dates.index(when) / (len(dates) - 1)
    if q.order == "earliest":
        return 1.0 - position
    if q.order == "latest":
        return position
    return 0.2 * position  # records that disagree: the latest leads


def _is_heading(text: str, item: str | None) -> bool:
    """True for the agenda item's own title line."""
    flat = text.rstrip(".")
    return bool(item) and (flat == item or (item or "").endswith(flat))
