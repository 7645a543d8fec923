"""BM25 over the same chunks Chroma holds, derived from Chroma and cached on disk.

The cache is named by the Chroma collection's write generation: when another process
(or an ingest) writes to Chroma, the generation moves on and the next query rebuilds.
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

    @classmethod
    def build(cls, chunks: Iterable[Chunk]) -> KeywordIndex:
        """Index the chunks (stemmed BM25)."""
        import bm25s

        from .vector import body_key, day_number

        ids: list[str] = []
        bodies: list[str] = []
        days: list[int] = []
        types: list[str] = []
        councils: list[str] = []
        corpus: list[list[str]] = []
        places: dict[tuple[str, str | None], list[tuple[int, str]]] = {}
        for chunk in chunks:
            c = chunk.citation
            places.setdefault((c.doc_id, c.agenda_item), []).append((c.char_start, chunk.id))
            ids.append(chunk.id)
            bodies.append(body_key(c.body) if c.body else "")
            days.append(day_number(c.meeting_date) if c.meeting_date else 0)
            types.append(c.doc_type or "")
            councils.append(c.council or "")
            corpus.append(tokenize(retrieval_text(chunk)) or ["_empty_"])
        bm25 = bm25s.BM25()
        if corpus:
            bm25.index(corpus, show_progress=False)
        following: dict[str, str] = {}
        for run in places.values():
            run.sort()
            following.update((a, b) for (_, a), (_, b) in zip(run, run[1:], strict=False))
        return cls(
            ids,
            np.array(bodies, dtype=object),
            np.array(days),
            np.array(types, dtype=object),
            bm25,
            np.array(councils, dtype=object),
            following,
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
        from .vector import day_number

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
