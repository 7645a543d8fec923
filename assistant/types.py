"""Domain types shared by every layer: documents, meetings, chunks, citations, answers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

DocType = Literal["minutes", "report", "agenda", "transcript"]
DOC_TYPES: tuple[str, ...] = ("minutes", "report", "agenda", "transcript")

_CITATION_INT_FIELDS = ("paragraph", "char_start", "char_end", "page")


class Citation(BaseModel):
    """Where a passage came from, precisely enough to reopen it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    doc_id: str = Field(description="Stable id of the source document (hash of its bytes)")
    source: str = Field(description="Path or URL of the original document")
    council: str | None = Field(None, description="Council the records belong to")
    body: str | None = Field(None, description="Committee or panel that met; None when unknown")
    meeting_date: date | None = Field(None, description="Date of the meeting recorded")
    doc_type: DocType | None = Field(None, description="minutes, report, agenda or transcript")
    agenda_item: str | None = Field(None, description='e.g. "14. Update from the Trust"')
    paragraph: int = Field(ge=1, description="1-based ordinal of the paragraph in the document")
    char_start: int = Field(ge=0, description="Start of the cited text in the extracted text")
    char_end: int = Field(ge=0, description="End (exclusive) of the cited text")
    page: int | None = Field(None, ge=1, description="1-based PDF page of the cited text")

    @property
    def item_number(self) -> str | None:
        """The agenda item's number ("14", "3a") when the item has one."""
        if not self.agenda_item:
            return None
        head = self.agenda_item.split(maxsplit=1)[0].rstrip(".)")
        return head if head[:1].isdigit() else None

    @property
    def label(self) -> str:
        """A readable reference, e.g. "Planning Committee, 14 Mar 2024, item 5, para 3"."""
        parts: list[str] = []
        if self.body:
            parts.append(self.body)
        elif self.council:
            parts.append(self.council)
        if self.meeting_date:
            parts.append(f"{self.meeting_date.day} {self.meeting_date:%b %Y}")
        if self.doc_type and self.doc_type != "minutes":
            parts.append(self.doc_type)
        if self.item_number:
            parts.append(f"item {self.item_number}")
        elif self.agenda_item:
            parts.append(f'item "{_shorten(self.agenda_item, 40)}"')
        if not (self.body or self.council or self.meeting_date):
            parts.append(self.source.rsplit("/", 1)[-1])
        parts.append(f"para {self.paragraph}")
        if self.page is not None:
            parts.append(f"p. {self.page}")
        return ", ".join(parts)

    def to_metadata(self) -> dict[str, str | int]:
        """Flat metadata for Chroma; None values are dropped."""
        out: dict[str, str | int] = {}
        for key, value in self.model_dump().items():
            if value is None:
                continue
            out[key] = value.isoformat() if isinstance(value, date) else value
        return out

    @classmethod
    def from_metadata(cls, meta: Mapping[str, Any]) -> Citation:
        """Rebuild a citation from Chroma metadata, ignoring keys that are not its fields."""
        fields = {k: meta[k] for k in cls.model_fields if k in meta and meta[k] is not None}
        for key in _CITATION_INT_FIELDS:
            if key in fields:
                fields[key] = int(fields[key])
        return cls.model_validate(fields)


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


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


class Meeting(BaseModel):
    """One document's meeting and its structure: who met, when, and what was said."""

    doc_id: str
    source: str
    text: str
    council: str | None = None
    body: str | None = None
    meeting_date: date | None = None
    doc_type: DocType | None = None
    items: list[AgendaItem] = Field(default_factory=list)

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
_DECISION_KEYS = {"kind": "decision_kind", "mover": "mover", "seconder": "seconder", "outcome": "outcome"}


class Decision(BaseModel):
    """A decision a chunk records: who moved and seconded it and how it ended.

    Stored flat in Chroma metadata (`decision_kind`, `mover`, `seconder`, `outcome`), so
    decisions can be queried as data, e.g. every motion Councillor X moved that was lost.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: DecisionKind = Field(description="resolution, motion, amendment, nomination or recommendation")
    mover: str | None = Field(None, description='Who proposed it, as written: "Councillor Nazir"')
    seconder: str | None = Field(None, description="Who seconded it, as written")
    outcome: Outcome | None = Field(
        None, description="carried, lost, agreed, deferred, noted or withdrawn; None when not stated"
    )

    def to_metadata(self) -> dict[str, str]:
        """Flat metadata keys; None values are dropped."""
        return {key: getattr(self, f) for f, key in _DECISION_KEYS.items() if getattr(self, f) is not None}

    @classmethod
    def from_metadata(cls, meta: Mapping[str, Any]) -> Decision | None:
        """The decision stored in Chroma metadata, or None when the chunk records none."""
        if not meta.get("decision_kind"):
            return None
        return cls.model_validate({f: meta[k] for f, k in _DECISION_KEYS.items() if meta.get(k)})


class Chunk(BaseModel):
    """A paragraph-aligned passage with the one citation it rests on."""

    id: str
    text: str = Field(description="Exactly the extracted text at the citation's offsets")
    citation: Citation
    context: str = Field("", description="Meeting and agenda item title, for retrieval only")
    decision: Decision | None = Field(None, description="The decision the passage records, if any")
    later_paragraphs: list[tuple[int, int, int | None]] = Field(
        default_factory=list,
        description="In a merged chunk, (offset into text, paragraph number, page) of each "
        "paragraph after the first",
    )

    def cite(self, start: int, end: int) -> Citation:
        """The citation of `text[start:end]`: its own offsets, paragraph and page."""
        update: dict[str, Any] = {
            "char_start": self.citation.char_start + start,
            "char_end": self.citation.char_start + end,
        }
        for offset, number, page in self.later_paragraphs:
            if offset <= start:
                update["paragraph"], update["page"] = number, page if page is not None else self.citation.page
        return self.citation.model_copy(update=update)

    def parts_metadata(self) -> str:
        """`later_paragraphs` as one Chroma metadata string, e.g. "120:14:2;260:15:"."""
        return ";".join(f"{o}:{n}:{'' if p is None else p}" for o, n, p in self.later_paragraphs)

    @staticmethod
    def parse_parts(value: str) -> list[tuple[int, int, int | None]]:
        """Read `parts_metadata` back."""
        parts: list[tuple[int, int, int | None]] = []
        for entry in filter(None, value.split(";")):
            offset, number, page = entry.split(":")
            parts.append((int(offset), int(number), int(page) if page else None))
        return parts


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

    def is_empty(self) -> bool:
        """True when no filter is set."""
        return not any((self.body, self.since, self.until, self.doc_type))


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
