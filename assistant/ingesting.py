"""Files -> the index: each file read, parsed, chunked, embedded and written once.

A document is its content: the same bytes under two names are stored once and the
document's record lists both files, so changing or removing one name never unindexes
the other. A changed file's new version is written completely before its old version
is let go, so an interrupted ingest or a bad new version never loses what was indexed.
Chunks of several files are embedded together (the encoder is the bottleneck and
sorts a larger pool by length, which wastes less padding).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from index import CouncilIndex, DocumentRecord
from ingest import (
    SUPPORTED_SUFFIXES,
    Limits,
    chunk_meeting,
    file_digest,
    over_limit,
    parse_meeting,
    read_document,
    record_decisions,
    safe_text,
)
from ingest import display_path as display_path  # public: how the CLI shows a file's name

from .archive import ArchiveCheck, inspect_archive
from .errors import AssistantError, SourceError
from .records import DecisionRecord
from .settings import Settings
from .types import Chunk, RawDocument

STAGES = ("read", "parse", "chunk", "embed", "write")
EMBED_BATCH = 256  # chunks pooled across files per encoder call
_PENDING_CHARS = 20_000_000  # ...or this much extracted text waiting, whichever comes first


@dataclass
class IngestReport:
    """What one ingest run did, with the seconds spent in each stage."""

    ingested: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (file, file already holding it)
    removed: list[str] = field(default_factory=list)  # files gone from disk, forgotten by --prune
    failed: list[tuple[str, str]] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)  # documents --repair ingested again (their files)
    problems: list[str] = field(default_factory=list)  # what the check at the end found wrong, one line each
    restricted: list[tuple[str, str]] = field(default_factory=list)  # (file, what is restricted and why)
    chunks: int = 0
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))

    @property
    def ok(self) -> bool:
        """True when no file failed."""
        return not self.failed

    @contextmanager
    def timing(self, stage: str) -> Iterator[None]:
        """Add the time spent in the block to `stage`."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.stages[stage] += time.perf_counter() - started


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
                kind = safe_text(path.suffix) or "(none)"
                problems.append((display_path(path), f"{safe_text(path.name)}: unsupported file type {kind}"))
        else:
            problems.append((display_path(path), f"{display_path(path)}: no such file or folder"))
    return files, problems


def file_on_disk(source: str) -> Path | None:
    """The file a stored source names, or None when it is gone; a name stored escaped (not UTF-8,
    control characters) is matched against the folder's entries as they would be stored."""
    path = Path(source)
    if path.is_file():
        return path
    if "\\" not in source:
        return None
    found = Path(path.anchor or ".")
    for part in path.parts[1:] if path.anchor else path.parts:
        if (found / part).exists():
            found = found / part
            continue
        try:
            found = next(entry for entry in found.iterdir() if safe_text(entry.name) == part)
        except (OSError, StopIteration):
            return None
    return found if found.is_file() else None


@dataclass
class _Prepared:
    """A file read, parsed and chunked, waiting for the encoder."""

    path: Path
    raw: RawDocument
    chunks: list[Chunk]
    record: DocumentRecord  # what the document's record will say (its files are set when written)
    sources: list[str]
    decisions: list[DecisionRecord]
    restricted: list[str] = field(default_factory=list)  # what is restricted and why, per item


