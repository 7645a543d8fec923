"""The ingest encoder's variants, timed on the same Limerick chunk texts: precision, batch size,
pool (how many chunks one `encode` call sorts by length), torch threads, and which thread runs it.

    python -m bench.encoder LIMERICK_DIR [--records 60] [--texts 400] [--json]

The texts are the chunks (as the encoder sees them: `embedding_text`, cut as ingest cuts them) of
`--records` records spread evenly over `manifest.jsonl`, a uniform sample of `--texts` of them in
file order. Each variant encodes them all once, untimed for a warm-up on the first, and reports
chunks/s, CPU seconds per chunk and the mean and least cosine of its vectors to float32's. The
quality of a variant for retrieval is measured apart (README: `councilqa eval`, `bench.qmsum`).
SEE: issue 13.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from assistant import Settings
from bench.ingest import choose, cpu_seconds, manifest_records
from index import SentenceTransformerEmbedder, embedding_text
from ingest import chunk_meeting, parse_meeting, read_document

# (name, dtype, batch size, pool, thread: "worker" as ingest runs it, or "main" with N torch threads)
VARIANTS: list[tuple[str, str, int, int, str]] = [
    ("float32, batch 16, pool 256, encoder thread", "float32", 16, 256, "worker"),
    ("bfloat16, batch 16, pool 256, encoder thread (auto here)", "bfloat16", 16, 256, "worker"),
    ("bfloat16, batch 32, pool 256, encoder thread", "bfloat16", 32, 256, "worker"),
    ("bfloat16, batch 64, pool 256, encoder thread", "bfloat16", 64, 256, "worker"),
    ("bfloat16, batch 16, pool 16 (no length sorting), encoder thread", "bfloat16", 16, 16, "worker"),
    ("bfloat16, batch 16, pool 256, main thread, 2 torch threads", "bfloat16", 16, 256, "main2"),
    ("bfloat16, batch 16, pool 256, main thread, 1 torch thread", "bfloat16", 16, 256, "main1"),
]


def chunk_texts(root: Path, records: int, texts: int) -> list[str]:
    """A uniform sample of the chunk texts of `records` records spread over the manifest."""
    settings = Settings()
    limit = settings.index.max_seq_length * 16  # as `CouncilIndex.embed_chunks` cuts them
    found: list[str] = []
    for path in choose(manifest_records(root), None, records):
        meeting = parse_meeting(read_document(path, settings.ingest))
        found.extend(embedding_text(c)[:limit] for c in chunk_meeting(meeting, settings.ingest))
    keep = sorted(random.Random(13).sample(range(len(found)), min(texts, len(found))))
    return [found[i] for i in keep]


def encode(model: Any, texts: Sequence[str], batch: int, pool: int) -> np.ndarray[Any, Any]:
    parts = [
        model.encode(
            list(texts[s : s + pool]),
            batch_size=batch,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        ).astype("float32")
        for s in range(0, len(texts), pool)
    ]
    return np.concatenate(parts)


def timed(model: Any, texts: Sequence[str], batch: int, pool: int, thread: str) -> tuple[float, float, Any]:
    """Wall and CPU seconds of encoding the texts, and the vectors."""
    import torch

    out: list[Any] = []
    torch.set_num_threads(1 if thread == "main1" else os.cpu_count() or 1)
    started, cpu = time.perf_counter(), cpu_seconds()
    if thread == "worker":
        worker = threading.Thread(target=lambda: out.append(encode(model, texts, batch, pool)))
        worker.start()
        worker.join()
    else:
        out.append(encode(model, texts, batch, pool))
    return time.perf_counter() - started, cpu_seconds() - cpu, out[0]


def run(root: Path, records: int, count: int) -> dict[str, Any]:
    texts = chunk_texts(root, records, count)
    models: dict[str, Any] = {}
    reference: Any = None
    rows = []
    for name, dtype, batch, pool, thread in VARIANTS:
        if dtype not in models:
            base = Settings().index
            embedder = SentenceTransformerEmbedder(base.model_copy(update={"dtype": dtype, "device": "cpu"}))
            models[dtype] = embedder.model
            encode(models[dtype], texts[:32], 16, 32)  # warm up
        wall, cpu, vectors = timed(models[dtype], texts, batch, pool, thread)
        if reference is None:
            reference = vectors
        norms = np.linalg.norm(vectors, axis=1) * np.linalg.norm(reference, axis=1)
        cos = (vectors * reference).sum(axis=1) / norms  # bfloat16 vectors are not quite unit length
        rows.append(
            {
                "variant": name,
                "chunks_per_s": round(len(texts) / wall, 1),
                "cpu_ms_per_chunk": round(1000 * cpu / len(texts), 1),
                "cosine_to_float32": {"mean": round(float(cos.mean()), 5), "min": round(float(cos.min()), 5)},
                "load": round(os.getloadavg()[0], 1),
            }
        )
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "texts": len(texts),
        "records": records,
        "variants": rows,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time the ingest encoder's variants on Limerick chunks.")
    parser.add_argument("root", type=Path, help="the limerick-minutes folder (holding manifest.jsonl)")
    parser.add_argument("--records", type=int, default=60, help="records to take the chunks of")
    parser.add_argument("--texts", type=int, default=400, help="chunk texts to encode per variant")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "encoder.json")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not (args.root / "manifest.jsonl").is_file():
        parser.error(f"{args.root} has no manifest.jsonl (give the limerick-minutes folder)")
    figures = run(args.root, args.records, args.texts)
    args.out.write_text(json.dumps(figures, indent=2) + "\n")
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"{figures['texts']} chunk texts of {figures['records']} records; {figures['when']}")
    print("| variant | chunks/s | CPU ms per chunk | cosine to float32 (mean / min) | load |")
    print("|---|---|---|---|---|")
    for r in figures["variants"]:
        c = r["cosine_to_float32"]
        cos = f"{c['mean']} / {c['min']}"
        print(f"| {r['variant']} | {r['chunks_per_s']} | {r['cpu_ms_per_chunk']} | {cos} | {r['load']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
