"""The kinds of answer a question asks for: a person, a firm, a sum, a date, a count, a vote, a
reason, a decision. `_WANTS` are cues of the topic too ("rents" hints at a sum); `_ASKS` are the
kinds asked outright, which an answer must hold ("how much", "who", "how many")."""

from __future__ import annotations

import re

_WANTS = {
    "person": re.compile(
        r"^\s*(?:\w+\s+)?(?:who|whom|whose)\b"
        r"|\bwhich (?-i:[A-Z][\w'’-]* ){0,3}(?:councillor|member|officer)s?\b"
        r"|\bname of\b|\bcontact officer\b|\b(?:moved|proposed|seconded)\s+(?:it|the|this|that)\b",
        re.I,
    ),
    "money": re.compile(
        r"\bhow much\b|\bcost|\bbudget|\bfee\b|\bfees\b|\bprice|\bspend|\bfund(?:ed|ing)?\b|£|\bamount"
        r"|\bcharge\b|\bsaving|\bgrant\b|\brent\b|\brents\b|\btax\b|\bprecept\b|\breserves?\b",
        re.I,
    ),
    "date": re.compile(
        r"^\s*(?:\w+\s+)?when\b|\bwhat (?:date|day|month|year)\b|\bwhich (?:date|day|month|year)\b"
        r"|\bby when\b|\bwhat time\b",
        re.I,
    ),
    "count": re.compile(
        r"\bhow many\b|\bnumber of\b|\bvotes?\b|\bpercent|%|\bshare\b|\bproportion\b|\bwhat majority\b",
        re.I,
    ),
    "vote": re.compile(r"\bvot(?:e|es|ed|ing)\b|\bunanimous|\bmajority\b|\babstain", re.I),
    "reason": re.compile(
        r"^\s*(?:and\s+)?why\b|\bon what grounds\b|\bfor what reasons?\b"
        r"|\bwhat (?:were|was) the (?:[\w'’-]+ )?(?:reasons?|grounds)\b"
        r"|^\s*what (?:prompted|caused|led to|brought|drove|explains?|explained|lay behind)\b",
        re.I,
    ),
    "decision": re.compile(
        r"\bdecid|\bdecision|\bresolv|\bagree|\bapprov|\brefus|\bdefer|\boutcome\b|\bcarried\b|\bvote"
        r"|\bconfirm|\bturned down\b|\bgo-ahead\b|\bpermission\b|\bgranted\b"
        r"|\bwhat (?:happened|became) (?:to|of|with)\b|\bhow did (?:\w+ ){1,6}(?:end|fare)\b|\bsucceed",
        re.I,
    ),
}
# The kinds a question asks for outright (its answer must hold one), not just cues of its topic:
# "how much", "who", "when", "how many"; a topic word such as "rents" or "budget" is only a cue.
_ASKS = {
    "person": re.compile(
        r"^\s*(?:\w+\s+)?(?:who|whom|whose)\b"
        r"|\bwhich (?-i:[A-Z][\w'’-]* ){0,3}(?:councillor|member|officer)s?\b|\bname of\b",
        re.I,
    ),
    # "which company will run the gym?": a firm's name, not a person's
    "firm": re.compile(
        r"\b(?:which|what) (?:(?!(?:did|does|do|was|is|were|are|will|would|has|had|have|the|a|an|on|for|of|to"
        r"|in|with|from|by)\b)"
        r"[\w-]+ ){0,3}?(?:company|companies|firm|firms|contractor|contractors|operator)\b",
        re.I,
    ),
    "money": re.compile(
        r"\bhow much\b|\bwhat (?:was|is|were|are|will be)? ?(?:the )?(?:\w+ )?"
        r"(?:cost|price|fee|charge|sum|value|balance|budget|saving|grant|salary|rent|shortfall|overspend)s?\b"
        r"(?!\s+(?:consultation|process|report|meeting|debate|strategy|scheme|application|conditions?)\b)"
        r"|\bwhat (?:\w+ ){1,4}to cost\b|\bwhat (?:did|does|do|will|would) (?:[\w'’-]+ ){1,5}cost\b",
        re.I,
    ),
    "date": re.compile(
        r"^\s*(?:\w+\s+)?when\b|\bwhat (?:(?:was|is|were|are) the )?(?:date|day|month|year|time|deadline)\b"
        r"|\bwhich (?:date|day|month|year)\b|\bby when\b",
        re.I,
    ),
    "count": re.compile(
        r"\bhow many\b|\bwhat (?:number|proportion|percentage|share)\b|\bby how much\b"
        r"|\bwhat (?:figures?|numbers|statistics)\b",
        re.I,
    ),
    # "what was the vote?", "how was the vote split?", "was it unanimous?": the numbers or the word
    "vote": re.compile(
        r"\bwhat was the (?:\w+ )?vot(?:e|ing)\b|\bhow (?:was|did) (?:the )?(?:\w+ )?vot(?:e|ing)\b"
        r"|\bvote split\b"
        r"|\bhow many (?:\w+ )?(?:voted|votes)\b|\bby how many votes\b|\bwhat majority\b|\bunanimous(?:ly)?\b"
        r"|\bvoting figures\b|\b(?:recorded|named) vote\b|\bhow did (?:\w+ ){1,3}vote\b",
        re.I,
    ),
    "colour": re.compile(r"\bwhat colou?rs?\b", re.I),
}
# "how much land", "how much on-street parking": a quantity; "how much GMA funding", "how much was
# it": a sum. The words between "how much" and the verb or preposition name the thing measured.
_HOW_MUCH_THING = re.compile(
    r"\bhow much ((?:(?!(?:at|on|in|of|for|to|from|was|is|were|are|did|does|do|will|would|could|should|"
    r"has|had|have|can|it|they|this|that|the)(?![\w'’-]))[\w'’-]+(?:\s+|(?=[?,.;:]|$))){1,4})",
    re.I,
)
_MONEY_THING = re.compile(
    r"\b(?:money|funding|funds?|cash|income|revenue|grants?|capital|debt|rents?|tax|budget|spending|"
    r"investment|savings?|allocation|expenditure|costs?|costing|spen[dt]|spending|pa(?:y|id)|prices?|"
    r"charges?|worth|fees?|VAT|levy|loans?|borrow\w*|contributions?|subsid\w*|deficit|surplus|"
    r"each|per)\b|[£€$]",
    re.I,
)
# "how big is a plot?", "what area ...?": a measure, stated as a figure ("how big was the gap?": a sum)
_HOW_BIG = re.compile(
    r"\bhow (?:big|large|small|wide|far|tall|high|deep|heavy)\b|\bwhat (?:size|length|width|height)\b",
    re.I,
)
# "by what percentage ...?", "what proportion ...?": a share, not the figures it was worked from
ASKS_SHARE = re.compile(
    r"\b(?:what|which) (?:percentage|proportion|share)\b|\bwhat %|\bhow many per ?cent\b", re.I
)
# "how long would the works take?", "how long may each speaker talk?": a length of time
HOW_LONG = re.compile(r"\bhow long\b(?! ago)", re.I)
# "What minimum balance did the report recommend?" asks one of its recommendations; "what did it
# recommend?" and "what changes did it recommend?" ask the list
ONE_THING = re.compile(
    r"^\s*(?:and\s+)?(?:what|which)\s+(?!else\b)(?:[\w'’-]+\s+){0,5}?[\w'’-]*[^\Ws]"
    r"\s+(?:did|does|do|was|were|would|will|had|has|have)\b",
    re.I,
)
_FIGURE = re.compile(r"\bwhat (?:figures?|numbers|statistics)\b", re.I)
# "When the scheme was put to Cabinet, what ...": a scene of two words or more ("When, exactly, was ...?"
# asks when)
SUBORDINATE_WHEN = re.compile(
    r"^\s*when\s+\w[\w'’-]*\s+\w[^?,]*?,\s*(?:what|who|how|which|why|did|was|were)\b", re.I
)


