"""Hybrid retrieval: dense (Chroma) and BM25 candidates fused by (weighted) reciprocal rank."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.settings import IndexSettings
from assistant.text import cosine
from assistant.types import Chunk, Filters, ScoredChunk, may_see

from .embed import Embedder
from .keyword import KeywordIndex
from .metadata import body_key
from .vector import VectorStore


@dataclass
class RetrievalTimes:
    """Seconds one retrieval spent in each stage (what bench/query.py splits a question's time by)."""

    embed: float = 0.0  # the question's vector
    dense: float = 0.0  # Chroma's nearest neighbours
    keyword: float = 0.0  # BM25, with the filters' mask
    fusion: float = 0.0  # fused ranking, and the chunks only BM25 found fetched from Chroma


def embedding_text(chunk: Chunk) -> str:
    """What the encoder sees: the agenda item's title, then the paragraph (no dates or paths)."""
    item = chunk.citation.agenda_item
    return f"{item}\n{chunk.text}" if item and item != chunk.text else chunk.text


def match_bodies(wanted: str, known: Sequence[str]) -> list[str]:
    """Body keys that the user's body filter names: exact, else every one containing it."""
    key = body_key(wanted)
    if key in known:
        return [key]
    return [b for b in known if key in b]


def fuse(
    rankings: Sequence[Sequence[str]], rrf_k: int, weights: Sequence[float] | None = None
) -> dict[str, float]:
    """Reciprocal-rank fusion: each list adds weight / (rrf_k + rank) to an id's score."""
    scores: dict[str, float] = {}
    for i, ranking in enumerate(rankings):
        weight = weights[i] if weights is not None else 1.0
        for rank, cid in enumerate(ranking, start=1):
            scores[cid] = scores.get(cid, 0.0) + weight / (rrf_k + rank)
    return scores


def _normalised(scored: Sequence[tuple[str, float]]) -> dict[str, float]:
    """Scores rescaled to [0, 1] by the list's own minimum and maximum."""
    if not scored:
        return {}
    values = [s for _, s in scored]
    low, high = min(values), max(values)
    span = high - low
    return {cid: (s - low) / span if span > 0 else 1.0 for cid, s in scored}


def fuse_candidates(
    dense: Sequence[tuple[str, float]], lexical: Sequence[tuple[str, float]], settings: IndexSettings
) -> dict[str, float]:
    """Fused scores of the dense and keyword candidates (each best first), by the settings' method."""
    weights = (1.0, settings.keyword_weight)
    if settings.fusion == "score":
        scores: dict[str, float] = {}
        for weight, normalised in zip(weights, (_normalised(dense), _normalised(lexical)), strict=True):
            for cid, s in normalised.items():
                scores[cid] = scores.get(cid, 0.0) + weight * s
        return scores
    return fuse([[cid for cid, _ in dense], [cid for cid, _ in lexical]], settings.rrf_k, weights)


def rank_fused(scores: dict[str, float], k: int) -> list[str]:
    """The `k` best ids by fused score; ties keep the order the candidates first appeared in."""
    return sorted(scores, key=lambda cid: -scores[cid])[:k]


# when at least this share of the archive passes the filters, search it all and drop the rest
_POST_FILTER_SHARE = 0.5


def retrieve_chunks(
    question: str,
    filters: Filters,
    k: int,
    *,
    embedder: Embedder,
    vectors: VectorStore,
    keyword: KeywordIndex,
    settings: IndexSettings,
    times: RetrievalTimes | None = None,
) -> list[ScoredChunk]:
    """The `k` chunks that best match the question under the filters, best first. `keyword` must be
    the BM25 index of what `filters.access` may see; Chroma's query carries the access too.
    `times`, when given, is filled with the seconds each stage took."""
    times = times if times is not None else RetrievalTimes()
    bodies = match_bodies(filters.body, keyword.bodies()) if filters.body else None
    if bodies is not None and not bodies:
        return []
    n = max(settings.candidates, k)
    clock = time.perf_counter()
    query_vec = embedder.embed([question])[0]
    times.embed, clock = _lap(clock)
    dense = _dense(query_vec, n, keyword.passing(filters, bodies), vectors)
    times.dense, clock = _lap(clock)
    lexical = keyword.search(question, n, keyword.mask(filters, bodies))
    times.keyword, clock = _lap(clock)
    dense_ids = [c.id for c, _ in dense]
    lexical_ids = [cid for cid, _ in lexical]
    scores = fuse_candidates([(c.id, s) for c, s in dense], lexical, settings)
    top = rank_fused(scores, k)
    chunks = {c.id: c for c, _ in dense}
    similarity = {c.id: s for c, s in dense}
    missing = [cid for cid in top if cid not in chunks]
    if missing:
        for chunk in vectors.get_chunks(missing):
            chunks[chunk.id] = chunk
        for cid, vec in vectors.embeddings(missing).items():
            similarity[cid] = cosine(query_vec, vec)
    out: list[ScoredChunk] = []
    for cid in top:
        if cid not in chunks:
            continue  # deleted since the keyword index was built
        if not may_see(filters.access, chunks[cid].citation.access):
            continue  # never reached with the right keyword index; checked again all the same
        out.append(
            ScoredChunk(
                chunk=chunks[cid],
                score=scores[cid],
                dense_rank=dense_ids.index(cid) + 1 if cid in dense_ids else None,
                keyword_rank=lexical_ids.index(cid) + 1 if cid in lexical_ids else None,
                similarity=similarity.get(cid),
            )
        )
    times.fusion, _ = _lap(clock)
    return out


def _dense(
    query_vec: Sequence[float], n: int, passing: Sequence[str], vectors: VectorStore
) -> list[tuple[Chunk, float]]:
    """The `n` nearest chunks among those the caller may see under the filters (`passing`, from the
    keyword index, which holds exactly those with the fields every filter reads).

    Chroma 1.5's `where` costs more the more records match (a public caller's `access: public`
    alone took 376 ms a query at 6,800 chunks), while the same search restricted by id took 12-19
    ms; but a list of ids costs too when it names most of a large archive (86 ms a query at 57,000
    chunks). So: every chunk passes, no restriction; most pass, the nearest are fetched unrestricted,
    enough of them that `n` passing ones are among them, and the rest dropped; else restricted by id.
    Each gives the same chunks as `build_where` would (tests/unit/test_index.py). SEE: issue 13."""
    total = vectors.count()
    if len(passing) == total:
        return vectors.query(query_vec, n)
    if passing and len(passing) >= _POST_FILTER_SHARE * total:
        fetch = min(total, 2 * n * total // len(passing) + n)
        allowed = set(passing)
        kept = [(c, sim) for c, sim in vectors.query(query_vec, fetch) if c.id in allowed]
        if len(kept) >= n or fetch >= total:
            return kept[:n]
    return vectors.query(query_vec, n, ids=list(passing))


def _lap(since: float) -> tuple[float, float]:
    """Seconds since `since`, and now."""
    now = time.perf_counter()
    return now - since, now
