"""What a question asks for, and what a sentence offers: the cues the extractive answerer weighs.

All plain patterns, no model: the kind of answer wanted (a person, a sum, a date, a count, a
decision, a vote), the subject it is about (its content words), the periods it names in any common
spelling, its parts when it asks several things, and sentences that are page furniture (headers,
attendance lists, agenda boilerplate) rather than answers unless the question asks for them. What
kind of fact a sentence states is read in `facts`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from .facts import has, heads_vote_side
from .kinds import SUBORDINATE_WHEN, asked_kinds, wanted
from .periods import named_days, named_months, question_years
from .text import tokenize

_HISTORY = re.compile(
    r"\bhistory\b|\bover the years\b|\bso far\b|\btimeline\b|\byear by year\b|\bchanged\b"
    r"|\bwhat has (?:the )?(?:council|cabinet|committee|panel)\b|\ball the decisions\b|\bhow has\b",
    re.I,
)
_EARLIEST = re.compile(r"\b(?:first|originally|initially|original|initial|at the outset)\b", re.I)
_LATEST = re.compile(
    r"\b(?:finally|latest|last|now|current(?:ly)?|eventually|in the end|ultimately|most recent|still)\b",
    re.I,
)
# An ALL-CAPS label ("SUBJECT:", "DATE OF MEETING:") is page furniture unless it introduces a
# decision or the question asks for that header field.
_LABEL = re.compile(r"^\s*([A-Z][A-Z0-9 ,&/()'’-]{1,40}):")
_DECISION_LABELS = {"RESOLVED", "AGREED", "DECISION", "DECIDED", "RECOMMENDATION", "RECOMMENDATIONS"}
_ROLL = re.compile(
    r"^\s*(?:minutes of (?:the |a )?(?:\w+ )?meeting|present|also present|apologies|in attendance|"
    r"(?:panel|committee|cabinet|board) members|members present|officers present)\b",
    re.I,
)
_MOVED_BY = re.compile(r"\b(?:proposed|seconded|moved)\s+by\b", re.I)
_AGENDA_LINE = re.compile(
    r"^\s*(?:\d+(?:\.\d+)*\s+)?to (?:consider|receive|confirm|note|approve|agree)\b", re.I
)
_ASKS_ROLL = re.compile(
    r"\bpresent\b|\battend|\bapolog|\bmembers?\b|\bwho (?:was|were) (?:there|at)\b|\bdeclar|\binterest"
    r"|\bopen(?:ed)?\b|\bclose[ds]?\b|\bstart(?:ed)?\b|\bfinish(?:ed)?\b|\bwhat time\b|\bchair(?:ed)?\b",
    re.I,
)
# The header fields of an officer report that name a person: the field is what is asked for.
_NAMES_SOMEONE = re.compile(
    r"^\s*(?:and\s+)?(?:who|whom|which|what is the name|what was the name|name)\b", re.I
)
_HEADER_FIELD = re.compile(
    r"\bcontact(?: officer)?\b|\breport author\b|\bcabinet member\b|\bportfolio holder\b|\blead member\b",
    re.I,
)
_ASKS_HEADER = re.compile(
    r"\bcontact\b|\bauthor\b|\bwards?\b|\breport (?:to|of|by)\b|\bwritten by\b|\bwhich (?:meeting|body)\b"
    r"|\bdate of\b|\bkey decision\b|\bportfolio\b|\blead member\b|\bclassification\b",
    re.I,
)
_ASKS_AGENDA = re.compile(r"\bagenda\b|\bcoming (?:to|up)\b|\bwill (?:\w+ )?(?:consider|discuss)\b", re.I)
_ASKS_REPORT = re.compile(r"\breport\b|\bofficers?\b|\bofficer's\b|\bdirector\b", re.I)
_ASKS_RECOMMEND = re.compile(r"\brecommend", re.I)
# Where several things are asked: ", and what ...", "? How ...", "and who ..."
_PART_BREAK = re.compile(
    r"(?:[?;]\s+|,?\s+and\s+|,\s+)(?=(?:(?:by|in|for|on|at|to|from|with|of)\s+)?(?:what|who|whom|how|"
    r"when|where|which|why|did|was|were|is|are|has|have|had|does|do)\b)",
    re.I,
)
_SCENE = re.compile(
    r"^\s*(?:at|in|on|during|for|after|before|following|regarding|about|concerning|as for)\b(?![^,]*\?)",
    re.I,
)
_QUESTION_WORDS = frozenset(
    """what whi who whom whose when where whi how did doe do wa were is are ha have had will would
    could can should tell give happen happen decid decis say said get got make made thing mani much
    take took taken sent put actual exact realli kind sort level go went come came find found gave
    given""".split()
)


# The thing a "what X ..." / "how many X ..." question asks for: the words after the question word.
_ASKED_FOR = re.compile(
    r"^\s*(?:what|which|how\s+many|how\s+much)\s+(?:(?:is|was|were|are|has|had)\s+)?(?:the\s+|a\s+|an\s+)?"
    r"(?P<attr>(?:[A-Za-z'’-]+\s+){0,2}?[A-Za-z'’-]+?)"
    r"(?=\s+(?:is|was|were|are|has|have|had|did|does|do|will|would|can|could|of|for|on|in|at|by|to|from|"
    r"when|that|the|did)\b|\s*\?|$)",
    re.I,
)
_POSSESSIVE = re.compile(r"['’]s\s+(?P<attr>[A-Za-z-]+)\s*\??$")
# Words that name a kind of fact rather than the thing asked about: the typed answer covers them.
_GENERIC_ASKED = frozenset(
    tokenize(
        "cost costs amount number date time year day month people much many total figure sum price size "
        "share proportion percentage happened happen decided decision outcome result results reason "
        "reasons grounds council councillor councillors committee cabinet panel meeting report officer "
        "officers recommendation recommendations say said difference change changes level kind type sort "
        "part parts way ways thing things firm firms company companies contractor contractors organisation "
        "organisations group groups name names person persons"
    )
)
_BEFORE = re.compile(r"\b(?:before|prior to)\s+((?:19|20)\d{2})\b", re.I)  # "until 2022" includes 2022
_AFTER = re.compile(r"\b(?:since|after)\s+((?:19|20)\d{2})\b", re.I)


@dataclass(frozen=True)
class QuestionSignals:
    """What a question asks for."""

    text: str
    tokens: frozenset[str]
    wants: tuple[str, ...]
    years: tuple[str, ...]  # "2019" or "2023/24": the periods the question is about
    history: bool  # "what has been decided so far": answer in meeting order
    asks_roll: bool  # about attendance, membership, interests or the meeting's times
    asks_agenda: bool  # about what is coming to a meeting
    asks_header: bool = False  # a report's header field: contact officer, wards, report to
    asks_report: bool = False  # about an officer report
    asks_recommend: bool = False  # "what did X recommend"
    order: str | None = None  # "earliest" ("when was it first...") or "latest" ("what finally...")
    parts: tuple[str, ...] = ()  # the separate things asked, when more than one
    asked_for: frozenset[str] = frozenset()  # "what interest rate ...": the attribute an answer names
    asks: tuple[str, ...] = ()  # the kinds asked for outright: an answer must hold one
    before_year: int | None = None  # "before 2022": meetings of earlier years only
    after_year: int | None = None  # "since 2022": meetings of that year or later
    days: tuple[date, ...] = ()  # "the meeting on 23 February 2023": the days the question names
    months: tuple[tuple[int, int], ...] = ()  # "the February 2024 budget meeting": (2024, 2)


# "Who seconded it?", "who nominated him?", "who called it in?": the role is the thing asked for.
_WHO_DID = re.compile(
    r"^\s*(?:and\s+)?(?:who\s+(?:(?:was|were|had)\s+)?(?P<attr>[a-z]+ed)\b"
    r"|which\s+(?:councillors?|members?)(?:\s+[\w'’-]+){0,5}?\s+"
    r"(?P<act>proposed|moved|seconded|nominated|voted|abstained|objected)\b)",
    re.I,
)


# The roll-call lists a question can ask for, and the words their headings use.
_ROLL_LIST = re.compile(
    r"^\s*(?:and\s+)?(?:who|which(?:\s+[\w'’-]+){1,2}?)\s+(?:[\w'’-]+\s+){0,2}?"
    r"(?P<word>apolog\w*|absent|declar\w*|attended|in attendance)\b",
    re.I,
)
_ROLL_WORDS = {
    "apolo": "apologies",
    "absen": "apologies absent",
    "decla": "declaration declared interest",
    "atten": "present attendance",
    "in at": "present attendance",
}


# "When would it have lapsed?", "when was the work completed?": the event whose date is asked (a
# completion is not a start). Its clause ends at a condition ("... if not confirmed").
_WHEN = re.compile(r"^\s*(?:and\s+)?(?:by\s+)?when\b(?P<clause>.*?)(?:\b(?:if|unless)\b|$)", re.I)
_EVENTS = frozenset(
    tokenize(
        "approve approved agree agreed decide decided adopt adopted open opened close closed start started "
        "begin began begun commence commenced finish finished complete completed end ended lapse lapsed "
        "expire expired sign signed made held launch launched publish published submit submitted refuse "
        "refused grant granted appoint appointed elect elected resign resigned confirm confirmed"
    )
)
_DATE_WORDS = frozenset(tokenize("date day"))
_DECISION_EVENT = frozenset(tokenize("decision"))
# "Did the developer appeal ...?", "has the library reopened?": whether the event happened is asked,
# so an answer must speak of that event (its verb is the first event word of the clause).
_DID = re.compile(r"^\s*(?:and\s+)?(?:did|has|have|had|was|were)\s+(?P<clause>[^,?;]*)", re.I)
_HAPPENINGS = _EVENTS | frozenset(
    tokenize("appeal appealed object objected challenge challenged shut reopen reopened sell sold demolish")
)
# "Was it carried?", "did the motion pass?": the outcome word is the thing asked for.
_WAS_IT = re.compile(
    r"^\s*(?:and\s+)?(?:was|were|did|has|had)\b.*?\b(?P<attr>carried|passed|pass|lost|defeated|adopted|"
    r"rescinded|withdrawn|deferred|unanimous)\b",
    re.I,
)


def asked_for(question: str) -> frozenset[str]:
    """The stemmed words naming what a "what X" question asks for, less words naming a kind of fact."""
    if asks_meeting_end(question):  # "what time did it finish?": the line saying it closed or ended
        return frozenset(tokenize("closed ended finished concluded adjourned"))
    if (when := _WHEN.match(question)) is not None:
        return frozenset(t for t in tokenize(when.group("clause")) if t in _EVENTS)
    if (roll := _ROLL_LIST.match(question)) is not None:  # "who sent apologies?": the APOLOGIES line
        return frozenset(tokenize(_ROLL_WORDS[roll.group("word").lower()[:5]]))
    who = _WHO_DID.match(question) or _WAS_IT.search(question)
    if who is not None and who.groupdict().get("act"):
        return frozenset(tokenize(who.group("act")))
    if who:
        return frozenset(tokenize(who.group("attr"))) - _QUESTION_WORDS
    field = _HEADER_FIELD.search(question)
    if field is not None and _NAMES_SOMEONE.match(question):  # "who was the contact officer?"
        return frozenset(tokenize(field.group(0)))
    if (event := _whether_event(question)) is not None:
        return frozenset({event})
    attr = ""
    m = _POSSESSIVE.search(question) or _ASKED_FOR.match(question)
    if m:
        attr = m.group("attr")
        attr = re.sub(r"^.*['’]s\s+", "", attr)  # "the objector's reasons": the reasons, not the objector
        # "the outcome of the developer's appeal": the appeal
        owner = r"(?:(?:[\w-]+\s+){0,2}?[\w-]+['’]s\s+)?"  # "the Planning Inspector's decision"
        of = re.match(
            rf"\s*{re.escape(attr)}\s+of\s+(?:the\s+|an?\s+)?{owner}((?:[A-Za-z-]+\s+)?[A-Za-z-]+)",
            question[m.start("attr") :],
        )
        if of and frozenset(tokenize(attr)) <= _DATE_WORDS:
            # "what was the date of the Inspector's decision?" asks when, as "when was it decided?"
            events = frozenset(t for t in tokenize(of.group(1)) if t in _EVENTS | _DECISION_EVENT)
            if events:
                return events
        if of and frozenset(tokenize(attr)) <= _GENERIC_ASKED:
            attr = of.group(1)  # "what level of construction inflation": the inflation
    words = [w for w in attr.split() if not w.lower().endswith("ing")][:2]  # "what is coming": no thing
    found = frozenset(t for t in tokenize(" ".join(words)) if len(t) > 1)
    return found - _GENERIC_ASKED - _QUESTION_WORDS - _CAUSING


# "What prompted it?", "what brought it down?": words asking for a reason, not things to name.
_CAUSING = frozenset(tokenize("prompted caused led brought drove explains explained"))


# "Councillor Leddin proposed that ... . Who seconded it?": a statement sets the scene, the last
# sentence asks
_ASKING = re.compile(
    r"[.:;]\s+(?P<ask>(?:(?:And|So|Then|For|At|By|In|On|To)\s+)?(?:Who|Whom|Whose|What|When|Where|Which|Why|How|"
    r"Did|Was|Were|Has|Have|Had|Is|Are|Does|Do)\b[^.]*\?\s*)$"
)


def asking_sentence(question: str) -> str:
    """The sentence of the question that asks: all of it, unless statements set the scene first."""
    m = _ASKING.search(question)
    return m.group("ask") if m else question


def analyse(question: str) -> QuestionSignals:
    """Read the cues in a question (what it asks for from the sentence that asks)."""
    order = "earliest" if _EARLIEST.search(question) else "latest" if _LATEST.search(question) else None
    asking = asking_sentence(question)
    parts = tuple(p.strip(" ,?") for p in _PART_BREAK.split(asking) if len(p.split()) >= 2)
    if len(parts) > 1 and _SCENE.match(parts[0]):
        parts = parts[1:]  # "At the sub-committee in February 2018, how many ...?": the scene is no part
    if SUBORDINATE_WHEN.search(question):
        parts = parts[1:]  # "When it was first put to Cabinet, what did it cost?" asks one thing
    return QuestionSignals(
        text=question,
        tokens=frozenset(t for t in tokenize(question) if t not in _QUESTION_WORDS),
        wants=wanted(asking),
        years=question_years(question),
        history=bool(_HISTORY.search(question)),
        asks_roll=bool(_ASKS_ROLL.search(question)),
        asks_agenda=bool(_ASKS_AGENDA.search(question)),
        asks_header=bool(_ASKS_HEADER.search(question)),
        asks_report=bool(_ASKS_REPORT.search(question)),
        asks_recommend=bool(_ASKS_RECOMMEND.search(question)),
        order=order,
        parts=parts if len(parts) > 1 else (),
        asked_for=asked_for(asking),
        asks=asked_kinds(asking),
        before_year=int(m.group(1)) if (m := _BEFORE.search(question)) else None,
        after_year=int(m.group(1)) if (m := _AFTER.search(question)) else None,
        days=named_days(question),
        months=named_months(question),
    )


def furniture(text: str, q: QuestionSignals) -> float:
    """How much a sentence looks like page furniture rather than an answer: 0 (not) to 1."""
    if heads_vote_side(text):
        return 0.0  # "Abstain:" is short, but it heads the names that voted so
    label = _LABEL.match(text)
    if label and label.group(1).strip() not in _DECISION_LABELS:
        return 0.0 if q.asks_header or q.asks_roll else 1.0
    if _ROLL.match(text) and not q.asks_roll:
        return 1.0
    if _AGENDA_LINE.match(text) and not q.asks_agenda:
        return 0.5
    if has("decision", text) or has("vote", text) or _MOVED_BY.search(text):
        return 0.0  # "The motion was CARRIED.", "Seconded by Councillor Collins;": short, but the answer
    words = re.findall(r"\b[a-z]{3,}\b", text)
    if len(words) < 3 and (q.asks_roll or q.asks_header):
        return 0.0
    return 1.0 if len(words) < 3 else 0.0  # "Thursday 23 May 2024 at 7.00pm"


_MEETING_END = re.compile(
    r"\b(?:what time|when)\b.*\b(?:meeting|session)\b.*"
    r"\b(?:finish(?:ed)?|end(?:ed)?|close[ds]?|conclude[ds]?|adjourn(?:ed)?)\b"
    r"|\b(?:finish(?:ing)?|end(?:ing)?|clos(?:e|ing)) time of the (?:meeting|session)\b",
    re.I,
)


def asks_meeting_end(question: str) -> bool:
    """ "What time did the meeting finish?": the answer is the minutes' last line, which retrieval
    seldom ranks (it says little but the time)."""
    return bool(_MEETING_END.search(question))


def recommendations_heading(heading: str) -> bool:
    """A report section that holds its recommendations ("2. Recommendations")."""
    return bool(_ASKS_RECOMMEND.search(heading))


def asks_whether(question: str) -> bool:
    """ "Did the developer appeal ...?": asks whether an event happened; a question's later parts
    ("and what was the result?") presume it did."""
    return _whether_event(question) is not None


def _whether_event(question: str) -> str | None:
    """The event a "did / has / was ...?" question asks about: the first event word of its clause."""
    match = _DID.match(question)
    return next((t for t in tokenize(match.group("clause")) if t in _HAPPENINGS), None) if match else None


def asks_header(question: str) -> bool:
    """ "Who was the contact officer?", "which wards were affected?": a report header field."""
    return bool(_ASKS_HEADER.search(question))


# "Who was the architect who spoke?", "the name of the agent": the role the person asked for holds.
_WHO_ROLE = re.compile(
    r"^\s*(?:and\s+)?(?:who (?:is|was|were|are) the|what (?:is|was) the name of the|name the)\s+"
    r"(?P<role>[a-z]+)\b",
    re.I,
)
_ROLES = frozenset(
    tokenize(
        "agent architect applicant chair chairman chairwoman clerk inspector "
        "developer consultant solicitor planner engineer surveyor auditor treasurer secretary president "
        "speaker objector petitioner headteacher mayor leader"
    )
)


# words of one act: a proposer "moved" or "proposed"; a vote is "against" or "in favour"
_SAME_ACT = {
    "propos": frozenset(tokenize("proposed moved")),
    "move": frozenset(tokenize("proposed moved")),
    "vote": frozenset(tokenize("voted vote against favour")),
}


_ACTS = frozenset(tokenize("proposed moved seconded nominated voted abstained objected"))
_DONE_BY = frozenset(tokenize("proposed moved seconded nominated"))  # acts someone does to a motion


def names_act(question: str, sentence_tokens: frozenset[str], sentence: str = "") -> bool:
    """ "Who seconded it?", "which members voted against?": does the sentence speak of that act? A
    sentence naming someone who did something else is a near miss. A vote's "Against the
    proposal:" heading speaks of voting ("against", a stopword, is read from the sentence itself)."""
    who = _WHO_DID.match(question)
    if who is None:
        return True
    acts = frozenset(tokenize(who.group("attr") or who.group("act"))) & _ACTS
    if "vote" in acts and heads_vote_side(sentence, question):
        return True
    said = [t for a in acts for t in _SAME_ACT.get(a, frozenset({a})) if t in sentence_tokens]
    if said and sentence and acts <= _DONE_BY:  # "no other nominations" names no one who nominated
        return any(re.search(rf"\b{t}\w*[dr]\b", sentence, re.I) for t in said)
    return not acts or bool(said)


def calls_roll(sentence: str) -> bool:
    """Is the sentence the minutes' roll call ("Present: Councillors ...")?"""
    return bool(_ROLL.match(sentence))


def asks_roll_call(question: str) -> bool:
    """Does the question ask about attendance, membership, interests or the meeting's times?"""
    return bool(_ASKS_ROLL.search(question))


@cache
def asked_role(question: str) -> frozenset[str]:
    """The role of the person a "who was the X?" question asks for, when it names one: an answer
    must speak of that role (the mover of a motion is not the applicant's agent)."""
    match = _WHO_ROLE.match(question)
    role = frozenset(tokenize(match.group("role"))) if match else frozenset()
    return role & _ROLES


def names_role(question: str, sentence: str) -> bool:
    """Does the sentence name the role the question asks for? The word itself, not its stem: "the
    application be approved" names no applicant."""
    match = _WHO_ROLE.match(question)
    if match is None or not asked_role(question):
        return True
    word = re.escape(re.sub(r"(?<=[a-z]{4})s$", "", match.group("role").lower()))  # "objectors"
    return bool(re.search(rf"\b{word}(?:s|es|man|woman|person|'s|’s)?\b", sentence, re.I))
