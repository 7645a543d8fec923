"""What a decision's words say: its type, the body a recommendation goes to, whether it followed
the officers, the matter's identifiers, and the earlier meetings an item names."""

from __future__ import annotations

import re
from datetime import date

from assistant.records import DecisionType
from assistant.text import APPLICATION_NUMBER, MONTH_NAMES, MONTHS

_ORDER = re.compile(r"\bTree\s+Preservation\s+Order\s+No\.?\s*(\d+)\s+of\s+(\d{4})\b", re.I)


_ADDRESS = re.compile(
    r"\b\d{1,4}[A-Za-z]?,?\s+(?:[A-Z][a-z]+\s+){1,3}"
    r"(?:Street|Road|Lane|Avenue|Close|Drive|Way|Place|Square|Terrace|Walk|Crescent|Row|Hill)\b"
)


MINUTE = re.compile(r"\b(?:Minute|Min\.)\s+(?:No\.?\s*)?(\d{1,4}(?:[./]\d{1,4})?)\b")


_FULL_DATE = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTH_NAMES})\s*,?\s+(\d{{4}})\b")


_MONTH_YEAR = re.compile(rf"\bin\s+({MONTH_NAMES})\s+(\d{{4}})\b")


_AGAINST_ADVICE = re.compile(
    r"\b(?:contrary\s+to|against|contrary\s+to\s+the\s+advice\s+of)\s+(?:the\s+)?(?:planning\s+)?"
    r"officers?['’]?s?\s+(?:recommendation|advice)|\bcontrary\s+to\s+(?:the\s+)?recommendation\b",
    re.I,
)


_WITH_ADVICE = re.compile(
    r"\bin\s+(?:accordance|line)\s+with\s+(?:the\s+)?(?:planning\s+)?officers?['’]?s?\s+recommendation"
    r"|\bas\s+recommended\s+(?:by|in)\s+(?:the\s+)?(?:planning\s+)?officers?",
    re.I,
)


_TO_BODY = re.compile(
    r"\b(?:That\s+)?(?:the\s+)?(?P<a>Full\s+Council|Council|Cabinet|Executive|[A-Z][\w&]*(?:\s+[A-Z&][\w&]*){0,5}"
    r"\s+(?:Committee|Panel|Board))\s+be\s+recommended\b"
    r"|\brecommend(?:ed|s)?\s+to\s+(?:the\s+)?(?P<b>Full\s+Council|Council|Cabinet|Executive|"
    r"[A-Z][\w&]*(?:\s+[A-Z&][\w&]*){0,5}\s+(?:Committee|Panel|Board))\b"
)


_TYPE_RULES: list[tuple[DecisionType, re.Pattern[str]]] = [
    ("rescinded", re.compile(r"\b(?:be|is|was|were|hereby)\s+(?:rescinded|revoked)\b|\brescind\b", re.I)),
    ("called in", re.compile(r"\bcall(?:ed)?[- ]in\b|\breferred\s+back\b|\bbe\s+referred\s+back\b", re.I)),
    ("deferred", re.compile(r"\b(?:be|was|were|is|been)\s+(?:deferred|postponed)\b|\bDEFERRED\b")),
    ("amended", re.compile(r"\b(?:be|is|was)\s+(?:amended|varied)\b|\bvariation\b", re.I)),
    ("withdrawn", re.compile(r"\b(?:be|was|were|been)\s+withdrawn\b", re.I)),
]


_RECOMMENDED = re.compile(
    r"\bbe\s+recommended\b|^\W*RECOMMENDED\b|\brecommend(?:s|ed)?\s+to\s+(?:the\s+)?[A-Z]"
)


_PARTICIPLE = re.compile(r"\bbe\s+(\w+)")


def resolution_type(text: str) -> DecisionType:
    """A resolution's type from its own words."""
    for kind, pattern in _TYPE_RULES:
        if pattern.search(text):
            return kind
    if _RECOMMENDED.search(text):
        return "recommended"
    clauses = [
        c for c in re.split(r"\bthat\b|\(\w{1,3}\)|\b\d{1,2}\.\s", text, flags=re.I)[1:] if c.strip(" :-–")
    ]
    if clauses and all(
        re.search(r"\bnoted\b", c, re.I)
        and {v.lower() for v in _PARTICIPLE.findall(c)} <= {"noted", "received"}
        for c in clauses
    ):
        return "noted"
    return "resolved"


def to_body(text: str) -> str | None:
    match = _TO_BODY.search(text)
    if not match:
        return None
    name = " ".join((match.group("a") or match.group("b")).split())
    return "Full Council" if name == "Council" else name


def officer_advice(text: str) -> str | None:
    if _AGAINST_ADVICE.search(text):
        return "against"
    if _WITH_ADVICE.search(text):
        return "followed"
    return None


def identifiers_in(text: str) -> list[str]:
    found: list[str] = []
    for match in APPLICATION_NUMBER.finditer(text):
        found.append(match.group())
    for match in _ORDER.finditer(text):
        found.append(f"TPO {match.group(1)}/{match.group(2)}")
    for match in _ADDRESS.finditer(text):
        found.append(" ".join(match.group().replace(",", "").split()))
    return list(dict.fromkeys(found))


def earlier_dates(text: str, meeting_date: date | None) -> list[str]:
    """Meetings before this one that the text names: full dates, and "in June 2023"."""
    out: list[str] = []
    for day, month, year in _FULL_DATE.findall(text):
        try:
            d = date(int(year), MONTHS[month.lower()], int(day))
        except ValueError:
            continue
        if meeting_date is None or d < meeting_date:
            out.append(d.isoformat())
    for month, year in _MONTH_YEAR.findall(text):
        m = MONTHS[month.lower()]
        if meeting_date is None or (int(year), m) < (meeting_date.year, meeting_date.month):
            out.append(f"{int(year):04d}-{m:02d}")
    return list(dict.fromkeys(out))


def matter_title(title: str | None, identifiers: list[str]) -> str | None:
    """The item's subject: its title without application numbers or a part saying what stage it is."""
    if not title:
        return None
    parts = [p.strip() for p in re.split(r"\s+[–—-]\s+", title) if p.strip()]
    kept = [p for p in parts if not any(p == i for i in identifiers) and not APPLICATION_NUMBER.fullmatch(p)]
    return kept[0] if kept else title


DEFERRED = _TYPE_RULES[2][1]  # "be deferred", "DEFERRED"
