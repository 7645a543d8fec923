"""The kinds of fact a sentence states: a person, a sum, a date, a count, a vote, a reason, a decision.

`has(kind, sentence)` says whether a sentence states one; `answer_spans(kind, sentence)` where, so
that a short answer is a verbatim span with its own offsets. Plain patterns, no model. What a
question asks for is read in `signals`.
"""

from __future__ import annotations

import re
from functools import cache

from .kinds import ASKS_SHARE, HOW_LONG
from .text import MONTH_NAMES, NUMBER_WORDS, OUTCOME_WORDS, tokenize

_MONTHS = MONTH_NAMES

_VOTE = (
    r"(?-i:\b(?:For|In favour|Against|Abstentions?|Abstained|Abstaining)):?\s*(?!(?:19|20)\d\d\b)\d+"
    r"|(?<![£$€.,\d])\b\d+\s+votes?(?:\s+to\s+\d+)?\b"
    r"|(?<![£$€.,\d])\b\d+\s+(?:in favour|for|against)\b(?! an?\b)"
    r"|(?<![£$€.,\d])\b\d+\s*(?:to|-|–)\s*\d+(?=[, ]+(?:with|and|the|in)\b)"
    r"|\bunanimous(?:ly)?\b|\bnem\.? con\b|\bwithout (?:a )?(?:vote|dissent)\b|\bby a majority\b"
    r"|\b(?:majority|show) of hands\b"
)
# a firm named as a supplier, contractor or applicant answers "who" / "whose" as a person would
_FIRM = (
    r"\b(?-i:(?:[A-Z][\w&'’-]+ ){1,3}(?:Ltd|Limited|plc|PLC|LLP|Contractors|Builders|Decorators|"
    r"Associates|Consultants|Partnership|Trust|Construction|Homes))\b\.?"
)
# a name given by initials and surname, as minutes list attendance: "F. Dennison", "R. O’Donoghue"
_INITIALLED = (
    r"(?-i:(?<!Option )(?<!Appendix )(?<!Part )(?<!Plan )(?<!Schedule )(?<!Annex )"
    r"\b[A-Z]\.\s?(?:[A-Z]\.\s?)?(?!(?:The|This|That|These|Those|Members|Councillors?|Council)\b)"
    r"(?:O’|O'|Mc|Mac)?[A-Z][a-z][\w'’-]*)"
)
# "He noted that ...", "she confirmed that ...": a speaker's words, not how the meeting decided
# ("He agreed to look again" is an agreement)
_SAID = "".join(rf"(?<!\b{w} )" for w in ("He", "he", "She", "she", "They", "they", "I", "We", "we"))
_SPEECH = ("noted", "confirmed")
_HAS = {
    "person": re.compile(
        r"\b(?:Councillors?|Cllrs?\.?|Mayor|Mr|Mrs|Ms|Miss|Dr|Deputy|Professor|Prof\.?|Sir|Dame|Lord|Lady)\s+[A-Z]"
        rf"|{_INITIALLED}"
        r"|\b[A-Z][a-z]+ [A-Z][a-z'’-]+,? (?:\(|the )?(?:(?:[A-Z][a-z]+|and|of|for) )*"
        r"(?:Officer|Manager|Director|Clerk|Head|Chief|Engineer|Planner|Executive)\b"
        rf"|{_FIRM}"
    ),
    # "£1.2m", "2.5 million", "30p"; a bare "300m" is a length ("300m of new footpath")
    "money": re.compile(r"[£€$]\s?\d|\b\d[\d,.]*\s?(?:million|bn)\b|\b\d+p\b", re.I),
    "date": re.compile(
        rf"\b\d{{1,2}}(?:st|nd|rd|th)? (?:{_MONTHS})\b|\b(?:{_MONTHS})\b|\b(?:19|20)\d{{2}}\b"
        r"|\b\d{1,2}[.:]\d{2}\s?(?:am|pm)\b|\b\d{1,2}\s?(?:am|pm)\b"
        r"|\b(?:spring|summer|autumn|winter|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)s?\b"
    ),
    "count": re.compile(
        r"(?<![/\d.£€$])\b(?!(?:19|20)\d\d\b)\d[\d,.]*(?:m|km|mm|ha|sqm)?\b(?!/\d)|%"
        rf"|\b(?:{NUMBER_WORDS}|dozen|unanimous(?:ly)?|majority)\b",
        re.I,
    ),
    "firm": re.compile(_FIRM),
    "colour": re.compile(
        r"\b(?:red|green|blue|yellow|black|white|grey|gray|brown|orange|purple|pink|cream|gold|silver|"
        r"maroon|navy|beige)\b",
        re.I,
    ),
    "vote": re.compile(_VOTE, re.I),
    # a reason as minutes give one: "because", "would harm", "contrary to Policy TC2", "(1) the ..."
    "reason": re.compile(
        r"\bbecause\b|\bdue to\b|\bowing to\b|\bas a result of\b|\bcontrary to\b"
        r"|\bwould (?:fail|harm|result|cause|lead|not)\b|\bharmful\b|\bunacceptable\b"
        r"|\bin order to\b|\bso that\b|\bgiven that\b|\breasons?\b"
        r"|\bgrounds?\b|^\s*\(\d+\)\s"
        # what prompted it: "in response to", "following a complaint", "after it received an enquiry"
        r"|\bin response to\b|\bprompted by\b|\b(?:following|after) (?:\w+ ){0,4}?"
        r"(?:(?:received|receiving) )?(?:an?|the) (?:\w+ )?"
        r"(?:request|complaint|enquiry|inquiry|petition|concerns?)\b",
        re.I,
    ),
    "decision": re.compile(
        r"\b(?:"
        + "|".join(w for w in OUTCOME_WORDS if w not in _SPEECH)
        + rf"|was lost|{_SAID}(?:noted|confirmed))\b"
    ),
}
_TIME_UNIT = r"(?:minute|hour|day|week|month|year)s?\b"  # what a length of time is counted in
# The verbatim span a short answer leads with, for each kind asked.
_SPAN = {
    "person": re.compile(
        r"\b(?:Councillors?|Cllrs?\.?|Mayor|Mr|Mrs|Ms|Miss|Dr|Professor|Prof\.?|Sir|Dame|Lord|Lady)\s+(?:[A-Z]\.\s?|(?!Cllrs?\b|Councillors?\b)[A-Z][\w'’-]+\s?){1,3}"
        rf"|{_INITIALLED}"
        r"|\b[A-Z][a-z]+ [A-Z][a-z'’-]+(?=,? (?:\(|the )?(?:(?:[A-Z][a-z]+|and|of|for) )*"
        r"(?:Officer|Manager|Director|Clerk|Head|Chief|Engineer|Planner|Executive)\b)"
        rf"|{_FIRM}"
    ),
    "money": re.compile(
        r"[£€$]\s?\d[\d,.]*(?:\s?(?:million|m|bn|k)\b)?|\b\d[\d,.]*\s?(?:million|bn)\b", re.I
    ),
    "date": re.compile(
        rf"\b\d{{1,2}}(?:st|nd|rd|th)? (?:{_MONTHS})(?: \d{{4}})?\b|\b(?:{_MONTHS})(?:\s+\d{{4}})?\b"
        r"|\b\d{1,2}[.:]\d{2}\s?(?:am|pm)\b|\b(?:19|20)\d{2}(?:/\d{2})?\b"
        r"|\b(?:spring|summer|autumn|winter|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)s?\b"
    ),
    "count": re.compile(
        r"\b(?:For|In favour):?\s*\d+[^.;]*?(?:Abstentions?|Abstain(?:ed)?):?\s*\d+"
        r"|\b(?:For|In favour):?\s*\d+[^.;]*?Against:?\s*\d+"
        r"|(?<![/\d.£€$])\b(?!(?:19|20)\d\d\b)\d[\d,.]*(?:(?:m|km|mm|ha|sqm)\b)?%?"
        rf"(?:\s+(?:votes?|to|per cent|{_TIME_UNIT}))?(?:\s+\d+)?"
        r"|\bunanimously\b",
        re.I,
    ),
    "firm": re.compile(_FIRM),
    "colour": re.compile(
        r"\b(?:dark |light |pale |bright )?(?:red|green|blue|yellow|black|white|grey|gray|brown|orange|"
        r"purple|pink|cream|gold|silver|maroon|navy|beige)\b",
        re.I,
    ),
    "vote": re.compile(
        r"\b(?:For|In favour):?\s*\d+[^.;]*?(?:Abstentions?|Abstain(?:ed|ing)?):?\s*\d+"
        r"|\b(?:For|In favour):?\s*\d+[^.;]*?Against:?\s*\d+|" + _VOTE,
        re.I,
    ),
    "decision": re.compile(
        r"\b(?:be |was |were |been )?(?:APPROVED|REFUSED|CARRIED|LOST|DEFERRED|AGREED|approved|refused|"
        rf"carried|lost|deferred|agreed|{_SAID}confirmed|rescinded|withdrawn|granted|{_SAID}noted|dismissed|upheld|"
        r"overturned|quashed|adopted|endorsed|defeated)\b"
        r"(?: (?:without|with|subject to) [\w ]{3,40}?(?=[,;.]|$))?"
    ),
}
# "16.50 acres", "2.5 km", "4.2 FTE": a measure, where a bare "2.2" names a paragraph
_UNIT = (
    r"(?i:%|per ?cent|acres?|hectares?|ha|metres?|meters?|m|km|kilomet(?:re|er)s?|miles?|tonnes?|hours?"
    r"|FTE|full-time|posts?|sq)\b"
)
# "5.1 In total", "8.TO NOTE", "1, The report will include", "2) That": a number that heads, not counts
_SECTION_NUMBER = re.compile(r"^\s*\d+(?:\.\d+)*(?:\s+|\.(?=[A-Z])|[,)]\s*(?=[A-Z]))")
# "46 hours a week", "a 14-week closure", "for three months": a length of time, not a count of things
_DURATION = re.compile(
    rf"\b(?:\d[\d,.]*|{NUMBER_WORDS})[\s-]" + _TIME_UNIT,
    re.I,
)


