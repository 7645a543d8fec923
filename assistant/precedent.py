"""Precedent: every decision on a matter, in date order, and what later changed or carried it on.

The decisions are the typed records made at ingest (`ingest/records.py`). A decision is on the
topic when its item title, matter or words hold every word of the topic (stemmed), or one of its
identifiers is the topic. Links between two decisions on the topic are found, strongest first, by
- an **explicit reference**: the later item names the earlier meeting's date ("the decision of
  9 February 2023", "in June 2023 it had deferred");
- a **shared identifier**: an application or order number both name (two different application
  numbers refuse the link, as a revised scheme is a new application);
- the **item title**: one item's subject words all stand in the other's ("Northgate Library"
  in "Future of Northgate Library");
- **text similarity** of the two decisions' words (the bundled encoder), at `_SIMILAR` or more.
What the link means comes from the two decisions' types: a later rescission, call-in, amendment
or deferral acts on the latest earlier decision it is linked to (the one it names, when it names
one); a recommendation, deferral or call-in is taken up by the first later decision linked to it
(at the body it was sent to); an explicit reference or shared identifier otherwise reads as
"followed up".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from index import CouncilIndex, body_key, match_bodies

from .records import DecisionLink, DecisionRecord, LinkMethod, LinkRelation, Precedent, PrecedentEntry
from .text import APPLICATION_NUMBER, MONTH_NAMES, cosine, tokenize
from .types import Filters, may_see

_SIMILAR = 0.8  # cosine of two decisions' words for "text similarity"
_SUBSTANTIVE = ("resolved", "carried", "amended", "rescinded", "deferred", "noted")
_PENDING = ("recommended", "recommended by officers", "deferred", "called in")
_ACTING: dict[str, LinkRelation] = {
    "rescinded": "rescinded",
    "called in": "called in",
    "amended": "amended",
    "deferred": "deferred",
}
_GENERIC_TITLES = {"minut", "apolog", "absenc", "declar", "interest", "item", "public", "question"}
_NAMES_DECISION = re.compile(
    rf"\bdecisions?\s+(?:of|on|taken\s+on|made\s+on)\s+\d{{1,2}}\s+(?:{MONTH_NAMES})\s+\d{{4}}"
)
_CONFIRMS = re.compile(r"\bbe\s+confirmed\b(?!\s+as\s+a\s+correct\s+record)", re.I)

Method = tuple[LinkMethod, str]


def find_precedent(
    index: CouncilIndex, topic: str, filters: Filters | None = None, types: Sequence[str] = ()
) -> Precedent:
    """The decisions on `topic` in date order, each with what happened next, within the filters."""
    topic = " ".join(topic.split())
    if not topic:
        raise ValueError("The topic is empty.")
    filters = filters or Filters()
    # only the decisions the caller may see: a restricted one is never found, linked or counted
    records = [r for r in index.vectors.decision_records() if may_see(filters.access, r.citation.access)]
    on_topic = sorted((r for r in records if _on_topic(topic, r)), key=_order)
    later, earlier = link_decisions(on_topic, index)
    keys = sorted({body_key(r.body) for r in records if r.body})
    wanted = set(match_bodies(filters.body, keys)) if filters.body else None
    searched = [r for r in records if _within(r, filters, wanted)]
    entries = [
        PrecedentEntry(decision=r, later=later.get(r.id, []), earlier=earlier.get(r.id, []))
        for r in on_topic
        if _within(r, filters, wanted) and (not types or r.type in types)
    ]
    dates = sorted(d for r in searched if (d := r.meeting_date) is not None)
    return Precedent(
        topic=topic,
        filters=filters,
        types=list(types),
        entries=entries,
        bodies=sorted({r.body for r in searched if r.body}),
        first_date=dates[0] if dates else None,
        last_date=dates[-1] if dates else None,
        searched=len(searched),
        show_council=len({r.citation.council for r in records if r.citation.council}) > 1,
    )


def link_decisions(
    records: Sequence[DecisionRecord], index: CouncilIndex | None = None
) -> tuple[dict[str, list[DecisionLink]], dict[str, list[DecisionLink]]]:
    """For decisions on one matter in date order: what happened next to each (by id), and what
    each acted on."""
    vectors = _vectors(records, index)
    later: dict[str, list[DecisionLink]] = {}
    earlier: dict[str, list[DecisionLink]] = {}
    taken: set[str] = set()  # pending decisions already taken up

    def add(e: DecisionRecord, l_: DecisionRecord, relation: LinkRelation, how: Method) -> None:
        if any(x.other_id == l_.id for x in later.get(e.id, [])):
            return
        later.setdefault(e.id, []).append(
            DecisionLink(
                relation=relation, method=how[0], evidence=how[1], other_id=l_.id, other_where=l_.where
            )
        )
        earlier.setdefault(l_.id, []).append(
            DecisionLink(
                relation=relation, method=how[0], evidence=how[1], other_id=e.id, other_where=e.where
            )
        )

    for n, l_ in enumerate(records):
        before = [e for e in records[:n] if _before(e, l_)]
        ways = {e.id: _how_linked(e, l_, vectors) for e in before}
        linked = [(e, ways[e.id][0]) for e in before if ways[e.id]]
        # 1. a recommendation, deferral or call-in taken up by the first later decision on it
        for e, how in linked:
            if e.type in _PENDING and e.id not in taken and _takes_up(e, l_):
                taken.add(e.id)
                add(e, l_, _taking_up(e, l_), how)
        # 2. a later decision that acts on an earlier one: the one it names, else the latest
        relation: LinkRelation | None = _ACTING.get(l_.type)
        if relation is None and _CONFIRMS.search(l_.text):
            relation = "confirmed"
        if relation is not None:
            targets = [(e, h) for e, h in linked if e.type in _SUBSTANTIVE and e.form != "amendment"]
            named = [(e, h) for e, h in targets if _names_day(ways[e.id])]
            # of the decisions of the day it names, the one on the same subject
            same = [
                (e, h)
                for e, h in named
                if any(m in ("item title", "shared identifier") for m, _ in ways[e.id])
            ]
            named = same or named
            # a rescission that names "the decision of 9 February 2023" acts on that one or none
            chosen = named[-1:] if named or _NAMES_DECISION.search(l_.text) else targets[-1:]
            for e, how in chosen:
                add(e, l_, relation, how)
            if chosen:
                continue
        # 3. otherwise a shared identifier, or an explicit reference on the same subject: "followed up"
        strong = [
            (e, _followed_by(ways[e.id]))
            for e, _h in linked
            if e.type not in ("recommended by officers", "lost")
        ]
        for e, how in [(e, h) for e, h in strong if h is not None][-1:]:
            add(e, l_, "followed up", how)
    return later, earlier


def _takes_up(e: DecisionRecord, l_: DecisionRecord) -> bool:
    if l_.form == "amendment" or l_.type in ("recommended by officers", "noted", "lost"):
        return False
    if e.type == "recommended by officers":
        return l_.meeting_date == e.meeting_date and body_key(l_.body or "") == body_key(e.body or "")
    if e.type == "recommended" and e.to_body:
        return body_key(l_.body or "") == body_key(e.to_body) or (
            e.to_body == "Full Council" and l_.citation.council is not None and l_.body == "Full Council"
        )
    return True


def _taking_up(e: DecisionRecord, l_: DecisionRecord) -> LinkRelation:
    if e.type in ("recommended", "recommended by officers"):
        return "adopted" if l_.type not in ("lost", "withdrawn") else "not adopted"
    return "decided"


def _before(e: DecisionRecord, l_: DecisionRecord) -> bool:
    if e.meeting_date is None or l_.meeting_date is None:
        return False
    if e.meeting_date < l_.meeting_date:
        return True
    # an officer report's recommendations go before the decision of the same meeting
    return (
        e.meeting_date == l_.meeting_date
        and e.type == "recommended by officers"
        and l_.type != "recommended by officers"
    )


def _how_linked(e: DecisionRecord, l_: DecisionRecord, vectors: dict[str, list[float]]) -> list[Method]:
    """Every way two decisions are known to be on the same matter, strongest first; none when
    they are not, or when their application numbers conflict."""
    apps_e = {i for i in e.matter.identifiers if APPLICATION_NUMBER.fullmatch(i)}
    apps_l = {i for i in l_.matter.identifiers if APPLICATION_NUMBER.fullmatch(i)}
    if apps_e and apps_l and not apps_e & apps_l:
        return []  # two applications: no link, even when the site or the meeting is the same
    found: list[Method] = []
    if e.meeting_date is not None and e.meeting_date.isoformat() in l_.refers_to:
        found.append(("explicit reference", f"names {_long(e.meeting_date)}"))
    shared = sorted(
        set(e.matter.identifiers) & (set(l_.matter.identifiers) | set(l_.mentions)),
        key=lambda i: (not APPLICATION_NUMBER.fullmatch(i), i),
    )
    if shared:
        found.append(("shared identifier", shared[0]))
    if _same_title(e, l_):
        found.append(("item title", f"'{e.matter.title}' / '{l_.matter.title}'"))
    if e.meeting_date and l_.meeting_date:
        month = e.meeting_date.isoformat()[:7]
        if month in l_.refers_to and month != l_.meeting_date.isoformat()[:7]:
            found.append(("explicit reference", f"names {e.meeting_date:%B %Y}"))
    if not found and e.id in vectors and l_.id in vectors:
        similarity = cosine(vectors[e.id], vectors[l_.id])
        if similarity >= _SIMILAR:
            found.append(("text similarity", f"cosine {similarity:.2f}"))
    return found


def _same_title(e: DecisionRecord, l_: DecisionRecord) -> bool:
    """One item's subject words all stand in the other's (at least two of them)."""
    small, large = sorted((_title_words(e.matter.title), _title_words(l_.matter.title)), key=len)
    return len(small) >= 2 and small <= large


def _names_day(ways: list[Method]) -> bool:
    """Does the later item name the earlier meeting's full date?"""
    return any(m == "explicit reference" and evidence[6:7].isdigit() for m, evidence in ways)


