"""Domain types shared by every layer: documents, meetings, chunks, citations, answers.

Like `settings` and `errors` it imports nothing from the project but `assistant.text` (which imports
nothing); how a type is stored (Chroma metadata) is `index/`'s business, not theirs. SEE: issue 13.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .text import short_body, short_council, short_title, shorten

DocType = Literal["minutes", "report", "agenda", "transcript"]
DOC_TYPES: tuple[str, ...] = ("minutes", "report", "agenda", "transcript")
# who may read a record: `public` (anyone) or `restricted` (exempt / Part II / confidential
# business: members and officers only). A caller's access is the most it may see.
AccessLevel = Literal["public", "restricted"]
ACCESS_LEVELS: tuple[str, ...] = ("public", "restricted")


def may_see(caller: AccessLevel, record: str | None) -> bool:
    """True when a caller with `caller` access may see a record classified `record`; a record
    with no classification (indexed before access levels) counts as restricted."""
    return caller == "restricted" or record == "public"


class Citation(BaseModel):
    """Where a passage came from, precisely enough to reopen it, and how the council numbers it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    doc_id: str = Field(description="Stable id of the source document (hash of its bytes)")
    source: str = Field(description="Path or URL of the original document")
    council: str | None = Field(None, description="Council the records belong to")
    body: str | None = Field(None, description="Committee or panel that met; None when unknown")
    meeting_date: date | None = Field(None, description="Date of the meeting recorded")
    doc_type: DocType | None = Field(None, description="minutes, report, agenda or transcript")
    title: str | None = Field(None, description="The document's title, e.g. a report's subject")
    agenda_item: str | None = Field(
        None, description='e.g. "14. Update from the Trust"; in a report, its own section'
    )
    meeting_item: str | None = Field(
        None, description='For a report: the number of the agenda item it went to, e.g. "6"'
    )
    paragraph: int = Field(
        ge=1, description="1-based ordinal of the block in the document (chunk ids use it)"
    )
    item_paragraph: int | None = Field(
        None, ge=1, description="1-based number of the paragraph within its agenda item, headings not counted"
    )
    para_number: str | None = Field(None, description='The document\'s own paragraph number, e.g. "2.2"')
    char_start: int = Field(ge=0, description="Start of the cited text in the extracted text")
    char_end: int = Field(ge=0, description="End (exclusive) of the cited text")
    page: int | None = Field(None, ge=1, description="1-based PDF page of the cited text")
    access: AccessLevel = Field(
        "public", description="public, or restricted (exempt / Part II / confidential business)"
    )

    @property
    def item_number(self) -> str | None:
        """The agenda item's number ("14", "3a") when the item has one."""
        if not self.agenda_item:
            return None
        head = self.agenda_item.split(maxsplit=1)[0].rstrip(".)")
        return head if head[:1].isdigit() else None

    @property
    def label(self) -> str:
        """A reference in the council's own numbering, e.g. "Cabinet, 18 Jan 2024, item 6, para 4"."""
        return self.label_for(show_council=False)

    def label_for(self, show_council: bool) -> str:
        """The label, naming the council too when `show_council` (an archive of several councils):
        "Cabinet, 18 Jan 2024, report 'Mill Lane Cycle Lane' (item 6), para 2.2". The paragraph is
        the document's own number, else its place in the item (headings not counted)."""
        who = self._who(show_council)
        when = f"{self.meeting_date.day} {self.meeting_date:%b %Y}" if self.meeting_date else None
        parts = [p for p in (who, when) if p]
        if self.doc_type == "report":
            title = f" '{short_title(self.title)}'" if self.title else ""
            item = f" (item {self.meeting_item})" if self.meeting_item else ""
            parts += [f"report{title}{item}", *([] if self.para_number else self._item_part("section"))]
        else:
            parts += [self.doc_type] if self.doc_type and self.doc_type != "minutes" else []
            parts += self._item_part("item")
        if not (who or when):
            parts.append(self.source.replace("\\", "/").rsplit("/", 1)[-1])
        parts.append(f"para {self.para_number or self.item_paragraph or self.paragraph}")
        label = ", ".join(parts + ([f"p. {self.page}"] if self.page is not None else []))
        return f"{label} (restricted)" if self.access == "restricted" else label

    def _who(self, show_council: bool) -> str | None:
        body = short_body(self.body) if self.body else None
        if self.council and (body in (None, "Full Council") or show_council):
            # a meeting of the council itself is named by the council: "Full Council" alone
            # would read as the meeting of whichever council the reader has in mind
            return (
                self.council if body in (None, "Full Council") else f"{short_council(self.council)}, {body}"
            )
        return body

    def _item_part(self, word: str) -> list[str]:
        if self.item_number:
            return [f"{word} {self.item_number}"]
        if self.agenda_item:
            return [f'{word} "{shorten(self.agenda_item, 40)}"']
        return []