def counts_only_time(text: str) -> bool:
    """Is every figure in the sentence a length of time ("open 46 hours a week")?"""
    return has("count", text) and not has("count", _DURATION.sub(" ", text))


def has(kind: str, text: str) -> bool:
    """Does the sentence hold the kind of thing the question asks for (a name, a sum, a count...)?"""
    text = _SECTION_NUMBER.sub("", text)  # "5.1 In total..." : 5.1 is no figure
    if kind in ("count", "money"):
        text = _HAS["date"].sub(" ", text)  # "8 December 2022" is no count
    if kind == "count":
        text = _SPAN["money"].sub(" ", text)  # "£186,000" is a sum, not a count
        text = re.sub(
            r"\(\w{1,3}\)|\b\d+\.\d+\b(?!\s*" + _UNIT + r")|\b\d{2}/\d{3,5}/\w+\b", " ", text
        )  # "(b)", "2.2", refs
        text = _REFERENCE.sub(" ", text)  # "section 5", "Policy TC2", "item 7": numbers that name, not count
    return bool(_HAS[kind].search(text))


def answer_spans(kind: str, text: str) -> list[tuple[int, int]]:
    """Where in `text` the kind of thing asked for is stated: offsets of each verbatim span."""
    out: list[tuple[int, int]] = []
    for m in _SPAN[kind].finditer(text):
        start, end = m.start(), m.end()
        while end > start and text[end - 1] in " ,;:":
            end -= 1
        piece = text[start:end]
        if kind == "count" and (_HAS["money"].match(piece) or re.fullmatch(r"\d+\.\d+", piece)):
            continue
        if kind == "count" and (text[max(0, start - 1) : start] in ("(", "£", "$", "€", "/", ",", ".")):
            continue
        if kind == "count" and any(a < end and start < b for a, b in _spans_of(("money", "date"), text)):
            continue
        if kind == "count" and any(m.start() < end and start < m.end() for m in _REFERENCE.finditer(text)):
            continue
        if end > start:
            out.append((start, end))
    return out


