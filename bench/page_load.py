"""Load on the page: N questions at once through its API (gradio_client), on loopback.

Starts `councilqa serve` on a free loopback port (the sample council in a fresh archive unless
--data-dir names one), asks each question once alone (the reference), then all of them at
once, each from its own client (its own session), and checks every concurrent answer holds
what the question expects and equals the one given alone. Reports p50/p95 latency and errors.

    python -m bench.page_load [--clients 20] [--concurrency 4] [--json bench/results/page_load.json]

This is the page's correctness under load on the sample council (every answer checked against its
expected phrases); `bench/load.py ARCHIVE` measures throughput and latency at 10 and 50 clients on
a real archive with the same helpers.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from evals.run import QUESTIONS, load_questions

_READY = re.compile(r"Ready: councilqa is serving on (http://\S+)")
_START_TIMEOUT = 300.0


def free_port() -> int:
    """A port nothing listens on now (loopback)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(data_dir: Path, concurrency: int | None) -> tuple[subprocess.Popen[str], str, float]:
    """`councilqa serve` on a free loopback port (the page's own concurrency when None); returns it,
    its URL and seconds until ready."""
    env = {**os.environ, "COUNCILQA_DATA_DIR": str(data_dir)}
    if concurrency is not None:
        env["COUNCILQA_PAGE__CONCURRENCY"] = str(concurrency)
    env.setdefault("HF_HUB_OFFLINE", "1")
    started = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from assistant.cli import cli; cli()",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(free_port()),
        ],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stderr is not None
    lines: list[str] = []
    found: list[str] = []

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line)
            if m := _READY.search(line):
                found.append(m.group(1))

    threading.Thread(target=read, daemon=True).start()
    while not found:
        if proc.poll() is not None or time.perf_counter() - started > _START_TIMEOUT:
            proc.kill()
            raise RuntimeError("the page did not start:\n" + "".join(lines[-20:]))
        time.sleep(0.1)
    return proc, found[0], time.perf_counter() - started


def answer_text(chat: Any) -> str:
    """The last reply in the chat the page's `ask` endpoint returns, unescaped."""
    return str(chat[-1]["content"]).replace("\\", "") if chat else ""


def holds(text: str, expected: list[str]) -> bool:
    """Does the answer hold every expected phrase (case and spacing aside)?"""
    norm = " ".join(text.lower().split())
    return all(" ".join(e.lower().split()) in norm for e in expected)


def ask(url: str, question: str) -> tuple[str | None, float, str | None]:
    """One question from a new client (a new session): (answer, seconds, error)."""
    from gradio_client import Client

    started = time.perf_counter()
    try:
        client = Client(url, verbose=False)
        out = client.predict(question, "Any council", "Any body", "", "", "Any type", api_name="/ask")
        return answer_text(out[0]), time.perf_counter() - started, None
    except Exception as exc:  # noqa: BLE001 -- every failure is counted, not raised
        return None, time.perf_counter() - started, f"{type(exc).__name__}: {exc}"


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def run(clients: int, concurrency: int, data_dir: Path | None) -> dict[str, Any]:
    """The benchmark; returns its figures."""
    questions = [q for q in load_questions(QUESTIONS) if not q.unanswerable and q.answer_contains]
    with tempfile.TemporaryDirectory() as tmp:
        proc, url, ready_s = start_server(data_dir or Path(tmp) / "data", concurrency)
        try:
            chosen: list[tuple[str, list[str], str, float]] = []
            for q in questions:  # the reference: asked alone, and answered correctly
                text, secs, error = ask(url, q.question)
                if error is None and text is not None and holds(text, q.answer_contains):
                    chosen.append((q.question, q.answer_contains, text, secs))
                if len(chosen) == clients:
                    break
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=clients) as pool:
                results = list(pool.map(lambda c: ask(url, c[0]), chosen))
            wall = time.perf_counter() - started
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    latencies = [secs for _, secs, _ in results]
    errors = [e for _, _, e in results if e]
    wrong = [
        c[0]
        for c, (text, _, error) in zip(chosen, results, strict=True)
        if error is None and (text is None or not holds(text, c[1]) or text != c[2])
    ]
    return {
        "clients": len(chosen),
        "concurrency": concurrency,
        "ready_seconds": round(ready_s, 1),
        "alone_p50_s": round(statistics.median(c[3] for c in chosen), 3),
        "p50_s": round(percentile(latencies, 50), 3),
        "p95_s": round(percentile(latencies, 95), 3),
        "max_s": round(max(latencies), 3),
        "wall_s": round(wall, 3),
        "errors": len(errors),
        "error_messages": errors[:5],
        "answered_correctly": len(chosen) - len(errors) - len(wrong),
        "wrong": wrong,
        "machine": f"{os.cpu_count()} cores",
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=20, help="questions sent at once (default 20)")
    parser.add_argument("--concurrency", type=int, default=4, help="COUNCILQA_PAGE__CONCURRENCY (default 4)")
    parser.add_argument(
        "--data-dir", type=Path, help="an archive to serve (default: the sample council, fresh)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    figures = run(args.clients, args.concurrency, args.data_dir)
    for key, value in figures.items():
        print(f"{key:20} {value}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    if figures["errors"] or figures["wrong"] or figures["clients"] < args.clients:
        sys.exit(1)


if __name__ == "__main__":
    main()
