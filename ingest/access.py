"""Who may read each paragraph: `public`, or `restricted` (exempt, Part II, confidential business).

Read from the record's own words, in document order:

- a line opening a private part, "PART II" / "Part 2" (not "Part 2 of the Act"), "Closed
  session", "In committee" (not "Committee Room"), restricts it and every paragraph after it;
- a resolution excluding the press and public ("the press and public be excluded", "to exclude
  the press and public") is itself public business, and restricts every later agenda item;
- either lasts until the record says the meeting is public again (a paragraph saying so inside a
  restricted item stays restricted with it: its citation would name the item): "PART I" / "Part 1" as a
  heading, "the press and public were readmitted", "returned to public session";
- an item that says "confidential", "exempt information", "exempt report", "not for
  publication", "in committee" or "closed session" anywhere is restricted as a whole;
- a report (or any document) whose header says so ("PART II", "EXEMPT", "CONFIDENTIAL",
  "NOT FOR PUBLICATION") is restricted as a whole.

When in doubt, restricted: a marker anywhere in an item restricts the item. A sidecar's
`"access": "public"` or `"restricted"` (ingest/sidecar.py) decides for the whole file.
"""

from __future__ import annotations

import re

from assistant.types import AccessLevel, AgendaItem, Meeting

# "PART II", "Part 2 – Exempt", "PART TWO" at the start of a paragraph, not "Part 2 of Schedule 12A"
_PART_TWO = re.compile(r"^\W*part\s+(?:ii|2|two)\b(?!\s+of\b)", re.I)
_PART_ONE = re.compile(r"^\W*part\s+(?:i|1|one)\b(?!\s+of\b)", re.I)
_CLOSED_HEADING = re.compile(
    r"^\W*(?:closed\s+session|private\s+session|in\s+committee)\b(?!\s+rooms?\b)", re.I
)
_EXCLUSION = re.compile(
    r"\b(?:press\s+and\s+(?:the\s+)?public\s+be\s+excluded|exclu(?:de|sion\s+of)\s+the\s+press\s+and\s+(?:the\s+)?public|"
    r"public\s+and\s+(?:the\s+)?press\s+be\s+excluded)",
    re.I,
)
_READMITTED = re.compile(
    r"\b(?:(?:press\s+and\s+(?:the\s+)?)?public\s+(?:were|was|be)\s+re-?admitted|re-?admitted\s+the\s+(?:press|public)|"
    r"(?:returned|resumed|reconvened)\s+(?:to|in)\s+(?:open|public)\s+session|meeting\s+resumed\s+in\s+public)",
    re.I,
)
# words that restrict the whole item they appear in
_MARKERS = re.compile(
    r"\b(?:confidential|exempt\s+(?:information|report|minute|appendix|appendices)s?|"
    r"not\s+for\s+publication|in\s+committee(?!\s+rooms?\b)|closed\s+session|private\s+session|"
    r"part\s+(?:ii|2|two)\b(?!\s+of\b))",
    re.I,
)
_HEADER_MARK = re.compile(
    r"\b(?:part\s+(?:ii|2|two)\b(?!\s+of\b)|exempt\b(?!\s+from)|confidential|not\s+for\s+publication)", re.I
)
_HEADER_CHARS = 600


def classify_access(meeting: Meeting, override: str | None = None) -> Meeting:
    """The meeting with each paragraph's access level and, when restricted, the reason in words."""
    if override in ("public", "restricted"):
        level: AccessLevel = "public" if override == "public" else "restricted"
        reason = None if level == "public" else "marked restricted beside the file (sidecar)"
        for item in meeting.items:
            for para in item.paragraphs:
                para.access, para.access_reason = level, reason
        return meeting
    whole = _header_reason(meeting)
    closed: str | None = None  # why the meeting is in private now, None while it is in public
    for item in meeting.items:
        excluded_here = False
        local = next((m for p in item.paragraphs if (m := _local_marker(p.text))), None)
        for para in item.paragraphs:
            text = " ".join(para.text.split())
            if _READMITTED.search(text) or (_PART_ONE.match(text) and len(text) < 200):
                closed = None
            elif _PART_TWO.match(text) or _CLOSED_HEADING.match(text):
                closed = f"'{_marker_words(text)}' at paragraph {para.number}"
            reason = whole or closed or (f"'{local}' in this item" if local else None)
            if reason:
                para.access, para.access_reason = "restricted", reason
            if _EXCLUSION.search(text):
                excluded_here = True
        head = item.paragraphs[0] if item.paragraphs and item.label else None
        if head is not None and head.access == "restricted":
            for para in item.paragraphs:  # its title is restricted: nothing cited under it is public
                para.access, para.access_reason = "restricted", para.access_reason or head.access_reason
        if excluded_here and closed is None:
            closed = f"after the exclusion of the press and public ({_item_name(item)})"
    return meeting


def _local_marker(text: str) -> str | None:
    """The first restricting phrase of a paragraph, unless it only resolves to exclude the public
    (that resolution is taken in public)."""
    flat = " ".join(text.split())
    if (
        _EXCLUSION.search(flat)
        or _READMITTED.search(flat)
        or _PART_TWO.match(flat)
        or _CLOSED_HEADING.match(flat)
    ):
        return None  # a heading opening the private part restricts what follows it, not what went before
    match = _MARKERS.search(flat)
    return match.group().lower() if match else None


def _header_reason(meeting: Meeting) -> str | None:
    """Why a whole document is restricted, when its opening (before the first item) says so."""
    first = meeting.items[0] if meeting.items else None
    if first is None or first.number is not None:
        return None
    opening = " ".join(p.text for p in first.paragraphs)[:_HEADER_CHARS]
    if _EXCLUSION.search(opening) or _PART_ONE.match(opening):
        return None
    match = _HEADER_MARK.search(opening)
    return f"'{' '.join(match.group().split())}' in the document's header" if match else None


def _marker_words(text: str) -> str:
    return " ".join(text.split()[:3]).rstrip(" –—-:")


def _item_name(item: AgendaItem) -> str:
    return f"item {item.label}" if item.label else "the preamble"