class RawDocument(BaseModel):
    """A file's extracted text, before any structure is found in it."""

    doc_id: str = Field(description="Hash of the file's bytes")
    source: str
    format: str = Field(description="txt, md, html, pdf or docx")
    text: str = Field(description="Extracted text; every citation offset points into it")
    title: str | None = Field(None, description="Title from the file's own metadata, if any")
    page_starts: list[int] = Field(
        default_factory=list, description="Offset in `text` where each PDF page starts"
    )
    meta: dict[str, str] = Field(
        default_factory=dict,
        description="council, body, meeting_date, doc_type or title given beside the file "
        "(a .meta.json or manifest.jsonl sidecar); they override what the text says",
    )

    def page_at(self, offset: int) -> int | None:
        """The 1-based page holding `offset`, or None for documents without pages."""
        if not self.page_starts:
            return None
        page = 0
        for i, start in enumerate(self.page_starts):
            if start <= offset:
                page = i
        return page + 1


class Paragraph(BaseModel):
    """A numbered paragraph of a meeting document."""

    number: int = Field(ge=1)
    text: str
    char_start: int
    char_end: int
    page: int | None = None
    decision: Decision | None = Field(None, description="The decision this paragraph helps record")
    access: AccessLevel = Field("public", description="public, or restricted (ingest/access.py)")
    access_reason: str | None = Field(None, description="Why it is restricted, in words")


class AgendaItem(BaseModel):
    """An agenda item (or report section) with its paragraphs."""

    number: str | None = Field(None, description='"14", "3a"; None for untitled preamble')
    title: str | None = None
    paragraphs: list[Paragraph] = Field(default_factory=list)

    @property
    def label(self) -> str | None:
        """The item as cited: "14. Title", or just the title or number."""
        if self.number and self.title:
            return f"{self.number}. {self.title}"
        return self.title or self.number

    @property
    def access(self) -> AccessLevel:
        """restricted when any of its paragraphs is."""
        return "restricted" if any(p.access == "restricted" for p in self.paragraphs) else "public"


class Meeting(BaseModel):
    """One document's meeting and its structure: who met, when, and what was said."""

    doc_id: str
    source: str
    text: str
    council: str | None = None
    body: str | None = None
    meeting_date: date | None = None
    doc_type: DocType | None = None
    title: str | None = Field(None, description="The document's title, e.g. a report's subject")
    meeting_item: str | None = Field(
        None, description='For a report: the number of the agenda item it went to, e.g. "6"'
    )
    items: list[AgendaItem] = Field(default_factory=list)

    @property
    def access(self) -> AccessLevel:
        """restricted when any of its items is: its original file holds restricted text."""
        return "restricted" if any(i.access == "restricted" for i in self.items) else "public"

    @property
    def restricted(self) -> list[str]:
        """What is restricted and why, one line per agenda item: "item 8 Disposal of Land: 'PART II'"."""
        out: list[str] = []
        for item in self.items:
            reasons = list(
                dict.fromkeys(
                    p.access_reason or "restricted" for p in item.paragraphs if p.access == "restricted"
                )
            )
            if reasons:
                out.append(f"{'item ' + item.label if item.label else 'preamble'}: {'; '.join(reasons)}")
        return out

    @property
    def label(self) -> str:
        """e.g. "Planning Committee, 14 Mar 2024"."""
        parts = [self.body or self.council or self.source.rsplit("/", 1)[-1]]
        if self.meeting_date:
            parts.append(f"{self.meeting_date.day} {self.meeting_date:%b %Y}")
        return ", ".join(parts)


DecisionKind = Literal["resolution", "motion", "amendment", "nomination", "recommendation"]
Outcome = Literal["carried", "lost", "agreed", "deferred", "noted", "withdrawn"]
DECISION_KINDS: tuple[str, ...] = ("resolution", "motion", "amendment", "nomination", "recommendation")
OUTCOMES: tuple[str, ...] = ("carried", "lost", "agreed", "deferred", "noted", "withdrawn")


