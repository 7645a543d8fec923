"""Meeting metadata read from a document's opening lines and its file name.

Each finder returns None when the document does not say: never a guess.
"""

from __future__ import annotations

import re
from datetime import date

from assistant.text import MONTHS
from assistant.types import DocType

from .bodies import find_body, find_council

__all__ = ["find_body", "find_council", "find_date", "find_dates", "find_doc_type"]

_MONTHS = MONTHS
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
# OCR reads the superscript "th" as ™ or ”: "11™ JUNE", "2” July"; PDFs lose the space: "5thOctober"
_DAY = r"(?P<day>\d{1,2})(?:\s?(?:st|nd|rd|th)|[™”“\"’'*°º%]{1,2})?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_DATE_PATTERNS = [
    re.compile(rf"\b{_DAY}(?:\s+of)?[\s-]*{_MONTH},?[\s-]+{_YEAR}\b", re.I),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.I),
    re.compile(r"\b(?P<year>(?:19|20)\d{2})[-_.](?P<month>\d{1,2})[-_.](?P<day>\d{1,2})\b"),
    re.compile(r"\b(?P<day>\d{1,2})[/.](?P<month>\d{1,2})[/.](?P<year>(?:19|20)\d{2})\b"),
]


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


_WEEKDAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?"
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# where a meeting's date is written: "held on Monday, 19th September, 2016", "ON WEDNESDAY 11™ JUNE"
_HELD_ON = re.compile(
    rf"\bheld\b(?:[\s\S]{{0,160}}?\bon\b)?[\s:,]*(?:(?P<weekday>{_WEEKDAY})[\s,]*)?(?:the\s+)?(?=\d)", re.I
)
_DAY_MONTH_AT = re.compile(rf"{_DAY}(?:\s+of)?[\s-]*{_MONTH}\b", re.I)


def find_date(header: str, file_name: str) -> date | None:
    """The date of the meeting recorded: a "held on" date in the opening, else its first date,
    else the file name's date.

    A "held on" date written without its year ("on Thursday 20th October") takes the file
    name's year when day and month agree, else the year of the opening's first date. When
    the weekday written beside it contradicts the date, a year typo is assumed ("Tuesday,
    26th June, 2017" for a meeting on Tuesday 26 June 2018): the nearest year that fits wins.
    """
    dates = find_dates(header)
    named = find_dates(file_name.replace("_", " "))
    name_date = named[0][1] if named else None
    starts = dict(dates)
    for match in _HELD_ON.finditer(header):
        weekday = match.group("weekday")
        if match.end() in starts:
            return _fit_weekday(starts[match.end()], weekday)
        m = _DAY_MONTH_AT.match(header, match.end())
        month = _MONTHS.get(m.group("month").lower().rstrip(".")) if m else None
        if m is None or month is None:
            continue
        if name_date is not None and (month, int(m.group("day"))) == (name_date.month, name_date.day):
            return name_date
        year = dates[0][1].year if dates else name_date.year if name_date else None
        found = _to_date(str(year), str(month), m.group("day")) if year else None
        if found is not None:
            return _fit_weekday(found, weekday)
    if dates:
        return dates[0][1]
    return name_date


def _fit_weekday(found: date, weekday: str | None) -> date:
    """`found`, or the same day a year either side when only that matches the weekday written."""
    if not weekday:
        return found
    want = _WEEKDAYS.index(weekday[:3].lower())
    if found.weekday() == want:
        return found
    for delta in (1, -1):
        other = _to_date(str(found.year + delta), str(found.month), str(found.day))
        if other is not None and other.weekday() == want:
            return other
    return found


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
