"""Meeting -> list[DecisionRecord]: every decision of the minutes as a typed, cited record.

Within one agenda item the paragraphs are read in order, as a clerk writes them:
- a proposal ("It was proposed by Councillor X and seconded by Councillor Y that ...") opens a
  motion; one that names an amendment opens an amendment;
- a vote or outcome ("For: 17, Against: 25 ... The amendment was LOST") closes the amendment
  when it names one, else belongs to the open motion: so a "LOST" is never given to the
  motion when it followed the amendment;
- a resolution ("RESOLVED: That ...") is a decision of its own, taking the open motion's mover,
  seconder and vote; its type comes from its own words (rescinded, referred back, deferred,
  recommended to another body, noted, ...).
A motion or amendment with an outcome and no resolution after it is a record too. In an officer
report the "Recommendations" section is one record typed "recommended by officers".
Unknown stays empty: a vote is only what the text states.
"""

from __future__ import annotations

import re
from datetime import date

from assistant.records import DecisionRecord, DecisionType, Matter, Vote
from assistant.text import MONTH_NAMES, MONTHS
from assistant.types import AgendaItem, Chunk, Citation, Decision, DecisionKind, Meeting, Paragraph

from .chunk import item_numbering
from .decisions import outcome_of, read_decision, resolved_at

_APPLICATION = re.compile(r"\b\d{2,4}/\d{3,6}/[A-Z]{2,5}\b")
_ORDER = re.compile(r"\bTree\s+Preservation\s+Order\s+No\.?\s*(\d+)\s+of\s+(\d{4})\b", re.I)
_ADDRESS = re.compile(
    r"\b\d{1,4}[A-Za-z]?,?\s+(?:[A-Z][a-z]+\s+){1,3}"
    r"(?:Street|Road|Lane|Avenue|Close|Drive|Way|Place|Square|Terrace|Walk|Crescent|Row|Hill)\b"
)
_MINUTE = re.compile(r"\b(?:Minute|Min\.)\s+(?:No\.?\s*)?(\d{1,4}(?:[./]\d{1,4})?)\b")
_FULL_DATE = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTH_NAMES})\s*,?\s+(\d{{4}})\b")
_MONTH_YEAR = re.compile(rf"\bin\s+({MONTH_NAMES})\s+(\d{{4}})\b")
_COUNT = {
    "in_favour": re.compile(r"\b(?:For|In\s+favour)\s*[:\-–]?\s*(\d{1,3})\b", re.I),
    "against": re.compile(r"\bAgainst\s*[:\-–]?\s*(\d{1,3})\b", re.I),
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
_UNANIMOUS = re.compile(r"\bunanimous(?:ly)?\b", re.I)
_RECORDED = re.compile(r"\brecorded\s+vote\b|\broll[- ]call\b|\bvote\s+by\s+roll\b|\bdivision\s+was\b", re.I)
_OUTCOME_WORDS = re.compile(
    r"\b(?:carried|lost|defeated|not\s+carried|withdrawn|fell)\b|\bFor\s*:?\s*\d", re.I
)
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
    ("deferred", re.compile(r"\b(?:be|was|were|is|been)\s+(?:deferred|adjourned|postponed)\b|\bDEFERRED\b")),
    ("amended", re.compile(r"\b(?:be|is|was)\s+(?:amended|varied)\b|\bvariation\b", re.I)),
    ("withdrawn", re.compile(r"\b(?:be|was|were|been)\s+withdrawn\b", re.I)),
]
_RECOMMENDED = re.compile(
    r"\bbe\s+recommended\b|^\W*RECOMMENDED\b|\brecommend(?:s|ed)?\s+to\s+(?:the\s+)?[A-Z]"
)
_PARTICIPLE = re.compile(r"\bbe\s+(\w+)")
_LIST_START = re.compile(r"^\s*(?:[-•·–]|\(?[a-z]\)|\(?[ivx]{1,5}\)|\(?\d{1,2}\)|\d{1,2}\.)\s")
_RECOMMENDATIONS = re.compile(r"\brecommendations?\b", re.I)


