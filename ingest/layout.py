"""Page furniture out, paragraphs back: rebuild readable text from PDF-extracted lines.

Text pulled from PDFs comes as hard-wrapped lines, sometimes one word a line, sometimes
with a blank line after every line (so blank lines say nothing about paragraphs), with
page numbers and running headers and footers on every page. `rebuild_text` turns pages
of such lines into the text every citation points into:

- page-number lines and lines repeated at the top or bottom of most pages are dropped;
- wrapped lines are joined with single spaces into one line per paragraph, and
  paragraphs are separated by one blank line;
- bullets, item headings ("14.", "(a)", "Item 5:") and bold or capitalised headings start
  paragraphs of their own; a marker alone on its line ("1.", "•") is joined to the next;
- `page_starts` records where each page's first kept line landed, so a paragraph that
  runs over a page break still cites the page it starts on.

The rebuild is deterministic: the same lines always give the same text, so paragraph
numbers are stable across re-ingests of the same file.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

# Line styles: markdown bold, bold-italic, italic, heading; all-capitals; plain text.
Style = str
_HEADING_STYLES = frozenset({"b", "bi", "i", "h", "caps"})

PAGE_NUMBER = re.compile(r"^\s*(?:-\s*)?(?:page\s+)?\d{1,4}(?:\s+of\s+\d{1,4})?(?:\s*-)?\s*$", re.I)
_BULLET_GLYPH = "•·▪◦●○■□➢➤►✓✔Ø§\\-–—*o"
_BULLET_START = re.compile(rf"^[{_BULLET_GLYPH}](?=\s)")
# a list or item marker with nothing after it: "1.", "14", "(a)", "ii)", "Item 3:", "•"
_MARKER_ONLY = re.compile(
    rf"^(?:(?:item|agenda\s+item)\s*(?:no\.?\s*)?\d{{1,3}}[a-z]?\s*[.:)–-]?|\d{{1,3}}[a-z]?[.)]?|"
    rf"\(?[a-z]\)|\(?[ivx]{{1,5}}\)|\(\d{{1,2}}\)|[{_BULLET_GLYPH}])$",
    re.I,
)
# a line that opens with a numbered marker: "14. Title", "1.Adoption", "(a) Title", "Item 5 – Title"
_NUMBERED_START = re.compile(
    r"^(?:(?:item|agenda\s+item)\s*(?:no\.?\s*)?\d{1,3}[a-z]?\b|\d{1,3}[a-z]?[.)](?=\s*[A-Z(‘'\"“])|\d{1,2}\.\d{1,2}\s|"
    r"\(?[a-z]\)\s|\(?[ivx]{1,5}\)\s|\(\d{1,2}\)\s)",
    re.I,
)
_TERMINAL = re.compile(r"[.!?:;][\"'’”)\]*]*$")
# "P." or "Cllr." at a line's end is an initial or a title, not a sentence's end
_NOT_TERMINAL = re.compile(r"(?:\b[A-Z]|\b(?:Cllr|Cllrs|Mr|Mrs|Ms|Dr|No|Co|St|Prof|Rev|Fr|Cmhlr))\.$")
_INITIAL = re.compile(r"\b[A-Z]\.\s")
_CONNECTOR_END = re.compile(r"\b(?:and|or|of|the|to|for|in|on|with|a|an|by|at|from|that|as)$", re.I)
# lines that open a decision's record: "Proposed by ...;", "Seconded by ...;", "And Resolved:"
_DECISION_LABEL = re.compile(
    r"^(?:proposed|seconded|(?:and\s+)?resolved|it\s+was\s+(?:proposed|resolved))\b", re.I
)
# a header field or labelled line: "Background papers: ...", "Contact officer: ..."
_FIELD_LABEL = re.compile(r"^[A-Z][\w'’()-]*(?: [\w'’()-]+){0,3}:(?:\s|$)")
_SMALL_WORDS = frozenset("and or of the to for in on with a an by at from & – - —".split())


_ODD_BULLET = re.compile(r"^[\x01-\x08\x0e-\x1f\uf000-\uf8ff]\s*")


def clean_bullet(text: str) -> str:
    """A bullet glyph from a symbol font (a control or private-use character) shown as "•"."""
    return _ODD_BULLET.sub("• ", text).strip()


@dataclass(frozen=True)
class Line:
    """One extracted line, stripped, with the hints its source gave."""

    text: str
    style: Style = "plain"
    blank_before: bool = False


def line_style(text: str) -> Style:
    """All-capital lines read as headings; everything else is plain (readers mark bold)."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 2 and not any(c.islower() for c in letters):
        return "caps"
    return "plain"


