"""Decisions in minutes: who proposed and seconded what, and how it ended.

Recognises the usual ways minutes record a decision, e.g.

- "It was proposed by Councillor Nazir and seconded by Councillor Pantelic that ... This was
  carried unanimously." then "Resolved – That ..."
- "Proposed by Councillor Sheahan (J); / Seconded by Councillor Collins (M); / And Resolved:"
- "On the proposal of Councillor X, seconded by Councillor Y, it was agreed ..."
- "Councillor X proposed an amendment ... This was seconded by Councillor Y. ... was lost."
- ModernGov's "Resolved:" followed by numbered resolutions.

A decision spans a run of nearby paragraphs within one agenda item (the proposal, the
seconding, the resolution's wording and its outcome); every paragraph of the run carries it,
so each chunk cut from them can be found as a decision.
"""

from __future__ import annotations

import re

from assistant.types import AgendaItem, Decision, DecisionKind, Outcome

_TITLE = (
    r"(?:Councillors?|Cllrs?\.?|Cmhlr\.?|Comhairleoir|Mayor|Alderman|Deputy|Senator|Mr\.?|Mrs\.?|Ms\.?|Dr\.?)"
)
_NAME_TOKEN = r"(?:[A-Z]\.|[A-ZÁÉÍÓÚ][\w'’-]+|\([A-Z]{1,2}\)|Ó|Uí|Ní|Mac|Mc|de)"
_NAME = rf"(?P<name>{_TITLE}\s+{_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{0,3}})"
_MOVER = [
    re.compile(rf"\b(?i:proposed|moved|nominated|proposal\s+of)\s+(?i:by\s+)?{_NAME}"),
    re.compile(rf"{_NAME}\s+(?:proposed|moved|nominated)\b"),
    # "Councillor X presented the budget for 2025/26 and moved the Cabinet's recommendations"
    re.compile(
        rf"{_NAME}\s+(?:presented|introduced|outlined|summarised|summarized)\b[^.;]{{0,120}}?\band\s+(?:proposed|moved)\b"
    ),
]
_SECONDER = [
    re.compile(rf"\b(?i:seconded\s+by)\s+{_NAME}"),
    re.compile(rf"{_NAME}\s+seconded\b"),
]
# "Resolved:", "RESOLVED –", "And Resolved:", "it was resolved that"; not "the issue was resolved"
_RESOLVED = re.compile(
    r"(?i:\band\s+resolved\b|\bit\s+was\s+(?:unanimously\s+)?resolved\b)|\bRESOLVED\b"
    r"|\bResolved\b(?=\s*[:–—-]|\s+[Tt]hat\b)"
)
_SIGNAL = re.compile(
    r"\b(?:proposed|seconded|proposal\s+of|moved\s+by|motion\s+was|amendment\s+was|"
    r"was\s+(?:carried|lost|defeated|deferred|withdrawn)|put\s+to\s+(?:a\s+)?vote)\b",
    re.I,
)
_OUTCOMES: list[tuple[Outcome, re.Pattern[str]]] = [
    ("withdrawn", re.compile(r"\b(?:was|were|been)\s+withdrawn\b", re.I)),
    (
        "lost",
        re.compile(
            r"\b(?:was|were|declared)\s+(?:lost|defeated|not\s+carried)\b|\bmotion\s+fell\b"
            r"|\bdeclared\s+(?:the\s+)?(?:motion|amendment|proposal)\s+(?:lost|defeated)\b",
            re.I,
        ),
    ),
    (
        "carried",
        re.compile(
            r"\b(?:was|were|declared|being)\s+(?:duly\s+)?carried\b|\bcarried\s+unanimously\b"
            r"|\bdeclared\s+(?:the\s+)?(?:motion|amendment|proposal)\s+carried\b"
            r"|\b(?:motion|amendment|proposal)\s+was\s+(?:adopted|passed|approved)\b",
            re.I,
        ),
    ),
    ("deferred", re.compile(r"\b(?:was|be|were|been)\s+deferred\b", re.I)),
    ("noted", re.compile(r"\bbe\s+noted\b|\bwas\s+noted\b", re.I)),
    (
        "agreed",
        re.compile(
            r"\b(?:it\s+was|was|were|unanimously)\s+agreed\b|\bagreed\s+unanimously\b|\band\s+agreed\b", re.I
        ),
    ),
]


