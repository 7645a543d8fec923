"""One council archive: the encoder, the Chroma collections and the BM25 index derived from them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

from assistant.records import DecisionRecord
from assistant.settings import Settings
from assistant.text import sentence_spans
from assistant.types import AccessLevel, Chunk, Filters, RawDocument, ScoredChunk, may_see

from .documents import DocumentRecord, StoredChunk
from .embed import Embedder, PassageEmbedder, SentenceTransformerEmbedder
from .keyword import KeywordIndex
from .light_embed import query_embedder
from .lock import ArchiveLock
from .retrieve import RetrievalTimes, embedding_text, retrieve_chunks
from .sentence_vectors import PassageVector, SentenceVectors, pack, unpack
from .vector import DocumentWrite, VectorStore

# The encoder reads at most max_seq_length tokens; a token is rarely more than a few
# characters, so cutting the text at this many characters per token changes no vector
# and keeps a paragraph of megabytes (a single-line file) from ballooning the tokenizer.
_CHARS_PER_TOKEN = 16
# Bumped when the saved keyword index gains a field, so an older file is rebuilt, not misread.
KEYWORD_FORMAT = 4
# New chunks read at a time when the keyword index catches up with another process's writes.
_READ_BATCH = 2000


class CouncilIndex:
    """Everything retrieval needs, opened once per process and shared."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None, create: bool = True) -> None:
        self.settings = settings
        # Ingest encodes passages with sentence-transformers; questions (and the sentences an answer
        # weighs) go through the light numpy encoder unless the settings say otherwise. An
        # embedder given here does both. SEE: issue 13.
        self.ingest_embedder: Embedder = embedder or SentenceTransformerEmbedder(settings.index)
        self.embedder: Embedder = embedder or query_embedder(settings.index) or self.ingest_embedder
        self.vectors = VectorStore(settings, create=create)
        # one BM25 index per access level, each built only from the chunks that level may see, so
        # a public query is never ranked, nor its words weighed, by restricted text
        self._keyword: dict[str, tuple[int, KeywordIndex]] = {}
        self.last_retrieval = RetrievalTimes()  # the stage times of this process's latest retrieval
        self._documents: tuple[int, list[DocumentRecord]] | None = None  # (generation, records)
        self.last_refresh = ""  # how the keyword index last caught up: "full", or "N new" chunks

    # -- writing --------------------------------------------------------------------------
    def lock(self, timeout: float | None = None) -> ArchiveLock:
        """The archive's writer lock (not yet taken): hold it around every write."""
        return ArchiveLock(self.settings, timeout)

    def embed_chunks(self, chunks: Sequence[Chunk]) -> list[list[float]]:
        """One vector per chunk, from the text the encoder sees (cut to what it can read); with the
        bundled encoder each also carries its sentences' vectors (a `PassageVector`)."""
        limit = self.settings.index.max_seq_length * _CHARS_PER_TOKEN
        texts = [embedding_text(c)[:limit] for c in chunks]
        if not isinstance(self.ingest_embedder, PassageEmbedder):  # a test's fake, or another model
            return self.ingest_embedder.embed(texts)
        own = [sentence_spans(c.text) for c in chunks]
        shifts = [len(embedding_text(c)) - len(c.text) for c in chunks]  # the item title before it
        seen = [[(s + d, e + d) for s, e in spans] for spans, d in zip(own, shifts, strict=True)]
        return [
            PassageVector(vector, pack(spans, pooled))
            for spans, (vector, pooled) in zip(
                own, self.ingest_embedder.embed_passages(texts, seen), strict=True
            )
        ]

    def add_document(
        self,
        raw: RawDocument,
        chunks: Sequence[Chunk],
        record: DocumentRecord,
        vectors: Sequence[Sequence[float]] | None = None,
        decisions: Sequence[DecisionRecord] = (),
    ) -> None:
        """Store a document's chunks, decisions and extracted text, embedding the chunks unless
        `vectors` are given."""
        if vectors is None:
            vectors = self.embed_chunks(chunks)
        self.vectors.add_document(raw.doc_id, raw.text, record, chunks, vectors, decisions)

    def add_documents(self, writes: Sequence[DocumentWrite]) -> None:
        """Store several embedded documents in one batch (a few Chroma calls, not a few per file)."""
        self.vectors.add_documents(writes)

    # -- reading --------------------------------------------------------------------------
    def sentence_vectors(self, chunk_ids: Sequence[str]) -> dict[str, SentenceVectors]:
        """The sentence vectors ingest stored with these chunks, by chunk id and sentence span
        (a chunk ingested before they were stored has none: its sentences are embedded when asked)."""
        return {cid: unpack(packed) for cid, packed in self.vectors.sentence_vectors(chunk_ids).items()}

    def keyword(self, access: AccessLevel = "public") -> KeywordIndex:
        """The BM25 index of the chunks a caller with `access` may see, refreshed from Chroma when
        another write moved the generation on: only the chunks added since are read when the writes
        only added chunks (the rewrite count stayed put), else all of them."""
        generation = self.vectors.generation()
        cached = self._keyword.get(access)
        if cached is not None and cached[0] == generation:
            return cached[1]
        folder = self.settings.data_dir / "keyword"
        name = self.settings.index.collection
        path = folder / f"{name}-{generation}-{access}.v{KEYWORD_FORMAT}.pkl"
        index = KeywordIndex.load(path)
        if index is None:
            index = self._refresh(access, None if cached is None else cached[1])
            index.save(path)
            for old in folder.glob(f"{name}-*.pkl"):
                if old != path and not old.name.startswith(f"{name}-{generation}-"):
                    old.unlink(missing_ok=True)
        self._keyword[access] = (generation, index)
        return index

    def _refresh(self, access: AccessLevel, stale: KeywordIndex | None) -> KeywordIndex:
        rewrites = self.vectors.rewrites()
        hidden: set[str] = set()

        def visible(chunks: Iterable[Chunk]) -> Iterator[Chunk]:
            for c in chunks:
                if may_see(access, c.citation.access):
                    yield c
                else:
                    hidden.add(c.id)

        if stale is None or stale.rewrites != rewrites:
            self.last_refresh = "full"
            index = KeywordIndex.build(visible(self.vectors.iter_chunks()), rewrites)
            index.hidden = hidden
            return index
        present = self.vectors.chunk_ids()
        known = stale.known()
        new = sorted(i for i in present if i not in known)
        batches = (
            self.vectors.get_chunks(new[at : at + _READ_BATCH]) for at in range(0, len(new), _READ_BATCH)
        )
        added = list(visible(c for batch in batches for c in batch))
        self.last_refresh = f"{len(new)} new"
        return stale.refreshed(present, added, rewrites, hidden)

    def forget_keyword(self) -> None:
        """Drop the cached BM25 index, so the next query rebuilds it from Chroma."""
        folder = self.settings.data_dir / "keyword"
        for old in folder.glob(f"{self.settings.index.collection}-*.pkl"):
            old.unlink(missing_ok=True)
        self._keyword.clear()

    def closing_lines(
        self, retrieved: Sequence[ScoredChunk], access: AccessLevel = "public"
    ) -> list[ScoredChunk]:
        """The retrieved chunks, then the last passage of each set of minutes among them (where the
        minutes say when the meeting closed), with the similarity of that document's best chunk."""
        have = {s.chunk.id for s in retrieved}
        best: dict[str, ScoredChunk] = {}
        for scored in retrieved:
            if scored.chunk.citation.doc_type == "minutes":
                best.setdefault(scored.chunk.citation.doc_id, scored)
        extra: list[ScoredChunk] = []
        for doc_id, scored in best.items():
            seen = [c for c in self.vectors.document_chunks(doc_id) if may_see(access, c.citation.access)]
            if seen and seen[-1].id not in have:
                extra.append(ScoredChunk(chunk=seen[-1], score=0.0, similarity=scored.similarity))
        return [*retrieved, *extra]

    def document_passages(
        self,
        retrieved: Sequence[ScoredChunk],
        which: Callable[[Chunk], bool],
        doc_type: str = "report",
        access: AccessLevel = "public",
        same_meeting: int = 0,
    ) -> list[ScoredChunk]:
        """The retrieved chunks, then the chunks of each retrieved document of `doc_type` that
        `which` picks (a report's recommendations or a header field, the minutes' apologies), with
        the similarity of that document's best chunk. With `same_meeting`, also the documents of
        `doc_type` that went to the meetings of the first `same_meeting` retrieved chunks (the
        report behind the minutes' item)."""
        have = {s.chunk.id for s in retrieved}
        best: dict[str, ScoredChunk] = {}
        for scored in retrieved:
            if scored.chunk.citation.doc_type == doc_type:
                best.setdefault(scored.chunk.citation.doc_id, scored)
        if same_meeting:
            meetings: dict[tuple[str | None, object], ScoredChunk] = {}
            for scored in retrieved[:same_meeting]:
                c = scored.chunk.citation
                meetings.setdefault((c.body, c.meeting_date), scored)
            for doc in self.documents():
                found = meetings.get((doc.body, doc.meeting_date))
                if found is not None and doc.doc_type == doc_type and doc.meeting_date is not None:
                    best.setdefault(doc.doc_id, found)
        extra: list[ScoredChunk] = []
        for doc_id, scored in best.items():
            for chunk in self.vectors.document_chunks(doc_id):
                if chunk.id not in have and which(chunk) and may_see(access, chunk.citation.access):
                    extra.append(ScoredChunk(chunk=chunk, score=0.0, similarity=scored.similarity))
        return [*retrieved, *extra]

    def item_passages(
        self,
        retrieved: Sequence[ScoredChunk],
        which: Callable[[Chunk], bool],
        items: int = 3,
        access: AccessLevel = "public",
    ) -> list[ScoredChunk]:
        """The retrieved chunks, then the chunks that `which` picks (the decision recorded) of the
        first `items` distinct agenda items among the retrieved chunks, with the similarity of the
        item's best retrieved chunk."""
        have = {s.chunk.id for s in retrieved}
        best: dict[tuple[str, str], ScoredChunk] = {}
        for scored in retrieved:
            c = scored.chunk.citation
            if c.agenda_item and len(best) < items:
                best.setdefault((c.doc_id, c.agenda_item), scored)
        extra: list[ScoredChunk] = []
        documents: dict[str, list[Chunk]] = {}
        for (doc_id, item), scored in best.items():
            if doc_id not in documents:
                documents[doc_id] = self.vectors.document_chunks(doc_id)
            for chunk in documents[doc_id]:
                c = chunk.citation
                if (
                    c.agenda_item == item
                    and chunk.id not in have
                    and which(chunk)
                    and may_see(access, c.access)
                ):
                    have.add(chunk.id)
                    extra.append(ScoredChunk(chunk=chunk, score=0.0, similarity=scored.similarity))
        return [*retrieved, *extra]

    def follow_on(
        self,
        retrieved: Sequence[ScoredChunk],
        opens: Callable[[Chunk], bool],
        closes: Callable[[Chunk], bool],
        reach: int = 3,
        access: AccessLevel = "public",
    ) -> list[ScoredChunk]:
        """The retrieved chunks, then for each that `opens` something (a motion moved) the first of
        the next `reach` paragraphs of its agenda item that `closes` it (how the motion ended), ranked
        after them all with the similarity of the chunk it follows."""
        have = {s.chunk.id for s in retrieved}
        keyword = self.keyword(access)
        extra: list[ScoredChunk] = []
        for scored in retrieved:
            if not opens(scored.chunk):
                continue
            at = scored.chunk.id
            for _ in range(reach):
                nxt = keyword.next_in_item(at)
                if nxt is None or nxt in have:
                    break
                found = self.vectors.get_chunks([nxt])
                if not found or not may_see(access, found[0].citation.access):
                    break
                if closes(found[0]):
                    have.add(nxt)
                    extra.append(ScoredChunk(chunk=found[0], score=0.0, similarity=scored.similarity))
                    break
                at = nxt
        return [*retrieved, *extra]

    def retrieve(self, question: str, filters: Filters, k: int) -> list[ScoredChunk]:
        """Hybrid retrieval of the `k` best chunks for a question, among those the caller's access
        (`filters.access`) may see."""
        self.last_retrieval = RetrievalTimes()
        return retrieve_chunks(
            question,
            filters,
            k,
            embedder=self.embedder,
            vectors=self.vectors,
            keyword=self.keyword(filters.access),
            settings=self.settings.index,
            times=self.last_retrieval,
        )

    def document_text(self, doc_id: str) -> str | None:
        """The stored extracted text of a document, for reopening citations."""
        record = self.vectors.document_record(doc_id)
        return record[0] if record else None

    def documents(self) -> list[DocumentRecord]:
        """Every complete document's record (read again only when a write moved the generation on:
        every write to the archive does, last)."""
        generation = self.vectors.generation()
        if self._documents is None or self._documents[0] != generation:
            self._documents = (generation, self.vectors.documents())
        return list(self._documents[1])

    def document(self, doc_id: str) -> DocumentRecord | None:
        """One document's record, or None when it is not (or no longer) indexed."""
        record = self.vectors.document_record(doc_id)
        return record[1] if record else None

    def stored_chunks(self, full: bool = False) -> Iterator[StoredChunk]:
        """Every stored chunk's record (with its text and vector when `full`), a page at a time."""
        return self.vectors.chunk_records(full)