_REFERENCE = re.compile(
    r"\b(?:section|sections|paragraph|paragraphs|para|item|items|appendix|page|pages|policy|minute|minutes|"
    r"option|room|ward|tranche|phase|stage|class|schedule|annex|clause|regulation|part|zone|unit|no\.?|number)\s+"
    r"[A-Z]?\d+[A-Za-z]?\b",
    re.I,
)


def _spans_of(kinds: tuple[str, ...], text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for kind in kinds for m in _SPAN[kind].finditer(text)]


# "the Director of Finance's salary", "the council's own carbon emissions": what is asked, and whose
_QUESTION_OWNER = re.compile(r"((?:[\w-]+ ){0,3}[\w-]+)['’]s (?:own )?([\w-]+(?: [\w-]+){0,2})")


_ITS_OWN = re.compile(
    r"\b(?P<body>council|committee|cabinet|authority|panel)\b(?P<rest>.*?)\b(?:its|their) own ", re.I
)


# "the centre's carbon emissions", "the salary of the Chief Executive": a thing and the owner it has
@cache
def _role_modifiers() -> frozenset[str]:
    """Stemmed words that make a role another's: the Deputy Mayor is not the Mayor."""
    return frozenset(tokenize("deputy vice assistant acting interim former"))


_OWNED = re.compile(r"([\w-]+(?: [\w-]+){0,2})['’]s ([\w-]+(?: [\w-]+){0,2})")
_OWNED_OF = re.compile(
    r"\b([\w-]+) of (?:the |its |their )?((?-i:[A-Z][\w-]*)(?: (?:of )?(?-i:[A-Z][\w-]*)){0,3})"
)