def tag_decisions(item: AgendaItem) -> dict[int, Decision]:
    """The decision each paragraph of an item belongs to, by paragraph number."""
    out: dict[int, Decision] = {}
    paragraphs = item.paragraphs
    i = 0
    while i < len(paragraphs):
        if not _signal(paragraphs[i].text):
            i += 1
            continue
        # a run: signal paragraphs, bridging one quiet paragraph (the resolution's wording)
        j = i + 1
        while j < len(paragraphs) and (
            _signal(paragraphs[j].text)
            or (j + 1 < len(paragraphs) and _signal(paragraphs[j + 1].text) and j - i < 6)
            or _ends_with_colon_resolved(paragraphs[j - 1].text)
        ):
            if _has_mover(paragraphs[j].text) and _has_mover(" ".join(p.text for p in paragraphs[i:j])):
                break  # a second proposal starts a decision of its own
            j += 1
        decision = read_decision(" ".join(p.text for p in paragraphs[i:j]))
        if decision is not None:
            for p in paragraphs[i:j]:
                out[p.number] = decision
        i = j
    return out


def read_decision(text: str) -> Decision | None:
    """The decision a passage records, or None when it names no proposer, seconder or resolution."""
    text = " ".join(text.split())
    mover = _first_name(_MOVER, text)
    seconder = _first_name(_SECONDER, text)
    resolved = bool(_RESOLVED.search(text))
    if not (mover or seconder or resolved):
        return None
    outcome = next((name for name, pattern in _OUTCOMES if pattern.search(text)), None)
    if outcome is None and resolved:
        outcome = "agreed"
    return Decision(kind=_kind(text, mover, resolved), mover=mover, seconder=seconder, outcome=outcome)


def _kind(text: str, mover: str | None, resolved: bool) -> DecisionKind:
    lower = text.lower()
    if re.search(r"\bamendment\b", lower) and mover:
        return "amendment"
    if re.search(r"\bnominat|\bbe\s+(?:appointed|elected|co-opted)\b", lower) and mover:
        return "nomination"
    if resolved:
        return "resolution"
    if re.search(r"\brecommend", lower) and not mover:
        return "recommendation"
    return "motion"


def _first_name(patterns: list[re.Pattern[str]], text: str) -> str | None:
    found = [(m.start(), m.group("name")) for p in patterns for m in p.finditer(text)]
    if not found:
        return None
    name = min(found)[1]
    name = re.sub(r"\s+(?:And|That|The|This|It|To|On|In)$", "", name)
    return re.sub(r"^Cllrs?\.?\s", "Councillor ", name).rstrip(".,;: ")


def _has_mover(text: str) -> bool:
    return any(p.search(text) for p in _MOVER)


def _signal(text: str) -> bool:
    return bool(_SIGNAL.search(text) or _RESOLVED.search(text))


def _ends_with_colon_resolved(text: str) -> bool:
    return bool(re.search(r"resolved\s*[:–-]?\s*$", text, re.I))


def resolved_at(text: str) -> int | None:
    """Where a passage's "RESOLVED" (or "it was resolved") begins, or None when it records none."""
    match = _RESOLVED.search(text)
    return match.start() if match else None


def outcome_of(text: str) -> Outcome | None:
    """How a passage says a motion or amendment ended ("The amendment was LOST"), or None."""
    return next((name for name, pattern in _OUTCOMES if pattern.search(text)), None)
