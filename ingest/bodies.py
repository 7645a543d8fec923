"""Which council, and which of its bodies, met: read from a document's opening or file name.

Names are tidied into one canonical spelling so a body is filtered by one name whatever the
template wrote: capitals folded ("MUNICIPAL DISTRICT OF NEWCASTLE WEST" -> "Municipal
District of Newcastle West"), "&" written "and", "SPC" spelt out, the meeting's kind dropped
("Monthly", "Special", "Virtual", "Inaugural Annual"), and the council's own name as a
prefix dropped ("Limerick City and County Council's Travel and Transportation Strategic
Policy Committee" -> "Travel and Transportation Strategic Policy Committee"). A meeting of
the council itself is "Full Council". Each finder returns None when nothing says: never a guess.
"""

from __future__ import annotations

import re

_STOP_WORDS = r"(?:Of|At|The|And|Meeting|Minutes|Proceedings|In|On|Held|To|For|A|An)"
_COUNCIL = re.compile(
    rf"\b((?:(?!{_STOP_WORDS}\b)[A-Z][\w'’-]*\s+){{1,4}}?(?:Metropolitan\s+Borough|County\s+Borough|"
    r"City\s+(?:[Aa]nd|&)\s+County|Borough|District|County|City|Town|Parish|Unitary)\s+Council)\b"
)
_BODY_WORDS = (
    r"(?:Committee|Sub-Committee|Panel|Cabinet|Council|Commission|Board|Forum|Executive|SPC|"
    r"(?:Municipal|Metropolitan) District(?: of [\w' -]+)?|Assembly|Working Group)"
)
_MEETING_KIND = (
    r"(?:(?:inaugural|annual|monthly|special|adjourned|virtual|online|remote|ordinary|extraordinary|full|"
    r"statutory|budget|draft|budgetary|plan|general|joint|\d{4})\s+)*"
)
# where a body's name stops: "... held", "... on Monday", "... in the Council Chamber", "... - 6th June"
_BODY_END = (
    r"(?=\s+(?:was\s+|to\s+be\s+|will\s+be\s+)?h[eo]?l?d\b|\s+on\s+(?:the\s+)?(?:\d|mon|tue|wed|thu|fri|sat|sun)"
    r"|\s+in\s+(?:the\s+)?(?:council|chamber|áras|aras|civic|town|city|county)|,\s*(?:held|on|in)\b"
    r"|\s+[–—-]\s+(?:\d|draft|minutes|agenda|meeting|held)|\s+\d{1,2}(?:st|nd|rd|th)?\s+[A-Z]|\s*[.;:(]|\s*$"
    r"|\s+present\b|\s+(?:held\s+)?(?:in|at)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,3}"
    r"(?:hotel|centre|center|chamber|hall|house|offices?|library|room|buildings?)\b)"
)
_BODY_PATTERNS = [
    # "Joint Policing Sub Committee Meeting of the Municipal District of X": X's sub-committee
    re.compile(
        r"\b(?P<pre>(?:(?!(?:at|of|the|proceedings|minutes|meeting)\b)[\w-]+\s+){0,4}"
        rf"(?:sub[\s-]?committee|committee))\s+meeting\s+of\s+(?:the\s+)?(?P<body>[^\n]+?){_BODY_END}",
        re.I | re.M,
    ),
    re.compile(r"^\s*report\s+to\s*:?\s*(?P<body>.+)$", re.I | re.M),
    re.compile(rf"\b{_MEETING_KIND}meeting\s+of\s+(?:the\s+)?(?P<body>[^\n]+?){_BODY_END}", re.I | re.M),
    re.compile(rf"^\s*minutes\s+of\s+(?:the\s+)?(?P<body>[^\n]+?){_BODY_END}", re.I | re.M),
    # a line of its own naming the body; [ \t] so "AGENDA\n\nCabinet" is not one name
    re.compile(
        rf"^[ \t]*(?:the[ \t]+)?(?P<body>(?:[A-Z][\w&'’ ,-]{{0,50}}?[ \t]+)?{_BODY_WORDS})[ \t]*$",
        re.M | re.I,
    ),
]
# the council itself met: "Council", "the Full Council", "Parish Council Meeting", "Town Council"
_FULL_COUNCIL = re.compile(
    r"^(?:the\s+)?(?:full\s+|ordinary\s+|annual\s+|special\s+)?(?:meeting\s+of\s+)?(?:the\s+)?"
    r"(?:(?:parish|town|community|city|borough|district|county)\s+)?council(?:\s+meeting)?$",
    re.I,
)
_SMALL = frozenset("of and the for in on at to with by a an".split())
_CONNECTORS = frozenset({"and", "of", "the", "for", "&", "on", "in", "with"})


def _tidy(line: str) -> str:
    line = " ".join(line.split()).strip(" .:-–—,")
    return _title_case(line) if line.isupper() else line


def _title_case(text: str) -> str:
    words = text.title().split(" ")
    out = [w.lower() if i and w.lower() in _SMALL else w for i, w in enumerate(words)]
    return re.sub(r"’S\b|'S\b", lambda m: m.group().lower(), " ".join(out))


