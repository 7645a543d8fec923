"""The periods a question or a sentence speaks of: years, financial years in every common
spelling, spans of years, and days named in full."""

from __future__ import annotations

import re
from datetime import date

from .text import MONTH_NAMES, MONTHS

# "2019", and financial years in every common spelling: "2019/20", "2019-20", "2019 – 20",
# "2019/2020", "FY 2019-20". A year after "before", "since"... bounds a range instead.
_YEAR = re.compile(r"\b((?:19|20)\d{2})(?:\s*[/–—-]\s*((?:19|20)?\d{2}))?\b")
_YEAR_SPAN = re.compile(
    r"\b(?:from|between)\s+(?P<first>(?:19|20)\d{2}(?:\s*[/–—-]\s*(?:19|20)?\d{2})?)\s+(?:to|and|until)\s+"
    r"(?P<last>(?:19|20)\d{2}(?:\s*[/–—-]\s*(?:19|20)?\d{2})?)\b",
    re.I,
)
_RANGE_WORD = re.compile(
    r"\b(?:before|since|after|until|till|from|prior to|between)\s*$|\bbetween\s+\S+\s+and\s*$", re.I
)


_DAY = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTH_NAMES}),?\s+((?:19|20)\d\d)\b", re.I)


def named_days(text: str) -> tuple[date, ...]:
    """The days a text names in full ("23 February 2023")."""
    days: list[date] = []
    for m in _DAY.finditer(text):
        month = MONTHS[m.group(2).lower()]
        try:
            days.append(date(int(m.group(3)), month, int(m.group(1))))
        except ValueError:
            continue
    return tuple(dict.fromkeys(days))


_MONTH = re.compile(rf"\b(?<!\d )({MONTH_NAMES}),?\s+((?:19|20)\d\d)\b", re.I)


def named_months(text: str) -> tuple[tuple[int, int], ...]:
    """The months a text names with their year ("the February 2024 meeting"), as (year, month); a
    day named in full ("23 February 2024") is weighed as a day instead."""
    # a range's ends ("between April 2023 and March 2024") bound a period, they name no meeting
    found = [
        (int(m.group(2)), MONTHS[m.group(1).lower()])
        for m in _MONTH.finditer(text)
        if not _RANGE_WORD.search(text[: m.start()])
    ]
    return tuple(dict.fromkeys(found))


def financial_year(first: str, second: str | None) -> str:
    """A year or financial year in one spelling: "2019", "2019/20"."""
    return f"{first}/{second[-2:]}" if second else first


def question_years(question: str) -> tuple[str, ...]:
    """The years and financial years a question is about ("2019", "2023/24"), not open range
    bounds ("since 2022"); "from 2022/23 to 2024/25" is about each year from the first to the last."""
    if (span := _YEAR_SPAN.search(question)) is not None:
        start, end = (_YEAR.match(span.group(g)) for g in ("first", "last"))
        if start is not None and end is not None and int(start.group(1)) <= int(end.group(1)):
            fiscal = bool(start.group(2) or end.group(2))
            return tuple(
                financial_year(str(y), str(y + 1) if fiscal else None)
                for y in range(int(start.group(1)), int(end.group(1)) + 1)
            )
    years: list[str] = []
    for match in _YEAR.finditer(question):
        if _RANGE_WORD.search(question[: match.start()]):
            continue  # "since 2022", "before 2023": a range, which filters handle
        first, second = match.group(1), match.group(2)
        if second and (int(first) + 1) % 100 != int(second[-2:]):
            second = None  # "2019-2024" is a range, not a financial year
        years.append(financial_year(first, second))
    return tuple(dict.fromkeys(years))


def text_years(text: str) -> set[str]:
    """Every year and financial year a text names, in the spelling `question_years` gives."""
    found: set[str] = set()
    for m in _YEAR.finditer(text):
        second = m.group(2)
        if second and (int(m.group(1)) + 1) % 100 == int(second[-2:]):
            found.add(financial_year(m.group(1), second))
        found.add(m.group(1))
        if second and len(second) == 4:
            found.add(second)
    return found


def mentions_period(text: str, meeting_date: date | None, years: tuple[str, ...]) -> bool:
    """Does a sentence speak of one of `years`, in its words or by its meeting's date?"""
    found = text_years(text)
    for year in years:
        if year in found:
            return True
        if "/" in year:
            continue
        if (meeting_date is not None and str(meeting_date.year) == year) or any(
            f.startswith(year) for f in found
        ):
            return True
    return False


def names_other_year(text: str, years: tuple[str, ...]) -> bool:
    """Does a sentence state a financial year of its own, and none of the ones asked about?

    "... for 2026/27" is not answered by "£9.6 million in 2024/25", even inside an item that covers
    2024/25 to 2026/27."""
    asked = {y for y in years if "/" in y}
    own = {y for y in text_years(text) if "/" in y}
    return bool(asked and own) and not asked & own
