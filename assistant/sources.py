"""A cited passage reopened: its paragraph inside its agenda item, and the original file.

The page's sources panel and `councilqa ask --json` readers need the same thing: the
paragraph a sentence came from, the paragraphs around it in the same agenda item, the
exact span quoted, and the file to download (for a PDF, the page to open it at). Text
here is the record's own, unescaped: whoever shows it escapes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from index import CouncilIndex

from .errors import NoEvidenceError
from .types import AccessLevel, Chunk, Citation, may_see

CONTEXT_PARAGRAPHS = 2  # paragraphs of the same item shown on each side of the cited one

_MEDIA_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".html": "text/plain; charset=utf-8",  # a record's HTML is never served as a live page
    ".htm": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


@dataclass(frozen=True)
class SourceParagraph:
    """One paragraph of the agenda item, exactly as extracted, with the quoted spans marked."""

    text: str
    char_start: int  # offset of the paragraph in the document's text
    cited: bool = False
    marks: tuple[tuple[int, int], ...] = ()  # (start, end) within `text` of the quoted span


@dataclass(frozen=True)
class SourceView:
    """A citation reopened in its agenda item, with the original file when it is still there."""

    citation: Citation
    label: str
    document: str  # the original file's name
    paragraphs: list[SourceParagraph]
    hidden_before: int = 0  # paragraphs of the item above the ones shown
    hidden_after: int = 0
    file: Path | None = None
    media_type: str = "application/octet-stream"

    @property
    def item(self) -> str | None:
        """The agenda item (or report section) the passage sits in."""
        return self.citation.agenda_item

    @property
    def page(self) -> int | None:
        """The PDF page the quoted text starts on."""
        return self.citation.page


def visible_documents(index: CouncilIndex, access: AccessLevel) -> dict[str, int]:
    """doc_id -> how many of its passages a caller with `access` may see, for every document with
    at least one (a public caller's view of the archive never counts a restricted passage)."""
    seen: dict[str, int] = {}
    if access == "restricted":
        return {d.doc_id: d.chunks or 0 for d in index.documents()}
    complete = {d.doc_id for d in index.documents()}
    for chunk in index.stored_chunks():
        if chunk.doc_id in complete and may_see(access, chunk.access):
            seen[chunk.doc_id] = seen.get(chunk.doc_id, 0) + 1
    return seen


def source_file(index: CouncilIndex, doc_id: str, access: AccessLevel = "public") -> Path | None:
    """The original file of an indexed document, when one of its files is still on disk and the
    caller may read all of it: a file holding anything restricted is for restricted callers only."""
    record = index.document(doc_id)
    if record is None or not may_see(access, record.access):
        return None
    for source in record.sources:
        if "://" in source:
            continue  # a URL: never fetched or served from here
        path = Path(source)
        if path.is_file():
            return path
    return None


def media_type(path: Path) -> str:
    """What the page serves a record's file as; HTML and text go out as plain text, never live."""
    return _MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")


def open_source(
    index: CouncilIndex, citation: Citation, show_council: bool = False, access: AccessLevel = "public"
) -> SourceView:
    """The cited paragraph in its agenda item, the quoted span marked, and the file to download;
    only what `access` may see (the paragraphs around it, the file), and a passage it may not see
    is not found, whatever the citation given says of itself."""
    text = index.document_text(citation.doc_id)
    chunks = [
        c
        for c in index.vectors.document_chunks(citation.doc_id)
        if _same_item(c, citation) and may_see(access, c.citation.access)
    ]
    if access == "public" and not any(
        c.citation.char_start <= citation.char_start < c.citation.char_end
        or c.citation.char_start == citation.char_start
        for c in chunks
    ):
        raise NoEvidenceError("That passage is not in the records.")  # the same as for one never indexed
    spans = _paragraph_spans(chunks, text)
    paragraphs = [_paragraph(start, end, body, citation) for start, end, body in spans]
    cited = [i for i, p in enumerate(paragraphs) if p.cited]
    if cited:
        lo, hi = (
            max(0, cited[0] - CONTEXT_PARAGRAPHS),
            min(len(paragraphs), cited[-1] + CONTEXT_PARAGRAPHS + 1),
        )
    else:
        lo, hi = 0, len(paragraphs)
    file = source_file(index, citation.doc_id, access)
    name = Path(citation.source.replace("\\", "/")).name
    return SourceView(
        citation=citation,
        label=citation.label_for(show_council),
        document=file.name if file else name,
        paragraphs=paragraphs[lo:hi],
        hidden_before=lo,
        hidden_after=len(paragraphs) - hi,
        file=file,
        media_type=media_type(file) if file else "application/octet-stream",
    )


def _same_item(chunk: Chunk, citation: Citation) -> bool:
    return chunk.citation.agenda_item == citation.agenda_item


def _paragraph_spans(chunks: list[Chunk], text: str | None) -> list[tuple[int, int, str]]:
    """(start, end, text) of each paragraph the chunks hold, split pieces of one paragraph joined."""
    spans: list[tuple[int, int, int]] = []  # (paragraph ordinal, start, end)
    for chunk in chunks:
        base = chunk.citation.char_start
        bounds = [(0, chunk.citation.paragraph)] + [(part[0], part[1]) for part in chunk.later_paragraphs]
        for n, (offset, ordinal) in enumerate(bounds):
            end = bounds[n + 1][0] if n + 1 < len(bounds) else len(chunk.text)
            if spans and spans[-1][0] == ordinal:
                spans[-1] = (ordinal, spans[-1][1], base + end)
            else:
                spans.append((ordinal, base + offset, base + end))
    out: list[tuple[int, int, str]] = []
    by_offset = {c.citation.char_start: c for c in chunks}
    for _, start, end in spans:
        body = text[start:end] if text is not None else _from_chunks(by_offset, start, end)
        lead = len(body) - len(body.lstrip())
        body = body.strip()
        if body:
            out.append((start + lead, start + lead + len(body), body))
    return out


def _from_chunks(chunks: dict[int, Chunk], start: int, end: int) -> str:
    for base, chunk in chunks.items():
        if base <= start and end <= base + len(chunk.text):
            return chunk.text[start - base : end - base]
    return ""


def _paragraph(start: int, end: int, body: str, citation: Citation) -> SourceParagraph:
    lo, hi = max(start, citation.char_start), min(end, citation.char_end)
    if lo < hi:
        return SourceParagraph(body, start, cited=True, marks=((lo - start, hi - start),))
    inside = start <= citation.char_start < end or (start == citation.char_start == end)
    return SourceParagraph(body, start, cited=inside)
