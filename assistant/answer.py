"""list[ScoredChunk] -> Answer: the sentence that answers, the fact first, cited with a marker.

The default answerer is extractive: it never writes a word the records don't contain. It reads
what the question asks for (signals.py), weighs every sentence of the retrieved passages on what
it offers (scoring.py), answers each part of the question from its best sentence, and leads with
the fact itself (a name, a sum, a date, an outcome) as a verbatim span. It refuses when nothing
retrieved is about the question, or when no sentence holds both the question's subject and the
kind of answer asked for (a near miss: "related, not an answer"). Every quote is checked verbatim
against its chunk's offsets before it is shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date

from index import Embedder, SentenceVectors

from .answer_lists import history, recommendations, recommends
from .compose import compose
from .facts import (
    answer_spans,
)
from .kinds import ONE_THING, asked_kinds, wanted
from .near_miss import answers, named_enough, names_the_thing
from .periods import mentions_period
from .run_on import list_after, outcome_after
from .scoring import Candidate, Part, candidates_of, rank_for
from .settings import AnswerSettings
from .signals import (
    QuestionSignals,
    analyse,
    asked_for,
    asks_whether,
)
from .text import cosine, gives_orders, holds, sentence_spans, tokenize
from .types import Answer, AnswerSentence, ScoredChunk

REFUSAL = "I couldn't find this in the records."
NO_PERIOD = "I couldn't find this in the records for {years}."

Rarity = Callable[[str], float]


def answer_question(
    question: str,
    chunks: Sequence[ScoredChunk],
    settings: AnswerSettings,
    embedder: Embedder,
    rarity: Rarity | None = None,
    known_bodies: Sequence[str] = (),
    stored: Mapping[str, SentenceVectors] | None = None,
) -> Answer:
    """Pick and cite the retrieved sentences that answer `question`, fact first, or refuse.

    Args:
        stored: the sentence vectors ingest stored with the chunks, by chunk id (the rest are
            embedded now).
        rarity: a stemmed term's inverse document frequency in the archive; rare terms name the
            subject ("Northgate", "abstained"), common ones don't. Uniform when None.
        known_bodies: the bodies the archive holds, to read which one a question names.
    """
    q = analyse(question)
    weigh = rarity or (lambda _t: 1.0)
    retrieved = list(chunks)

    flagged = flagged_records(chunks)

    def refuse(text: str = REFUSAL) -> Answer:
        return Answer(question=question, text=text, refused=True, retrieved=retrieved, flagged=flagged)

    def done(answer: Answer) -> Answer:
        return answer.model_copy(update={"flagged": flagged}) if answer.sentences else refuse()

    if not chunks or relevance(chunks, q) < settings.min_relevance:
        return refuse()
    if max((c.similarity or 0.0) for c in chunks) < settings.min_similarity:
        return refuse()
    if q.years and not any(_speaks_of_period(c, q) for c in chunks):
        return refuse(NO_PERIOD.format(years=" or ".join(q.years)))
    bodies = list(dict.fromkeys([*known_bodies, *(c.chunk.citation.body or "" for c in chunks)]))
    pool = [
        c for c in candidates_of(q, chunks, embedder, [b for b in bodies if b], stored) if _in_range(c, q)
    ]
    if not pool:
        return refuse()
    main = Part(
        text=question,
        wants=q.wants,
        terms=_weighted(q.tokens, weigh),
        asked_for=q.asked_for,
        asks=q.asks,
    )
    ranked = rank_for(main, q, pool)
    top = ranked[0].score - settings.answer_margin
    answering = [c for c in ranked if c.score >= top and answers(c, main, settings)]
    acts: frozenset[str] = frozenset()
    if not answering and main.asked_for and main.asks:
        acts = main.asked_for
        # "who seconded the approval of ...?": the resolution outranks the motion line naming the
        # seconder, which holds the act asked for
        reach = top - settings.act_margin
        answering = [
            c
            for c in ranked
            if c.score >= reach
            and any(holds(t, c.quote_tokens) for t in main.asked_for)
            and answers(c, main, settings)
        ]
    if main.asks:
        answering = named_enough(answering, ranked, settings, "vote" in main.asks, acts)
    answering = names_the_thing(answering, ranked, question)
    if not answering and (q.history or not q.parts):  # several parts: answered, or not, part by part
        return refuse()
    if q.history:
        chosen = history(ranked, settings, lambda c: answers(c, main, settings))
    elif q.parts:
        chosen, missing = _by_part(q, pool, weigh, settings, embedder)
        if missing and (not chosen or (missing[0] == q.parts[0] and asks_whether(q.parts[0]))):
            return refuse()  # "did they appeal, and what was the result?": no appeal, no result
        return done(compose(question, q, chosen, retrieved, missing))
    else:
        # "who seconded it?": a sentence naming the role asked for beats one that names only a person
        near = [c for c in ranked if c.score >= top - settings.answer_margin and answers(c, main, settings)]
        naming = [c for c in near if any(holds(t, c.quote_tokens) for t in main.asked_for)]
        best = replace(naming[0] if naming and not _names(answering[0], main) else answering[0])
        chosen = [(main, best), *_close_seconds(ranked, best, main, settings, q.order is not None)]
        listed = (
            next((c for c in ranked if recommends(c) and answers(c, main, settings)), None)
            if q.asks_report and q.asks_recommend and not ONE_THING.match(question)
            else None
        )
        if listed is not None:
            # "what did the report recommend?": its recommendations section, whatever else ranks higher
            chosen = [(main, c) for c in recommendations(listed, pool, settings)]
        chosen = _with_outcomes(chosen, pool)
        other = None if q.order else _disagreeing(ranked, best, main, settings)
        if other is not None:
            # records of two meetings give different figures for the same thing: show both, dated,
            # the latest first, instead of silently picking one
            pair = sorted([best, other], key=_meeting_day, reverse=True)
            answer = compose(question, q, [(main, c) for c in pair], retrieved, [], dated=True)
            note = "The records give different figures; both are shown, the latest first."
            return done(answer.model_copy(update={"note": note}))
    return done(compose(question, q, chosen, retrieved, []))


def relevance(chunks: Sequence[ScoredChunk], q: QuestionSignals) -> float:
    """The best passage's cosine similarity plus the share of the question's key terms it holds.

    The first refusal gate: below `AnswerSettings.min_relevance` nothing retrieved is about the question."""
    return max((c.similarity or 0.0) + keyword_coverage(set(q.tokens), c) for c in chunks)


def keyword_coverage(q_tokens: set[str], chunk: ScoredChunk) -> float:
    """Share of the question's key terms found in the chunk or its agenda item."""
    if not q_tokens:
        return 0.0
    found = set(tokenize(f"{chunk.chunk.context} {chunk.chunk.text}"))
    return len(q_tokens & found) / len(q_tokens)