# The council and the bodies it acts through, as stems: one owner, whichever of them is named.
_COUNCIL_BODY = frozenset(tokenize("council councils committee cabinet panel authority"))
_THE_COUNCIL = frozenset(tokenize("council authority"))


def speaks_of_another(question: str, sentence: str) -> bool:
    """Does the sentence give the thing the question asks about as another owner's? Asked "What is
    the Director of Finance's salary?", "The salary of the Chief Executive was £128,500" names the
    thing, not the fact: a near miss. The sentence must name the thing with an owner of its own
    that shares no word with the question's, or differs from it by a word such as "Deputy"."""
    # "had the council reduced its own emissions?" asks of the council's own emissions
    question = _ITS_OWN.sub(
        lambda m: f"{m.group('body')}{m.group('rest')}, the {m.group('body')}'s own ", question
    )
    asked = next((m for m in _QUESTION_OWNER.finditer(question) if not m.group(2)[0].isupper()), None)
    if asked is None:  # "Slough Children's Services Trust", "Head of Finance": names, not owners
        return False
    owner, words = frozenset(tokenize(asked.group(1))), tokenize(asked.group(2))
    if not owner or not words or re.match(r"\s*whose\b", question, re.I):
        return False  # "whose work is it based on?" asks for the owner
    thing = frozenset(words[-1:])  # the head: "model" of "social work model"
    pairs = [(m.group(1), m.group(2)) for m in _OWNED.finditer(sentence) if not m.group(2)[0].isupper()]
    pairs += [(m.group(2), m.group(1)) for m in _OWNED_OF.finditer(sentence) if m.group(1)[0].islower()]
    for whose, what in pairs:
        theirs, named = frozenset(tokenize(whose)), frozenset(tokenize(what))
        if not (named & thing and theirs):
            continue
        if (theirs & _COUNCIL_BODY and owner & _THE_COUNCIL) or (
            owner & _COUNCIL_BODY and theirs & _THE_COUNCIL
        ):
            continue  # "the Committee's refusal" is the council's: its bodies speak for it
        if not theirs & owner or (theirs ^ owner) & _role_modifiers():  # the Deputy Mayor is not the Mayor
            return True
    return False


