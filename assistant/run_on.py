"""What a quote takes in beyond its own sentence: the list a lead-in introduces ("the following
housing estate:"), how the motion it moves ended and by what vote, the next sentence when it holds
the word asked ("Seconded by ..."). Also the paragraph before, which an outcome is about."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from .facts import field_labels, has
from .text import holds, sentence_spans, tokenize
from .types import Chunk, ScoredChunk

if TYPE_CHECKING:
    from .scoring import Candidate, Part


def moves_motion(text: str) -> bool:
    """Does the text move, propose or second something?"""
    return bool(_MOTION.search(text))


def states_outcome(text: str) -> bool:
    """Does the text say how a motion ended (carried, lost, a vote)?"""
    return bool(_OUTCOME.search(text))


_MOTION = re.compile(r"\b(?:moved|proposed|seconded)\b", re.I)
_OUTCOME = re.compile(
    r"\bCARRIED\b|\bLOST\b|\bwas (?:carried|lost|defeated|withdrawn)\b|\bput to the vote\b|\bvoted\b"
    r"|(?-i:\bFor):?\s*(?!(?:19|20)\d\d\b)\d|\bunanimous",
    re.I,
)


def awaits_outcome(chunk: Chunk) -> bool:
    """A paragraph moving a motion or amendment that does not say how it ended: its outcome and
    vote are in a paragraph after it, which belongs with it."""
    return bool(_MOTION.search(chunk.text)) and not _OUTCOME.search(chunk.text)


def records_outcome(chunk: Chunk) -> bool:
    """A paragraph saying how a motion ended: carried, lost, a vote."""
    return bool(_OUTCOME.search(chunk.text))


def leads_in(text: str) -> bool:
    """Does the sentence introduce what follows ("... the following housing estate:")?"""
    return text.rstrip().endswith(":") or bool(_THE_FOLLOWING.search(text))


def continues_list(scored: ScoredChunk, index: int, chunks: Sequence[ScoredChunk]) -> bool:
    """Is sentence `index` of the chunk the first after a lead-in that ended the paragraph before?"""
    if index != 0:
        return False
    before = paragraph_before(scored.chunk, chunks)
    if before is None or scored.chunk.citation.char_start - before.citation.char_end > 10:
        return False  # not the paragraph just before
    return ends_in_lead_in(before)


def ends_in_lead_in(chunk: Chunk) -> bool:
    """Does the paragraph's last sentence introduce what follows it?"""
    spans = sentence_spans(chunk.text)
    return bool(spans) and leads_in(chunk.text[spans[-1][0] : spans[-1][1]])


def moves(chunk: Chunk) -> bool:
    """Does the paragraph move, propose or second something?"""
    return moves_motion(chunk.text)


def list_after(cand: Candidate, pool: Sequence[Candidate]) -> Candidate | None:
    """The first sentence of the next paragraph when the quote is a lead-in that ends its own
    ("To consider the taking in charge of the following housing estate:" / "Curragh Birin, ...")."""
    if cand.end_index != len(cand.spans) - 1 or not leads_in(cand.quote):
        return None
    c = cand.chunk.citation
    after = [
        other
        for other in pool
        if other.index == 0
        and (other.chunk.citation.doc_id, other.chunk.citation.agenda_item) == (c.doc_id, c.agenda_item)
        and 0 <= other.chunk.citation.char_start - c.char_end <= 10  # the very next paragraph
    ]
    return min(after, key=lambda o: o.chunk.citation.char_start) if after else None


def outcome_after(cand: Candidate, pool: Sequence[Candidate]) -> Candidate | None:
    """The sentence saying how the motion `cand` moves ended, when it is in the paragraph after."""
    if not (_MOTION.search(cand.quote) and awaits_outcome(cand.chunk)):
        return None
    for other in pool:
        before = other.chunk.citation.char_start >= cand.chunk.citation.char_end
        same = (other.chunk.citation.doc_id, other.chunk.citation.agenda_item) == (
            cand.chunk.citation.doc_id,
            cand.chunk.citation.agenda_item,
        )
        if same and before and _OUTCOME.search(other.quote) and other.chunk.id != cand.chunk.id:
            return other
    return None


