"""Load on one page: 10 and then 50 clients at once, asking through its API, on loopback.

    python -m bench.load ARCHIVE [--clients 10 50] [--asks 30] [--deadline 300] [--concurrency N]
                                 [--json bench/results/load.json]

ARCHIVE is a councilqa data folder; serve a copy (the page keeps its keyword cache there). One
`councilqa serve` starts on a free loopback port against it (`bench.page_load.start_server`).
Each question is first asked alone, one after another: its answer is the reference. Then, for each
client count, that many clients start at once, each its own gradio_client `Client` (its own
session, renewed before each question so that none is read as a follow-up of the one before),
and between them they ask `max(clients, asks)` questions from the Limerick sets
(bench/limerick_questions.jsonl and limerick_new_questions.jsonl, one from each in turn, cycled),
each client its share in turn; no question starts after `--deadline` seconds of a level. Per
client count: answers/s (answered / wall time of the level), p50 / p95 / max latency of the page's
`/ask` call (sending the question to receiving the answer; the client's connection set-up is not
counted), errors, and answers that are empty or differ from the same question asked alone. The
machine's load average is recorded beside each. Exit status 1 on an error or a differing answer.
SEE: issue 13 (item 6).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.page_load import answer_text, percentile, start_server

HERE = Path(__file__).resolve().parent
QUESTION_FILES = (HERE / "limerick_questions.jsonl", HERE / "limerick_new_questions.jsonl")
RESULTS = HERE / "results" / "load.json"
ANY = ("Any council", "Any body", "", "", "Any type")  # the page's filters left as they start


@dataclass
class Asked:
    """One question asked through the page: its answer (None on error), seconds and error."""

    question: str
    text: str | None
    seconds: float
    error: str | None = None


@dataclass
class Level:
    """What one client count gave."""

    clients: int
    asked: list[Asked] = field(default_factory=list)
    wall: float = 0.0
    load_before: float = 0.0
    load_after: float = 0.0


def load_questions(files: Sequence[Path] = QUESTION_FILES) -> list[str]:
    """The questions of the Limerick sets, taken from each file in turn (so the first N draw on
    both sets), each once."""
    sets = [
        [
            str(json.loads(line)["question"])
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
        for path in files
    ]
    turns = (s[i] for i in range(max(map(len, sets), default=0)) for s in sets if i < len(s))
    return list(dict.fromkeys(turns))


def ask_on(client: Any, question: str) -> Asked:
    """One question on a fresh session of `client`, timed from sending it to the answer."""
    client.reset_session()
    started = time.perf_counter()
    try:
        out = client.predict(question, *ANY, api_name="/ask")
        return Asked(question, answer_text(out[0]), time.perf_counter() - started)
    except Exception as exc:  # noqa: BLE001 -- every failure is counted, not raised
        return Asked(question, None, time.perf_counter() - started, f"{type(exc).__name__}: {exc}")


def reference(url: str, questions: Sequence[str]) -> dict[str, Asked]:
    """Each question asked alone, one after another, on one client."""
    from gradio_client import Client

    client = Client(url, verbose=False)
    return {q: ask_on(client, q) for q in dict.fromkeys(questions)}


def run_level(url: str, clients: int, questions: Sequence[str], deadline: float) -> Level:
    """`clients` clients at once, client n asking questions n, n + clients, ... in turn."""
    from gradio_client import Client

    level = Level(clients, load_before=os.getloadavg()[0])
    results: list[list[Asked]] = [[] for _ in range(clients)]
    started = [0.0]
    # the clock starts as the barrier opens, before any client can look at it
    ready = threading.Barrier(clients + 1, action=lambda: started.__setitem__(0, time.perf_counter()))

    def client_run(n: int) -> None:
        try:
            client: Any = Client(url, verbose=False)
        except Exception as exc:  # noqa: BLE001 -- a client that cannot connect is an error per question
            ready.wait()
            results[n] = [Asked(q, None, 0.0, f"connect: {exc}") for q in questions[n::clients]]
            return
        ready.wait()  # every client connected: they start together
        for question in questions[n::clients]:
            if time.perf_counter() - started[0] > deadline:
                break
            results[n].append(ask_on(client, question))

    threads = [threading.Thread(target=client_run, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    ready.wait()
    for thread in threads:
        thread.join()
    level.wall = time.perf_counter() - started[0]
    level.load_after = os.getloadavg()[0]
    level.asked = [a for rs in results for a in rs]
    return level


def figures(level: Level, alone: dict[str, Asked]) -> dict[str, Any]:
    """A level's figures against the answers given alone."""
    ok = [a for a in level.asked if a.error is None]
    differ = [
        a.question for a in ok if not a.text or a.text != alone[a.question].text
    ]  # empty, garbled or mixed with another session's answer
    latencies = [a.seconds for a in ok] or [0.0]
    errors = [a.error for a in level.asked if a.error]
    return {
        "clients": level.clients,
        "asked": len(level.asked),
        "answered": len(ok),
        "throughput_per_s": round(len(ok) / level.wall, 2) if level.wall else 0.0,
        "p50_s": round(percentile(latencies, 50), 3),
        "p95_s": round(percentile(latencies, 95), 3),
        "max_s": round(max(latencies), 3),
        "wall_s": round(level.wall, 1),
        "errors": len(errors),
        "error_messages": errors[:5],
        "differ_from_alone": len(differ),
        "differing_questions": differ[:5],
        "load_average_before": round(level.load_before, 2),
        "load_average_after": round(level.load_after, 2),
    }