class Decision(BaseModel):
    """A decision a chunk records: who moved and seconded it and how it ended (stored as data beside
    the chunk, so decisions can be queried: every motion Councillor X moved that was lost)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: DecisionKind = Field(description="resolution, motion, amendment, nomination or recommendation")
    mover: str | None = Field(None, description='Who proposed it, as written: "Councillor Nazir"')
    seconder: str | None = Field(None, description="Who seconded it, as written")
    outcome: Outcome | None = Field(
        None, description="carried, lost, agreed, deferred, noted or withdrawn; None when not stated"
    )


# a later paragraph of a merged chunk: offset into its text, paragraph ordinal, page, number
# within the agenda item and the document's own number ("2.2")
Part = tuple[int, int, int | None, int | None, str | None]


class Chunk(BaseModel):
    """A paragraph-aligned passage with the one citation it rests on."""

    id: str
    text: str = Field(description="Exactly the extracted text at the citation's offsets")
    citation: Citation
    context: str = Field("", description="Meeting and agenda item title, for retrieval only")
    decision: Decision | None = Field(None, description="The decision the passage records, if any")
    later_paragraphs: list[Part] = Field(
        default_factory=list,
        description="In a merged chunk, (offset into text, paragraph ordinal, page, number within "
        "the item, own number) of each paragraph after the first",
    )

    def cite(self, start: int, end: int) -> Citation:
        """The citation of `text[start:end]`: its own offsets, paragraph and page."""
        update: dict[str, Any] = {
            "char_start": self.citation.char_start + start,
            "char_end": self.citation.char_start + end,
        }
        for offset, number, page, in_item, own in self.later_paragraphs:
            if offset <= start:
                update["paragraph"], update["page"] = number, page if page is not None else self.citation.page
                update["item_paragraph"], update["para_number"] = in_item, own
        return self.citation.model_copy(update=update)


class ScoredChunk(BaseModel):
    """A retrieved chunk with its fused score and the ranks that produced it."""

    chunk: Chunk
    score: float
    dense_rank: int | None = None
    keyword_rank: int | None = None
    similarity: float | None = Field(None, description="Cosine similarity to the question")


class Filters(BaseModel):
    """Metadata filters a question may carry."""

    model_config = ConfigDict(frozen=True)

    body: str | None = None
    since: date | None = None
    until: date | None = None
    doc_type: DocType | None = None
    council: str | None = Field(None, description="Only this council's records (exactly as indexed)")
    access: AccessLevel = Field(
        "public", description="The caller's access: public callers never see restricted records"
    )

    def is_empty(self) -> bool:
        """True when no filter is set (the caller's access is not a filter the answer names)."""
        return not any((self.body, self.since, self.until, self.doc_type, self.council))


class AnswerSentence(BaseModel):
    """One sentence of an answer and the citation that supports it."""

    text: str = Field(description="The sentence as shown, whitespace tidied")
    quote: str = Field(description="Exactly the extracted text at the citation's offsets")
    citation: Citation
    marker: int = Field(1, ge=1, description="The number of its source in the answer's sources list")


class Answer(BaseModel):
    """An answer: cited sentences, or a plain refusal with related passages."""

    question: str
    text: str
    resolved_question: str | None = Field(
        None, description="The question as answered when it followed on from earlier turns"
    )
    sentences: list[AnswerSentence] = Field(default_factory=list)
    short_answer: AnswerSentence | None = Field(
        None, description="The fact asked for (a name, a sum, a date, an outcome), verbatim with its offsets"
    )
    refused: bool = False
    retrieved: list[ScoredChunk] = Field(
        default_factory=list, description="Every passage retrieved for the question, best first"
    )
    note: str | None = Field(None, description="Shown beside the answer, e.g. why the LLM was not used")
    show_council: bool = Field(False, description="Labels name the council (the archive holds several)")
    filters: Filters | None = Field(None, description="The filters the passages were retrieved under")
    flagged: list[AnswerSentence] = Field(
        default_factory=list,
        description="Retrieved sentences that give orders to the reader instead of recording a meeting "
        '("ignore previous instructions..."): never used as answers, shown so they can be checked',
    )

    @property
    def related(self) -> list[ScoredChunk]:
        """The nearest passages, shown as "related, not an answer" beside a refusal."""
        return self.retrieved[:3] if self.refused else []

    @property
    def sources(self) -> list[tuple[int, Citation]]:
        """The numbered sources list: each marker once, with the citation it stands for."""
        seen: dict[int, Citation] = {}
        for s in self.sentences:
            seen.setdefault(s.marker, s.citation)
        return sorted(seen.items())

    @property
    def citations(self) -> list[Citation]:
        """The citations of the answer's sentences, in order, without repeats."""
        seen: dict[tuple[str, int, int], Citation] = {}
        for s in self.sentences:
            c = s.citation
            seen.setdefault((c.doc_id, c.char_start, c.char_end), c)
        return list(seen.values())


Paragraph.model_rebuild()
AgendaItem.model_rebuild()
Meeting.model_rebuild()
