"""The passages a question needs beside those retrieved: the outcome of a motion moved, the
minutes' closing line and roll call, a report's recommendations, a body's resolution to recommend,
the report header field asked for.

Retrieval ranks these low (they say little but the fact), so the answer's planning step fetches
them from the documents retrieval found, for the questions that ask for them."""

from __future__ import annotations

from collections.abc import Sequence

from index import CouncilIndex

from .facts import field_labels, names_field
from .run_on import awaits_outcome, ends_in_lead_in, moves, records_outcome
from .signals import (
    analyse,
    asks_meeting_end,
    recommendations_heading,
)
from .text import tokenize
from .types import AccessLevel, Chunk, ScoredChunk

# The minutes' roll call: who was present, sent apologies, substituted or declared an interest.
_ROLL_CALL = frozenset(
    tokenize("apologies absence present attendance attended declarations declared interest substitute")
)


def with_needed_passages(
    question: str, chunks: Sequence[ScoredChunk], index: CouncilIndex, access: AccessLevel
) -> list[ScoredChunk]:
    """The retrieved chunks, then those the question needs from the same documents."""
    out = index.follow_on(chunks, awaits_outcome, records_outcome, access=access)
    # "... the following housing estate:" ends its paragraph; the estate is the next one, and a
    # list of headed parts ("The voting was as follows:" / "For the proposal:" / names) runs on
    out = _with_list(out, index, access)
    asked = analyse(question)
    if asked.asks_recommend and not asked.asks_report:
        # "what did the Panel recommend?": the resolution of the items retrieval found
        out = index.item_passages(out, _records_decision, access=access)
    if frozenset(asked.asked_for) & _MOTION_ACTS:
        # "who seconded the refurbishment?": the motion line of the items found, seldom ranked itself
        out = index.item_passages(out, moves, access=access)
    if asks_meeting_end(question):
        out = index.closing_lines(out, access=access)
    if asked.asks_report and asked.asks_recommend:
        out = index.document_passages(out, _in_recommendations, access=access)
    roll = frozenset(tokenize(question)) & _ROLL_CALL
    if roll:  # "who sent apologies?": the minutes' roll call, which retrieval seldom ranks

        def calls_roll(chunk: Chunk) -> bool:
            heads = f"{chunk.citation.agenda_item or ''} {' '.join(field_labels(chunk.text))}"
            return bool(roll & frozenset(tokenize(heads)))

        out = index.document_passages(out, calls_roll, doc_type="minutes", access=access)
    if asked.asks_header:

        def states_field(chunk: Chunk) -> bool:
            return any(names_field(question, label) for label in field_labels(chunk.text))

        out = index.document_passages(out, states_field, access=access, same_meeting=3)
    return out


MAX_LIST_PARAGRAPHS = 8  # the most paragraphs of one list fetched after its lead-in


def _with_list(chunks: list[ScoredChunk], index: CouncilIndex, access: AccessLevel) -> list[ScoredChunk]:
    """The paragraph after each lead-in, and while that one is itself a lead-in or a heading line
    ("Against the proposal:"), the one after it, up to `MAX_LIST_PARAGRAPHS`."""
    out = index.follow_on(chunks, ends_in_lead_in, lambda _c: True, reach=1, access=access)
    for _ in range(MAX_LIST_PARAGRAPHS - 1):
        added = {s.chunk.id for s in out[len(chunks) :]}
        if not added:
            break
        chunks = out

        def opens(chunk: Chunk, added: set[str] = added) -> bool:
            return chunk.id in added and _heads_more(chunk)

        out = index.follow_on(chunks, opens, lambda _c: True, reach=1, access=access)
    return out


def _heads_more(chunk: Chunk) -> bool:
    """Does the paragraph head or introduce the next ("For the proposal:", "as follows:")?"""
    return ends_in_lead_in(chunk) or len(chunk.text.split()) <= 12


_MOTION_ACTS = frozenset(tokenize("proposed moved seconded nominated"))


def _in_recommendations(chunk: Chunk) -> bool:
    return recommendations_heading(chunk.citation.agenda_item or "")


def _records_decision(chunk: Chunk) -> bool:
    return chunk.decision is not None
