"""The public operations: ingest files, ask a question, report what is indexed.

`cli`, `ui` and `evals` call only these (through `assistant/__init__.py`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from index import CouncilIndex, Embedder
from ingest import SUPPORTED_SUFFIXES, chunk_meeting, file_digest, parse_meeting, read_document

from .answer import answer_question
from .conversation import Turn, merge_filters, resolve
from .errors import SourceError
from .generate import generate_answer
from .settings import Settings
from .types import Answer, Filters

SAMPLE_COUNCIL = Path(__file__).parent / "sample_council"

_OPEN: dict[tuple[str, str | None, int, str], CouncilIndex] = {}


def open_index(settings: Settings, embedder: Embedder | None = None) -> CouncilIndex:
    """The archive the settings point at, opened once per process."""
    key = (
        str(settings.data_dir),
        settings.index.chroma_host,
        settings.index.chroma_port,
        settings.index.collection,
    )
    if embedder is not None:
        return CouncilIndex(settings, embedder=embedder)
    if key not in _OPEN:
        _OPEN[key] = CouncilIndex(settings)
    return _OPEN[key]


@dataclass
class IngestReport:
    """What one ingest run did."""

    ingested: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    chunks: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when no file failed."""
        return not self.failed


def collect_files(paths: Iterable[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand folders into supported files; name what can't be ingested and why."""
    files: list[Path] = []
    problems: list[tuple[str, str]] = []
    for path in paths:
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in found.relative_to(path).parts)
                if found.is_file() and not hidden and found.suffix.lower() in SUPPORTED_SUFFIXES:
                    files.append(found)
        elif path.is_file():
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                files.append(path)
            else:
                problems.append((str(path), f"{path.name}: unsupported file type {path.suffix or '(none)'}"))
        else:
            problems.append((str(path), f"{path}: no such file or folder"))
    return files, problems


def ingest_paths(
    paths: Sequence[Path],
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    on_file: Callable[[Path], None] | None = None,
    files: list[Path] | None = None,
) -> IngestReport:
    """Ingest files and folders; a bad file is reported and the rest still go in."""
    started = time.perf_counter()
    index = open_index(settings, embedder)
    report = IngestReport()
    if files is None:
        files, problems = collect_files(paths)
        report.failed.extend(problems)
    index.vectors.remove_incomplete()
    known_sources = {str(meta.get("source")): doc_id for doc_id, meta in index.documents()}
    for path in files:
        source = str(path.resolve())
        try:
            _ingest_file(path, source, settings, index, known_sources, report)
        except SourceError as exc:
            report.failed.append((source, str(exc)))
        if on_file is not None:
            on_file(path)
    report.seconds = time.perf_counter() - started
    return report


def _ingest_file(
    path: Path,
    source: str,
    settings: Settings,
    index: CouncilIndex,
    known_sources: dict[str, str],
    report: IngestReport,
) -> None:
    try:
        digest = file_digest(path.read_bytes())
    except OSError as exc:
        raise SourceError(f"{path.name}: cannot read file ({exc.strerror or exc})") from exc
    if index.vectors.has_document(digest):
        report.unchanged.append(source)
        return
    raw = read_document(path, settings.ingest.max_file_bytes).model_copy(update={"source": source})
    meeting = parse_meeting(raw)
    chunks = chunk_meeting(meeting, settings.ingest)
    if not chunks:
        raise SourceError(f"{path.name}: no paragraphs of text found")
    meta: dict[str, str | int] = {
        "source": source,
        "format": raw.format,
        "chunks": len(chunks),
        "ingested_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    for key in ("council", "body", "doc_type"):
        value = getattr(meeting, key)
        if value:
            meta[key] = value
    if meeting.meeting_date:
        meta["meeting_date"] = meeting.meeting_date.isoformat()
    index.add_document(raw, chunks, meta)
    old = known_sources.get(source)
    if old and old != digest:
        index.vectors.delete_document(old)  # the file changed: its old version goes
    known_sources[source] = digest
    report.ingested.append(source)
    report.chunks += len(chunks)


def ask(
    question: str,
    settings: Settings,
    filters: Filters | None = None,
    k: int | None = None,
    *,
    embedder: Embedder | None = None,
    history: Sequence[Turn] | None = None,
) -> Answer:
    """Answer a question from the indexed records, every sentence cited, or refuse plainly.

    With `history` (the conversation so far, maybe empty) the question is first resolved: a
    follow-up such as "who seconded it?" takes the last turn's topic and filters, dates and bodies
    it names become filters, and `filters` given here override them.
    """
    question = question.strip()
    if not question:
        raise ValueError("The question is empty.")
    index = open_index(settings, embedder)
    resolved = None
    if history is not None:
        bodies = {str(meta["body"]) for _, meta in index.documents() if meta.get("body")}
        resolved, stated = resolve(question, history, sorted(bodies), date.today())
        filters = merge_filters(stated, filters)
    asked = resolved or question
    chunks = index.retrieve(asked, filters or Filters(), k or settings.answer.k)
    answer = answer_question(asked, chunks, settings.answer, index.embedder)
    if settings.llm.enabled:
        answer = generate_answer(asked, chunks, answer, settings.llm, index.embedder)
    return answer.model_copy(update={"question": question, "resolved_question": resolved})


@dataclass
class IndexStatus:
    """What the archive holds."""

    location: str
    documents: int
    meetings: int
    chunks: int
    bodies: list[str]
    first_date: date | None
    last_date: date | None
    by_type: dict[str, int]


def index_status(settings: Settings) -> IndexStatus:
    """Count documents, meetings, bodies, dates and chunks in the archive."""
    index = open_index(settings)
    docs = [meta for _, meta in index.documents()]
    dates = sorted(date.fromisoformat(str(m["meeting_date"])) for m in docs if m.get("meeting_date"))
    meetings = {(m.get("body"), m.get("meeting_date")) for m in docs if m.get("meeting_date")}
    by_type: dict[str, int] = {}
    for m in docs:
        kind = str(m.get("doc_type", "unknown"))
        by_type[kind] = by_type.get(kind, 0) + 1
    return IndexStatus(
        location=index.vectors.location,
        documents=len(docs),
        meetings=len(meetings),
        chunks=index.vectors.count(),
        bodies=sorted({str(m["body"]) for m in docs if m.get("body")}),
        first_date=dates[0] if dates else None,
        last_date=dates[-1] if dates else None,
        by_type=by_type,
    )


def is_empty(settings: Settings) -> bool:
    """True when nothing has been ingested yet."""
    return not open_index(settings).documents()


def ensure_sample_council(settings: Settings, embedder: Embedder | None = None) -> IngestReport | None:
    """Index the bundled sample council when the archive is empty; None when it was not."""
    index = open_index(settings, embedder)
    if index.documents():
        return None
    return ingest_paths([SAMPLE_COUNCIL], settings, embedder=embedder)
