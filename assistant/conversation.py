"""Follow-up questions without an LLM: rewrite "who seconded it?" as a question that stands alone.

`resolve(question, history, known_bodies, today)` decides whether the question follows on from the
last turn (it is short, opens with "and" or "what about", points back with "it" or "the decision",
or names only a date or a body) and, if so, carries that turn's topic and filters forward; what the
follow-up states itself (a new year, a new body) replaces what it carried. A question with a topic
of its own starts afresh.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from .query import describe, find_body, parse_query
from .text import STOPWORDS
from .types import Answer, Citation, Filters

_OPENER = re.compile(
    r"^\s*(?:(?:and|but|also|so|then|ok(?:ay)?)\b[\s,]*)*(?:(?:what|how)\s+about|what\s+of)?\b[\s,]*", re.I
)
_REFERRING = re.compile(
    r"\b(?P<pron>it|its|this|that|these|those)\b(?!\s+(?:the|a|an|was|is|were|are|had|has)\b)"
    r"|\b(?:the|this|that)\s+(?P<noun>decision|vote|motion|scheme|application|proposal|plan|project|"
    r"item|recommendations?|amendment|report|consultation|contract)\b(?!\s+(?:on|about|to|for|of)\b)"
    r"|\b(?P<other>they|them|their|he|she|him|her)\b",
    re.I,
)
_WORD = re.compile(r"[A-Za-z£$€\d][\w'’/.,£-]*")
_WH = re.compile(
    r"^\s*(?:when|what|who|whom|whose|which|where|why|how(?:\s+(?:much|many|long|often|far))?)\b", re.I
)
_AUX = {"was", "were", "is", "are", "has", "have", "had", "did", "do", "does", "will", "would", "can",
        "could", "should", "might", "may"}  # fmt: skip
_DO_AUX = {"did", "do", "does", "will", "would", "can", "could", "should", "might", "may"}
_PREPOSITIONS = {"on", "about", "to", "for", "of", "in", "with", "regarding", "over", "at", "from", "by",
                 "into", "against", "up", "off", "out", "down"}  # fmt: skip
_ABOUT = {"about", "on", "regarding", "concerning", "for", "over", "with"}
_DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our"}
_PARTICIPLES = frozenset(
    "made paid held set put given taken known brought built done said shown seen chosen won lost run cut "
    "begun spent sold".split()
)
_STOPWORDS = STOPWORDS | frozenset(
    "herself hers theirs whose also ok okay yes please tell me know anything else again much many".split()
)
# Words that ask something of a topic without naming one.
_GENERIC = frozenset(
    """say said says saying decide decided decides decision decisions happen happened happens vote
    voted votes outcome result results agree agreed think thought discuss discussed mention mentioned
    conclude concluded recommend recommended make made meeting meetings item items view views position
    told detail details exactly later first last latest next update news committee panel council
    board cabinet body bodies members member councillors""".split()
)
# A follow-up about how a decision was taken points at the meeting the last answer cited.
_MOTION = re.compile(
    r"\b(?:second(?:ed|er)?|propos(?:ed|er)|moved|mover|vot(?:e|ed|es|ing)|abstain(?:ed)?|abstentions?|"
    r"carried|unanimous(?:ly)?|in favour|for and against)\b",
    re.I,
)
_DECISION = re.compile(r"\bRESOLVED\b|\bCARRIED\b|\bseconded\b|\bproposed by\b|\bmoved\b")
_MAX_TURNS = 8
_TRAILING = re.compile(r"\s+(?:(?:due|expected|going|set|planned|meant|supposed)\s+to\s+\w+)\s*$", re.I)
_CLAUSE = re.compile(
    r"\s+(?:when|where|because|after|before|if|while|and\s+(?:what|how|who|when|why))\s.*$", re.I
)


class Turn(BaseModel):
    """One question and answer of a conversation, as later questions need it."""

    question: str = Field(description="What the user asked")
    resolved: str | None = Field(None, description="The question as answered, standing alone")
    answer: str = Field("", description="The answer's text")
    filters: Filters | None = Field(None, description="Filters the answer used; None: read from the question")
    citations: list[Citation] = Field(default_factory=list)

    @property
    def standalone(self) -> str:
        """The question as it stands alone: the resolved one when there is one."""
        return self.resolved or self.question

    @classmethod
    def from_answer(cls, answer: Answer, filters: Filters | None = None) -> Turn:
        """The turn an answer makes; its filters are the ones the answer used unless given."""
        return cls(
            question=answer.question,
            resolved=answer.resolved_question,
            answer=answer.text,
            filters=filters if filters is not None else answer.filters,
            citations=answer.citations,
        )


def resolve(
    question: str, history: Sequence[Turn], known_bodies: Iterable[str] = (), today: date | None = None
) -> tuple[str, Filters]:
    """The question rewritten to stand alone, and the filters it carries, given the turns before it."""
    bodies = list(known_bodies)
    question = " ".join(question.split())
    parsed = parse_query(question, bodies, today)
    if not history or not is_follow_up(question, bodies, today):
        return question, parsed.filters
    prev = history[-1]
    prev_text = prev.standalone
    if prev.resolved is None and len(history) > 1:
        prev_text = resolve(prev.question, history[-_MAX_TURNS:-1], bodies, today)[
            0
        ]  # rebuilt from a chat log
    prev_parsed = parse_query(prev_text, bodies, today)
    filters = merge_filters(prev.filters or prev_parsed.filters, parsed.filters)
    topic_question = prev_parsed.stripped.rstrip(" ?.!")
    topic = topic_of(prev_parsed.stripped, prev_parsed.body_mention)
    opener = _opener(parsed.stripped)
    rest = parsed.stripped[len(opener) :].strip(" ?.!,")
    if not _WH.match(rest) and not content_terms(rest, bodies):
        # "and in 2024?", "what about the cabinet?": the last question again, with new filters
        text = _switch_body(
            topic_question, prev_parsed.body_mention, parsed.filters.body, parsed.body_mention
        )
    elif opener and not _WH.match(rest) and not _REFERRING.search(rest):
        text = _about(rest, topic, topic_question)  # "what about the cost?", "what about Northgate Library?"
    else:
        text = _refer(rest, topic) if topic else rest
    anchor = _anchor(prev) if _MOTION.search(rest) else None
    if anchor and anchor.meeting_date and not (parsed.filters.since or parsed.filters.until):
        day = anchor.meeting_date
        filters = filters.model_copy(update={"since": day, "until": day, "body": anchor.body or filters.body})
    return _with_filters(text, filters, bodies), filters


def is_follow_up(question: str, known_bodies: Iterable[str] = (), today: date | None = None) -> bool:
    """Does the question lean on the turn before it rather than stand alone?"""
    bodies = list(known_bodies)
    parsed = parse_query(question, bodies, today)
    if _opener(parsed.stripped):
        return True
    terms = content_terms(parsed.stripped, bodies)
    if not terms:
        return True
    if _REFERRING.search(parsed.stripped) and len(terms) <= 3:
        return True
    words = _WORD.findall(parsed.stripped)
    proper = [w for w in words[1:] if w[:1].isupper()]
    return len(terms) == 1 and len(words) <= 4 and not proper


def content_terms(text: str, known_bodies: Iterable[str] = ()) -> list[str]:
    """The words that name a topic: not stopwords, question words, generic verbs or a body's name."""
    _, mention = find_body(text, known_bodies)
    if mention:
        text = text.replace(mention, " ")
    terms = []
    for word in _WORD.findall(text):
        w = word.lower().strip(".,'’")
        if w and w not in _STOPWORDS and w not in _GENERIC:
            terms.append(w)
    return terms


