"""Filters stated in a question, found without an LLM: dates, date ranges and the body that met.

`parse_query("What did the planning committee decide in March 2024?", known_bodies, today)` gives
`Filters(body="Planning Committee", since=2024-03-01, until=2024-03-31)` and the question without
"in March 2024". Pure functions: `today` and the bodies the index knows are parameters.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from .text import MONTHS
from .types import DocType, Filters

_MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
# A year that is not a financial year ("2023/24", "2023-24") nor part of a longer number.
_YEAR = r"(?:19|20)\d\d(?![/\d]|-\d)"
# A point in time: "14 March 2024", "March 2024", "2024".
_WHEN = rf"(?:(?:{_DAY}\s+)?{_MONTH}\s+{_YEAR}|{_YEAR})"
_RELATIVE = r"(?:this|last|past|previous)\s+(?:year|month)|last\s+" + _MONTH

_P = re.IGNORECASE
_BETWEEN = re.compile(
    rf"\b(?:between\s+(?P<a>{_WHEN})\s+and\s+(?P<b>{_WHEN})"
    rf"|from\s+(?P<c>{_WHEN})\s+(?:to|until|till|through)\s+(?P<d>{_WHEN}))\b",
    _P,
)
_SINCE = re.compile(rf"\b(?P<op>since|after|from|starting)\s+(?P<a>{_WHEN})\b", _P)
_UNTIL = re.compile(
    rf"\b(?P<op>before|until|till|up\s+to|prior\s+to|by)\s+(?:the\s+end\s+of\s+)?(?P<a>{_WHEN})\b", _P
)
_IN = re.compile(rf"\b(?:(?:in|during|throughout|on|of|at)\s+(?:the\s+)?)?(?P<a>{_WHEN})\b", _P)
_REL = re.compile(rf"\b(?:in\s+|during\s+|over\s+)?(?:the\s+)?(?P<a>{_RELATIVE})\b", _P)
_DOC_TYPE = re.compile(
    r"\b(?:in|from|according\s+to)\s+the\s+(?P<t>minutes|reports?|agendas?)\b|\bon\s+the\s+(?P<a>agenda)\b",
    _P,
)
_SPACES = re.compile(r"\s+")
_BODY_HEADS = frozenset({"committee", "panel", "board", "council", "sub-committee", "cabinet", "forum"})


@dataclass(frozen=True)
class ParsedQuery:
    """A question, the filters it states, and the question without its date phrases."""

    question: str
    filters: Filters
    stripped: str
    phrases: tuple[str, ...] = field(default_factory=tuple)
    body_mention: str | None = None


def parse_query(question: str, known_bodies: Iterable[str] = (), today: date | None = None) -> ParsedQuery:
    """The filters a question states: a year, a month, a range, a body the index knows, a kind of paper.

    Args:
        known_bodies: names of the committees and panels in the index ("Planning Committee").
        today: the date "last March" and "this year" count from (default: today).
    """
    today = today or date.today()
    spans: list[tuple[int, int]] = []
    since: date | None = None
    until: date | None = None
    dated = False

    def free(m: re.Match[str]) -> bool:
        return not any(m.start() < e and s < m.end() for s, e in spans)

    for m in _BETWEEN.finditer(question):
        a, b = (m["a"], m["b"]) if m["a"] else (m["c"], m["d"])
        lo, hi = _period(a), _period(b)
        if lo and hi and not dated:
            since, until, dated = min(lo[0], hi[0]), max(lo[1], hi[1]), True
            spans.append(m.span())
    for m in _SINCE.finditer(question):
        period = _period(m["a"])
        if period and free(m) and since is None:
            op = m["op"].lower()
            since, dated = (period[1] + timedelta(days=1) if op == "after" else period[0]), True
            spans.append(m.span())
    for m in _UNTIL.finditer(question):
        period = _period(m["a"])
        if period and free(m) and until is None:
            op = " ".join(m["op"].lower().split())
            until, dated = (
                (period[0] - timedelta(days=1) if op in ("before", "prior to") else period[1]),
                True,
            )
            spans.append(m.span())
    if not dated:
        for m in _IN.finditer(question):
            period = _period(m["a"])
            if period and free(m):
                since, until, dated = period[0], period[1], True
                spans.append(m.span())
                break
    if not dated:
        for m in _REL.finditer(question):
            period = _relative(m["a"], today)
            if period and free(m):
                since, until = period
                spans.append(m.span())
                break
    doc_type: DocType | None = None
    for m in _DOC_TYPE.finditer(question):
        if free(m):
            doc_type = _doc_type(m["t"] or m["a"])
            spans.append(m.span())
            break
    body, mention = find_body(question, known_bodies)
    stripped = _strip(question, spans)
    phrases = tuple(question[s:e] for s, e in sorted(spans))
    filters = Filters(body=body, since=since, until=until, doc_type=doc_type)
    return ParsedQuery(question, filters, stripped, phrases, mention)


# "referred back to Cabinet", "recommended to Full Council": where the matter went, not who spoke
_SENT_TO = re.compile(r"\b(?:back|refer\w*|recommend\w*)\b[\w\s]{0,30}?\bto\s+(?:the\s+)?$")


def find_body(
    question: str, known_bodies: Iterable[str], acting: bool = False
) -> tuple[str | None, str | None]:
    """The known body the question names, and the words that named it; the longest mention wins.

    A body is named by its full name ("Overview and Scrutiny Panel") or by a tail of it that keeps
    its head noun and one word before it ("the scrutiny panel", "planning committee"); a one-word
    body ("Cabinet") by that word. `acting`: only a body that acted, not one a matter was sent to
    ("What did Cabinet recommend to Full Council?" names Cabinet).
    """
    folded = _fold(question)
    best: tuple[int, str, str] | None = None
    for body in known_bodies:
        for alias in _aliases(body):
            for m in re.finditer(rf"\b{re.escape(alias)}\b", folded):
                if acting and _SENT_TO.search(folded[: m.start()]):
                    continue
                if best is None or len(alias) > best[0]:
                    best = (len(alias), body, _original_span(question, folded, m.start(), m.end()))
                break
    return (best[1], best[2]) if best else (None, None)


def describe(filters: Filters) -> str:
    """The filters as words that `parse_query` reads back: "in March 2024", "since 2022"."""
    parts: list[str] = []
    if filters.since or filters.until:
        parts.append(_describe_dates(filters.since, filters.until))
    if filters.doc_type:
        parts.append({"minutes": "in the minutes", "agenda": "on the agenda"}.get(
            filters.doc_type, f"in the {filters.doc_type}s"
        ))  # fmt: skip
    return " ".join(parts)


def _describe_dates(since: date | None, until: date | None) -> str:
    if since and until:
        if since == until:
            return f"on {_day(since)}"
        if (since.month, since.day, until.month, until.day) == (1, 1, 12, 31):
            if since.year == until.year:
                return f"in {since.year}"
            return f"between {since.year} and {until.year}"
        if since.day == 1 and until == _month_end(until.year, until.month):
            if (since.year, since.month) == (until.year, until.month):
                return f"in {since:%B %Y}"
            return f"between {since:%B %Y} and {until:%B %Y}"
        return f"between {_day(since)} and {_day(until)}"
    if since:
        if (since.month, since.day) == (1, 1):
            return f"since {since.year}"
        return f"since {since:%B %Y}" if since.day == 1 else f"since {_day(since)}"
    assert until is not None
    after = until + timedelta(days=1)
    if (after.month, after.day) == (1, 1):
        return f"before {after.year}"
    return f"before {after:%B %Y}" if after.day == 1 else f"until {_day(until)}"


def _day(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _period(text: str) -> tuple[date, date] | None:
    """The first and last day that "2024", "March 2024" or "14 March 2024" covers."""
    words = text.replace(".", " ").split()
    try:
        year = int(words[-1])
        if len(words) == 1:
            return date(year, 1, 1), date(year, 12, 31)
        month = MONTHS[words[-2].lower()]
        if len(words) == 2:
            return date(year, month, 1), _month_end(year, month)
        day = date(year, month, int(re.sub(r"\D", "", words[0])))
    except (ValueError, KeyError, IndexError):
        return None
    return day, day


def _relative(text: str, today: date) -> tuple[date, date] | None:
    words = text.lower().replace(".", " ").split()
    if words[-1] == "year":
        year = today.year if words[0] == "this" else today.year - 1
        return date(year, 1, 1), date(year, 12, 31)
    if words[-1] == "month":
        if words[0] == "this":
            return today.replace(day=1), _month_end(today.year, today.month)
        first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        return first, _month_end(first.year, first.month)
    month = MONTHS.get(words[-1])
    if month is None:
        return None
    year = today.year if month < today.month else today.year - 1  # the most recent one that has ended
    return date(year, month, 1), _month_end(year, month)


def _doc_type(word: str) -> DocType:
    word = word.lower()
    if word.startswith("report"):
        return "report"
    if word.startswith("agenda"):
        return "agenda"
    return "minutes"


def _strip(question: str, spans: Sequence[tuple[int, int]]) -> str:
    out = question
    for s, e in sorted(spans, reverse=True):
        out = out[:s] + " " + out[e:]
    out = _SPACES.sub(" ", out).strip().lstrip(",;: ")
    return re.sub(r"\s+([?.!,;:])", r"\1", out).replace(",?", "?")


def _fold(text: str) -> str:
    """Lower case with '&' as 'and'; same length as the text for the characters kept."""
    return text.lower().replace("&", "+")


def _aliases(body: str) -> list[str]:
    """The ways a question may name a body, folded like the question."""
    words = _fold(body).split()
    if not words:
        return []
    aliases: set[str] = set()
    if len(words) >= 2 and words[-1] in _BODY_HEADS:
        for i in range(1, len(words) - 1):
            if words[i] not in ("and", "+", "of", "the", "for"):
                aliases.add(" ".join(words[i:]))  # "scrutiny panel", "planning committee"
    full = " ".join(words)
    aliases |= {full, full.replace(" and ", " + "), full.replace(" + ", " and ")}
    return sorted(aliases, key=len, reverse=True)


def _original_span(question: str, folded: str, start: int, end: int) -> str:
    return question[start:end] if len(folded) == len(question) else folded[start:end]