def strip_furniture(pages: list[list[Line]]) -> list[list[Line]]:
    """Drop page numbers and running headers and footers, and nothing else.

    A line at the top or bottom of a page is a running header or footer only when the same
    line, modulo its page number, is at an edge of most pages (more than half). Only a number
    that follows the page sequence is folded, at most one a line, set off from the words
    around it and never one that numbers an item, report or minute: "Item 7. ..." or "The
    committee considered report number 7 ..." opening every page is text (issue 15, item 7).
    A bare number at a page's edge is its page number only when it follows the sequence.
    """
    offset = _page_number_offset(pages)
    counts: Counter[str] = Counter()
    for index, page in enumerate(pages):
        counts.update({key for line in _edges(page) if (key := _furniture_key(line.text, index, offset))})
    need = len(pages) // 2 + 1
    repeated = {key for key, n in counts.items() if n >= need} if len(pages) >= 2 else set()
    out: list[list[Line]] = []
    for index, page in enumerate(pages):
        edge_ids = {id(line) for line in _edges(page)}
        out.append(
            [
                line
                for line in page
                if not (
                    _PAGE_MARKER.match(line.text)
                    or (
                        id(line) in edge_ids
                        and (
                            _is_page_number(line.text, index, offset)
                            or _furniture_key(line.text, index, offset) in repeated
                        )
                    )
                )
            ]
        )
    return out


# "Page 3", "Page 3 of 60", "3 of 60", "- 3 -": page numbers wherever they are on the page
_PAGE_MARKER = re.compile(
    r"^\s*(?:page\s+\d{1,4}(?:\s+of\s+\d{1,4})?|\d{1,4}\s+of\s+\d{1,4}|-\s*\d{1,4}\s*-)\s*$", re.I
)
_BARE_NUMBER = re.compile(r"^\s*(\d{1,4})\s*$")
# a number after one of these words numbers the council's business, not the page
_NUMBERING_WORD = re.compile(
    r"\b(?:item|items|report|reports|number|no|minute|minutes|para|paragraph|section|appendix|"
    r"application|ref|reference|motion|question|resolution|clause|annex|schedule)\.?\s*$",
    re.I,
)
_SET_OFF_BEFORE = re.compile(r"(?:^|[|–—:•·/(\[]\s*|\s-\s*|\bpage\s+|\bp\.\s*|\bpg\.?\s*)$", re.I)
_SET_OFF_AFTER = re.compile(r"^(?:$|\s*[|–—:•·/)\].]|\s+-\s|\s+of\s+\d)", re.I)


