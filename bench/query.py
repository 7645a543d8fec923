"""How fast a warm process answers: `ask` latency without an LLM, split by stage, with and without filters.

    python -m bench.query ARCHIVE [--build LIMERICK_DIR [--files N]] [--questions FILE]... [--n 100] [--json]

ARCHIVE is a councilqa data folder. With `--build`, an empty ARCHIVE is first filled with a subset
of the Limerick records: N files spread evenly over `manifest.jsonl` (records only, never the
folder READMEs), plus every file the question sets cite, ingested in bfloat16. Then one process
opens the archive, loads the encoder and the keyword index, and asks each question (the first N
of the question files, cycled) three ways: no filter, a body filter and a date range (the body
and the year of the document the question cites, so the answer stays in; the busiest body and
the middle year for a question citing nothing indexed). Each ask is timed whole and split
into embed question, dense (Chroma), BM25, fusion, and answer (everything else: the archive's
documents, the follow-on passages, weighing the sentences). Figures: p50 and p95 in ms per stage
and filter, written to bench/results/query.json. SEE: issue 13.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from assistant import Assistant, Filters, Settings, ingest_paths
from evals.run import Question, load_questions
from index import LightEmbedder

HERE = Path(__file__).resolve().parent
QUESTION_FILES = [HERE / "limerick_questions.jsonl", HERE / "limerick_new_questions.jsonl"]
RESULTS = HERE / "results" / "query.json"
STAGES = ("embed", "dense", "bm25", "fusion", "answer", "total")


def subset(root: Path, files: int, questions: Sequence[Path]) -> list[Path]:
    """`files` records spread evenly over the Limerick manifest, plus the files the questions cite."""
    entries = [
        json.loads(line) for line in (root / "manifest.jsonl").read_text().splitlines() if line.strip()
    ]
    paths = sorted(root / str(e["path"]) for e in entries)
    step = max(1, len(paths) // max(1, files))
    chosen = set(paths[::step][:files])
    wanted = {
        c.source.lower() for file in questions for q in load_questions(file) for c in q.cites if c.source
    }
    chosen |= {p for p in paths if any(p.as_posix().lower().endswith(w) for w in wanted)}
    return sorted(chosen)


def build(archive: Path, root: Path, files: int, questions: Sequence[Path]) -> dict[str, Any]:
    """Ingest the subset into `archive`; what went in and how long it took."""
    settings = Settings(data_dir=archive)
    settings = settings.model_copy(update={"index": settings.index.model_copy(update={"dtype": "bfloat16"})})
    chosen = subset(root, files, questions)
    started = time.perf_counter()
    report = ingest_paths([root], settings, files=(chosen, []))
    return {
        "files": len(chosen),
        "ingested": len(report.ingested),
        "failed": len(report.failed),
        "chunks": report.chunks,
        "seconds": round(time.perf_counter() - started, 1),
    }


def percentiles(values: Sequence[float]) -> dict[str, float]:
    """p50 and p95 of seconds, in milliseconds."""
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": round(statistics.median(ordered) * 1000, 1), "p95_ms": round(p95 * 1000, 1)}


def filter_modes(assistant: Assistant, questions: Sequence[Question]) -> dict[str, list[Filters]]:
    """Per question: no filter; the body of the document it cites; the year of that document's
    meeting (a filter that keeps the answer in). A question citing nothing in the archive gets the
    body with the most passages and the archive's middle year."""
    status = assistant.status()
    keys = Counter(b for b in assistant.index.keyword().body_keys.tolist() if b)
    body = keys.most_common(1)[0][0] if keys else None
    first, last = status.first_date, status.last_date
    year = (first.year + last.year) // 2 if first and last else date.today().year
    documents = assistant.index.documents()
    by_body, by_year = [], []
    for q in questions:
        names = [c.source.lower() for c in q.cites if c.source]
        cited = next((d for d in documents if any(d.source.lower().endswith(n) for n in names)), None)
        by_body.append(Filters(body=cited.body if cited and cited.body else body))
        y = cited.meeting_date.year if cited and cited.meeting_date else year
        by_year.append(Filters(since=date(y, 1, 1), until=date(y, 12, 31)))
    return {"none": [Filters()] * len(questions), "body": by_body, "date range": by_year}


