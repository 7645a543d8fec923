"""Retrieval figures of fusion variants on an ingested archive and a question file, side by side.

    python -m bench.fusion_sweep DATA_DIR [--questions FILE] [--k N]

Every question goes through the product's retrieve_chunks once per variant (the question's
embedding is computed once), and is scored as `councilqa eval` scores retrieval: hit@k and
MRR of the passages matching the question's expected `cites`. Only retrieval is measured;
run `councilqa eval` for the answer figures of the variant you keep.
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant import Filters, Settings
from evals.run import QUESTIONS, Question, cite_matches, load_questions
from index import CouncilIndex, Embedder, SentenceTransformerEmbedder
from index.retrieve import retrieve_chunks

from .qmsum import VARIANTS, describe


class MemoEmbedder:
    """Embeds each distinct text once per process."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.memo: dict[str, list[float]] = {}

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        todo = [t for t in dict.fromkeys(texts) if t not in self.memo]
        for text, vec in zip(todo, self.inner.embed(todo), strict=True):
            self.memo[text] = vec
        return [self.memo[t] for t in texts]


def sweep(
    questions: Sequence[Question], settings: Settings, k: int, variants: Sequence[tuple[str, dict[str, Any]]]
) -> dict[str, dict[str, float]]:
    """hit@k and MRR of each variant over the questions that expect citations."""
    embedder = MemoEmbedder(SentenceTransformerEmbedder(settings.index))
    index = CouncilIndex(settings, embedder=embedder, create=False)
    keyword = index.keyword()
    scored = [q for q in questions if q.cites and not q.unanswerable]
    results: dict[str, dict[str, float]] = {}
    for label, overrides in variants:
        variant = settings.index.model_copy(update=overrides)
        hits: list[float] = []
        reciprocal: list[float] = []
        for q in scored:
            filters = Filters.model_validate(q.filters.model_dump()) if q.filters else Filters()
            found = retrieve_chunks(
                q.question,
                filters,
                k,
                embedder=embedder,
                vectors=index.vectors,
                keyword=keyword,
                settings=variant,
            )
            ranks = [
                rank
                for rank, s in enumerate(found, start=1)
                if any(cite_matches(c, s.chunk.citation) for c in q.cites)
            ]
            hits.append(1.0 if ranks else 0.0)
            reciprocal.append(1.0 / ranks[0] if ranks else 0.0)
        results[f"{label} ({describe(variant)})" if label == "settings" else label] = {
            f"hit@{k}": round(statistics.fmean(hits), 4),
            "mrr": round(statistics.fmean(reciprocal), 4),
        }
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Compare fusion variants on an ingested archive.")
    parser.add_argument("data_dir", type=Path, help="councilqa data folder (already ingested)")
    parser.add_argument("--questions", type=Path, default=QUESTIONS, help="question file (JSONL)")
    parser.add_argument("--k", type=int, default=None, help="passages retrieved per question")
    args = parser.parse_args(argv)
    settings = Settings().model_copy(update={"data_dir": args.data_dir})
    k = args.k or settings.answer.k
    # single retrievers for reference: weight 0 leaves the dense list alone; weight 1000 makes the
    # BM25 list decide every rank it covers (its 40 candidates), the dense list only fills in after
    singles: list[tuple[str, dict[str, Any]]] = [
        ("dense only (w=0)", {"fusion": "rrf", "keyword_weight": 0.0}),
        ("BM25 only (w=1000)", {"fusion": "rrf", "keyword_weight": 1000.0}),
    ]
    variants = [("settings", {}), *singles, *VARIANTS]
    results = sweep(load_questions(args.questions), settings, k, variants)
    print(f"| variant | hit@{k} | MRR |\n|---|---|---|")
    for label, r in results.items():
        print(f"| {label} | {r[f'hit@{k}']:.3f} | {r['mrr']:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
