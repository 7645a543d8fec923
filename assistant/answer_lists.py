"""Answers that are lists: a history, one sentence per meeting in date order, and a report's
recommendations in the report's own order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from .facts import has
from .scoring import Candidate, Part
from .settings import AnswerSettings
from .signals import recommendations_heading

_FIGURES = ("money", "count")  # the kinds of figure a history follows from meeting to meeting


def history(
    ranked: list[Candidate], settings: AnswerSettings, answers: Callable[[Candidate], bool]
) -> list[tuple[Part, Candidate]]:
    """One sentence per meeting, in meeting order: the best few, and every other meeting's sentence
    that gives the same kind of figure about as much of the matter ("how has the Band D charge
    changed year by year?" wants each year's), up to `max_history` meetings."""
    best = ranked[0]
    kinds = [k for k in _FIGURES if has(k, best.quote)]
    picked: list[Candidate] = []
    meetings: set[object] = set()
    for cand in ranked:
        if len(picked) >= settings.max_history:
            break
        c = cand.chunk.citation
        key = (c.body, c.meeting_date)
        if key in meetings:
            continue
        close = cand.score >= best.score - settings.sentence_margin * 2
        if not (close and len(picked) < settings.max_sentences or _alike(cand, best, kinds, answers)):
            continue
        meetings.add(key)
        picked.append(replace(cand))
    picked.sort(key=lambda c: (c.chunk.citation.meeting_date is None, c.chunk.citation.meeting_date or 0))
    part = Part(text="", wants=(), terms={}, asked_for=frozenset())
    return [(part, c) for c in picked]


def _alike(cand: Candidate, best: Candidate, kinds: list[str], answers: Callable[[Candidate], bool]) -> bool:
    """Does the sentence give the kind of figure the best gives, about as much of the matter?"""
    return (
        bool(kinds)
        and all(has(k, cand.quote) for k in kinds)
        and cand.features.get("passage", 0.0) >= 0.9 * best.features.get("passage", 0.0)
        and answers(cand)
    )


def recommends(cand: Candidate) -> bool:
    """Is the sentence one of a report's recommendations (in its recommendations section)?"""
    c = cand.chunk.citation
    return c.doc_type == "report" and recommendations_heading(c.agenda_item or "")


def recommendations(best: Candidate, pool: list[Candidate], settings: AnswerSettings) -> list[Candidate]:
    """A report's recommendations are one list: "what did the report recommend?" is answered by
    them in their order (up to `max_recommendations`), not by the one nearest the question."""
    c = best.chunk.citation
    section = sorted(
        (
            cand
            for cand in pool
            if recommends(cand)
            and (cand.chunk.citation.doc_id, cand.chunk.citation.agenda_item) == (c.doc_id, c.agenda_item)
        ),
        key=lambda cand: (cand.chunk.citation.char_start, cand.index),
    )
    picked: list[Candidate] = []
    for cand in section:
        last = picked[-1] if picked else None
        if last is not None and last.chunk.id == cand.chunk.id and cand.index <= last.end_index:
            continue  # already quoted, run on from the one before ("... recommended to: (a) ...")
        picked.append(replace(cand))
    return picked[: settings.max_recommendations] or [best]
