"""Ingest the Limerick records and set the pipeline's rate against the raw encoder's.

    python -m bench.ingest LIMERICK_DIR [--fraction F | --limit N] [--keep DIR] [--dtype D]
        [--embed-batch N] [--batch-size N] [--threads N] [--sample N] [--out FILE] [--json]
    python -m bench.ingest LIMERICK_DIR --growth 0.1,0.5,1 --keep DIR [--n 100]

LIMERICK_DIR is the limerick-minutes folder holding `manifest.jsonl`: only the records it lists
are ingested (never the folders' READMEs). `--fraction F` or `--limit N` takes that many records
spread evenly over the manifest, as a prefix of one fixed order (positions bit-reversed), so a
smaller share is always part of a larger one and a second run with a larger share ingests only
the records the first did not.

The encoder is loaded (and warmed) before the clock starts. One run reports: files, chunks, the
seconds of each stage (read, parse, chunk, embed, write: they overlap, since the stages run at
once), the wall time, the pipeline's chunks/s and tokens/s, then the **raw encoder rate**:
sentence-transformers `encode` on the very same chunk texts (a uniform sample of them when there
are more than `--sample`, kept while they were embedded), with the same batch size, pool size,
dtype and threads, and the ratio of the two; peak RSS (of the ingest, before the raw timing) and
the index's size on disk. Tokens are counted with the model's tokenizer on the sample, cut at
`max_seq_length`; the pipeline's tokens/s is its chunks/s times that mean.

`--growth` runs one step per share into the same `--keep` folder, each ingest in a new process
(so each peak RSS is that step's), then `python -m bench.query DIR --n N` on what is indexed,
and prints the growth table; the figures go to bench/results/growth.json. SEE: issue 13.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant import EMBED_BATCH, Settings, ingest_paths, open_index
from index import SentenceTransformerEmbedder

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def manifest_records(root: Path) -> list[Path]:
    """The files `manifest.jsonl` lists, in the manifest's order (records only)."""
    lines = (root / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    return [root / str(json.loads(line)["path"]) for line in lines if line.strip()]


def spread_order(n: int) -> list[int]:
    """0..n-1 ordered so that every prefix is spread evenly over the range (bit-reversed positions)."""
    bits = max(1, (n - 1).bit_length())
    return sorted(range(n), key=lambda i: (int(f"{i:0{bits}b}"[::-1], 2), i))


def choose(records: Sequence[Path], fraction: float | None, limit: int | None) -> list[Path]:
    """`limit` records, or `fraction` of them, spread evenly; the smaller choice is part of the larger."""
    count = len(records)
    if limit is not None:
        count = min(limit, count)
    elif fraction is not None:
        count = min(count, round(fraction * len(records)))
    picked = spread_order(len(records))[:count]
    return [records[i] for i in sorted(picked)]


class SamplingEmbedder(SentenceTransformerEmbedder):
    """The ingest encoder, keeping a uniform sample of the texts it encodes (reservoir sampling)."""

    def __init__(self, settings: Settings, keep: int) -> None:
        super().__init__(settings.index)
        self.keep = keep
        self.seen = 0
        self.sample: list[str] = []
        self._random = random.Random(13)

    def remember(self, texts: Sequence[str]) -> None:
        """Keep each text with the same chance."""
        for text in texts:
            self.seen += 1
            if len(self.sample) < self.keep:
                self.sample.append(text)
            elif (slot := self._random.randrange(self.seen)) < self.keep:
                self.sample[slot] = text

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Encode, as the ingest encoder does, and remember some of the texts."""
        self.remember(texts)
        return super().embed(texts)

    def embed_passages(self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]) -> Any:
        """Encode with the sentences' vectors, as ingest does, and remember some of the texts."""
        self.remember(texts)
        return super().embed_passages(texts, spans)


def disk_bytes(folder: Path) -> int:
    """Bytes the folder takes on disk."""
    return sum(p.stat().st_blocks * 512 for p in folder.rglob("*") if p.is_file())


def encode_all(embedder: SamplingEmbedder, texts: Sequence[str], pool: int) -> None:
    """sentence-transformers `encode` on the texts, `pool` at a time, as the ingest encoder calls it."""
    for start in range(0, len(texts), pool):
        embedder.model.encode(
            list(texts[start : start + pool]),
            batch_size=embedder.settings.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )


def timed_encode(embedder: SamplingEmbedder, texts: Sequence[str], pool: int, thread: bool) -> dict[str, Any]:
    """Wall and CPU seconds of `encode_all`, on this thread or, as the pipeline runs it, a thread of
    its own (torch computes differently there: README, Benchmarks)."""
    started, cpu = time.perf_counter(), cpu_seconds()
    if thread:
        worker = threading.Thread(target=encode_all, args=(embedder, texts, pool))
        worker.start()
        worker.join()
    else:
        encode_all(embedder, texts, pool)
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    return {
        "texts": len(texts),
        "seconds": round(seconds, 1),
        "cpu_s": round(cpu, 1),
        "chunks_per_s": round(len(texts) / seconds, 1) if seconds else None,
    }


def raw_rate(embedder: SamplingEmbedder, pool: int) -> dict[str, Any]:
    """The raw encoder on the sampled texts (shuffled, pooled as the pipeline pools them): in an
    encoder thread as the pipeline runs it, then on the main thread (half the sample)."""
    texts = list(embedder.sample)
    random.Random(7).shuffle(texts)
    model = embedder.model
    worker = timed_encode(embedder, texts, pool, thread=True)
    main = timed_encode(embedder, texts[: max(1, len(texts) // 2)], pool, thread=False)
    tokens = model.tokenizer(texts, truncation=True, max_length=model.max_seq_length)["input_ids"]
    mean_tokens = sum(len(t) for t in tokens) / max(1, len(tokens))
    rate = worker["chunks_per_s"]
    return {
        **worker,
        "of": embedder.seen,
        "mean_tokens": round(mean_tokens, 1),
        "tokens_per_s": round(rate * mean_tokens) if rate else None,
        "main_thread": main,
    }


def cpu_seconds() -> float:
    """CPU seconds this process has used (every thread, user and system)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def encoder_settings(args: argparse.Namespace, data_dir: Path) -> Settings:
    """Settings for the run: the data folder, and the encoder options given."""
    settings = Settings(data_dir=data_dir)
    update: dict[str, Any] = {}
    if args.dtype:
        update["dtype"] = args.dtype
    if args.batch_size:
        update["batch_size"] = args.batch_size
    return settings.model_copy(update={"index": settings.index.model_copy(update=update)})


def run(args: argparse.Namespace, data_dir: Path) -> dict[str, Any]:
    """Ingest the chosen records into `data_dir` and return the figures."""
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    settings = encoder_settings(args, data_dir)
    records = manifest_records(args.root)
    chosen = choose(records, args.fraction, args.limit)
    started = time.perf_counter()
    embedder = SamplingEmbedder(settings, args.sample)
    embedder.model  # noqa: B018 -- load before the clock starts
    SentenceTransformerEmbedder.embed(embedder, ["warm up"])
    load_s = time.perf_counter() - started
    cpu = cpu_seconds()
    report = ingest_paths(
        [args.root], settings, embedder=embedder, files=(chosen, []), embed_batch=args.embed_batch
    )
    cpu = cpu_seconds() - cpu
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    started = time.perf_counter()
    open_index(settings, embedder).keyword()
    keyword_s = time.perf_counter() - started
    wall = report.seconds
    raw = raw_rate(embedder, args.embed_batch) if embedder.sample else None
    rate = report.chunks / wall if wall and report.chunks else None
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}",
        "records": len(records),
        "files": len(chosen),
        "ingested": len(report.ingested),
        "unchanged": len(report.unchanged),
        "duplicates": len(report.duplicates),
        "failed": len(report.failed),
        "failures": [reason for _, reason in report.failed[:10]],
        "problems": report.problems[:10],
        "chunks": report.chunks,
        "encoder": {
            "dtype": settings.index.dtype,
            "resolved_dtype": embedder.dtype,
            "device": embedder.device,
            "batch_size": settings.index.batch_size,
            "pool": args.embed_batch,
            "threads": torch.get_num_threads(),
            "max_seq_length": settings.index.max_seq_length,
            "load_s": round(load_s, 2),
        },
        "stages_s": {stage: round(secs, 1) for stage, secs in report.stages.items()},
        "wall_s": round(wall, 1),
        "chunks_per_s": round(rate, 1) if rate else None,
        "tokens_per_s": round(rate * raw["mean_tokens"]) if rate and raw else None,
        "raw": raw,
        "ratio": round(rate / raw["chunks_per_s"], 3) if rate and raw and raw["chunks_per_s"] else None,
        "cpu_s": round(cpu, 1),
        # CPU seconds per chunk: the raw encoder's over the pipeline's (robust to other load)
        "cpu_ratio": round((raw["cpu_s"] / raw["texts"]) / (cpu / report.chunks), 3)
        if raw and report.chunks and cpu
        else None,
        "peak_rss_mib": round(rss_mib),
        "index_mib": round(disk_bytes(data_dir) / 2**20, 1),
        "keyword_build_s": round(keyword_s, 1),
    }


def show(f: dict[str, Any]) -> None:
    """The figures as lines of text."""
    e = f["encoder"]
    print(f"{f['when']}  {f['machine']}")
    print(f"records     {f['files']} of {f['records']} in the manifest: {f['ingested']} ingested, "
          f"{f['unchanged']} unchanged, {f['duplicates']} copies, {f['failed']} failed")  # fmt: skip
    for line in [*f["failures"], *f["problems"]]:
        print(f"  {line}")
    print(f"encoder     {e['resolved_dtype']} on {e['device']} ({e['dtype']} asked), "
          f"batch {e['batch_size']}, pool {e['pool']}, {e['threads']} threads, "
          f"loaded in {e['load_s']} s")  # fmt: skip
    print("stages      " + ", ".join(f"{s} {v} s" for s, v in f["stages_s"].items()) + " (they overlap)")
    print(f"pipeline    {f['chunks']} chunks in {f['wall_s']} s: {f['chunks_per_s']} chunks/s, "
          f"{f['tokens_per_s']} tokens/s")  # fmt: skip
    raw = f["raw"]
    if raw:
        which = "all" if raw["texts"] == raw["of"] else "a uniform sample of"
        print(f"raw encoder {raw['chunks_per_s']} chunks/s, {raw['tokens_per_s']} tokens/s: `encode` on "
              f"{which} {raw['texts']} of the {raw['of']} texts, "
              f"{raw['mean_tokens']} tokens each")  # fmt: skip
        m = raw["main_thread"]
        print(f"            on the main thread instead: {m['chunks_per_s']} chunks/s ({m['texts']} texts, "
              f"{m['cpu_s']} CPU s)")  # fmt: skip
        print(f"ratio       {f['ratio']} by wall time (pipeline / raw encoder; target 0.9), "
              f"{f['cpu_ratio']} by CPU time (raw CPU s per chunk / pipeline's)")  # fmt: skip
    print(f"peak RSS    {f['peak_rss_mib']} MiB (target 1,536 for the full set)")
    print(f"index       {f['index_mib']} MiB on disk; BM25 built from Chroma in {f['keyword_build_s']} s")


def growth(args: argparse.Namespace) -> int:
    """One step per share into the same folder, each ingest in its own process, then bench.query."""
    steps: list[dict[str, Any]] = []
    cumulative = 0.0
    RESULTS.mkdir(exist_ok=True)
    for share in [float(s) for s in args.growth.split(",")]:
        out = RESULTS / f"ingest_{round(share * 100)}.json"
        cmd = [sys.executable, "-m", "bench.ingest", str(args.root), "--fraction", str(share),
               "--keep", str(args.keep), "--sample", str(args.sample), "--out", str(out)]  # fmt: skip
        for flag, value in (("--dtype", args.dtype), ("--batch-size", args.batch_size)):
            if value:
                cmd += [flag, str(value)]
        subprocess.run(cmd, check=True)
        ingest = json.loads(out.read_text())
        cumulative += ingest["wall_s"]
        query_out = RESULTS / f"query_{round(share * 100)}.json"
        query = [
            sys.executable,
            "-m",
            "bench.query",
            str(args.keep),
            "--n",
            str(args.n),
            "--out",
            str(query_out),
        ]
        subprocess.run(query, check=True, stdout=subprocess.DEVNULL)
        asked = json.loads(query_out.read_text())
        steps.append({"share": share, "cumulative_s": round(cumulative, 1), "ingest": ingest, "query": asked})
        (RESULTS / "growth.json").write_text(json.dumps(steps, indent=2) + "\n")
        print(growth_row(steps[-1]), flush=True)
    return 0


def growth_row(step: dict[str, Any]) -> str:
    """One line of the growth table."""
    i, q = step["ingest"], step["query"]
    modes = q["modes"]
    p = " | ".join(f"{modes[m]['total']['p50_ms']:.0f} / {modes[m]['total']['p95_ms']:.0f}" for m in modes)
    return (
        f"| {step['share']:.0%} | {i['files']} | {q['archive']['chunks']:,} | {i['wall_s']:.0f} s | "
        f"{step['cumulative_s']:.0f} s | {i['chunks_per_s']} | {i['ratio']} | {i['index_mib']:.0f} MiB | "
        f"{i['peak_rss_mib']} MiB | {p} |"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time an ingest of the Limerick records against the raw encoder."
    )
    parser.add_argument("root", type=Path, help="the limerick-minutes folder (holding manifest.jsonl)")
    share = parser.add_mutually_exclusive_group()
    share.add_argument("--fraction", type=float, help="ingest this share of the records (0-1)")
    share.add_argument("--limit", type=int, help="ingest this many records")
    share.add_argument("--growth", help="shares to ingest one after another into --keep, e.g. 0.1,0.5,1")
    parser.add_argument(
        "--keep", type=Path, help="build the index in DIR (kept) instead of a temporary folder"
    )
    parser.add_argument("--dtype", choices=["auto", "float32", "bfloat16"], help="encoder precision")
    parser.add_argument("--batch-size", type=int, help="passages per encoder batch (default: the setting)")
    parser.add_argument("--embed-batch", type=int, default=EMBED_BATCH, help="chunks pooled per encoder call")
    parser.add_argument("--threads", type=int, help="torch threads (default: torch's own)")
    parser.add_argument("--sample", type=int, default=2000, help="texts kept to time the raw encoder on")
    parser.add_argument(
        "--n", type=int, default=100, help="with --growth: questions per filter for bench.query"
    )
    parser.add_argument("--out", type=Path, help="also write the figures here as JSON")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not (args.root / "manifest.jsonl").is_file():
        parser.error(f"{args.root} has no manifest.jsonl (give the limerick-minutes folder)")
    if args.growth:
        if not args.keep:
            parser.error("--growth needs --keep DIR")
        return growth(args)
    if args.keep:
        figures = run(args, args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="councilqa-bench-") as tmp:
            figures = run(args, Path(tmp))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(figures, indent=2) + "\n")
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        show(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
