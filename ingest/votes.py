"""Votes as minutes state them: counts, "unanimously", recorded votes with the names on each side."""

from __future__ import annotations

import re

from assistant.records import Vote

_COUNT = {
    # a count is a vote only beside the other side's ("For: 17, Against: 25"), so "permission for 24
    # flats" is not one
    "in_favour": re.compile(
        r"\b(?:For|FOR|In\s+favour)\s*[:\-–]?\s*(\d{1,3})\b(?=[^.]{0,40}\b(?:Against|AGAINST)\b)"
    ),
    "against": re.compile(r"(?<=\b(?:For|FOR)\b)[^.]{0,40}\b(?:Against|AGAINST)\s*[:\-–]?\s*(\d{1,3})\b"),
    "abstentions": re.compile(
        r"\bAbstentions?\s*[:\-–]?\s*(\d{1,3})\b|\bAbstain(?:ed)?\s*[:\-–]?\s*(\d{1,3})\b", re.I
    ),
}


_NAMED = {
    "names_for": re.compile(
        r"\b(?:FOR|For)\s*(?:\(\d+\))?\s*:\s*((?:Councillors?|Cllrs?\.?)\s+[^:\n]{3,}?)(?=\s*(?:AGAINST|Against|ABSTAIN|Abstain|$))"
    ),
    "names_against": re.compile(
        r"\b(?:AGAINST|Against)\s*(?:\(\d+\))?\s*:\s*((?:Councillors?|Cllrs?\.?)\s+[^:\n]{3,}?)(?=\s*(?:ABSTAIN|Abstain|FOR\b|$))"
    ),
    "names_abstaining": re.compile(
        r"\b(?:ABSTAIN\w*|Abstain\w*)\s*(?:\(\d+\))?\s*:\s*((?:Councillors?|Cllrs?\.?)\s+[^:\n]{3,}?)(?=\s*(?:FOR\b|AGAINST|$))"
    ),
}


# "For Councillors Collins (J), Crowley and Daly. (18)": a named vote with its count
_NAMED_COUNT = re.compile(
    r"\b(?P<side>For|Against|Abstain\w*|Abstention\w*|In\s+favour(?:\s+of\s+[\w ]{1,40}?)?)\s*:?\s+"
    r"(?P<names>(?:Councillors?|Cllrs?\.?|Cmhlr\.?)\s(?:[^()]|\([A-Z]{1,2}\))+?)\s*\((?P<n>\d{1,3})\)"
)


_NO_ABSTENTIONS = re.compile(r"\b(?:There\s+were\s+)?no\s+abstentions\b", re.I)

# counts written as words: "carried by 3 votes to 2", "by four votes to one", "there were 4 votes in
# favour and none against", "with 2 abstentions"
_NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
    " sixteen seventeen eighteen nineteen twenty"
).split()
_N = rf"(\d{{1,3}}|{'|'.join(_NUMBER_WORDS)}|none|nil|no)"
_BY_VOTES = re.compile(rf"\bby\s+{_N}\s+votes?\s+to\s+{_N}\b", re.I)
_IN_FAVOUR_AGAINST = re.compile(
    rf"\b{_N}\s+(?:votes?\s+)?(?:were\s+cast\s+)?in\s+favour\b[^.;]{{0,30}}?\b{_N}\s+(?:votes?\s+)?against\b",
    re.I,
)
_N_ABSTENTIONS = re.compile(rf"\b{_N}\s+abstentions?\b", re.I)


UNANIMOUS = re.compile(r"\bunanimous(?:ly)?\b", re.I)


_RECORDED = re.compile(r"\brecorded\s+vote\b|\broll[- ]call\b|\bvote\s+by\s+roll\b|\bdivision\s+was\b", re.I)


def read_vote(text: str) -> Vote | None:
    """The vote the text states, or None."""
    text = text.replace("**", "")
    counts: dict[str, int] = {}
    for key, pattern in _COUNT.items():
        matches = list(pattern.finditer(text))
        if matches:  # the last vote stated is the one that decided
            counts[key] = int(next(g for g in matches[-1].groups() if g))
    names: dict[str, list[str]] = {}
    for key, pattern in _NAMED.items():
        match = pattern.search(text)
        if match:
            names[key] = _names(match.group(1))
    for match in _NAMED_COUNT.finditer(text):  # "**For** Councillors A, B and C. **(18)**"
        side = match.group("side").lower()
        key, names_key = (
            ("in_favour", "names_for")
            if side.startswith(("for", "in"))
            else ("against", "names_against")
            if side == "against"
            else ("abstentions", "names_abstaining")
        )
        counts.setdefault(key, int(match.group("n")))
        names.setdefault(names_key, _names(match.group("names")))
    if "in_favour" not in counts and "against" not in counts:
        worded = [*_BY_VOTES.finditer(text), *_IN_FAVOUR_AGAINST.finditer(text)]
        if worded:  # the last vote stated is the one that decided
            last = max(worded, key=lambda m: m.start())
            counts["in_favour"], counts["against"] = _number(last.group(1)), _number(last.group(2))
            abstained = list(_N_ABSTENTIONS.finditer(text))
            if abstained and "abstentions" not in counts:
                counts["abstentions"] = _number(abstained[-1].group(1))
    if counts and "abstentions" not in counts and _NO_ABSTENTIONS.search(text):
        counts["abstentions"] = 0
    unanimous = bool(UNANIMOUS.search(text))
    if not (counts or names or unanimous):
        return None
    return Vote(unanimous=unanimous, recorded=bool(_RECORDED.search(text) or names), **counts, **names)


def _number(word: str) -> int:
    word = word.lower()
    if word.isdigit():
        return int(word)
    return 0 if word in ("no", "none", "nil") else _NUMBER_WORDS.index(word)


def _names(text: str) -> list[str]:
    text = re.sub(r"^(?:Councillors?|Cllrs?\.?)\s+", "", text.strip().rstrip(".;"))
    parts = re.split(r",\s*|\s+and\s+|;\s*", text)
    return [" ".join(p.split()) for p in parts if p.strip()]
