"""RawDocument -> Meeting: find the meeting's metadata, its agenda items and numbered paragraphs.

Paragraph offsets always point into `RawDocument.text`; nothing here rewrites the text.
Unknown metadata stays None: a date or body is only set when the document states it.
"""

from __future__ import annotations

import re
from pathlib import Path

from assistant.types import AgendaItem, Meeting, Paragraph, RawDocument

from .access import classify_access
from .decisions import tag_decisions
from .metadata import find_body, find_council, find_date, find_dates, find_doc_type
from .sidecar import apply_overrides

# "14. Title", "5 Title", "Item 5 – Title", "3a. Title", "1.Adoption": a short line opening an agenda item
_ITEM_HEADING = re.compile(
    r"^(?:(?:[Aa]genda\s+)?(?:[Ii]tem|ITEM)\s*(?:[Nn]o\.?\s*)?)?(?P<num>\d{1,3}[a-z]?)"
    r"(?:[.):]\s*|\s+[-–—:]\s+|\s+)(?P<title>[A-Z0-9(‘'\"“].{1,150})$"
)
# "(a) Title" or "b) Title": a lettered part of the current item
_SUB_HEADING = re.compile(r"^\(?(?P<letter>[a-z])\)\s+(?P<title>[A-Z‘'\"“].{1,150})$")
_CALLED = re.compile(r"\b(?:to\s+be|will\s+be|is\s+to\s+be)\s+held\b", re.I)
_BULLET = re.compile(r"^\s*(?:[-•·*▪◦–]|\(?[a-z]\)|\(?[ivx]{1,4}\))\s+")
_SENTENCE_END = re.compile(r"[.!?:;]['\"’”)]?$")


def parse_meeting(raw: RawDocument) -> Meeting:
    """Find the meeting behind a document and split it into agenda items and paragraphs."""
    spans = _paragraph_spans(raw.text)
    items = _split_items(raw, spans)
    header = _header_text(raw.text, spans, items)
    name = Path(raw.source).name
    doc_type = find_doc_type(header, name)
    date_text = header
    if doc_type == "agenda":
        # an agenda calls a meeting ("... to be held on ..."), often below a letter dated days before
        called = _CALLED.search(raw.text[:4000])
        if called:
            date_text = raw.text[called.start() : called.start() + 400] + "\n\n" + header
    meeting = Meeting(
        doc_id=raw.doc_id,
        source=raw.source,
        text=raw.text,
        council=find_council(header),
        body=find_body(header, name),
        meeting_date=find_date(date_text, name),
        doc_type=doc_type,
        title=find_title(header, raw.title) if doc_type == "report" else raw.title,
        meeting_item=find_meeting_item(header) if doc_type == "report" else None,
        items=items,
    )
    return classify_access(apply_overrides(meeting, raw.meta), raw.meta.get("access"))


# a report's subject in its header: "SUBJECT: Mill Lane ...", "Report title: ...", "Title: ..."
_SUBJECT = re.compile(
    r"^[ \t]*(?:subject(?:\s+of\s+report)?|(?:report\s+)?title|re)[ \t]*:[ \t]*(?P<title>\S[^\n]{2,200})$",
    re.I | re.M,
)
# the agenda item a report went to, as its header says: "Agenda item 6", "AGENDA ITEM: 6", "Item No. 6a"
_FOR_ITEM = re.compile(
    r"^[ \t]*(?:agenda[ \t]+item[ \t]*(?:no\.?|number)?[ \t]*[:.]?[ \t]*(?P<num>\d{1,3}[a-z]?)\b"
    r"|item[ \t]*(?:no\.?|number)?[ \t]*[:.]?[ \t]*(?P<bare>\d{1,3}[a-z]?)[ \t]*$)",
    re.I | re.M,
)


def find_title(header: str, file_title: str | None) -> str | None:
    """A report's title: the subject its header gives, else the last line in capitals above
    its first section ("FIRST YEAR PROGRESS UPDATE FROM ..."), else the file's own title."""
    match = _SUBJECT.search(header)
    if match:
        return " ".join(match.group("title").split())
    for block in reversed(re.split(r"\n\s*\n", header)):
        line = " ".join(block.split())
        letters = [c for c in line if c.isalpha()]
        if (
            ":" not in line
            and 3 <= len(line.split()) <= 20
            and letters
            and not any(c.islower() for c in letters)
            and not _NOT_A_TITLE.match(line)
            and not find_council(line)
        ):
            return _tidy_title(line)
    return file_title


# capital lines of a report's header that are not its title
_NOT_A_TITLE = re.compile(
    r"^(?:part\s+(?:[ivx]+|\d)\b|report\b|agenda\b|minutes\b|exempt\b|not\s+for\b)", re.I
)


def find_meeting_item(header: str) -> str | None:
    """The number of the agenda item a report went to, when its header says ("Agenda item 6")."""
    match = _FOR_ITEM.search(header)
    return (match.group("num") or match.group("bare")) if match else None


