"""How long a new `councilqa` process takes to answer: the cold start, model load included.

    python -m bench.cold_cli ARCHIVE [--runs 5] [--question "..."] [--out FILE] [--json]

ARCHIVE is a councilqa data folder; a new one is first filled with the bundled sample council by
one untimed `ask` (which also brings the files into the OS page cache, so every timed run starts
a new process on a warm disk, as a second question at a terminal would). Then `councilqa --help`
and `councilqa ask QUESTION` each run `--runs` times, every time in a new process; the figures are
the median and the range of their wall times, written to bench/results/cold_cli.json. The target
(issue 13) is `ask` <= 3 s and `--help` <= 0.5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "cold_cli.json"
QUESTION = "When did Cabinet approve the Mill Lane cycle lane, and at what cost?"


def councilqa() -> list[str]:
    """The installed `councilqa` script beside this Python, else the same entry point through it."""
    script = Path(sys.executable).with_name("councilqa")
    if script.is_file():
        return [str(script)]
    found = shutil.which("councilqa")
    return [found] if found else [sys.executable, "-c", "from assistant.cli import cli; cli()"]


def timed(command: Sequence[str], env: dict[str, str]) -> float:
    """Wall seconds of one run in a new process (it must succeed)."""
    started = time.perf_counter()
    subprocess.run(
        command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=600
    )
    return time.perf_counter() - started


def summary(seconds: Sequence[float]) -> dict[str, Any]:
    """Median, fastest and slowest of the runs."""
    return {
        "median_s": round(statistics.median(seconds), 2),
        "min_s": round(min(seconds), 2),
        "max_s": round(max(seconds), 2),
        "runs_s": [round(s, 2) for s in seconds],
    }


def run(archive: Path, runs: int, question: str) -> dict[str, Any]:
    """Time `--help` and `ask` cold, `runs` times each, interleaved."""
    env = {
        **os.environ,
        "COUNCILQA_DATA_DIR": str(archive),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    base = councilqa()
    ask = [*base, "ask", question]
    first = timed(ask, env)  # fills a new archive with the sample council; warms the page cache
    help_s, ask_s = [], []
    load_before = os.getloadavg()[0]
    for _ in range(runs):
        help_s.append(timed([*base, "--help"], env))
        ask_s.append(timed(ask, env))
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "load_average": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "command": " ".join([Path(base[0]).name, "ask", json.dumps(question)]),
        "first_ask_s": round(first, 2),
        "help": summary(help_s),
        "ask": summary(ask_s),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Median wall time of cold `councilqa ask` and `--help`.")
    parser.add_argument(
        "archive", type=Path, help="councilqa data folder (a new one gets the sample council)"
    )
    parser.add_argument("--runs", type=int, default=5, help="new processes per command (default 5)")
    parser.add_argument("--question", default=QUESTION, help="what `ask` is asked")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where the JSON goes")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    figures = run(args.archive, args.runs, args.question)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n")
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"{figures['machine']}, load average {figures['load_average'][0]} -> {figures['load_average'][1]}")
    for name in ("help", "ask"):
        f = figures[name]
        spread = f"min {f['min_s']:.2f}, max {f['max_s']:.2f}"
        print(f"{name:<5} median {f['median_s']:.2f}s ({spread}) over {args.runs} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