MAX_RARITY = 4.0  # a word rarer than this is as often a paraphrase as the subject: weigh it no more


def _weighted(tokens: frozenset[str], weigh: Rarity) -> dict[str, float]:
    return {t: min(weigh(t), MAX_RARITY) for t in tokens}


def _in_range(cand: Candidate, q: QuestionSignals) -> bool:
    """Is the candidate's meeting inside the years a question bounds ("before 2022", "since 2023")?"""
    when = cand.chunk.citation.meeting_date
    if when is None:
        return True
    return (q.before_year is None or when.year < q.before_year) and (
        q.after_year is None or when.year >= q.after_year
    )


def _by_part(
    q: QuestionSignals,
    pool: list[Candidate],
    weigh: Rarity,
    settings: AnswerSettings,
    embedder: Embedder,
) -> tuple[list[tuple[Part, Candidate]], list[str]]:
    """The best sentence for each part of a multi-part question, and the parts nothing answers.

    Two parts whose best is the same sentence: the part with a nearly-as-good sentence of its own
    takes that one ("How many tenders ... and what did X score?" gets both facts). Parts one sentence
    answers together become one part, so its quote keeps what each asked for."""
    missing: list[str] = []
    topic = _weighted(q.tokens, weigh)
    vectors = embedder.embed(list(q.parts))
    options: list[tuple[Part, list[Candidate]]] = []
    for text, vector in zip(q.parts, vectors, strict=True):
        own = frozenset(tokenize(text)) & q.tokens
        terms = {t: w * (1.0 if t in own else settings.topic_weight) for t, w in topic.items()}
        part = Part(
            text=text,
            wants=wanted(text) or q.wants,
            terms=terms,
            asked_for=asked_for(text),
            asks=asked_kinds(text),
            vector=vector,
        )
        ranked = rank_for(part, q, pool)
        top = ranked[0].score - settings.answer_margin
        found = [replace(c) for c in ranked if c.score >= top and answers(c, part, settings)]
        if found:
            options.append((part, found))
        else:
            missing.append(text)
    picks = _distinct(options)
    chosen: list[tuple[Part, Candidate]] = []
    for part, best in picks:
        same = next((i for i, (_, c) in enumerate(chosen) if _same_sentence(c, best)), None)
        if same is None:
            chosen.append((part, best))
            continue
        earlier, cand = chosen[same]
        joined = {t: max(w, earlier.terms.get(t, 0.0)) for t, w in part.terms.items()}
        merged = Part(
            text=f"{earlier.text}; {part.text}",
            wants=tuple(dict.fromkeys((*earlier.wants, *part.wants))),
            terms=joined,
            asked_for=earlier.asked_for | part.asked_for,
            asks=tuple(dict.fromkeys((*earlier.asks, *part.asks))),
        )
        chosen[same] = (merged, cand)
    return chosen, missing


