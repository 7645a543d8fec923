"""The near-miss gate: does a sentence hold both the subject asked about and the kind of answer
asked for? A record that names the thing but not the fact asked is "related, not an answer"."""

from __future__ import annotations

import calendar
import re

from .facts import counts_only_time, field_labels, has, names_field, speaks_of_another, states
from .kinds import counts_time
from .run_on import list_after, states_outcome
from .scoring import Candidate, Part
from .settings import AnswerSettings
from .signals import asks_header, asks_roll_call, asks_whether, calls_roll, names_act, names_role
from .text import MONTHS, holds, tokenize


def holds_kind(kind: str, quote: str, part: Part) -> bool:
    """Does the sentence state the kind of fact asked? "How many people used it?" is not answered
    by "open 46 hours a week": a length of time counts only when time is what is counted."""
    if not states(kind, part.text, quote):
        return False
    return kind != "count" or counts_time(part.text) or not counts_only_time(quote)


def answers(cand: Candidate, part: Part, settings: AnswerSettings) -> bool:
    """Does the sentence hold both the subject asked about and the kind of answer asked for?"""
    if cand.subject < settings.min_subject:
        return False
    if settings.needs_period and cand.off_period:
        return False  # "... for 2026/27": another year's figure is a near miss
    labels = field_labels(cand.quote) if cand.chunk.citation.doc_type == "report" else []
    if labels and asks_header(part.text) and not any(names_field(part.text, label) for label in labels):
        return False  # "Who was the contact officer?" is not answered by the "CABINET MEMBER:" field
    if cand.features.get("meeting_body", 0.0) < 0 and asks_whether(part.text):
        return False  # "has Cabinet agreed to ...?": what the Panel agreed does not say
    if not names_role(part.text, cand.quote):
        return False  # "who was the architect?": a sentence naming no architect names someone else
    if not names_act(part.text, cand.quote_tokens, cand.quote):
        return False  # "who seconded it?": the mover is a near miss
    if calls_roll(cand.quote) and not asks_roll_call(part.text):
        return False  # "Present: Councillors ..." names no applicant, licensee or officer
    if speaks_of_another(part.text, cand.quote):
        return False  # "the Director of Finance's salary": the Chief Executive's is a near miss
    concrete = list(part.asks)
    typed = any(holds_kind(k, cand.quote, part) for k in concrete)
    if concrete and not typed:
        return False
    if settings.needs_asked_for and part.asked_for and not typed:
        if not any(holds(t, cand.quote_tokens) for t in part.asked_for):
            return False  # "what interest rate ...": a sentence that names no rate is a near miss
    if concrete:
        return True
    if "decision" in part.wants and "reason" not in part.wants and settings.decision_needs_outcome:
        # "What did Cabinet decide about X?" is answered by a decision, not by talk of one; "why was
        # it refused?" by the reason, which need not repeat the decision
        return has("decision", cand.quote) or cand.chunk.decision is not None
    return True


def named_enough(
    answering: list[Candidate],
    ranked: list[Candidate],
    settings: AnswerSettings,
    asks_vote: bool = False,
    acts: frozenset[str] = frozenset(),
) -> list[Candidate]:
    """The figures whose sentence itself names enough of what the closest sentence names, in a
    passage that names enough of what the closest passage names.

    A record that speaks of "a charge for replacement wheelie bins" without the sum does not make
    the net revenue budget, two lines on, an answer to "how much is a replacement bin?". A tally, and
    a motion line naming the act asked for ("seconded by ... that the recommendations be approved"),
    name no subject: their passage must."""
    held = max((c.features.get("subject", 0.0) for c in ranked), default=0.0)
    around = max((c.features.get("passage", 0.0) for c in ranked), default=0.0)

    def names_no_subject(c: Candidate) -> bool:
        if asks_vote and states_outcome(c.quote) and has("vote", c.quote):
            return True
        return any(holds(t, c.quote_tokens) for t in acts)

    return [
        c
        for c in answering
        if (c.features.get("subject", 0.0) >= settings.named_elsewhere * held or names_no_subject(c))
        and (
            c.features.get("passage", 0.0) >= settings.passage_named_elsewhere * around
            or (asks_vote and states_outcome(c.quote) and has("vote", c.quote))
        )
    ]


# A name the question gives (a place, a scheme, a person): a capitalised word past its first word.
_NAME = re.compile(r"(?<=[\w,;:'’)] )(?-i:[A-Z][a-z][\w'’-]*)")
# Capitalised words that name a council's furniture, not the thing asked about.
_NOT_NAMES = frozenset(
    tokenize(
        """Councillor Councillors Cllr Council Cabinet Committee Panel District Municipal Metropolitan
        City County Borough Mayor Deputy Chair Chairman Cathaoirleach Chief Executive Director Officer
        Manager Part Item Report Minutes Meeting Members Member Senior Engineer Planner Administrator
        Full Special Annual General Ordinary Monthly Meetings Services Service Directorate Head The"""
    )
) | frozenset(tokenize(" ".join(MONTHS) + " " + " ".join(calendar.day_name)))


def names_the_thing(answering: list[Candidate], ranked: list[Candidate], question: str) -> list[Candidate]:
    """The answers whose passage holds the names the question gives ("St Patrick's Villas") when
    another retrieved passage holds them: units planned at another estate are a near miss."""
    meeting = frozenset().union(*(c.meeting_tokens for c in ranked))
    # "the Council’s plans": the name is "Council", not its possessive "s"
    names = {t for m in _NAME.finditer(question) for t in tokenize(m.group(0)) if len(t) > 2}
    names -= _NOT_NAMES | meeting
    held = {t for t in names if any(holds(t, c.passage_tokens) for c in ranked)}
    if not held:
        return [] if names else answering  # nothing retrieved names it: the records don't speak of it

    def names_one(c: Candidate) -> bool:
        listed = list_after(c, ranked)  # "the following housing estate:" names it in the next paragraph
        title = frozenset(tokenize(c.chunk.citation.title or ""))  # a report's subject names its paragraphs
        seen = c.passage_tokens | c.meeting_tokens | c.quote_tokens | title
        seen |= listed.tokens if listed else frozenset()
        return any(holds(t, seen) for t in held)

    return [c for c in answering if names_one(c)]
