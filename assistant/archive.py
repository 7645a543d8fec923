"""The archive as a whole: its writer lock, and an integrity check of what it holds."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from index import ArchiveLock, CouncilIndex
from index.lock import writer_gone

from .settings import Settings


def archive_lock(settings: Settings, timeout: float | None = None) -> ArchiveLock:
    """The archive's writer lock, not yet taken: `with archive_lock(settings): ...` around a write.

    `ingest_paths` takes it itself; anything else that writes (the page's upload) takes it too.
    Waits up to `timeout` seconds (default COUNCILQA_INGEST__LOCK_TIMEOUT), then raises
    ArchiveBusyError naming the writer that holds it.
    """
    return ArchiveLock(settings, timeout)


@dataclass
class Problem:
    """One thing wrong in the archive, named well enough to act on."""

    doc_id: str
    source: str  # the file the document's record names ("" for chunks with no record)
    what: str

    @property
    def line(self) -> str:
        """'<file>: <what is wrong>'."""
        return f"{self.source or self.doc_id}: {self.what}"


@dataclass
class ArchiveCheck:
    """What `check_archive` found."""

    location: str
    documents: int
    chunks: int
    problems: list[Problem] = field(default_factory=list)
    thorough: bool = True

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems

    @property
    def damaged_documents(self) -> dict[str, str]:
        """doc_id -> the file its record names, for each document with a problem (what repair re-ingests)."""
        return {p.doc_id: p.source for p in self.problems if p.doc_id and p.source}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def inspect_archive(index: CouncilIndex, *, thorough: bool = True) -> ArchiveCheck:
    """Compare every document record with its chunks (count, file, text at their offsets), their
    vectors and keyword entries; chunks that belong to no record are named too.

    Args:
        thorough: also read every vector, every chunk's text against its document's, and the
            keyword index; without it only the chunk metadata is read (what ingest runs at its end).
    """
    vectors = index.vectors
    records = {d.doc_id: d for d in index.documents()}
    counts: Counter[str] = Counter()
    cited: dict[str, set[str]] = {}
    writers: dict[str, set[str | None]] = {}
    bad_vectors: Counter[str] = Counter()
    bad_text: Counter[str] = Counter()
    ids_of: dict[str, str] = {}
    texts: dict[str, str | None] = {}
    dim: int | None = None
    for chunk in index.stored_chunks(thorough):
        doc_id, embedding = chunk.doc_id, chunk.vector
        ids_of[chunk.id] = doc_id
        counts[doc_id] += 1
        cited.setdefault(doc_id, set()).add(chunk.source)
        writers.setdefault(doc_id, set()).add(chunk.writer)
        if not thorough or doc_id not in records:
            continue
        if embedding is None or not len(embedding) or not all(math.isfinite(float(x)) for x in embedding):
            bad_vectors[doc_id] += 1
        else:
            dim = dim or len(embedding)
            if len(embedding) != dim or not any(float(x) for x in embedding):
                bad_vectors[doc_id] += 1
        if doc_id not in texts:
            texts[doc_id] = index.document_text(doc_id)
        full = texts[doc_id]
        start, end = chunk.char_start, chunk.char_end
        if full is None or not 0 <= start <= end <= len(full) or full[start:end] != chunk.text:
            bad_text[doc_id] += 1
    check = ArchiveCheck(vectors.location, len(records), sum(counts.values()), thorough=thorough)
    listed: dict[str, str] = {}
    for doc_id, record in sorted(records.items(), key=lambda kv: kv[1].source):
        files, source = list(record.sources), record.source

        def problem(what: str, doc_id: str = doc_id, source: str = source) -> None:
            check.problems.append(Problem(doc_id, source, what))

        expected = record.chunks if record.chunks is not None else -1
        stored = counts.get(doc_id, 0)
        if stored != expected:
            problem(f"{_plural(stored, 'chunk')} stored, its record says {expected}")
        if not files:
            problem("its record lists no file")
        elif cited.get(doc_id, {source}) != {source}:
            others = sorted(cited[doc_id] - {source})
            problem(f"chunks cite {', '.join(others)}, the record names {source}")
        for file in files:
            if file in listed and listed[file] != doc_id:
                problem(f"also listed by document {listed[file]}")
            listed.setdefault(file, doc_id)
        if bad_vectors[doc_id]:
            problem(f"{_plural(bad_vectors[doc_id], 'chunk')} without a usable vector")
        if bad_text[doc_id]:
            problem(f"{_plural(bad_text[doc_id], 'chunk')} not matching the document's text at its offsets")
    for doc_id in sorted(set(counts) - set(records)):
        live = [w for w in writers.get(doc_id, set()) if w and not writer_gone(w)]
        note = (
            f"; still being written by pid {live[0].split('|')[1]}"
            if live
            else "; the next ingest removes them"
        )
        # a gone writer's leftovers name their file, so --repair ingests it again; a live one's do not
        source = "" if live else min(cited.get(doc_id, {""}))
        check.problems.append(
            Problem(doc_id, source, f"{_plural(counts[doc_id], 'chunk')} belong to no document record{note}")
        )
    if thorough:
        keyword = set(index.keyword("restricted").ids)  # every chunk
        missing: Counter[str] = Counter(ids_of[i] for i in set(ids_of) - keyword)
        for doc_id, n in sorted(missing.items()):
            if doc_id in records:
                check.problems.append(
                    Problem(
                        doc_id,
                        records[doc_id].source,
                        f"{_plural(n, 'chunk')} missing from the keyword index",
                    )
                )
        if keyword - set(ids_of):
            n = len(keyword - set(ids_of))
            entries = "1 entry" if n == 1 else f"{n} entries"
            check.problems.append(
                Problem("", "keyword index", f"{entries} for chunks Chroma no longer holds")
            )
    return check


def check_archive(settings: Settings, *, thorough: bool = True) -> ArchiveCheck:
    """Check the archive the settings point at (see `inspect_archive`)."""
    from .pipeline import open_index

    return inspect_archive(open_index(settings), thorough=thorough)
