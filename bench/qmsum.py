"""QMSum committee retrieval benchmark: do our dense, BM25 and hybrid rankings find the gold turns?

    python -m bench.qmsum [DATA] [--dtype bfloat16] [--out FILE.json] [--variants]

DATA is a QMSum committee folder (train/ and val/ of meeting JSON files; default
../shared/data/qmsum-committee beside the checkout, or under $COUNCILQA_SHARED). Each
speaker turn is one passage, "Speaker: what they said". Retrieval runs within each
meeting, for every specific query, and is scored against the query's `relevant_text_span`
turns (inclusive ranges):

- recall@k: share of the gold turns in the top k (a perfect ranking is capped by k / gold);
- hit@k: 1 when any gold turn is in the top k;
- MRR: 1 / rank of the first gold turn in the method's ranking (0 when absent).

The components are the product's own: SentenceTransformerEmbedder, KeywordIndex (stemmed
BM25) and fuse_candidates with IndexSettings, so the figures measure what `councilqa ask`
does. Embeddings are cached in tmp/.cache, keyed by model and text, so reruns take seconds.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.settings import IndexSettings
from assistant.types import Chunk, Citation
from index import (
    KeywordIndex,
    SentenceTransformerEmbedder,
    choose_dtype,
    cpu_flags,
    embedding_text,
    fuse_candidates,
    rank_fused,
)

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("COUNCILQA_SHARED", REPO.parent / "shared"))
DEFAULT_DATA = SHARED / "data" / "qmsum-committee"
CACHE_DIR = REPO / "tmp" / ".cache"
DEPTH = 100  # single-method rankings are scored to this depth (MRR); fusion sees `candidates`

# Fusion variants measured with --variants: (label, IndexSettings overrides).
VARIANTS: list[tuple[str, dict[str, Any]]] = [
    ("rrf k=60 w=1 c=40", {"fusion": "rrf", "rrf_k": 60, "keyword_weight": 1.0, "candidates": 40}),
    ("rrf k=60 w=2 c=40", {"fusion": "rrf", "rrf_k": 60, "keyword_weight": 2.0, "candidates": 40}),
    ("rrf k=60 w=3 c=40", {"fusion": "rrf", "rrf_k": 60, "keyword_weight": 3.0, "candidates": 40}),
    ("rrf k=20 w=1 c=40", {"fusion": "rrf", "rrf_k": 20, "keyword_weight": 1.0, "candidates": 40}),
    ("rrf k=20 w=2 c=40", {"fusion": "rrf", "rrf_k": 20, "keyword_weight": 2.0, "candidates": 40}),
    ("rrf k=10 w=1.5 c=40", {"fusion": "rrf", "rrf_k": 10, "keyword_weight": 1.5, "candidates": 40}),
    ("rrf k=10 w=2 c=40", {"fusion": "rrf", "rrf_k": 10, "keyword_weight": 2.0, "candidates": 40}),
    ("rrf k=10 w=3 c=40", {"fusion": "rrf", "rrf_k": 10, "keyword_weight": 3.0, "candidates": 40}),
    ("rrf k=5 w=1.5 c=40", {"fusion": "rrf", "rrf_k": 5, "keyword_weight": 1.5, "candidates": 40}),
    ("rrf k=5 w=2 c=40", {"fusion": "rrf", "rrf_k": 5, "keyword_weight": 2.0, "candidates": 40}),
    ("rrf k=5 w=3 c=40", {"fusion": "rrf", "rrf_k": 5, "keyword_weight": 3.0, "candidates": 40}),
    ("rrf k=10 w=2 c=20", {"fusion": "rrf", "rrf_k": 10, "keyword_weight": 2.0, "candidates": 20}),
    ("rrf k=10 w=2 c=100", {"fusion": "rrf", "rrf_k": 10, "keyword_weight": 2.0, "candidates": 100}),
    ("score w=1 c=40", {"fusion": "score", "keyword_weight": 1.0, "candidates": 40}),
    ("score w=1.5 c=40", {"fusion": "score", "keyword_weight": 1.5, "candidates": 40}),
    ("score w=2 c=40", {"fusion": "score", "keyword_weight": 2.0, "candidates": 40}),
    ("score w=3 c=40", {"fusion": "score", "keyword_weight": 3.0, "candidates": 40}),
    ("score w=2 c=100", {"fusion": "score", "keyword_weight": 2.0, "candidates": 100}),
]


@dataclass
class Query:
    """A specific query and the turns that answer it."""

    text: str
    gold: frozenset[int]


@dataclass
class Meeting:
    """One transcript: its speaker turns and its specific queries."""

    name: str
    turns: list[str]
    queries: list[Query]


def load_meetings(data: Path) -> list[Meeting]:
    """Every meeting under the split folders of a QMSum committee directory."""
    files = sorted(data.glob("*/*.json"))
    if not files:
        raise SystemExit(f"No QMSum meeting files under {data}/*/ (pass the qmsum-committee folder)")
    meetings: list[Meeting] = []
    for path in files:
        raw = json.loads(path.read_text(encoding="utf-8"))
        turns = [f"{t['speaker']}: {t['content']}" for t in raw["meeting_transcripts"]]
        queries: list[Query] = []
        for q in raw["specific_query_list"]:
            gold = {
                i
                for start, end in q["relevant_text_span"]
                for i in range(int(start), int(end) + 1)
                if i < len(turns)
            }
            if gold:
                queries.append(Query(q["query"], frozenset(gold)))
        meetings.append(Meeting(f"{path.parent.name}/{path.stem}", turns, queries))
    return meetings


def turn_chunks(meeting: Meeting) -> list[Chunk]:
    """The meeting's turns as product chunks, one paragraph each."""
    chunks = []
    for i, text in enumerate(meeting.turns):
        citation = Citation(
            doc_id=meeting.name,
            source=meeting.name,
            doc_type="transcript",
            paragraph=i + 1,
            char_start=0,
            char_end=len(text),
        )
        chunks.append(Chunk(id=str(i), text=text, citation=citation))
    return chunks