def asked_kinds(text: str) -> tuple[str, ...]:
    """The kinds of answer a question asks for outright ("how much", "who"), which an answer must hold."""
    kinds = [kind for kind, pattern in _ASKS.items() if pattern.search(text)]
    if "money" in kinds and _HOW_MUCH_THING.search(text) and not _MONEY_THING.search(text):
        # "how much land ...?", "how much parking ...?": a quantity, not a sum
        kinds = [k for k in kinds if k != "money"] + (["count"] if "count" not in kinds else [])
    if _HOW_BIG.search(text) and not {"money", "count"} & set(kinds):
        # "how big was the gap?" asks a sum; "how far had income recovered?" a share
        sized = _MONEY_THING.search(re.sub(r"\b(?:each|per)\b", " ", text)) and not re.search(
            r"\bhow far\b", text, re.I
        )
        kinds.append("money" if sized else "count")
    if HOW_LONG.search(text) and "count" not in kinds:
        kinds.append("count")
    if "count" in kinds and _FIGURE.search(text) and "money" not in kinds:
        kinds.append("money")  # "what figure did she give for the fund?": a sum is a figure too
    if "date" in kinds and SUBORDINATE_WHEN.search(text):
        kinds.remove("date")  # "When Cabinet approved it, what did it cost?": the when sets the scene
    return tuple(kinds)


def wanted(text: str) -> tuple[str, ...]:
    """The kinds of answer a question (or one part of it) asks for."""
    kinds = [kind for kind, pattern in _WANTS.items() if pattern.search(text)]
    if "date" in kinds and (scene := SUBORDINATE_WHEN.match(text)):
        if not _WANTS["date"].search(text[scene.group(0).rfind(",") + 1 :]):
            kinds.remove("date")  # "When it was first put to Cabinet, what was it expected to cost?"
    return tuple(kinds)


_COUNTS_TIME = re.compile(
    r"\bhow many (?:\w+ )?(?:minutes|hours|days|weeks|months|years)\b|" + HOW_LONG.pattern, re.I
)


def counts_time(question: str) -> bool:
    """Does the question count a length of time ("how many hours a week ...")?"""
    return bool(_COUNTS_TIME.search(question))