def _page_number_offset(pages: list[list[Line]]) -> int | None:
    """How printed page numbers relate to page positions (printed = index + offset), read from
    the numbers at page edges; None when no offset holds on most pages."""
    if len(pages) < 2:
        return 1
    offsets: Counter[int] = Counter()
    for index, page in enumerate(pages):
        offsets.update(
            {int(m.group()) - index for line in _edges(page) for m in re.finditer(r"\d{1,4}", line.text)}
        )
    if not offsets:
        return None
    best, n = offsets.most_common(1)[0]
    return best if n >= max(2, len(pages) // 2 + 1) else None


def _is_page_number(text: str, index: int, offset: int | None) -> bool:
    match = _BARE_NUMBER.match(text)
    return match is not None and int(match.group(1)) == index + (1 if offset is None else offset)


def _edges(page: list[Line], depth: int = 3) -> list[Line]:
    return page[:depth] + page[max(depth, len(page) - depth) :]


def _furniture_key(text: str, index: int, offset: int | None) -> str:
    """A line folded so running headers match across pages: case and spacing ignored, and the
    page's own number written "#"."""
    key = " ".join(text.lower().split())
    if not 3 <= len(key) <= 150 or offset is None:
        return key if 3 <= len(key) <= 150 else ""
    page_no = str(index + offset)
    folded = [
        m
        for m in re.finditer(r"\d+", key)
        if m.group() == page_no
        and _SET_OFF_BEFORE.search(key[: m.start()])
        and _SET_OFF_AFTER.match(key[m.end() :])
        and not _NUMBERING_WORD.search(key[: m.start()])
    ]
    if len(folded) == 1:
        key = key[: folded[0].start()] + "#" + key[folded[0].end() :]
    return key


def rebuild_text(pages: list[list[Line]]) -> tuple[str, list[int]]:
    """Join pages of lines into paragraphs; returns the text and each page's start offset."""
    pages = strip_furniture(pages)
    all_lines = [line for page in pages for line in page]
    doc_spaced = _double_spaced(all_lines)
    doc_width = _width(all_lines)
    paragraphs: list[list[str]] = []
    page_marks: list[tuple[int, int]] = []  # (paragraph index, line index) where each page starts
    prev: Line | None = None
    for page in pages:
        spaced = _double_spaced(page) if len(page) >= 8 else doc_spaced
        width = _width(page) if len(page) >= 8 else doc_width
        # a page break reads like a blank line: a new paragraph unless the sentence runs on
        first = Line(page[0].text, page[0].style, True) if page else None
        if (
            first is not None
            and prev is not None
            and _page_breaks(prev, first, paragraphs[-1], spaced, width)
        ):
            paragraphs.append([])
        if not paragraphs:
            paragraphs.append([])
        page_marks.append((len(paragraphs) - 1, len(paragraphs[-1])))
        for i, line in enumerate(page):
            nxt = page[i + 1] if i + 1 < len(page) else None
            if i > 0 and prev is not None and _breaks(prev, line, paragraphs[-1], spaced, width, nxt):
                paragraphs.append([])
            paragraphs[-1].append(line.text)
            prev = line
    return _assemble(paragraphs, page_marks)


def _assemble(paragraphs: list[list[str]], marks: list[tuple[int, int]]) -> tuple[str, list[int]]:
    texts: list[str] = []
    line_offsets: list[list[int]] = []
    offset = 0
    for lines in paragraphs:
        text = ""
        starts: list[int] = []
        for line in lines:
            if text and not (
                text.endswith("-") and len(text) > 1 and text[-2].isalpha() and line[:1].isalpha()
            ):
                text += " "
            starts.append(offset + len(text))
            text += line
        if text:
            if texts:
                offset += 2
                starts = [s + 2 for s in starts]
            texts.append(text)
            line_offsets.append(starts)
            offset += len(text)
        else:
            line_offsets.append([])
    out = "\n\n".join(texts)
    page_starts: list[int] = []
    for para, line_no in marks:
        starts = line_offsets[para] if para < len(line_offsets) else []
        page_starts.append(
            starts[line_no] if line_no < len(starts) else _next_start(line_offsets, para, len(out))
        )
    return out, page_starts


def _next_start(line_offsets: list[list[int]], para: int, end: int) -> int:
    for starts in line_offsets[para + 1 :]:
        if starts:
            return starts[0]
    return end


def _double_spaced(lines: list[Line]) -> bool:
    """True when a blank line follows every wrapped line, so blank lines say nothing.

    Told apart from one paragraph a line (each followed by a blank line) by the wrapping:
    lines no longer than a PDF's text width, or sentences that run on from line to line.
    """
    width = _width(lines)
    if len(lines) < 4 or width > 160:
        return False  # lines that long are whole paragraphs, not a PDF's wrapped lines
    gaps = len(lines) - 1
    if sum(line.blank_before for line in lines[1:]) < 0.9 * gaps:
        return False
    runs_on = sum(
        1
        for a, b in zip(lines, lines[1:], strict=False)
        if not _TERMINAL.search(a.text) and b.text[:1].islower()
    )
    return width <= 110 or runs_on >= 0.05 * gaps


def _width(lines: list[Line]) -> int:
    """The usual length of a full wrapped line (90th percentile of plain lines)."""
    lengths = sorted(len(line.text) for line in lines)
    if not lengths:
        return 80
    return max(30, lengths[min(len(lengths) - 1, int(len(lengths) * 0.9))])


def is_marker_only(text: str) -> bool:
    """A list or item marker on a line of its own: "1.", "(a)", "Item 3:", "•"."""
    return bool(_MARKER_ONLY.match(text.strip()))


def starts_bullet(text: str) -> bool:
    """A bullet line: a bullet glyph followed by text."""
    return bool(_BULLET_START.match(text))


def _title_like(text: str) -> bool:
    """A short heading in title case: "Votes of Sympathy", "(i) Strategic Policy Committees"."""
    text = _NUMBERED_START.sub("", text).strip(" :–-")
    words = text.split()
    if not 1 <= len(words) <= 12 or len(text) > 110 or text.count(",") > 1:
        return False
    if _TERMINAL.search(text) or _CONNECTOR_END.search(text) or ". " in _INITIAL.sub("", text):
        return False
    content = [w for w in words if w.lower() not in _SMALL_WORDS]
    capitals = sum(1 for w in content if w[:1].isupper() or w[:1].isdigit() or w[:1] in "(‘'\"“")
    return bool(content) and capitals >= 0.75 * len(content)


def _page_breaks(prev: Line, cur: Line, para: list[str], spaced: bool, width: int) -> bool:
    """Does the first line of a page start a new paragraph? Not when the last page stopped
    mid-sentence: "... (an increase of" / "2.99%)." is one sentence (issue 10, item 9)."""
    prev_text = prev.text
    runs_on = not _TERMINAL.search(prev_text) or bool(_NOT_TERMINAL.search(prev_text))
    heading = (
        prev.style in _HEADING_STYLES
        or is_marker_only(prev_text)
        or (len(para) <= 2 and _title_like(" ".join(para)))
    )
    starts_new = (
        cur.style in _HEADING_STYLES
        or is_marker_only(cur.text)
        or starts_bullet(cur.text)
        or bool(_NUMBERED_START.match(cur.text))
        or bool(_DECISION_LABEL.match(cur.text) or _FIELD_LABEL.match(cur.text))
    )
    if runs_on and not heading and not starts_new:
        return False
    return _breaks(prev, cur, para, spaced, width)


def _breaks(
    prev: Line, cur: Line, para: list[str], spaced: bool, width: int, nxt: Line | None = None
) -> bool:
    """Does `cur` start a new paragraph after `prev`, the last line of `para`?"""
    text = cur.text
    if cur.style == "h" or prev.style == "h" or is_marker_only(text):
        return True
    if is_marker_only(prev.text):
        # "1." then its title, "•" then its text; but "Agenda Item 6" then "SUBJECT: ..." are two
        return bool(_FIELD_LABEL.match(text))
    if starts_bullet(text) or _NUMBERED_START.match(text):
        return True
    prev_text = prev.text
    terminal = bool(_TERMINAL.search(prev_text)) and not _NOT_TERMINAL.search(prev_text)
    if cur.blank_before and not spaced:
        # a blank line mid-sentence is a PDF artefact: "creating an\n\nenvironment which"
        return terminal or not text[:1].islower()
    heading_prev = prev.style in _HEADING_STYLES
    if heading_prev != (cur.style in _HEADING_STYLES) or (heading_prev and prev.style != cur.style):
        return True
    short = len(prev_text) < 0.8 * width
    if terminal and (short or _DECISION_LABEL.match(text)):
        return True
    if heading_prev:
        return False  # a heading wrapped over lines stays one heading
    if terminal and len(text) < 0.6 * width and _title_like(text) and (nxt is None or nxt.text[:1].isupper()):
        return True  # "...Knox)." then "Votes of Sympathy" then "At the outset..."
    # the paragraph so far is a title: "Votes of Sympathy", "(i) Strategic Policy Committees"
    title = " ".join(para) if len(para) <= 2 and is_marker_only(para[0]) else prev_text
    return short and text[:1].isupper() and _title_like(title)