def run(
    archive: Path, client_counts: Sequence[int], asks: int, deadline: float, concurrency: int | None
) -> dict[str, Any]:
    """The benchmark; returns its figures."""
    pool = load_questions()
    needed = max(max(client_counts), asks)
    questions = [pool[i % len(pool)] for i in range(needed)]
    loads = [os.getloadavg()[0]]
    proc, url, ready_s = start_server(archive, concurrency)
    try:
        began = time.perf_counter()
        alone = reference(url, questions)
        alone_s = time.perf_counter() - began
        levels = [run_level(url, n, questions[: max(n, asks)], deadline) for n in client_counts]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    loads.append(os.getloadavg()[0])
    alone_ok = [a for a in alone.values() if a.error is None]
    alone_latency = [a.seconds for a in alone_ok] or [0.0]
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()}",
        "archive": str(archive),
        "page_concurrency": concurrency or "default",
        "ready_seconds": round(ready_s, 1),
        "alone": {
            "questions": len(alone),
            "errors": len(alone) - len(alone_ok),
            "empty": sum(1 for a in alone_ok if not a.text),
            "p50_s": round(percentile(alone_latency, 50), 3),
            "p95_s": round(percentile(alone_latency, 95), 3),
            "wall_s": round(alone_s, 1),
        },
        "levels": [figures(level, alone) for level in levels],
        "load_average_start_end": [round(x, 2) for x in loads],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("archive", type=Path, help="a councilqa data folder (a copy: the page writes to it)")
    parser.add_argument(
        "--clients", type=int, nargs="+", default=[10, 50], help="client counts (default 10 50)"
    )
    parser.add_argument("--asks", type=int, default=30, help="questions per level, at least one per client")
    parser.add_argument(
        "--deadline", type=float, default=300.0, help="seconds after which a level starts no question"
    )
    parser.add_argument("--concurrency", type=int, help="COUNCILQA_PAGE__CONCURRENCY (default: the page's)")
    parser.add_argument(
        "--json", type=Path, default=RESULTS, help=f"where the figures go (default {RESULTS})"
    )
    args = parser.parse_args()
    if not (args.archive / "chroma").is_dir():
        parser.error(f"{args.archive} is not a councilqa data folder (no chroma/ in it)")
    result = run(args.archive, args.clients, args.asks, args.deadline, args.concurrency)
    print(json.dumps(result, indent=2))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    bad = result["alone"]["errors"] + sum(lv["errors"] + lv["differ_from_alone"] for lv in result["levels"])
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
