"""Files -> the index: each file read, parsed, chunked, embedded and written once.

A document is its content: the same bytes under two names are stored once and the
document's record lists both files, so changing or removing one name never unindexes
the other. A changed file's new version is written completely before its old version
is let go, so an interrupted ingest or a bad new version never loses what was indexed.
Chunks of several files are embedded together (the encoder is the bottleneck and
sorts a larger pool by length, which wastes less padding), and their documents are
written to Chroma in one batch. `assistant.ingest_flow` runs the stages at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from index import CouncilIndex, DocumentRecord, DocumentWrite
from ingest import (
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

from .archive import ArchiveCheck
from .errors import AssistantError, SourceError
from .ingest_files import IngestReport, file_on_disk
from .ingest_files import timed as _timed
from .records import DecisionRecord
from .settings import Settings
from .types import Chunk, RawDocument

EMBED_BATCH = 256  # chunks pooled across files per encoder call
_PENDING_CHARS = 20_000_000  # ...or this much extracted text waiting, whichever comes first


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


@dataclass
class FileRead:
    """One file as the reader hands it over: its content id and, unless that is indexed already,
    the file read, parsed and chunked, or why it could not be."""

    path: Path
    source: str
    digest: str = ""
    prepared: _Prepared | None = None
    error: BaseException | None = None  # a KeyboardInterrupt too: the run stops after what came before
    seconds: dict[str, float] = field(default_factory=dict)


Vectors = list[list[float]]


class Ingest:
    """One ingest run over an open index: which files hold which documents, kept in step with Chroma.

    The stages can run at once (`assistant.ingest_flow`): `read` may be called from a reader thread
    and `embed` from an encoder thread; everything that reads or changes the bookkeeping or writes
    to Chroma (`accept`, `write`, `flush`) runs on one thread, in the order of the files."""

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
        self.pending: dict[str, _Prepared] = {}  # read but not yet written (pooled or at the encoder)
        self.pool: list[_Prepared] = []  # the next encoder batch, still filling
        self._pool_chunks = 0
        self._pool_chars = 0

    # -- files -----------------------------------------------------------------------------
    def read(self, path: Path) -> FileRead:
        """Hash the file and, unless its content is indexed already, read, parse and chunk it.

        Touches no bookkeeping (it may run in a thread of its own); whatever goes wrong is kept in
        the result, for `accept` to record in the order of the files."""
        try:
            source = display_path(path.resolve())
        except (OSError, RuntimeError):  # a link that loops or a folder that went away
            source = display_path(path)
        item = FileRead(path, source)
        try:
            with _timed(item.seconds, "read"):
                item.digest = self._digest(path)
            if item.digest not in self.sources and item.digest not in self.pending:  # else a copy
                item.prepared = self._prepare(path, item.source, item.digest, item.seconds)
        except BaseException as exc:
            item.error = exc
        return item

    def accept(self, item: FileRead) -> None:
        """Record what `read` found: unchanged, a copy, failed, or a document waiting for the encoder.

        Whatever goes wrong with one file (its name, bytes, size, a parser bug) is that file's
        failure; only a fault of the archive or the model stops the run."""
        for stage, secs in item.seconds.items():
            self.report.stages[stage] += secs
        if item.error is not None and not isinstance(item.error, Exception):
            raise item.error  # Ctrl-C while the file was read: stop after the files before it
        try:
            if item.error is not None:
                raise item.error
            self._accept(item)
        except Exception as exc:
            self._fail(item.path, item.source, exc)

    def _accept(self, item: FileRead) -> None:
        path, source, digest = item.path, item.source, item.digest
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
        # not read ahead when its content was indexed then, and no longer is (its file changed)
        prepared = item.prepared or self._prepare(path, source, digest, self.report.stages)
        self.pending[digest] = prepared
        self.pool.append(prepared)
        self._pool_chunks += len(prepared.chunks)
        self._pool_chars += len(prepared.raw.text)

    def _fail(self, path: Path, source: str, exc: Exception, stage: str = "ingest") -> None:
        if isinstance(exc, AssistantError) and not isinstance(exc, SourceError):
            raise exc  # the archive or the model, not this file
        if isinstance(exc, SourceError):
            reason = str(exc)
        else:
            reason = f"{safe_text(path.name)}: cannot {stage} ({type(exc).__name__}: {exc})"
        self.report.failed.append((source, safe_text(" ".join(reason.split()))))  # one line, always
        self.on_file(path, "failed")

    def _prepare(self, path: Path, source: str, digest: str, seconds: dict[str, float]) -> _Prepared:
        name = safe_text(path.name)
        limits = Limits(self.settings.ingest, time.monotonic() + self.settings.ingest.max_seconds_per_file)
        with _timed(seconds, "read"):
            raw = read_document(path, self.settings.ingest, deadline=limits.deadline)
            raw = raw.model_copy(update={"source": source, "doc_id": digest})
        try:
            with _timed(seconds, "parse"):
                meeting = parse_meeting(raw)
            limits.check_time()
            with _timed(seconds, "chunk"):
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
        return _Prepared(path, raw, chunks, record, [source], decisions, meeting.restricted)

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

    # -- the encoder and the writes ----------------------------------------------------------
    def pool_full(self) -> bool:
        """True when the waiting files make a full encoder batch."""
        return self._pool_chunks >= self.embed_batch or self._pool_chars >= _PENDING_CHARS

    def take_pool(self) -> list[_Prepared]:
        """The waiting files, for the encoder; the next batch starts empty."""
        pool, self.pool = self.pool, []
        self._pool_chunks = self._pool_chars = 0
        return pool

    def embed(self, pool: Sequence[_Prepared]) -> list[Vectors | Exception]:
        """Each file's chunk vectors, embedded together (or the error of a file whose text the
        encoder refused). Touches no bookkeeping: it may run in a thread of its own; a fault of
        the model itself is raised."""
        try:
            vectors = self.index.embed_chunks([c for p in pool for c in p.chunks])
            parts: list[Vectors | Exception] = []
            for prepared in pool:
                parts.append(vectors[: len(prepared.chunks)])
                vectors = vectors[len(prepared.chunks) :]
        except AssistantError:
            raise  # the model itself failed: every file would
        except Exception:  # something in one file's text: embed them one by one to find it
            parts = [self._embed_alone(prepared) for prepared in pool]
        return parts

    def _embed_alone(self, prepared: _Prepared) -> Vectors | Exception:
        try:
            return self.index.embed_chunks(prepared.chunks)
        except AssistantError:
            raise
        except Exception as exc:
            return exc

    def write(self, pool: Sequence[_Prepared], parts: Sequence[Vectors | Exception]) -> None:
        """Write the embedded documents in one batch (each alone when the batch fails), then record
        which files hold them; a changed file's old version goes only once its new one is written."""
        ready: list[tuple[_Prepared, Vectors]] = []
        for prepared, part in zip(pool, parts, strict=True):
            if isinstance(part, Exception):
                self.pending.pop(prepared.raw.doc_id, None)
                self._fail(prepared.path, prepared.sources[0], part, "embed")
            else:
                ready.append((prepared, part))
        if not ready:
            return
        with self.report.timing("write"):
            try:
                self.index.add_documents([self._document(p, v) for p, v in ready])
                written = ready
            except Exception:  # one document's write failed: write them one by one to find it
                for prepared, _ in ready:
                    self._discard(prepared.raw.doc_id)
                written = [(p, v) for p, v in ready if self._write_alone(p, v)]
            for prepared, _ in written:
                self._written(prepared)
        for prepared, _ in written:
            self.on_file(prepared.path, "ingested")

    def _document(self, prepared: _Prepared, vectors: Vectors) -> DocumentWrite:
        record = replace(prepared.record, sources=tuple(prepared.sources))
        raw = prepared.raw
        return DocumentWrite(raw.doc_id, raw.text, record, prepared.chunks, vectors, prepared.decisions)

    def _write_alone(self, prepared: _Prepared, vectors: Vectors) -> bool:
        try:
            record = self._document(prepared, vectors).record
            self.index.add_document(prepared.raw, prepared.chunks, record, vectors, prepared.decisions)
            return True
        except Exception as exc:
            self.pending.pop(prepared.raw.doc_id, None)
            self._fail(prepared.path, prepared.sources[0], exc, "write")
            self._discard(prepared.raw.doc_id)
            return False

    def _discard(self, doc_id: str) -> None:
        """Remove what a failed write left of a document (the next ingest would, too)."""
        try:
            self.index.vectors.delete_document(doc_id)
        except Exception:  # the clean-up at the next start removes it anyway
            pass

    def _written(self, prepared: _Prepared) -> None:
        doc_id = prepared.raw.doc_id
        self.pending.pop(doc_id, None)
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
