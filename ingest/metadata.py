"""Meeting metadata read from a document's opening lines and its file name.

Each finder returns None when the document does not say: never a guess.
"""

from __future__ import annotations

import re
from datetime import date

from assistant.types import DocType

_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for m in names
}  # fmt: skip
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_DATE_PATTERNS = [
    re.compile(rf"\b{_DAY}(?:\s+of)?[\s-]+{_MONTH},?[\s-]+{_YEAR}\b", re.I),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.I),
    re.compile(r"\b(?P<year>(?:19|20)\d{2})[-_.](?P<month>\d{1,2})[-_.](?P<day>\d{1,2})\b"),
    re.compile(r"\b(?P<day>\d{1,2})[/.](?P<month>\d{1,2})[/.](?P<year>(?:19|20)\d{2})\b"),
]

_COUNCIL = re.compile(
    r"\b((?:[A-Z][\w'’&-]*\s+){1,4}?(?:Metropolitan\s+Borough|County\s+Borough|City\s+and\s+County|"
    r"Borough|District|County|City|Town|Parish|Unitary)\s+Council)\b"
)
_BODY_WORDS = (
    r"(?:Committee|Sub-Committee|Panel|Cabinet|Council|Commission|Board|Forum|Executive|"
    r"Municipal District(?: of [\w' -]+)?|Assembly|Working Group)"
)
_BODY_PATTERNS = [
    re.compile(r"^\s*report\s+to\s*:?\s*(?P<body>.+)$", re.I | re.M),
    re.compile(
        r"\bmeeting\s+of\s+(?:the\s+)?(?P<body>[^\n]+?)(?:\s+held\b|\s+on\s|,|\s+[–—-]\s|\s*$)",
        re.I | re.M,
    ),
    re.compile(r"^\s*minutes\s+of\s+(?:the\s+)?(?P<body>[^\n]+?)(?:\s+held\b|\s+on\s|,|\s*$)", re.I | re.M),
    re.compile(rf"^\s*(?:the\s+)?(?P<body>(?:[A-Z][\w&'’ ,-]{{0,50}}?\s+)?{_BODY_WORDS})\s*$", re.M | re.I),
]
_FULL_COUNCIL = re.compile(
    r"^(?:the\s+)?(?:full\s+|ordinary\s+|annual\s+|special\s+)?(?:meeting\s+of\s+)?(?:the\s+)?council$", re.I
)


def _to_date(year: str, month: str, day: str) -> date | None:
    m = int(month) if month.isdigit() else _MONTHS.get(month.lower().rstrip("."))
    if m is None:
        return None
    try:
        return date(int(year), m, int(day))
    except ValueError:
        return None


def find_dates(text: str) -> list[tuple[int, date]]:
    """Every date written in `text`, with its offset, in order."""
    found: list[tuple[int, date]] = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            d = _to_date(m.group("year"), m.group("month"), m.group("day"))
            if d is not None:
                found.append((m.start(), d))
    return sorted(found)


def find_date(header: str, file_name: str) -> date | None:
    """The meeting's date: the first date in the document's opening, else one in its file name."""
    dates = find_dates(header)
    if dates:
        return dates[0][1]
    dates = find_dates(file_name.replace("_", " "))
    return dates[0][1] if dates else None


def _tidy(line: str) -> str:
    line = " ".join(line.split()).strip(" .:-–—")
    return line.title() if line.isupper() else line


def find_council(header: str) -> str | None:
    """The council's name, e.g. "Slough Borough Council"."""
    for line in header.split("\n"):
        match = _COUNCIL.search(_tidy(line))
        if match:
            return " ".join(match.group(1).split())
    return None


def find_body(header: str, file_name: str) -> str | None:
    """The committee, panel or council that met, from the opening lines or the file name."""
    council = find_council(header)
    found = sorted(
        (m.start("body"), i, m.group("body"))
        for i, pattern in enumerate(_BODY_PATTERNS)
        for m in pattern.finditer(header)
    )
    for _, kind, raw_body in found:
        body = _tidy(raw_body)
        if kind == len(_BODY_PATTERNS) - 1 and _COUNCIL.fullmatch(body):
            continue  # a line naming the council itself is the letterhead, not the body
        body = re.sub(r"^(?:the|a|an)\s+", "", body, flags=re.I)
        # "Joint Meeting of the X" is a joint meeting of X
        body = re.sub(r"^joint\s+meeting\s+of\s+(?:the\s+)?", "Joint ", body, flags=re.I)
        if re.search(r"\bjoint\s+meeting\s+of\s+(?:the\s+)?" + re.escape(raw_body), header, re.I):
            body = "Joint " + body
        # "Budget Meeting of the Council", "Annual Meeting of Wenbury Borough Council"
        body = re.sub(r"^(?!joint\b)\w+\s+meeting\s+of\s+(?:the\s+)?", "", body, flags=re.I)
        if not body or len(body) > 120:
            continue
        if _FULL_COUNCIL.match(body) or (council and body.lower() == council.lower()):
            return "Full Council"
        if _plausible_body(body) and not _COUNCIL.fullmatch(body):
            return body
    slug = re.sub(r"[_\-.]+", " ", file_name.rsplit(".", 1)[0])
    slug_match = re.search(rf"((?:[a-z&]+\s+){{0,5}}?{_BODY_WORDS})", slug, re.I)
    if slug_match:
        body = re.sub(r"^(?:\d+\s+)*", "", slug_match.group(1)).strip()
        body = re.sub(r"\b(?:minutes|agenda|report)\b", "", body, flags=re.I).strip()
        if body:
            return "Full Council" if _FULL_COUNCIL.match(body) else body.title().replace(" And ", " and ")
    return None


_CONNECTORS = frozenset({"and", "of", "the", "for", "&", "on", "in", "with"})


def _plausible_body(body: str) -> bool:
    """A body's name is a short title: capitalised words and connectors, ending in a body word."""
    words = body.split()
    if not 1 <= len(words) <= 14 or "." in body:
        return False
    if not all(w[0].isupper() or w.lower() in _CONNECTORS or w[0] in "(&" for w in words):
        return False
    return bool(re.search(_BODY_WORDS, body, re.I))


def find_doc_type(header: str, file_name: str) -> DocType | None:
    """minutes, report or agenda, from the file name or the document's opening."""
    name = file_name.lower()
    for key, kind in (("minute", "minutes"), ("agenda", "agenda"), ("report", "report")):
        if re.search(rf"(?:^|[^a-z]){key}", name):
            return kind  # type: ignore[return-value]
    if re.search(r"^\s*minutes\b|\bminutes\s+of\b", header, re.I | re.M):
        return "minutes"
    if re.search(r"^\s*report\s+(?:to|of|by)\b|\bpurpose\s+of\s+(?:the\s+)?report\b", header, re.I | re.M):
        return "report"
    if re.search(r"\bagenda\b(?!\s+item)", header, re.I):
        return "agenda"
    if re.search(r"^\s*(?:present|resolved)\b", header, re.I | re.M):
        return "minutes"
    return None