class Ingest:
    """One ingest run over an open index: which files hold which documents, kept in step with Chroma."""

    def __init__(
        self,
        index: CouncilIndex,
        settings: Settings,
        report: IngestReport,
        *,
        on_file: Callable[[Path, str], None] | None = None,
        embed_batch: int = EMBED_BATCH,
    ) -> None:
        self.index = index
        self.settings = settings
        self.report = report
        self.on_file = on_file or (lambda _path, _outcome: None)
        self.embed_batch = embed_batch
        index.vectors.generation()  # a long-lived reader (the page) catches up before it writes
        index.vectors.remove_incomplete()
        self.sources: dict[str, list[str]] = {}  # doc_id -> files holding it, as recorded
        self.holders: dict[str, set[str]] = {}  # file -> doc_ids that list it (one, unless interrupted)
        for document in index.documents():
            doc_id = document.doc_id
            self.sources[doc_id] = list(document.sources)
            for source in self.sources[doc_id]:
                self.holders.setdefault(source, set()).add(doc_id)
        self.pending: dict[str, _Prepared] = {}
        self._pending_chunks = 0
        self._pending_chars = 0

    # -- files -----------------------------------------------------------------------------
    def add_file(self, path: Path) -> None:
        """Index one file, or record it as unchanged, a copy, or failed with its reason.

        Whatever goes wrong with one file (its name, bytes, size, a parser bug) is that file's
        failure; only a fault of the archive or the model stops the run."""
        source = display_path(path.resolve())
        try:
            self._add(path, source)
        except Exception as exc:
            self._fail(path, source, exc)
        if self._pending_chunks >= self.embed_batch or self._pending_chars >= _PENDING_CHARS:
            self.flush()

    def _fail(self, path: Path, source: str, exc: Exception, stage: str = "ingest") -> None:
        if isinstance(exc, AssistantError) and not isinstance(exc, SourceError):
            raise exc  # the archive or the model, not this file
        if isinstance(exc, SourceError):
            reason = str(exc)
        else:
            reason = f"{safe_text(path.name)}: cannot {stage} ({type(exc).__name__}: {exc})"
        self.report.failed.append((source, safe_text(" ".join(reason.split()))))  # one line, always
        self.on_file(path, "failed")

    def _add(self, path: Path, source: str) -> None:
        with self.report.timing("read"):
            digest = self._digest(path)
        if digest in self.sources:
            holders = self.sources[digest]
            if source in holders:
                self.report.unchanged.append(source)
                outcome = "unchanged"
            else:
                self.report.duplicates.append((source, holders[0]))
                self._set_sources(digest, [*holders, source])
                outcome = "copy"
            self._forget_elsewhere(source, keep=digest)
            self.on_file(path, outcome)
            return
        if digest in self.pending:  # a copy of a file earlier in this run
            waiting = self.pending[digest]
            self.report.duplicates.append((source, waiting.sources[0]))
            waiting.sources.append(source)
            self.on_file(path, "copy")
            return
        name = safe_text(path.name)
        limits = Limits(self.settings.ingest, time.monotonic() + self.settings.ingest.max_seconds_per_file)
        with self.report.timing("read"):
            raw = read_document(path, self.settings.ingest, deadline=limits.deadline)
            raw = raw.model_copy(update={"source": source, "doc_id": digest})
        try:
            with self.report.timing("parse"):
                meeting = parse_meeting(raw)
            limits.check_time()
            with self.report.timing("chunk"):
                chunks = chunk_meeting(meeting, self.settings.ingest)
                decisions = record_decisions(meeting, chunks)
            limits.check("chunks", len(chunks), "max_chunks_per_file")
        except SourceError as exc:
            raise SourceError(f"{name}: {exc}") from exc
        except Exception as exc:  # a parser bug on one odd file must not stop a long ingest
            raise SourceError(f"{name}: cannot split into paragraphs ({type(exc).__name__}: {exc})") from exc
        if not chunks:
            raise SourceError(f"{name}: no paragraphs of text found")
        record = DocumentRecord(
            doc_id=raw.doc_id,
            sources=(source,),
            council=meeting.council,
            body=meeting.body,
            meeting_date=meeting.meeting_date,
            doc_type=meeting.doc_type,
            access=meeting.access,  # restricted when any part is: the original file holds it
            chunks=len(chunks),
            decisions=len(decisions),
            format=raw.format,
            ingested_at=datetime.now(UTC).replace(microsecond=0),
        )
        restricted = meeting.restricted
        self.pending[digest] = _Prepared(path, raw, chunks, record, [source], decisions, restricted)
        self._pending_chunks += len(chunks)
        self._pending_chars += len(raw.text)

    def _digest(self, path: Path) -> str:
        """The file's content id; a file over the size limit is refused before it is read."""
        limit = self.settings.ingest.max_file_bytes
        try:
            size = path.stat().st_size
            if size > limit:
                raise SourceError(
                    f"{safe_text(path.name)}: {over_limit('bytes', size, limit, 'max_file_bytes')}"
                )
            return file_digest(path.read_bytes())
        except OSError as exc:
            raise SourceError(f"{safe_text(path.name)}: cannot read file ({exc.strerror or exc})") from exc

    def flush(self) -> None:
        """Embed the waiting files' chunks together, then write each file's document."""
        if not self.pending:
            return
        waiting = list(self.pending.values())
        self.pending.clear()
        self._pending_chunks = self._pending_chars = 0
        with self.report.timing("embed"):
            try:
                vectors = self.index.embed_chunks([c for p in waiting for c in p.chunks])
                parts: list[list[list[float]] | None] = []
                for prepared in waiting:
                    parts.append(vectors[: len(prepared.chunks)])
                    vectors = vectors[len(prepared.chunks) :]
            except AssistantError:
                raise  # the model itself failed: every file would
            except Exception:  # something in one file's text: embed them one by one to find it
                parts = [self._embed_alone(prepared) for prepared in waiting]
        for prepared, part in zip(waiting, parts, strict=True):
            if part is None:
                continue
            with self.report.timing("write"):
                try:
                    self._write(prepared, part)
                except Exception as exc:
                    self._fail(prepared.path, prepared.sources[0], exc, "write")
                    self._discard(prepared.raw.doc_id)
                    continue
            self.on_file(prepared.path, "ingested")

    def _embed_alone(self, prepared: _Prepared) -> list[list[float]] | None:
        try:
            return self.index.embed_chunks(prepared.chunks)
        except Exception as exc:
            self._fail(prepared.path, prepared.sources[0], exc, "embed")
            return None

    def _discard(self, doc_id: str) -> None:
        """Remove what a failed write left of a document (the next ingest would, too)."""
        try:
            self.index.vectors.delete_document(doc_id)
        except Exception:  # the clean-up at the next start removes it anyway
            pass

    def _write(self, prepared: _Prepared, vectors: Sequence[Sequence[float]]) -> None:
        doc_id = prepared.raw.doc_id
        record = replace(prepared.record, sources=tuple(prepared.sources))
        self.index.add_document(prepared.raw, prepared.chunks, record, vectors, prepared.decisions)
        self.sources[doc_id] = list(prepared.sources)
        for source in prepared.sources:
            self.holders.setdefault(source, set()).add(doc_id)
            self._forget_elsewhere(source, keep=doc_id)  # the file's old version, if it changed
        self.report.ingested.append(prepared.sources[0])
        self.report.restricted.extend((prepared.sources[0], why) for why in prepared.restricted)
        self.report.chunks += len(prepared.chunks)

    # -- bookkeeping -----------------------------------------------------------------------
    def _set_sources(self, doc_id: str, sources: list[str]) -> None:
        self.index.vectors.set_sources(doc_id, sources)
        before = self.sources.pop(doc_id, [])
        for source in before:
            self.holders.get(source, set()).discard(doc_id)
        if sources:
            self.sources[doc_id] = sources
            for source in sources:
                self.holders.setdefault(source, set()).add(doc_id)

    def _forget_elsewhere(self, source: str, keep: str | None = None) -> None:
        """Drop `source` from every document but `keep`; a document no file holds goes."""
        for doc_id in sorted(self.holders.get(source, set()) - {keep}):
            self._set_sources(doc_id, [s for s in self.sources.get(doc_id, []) if s != source])

    def redo(self, check: ArchiveCheck) -> list[Path]:
        """Treat the documents `check` found wrong as not yet indexed; return their files to ingest again."""
        if any(p.source == "keyword index" or "keyword index" in p.what for p in check.problems):
            self.index.forget_keyword()
        again: list[Path] = []
        for doc_id, source in check.damaged_documents.items():
            self.sources.pop(doc_id, None)  # so its file is read and written afresh, not skipped
            path = file_on_disk(source)
            if path is not None:
                again.append(path)
                self.report.repaired.append(source)
            else:
                name = Path(source).name
                self.report.failed.append((source, f"{name}: cannot repair: the file is no longer on disk"))
        return again

    def prune(self, roots: Sequence[Path]) -> list[str]:
        """Forget indexed files under `roots` that are no longer on disk; return them."""
        resolved = [Path(display_path(root.resolve())) for root in roots]
        gone = [
            source
            for source in sorted(self.holders)
            if self.holders[source]
            and any(Path(source).is_relative_to(root) for root in resolved)
            and file_on_disk(source) is None
        ]
        with self.report.timing("write"):
            for source in gone:
                self._forget_elsewhere(source)
        self.report.removed.extend(gone)
        return gone