def topic_of(question: str, body_mention: str | None = None) -> str:
    """What a question asks about: "When was the cycle lane approved?" -> "the cycle lane"."""
    text = question.strip().rstrip("?.! ")
    wh = _WH.match(text)
    words = text[wh.end() :].split() if wh else text.split()
    if wh and words and words[0].lower() not in _AUX and not words[0][:1].isupper():
        if len(words) > 1 and words[1].lower() in _AUX and wh.group().strip().lower() in ("which", "what"):
            words = words[1:]  # "which firm was awarded ..." -> "was awarded ..."
    aux = None
    for i, w in enumerate(words[:3]):
        if w.lower() in _AUX:
            aux, words = w.lower(), words[i + 1 :]
            break
    verb_dropped = False
    if body_mention and " ".join(words).lower().startswith(
        ("the " + body_mention.lower(), body_mention.lower())
    ):
        phrase = " ".join(words)
        phrase = phrase[phrase.lower().index(body_mention.lower()) + len(body_mention) :]
        words, verb_dropped = _drop_verb(phrase.split()), True  # "did Cabinet decide about X"
    elif aux in _DO_AUX and (cut := _object_after_verb(words)) is not None:
        words, verb_dropped = cut, True  # "did the committee resolve about X" -> "X"
    elif wh and (aux is None or (aux not in _DO_AUX and words and _is_participle(words[0]))):
        words, verb_dropped = _drop_verb(words), True  # "what happened to X", "was awarded X"
    phrase = _CLAUSE.sub("", _TRAILING.sub("", " ".join(words)))
    words = phrase.split()
    while words and words[-1].lower() in _PREPOSITIONS:
        words.pop()
    if not verb_dropped and len(words) > 1 and _is_trailing_verb(words[-1], aux):
        words.pop()
        while words and words[-1].lower() in _PREPOSITIONS:
            words.pop()
    return " ".join(words).strip(" ,")