class EmbeddingCache:
    """Vectors by sha1 of the text, in one .npz per model, precision and token limit."""

    def __init__(self, settings: IndexSettings, folder: Path = CACHE_DIR) -> None:
        model = Path(str(settings.model_path)).name if settings.model_path else "bundled-minilm"
        self.path = folder / f"emb-{model}-{settings.dtype}-{settings.max_seq_length}.npz"
        self.embedder = SentenceTransformerEmbedder(settings)
        self.vectors: dict[str, np.ndarray] = {}
        if self.path.exists():
            with np.load(self.path) as saved:
                self.vectors = dict(zip(saved["keys"].tolist(), saved["vectors"], strict=True))

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit vector per text, encoding only what the cache lacks."""
        keys = [self.key(t) for t in texts]
        todo = {k: t for k, t in zip(keys, texts, strict=True) if k not in self.vectors}
        if todo:
            started = time.perf_counter()
            vectors = self.embedder.embed(list(todo.values()))
            for k, v in zip(todo, vectors, strict=True):
                self.vectors[k] = np.asarray(v, dtype=np.float32)
            rate = len(todo) / (time.perf_counter() - started)
            print(f"encoded {len(todo)} texts ({rate:.1f}/s)", file=sys.stderr)
            self.save()
        return np.stack([self.vectors[k] for k in keys])

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(list(self.vectors))
        tmp = self.path.with_name(self.path.stem + ".tmp.npz")
        np.savez(tmp, keys=keys, vectors=np.stack(list(self.vectors.values())))
        tmp.replace(self.path)


@dataclass
class Candidates:
    """One query's dense and keyword candidate lists, (turn id, score), best first."""

    gold: frozenset[int]
    dense: list[tuple[str, float]]
    lexical: list[tuple[str, float]]


def gather(meetings: Sequence[Meeting], cache: EmbeddingCache) -> list[Candidates]:
    """Dense and BM25 rankings (to DEPTH) for every query, retrieved within its meeting."""
    out: list[Candidates] = []
    for meeting in meetings:
        chunks = turn_chunks(meeting)
        passages = cache.embed([embedding_text(c) for c in chunks])
        questions = cache.embed([q.text for q in meeting.queries])
        keyword = KeywordIndex.build(chunks)
        for q, qv in zip(meeting.queries, questions, strict=True):
            sims = passages @ qv
            order = np.argsort(-sims, kind="stable")[:DEPTH]
            dense = [(str(int(i)), float(sims[i])) for i in order]
            out.append(Candidates(q.gold, dense, keyword.search(q.text, DEPTH)))
    return out