_CLOCK = re.compile(r"\b\d{1,2}[.:]\d{2}\s?(?:am|pm)\b|\b\d{1,2}\s?(?:am|pm)\b|\bnoon\b|\bmidnight\b", re.I)
_ASKS_CLOCK = re.compile(r"\bwhat time\b", re.I)
_ASKS_DAY = re.compile(r"\b(?:what|which) (?:exact )?(?:date|day)\b", re.I)
_DAY = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\W{{0,3}}(?:of )?(?:{_MONTHS})\b"
    rf"|\b(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?\b"
    r"|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b",
    re.I,
)


def tells_the_time(question: str, sentence: str) -> bool:
    """ "What time ...?" is answered by a time of day ("9.18pm"), not by a date alone; "what date
    ...?" by a day ("14 March", "Tuesday 4 June", "14/03/2024"), not by a month or "the spring"."""
    if _ASKS_DAY.search(question) and not _DAY.search(sentence):
        return False
    return not _ASKS_CLOCK.search(question) or bool(_CLOCK.search(sentence))


def states(kind: str, question: str, sentence: str) -> bool:
    """Does the sentence state the kind of fact the question asks ("what time" needs a time of day)?"""
    if kind in ("money", "count"):
        sentence = _without_figures_of(question, sentence)
    if kind == "count" and not _ON_VOTING.search(question):
        sentence = _TALLY.sub(" ", sentence)  # "how many staff?": "carried unanimously" counts no staff
    if kind == "count" and ASKS_SHARE.search(question) and not _SHARE.search(sentence):
        return False  # "by what percentage did issues fall?": "visits fell from 61,500" gives no share
    if kind == "count" and HOW_LONG.search(question):
        # "how long would the works take?": "26 weeks", not "1,200 metres"; "how long had he been in
        # post?": "since June 2015"
        return bool(_LENGTH_OF_TIME.search(sentence) or _SINCE.search(sentence) or _DISTANCE.search(sentence))
    return has(kind, sentence) and (kind != "date" or tells_the_time(question, sentence))


_SINCE = re.compile(
    rf"\b(?i:since|until|till|from) (?:\d{{1,2}}(?:st|nd|rd|th)? )?(?:{_MONTHS}|(?:19|20)\d\d\b)"
)
# a length of time as minutes give one: "14 weeks", "8 working weeks", "a fortnight", "fifteen years"
_LENGTH_OF_TIME = re.compile(
    rf"\b(?:\d[\d,.]*|a|an|{NUMBER_WORDS}|several|few)[\s-](?:[a-z]+[\s-])?"
    + _TIME_UNIT
    + r"|\b(?:fortnight|decade)s?\b",
    re.I,
)
# "how long is the new cycle path?": a length
_DISTANCE = re.compile(r"\b\d[\d,.]*\s?(?:m|km|metres?|meters?|kilometres?|miles?)\b", re.I)
# a sentence that gives a share: "29%", "62 per cent", "half", "two in five" (not "500 in 2018")
_SHARE = re.compile(
    r"\d\s?%|\bper ?cent\b|\bpercent|\bhalf\b|\b(?:majority|minority)\b"
    r"|\b(?:a|one|two|three|four)[\s-](?:thirds?|quarters?|fifths?|tenths?)\b"
    r"|(?<![\d,.])\b(?:one|two|three|four|\d{1,3}) (?:in|out of) (?:every )?"
    r"(?:\d{1,3}|two|three|four|five|six|seven|eight|nine|ten)\b(?![\d,./])",
    re.I,
)