def record_decisions(meeting: Meeting, chunks: list[Chunk]) -> list[DecisionRecord]:
    """Every decision the meeting's minutes record, and an officer report's recommendations."""
    where = _chunk_of_paragraph(chunks)
    if meeting.doc_type == "report":
        return _report_records(meeting, where)
    if meeting.doc_type not in (None, "minutes", "transcript"):
        return []
    out: list[DecisionRecord] = []
    for item in meeting.items:
        out.extend(_ItemReader(meeting, item, where).read())
    return out


class _Open:
    """A motion or amendment being read: its proposal, then its vote and outcome."""

    def __init__(self, para: Paragraph, decision: Decision, amendment: bool) -> None:
        self.paragraphs = [para]
        self.decision = decision
        self.amendment = amendment
        self.outcome: str | None = None
        self.vote_text = ""

    @property
    def text(self) -> str:
        return " ".join(p.text for p in self.paragraphs)


class _ItemReader:
    def __init__(self, meeting: Meeting, item: AgendaItem, where: dict[int, str]) -> None:
        self.meeting, self.item, self.where = meeting, item, where
        self.numbers = item_numbering(item)
        body = [p for p in item.paragraphs if not (item.label and " ".join(p.text.split()) == item.label)]
        self.paragraphs = body
        whole = " ".join(p.text for p in item.paragraphs)
        self.mentions = _identifiers(whole)
        self.refers_to = _earlier_dates(whole, meeting.meeting_date)
        ref = _MINUTE.search(" ".join([item.title or "", *(p.text for p in body[:1])]))
        self.minute_ref = (
            f"Minute {ref.group(1)}" if ref else (f"Item {item.number}" if item.number else None)
        )
        self.out: list[DecisionRecord] = []

    def read(self) -> list[DecisionRecord]:
        motion: _Open | None = None
        amendment: _Open | None = None
        skip_to = -1
        for n, para in enumerate(self.paragraphs):
            if n <= skip_to:
                continue
            text = " ".join(para.text.split())
            at = resolved_at(text)
            found = read_decision(text)
            if at is not None:
                if amendment is not None:
                    self._emit_open(amendment)
                    amendment = None
                last = self._resolution_end(n, para, at)
                self._emit_resolution(para, at, last, motion, found)
                skip_to = last
                motion = None
                continue
            if (
                found is not None
                and found.mover
                and (found.kind == "amendment" or "amendment" in text.lower())
            ):
                if amendment is not None:
                    self._emit_open(amendment)
                amendment = _Open(para, found, amendment=True)
                self._take_outcome(amendment, text, found)
                if amendment.outcome:
                    self._emit_open(amendment)
                    amendment = None
                continue
            if found is not None and found.mover:
                if motion is not None and motion.outcome:
                    self._emit_open(motion)
                motion = _Open(para, found, amendment=False)
                self._take_outcome(motion, text, found)
                continue
            if not _OUTCOME_WORDS.search(text) and not (found and found.outcome):
                continue
            names_amendment = re.search(r"\bamendment\b", text, re.I)
            if amendment is not None and (names_amendment or motion is None):
                amendment.paragraphs.append(para)
                self._take_outcome(amendment, text, found)
                self._emit_open(amendment)
                amendment = None
            elif motion is not None and not (names_amendment and amendment is None and motion.outcome):
                motion.paragraphs.append(para)
                self._take_outcome(motion, text, found)
        for still in (amendment, motion):
            if still is not None and still.outcome:
                self._emit_open(still)
        return self.out

    def _take_outcome(self, open_: _Open, text: str, found: Decision | None) -> None:
        outcome = outcome_of(text) or (found.outcome if found else None)
        if outcome and outcome != "agreed":
            open_.outcome = outcome
        elif outcome == "agreed" and open_.outcome is None:
            open_.outcome = "carried"
        if _vote(text) is not None:
            open_.vote_text += " " + text
            open_.outcome = open_.outcome or ("carried" if _UNANIMOUS.search(text) else None)

    def _resolution_end(self, n: int, para: Paragraph, at: int) -> int:
        """The last paragraph of a resolution: its wording may follow a bare "And Resolved:", or a
        list may follow "... including:"."""
        text = para.text.rstrip()
        last = n
        if len(text) - at < 25 or text.endswith(":"):
            follow = self.paragraphs[n + 1 :]
            for k, nxt in enumerate(follow):
                if k == 0 or _LIST_START.match(nxt.text):
                    last = n + 1 + k
                    continue
                break
        return last

    def _emit_resolution(
        self, para: Paragraph, at: int, last: int, motion: _Open | None, found: Decision | None
    ) -> None:
        start = para.char_start + at
        lead = para.text[:at]
        if found is not None and (found.mover or found.seconder) and at > 0:
            start = para.char_start  # "Proposed by ...; Seconded by ...; And Resolved:" is one record
        end = self.paragraphs[last].char_end
        words = self.meeting.text[start:end]
        decision_text = " ".join(words.split())
        context = " ".join(p.text for p in (motion.paragraphs if motion else [])) + " " + lead
        kind = _resolution_type(decision_text)
        mover = (found.mover if found else None) or (motion.decision.mover if motion else None)
        seconder = (found.seconder if found else None) or (motion.decision.seconder if motion else None)
        vote = _vote((motion.vote_text if motion else "") + " " + para.text)
        if motion is not None and motion.outcome == "lost":
            self._emit_open(motion)  # the motion fell; the resolution that follows is another decision
            mover = found.mover if found else None
            seconder = found.seconder if found else None
            vote = _vote(para.text)
        self._add(
            para,
            start,
            end,
            kind,
            "resolution",
            mover,
            seconder,
            vote,
            decision_text + " " + context,
            to_body=_to_body(decision_text) if kind == "recommended" else None,
        )

    def _emit_open(self, open_: _Open) -> None:
        first, last = open_.paragraphs[0], open_.paragraphs[-1]
        outcome = open_.outcome
        kind: DecisionType = {"lost": "lost", "withdrawn": "withdrawn", "deferred": "deferred"}.get(
            outcome or "", "carried"
        )  # type: ignore[assignment]
        if kind == "carried" and _TYPE_RULES[2][1].search(open_.text):
            kind = "deferred"
        form: DecisionKind = "amendment" if open_.amendment else open_.decision.kind
        self._add(
            first,
            first.char_start,
            last.char_end,
            kind,
            form,
            open_.decision.mover,
            open_.decision.seconder,
            _vote(open_.vote_text),
            open_.text,
        )

    def _add(
        self,
        para: Paragraph,
        start: int,
        end: int,
        kind: DecisionType,
        form: DecisionKind,
        mover: str | None,
        seconder: str | None,
        vote: Vote | None,
        context: str,
        to_body: str | None = None,
    ) -> None:
        meeting, item = self.meeting, self.item
        in_item, own = self.numbers.get(para.number, (None, None))
        citation = Citation(
            doc_id=meeting.doc_id,
            source=meeting.source,
            council=meeting.council,
            body=meeting.body,
            meeting_date=meeting.meeting_date,
            doc_type=meeting.doc_type,
            title=meeting.title,
            agenda_item=item.label,
            meeting_item=meeting.meeting_item,
            paragraph=para.number,
            item_paragraph=in_item,
            para_number=own,
            char_start=start,
            char_end=end,
            page=para.page,
        )
        text = meeting.text[start:end]
        identifiers = _identifiers(" ".join([item.title or "", text]))
        self.out.append(
            DecisionRecord(
                id=f"{meeting.doc_id}:{para.number}:{len(self.out)}",
                type=kind,
                form=form,
                text=text,
                citation=citation,
                chunk_id=self.where.get(para.number),
                item_title=item.label,
                minute_ref=self.minute_ref,
                matter=Matter(title=_matter_title(item.title, identifiers), identifiers=identifiers),
                mover=mover,
                seconder=seconder,
                vote=vote,
                officer_advice=_officer_advice(context),
                to_body=to_body,
                mentions=[i for i in self.mentions if i not in identifiers],
                refers_to=self.refers_to,
            )
        )