def find_council(header: str) -> str | None:
    """The council's name, e.g. "Slough Borough Council", "Limerick City and County Council"."""
    for line in header.split("\n"):
        match = _COUNCIL.search(_tidy(line))
        if match:
            return re.sub(r"\s+(?:&|And)\s+", " and ", " ".join(match.group(1).split()))
    return None


def canonical_body(body: str, council: str | None = None) -> str | None:
    """One spelling for a body's name; "Full Council" for the council itself; None if empty."""
    body = _tidy(body)
    # an agenda's "To: the Cathaoirleach and each Member of the X"
    body = re.sub(
        r"^(?:to\b\W*)?(?:the\s+)?(?:(?:mayor|cathaoirleach|chair(?:person)?)\s+and\s+)?each\s+member\s+of\s+",
        "",
        body,
        flags=re.I,
    )
    body = re.sub(r"^(?:the|a|an|for the)\s+", "", body, flags=re.I)
    body = re.sub(
        rf"^(?!joint\s+(?:policing|committee))(?:{_MEETING_KIND})meeting\s+of\s+(?:the\s+)?",
        "",
        body,
        flags=re.I,
    )
    body = re.sub(r"\s+&\s+", " and ", body)
    body = re.sub(r"\bSPC\b", "Strategic Policy Committee", body, flags=re.I)
    body = re.sub(r"\bSub[\s-]Committee\b", "Sub-Committee", body, flags=re.I)
    body = re.sub(r"\b([A-Z][a-z]+)\s*-\s*([A-Z][a-z]+)$", r"\1-\2", body)  # "Adare - Rathkeale"
    folded = re.sub(r"\s+&\s+", " and ", body).lower()
    if council:
        prefix = re.compile(rf"^{re.escape(council)}(?:[’']s)?[\s,]+", re.I)
        rest = prefix.sub("", re.sub(r"\s+&\s+", " and ", body))
        if rest != body and rest:
            body = rest[0].upper() + rest[1:]
    body = body.strip(" ,.-–—")
    if not body:
        return None
    if _FULL_COUNCIL.match(body) or (council and folded == council.lower()) or _COUNCIL.fullmatch(body):
        return "Full Council"
    return body


def find_body(header: str, file_name: str) -> str | None:
    """The committee, panel or council that met, from the opening lines or the file name."""
    council = find_council(header)
    found = sorted(
        (m.start(), i, f"{m.group('body')} {m.group('pre')}" if i == 0 else m.group("body"))
        for i, pattern in enumerate(_BODY_PATTERNS)
        for m in pattern.finditer(header)
    )
    for _, kind, raw_body in found:
        tidy = _tidy(raw_body)
        if kind == len(_BODY_PATTERNS) - 1 and (_COUNCIL.fullmatch(tidy) or tidy.endswith("Council")):
            continue  # a line naming the council itself is the letterhead, not the body
        if re.match(r"^proceedings\b", tidy, re.I):
            continue  # "Minutes of Proceedings at Meeting of X": the meeting pattern finds X
        body = canonical_body(raw_body, council)
        if body is None or len(body) > 120:
            continue
        # "Joint Meeting of the X" is a joint meeting of X
        if re.search(r"\bjoint\s+meeting\s+of\s+(?:the\s+)?" + re.escape(raw_body), header, re.I) or re.match(
            r"\s*joint\s+meeting\s+of\b", raw_body, re.I
        ):
            body = "Joint " + body
        if body == "Full Council" or (_plausible_body(body) and not _COUNCIL.fullmatch(body)):
            return body
    return _body_from_file_name(file_name, council)


def _body_from_file_name(file_name: str, council: str | None) -> str | None:
    stem = file_name.rsplit(".", 1)[0]
    match = re.search(rf"meeting\s+of\s+(?:the\s+)?(?P<body>.+?){_BODY_END}", stem, re.I)
    if match:
        body = canonical_body(match.group("body"), council)
        if body and (body == "Full Council" or _plausible_body(body)):
            return body
    # "Minutes of Draft Budgetary Plan Meeting - Metropolitan District of Limerick - 17th October 2016"
    for part in re.split(r"\s+[–—-]\s+", stem):
        body = canonical_body(re.sub(r"\bmeeting$", "", part.strip(), flags=re.I), council)
        if body and re.search(_BODY_WORDS, body, re.I) and (body == "Full Council" or _plausible_body(body)):
            return body
    slug = re.sub(r"[_\-.]+", " ", stem)
    slug_match = re.search(rf"((?:[a-z&]+\s+){{0,5}}?{_BODY_WORDS})", slug, re.I)
    if slug_match:
        body = re.sub(r"^(?:\d+\s+)*", "", slug_match.group(1)).strip()
        body = re.sub(r"\b(?:minutes|agenda|report|draft)\b", "", body, flags=re.I).strip()
        if body:
            return "Full Council" if _FULL_COUNCIL.match(body) else _title_case(body.upper())
    return None


def _plausible_body(body: str) -> bool:
    """A body's name is a short title: capitalised words and connectors, ending in a body word."""
    words = body.split()
    if not 1 <= len(words) <= 14 or "." in body:
        return False
    if not all(w[0].isupper() or w.lower() in _CONNECTORS or w[0] in "(&" for w in words):
        return False
    return bool(re.search(_BODY_WORDS, body, re.I))
