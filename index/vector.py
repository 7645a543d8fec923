"""Chroma read/write: chunks with our own embeddings, and a registry of whole documents.

Three collections:
- `<name>`: one record per chunk; metadata is the chunk's Citation plus filter fields.
- `<name>-decisions`: one record per decision (`assistant.records.DecisionRecord`), written with
  its document's chunks and removed with them.
- `<name>-docs`: one record per document, holding its extracted text (so every citation
  can be reopened, even from another process talking to the same Chroma server). A
  document's record is written *after* all its chunks: chunks whose document has no
  record are leftovers of an interrupted ingest and are removed, but only once the writer
named in their metadata is gone (another live writer may still be finishing them).

A document is its content (the id is a hash of the file's bytes), so the same file under
two names is stored once; its record lists every file that holds it in `sources`. The
first of them is the `source` its citations name; when that file changes or goes, the
next one takes over, and the document goes only when no file holds it any more.

The chunk collection's metadata carries a `generation` counter, bumped on every write,
so each process knows when its keyword index (derived from Chroma) is stale, and a `rewrites`
counter, bumped by every write that changes or removes chunks already held (a document removed
or ingested again, a repair, a file renamed, leftovers cleared): while it stays put, the writes
since only added chunks, under new ids.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from assistant.errors import ArchiveError, IndexMissingError
from assistant.records import DecisionRecord
from assistant.settings import Settings
from assistant.types import Chunk

from .documents import DocumentMeta, DocumentRecord, StoredChunk
from .faults import catching_up, forget_system, guarded
from .lock import writer_gone, writer_id
from .metadata import (
    SENTENCES,
    Where,
    chunk_from_record,
    chunk_metadata,
    decision_record_from_metadata,
    decision_record_metadata,
    sentences_metadata,
)

OPEN_LOCK = "chroma-open.lock"  # beside the database folder, held while a process opens it
OPEN_WAIT = 120.0  # seconds


@contextmanager
def _opening(lock: Path) -> Iterator[None]:
    """Hold the open lock, or go on without it where the folder cannot hold one (read-only)."""
    file_lock = FileLock(str(lock), timeout=OPEN_WAIT)
    held = True
    try:
        file_lock.acquire()
    except Timeout:
        raise  # another process has held it for OPEN_WAIT seconds: do not open beside it
    except OSError:
        held = False  # a read-only folder: no lock file can be made there
    try:
        yield
    finally:
        if held:
            file_lock.release()


@dataclass(frozen=True)
class DocumentWrite:
    """One document to store: its extracted text and record, its chunks with their vectors, and
    its decisions."""

    doc_id: str
    text: str
    record: DocumentRecord
    chunks: Sequence[Chunk]
    embeddings: Sequence[Sequence[float]]
    decisions: Sequence[DecisionRecord] = ()


class VectorStore:
    """The Chroma collections of one council archive."""

    def __init__(self, settings: Settings, create: bool = True) -> None:
        cfg = settings.index
        if cfg.chroma_host:
            self.location = f"http://{cfg.chroma_host}:{cfg.chroma_port}"
        else:
            path = settings.data_dir / "chroma"
            self.location = str(path)
            if not create and not path.exists():
                raise IndexMissingError(f"No index at {path}. Run: councilqa ingest PATH")
            try:
                path.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ArchiveError(
                    f"The data folder {settings.data_dir} cannot be used ({exc.strerror or exc}). "
                    "Set COUNCILQA_DATA_DIR (or --data-dir) to a writable folder."
                ) from exc
        self.settings = settings
        self._open(settings)
        self.writer = writer_id()  # stamped on every chunk this process writes
        self._synced = self._stored_generation()  # the write generation this client has seen

    @guarded
    def _open(self, settings: Settings) -> None:
        import chromadb

        cfg = settings.index
        if cfg.chroma_host:
            self.client: Any = chromadb.HttpClient(host=cfg.chroma_host, port=cfg.chroma_port)
            self._collections(cfg.collection)
        else:
            # two processes creating one new database at once race on its tables ("table collections
            # already exists"): the first to open it creates it, the other waits a moment
            with _opening(Path(self.location).with_name(OPEN_LOCK)):
                try:
                    self.client = chromadb.PersistentClient(path=self.location)
                except Exception:
                    forget_system(self.location)  # else the next open in this process gets the broken one
                    raise
                self._collections(cfg.collection)
        self._max_batch = int(self.client.get_max_batch_size())

    def _collections(self, name: str) -> None:
        space: Any = {"hnsw": {"space": "cosine"}}
        self.chunks = self.client.get_or_create_collection(name, configuration=space, embedding_function=None)
        self.docs = self.client.get_or_create_collection(f"{name}-docs", embedding_function=None)
        self.decisions = self.client.get_or_create_collection(f"{name}-decisions", embedding_function=None)

    # -- generation: how each process notices writes by another --------------------------
    @guarded
    def generation(self) -> int:
        """A counter bumped on every write to the chunk collection.

        When another process wrote since this one last looked, an embedded client is reopened
        first: chromadb's PersistentClient keeps its vector index in memory and never reloads it,
        so it would miss the new chunks and fail on them ("Error finding id"). SEE: issue 15."""
        generation = self._stored_generation()
        if generation != self._synced and not self.settings.index.chroma_host:
            self._reopen()
            generation = self._stored_generation()
        self._synced = generation
        return generation

    def _stored_generation(self) -> int:
        self.chunks = self.client.get_collection(self.chunks.name, embedding_function=None)
        return int((self.chunks.metadata or {}).get("generation", 0))

    def rewrites(self) -> int:
        """How many writes changed or removed chunks already held, as of the last `generation()`."""
        return int((self.chunks.metadata or {}).get("rewrites", 0))

    def _reopen(self) -> None:
        """Open the embedded archive afresh, as another process left it."""
        forget_system(self.location)
        self._open(self.settings)

    def _bump(self, rewrite: bool = False) -> None:
        generation = self._stored_generation() + 1
        rewrites = self.rewrites() + int(rewrite)
        self.chunks.modify(metadata={"generation": generation, "rewrites": rewrites})
        self._synced = generation

    # -- documents ------------------------------------------------------------------------
    @guarded
    @catching_up
    def document_record(self, doc_id: str) -> tuple[str, DocumentRecord] | None:
        """The document's extracted text and record, or None."""
        got = self.docs.get(ids=[doc_id], include=["documents", "metadatas"])
        if not got["ids"]:
            return None
        return str(got["documents"][0]), DocumentRecord.from_metadata(doc_id, dict(got["metadatas"][0] or {}))

    @guarded
    @catching_up
    def documents(self) -> list[DocumentRecord]:
        """Every complete document's record."""
        got = self.docs.get(include=["metadatas"])
        return [
            DocumentRecord.from_metadata(i, dict(m or {}))
            for i, m in zip(got["ids"], got["metadatas"], strict=True)
        ]

    def add_document(
        self,
        doc_id: str,
        text: str,
        record: DocumentRecord,
        chunks: Sequence[Chunk],
        embeddings: Sequence[Sequence[float]],
        decisions: Sequence[DecisionRecord] = (),
    ) -> None:
        """Write a document's chunks and decisions, then its record: the record marks it complete."""
        self.add_documents([DocumentWrite(doc_id, text, record, chunks, embeddings, decisions)])

    @guarded
    def add_documents(self, writes: Sequence[DocumentWrite]) -> None:
        """Write several documents' decisions and chunks, then their records, in as few Chroma calls
        as its batch limit allows (each call costs a round of Chroma's own bookkeeping, whatever its
        size: SEE issue 13). A record marks its document complete, so an interruption leaves only
        chunks without one, which the next writer removes. What is already held of a document (its
        version before a repair, an interrupted write's leftovers) is removed first."""
        if not writes:
            return
        chunks = [c for w in writes for c in w.chunks]
        held = self._held(chunks)
        stale = self._stored([w.doc_id for w in writes])
        for doc_id in stale:
            self.delete_document(doc_id, bump=False)
        decisions = [d for w in writes for d in w.decisions]
        for start in range(0, len(decisions), self._max_batch):
            batch = decisions[start : start + self._max_batch]
            self.decisions.add(
                ids=[d.id for d in batch],
                documents=[d.text for d in batch],
                metadatas=[decision_record_metadata(d) for d in batch],
                embeddings=[[1.0]] * len(batch),
            )
        vectors = [e for w in writes for e in w.embeddings]  # each may carry its sentences' vectors
        if len(vectors) != len(chunks):
            raise ValueError(f"{len(chunks)} chunks but {len(vectors)} vectors")
        for start in range(0, len(chunks), self._max_batch):
            part = chunks[start : start + self._max_batch]
            self.chunks.add(
                ids=[c.id for c in part],
                documents=[c.text for c in part],
                metadatas=[
                    {**chunk_metadata(c), "writer": self.writer, **sentences_metadata(e)}
                    for c, e in zip(part, vectors[start : start + self._max_batch], strict=True)
                ],
                embeddings=[list(e) for e in vectors[start : start + self._max_batch]],
            )
        for start in range(0, len(writes), self._max_batch):
            done = writes[start : start + self._max_batch]
            metas: list[DocumentMeta] = [w.record.to_metadata() for w in done]
            self.docs.add(
                ids=[w.doc_id for w in done],
                documents=[w.text for w in done],
                metadatas=metas,
                embeddings=[[1.0]] * len(done),
            )
        self._bump(rewrite=bool(held or stale))

    def _held(self, chunks: Sequence[Chunk]) -> list[str]:
        """The ids among `chunks` already stored."""
        held: list[str] = []
        for start in range(0, len(chunks), self._max_batch):
            ids = [c.id for c in chunks[start : start + self._max_batch]]
            held.extend(self.chunks.get(ids=ids, include=[])["ids"])
        return held

    def _stored(self, doc_ids: Sequence[str]) -> set[str]:
        """Those of `doc_ids` of which anything is stored: a record, chunks or decisions."""
        found: set[str] = set()
        for start in range(0, len(doc_ids), self._max_batch):
            part = list(doc_ids[start : start + self._max_batch])
            where: Where = {"doc_id": {"$in": part}}
            found.update(self.docs.get(ids=part, include=[])["ids"])
            for collection in (self.chunks, self.decisions):
                got = collection.get(where=where, include=["metadatas"])
                found.update(str((m or {}).get("doc_id")) for m in got["metadatas"])
        return found

    @guarded
    def set_sources(self, doc_id: str, sources: Sequence[str]) -> None:
        """Record which files hold a document; with none left, the document goes."""
        if not sources:
            self.delete_document(doc_id)
            return
        got = self.docs.get(ids=[doc_id], include=["metadatas"])
        if not got["ids"]:
            return
        primary = sources[0]
        moved = (got["metadatas"][0] or {}).get("source") != primary
        if moved:
            # chunks first: an interruption here leaves the record naming the old file,
            # and the next ingest of either file does this again
            ids = self.chunks.get(where={"doc_id": doc_id}, include=[])["ids"]
            for start in range(0, len(ids), self._max_batch):
                part = ids[start : start + self._max_batch]
                self.chunks.update(ids=part, metadatas=[{"source": primary}] * len(part))
        self.docs.update(ids=[doc_id], metadatas=[{"source": primary, "sources": list(sources)}])
        self._bump(rewrite=moved)  # after the record: a reader that sees the new generation sees it

    @guarded
    def delete_document(self, doc_id: str, bump: bool = True) -> None:
        """Remove a document's record first, then its chunks."""
        self.docs.delete(ids=[doc_id])
        self.decisions.delete(where={"doc_id": doc_id})
        self.chunks.delete(where={"doc_id": doc_id})
        if bump:
            self._bump(rewrite=True)

    @guarded
    def remove_incomplete(self) -> int:
        """Delete chunks whose document never got its record and whose writer is gone (an interrupted
        ingest); the unfinished chunks of a writer still running are left to it."""
        complete = set(self.docs.get(include=[])["ids"])
        orphans = {
            doc_id
            for doc_id, writers in self.chunk_writers().items()
            if doc_id not in complete and all(writer_gone(w) for w in writers)
        }
        for doc_id in orphans:
            self.chunks.delete(where={"doc_id": doc_id})
            self.decisions.delete(where={"doc_id": doc_id})
        if orphans:
            self._bump(rewrite=True)
        return len(orphans)

    @guarded
    @catching_up
    def decision_records(self, where: Where | None = None) -> list[DecisionRecord]:
        """The stored decisions (of complete documents) matching a Chroma `where` on `body`,
        `meeting_day`, `type` or `doc_id`."""
        got = self.decisions.get(where=where, include=["metadatas"])
        complete = {d.doc_id for d in self.documents()}
        records = [decision_record_from_metadata(m or {}) for m in got["metadatas"]]
        return [r for r in records if r.citation.doc_id in complete]

    # -- chunks ---------------------------------------------------------------------------
    @guarded
    def count(self) -> int:
        """Number of chunks stored."""
        return int(self.chunks.count())

    @guarded
    @catching_up
    def chunk_ids(self, page: int = 20000) -> set[str]:
        """The ids of every stored chunk."""
        ids: set[str] = set()
        while got := self.chunks.get(include=[], limit=page, offset=len(ids))["ids"]:
            ids.update(got)
        return ids

    @guarded
    def chunk_writers(self, page: int = 5000) -> dict[str, set[str | None]]:
        """doc_id -> the writers that stored its chunks (None for chunks from before writers were kept)."""
        found: dict[str, set[str | None]] = {}
        offset = 0
        while True:
            got = self.chunks.get(include=["metadatas"], limit=page, offset=offset)
            if not got["ids"]:
                return found
            for m in got["metadatas"]:
                writer = (m or {}).get("writer")
                found.setdefault(str((m or {}).get("doc_id")), set()).add(str(writer) if writer else None)
            offset += len(got["ids"])

    def iter_chunks(self, page: int = 5000) -> Iterator[Chunk]:
        """Every stored chunk, a page at a time."""
        offset = 0
        while True:
            got = self._page(page, offset)
            if not got["ids"]:
                return
            for cid, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
                yield chunk_from_record(cid, str(text), dict(meta or {}))
            offset += len(got["ids"])

    def chunk_records(self, full: bool = False, page: int = 2000) -> Iterator[StoredChunk]:
        """Every stored chunk's record, a page at a time; text and vector are read only when `full`
        ("" and None otherwise)."""
        include = ["metadatas", *(["documents", "embeddings"] if full else [])]
        offset = 0
        while True:
            got = self._page(page, offset, include)
            if not got["ids"]:
                return
            texts = got.get("documents") if full else None
            vectors = got.get("embeddings") if full else None
            for n, (cid, meta) in enumerate(zip(got["ids"], got["metadatas"], strict=True)):
                vector = None if vectors is None or vectors[n] is None else [float(x) for x in vectors[n]]
                text = "" if texts is None else str(texts[n])
                yield StoredChunk.from_metadata(cid, dict(meta or {}), text, vector)
            offset += len(got["ids"])

    @guarded
    @catching_up
    def _page(self, page: int, offset: int, include: Sequence[str] = ("documents", "metadatas")) -> Any:
        return self.chunks.get(include=list(include), limit=page, offset=offset)

    @guarded
    def query(
        self, embedding: Sequence[float], n: int, where: Where | None = None, ids: Sequence[str] | None = None
    ) -> list[tuple[Chunk, float]]:
        """The `n` nearest chunks with their cosine similarity, among those matching `where` and, when
        `ids` is given, only among those ids."""
        if n <= 0 or (ids is not None and not ids) or self.count() == 0:
            return []
        got = self._query(embedding, n, where, ids)
        out: list[tuple[Chunk, float]] = []
        for cid, text, meta, dist in zip(
            got["ids"][0],
            got["documents"][0],
            got["metadatas"][0],
            got["distances"][0],
            strict=True,
        ):
            out.append((chunk_from_record(cid, str(text), dict(meta or {})), 1.0 - float(dist)))
        return out

    @catching_up
    def _query(
        self, embedding: Sequence[float], n: int, where: Where | None, ids: Sequence[str] | None
    ) -> Any:
        return self.chunks.query(
            query_embeddings=[list(embedding)],
            n_results=n,
            where=where,
            ids=None if ids is None else list(ids),
            include=["documents", "metadatas", "distances"],
        )

    @guarded
    @catching_up
    def get_chunks(self, ids: Sequence[str]) -> list[Chunk]:
        """The stored chunks with these ids (missing ones are skipped)."""
        if not ids:
            return []
        got = self.chunks.get(ids=list(ids), include=["documents", "metadatas"])
        return [
            chunk_from_record(cid, str(text), dict(meta or {}))
            for cid, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]

    @guarded
    @catching_up
    def document_chunks(self, doc_id: str) -> list[Chunk]:
        """Every stored chunk of one document, in the order of the text."""
        got = self.chunks.get(where={"doc_id": doc_id}, include=["documents", "metadatas"])
        chunks = [
            chunk_from_record(cid, str(text), dict(meta or {}))
            for cid, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]
        return sorted(chunks, key=lambda c: c.citation.char_start)

    @guarded
    @catching_up
    def sentence_vectors(self, ids: Sequence[str]) -> dict[str, str]:
        """The packed sentence vectors stored with these chunks (index/sentence_vectors.py)."""
        if not ids:
            return {}
        got = self.chunks.get(ids=list(ids), include=["metadatas"])
        return {
            i: str(m.get(SENTENCES, ""))
            for i, m in zip(got["ids"], got["metadatas"], strict=True)
            if m and m.get(SENTENCES)
        }

    @guarded
    @catching_up
    def embeddings(self, ids: Sequence[str]) -> dict[str, list[float]]:
        """Stored vectors of the given chunks."""
        if not ids:
            return {}
        got = self.chunks.get(ids=list(ids), include=["embeddings"])
        return {i: [float(x) for x in e] for i, e in zip(got["ids"], got["embeddings"], strict=True)}