def _report_records(meeting: Meeting, where: dict[int, str]) -> list[DecisionRecord]:
    """An officer report's recommendations section, as one record."""
    out: list[DecisionRecord] = []
    for item in meeting.items:
        if not (item.title and _RECOMMENDATIONS.match(item.title)):
            continue
        body = [p for p in item.paragraphs if not (item.label and " ".join(p.text.split()) == item.label)]
        if not body:
            continue
        first, last = body[0], body[-1]
        numbers = item_numbering(item)
        in_item, own = numbers.get(first.number, (None, None))
        text = meeting.text[first.char_start : last.char_end]
        identifiers = _identifiers(" ".join([meeting.title or "", text]))
        citation = Citation(
            doc_id=meeting.doc_id,
            source=meeting.source,
            council=meeting.council,
            body=meeting.body,
            meeting_date=meeting.meeting_date,
            doc_type=meeting.doc_type,
            title=meeting.title,
            agenda_item=item.label,
            meeting_item=meeting.meeting_item,
            paragraph=first.number,
            item_paragraph=in_item,
            para_number=own,
            char_start=first.char_start,
            char_end=last.char_end,
            page=first.page,
        )
        out.append(
            DecisionRecord(
                id=f"{meeting.doc_id}:{first.number}:{len(out)}",
                type="recommended by officers",
                form="recommendation",
                text=text,
                citation=citation,
                chunk_id=where.get(first.number),
                item_title=meeting.title,
                minute_ref=f"Item {meeting.meeting_item}" if meeting.meeting_item else None,
                matter=Matter(title=_matter_title(meeting.title, identifiers), identifiers=identifiers),
                to_body=meeting.body,
            )
        )
    return out