def _followed_by(ways: list[Method]) -> Method | None:
    """A shared identifier, or an explicit reference between items on the same subject."""
    methods = [m for m, _ in ways]
    for how in ways:
        if how[0] == "shared identifier" or (how[0] == "explicit reference" and "item title" in methods):
            return how
    return None


# words of an item title that say what stage a matter is at, not what it is
_STAGE_WORDS = "call in future decision reconsideration following review update report outcome consultation"
_STAGE_WORDS += " proposed draft final"


def _title_words(title: str | None) -> frozenset[str]:
    words = frozenset(tokenize(title or "")) - frozenset(tokenize(_STAGE_WORDS))
    return frozenset() if words & _GENERIC_TITLES and len(words) <= 2 else words


def _vectors(records: Sequence[DecisionRecord], index: CouncilIndex | None) -> dict[str, list[float]]:
    if index is None or len(records) < 2:
        return {}
    vectors = index.embedder.embed([" ".join(r.text.split())[:2000] for r in records])
    return {r.id: list(v) for r, v in zip(records, vectors, strict=True)}


def _on_topic(topic: str, record: DecisionRecord) -> bool:
    ids = [*record.matter.identifiers, *record.mentions]
    if any(i.lower() in topic.lower() for i in ids):
        return True
    wanted = set(tokenize(topic))
    if not wanted:
        return False
    have = set(tokenize(" ".join([record.item_title or "", record.matter.title or "", record.text, *ids])))
    return wanted <= have


def _within(record: DecisionRecord, filters: Filters, bodies: set[str] | None) -> bool:
    d = record.meeting_date
    if bodies is not None and body_key(record.body or "") not in bodies:
        return False
    if filters.since and (d is None or d < filters.since):
        return False
    if filters.until and (d is None or d > filters.until):
        return False
    return not (filters.doc_type and record.citation.doc_type != filters.doc_type)


def _order(record: DecisionRecord) -> tuple[date, int, int]:
    report_first = 0 if record.type == "recommended by officers" else 1
    return (record.meeting_date or date.min, report_first, record.citation.char_start)


def _long(d: date) -> str:
    return f"{d.day} {d:%B %Y}"
