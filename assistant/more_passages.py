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
    # "... the following housing estate:" ends its paragraph; the estate is the next one
    out = index.follow_on(out, ends_in_lead_in, lambda _c: True, reach=1, access=access)
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


_MOTION_ACTS = frozenset(tokenize("proposed moved seconded nominated"))


def _in_recommendations(chunk: Chunk) -> bool:
    return recommendations_heading(chunk.citation.agenda_item or "")


def _records_decision(chunk: Chunk) -> bool:
    return chunk.decision is not None