def paragraph_before(
    chunk: Chunk, chunks: Sequence[ScoredChunk], which: Callable[[Chunk], bool] = lambda _c: True
) -> Chunk | None:
    """The nearest retrieved paragraph before this one in its agenda item that `which` picks: "The
    amendment was LOST." is about what a paragraph before it moved."""
    c = chunk.citation
    before = [
        s.chunk
        for s in chunks
        if (s.chunk.citation.doc_id, s.chunk.citation.agenda_item) == (c.doc_id, c.agenda_item)
        and s.chunk.citation.char_end <= c.char_start
        and which(s.chunk)
    ]
    return max(before, key=lambda b: b.citation.char_end) if before else None


def run_on(cand: Candidate, part: Part) -> None:
    """Take in the next sentence when this one only introduces it ("...as follows:", "A vote was taken."),
    or when this one moves a motion and the next says how it ended, or states an outcome and the next
    the vote (a motion's outcome and vote belong with it)."""
    cand.end_index = max(cand.index, cand.shortest)
    kinds = part.asks or part.wants
    listing = False  # the quote introduces a list: its items follow, one a sentence
    for step in range(MAX_LIST_ITEMS):
        nxt = cand.end_index + 1
        if nxt >= len(cand.spans):
            return
        text = cand.quote
        following = cand.chunk.text[cand.spans[nxt][0] : cand.spans[nxt][1]]
        last = cand.chunk.text[cand.spans[cand.end_index][0] : cand.spans[cand.end_index][1]]
        if listing and (_LIST_ITEM.match(following) or _LIST_ITEM.fullmatch(last.strip())):
            cand.end_index = nxt  # an item, or the words after an item's bare number ("1." "Cluain Dubh")
            continue
        if step >= 2:
            return
        gives_nothing = bool(kinds) and not any(has(kind, text) for kind in kinds)
        ends_motion = (
            "decision" in part.wants and bool(_MOTION.search(text)) and bool(_OUTCOME.search(following))
        )
        # "... the amendment was LOST. For: 15, Against: 27, Abstentions: 1.": the vote it was lost by
        tallies_outcome = (
            ("decision" in part.wants or "vote" in kinds)
            and bool(_OUTCOME.search(text))
            and has("vote", following)
            and not has("vote", text)
        )
        # "Cllr. Leddin proposed that ...", then "Seconded by Cllr. Collopy.": the word asked is next
        said_next = (
            bool(part.asked_for)
            and not any(holds(t, frozenset(tokenize(text))) for t in part.asked_for)
            and any(holds(t, frozenset(tokenize(following))) for t in part.asked_for)
        )
        header = cand.chunk.citation.doc_type == "report" and not text.rstrip().endswith(":")
        if header and (field_labels(text) or field_labels(following)):
            return  # each field of a report's header is a fact of its own
        # a lead-in that already states the kind asked ("412 plots on six sites:") needs no list
        listing = (
            bool(text.rstrip().endswith(":") or _THE_FOLLOWING.search(text))
            and bool(_LIST_ITEM.match(following))
            and not (part.asks and any(has(kind, text) for kind in part.asks))
        )
        if (
            text.rstrip().endswith(":")
            or _THE_FOLLOWING.search(text)
            or said_next
            or (gives_nothing and any(has(kind, following) for kind in kinds))
            or ends_motion
            or tallies_outcome
        ):
            cand.end_index = nxt
        else:
            return


# "That the following housing estates be taken in charge ...": the list is in what comes next,
# its items "1. Cluain Dubh ...", "2. Rhebogue Meadows ..." taken in, up to MAX_LIST_ITEMS sentences
MAX_LIST_ITEMS = 8
_LIST_ITEM = re.compile(r"^\s*(?:\d{1,2}[.)]|\(?[a-z]\)|\(?[ivx]{1,4}\)|[•·▪\-–*])(?:\s|$)")
_THE_FOLLOWING = re.compile(
    r"\bthe following\b(?!\s+(?:day|week|month|year|meeting|morning|evening|night|session|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?\b)(?![^:]*(?:\(\w{1,3}\)|:))",
    re.I,
)