def merge_filters(carried: Filters, stated: Filters | None) -> Filters:
    """The carried filters with what is stated replacing them: dates as a pair, body, kind of paper,
    council."""
    if stated is None:
        return carried
    since, until = (
        (stated.since, stated.until) if (stated.since or stated.until) else (carried.since, carried.until)
    )
    return Filters(
        body=stated.body or carried.body,
        since=since,
        until=until,
        doc_type=stated.doc_type or carried.doc_type,
        council=stated.council or carried.council,
    )


def load_turns(path: Path) -> list[Turn]:
    """Turns from a JSON list or JSON Lines file (the `ask --json` output is one valid turn).

    Each turn is an object with "question" and optionally "resolved_question", "answer",
    "filters" ({"body", "since", "until", "doc_type"}) and "citations" (as in `ask --json`).
    """
    text = path.read_text(encoding="utf-8").strip()
    if not text:
        return []
    try:
        data: Any = json.loads(text)
        rows = data if isinstance(data, list) else [data]
    except json.JSONDecodeError:
        try:
            rows = [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: not JSON or JSON Lines ({exc})") from exc
    turns = []
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or not isinstance(row.get("question"), str):
            raise ValueError(f'{path}: turn {n} is not an object with a "question"')
        try:
            turns.append(
                Turn(
                    question=row["question"],
                    resolved=row.get("resolved_question") or row.get("resolved"),
                    answer=str(row.get("answer") or ""),
                    filters=Filters.model_validate(row["filters"]) if row.get("filters") else None,
                    citations=[_history_citation(c) for c in row.get("citations") or []],
                )
            )
        except (ValidationError, TypeError) as exc:
            raise ValueError(f"{path}: turn {n}: {exc}") from exc
    return turns


def _history_citation(row: Any) -> Citation:
    """A citation as an answer's JSON gives it, its label and other keys aside (an access it does
    not name is public). What it says of its own access only labels it: a history never grants access."""
    if not isinstance(row, dict):
        raise TypeError(f"a citation is an object, not {type(row).__name__}")
    given = {k: v for k, v in row.items() if k in Citation.model_fields and v is not None}
    return Citation.model_validate({"doc_id": "", "access": "public", **given})


def _object_after_verb(words: list[str]) -> list[str] | None:
    """What follows "<subject> <verb> about|on|for ...", when the question has that shape."""
    for i in range(2, len(words) - 1):
        if words[i].lower() in _ABOUT and words[i - 1][:1].islower() and words[i - 1].isalpha():
            return words[i + 1 :]
    return None


def _anchor(turn: Turn) -> Citation | None:
    """The citation of the last answer that records a decision (a RESOLVED, a seconder), else its first."""
    if not turn.citations:
        return None
    lines = {line.rsplit(" [", 1)[-1].rstrip("]"): line for line in turn.answer.splitlines() if " [" in line}
    for citation in turn.citations:
        if _DECISION.search(lines.get(citation.label, "")):
            return citation
    return turn.citations[0]


def _drop_verb(words: list[str]) -> list[str]:
    """Drop a leading verb and its particle: "decide on X" -> "X", "called in X" -> "X"."""
    if words and words[0][:1].islower() and words[0].lower() not in _DETERMINERS:
        words = words[1:]
        while words and words[0].lower() in _PREPOSITIONS:
            words = words[1:]
    return words


def _is_trailing_verb(word: str, aux: str | None) -> bool:
    w = word.lower()
    if not w.isalpha() or word[:1].isupper():
        return False
    if aux in _DO_AUX:
        return True  # "did the consultation receive" -> the last word is the verb
    return _is_participle(word)


def _is_participle(word: str) -> bool:
    w = word.lower()
    return word[:1].islower() and w.isalpha() and (w.endswith("ed") or w in _PARTICIPLES)


def _refer(rest: str, topic: str) -> str:
    """Put the topic where the follow-up points back at it, or add it at the end."""
    m = _REFERRING.search(rest)
    if m and m["pron"]:
        pron = m["pron"].lower()
        repl = f"{topic}'s" if pron == "its" else topic
        return rest[: m.start()] + repl + rest[m.end() :]
    if m and m["noun"]:
        return f"{rest[: m.start()]}the {m['noun'].lower()} on {topic}{rest[m.end() :]}"
    if len(rest.split()) <= 2 and _WH.match(rest):
        return f"{rest} – {topic}"  # "why?", "how much?"
    return f"{rest} about {topic}"


def _opener(text: str) -> str:
    """The words a follow-up opens with ("and", "what about"), or ""."""
    m = _OPENER.match(text)
    return m.group() if m and m.group().strip() else ""


def _about(rest: str, topic: str, topic_question: str) -> str:
    """ "what about the cost?" asks about an aspect; "what about Northgate Library?" names a new topic."""
    words = rest.split()
    proper = [w for w in words if w[:1].isupper()]
    if proper and topic and topic in topic_question:
        return topic_question.replace(topic, rest, 1)  # a new topic asked the same way
    return f"What about {rest} of {topic}" if topic else rest


def _switch_body(text: str, old: str | None, new_body: str | None, new_mention: str | None) -> str:
    if new_body and old and new_mention:
        return text.replace(old, new_mention, 1)
    return text


def _with_filters(text: str, filters: Filters, bodies: list[str]) -> str:
    """The question with its carried filters written out, so it reads (and parses) alone."""
    text = text.strip().rstrip("?.! ")
    parsed = parse_query(text, bodies)
    words = describe(filters.model_copy(update={"body": None}))
    if words and parsed.filters.model_copy(update={"body": None}) != filters.model_copy(
        update={"body": None}
    ):
        text = f"{text} {words}"
    if filters.body and parsed.filters.body != filters.body:
        text = f"{text} ({filters.body})"
    return text[:1].upper() + text[1:] + "?"