# a question about how members voted, for whom a tally or "unanimously" is the count asked
_ON_VOTING = re.compile(
    r"\bvot|\bfavou?r\b|\bagainst\b|\babstain|\bunanim|\bmajority\b|\bsupport(?:ed|ing)?\b(?! staff)"
    r"|\bhands\b",
    re.I,
)
_TALLY = re.compile(_VOTE + r"|\bmajority\b", re.I)


def _without_figures_of(question: str, sentence: str) -> str:
    """The sentence less the figures the question itself gives: asked "what share of tenants get the
    50% concession?", the "50%" it names is not the answer."""
    for figure in _figures_of(question):
        sentence = figure.sub(" ", sentence)
    return sentence


@cache
def _figures_of(question: str) -> tuple[re.Pattern[str], ...]:
    """Patterns for the sums and counts a question gives, read once per question."""
    pieces = [m.group(0).strip(" ,;:") for kind in ("money", "count") for m in _SPAN[kind].finditer(question)]
    return tuple(
        re.compile(rf"(?<![\d.,]){re.escape(p)}(?![\d]|[.,]\d)")
        for p in pieces
        if any(c.isdigit() for c in p)
    )


# "Contact officer: Ben Foster", "WARDS AFFECTED: Millbrook": a report header's label and value
# Words that open a line "X: ..." that is no header field: a resolution, a note, a list's lead-in.
_NOT_FIELDS = frozenset(
    "resolved agreed decision note notes option options amendment motion recommendation recommendations "
    "reason reasons question answer reply the this these it there".split()
)
_FIELD = re.compile(r"(?:^|(?<=[.;] ))[ \t]*([A-Za-z][A-Za-z]*(?: [A-Za-z]+){0,3}):[ \t]+\S", re.M)


def field_labels(text: str) -> list[str]:
    """The labels of the header fields a passage or sentence states, lower-cased."""
    labels = [m.group(1).lower() for m in _FIELD.finditer(text)]
    return [label for label in labels if label.split()[0] not in _NOT_FIELDS]


def names_field(question: str, label: str) -> bool:
    """Does the question name this header field? Every word of its label is in the question
    ("contact officer" in "who was the contact officer?", "wards affected" in "which wards were
    affected?"), counting "ward" and "wards" as one."""
    asked = {w.rstrip("s") for w in re.findall(r"[a-z]+", question.lower())}
    return all(w.rstrip("s") in asked for w in label.split())


# the heading of one side of a recorded vote: "Against the proposal:", "For:", "In favour of the motion:"
_VOTE_SIDE = re.compile(
    r"^[\s*]*(against|for|in favou?r(?: of)?|abstain(?:ed|ing)?|abstentions?)"
    r"(?: the (?:motion|proposal|amendment|recommendation))?[\s*]*:[\s*]*$",
    re.I | re.M,
)


def heads_vote_side(text: str, question: str = "") -> bool:
    """Is the line the heading of one side of a recorded vote ("Against the proposal:")? Given a
    question that names a side ("who voted against?"), the heading of that side."""
    asked = _ASKED_SIDE.search(question)
    side = _side(asked.group(1) or asked.group(2)) if asked else None
    return any(side is None or _side(m.group(1)) == side for m in _VOTE_SIDE.finditer(text))


_ASKED_SIDE = re.compile(r"\bvot\w*\s+(against|for|in favou?r)\b|\b(abstain)", re.I)


def _side(word: str) -> str:
    """One spelling per side of a vote: "for", "in favour" and "in favor" are one."""
    word = word.lower()
    return "for" if word == "for" or "fav" in word else word[:4]