def _same_sentence(a: Candidate, b: Candidate) -> bool:
    return (a.chunk.id, a.index) == (b.chunk.id, b.index)


def _distinct(options: list[tuple[Part, list[Candidate]]]) -> list[tuple[Part, Candidate]]:
    """Each part's pick: its best, unless another part's best is the same sentence and this part
    gives up less by taking its next answering sentence instead."""
    picks = [found[0] for _, found in options]
    for i, (_, found) in enumerate(options):
        rivals = [j for j in range(len(options)) if j != i and _same_sentence(picks[j], picks[i])]
        if not rivals:
            continue
        taken = [picks[j] for j in range(len(options)) if j != i]
        alternative = next((c for c in found[1:] if not any(_same_sentence(c, t) for t in taken)), None)
        if alternative is None:
            continue
        loss = found[0].score - alternative.score
        rival_losses = [_loss(options[j][1], picks, j) for j in rivals]
        if all(loss < other for other in rival_losses) and _closer(options[i][0], alternative, found[0]):
            picks[i] = alternative
    return [(part, pick) for (part, _), pick in zip(options, picks, strict=True)]


def _closer(part: Part, alternative: Candidate, shared: Candidate) -> bool:
    """Is the alternative nearer in meaning to this part alone than the shared sentence is? ("How
    many tenders were received" is nearer "Five tenders were received" than "X scored 87".)"""
    if part.vector is None or not alternative.vector or not shared.vector:
        return True
    return cosine(part.vector, alternative.vector) > cosine(part.vector, shared.vector)


def _loss(found: list[Candidate], picks: list[Candidate], at: int) -> float:
    """What part `at` gives up by taking its next sentence not picked elsewhere (inf: it has none)."""
    others = [p for j, p in enumerate(picks) if j != at]
    alternative = next((c for c in found[1:] if not any(_same_sentence(c, t) for t in others)), None)
    return found[0].score - alternative.score if alternative is not None else float("inf")


