"""Decisions as data: one typed record per decision in the minutes, and how decisions link up.

A `DecisionRecord` is made at ingest (`ingest/records.py`) for every decision an agenda item
records (a resolution, a motion or amendment and its outcome, a recommendation to another body)
and for each officer report's recommendations; it keeps the decision's words verbatim with the
`Citation` of the paragraph they stand in. `index/` stores and returns these records; the
precedent search (`assistant/precedent.py`) links them into "what happened next".

This module imports nothing from the project but `assistant.types`; how a record is stored in
Chroma is `index/metadata.py`'s business.
"""

from __future__ import annotations

from datetime import date
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from .types import Citation, DecisionKind, Filters

DecisionType = Literal[
    "resolved",
    "recommended",
    "recommended by officers",
    "noted",
    "deferred",
    "withdrawn",
    "carried",
    "lost",
    "amended",
    "called in",
    "rescinded",
]
DECISION_TYPES: tuple[str, ...] = get_args(DecisionType)  # for --type choices and checks
# How a link between two decisions was found, strongest first.
LinkMethod = Literal["explicit reference", "shared identifier", "item title", "text similarity"]
# What the later decision did to the earlier one.
LinkRelation = Literal[
    "called in",
    "rescinded",
    "amended",
    "deferred",
    "confirmed",
    "adopted",
    "not adopted",
    "decided",
    "followed up",
]


class Vote(BaseModel):
    """A vote as the minutes state it; unknown parts stay empty."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    in_favour: int | None = Field(None, description="Votes for")
    against: int | None = Field(None, description="Votes against")
    abstentions: int | None = Field(None, description="Abstentions")
    unanimous: bool = Field(False, description='"carried unanimously", "unanimously agreed"')
    recorded: bool = Field(False, description="A recorded (named or roll-call) vote was taken")
    names_for: list[str] = Field(default_factory=list, description="Named voters for, when listed")
    names_against: list[str] = Field(default_factory=list)
    names_abstaining: list[str] = Field(default_factory=list)

    @property
    def label(self) -> str:
        """e.g. "For 4, Against 0, Abstentions 1 (recorded)" or "unanimous"."""
        parts = [
            f"{word} {n}"
            for word, n in (
                ("For", self.in_favour),
                ("Against", self.against),
                ("Abstentions", self.abstentions),
            )
            if n is not None
        ]
        if self.unanimous:
            parts.append("unanimous")
        text = ", ".join(parts)
        return f"{text} (recorded vote)" if self.recorded and text else text


class Matter(BaseModel):
    """What a decision is about: the item's subject and the identifiers the text gives."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str | None = Field(None, description='The agenda item\'s subject, e.g. "Northgate Library"')
    identifiers: list[str] = Field(
        default_factory=list,
        description='Planning application numbers, order numbers, addresses: "22/00951/FUL"',
    )


class DecisionRecord(BaseModel):
    """One decision of one meeting, verbatim and cited."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(description="doc_id:paragraph:n, stable across ingests of the same file")
    type: DecisionType
    form: DecisionKind | None = Field(None, description="resolution, motion, amendment, nomination, ...")
    text: str = Field(description="The decision's words, verbatim (exactly the text at the citation)")
    citation: Citation = Field(description="The paragraph holding the decision's words")
    chunk_id: str | None = Field(None, description="The stored chunk holding that paragraph")
    item_title: str | None = Field(None, description="The agenda item as the minutes head it")
    minute_ref: str | None = Field(None, description='The council\'s own number: "Minute 45/2024", "Item 7"')
    matter: Matter = Field(default_factory=Matter)
    mover: str | None = None
    seconder: str | None = None
    vote: Vote | None = None
    officer_advice: Literal["followed", "against"] | None = Field(
        None,
        description="Whether the decision followed or went against the officer recommendation, when said",
    )
    to_body: str | None = Field(None, description="For a recommendation: the body it goes to")
    mentions: list[str] = Field(
        default_factory=list, description="Identifiers named elsewhere in the agenda item"
    )
    refers_to: list[str] = Field(
        default_factory=list,
        description='Earlier meetings the item refers to, ISO "2023-02-09" or "2023-06" for a month',
    )

    @property
    def meeting_date(self) -> date | None:
        """The date of the meeting that took the decision."""
        return self.citation.meeting_date

    @property
    def body(self) -> str | None:
        """The body that took the decision."""
        return self.citation.body

    @property
    def where(self) -> str:
        """e.g. "Cabinet, 9 Mar 2023, item 4" (a report: its title and item)."""
        label = self.citation.label
        return label.rsplit(", para ", 1)[0]


class DecisionLink(BaseModel):
    """A later (or earlier) decision on the same matter and how the link was found."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    relation: LinkRelation
    method: LinkMethod
    evidence: str = Field(description='What matched: "decision of 9 February 2023", "22/00951/FUL"')
    other_id: str = Field(description="The linked decision's record id")
    other_where: str = Field(description='The linked decision\'s place: "Cabinet, 9 Mar 2023, item 4"')

    @property
    def label(self) -> str:
        """e.g. "later rescinded: Cabinet, 9 Mar 2023, item 4 (explicit reference)"."""
        return f"later {self.relation}: {self.other_where} ({self.method})"


class PrecedentEntry(BaseModel):
    """One decision on the matter, with what later changed or carried it on."""

    decision: DecisionRecord
    later: list[DecisionLink] = Field(default_factory=list, description="What happened next")
    earlier: list[DecisionLink] = Field(
        default_factory=list,
        description="The earlier decisions this one acted on (relation as seen from them)",
    )


class Precedent(BaseModel):
    """Every decision found on a topic, in date order, each cited, and what was searched."""

    topic: str
    filters: Filters = Field(default_factory=Filters)
    types: list[str] = Field(default_factory=list, description="Decision types asked for (all when empty)")
    entries: list[PrecedentEntry] = Field(default_factory=list)
    bodies: list[str] = Field(default_factory=list, description="The bodies whose decisions were searched")
    first_date: date | None = Field(None, description="The earliest meeting searched")
    last_date: date | None = Field(None, description="The latest meeting searched")
    searched: int = Field(0, description="Decision records searched")
    show_council: bool = False

    @property
    def not_found(self) -> str:
        """The line saying what the search did not find."""
        scope = _scope(self)
        if not self.entries:
            return f"No decision on '{self.topic}' was found in {scope}."
        kinds = {e.decision.type for e in self.entries}
        missing = [t for t in ("rescinded", "amended", "called in", "deferred") if t not in kinds]
        found = "" if not missing else f" No decision on it was {_or(missing)} in {scope}."
        return (
            f"Only decisions whose item title, matter or words name '{self.topic}' are listed.{found}"
            " Decisions recorded without the topic's words, and meetings not in the archive, are not covered."
        )


def _or(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _scope(p: Precedent) -> str:
    bodies = ", ".join(p.bodies) if p.bodies else "no body"
    if p.first_date and p.last_date:
        when = f"{p.first_date:%d %b %Y} to {p.last_date:%d %b %Y}"
    else:
        when = "no dated meeting"
    return f"the {p.searched} decisions of {bodies} ({when})"
