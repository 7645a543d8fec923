"""BM25 over the same chunks Chroma holds, derived from Chroma and cached on disk.

The cache is named by the Chroma collection's write generation: when another process
(or an ingest) writes to Chroma, the generation moves on and the next query refreshes it.
The index keeps each chunk's stemmed words (`KeywordRow`), so when the writes since only added
chunks, a refresh reads just the new ones; BM25 itself is indexed again.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.text import tokenize
from assistant.types import Chunk, Filters


def retrieval_text(chunk: Chunk) -> str:
    """What BM25 sees: the agenda item and meeting context, then the paragraph."""
    return f"{chunk.context}\n{chunk.text}"


@dataclass(frozen=True)
class KeywordRow:
    """One chunk as the keyword index holds it: its filter fields, place and stemmed words."""

    id: str
    body_key: str
    day: int
    doc_type: str
    council: str
    place: tuple[str, str | None]  # (doc_id, agenda item): chunks that follow one another
    char_start: int
    tokens: list[str]

    @classmethod
    def of(cls, chunk: Chunk) -> KeywordRow:
        from .metadata import body_key, day_number

        c = chunk.citation
        return cls(
            id=chunk.id,
            body_key=body_key(c.body) if c.body else "",
            day=day_number(c.meeting_date) if c.meeting_date else 0,
            doc_type=c.doc_type or "",
            council=c.council or "",
            place=(c.doc_id, c.agenda_item),
            char_start=c.char_start,
            tokens=tokenize(retrieval_text(chunk)) or ["_empty_"],
        )


@dataclass
class KeywordIndex:
    """BM25 with the per-chunk fields that filters need."""

    ids: list[str]
    body_keys: np.ndarray
    days: np.ndarray
    doc_types: np.ndarray
    bm25: Any = field(repr=False)
    councils: np.ndarray = field(default_factory=lambda: np.array([], dtype=object))
    following: dict[str, str] = field(default_factory=dict)  # chunk id -> the next one in its agenda item

    # what a rebuild needs of each chunk, kept so a refresh re-reads only the chunks added since
    rows: list[KeywordRow] = field(default_factory=list, repr=False)
    rewrites: int = -1  # the store's rewrite count when built (-1: unknown, refresh in full)
    hidden: set[str] = field(default_factory=set, repr=False)  # ids read but not for this access

    @classmethod
    def build(cls, chunks: Iterable[Chunk], rewrites: int = -1) -> KeywordIndex:
        """Index the chunks (stemmed BM25)."""
        return cls.from_rows([KeywordRow.of(c) for c in chunks], rewrites)

    def refreshed(
        self, present: set[str], added: Iterable[Chunk], rewrites: int, hidden: set[str]
    ) -> KeywordIndex:
        """This index after writes that only added chunks: those of its chunks still in `present` kept,
        the `added` ones read in, `hidden` the new ids its access may not see; BM25 is indexed
        again (its word weights span every chunk), but no kept chunk is read or tokenized again."""
        kept = [r for r in self.rows if r.id in present]
        index = self.from_rows([*kept, *(KeywordRow.of(c) for c in added)], rewrites)
        index.hidden = (self.hidden & present) | hidden
        return index

    def known(self) -> set[str]:
        """Every chunk id this index has read, held or hidden."""
        return {*self.ids, *self.hidden}

    @classmethod
    def from_rows(cls, rows: Sequence[KeywordRow], rewrites: int = -1) -> KeywordIndex:
        """Index rows already read and tokenized."""
        import bm25s

        bm25 = bm25s.BM25()
        if rows:
            bm25.index([r.tokens for r in rows], show_progress=False)
        places: dict[tuple[str, str | None], list[tuple[int, str]]] = {}
        for r in rows:
            places.setdefault(r.place, []).append((r.char_start, r.id))
        following: dict[str, str] = {}
        for run in places.values():
            run.sort()
            following.update((a, b) for (_, a), (_, b) in zip(run, run[1:], strict=False))
        return cls(
            [r.id for r in rows],
            np.array([r.body_key for r in rows], dtype=object),
            np.array([r.day for r in rows], dtype=np.int64),
            np.array([r.doc_type for r in rows], dtype=object),
            bm25,
            np.array([r.council for r in rows], dtype=object),
            following,
            list(rows),
            rewrites,
        )

    def next_in_item(self, chunk_id: str) -> str | None:
        """The id of the chunk that follows this one in its agenda item, if any."""
        return self.following.get(chunk_id)

    def rarity(self, token: str) -> float:
        """A stemmed token's inverse document frequency over the archive's chunks (BM25's idf).

        A token the archive never uses weighs as much as one found in a single chunk."""
        if not hasattr(self, "_df"):
            vocab: dict[str, int] = getattr(self.bm25, "vocab_dict", None) or {}
            indptr = self.bm25.scores["indptr"] if vocab else np.zeros(1, dtype=np.int64)
            counts = np.diff(indptr)
            self._df = {t: int(counts[i]) for t, i in vocab.items() if i < len(counts)}
        n = len(self.ids)
        df = max(1, self._df.get(token, 0))
        return float(np.log(1.0 + (n - df + 0.5) / (df + 0.5)))

    def bodies(self) -> list[str]:
        """Body keys present in the index."""
        return sorted({b for b in self.body_keys.tolist() if b})

    def mask(self, filters: Filters, bodies: Sequence[str] | None) -> np.ndarray | None:
        """1.0 for chunks that pass the filters, else 0.0; None when nothing is filtered."""
        from .metadata import day_number

        if filters.is_empty() and bodies is None:
            return None
        keep = np.ones(len(self.ids), dtype=bool)
        if bodies is not None:
            keep &= np.isin(self.body_keys, list(bodies))
        if filters.doc_type:
            keep &= self.doc_types == filters.doc_type
        if filters.council:
            keep &= self.councils == filters.council
        if filters.since:
            keep &= self.days >= day_number(filters.since)
        if filters.until:
            keep &= (self.days > 0) & (self.days <= day_number(filters.until))
        return keep.astype(np.float32)

    def passing(self, filters: Filters, bodies: Sequence[str] | None) -> list[str]:
        """The ids of the chunks that pass the filters, of those this index holds (which are the
        ones its access level may see), in index order."""
        mask = self.mask(filters, bodies)
        if mask is None:
            return list(self.ids)
        ids: np.ndarray | None = getattr(self, "_id_array", None)  # made once per loaded index
        if ids is None or len(ids) != len(self.ids):
            ids = self._id_array = np.array(self.ids, dtype=object)
        return list(ids[mask > 0].tolist())

    def search(self, query: str, n: int, mask: np.ndarray | None = None) -> list[tuple[str, float]]:
        """Up to `n` (chunk id, score) pairs with a positive BM25 score."""
        tokens = tokenize(query)
        if not self.ids or not tokens or n <= 0:
            return []
        k = min(n, len(self.ids))
        docs, scores = self.bm25.retrieve([tokens], k=k, show_progress=False, weight_mask=mask)
        return [(self.ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]

    def save(self, path: Path) -> None:
        """Write the index to `path` atomically."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            pickle.dump(self, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> KeywordIndex | None:
        """Read a saved index, or None when it is missing or unreadable."""
        try:
            with path.open("rb") as fh:
                obj = pickle.load(fh)
        except (OSError, pickle.PickleError, EOFError, AttributeError):
            return None
        if not isinstance(obj, cls) or len(getattr(obj, "councils", ())) != len(obj.ids):
            return None  # not an index, or one saved before councils were kept: rebuild it
        return obj