def score(ranked: Sequence[str], gold: frozenset[int]) -> dict[str, float]:
    """recall@5/10, hit@5/10 and reciprocal rank of one ranking."""
    ids = [int(cid) for cid in ranked]
    first = next((rank for rank, i in enumerate(ids, start=1) if i in gold), None)
    row = {"mrr": 1.0 / first if first else 0.0}
    for k in (5, 10):
        found = len(gold.intersection(ids[:k]))
        row[f"recall@{k}"] = found / len(gold)
        row[f"hit@{k}"] = 1.0 if found else 0.0
    return row


def evaluate(candidates: Sequence[Candidates], rank: Callable[[Candidates], list[str]]) -> dict[str, float]:
    """Mean figures of one method over every query."""
    rows = [score(rank(c), c.gold) for c in candidates]
    keys = ("recall@5", "recall@10", "hit@5", "hit@10", "mrr")
    return {k: round(statistics.fmean(r[k] for r in rows), 4) for k in keys}


def hybrid(settings: IndexSettings) -> Callable[[Candidates], list[str]]:
    """The product's fusion of the top `candidates` of each list, with these settings."""

    def rank(c: Candidates) -> list[str]:
        n = settings.candidates
        scores = fuse_candidates(c.dense[:n], c.lexical[:n], settings)
        return rank_fused(scores, len(scores))

    return rank


def methods(base: IndexSettings, variants: bool) -> list[tuple[str, Callable[[Candidates], list[str]]]]:
    """The rankings to compare: dense, BM25, hybrid with the settings, and optionally fusion variants."""
    out: list[tuple[str, Callable[[Candidates], list[str]]]] = [
        ("dense", lambda c: [cid for cid, _ in c.dense]),
        ("BM25 (stemmed)", lambda c: [cid for cid, _ in c.lexical]),
        (f"hybrid (settings: {describe(base)})", hybrid(base)),
    ]
    if variants:
        for label, overrides in VARIANTS:
            out.append((f"hybrid {label}", hybrid(base.model_copy(update=overrides))))
    return out


def describe(s: IndexSettings) -> str:
    return f"{s.fusion} k={s.rrf_k} w={s.keyword_weight:g} c={s.candidates}"


def table(results: dict[str, dict[str, float]]) -> str:
    """The figures as a markdown table, one method a row."""
    lines = ["| method | R@5 | R@10 | hit@5 | hit@10 | MRR |", "|---|---|---|---|---|---|"]
    for name, r in results.items():
        cells = [r["recall@5"], r["recall@10"], r["hit@5"], r["hit@10"], r["mrr"]]
        lines.append(f"| {name} | " + " | ".join(f"{v:.3f}" for v in cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA, help="qmsum-committee folder")
    parser.add_argument(
        "--dtype", choices=["auto", "float32", "bfloat16"], default=None, help="encoder precision"
    )
    parser.add_argument("--out", type=Path, help="also write the figures as JSON")
    parser.add_argument("--variants", action="store_true", help="also measure the fusion variants")
    args = parser.parse_args(argv)

    from assistant.settings import Settings

    base = Settings().index  # honours COUNCILQA_INDEX__* so a setting can be tried without code
    if args.dtype:
        base = base.model_copy(update={"dtype": args.dtype})
    if base.dtype == "auto":  # the cache is kept per precision: name the one `auto` picks here
        base = base.model_copy(update={"dtype": choose_dtype("auto", "cpu", cpu_flags())})
    started = time.perf_counter()
    meetings = load_meetings(args.data)
    candidates = gather(meetings, EmbeddingCache(base))
    results = {name: evaluate(candidates, rank) for name, rank in methods(base, args.variants)}
    turns = sum(len(m.turns) for m in meetings)
    gold = statistics.fmean(len(c.gold) for c in candidates)
    print(
        f"QMSum committee: {len(meetings)} meetings, {turns} turns, {len(candidates)} specific queries "
        f"({gold:.1f} gold turns each); encoder {base.dtype}, max_seq_length {base.max_seq_length}; "
        f"{time.perf_counter() - started:.0f} s\n"
    )
    print(table(results))
    if args.out:
        report = {
            "data": str(args.data),
            "meetings": len(meetings),
            "turns": turns,
            "queries": len(candidates),
            "settings": base.model_dump(mode="json"),
            "results": results,
        }
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