def run_ingest(
    index: CouncilIndex,
    paths: Sequence[Path],
    settings: Settings,
    *,
    files: tuple[list[Path], list[tuple[str, str]]] | None = None,
    prune: bool = False,
    on_file: Callable[[Path, str], None] | None = None,
    embed_batch: int = EMBED_BATCH,
    repair: bool = False,
) -> IngestReport:
    """Ingest files and folders into `index`; with `prune`, forget files under `paths` that are gone.

    Ends with the cheap part of the archive check (chunk counts against records, chunks with no
    record) and lists what it finds in `report.problems`.

    Args:
        files: what `collect_files(paths)` returned, when the caller already expanded the paths.
        repair: also ingest again, from their files, the documents `inspect_archive` finds wrong.
    """
    started = time.perf_counter()
    report = IngestReport()
    found, problems = files if files is not None else collect_files(paths)
    with index.lock():  # one writer at a time; the clean-up in Ingest() relies on it
        damaged = inspect_archive(index) if repair else None  # before Ingest() clears leftovers
        run = Ingest(index, settings, report, on_file=on_file, embed_batch=embed_batch)
        if damaged is not None:
            found = [*found, *run.redo(damaged)]
        seen: set[Path] = set()
        try:
            for path in found:
                if path.resolve() in seen:  # named twice (a folder and a file in it, or a symlink)
                    continue
                seen.add(path.resolve())
                run.add_file(path)
        except KeyboardInterrupt:
            run.flush()  # stopped during one file: the files read before it still go in (issue 15)
            raise
        run.flush()
        if prune:
            # after adding, so a renamed file is recorded under its new name before the old one goes
            gone = [Path(source) for source in run.prune(paths)]
            pruned_roots = {str(p) for p in paths if any(g.is_relative_to(p.resolve()) for g in gone)}
            problems = [(s, r) for s, r in problems if s not in pruned_roots]  # a folder deleted on purpose
        report.problems = [p.line for p in inspect_archive(index, thorough=False).problems]
    report.failed[:0] = problems
    report.seconds = time.perf_counter() - started
    return report