def _chunk_of_paragraph(chunks: list[Chunk]) -> dict[int, str]:
    out: dict[int, str] = {}
    for chunk in chunks:
        out.setdefault(chunk.citation.paragraph, chunk.id)
        for _offset, number, *_rest in chunk.later_paragraphs:
            out.setdefault(number, chunk.id)
    return out


def _resolution_type(text: str) -> DecisionType:
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


def _to_body(text: str) -> str | None:
    match = _TO_BODY.search(text)
    if not match:
        return None
    name = " ".join((match.group("a") or match.group("b")).split())
    return "Full Council" if name == "Council" else name


def _vote(text: str) -> Vote | None:
    """The vote the text states, or None."""
    counts: dict[str, int] = {}
    for key, pattern in _COUNT.items():
        match = pattern.search(text)
        if match:
            counts[key] = int(next(g for g in match.groups() if g))
    names: dict[str, list[str]] = {}
    for key, pattern in _NAMED.items():
        match = pattern.search(text)
        if match:
            names[key] = _names(match.group(1))
    unanimous = bool(_UNANIMOUS.search(text))
    if not (counts or names or unanimous):
        return None
    return Vote(unanimous=unanimous, recorded=bool(_RECORDED.search(text) or names), **counts, **names)


def _names(text: str) -> list[str]:
    text = re.sub(r"^(?:Councillors?|Cllrs?\.?)\s+", "", text.strip().rstrip(".;"))
    parts = re.split(r",\s*|\s+and\s+|;\s*", text)
    return [" ".join(p.split()) for p in parts if p.strip()]


def _officer_advice(text: str) -> str | None:
    if _AGAINST_ADVICE.search(text):
        return "against"
    if _WITH_ADVICE.search(text):
        return "followed"
    return None


def _identifiers(text: str) -> list[str]:
    found: list[str] = []
    for match in _APPLICATION.finditer(text):
        found.append(match.group())
    for match in _ORDER.finditer(text):
        found.append(f"TPO {match.group(1)}/{match.group(2)}")
    for match in _ADDRESS.finditer(text):
        found.append(" ".join(match.group().replace(",", "").split()))
    return list(dict.fromkeys(found))


def _earlier_dates(text: str, meeting_date: date | None) -> list[str]:
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


def _matter_title(title: str | None, identifiers: list[str]) -> str | None:
    """The item's subject: its title without application numbers or a part saying what stage it is."""
    if not title:
        return None
    parts = [p.strip() for p in re.split(r"\s+[–—-]\s+", title) if p.strip()]
    kept = [p for p in parts if not any(p == i for i in identifiers) and not _APPLICATION.fullmatch(p)]
    return kept[0] if kept else title