def _names(cand: Candidate, part: Part) -> bool:
    return any(holds(t, cand.quote_tokens) for t in part.asked_for)


def _with_outcomes(
    chosen: list[tuple[Part, Candidate]], pool: list[Candidate]
) -> list[tuple[Part, Candidate]]:
    """Each chosen motion followed by the sentence saying how it ended, when that is a paragraph on;
    each lead-in that ends its paragraph by the first line of the next (the estate it introduces)."""
    out: list[tuple[Part, Candidate]] = []
    for part, cand in chosen:
        out.append((part, cand))
        ordered = sorted(pool, key=lambda c: (c.chunk.citation.char_start, c.index))
        outcome = outcome_after(cand, ordered) or list_after(cand, ordered)
        if outcome is not None and all(outcome is not c for _, c in chosen):
            out.append((part, replace(outcome)))
    return out


def _close_seconds(
    ranked: list[Candidate], best: Candidate, part: Part, settings: AnswerSettings, one_meeting: bool = False
) -> list[tuple[Part, Candidate]]:
    """Sentences nearly as good as the best, from other passages, that add what it lacks (one by
    default: `AnswerSettings.max_sentences` counts them with the best)."""
    out: list[tuple[Part, Candidate]] = []
    taken = [best]
    for cand in ranked[1:]:
        if len(out) + 1 >= settings.max_sentences or cand.score < best.score - settings.second_margin:
            break
        if any(len(cand.tokens & t.tokens) / max(1, len(cand.tokens | t.tokens)) > 0.5 for t in taken):
            continue
        if not answers(cand, part, settings):
            continue
        if one_meeting and _meeting_day(cand) != _meeting_day(best):
            continue  # "in the end", "first": another meeting's word is not that one
        out.append((part, replace(cand)))
        taken.append(cand)
    return out


def _disagreeing(
    ranked: list[Candidate], best: Candidate, part: Part, settings: AnswerSettings
) -> Candidate | None:
    """A nearly-as-good sentence from another meeting giving a different figure of the kind asked."""
    kinds = [k for k in part.asks if k in ("money", "count")]
    if not kinds:
        return None
    mine = {_figure(best.quote[s:e]) for k in kinds for s, e in answer_spans(k, best.quote)}
    for cand in ranked[1:]:
        if cand.score < best.score - settings.sentence_margin:
            return None
        mine_at, theirs_at = best.chunk.citation, cand.chunk.citation
        same_meeting = (mine_at.body, mine_at.meeting_date) == (theirs_at.body, theirs_at.meeting_date)
        if same_meeting or cand.subject < best.subject * 0.9 or not answers(cand, part, settings):
            continue
        theirs = {_figure(cand.quote[s:e]) for k in kinds for s, e in answer_spans(k, cand.quote)}
        if theirs and mine and not theirs & mine:
            return replace(cand)
    return None


def _figure(span: str) -> str:
    """A figure in one spelling, so "£1.38m" and "£1.38 million" agree."""
    text = span.lower().replace(",", "").replace(" ", "")
    return re.sub(r"(?<=\d)(?:million|m)\b", "m", text)


def _meeting_day(cand: Candidate) -> date:
    return cand.chunk.citation.meeting_date or date.min


def flagged_records(chunks: Sequence[ScoredChunk]) -> list[AnswerSentence]:
    """Retrieved sentences that address the reader rather than record a meeting, cited."""
    out: list[AnswerSentence] = []
    for scored in chunks:
        chunk = scored.chunk
        for start, end in sentence_spans(chunk.text):
            quote = chunk.text[start:end]
            if gives_orders(quote):
                out.append(
                    AnswerSentence(text=" ".join(quote.split()), quote=quote, citation=chunk.cite(start, end))
                )
    return out


def _speaks_of_period(scored: ScoredChunk, q: QuestionSignals) -> bool:
    chunk = scored.chunk
    return mentions_period(f"{chunk.context} {chunk.text}", chunk.citation.meeting_date, q.years)
