"""Ingest the Limerick minutes into a fresh data folder and report the cost of each stage.

    python bench/ingest_limerick.py [FOLDER] [--limit N] [--dtype bfloat16] [--embed-batch N] [--json]

FOLDER defaults to ../shared/data/limerick-minutes/meetings beside the checkout (or under
$COUNCILQA_SHARED). `--limit N` ingests N files spread evenly over the sorted set, so a
subset covers every year. The index goes into a temporary folder (or `--keep DIR`), the
model is loaded before the clock starts, and the figures are: files, chunks, seconds per
stage (read, parse, chunk, embed, write), total wall time, the keyword index build that
the first question pays, and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant import Settings, collect_files, ingest_paths, open_index
from index import SentenceTransformerEmbedder

REPO = Path(__file__).resolve().parent.parent


def default_folder() -> Path:
    """The Limerick meetings folder in the shared data."""
    shared = Path(os.environ.get("COUNCILQA_SHARED", REPO.parent / "shared"))
    return shared / "data" / "limerick-minutes" / "meetings"


def spread(files: Sequence[Path], limit: int | None) -> list[Path]:
    """`limit` files taken evenly across `files` (all of them when limit is None)."""
    if limit is None or limit >= len(files):
        return list(files)
    step = len(files) / limit
    return [files[int(i * step)] for i in range(limit)]


def run(folder: Path, data_dir: Path, limit: int | None, dtype: str, embed_batch: int) -> dict[str, Any]:
    """Ingest the folder (or a spread subset) and return the figures."""
    settings = Settings(data_dir=data_dir)
    settings = settings.model_copy(update={"index": settings.index.model_copy(update={"dtype": dtype})})
    found, problems = collect_files([folder])
    files = spread(found, limit)
    started = time.perf_counter()
    embedder = SentenceTransformerEmbedder(settings.index)
    embedder.embed(["warm up"])
    load_s = time.perf_counter() - started
    index = open_index(settings, embedder)
    report = ingest_paths(
        [folder], settings, embedder=embedder, files=(files, problems), embed_batch=embed_batch
    )
    started = time.perf_counter()
    index.keyword()
    keyword_s = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    embed_s = report.stages["embed"]
    return {
        "folder": str(folder),
        "files": len(files),
        "ingested": len(report.ingested),
        "duplicates": len(report.duplicates),
        "failed": len(report.failed),
        "failures": [reason for _, reason in report.failed[:10]],
        "chunks": report.chunks,
        "dtype": dtype,
        "embed_batch": embed_batch,
        "model_load_s": round(load_s, 2),
        "stages_s": {stage: round(secs, 2) for stage, secs in report.stages.items()},
        "ingest_wall_s": round(report.seconds, 2),
        "passages_per_s": round(report.chunks / embed_s, 1) if embed_s else None,
        "keyword_build_s": round(keyword_s, 2),
        "peak_rss_mib": round(rss / 1024),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time a full ingest of the Limerick minutes.")
    parser.add_argument("folder", nargs="?", type=Path, default=None, help="the meetings folder")
    parser.add_argument("--limit", type=int, default=None, help="ingest only N files, spread over the set")
    parser.add_argument(
        "--dtype", choices=["float32", "bfloat16"], default="float32", help="encoder precision"
    )
    parser.add_argument(
        "--embed-batch", type=int, default=256, help="passages per encoder call, across files"
    )
    parser.add_argument(
        "--keep", type=Path, help="build the index in DIR (kept) instead of a temporary folder"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    folder = args.folder or default_folder()
    if not folder.is_dir():
        print(f"No such folder: {folder} (pass the meetings folder or set COUNCILQA_SHARED)", file=sys.stderr)
        return 2
    if args.keep:
        figures = run(folder, args.keep, args.limit, args.dtype, args.embed_batch)
    else:
        with tempfile.TemporaryDirectory(prefix="councilqa-bench-") as tmp:
            figures = run(folder, Path(tmp), args.limit, args.dtype, args.embed_batch)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    stages = ", ".join(f"{stage} {secs:.1f}s" for stage, secs in figures["stages_s"].items())
    print(f"folder      {figures['folder']}")
    print(f"files       {figures['files']} ({figures['ingested']} ingested, {figures['duplicates']} copies, "
          f"{figures['failed']} failed)")  # fmt: skip
    for reason in figures["failures"]:
        print(f"  failed: {reason}")
    print(f"chunks      {figures['chunks']}")
    f = figures
    print(f"encoder     {f['dtype']}, {f['embed_batch']} per call, loaded in {f['model_load_s']}s")
    print(f"stages      {stages}")
    print(f"wall        {f['ingest_wall_s']:.1f}s ({f['passages_per_s']} passages/s while embedding)")
    print(f"keyword     {figures['keyword_build_s']:.1f}s to build BM25 from Chroma")
    print(f"peak RSS    {figures['peak_rss_mib']} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
