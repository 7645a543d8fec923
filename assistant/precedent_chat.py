"""Precedent questions in chat ("what did we decide about ...", "has the council ever ...", "over
the years") answered by the precedent search: each decision in date order, verbatim and cited."""

from __future__ import annotations

import re

from index import CouncilIndex

from .precedent import find_precedent
from .records import Precedent
from .text import short_body
from .types import Answer, AnswerSentence, Filters

_BODY = r"(?:the\s+)?(?P<body>council|we|cabinet|[a-z][\w&' -]{1,50}?\s(?:committee|panel|board|council))"
_ASKS = [
    # "What has the council decided about Northgate Library over the years?"
    re.compile(
        rf"^\s*what\s+(?:has|have|did|had)\s+{_BODY}\s+(?:ever\s+|previously\s+|already\s+)?"
        r"(?:decided?|resolved|agreed)\s+(?:before\s+|previously\s+|so\s+far\s+)?"
        r"(?:about|on|regarding|concerning|in\s+relation\s+to)\s+(?P<topic>.+)$",
        re.I,
    ),
    # "Has the planning committee ever refused an application against the officer recommendation?"
    re.compile(rf"^\s*(?:has|have|did)\s+{_BODY}\s+ever\s+(?P<topic>.+)$", re.I),
    # "What decisions were made on the 2023/24 budget over the years?"
    re.compile(
        r"^\s*(?:what|which)\s+decisions?\s+(?:has|have|were|was)\s+(?:been\s+)?(?:made|taken)\s+"
        r"(?:about|on|regarding)\s+(?P<topic>.+)$",
        re.I,
    ),
]
# "what have we decided", "what has the council decided", "what did we decide": the record so far
_ASKS_OVER_TIME = re.compile(
    r"^\s*what\s+(?:(?:has|have|had)\s+\w+(?:\s+\w+)?\s+(?:ever\s+)?decided|did\s+we\s+decide)\b", re.I
)
_OVER_TIME = re.compile(
    r"\b(?:over\s+the\s+years|in\s+the\s+past|before|previously|so\s+far|to\s+date)\b", re.I
)
_AGAINST_OFFICERS = re.compile(
    r"\b(?:against|contrary\s+to|going\s+against)\s+(?:the\s+)?(?:planning\s+)?officers?['’]?s?\s+"
    r"(?:recommendation|advice)s?\b",
    re.I,
)
_WITH_OFFICERS = re.compile(
    r"\b(?:following|in\s+line\s+with|in\s+accordance\s+with)\s+(?:the\s+)?officers?['’]?s?\s+(?:recommendation|advice)s?\b",
    re.I,
)


def precedent_reply(question: str, filters: Filters, index: CouncilIndex) -> Answer | None:
    """The precedent answer to a question that asks for it, or None (it is answered as usual)."""
    asked = read_precedent_question(question)
    if asked is None:
        return None
    topic, body, advice = asked
    if body and not filters.body:
        filters = filters.model_copy(update={"body": body})
    found = find_precedent(index, topic, filters)
    # chat answers with what bodies decided; officers' recommendations stay in the brief
    entries = [e for e in found.entries if e.decision.type != "recommended by officers"]
    if advice:
        entries = [e for e in entries if e.decision.officer_advice == advice]
    found = found.model_copy(update={"entries": entries})
    return precedent_answer(question, found) if found.entries else None


def read_precedent_question(question: str) -> tuple[str, str | None, str | None] | None:
    """(topic, body named, officer advice asked about) when the question asks for precedent."""
    text = " ".join(question.split()).rstrip("?. ")
    for pattern in _ASKS:
        match = pattern.match(text)
        if match is None:
            continue
        topic = match.group("topic")
        if pattern is _ASKS[0] and not _ASKS_OVER_TIME.match(text) and not _OVER_TIME.search(topic):
            continue  # "What did Cabinet decide about X?" asks for one decision: answered as usual
        advice = (
            "against"
            if _AGAINST_OFFICERS.search(topic)
            else "followed"
            if _WITH_OFFICERS.search(topic)
            else None
        )
        topic = _WITH_OFFICERS.sub(" ", _AGAINST_OFFICERS.sub(" ", topic))
        topic = " ".join(_OVER_TIME.sub(" ", topic).split()).strip(" ,")
        body = match.groupdict().get("body")
        named = body if body and body.lower() not in ("council", "we") else None
        if len(topic) < 3:
            return None
        return topic, named.title() if named else None, advice
    if _OVER_TIME.search(text) and re.search(r"\b(?:decid|decision|resolv)", text, re.I):
        about = re.search(r"\b(?:about|on|regarding)\s+(?P<topic>.+)$", text, re.I)
        if about:
            return " ".join(_OVER_TIME.sub(" ", about.group("topic")).split()), None, None
    return None


def precedent_answer(question: str, found: Precedent) -> Answer:
    """The decisions as an answer: one cited line each, oldest first, its meeting's date and body
    before the verbatim words; the type, vote and what happened next in the note beside it."""
    sentences: list[AnswerSentence] = []
    lines: list[str] = []
    notes = [f"{len(found.entries)} decision(s) on '{found.topic}', oldest first."]
    for n, entry in enumerate(found.entries, start=1):
        d = entry.decision
        quote = " ".join(d.text.split())
        when = d.meeting_date
        head = (
            f"{when.day} {when:%b %Y}" + (f" ({short_body(d.body)})" if d.body else "") + ": " if when else ""
        )
        lines.append(f"{head}{quote} [{n}]")
        sentences.append(AnswerSentence(text=quote, quote=d.text, citation=d.citation, marker=n))
        what = d.type if d.form != "amendment" else f"amendment {d.type}"
        facts = [what, *([d.vote.label] if d.vote and d.vote.label else []), *(x.label for x in entry.later)]
        notes.append(f"[{n}] " + "; ".join(facts))
    notes.append(found.not_found)
    return Answer(
        question=question,
        text="\n".join(lines),
        sentences=sentences,
        note="\n".join(notes),
        show_council=found.show_council,
    )