def _header_text(text: str, spans: list[tuple[int, int]], items: list[AgendaItem]) -> str:
    """The opening of a document, where meetings name their council, body and date: the text
    before the first numbered item, or its first paragraphs, and never more than 2,500 characters."""
    first_item = next((i.paragraphs[0].char_start for i in items if i.number and i.paragraphs), None)
    end = 0
    for start, stop in spans[:12]:
        if start > 1500:
            break
        end = stop
    if first_item is not None and first_item > 0:
        end = first_item
    end = max(end, spans[0][1] if spans else 0)
    return text[: min(end, 2500)]


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Split text into paragraphs: blank-line blocks, then heading and bullet lines, then reflow."""
    spans: list[tuple[int, int]] = []
    for match in re.finditer(r"(?:[^\n]|\n(?!\s*\n))+", text):
        block_start = match.start()
        lines = _line_spans(match.group(), block_start)
        spans.extend(_split_block(text, lines))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _line_spans(block: str, offset: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    pos = 0
    for line in block.split("\n"):
        start = offset + pos + (len(line) - len(line.lstrip()))
        end = offset + pos + len(line.rstrip())
        if end > start:
            out.append((start, end))
        pos += len(line) + 1
    return out


def _split_block(text: str, lines: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Break a block at item headings and bullets, and where a hard-wrapped paragraph ends."""
    if len(lines) <= 1:
        return lines
    longest = max(e - s for s, e in lines)
    out: list[tuple[int, int]] = []
    cur_start, cur_end = lines[0]
    for (prev_s, prev_e), (s, e) in zip(lines, lines[1:], strict=False):
        prev = text[prev_s:prev_e]
        line = text[s:e]
        starts_new = bool(_BULLET.match(line)) or _looks_like_heading(line)
        prev_ends = _looks_like_heading(prev) or (
            longest >= 60 and (prev_e - prev_s) < 0.7 * longest and bool(_SENTENCE_END.search(prev))
        )
        if starts_new or prev_ends:
            out.append((cur_start, cur_end))
            cur_start = s
        cur_end = e
    out.append((cur_start, cur_end))
    return out


def _looks_like_heading(line: str) -> bool:
    line = line.strip()
    match = _ITEM_HEADING.match(line)
    if not match or len(line) > 120 or line.endswith((",", ";")):
        return False
    if line.endswith(".") and not re.match(r"(?:agenda\s+)?item\b", line, re.I):
        return False  # a numbered sentence, unless it says "Item 3"
    dates = find_dates(line)
    return not (dates and dates[0][0] == 0)  # "14 March 2024" is a date, not item 14


def _item_number_value(num: str) -> tuple[int, str]:
    digits = re.match(r"\d+", num)
    return (int(digits.group()) if digits else 0, num[len(digits.group()) :] if digits else num)


def _split_items(raw: RawDocument, spans: list[tuple[int, int]]) -> list[AgendaItem]:
    """Group paragraphs under agenda items; headings themselves are paragraphs too."""
    text = raw.text
    items: list[AgendaItem] = [AgendaItem()]
    last_num: tuple[int, str] | None = None
    last_letter = ""
    pending_moderngov = False
    for number, (start, end) in enumerate(spans, start=1):
        para_text = text[start:end]
        line = " ".join(para_text.split())
        new_item: AgendaItem | None = None
        heading = _ITEM_HEADING.match(line) if _looks_like_heading(line) else None
        sub = _SUB_HEADING.match(line) if last_num is not None and _looks_like_title(line) else None
        if heading:
            value = _item_number_value(heading.group("num").lower())
            if last_num is None or last_num < value <= (last_num[0] + 5, "~"):
                new_item = AgendaItem(number=heading.group("num"), title=_tidy_title(heading.group("title")))
                last_num, last_letter = value, ""
        elif sub and last_num is not None and sub.group("letter") == _next_letter(last_letter):
            # "(a) Filling of Casual Vacancy" inside item 2 is item 2a
            new_item = AgendaItem(
                number=f"{last_num[0]}{sub.group('letter')}", title=_tidy_title(sub.group("title"))
            )
            last_letter = sub.group("letter")
        elif pending_moderngov and len(line) <= 200:
            # ModernGov pages: "Agenda item" on its own line, then the item's title
            new_item = AgendaItem(title=line)
        pending_moderngov = line.lower() in ("agenda item", "agenda item:")
        if new_item is not None:
            if not items[-1].paragraphs and items[-1].title is None and items[-1].number is None:
                items.pop()
            items.append(new_item)
        items[-1].paragraphs.append(
            Paragraph(number=number, text=para_text, char_start=start, char_end=end, page=raw.page_at(start))
        )
    kept = [item for item in items if item.paragraphs]
    for item in kept:
        decisions = tag_decisions(item)
        for para in item.paragraphs:
            para.decision = decisions.get(para.number)
    return kept


def _next_letter(letter: str) -> str:
    return chr(ord(letter) + 1) if letter else "a"


def _looks_like_title(line: str) -> bool:
    return len(line) <= 120 and not line.endswith((".", ",", ";"))


def _tidy_title(title: str) -> str:
    title = " ".join(title.split()).rstrip(" :–—-.")
    if not title.isupper():
        return title
    return re.sub(r"(?<=[’'])S\b", "s", title.title().replace(" And ", " and ").replace(" Of ", " of "))
