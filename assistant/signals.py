"""What a question asks for, and what a sentence offers: the cues the extractive answerer weighs.

All plain patterns, no model: the kind of answer wanted (a person, a sum, a date, a count, a
decision), the years a question is about, and sentences that are page furniture (headers,
attendance lists, agenda boilerplate) rather than answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from index import tokenize

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"

_WANTS = {
    "person": re.compile(r"^\s*(?:who|whom|whose)\b|\bwhich (?:councillor|member|officer)s?\b", re.I),
    "money": re.compile(r"\bhow much\b|\bcost|\bbudget|\bfee|\bprice|\bspend|\bfund|£|\bamount", re.I),
    "date": re.compile(
        r"^\s*when\b|\bwhat (?:date|day|month|year)\b|\bwhich (?:date|day|month|year)\b", re.I
    ),
    "count": re.compile(r"\bhow many\b|\bnumber of\b|\bvotes?\b|\bpercent|%|\bshare\b", re.I),
    "decision": re.compile(
        r"\bdecid|\bdecision|\bresolv|\bagree|\bapprov|\brefus|\bdefer|\boutcome\b|\bcarried\b|\bvote", re.I
    ),
}
_HAS = {
    "person": re.compile(
        r"\b(?:Councillor|Cllr\.?|Mayor|Mr|Mrs|Ms|Dr)\s+[A-Z]|\b[A-Z][a-z]+ [A-Z][a-z]+ \((?:[A-Z][\w ]+)\)"
    ),
    "money": re.compile(r"[£€$]\s?\d|\b\d[\d,.]*\s?(?:million|m|bn|k)\b", re.I),
    "date": re.compile(
        rf"\b\d{{1,2}}(?:st|nd|rd|th)? (?:{_MONTHS})\b|\b(?:{_MONTHS})\s+\d{{4}}\b|\b(?:19|20)\d{{2}}\b"
    ),
    "count": re.compile(
        r"(?<![/\d.])\b(?!(?:19|20)\d\d\b)\d[\d,.]*\b(?!/\d)|%|\b(?:one|two|three|four|five|six|seven|"
        r"eight|nine|ten|eleven|twelve|twenty|dozen|hundred|thousand|unanimous(?:ly)?)\b",
        re.I,
    ),
    "decision": re.compile(
        r"\bRESOLVED\b|\bresolved\b|\bapproved\b|\bagreed\b|\brefused\b|\bdeferred\b|\bCARRIED\b|"
        r"\bcarried\b|\bLOST\b|\brejected\b|\bdecided\b",
    ),
}
_SECTION_NUMBER = re.compile(r"^\s*\d+(?:\.\d+)*\s+")
_HISTORY = re.compile(
    r"\bbefore\b|\bhistory\b|\bprevious(?:ly)?\b|\bover the years\b|\bso far\b|\bever\b"
    r"|\bwhat has\b|\btimeline\b|\byear by year\b|\bchanged\b",
    re.I,
)
# "2019", "2023/24", "2023-24", "2023/2024"; a year after "before", "since"... bounds a range instead
_YEAR = re.compile(r"\b((?:19|20)\d{2})(?:\s*[/-]\s*((?:19|20)?\d{2}))?\b")
_RANGE_WORD = re.compile(r"\b(?:before|since|after|until|till|from|prior to|between)\s*$", re.I)

# An ALL-CAPS label ("SUBJECT:", "DATE OF MEETING:") is page furniture unless it introduces a decision.
_LABEL = re.compile(r"^\s*([A-Z][A-Z0-9 ,&/()'’-]{1,40}):")
_DECISION_LABELS = {"RESOLVED", "AGREED", "DECISION", "DECIDED", "RECOMMENDATION", "RECOMMENDATIONS"}
_ROLL = re.compile(
    r"^\s*(?:minutes of (?:the |a )?(?:\w+ )?meeting|present|also present|apologies|in attendance|"
    r"(?:panel|committee|cabinet|board) members|members present|officers present)\b",
    re.I,
)
_AGENDA_LINE = re.compile(
    r"^\s*(?:\d+(?:\.\d+)*\s+)?to (?:consider|receive|confirm|note|approve|agree)\b", re.I
)
_ASKS_ROLL = re.compile(r"\bpresent\b|\battend|\bapolog|\bmembers?\b|\bwho (?:was|were) (?:there|at)\b", re.I)
_ASKS_AGENDA = re.compile(r"\bagenda\b|\bcoming (?:to|up)\b|\bwill (?:\w+ )?(?:consider|discuss)\b", re.I)


@dataclass(frozen=True)
class QuestionSignals:
    """What a question asks for."""

    text: str
    tokens: frozenset[str]
    wants: tuple[str, ...]
    years: tuple[str, ...]  # "2019" or "2023/24": the periods the question is about
    history: bool  # "what has been decided so far": answer in meeting order
    asks_roll: bool  # about attendance or membership
    asks_agenda: bool  # about what is coming to a meeting


def analyse(question: str) -> QuestionSignals:
    """Read the cues in a question."""
    return QuestionSignals(
        text=question,
        tokens=frozenset(tokenize(question)),
        wants=tuple(kind for kind, pattern in _WANTS.items() if pattern.search(question)),
        years=question_years(question),
        history=bool(_HISTORY.search(question)),
        asks_roll=bool(_ASKS_ROLL.search(question)),
        asks_agenda=bool(_ASKS_AGENDA.search(question)),
    )


def question_years(question: str) -> tuple[str, ...]:
    """The years and financial years a question is about ("2019", "2023/24"), not range bounds."""
    years: list[str] = []
    for match in _YEAR.finditer(question):
        if _RANGE_WORD.search(question[: match.start()]):
            continue  # "since 2022", "before 2023": a range, which filters handle
        first, second = match.group(1), match.group(2)
        years.append(f"{first}/{second[-2:]}" if second else first)
    return tuple(dict.fromkeys(years))


def mentions_period(text: str, meeting_date: date | None, years: tuple[str, ...]) -> bool:
    """Does a sentence speak of one of `years`, in its words or by its meeting's date?"""
    found = {f"{m.group(1)}/{m.group(2)[-2:]}" if m.group(2) else m.group(1) for m in _YEAR.finditer(text)}
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


def has(kind: str, text: str) -> bool:
    """Does the sentence hold the kind of thing the question asks for (a name, a sum, a count...)?"""
    text = _SECTION_NUMBER.sub("", text)  # "5.1 In total..." : 5.1 is no figure
    if kind in ("count", "money"):
        text = _HAS["date"].sub(" ", text)  # "8 December 2022" is no count
    return bool(_HAS[kind].search(text))


def furniture(text: str, q: QuestionSignals) -> float:
    """How much a sentence looks like page furniture rather than an answer: 0 (not) to 1."""
    label = _LABEL.match(text)
    if label and label.group(1).strip() not in _DECISION_LABELS:
        return 1.0
    if _ROLL.match(text) and not q.asks_roll:
        return 1.0
    if _AGENDA_LINE.match(text) and not q.asks_agenda:
        return 0.5
    words = re.findall(r"\b[a-z]{3,}\b", text)
    return 1.0 if len(words) < 3 else 0.0  # "Thursday 23 May 2024 at 7.00pm"
