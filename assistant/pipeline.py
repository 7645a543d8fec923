"""The public operations: ingest files, ask a question, report what is indexed.

`cli`, `ui` and `evals` call only these (through `assistant/__init__.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from index import CouncilIndex, Embedder

from .answer import answer_question
from .conversation import Turn, merge_filters, resolve
from .errors import IndexMissingError
from .generate import generate_answer
from .ingesting import EMBED_BATCH, IngestReport, collect_files, run_ingest
from .settings import Settings
from .types import Answer, Filters

SAMPLE_COUNCIL = Path(__file__).parent / "sample_council"

__all__ = [
    "EMBED_BATCH",
    "SAMPLE_COUNCIL",
    "IndexStatus",
    "IngestReport",
    "ask",
    "collect_files",
    "ensure_sample_council",
    "index_status",
    "ingest_paths",
    "is_empty",
    "open_index",
]

_OPEN: dict[tuple[str, str | None, int, str], CouncilIndex] = {}
_CREATED: set[str] = set()  # archive files this process created (so may fill with the sample council)


def open_index(settings: Settings, embedder: Embedder | None = None) -> CouncilIndex:
    """The archive the settings point at, opened once per process."""
    key = (
        str(settings.data_dir),
        settings.index.chroma_host,
        settings.index.chroma_port,
        settings.index.collection,
    )
    archive = _archive_file(settings)
    fresh = archive is not None and not archive.exists()
    if embedder is not None:
        index = CouncilIndex(settings, embedder=embedder)
    elif key in _OPEN:
        return _OPEN[key]
    else:
        index = _OPEN[key] = CouncilIndex(settings)
    if fresh:
        _CREATED.add(str(archive))
    return index


def _archive_file(settings: Settings) -> Path | None:
    """The embedded archive's database file (None with a Chroma server)."""
    return None if settings.index.chroma_host else settings.data_dir / "chroma" / "chroma.sqlite3"


def ingest_paths(
    paths: Sequence[Path],
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    on_file: Callable[[Path, str], None] | None = None,
    files: tuple[list[Path], list[tuple[str, str]]] | None = None,
    prune: bool = False,
    embed_batch: int = EMBED_BATCH,
    repair: bool = False,
) -> IngestReport:
    """Ingest files and folders; a bad file is reported and the rest still go in.

    Args:
        on_file: called with each file and its outcome ("ingested", "unchanged", "copy", "failed").
        files: `collect_files(paths)`, when the caller already expanded the paths.
        prune: forget indexed files under `paths` that are no longer on disk.
        embed_batch: chunks pooled across files per encoder call.
        repair: also ingest again the documents `check_archive` finds wrong.
    """
    index = open_index(settings, embedder)
    return run_ingest(
        index,
        paths,
        settings,
        files=files,
        prune=prune,
        on_file=on_file,
        embed_batch=embed_batch,
        repair=repair,
    )


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
    docs = index.documents()
    bodies = sorted({str(meta["body"]) for _, meta in docs if meta.get("body")})
    councils = {str(meta["council"]) for _, meta in docs if meta.get("council")}
    resolved = None
    if history is not None:
        resolved, stated = resolve(question, history, bodies, date.today())
        filters = merge_filters(stated, filters)
    asked = resolved or question
    chunks = index.retrieve(asked, filters or Filters(), k or settings.answer.k)
    keyword = index.keyword()
    answer = answer_question(asked, chunks, settings.answer, index.embedder, keyword.rarity, bodies)
    if settings.llm.enabled:
        answer = generate_answer(asked, chunks, answer, settings.llm, index.embedder)
    update = {"question": question, "resolved_question": resolved, "show_council": len(councils) > 1}
    return answer.model_copy(update=update)


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


def ensure_sample_council(
    settings: Settings, embedder: Embedder | None = None, on_start: Callable[[], None] | None = None
) -> IngestReport | None:
    """Index the bundled sample council into a new, empty archive; None when the archive holds documents.

    An archive file that was already there (even an empty or zero-byte one) is never filled with the
    fictional council: that raises IndexMissingError instead. SEE: issue 15.

    Args:
        on_start: called just before the sample council is indexed (to say so).
    """
    archive = _archive_file(settings)
    existed = archive is not None and archive.exists() and str(archive) not in _CREATED
    index = open_index(settings, embedder)
    if index.documents():
        return None
    if existed:
        raise IndexMissingError(
            f"The archive at {archive} holds no documents (the sample council is added only to a new "
            f"archive). Run: councilqa ingest PATH (or: councilqa ingest {SAMPLE_COUNCIL})"
        )
    if on_start is not None:
        on_start()
    return ingest_paths([SAMPLE_COUNCIL], settings, embedder=embedder)