def measure(
    assistant: Assistant, questions: Sequence[Question], filters: Sequence[Filters]
) -> dict[str, Any]:
    """Ask each question under its filters; p50/p95 per stage."""
    assistant.ask(questions[0].question, filters[0])  # untimed: first use of this filter
    taken: dict[str, list[float]] = {stage: [] for stage in STAGES}
    refused = 0
    for q, question_filters in zip(questions, filters, strict=True):
        if isinstance(assistant.index.embedder, LightEmbedder):
            assistant.index.embedder.forget()  # each mode asks the same questions: time them as new
        started = time.perf_counter()
        answer = assistant.ask(q.question, question_filters)
        total = time.perf_counter() - started
        t = assistant.index.last_retrieval
        refused += int(answer.refused)
        for stage, secs in zip(STAGES[:4], (t.embed, t.dense, t.keyword, t.fusion), strict=True):
            taken[stage].append(secs)
        taken["answer"].append(total - (t.embed + t.dense + t.keyword + t.fusion))
        taken["total"].append(total)
    return {
        "filters": sorted({json.dumps(f.model_dump(mode="json", exclude_defaults=True)) for f in filters})[
            :5
        ],
        "questions": len(questions),
        "refused": refused,
        **{stage: percentiles(values) for stage, values in taken.items()},
    }


def run(archive: Path, questions: Sequence[Question]) -> dict[str, Any]:
    """Open the archive once, warm it, and time the questions under each filter."""
    assistant = Assistant(Settings(data_dir=archive))
    started = time.perf_counter()
    assistant.warm()
    status = assistant.status()
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}",
        "archive": {"documents": status.documents, "chunks": status.chunks},
        "warm_s": round(time.perf_counter() - started, 2),
        "modes": {
            name: measure(assistant, questions, f) for name, f in filter_modes(assistant, questions).items()
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time warm `ask` latency by stage, with and without filters."
    )
    parser.add_argument("archive", type=Path, help="councilqa data folder")
    parser.add_argument(
        "--build", type=Path, metavar="LIMERICK_DIR", help="fill an empty ARCHIVE from this set"
    )
    parser.add_argument("--files", type=int, default=200, help="records to take with --build (default 200)")
    parser.add_argument("--questions", type=Path, action="append", help="question file(s), JSONL")
    parser.add_argument("--n", type=int, default=100, help="questions per filter (default 100)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where the JSON goes")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    files = args.questions or QUESTION_FILES
    built = None
    if args.build:
        if not (args.build / "manifest.jsonl").is_file():
            parser.error(f"{args.build} has no manifest.jsonl (give the limerick-minutes folder)")
        if (args.archive / "chroma").exists():
            parser.error(f"{args.archive} already holds an archive: --build fills only a new one")
        built = build(args.archive, args.build, args.files, files)
    elif not (args.archive / "chroma").exists():
        parser.error(f"{args.archive} holds no archive (build one with --build LIMERICK_DIR)")
    loaded = [q for file in files for q in load_questions(file)]
    asked = [loaded[i % len(loaded)] for i in range(args.n)]
    figures = run(args.archive, asked)
    if built is not None:
        figures["built"] = built
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n")
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    a = figures["archive"]
    print(f"{a['documents']} documents, {a['chunks']} chunks; {figures['machine']}")
    print(f"warm-up (encoder and keyword index) {figures['warm_s']}s")
    print(f"{'filter':<12}" + "".join(f"{s:>16}" for s in STAGES) + "   (p50 / p95 ms)")
    for name, mode in figures["modes"].items():
        cells = "".join(f"{mode[s]['p50_ms']:>8.1f}/{mode[s]['p95_ms']:<7.1f}" for s in STAGES)
        print(f"{name:<12}{cells}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
