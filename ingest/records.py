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
report the "Recommendations" section is one record typed "recommended by officers"
(`ingest/recommendations.py`).
Unknown stays empty: a vote is only what the text states.
"""

from __future__ import annotations

import re

from assistant.records import DecisionRecord, DecisionType, Matter, Vote
from assistant.text import sentence_spans
from assistant.types import AgendaItem, Chunk, Decision, DecisionKind, Meeting, Paragraph

from .chunk import item_numbering, paragraph_citation
from .decisions import outcome_of, read_decision, resolved_at
from .recommendations import chunk_of_paragraph, record_recommendations
from .votes import UNANIMOUS, read_vote
from .wording import (
    DEFERRED,
    MINUTE,
    earlier_dates,
    identifiers_in,
    matter_title,
    officer_advice,
    resolution_type,
    to_body,
)

_WITHDREW = re.compile(r"\bwithdrew\s+(?:the|his|her|their)\s+(?:proposal|motion|amendment)\b", re.I)
_ON_PROPOSAL = re.compile(r"\b[Oo]n\s+the\s+[Pp]roposal\s+of\b[^.]*\bseconded\s+by\b[^.]*,\s*\w")
_IT_WAS_AGREED = re.compile(
    r"^(?:[^.,]{0,60},\s*)?(?:it\s+was\s+(?:also\s+|unanimously\s+)?agreed|the\s+(?:council|committee|members)\s+agreed)"
    r"\s+(?:to|that)\b",
    re.I,
)
_DECIDED_THING = re.compile(r"\b(?:motion|amendment|proposal|recommendation|resolution)s?\b", re.I)
_OUTCOME_WORDS = re.compile(
    r"\b(?:carried|lost|defeated|not\s+carried|withdrawn|withdrew|fell)\b|\bFor\s*:?\s*\d", re.I
)
_LIST_START = re.compile(r"^\s*(?:[-•·–]|\(?[a-z]\)|\(?[ivx]{1,5}\)|\(?\d{1,2}\)|\d{1,2}\.)\s")


def record_decisions(meeting: Meeting, chunks: list[Chunk]) -> list[DecisionRecord]:
    """Every decision the meeting's minutes record, and an officer report's recommendations."""
    where = chunk_of_paragraph(chunks)
    if meeting.doc_type == "report":
        return record_recommendations(meeting, where)
    if meeting.doc_type not in (None, "minutes", "transcript"):
        return []
    out: list[DecisionRecord] = []
    for item in meeting.items:
        out.extend(_ItemReader(meeting, item, where).read())
    return out


class _Open:
    """A motion or amendment being read: its proposal, then its vote and outcome."""

    def __init__(
        self, para: Paragraph, decision: Decision, amendment: bool, outcome: str | None = None, first: int = 0
    ) -> None:
        self.first = first  # its unit's place in the item
        self.paragraphs = [para]
        self.decision = decision
        self.amendment = amendment
        self.outcome: str | None = outcome
        self.vote_text = ""
        self.mover, self.seconder = decision.mover, decision.seconder

    @property
    def text(self) -> str:
        return " ".join(p.text for p in self.paragraphs)


class _ItemReader:
    def __init__(self, meeting: Meeting, item: AgendaItem, where: dict[int, str]) -> None:
        self.meeting, self.item, self.where = meeting, item, where
        self.numbers = item_numbering(item)
        body = [p for p in item.paragraphs if not (item.label and " ".join(p.text.split()) == item.label)]
        # sentences are the units (one paragraph may hold an amendment and an adjournment), but a
        # resolution keeps its paragraph whole
        self.paragraphs = [u for p in body for u in _units(p)]
        whole = " ".join(p.text for p in item.paragraphs)
        self.mentions = identifiers_in(whole)
        self.refers_to = earlier_dates(whole, meeting.meeting_date)
        ref = MINUTE.search(" ".join([item.title or "", *(p.text for p in body[:1])]))
        self.minute_ref = (
            f"Minute {ref.group(1)}" if ref else (f"Item {item.number}" if item.number else None)
        )
        self.out: list[DecisionRecord] = []

    def read(self) -> list[DecisionRecord]:
        motion: _Open | None = None
        amendment: _Open | None = None
        skip_to = closed_at = -1  # the last unit read into a resolution / that closed a decision
        agreed_at: tuple[int, int] | None = None  # (record, unit) of the last "It was agreed ..."
        for n, para in enumerate(self.paragraphs):
            if n <= skip_to:
                continue
            text = " ".join(para.text.split())
            at = resolved_at(text)
            found = _with_apposed_mover(read_decision(text), text)
            if at is not None:
                if amendment is not None and amendment.outcome:
                    self._emit_open(amendment)
                amendment = None
                if agreed_at is not None and agreed_at[0] == len(self.out) - 1 and n - agreed_at[1] <= 2:
                    self.out.pop()  # "It was agreed that ..." then "Resolved that ...": one decision
                last = self._resolution_end(n, para, at)
                self._emit_resolution(para, at, last, motion, found)
                skip_to = closed_at = last
                motion = None
                continue
            if (
                found is not None
                and found.mover
                and (found.kind == "amendment" or "amendment" in text.lower())
            ):
                if amendment is not None and amendment.outcome is None and amendment.mover == found.mover:
                    amendment.paragraphs.append(para)  # "a Vote be taken on the Amendment proposed by X"
                    continue
                if amendment is not None and amendment.outcome:
                    self._emit_open(amendment)
                amendment = _Open(para, found, amendment=True, first=n)
                if outcome_of(text) != "agreed":  # "It was agreed that Amendment No. 1 ... be voted on first"
                    self._take_outcome(amendment, text, found)
                if amendment.outcome:
                    self._emit_open(amendment)
                    amendment = None
                continue
            if found is not None and found.mover:
                if motion is not None and motion.outcome:
                    self._emit_open(motion)
                motion = _Open(para, found, amendment=False, first=n)
                self._take_outcome(motion, text, found)
                if motion.outcome is None and _ON_PROPOSAL.search(text):
                    motion.outcome = (
                        "carried"  # "On the proposal of X, seconded by Y, the Council approved ..."
                    )
                continue
            if found is None and motion is not None and motion.outcome and _IT_WAS_AGREED.search(text):
                self._emit_open(motion)  # "It was also agreed that ...": a decision after a decided one
                motion = None
            if found is None and amendment is None and _IT_WAS_AGREED.search(text):
                self._emit_open(
                    _Open(para, Decision(kind="motion", outcome="agreed"), amendment=False, outcome="carried")
                )
                agreed_at = (len(self.out) - 1, n)
                continue
            open_now = amendment or motion
            if found is not None and found.seconder and open_now is not None and open_now.seconder is None:
                open_now.seconder = found.seconder  # "Seconded by Councillor Y;" on its own line
                open_now.paragraphs.append(para)
            if not _OUTCOME_WORDS.search(text) and not (found and found.outcome):
                continue
            if motion is None and amendment is None:
                if not (_DECIDED_THING.search(text) or read_vote(text)):
                    continue  # "the prize had been withdrawn from the scheme" decides nothing
                # "The Motion was agreed." with no proposal before it: a motion of unnamed mover
                anonymous = _Open(para, Decision(kind="motion"), amendment=_names_amendment(text), first=n)
                self._take_outcome(anonymous, text, found, text)
                if anonymous.amendment:
                    self._emit_open(anonymous)
                else:
                    motion = anonymous
                continue
            if (
                closed_at == n - 1
                and self.out
                and not outcome_of(text)
                and (vote := read_vote(text)) is not None
            ):
                previous = self.out[-1]
                if previous.form == "amendment" and previous.vote is None:
                    # "the amendment was LOST. For: 8, Against: 31": its vote comes after its outcome
                    self.out[-1] = previous.model_copy(update={"vote": vote})
                    closed_at = n
                    continue
            # a vote or outcome belongs to the open amendment (voted on first) unless it names the motion
            names_motion = re.search(r"\bmotion\b", text, re.I) and not _names_amendment(text)
            target = amendment if amendment is not None and not names_motion else motion
            if target is None:
                continue
            target.paragraphs.append(para)
            self._take_outcome(target, text, found, self._span(max(target.first, closed_at + 1), n))
            if target is amendment and amendment.outcome:
                self._emit_open(amendment)
                amendment, closed_at = None, n
        for still in (amendment, motion):
            if still is not None and still.outcome:
                self._emit_open(still)
        return self.out

    def _span(self, first: int, last: int) -> str:
        return " ".join(p.text for p in self.paragraphs[first : last + 1])

    def _take_outcome(self, open_: _Open, text: str, found: Decision | None, span: str | None = None) -> None:
        outcome = outcome_of(text) or (found.outcome if found else None)
        if _WITHDREW.search(text):
            outcome = "withdrawn"
        if outcome and outcome != "agreed":
            open_.outcome = outcome
        elif outcome == "agreed" and open_.outcome is None:
            open_.outcome = "carried"
        if read_vote(span or text) is not None:
            open_.vote_text = span or text
            open_.outcome = open_.outcome or ("carried" if UNANIMOUS.search(text) else None)

    def _resolution_end(self, n: int, para: Paragraph, at: int) -> int:
        """The last paragraph of a resolution: its wording may follow a bare "And Resolved:", or a
        list may follow "... including:"."""
        text = para.text.rstrip()
        last = n
        if len(text) - at < 25 or text.endswith(":"):
            follow = self.paragraphs[n + 1 :]
            taken: set[int] = set()
            for k, nxt in enumerate(follow):
                if read_decision(nxt.text) is not None or _IT_WAS_AGREED.search(nxt.text):
                    break  # the next proposal ("(ii) Proposed by ...") is a decision of its own
                if nxt.number in taken:
                    last = n + 1 + k  # the rest of a paragraph already begun
                    continue
                if k == 0 or _LIST_START.match(nxt.text):
                    last = n + 1 + k
                    taken.add(nxt.number)
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
        kind = resolution_type(decision_text)
        mover = (found.mover if found else None) or (motion.mover if motion else None)
        seconder = (found.seconder if found else None) or (motion.seconder if motion else None)
        vote = read_vote((motion.vote_text if motion else "") + " " + para.text)
        if motion is not None and motion.outcome == "lost":
            self._emit_open(motion)  # the motion fell; the resolution that follows is another decision
            mover = found.mover if found else None
            seconder = found.seconder if found else None
            vote = read_vote(para.text)
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
            to_body=to_body(decision_text) if kind == "recommended" else None,
        )

    def _emit_open(self, open_: _Open) -> None:
        first, last = open_.paragraphs[0], open_.paragraphs[-1]
        outcome = open_.outcome
        kind: DecisionType = {"lost": "lost", "withdrawn": "withdrawn", "deferred": "deferred"}.get(
            outcome or "", "carried"
        )  # type: ignore[assignment]
        if kind == "carried" and DEFERRED.search(open_.text):
            kind = "deferred"
        recommends = kind == "carried" and resolution_type(open_.text) == "recommended"
        if recommends:
            kind = "recommended"  # "it was agreed that the Strategy be recommended to Council"
        form: DecisionKind = "amendment" if open_.amendment else open_.decision.kind
        self._add(
            first,
            first.char_start,
            last.char_end,
            kind,
            form,
            open_.mover,
            open_.seconder,
            read_vote(open_.vote_text),
            open_.text,
            to_body=to_body(open_.text) if recommends else None,
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
        citation = paragraph_citation(
            meeting, item, para, self.numbers, start, end, restricted=para.access == "restricted"
        )
        text = meeting.text[start:end]
        found_ids = identifiers_in(" ".join([item.title or "", text]))
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
                matter=Matter(title=matter_title(item.title, found_ids), identifiers=found_ids),
                mover=mover,
                seconder=seconder,
                vote=vote,
                officer_advice=officer_advice(context),
                to_body=to_body,
                mentions=[i for i in self.mentions if i not in found_ids],
                refers_to=self.refers_to,
            )
        )


_APPOSED_MOVER = re.compile(
    r"(?P<name>(?:Councillor|Cllr\.?)\s+[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2}),\s+[^,]{3,90},\s+(?:moved|proposed)\b"
)


_COLON_NAME = (
    r"(?P<name>(?:Councillor|Cllr\.?|Cmhlr\.?)\s+[A-Z][\w'’-]+(?:\s+(?:\([A-Z]{1,2}\)|[A-Z][\w'’-]+)){0,2})"
)
_COLON_MOVER = re.compile(rf"^\W*Proposed(?:\s+by)?\s*:\**\s*{_COLON_NAME}")
_COLON_SECONDER = re.compile(rf"^\W*Seconded(?:\s+by)?\s*:\**\s*{_COLON_NAME}")


def _with_apposed_mover(found: Decision | None, text: str) -> Decision | None:
    """ "Councillor Tom Brockway, Leader of the Opposition, moved an amendment": the mover behind a
    title between commas; and "Proposed: Cllr. X" / "Seconded by: Councillor Y" on their own lines."""
    for pattern, field in ((_COLON_MOVER, "mover"), (_COLON_SECONDER, "seconder")):
        colon = pattern.search(text)
        if colon and (found is None or getattr(found, field) is None):
            name = re.sub(r"^Cllr\.?\s", "Councillor ", colon.group("name"))
            found = (found or Decision(kind="motion")).model_copy(update={field: name})
    match = _APPOSED_MOVER.search(text)
    if match is None or (found is not None and found.mover):
        return found
    kind = "amendment" if _names_amendment(text) else "motion"
    if found is None:
        return Decision(kind=kind, mover=match.group("name"))
    return found.model_copy(update={"mover": match.group("name"), "kind": kind})


def _names_amendment(text: str) -> bool:
    return bool(re.search(r"\bamendment\b", text, re.I))


def _units(para: Paragraph) -> list[Paragraph]:
    """A paragraph as its sentences (same number, their own offsets), or whole when it resolves."""
    if resolved_at(" ".join(para.text.split())) is not None:
        return [para]
    spans = sentence_spans(para.text)
    if len(spans) <= 1:
        return [para]
    return [
        para.model_copy(
            update={
                "text": para.text[a:b],
                "char_start": para.char_start + a,
                "char_end": para.char_start + b,
            }
        )
        for a, b in spans
    ]
