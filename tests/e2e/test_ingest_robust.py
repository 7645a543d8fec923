"""The real `councilqa ingest` in a subprocess, with the real model: killed midway, and fed bad files."""

from __future__ import annotations

import json
import os
import resource
import selectors
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from corpus_tools import MAX_FILE_BYTES, check_consistent, make_messy_corpus

from assistant import SAMPLE_COUNCIL, Settings, ask
from index import CouncilIndex, SentenceTransformerEmbedder

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
PEAK_RSS_LIMIT = 3 * 1024**3  # the model and torch take about 0.8 GiB; a blow-up takes far more


def councilqa(data_dir: Path, **env: str) -> tuple[list[str], dict[str, str]]:
    """The installed console script (else the module), run on this checkout's code."""
    script = Path(sys.executable).parent / "councilqa"
    command = (
        [str(script)] if script.exists() else [sys.executable, "-c", "from assistant.cli import cli; cli()"]
    )
    full_env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "COUNCILQA_DATA_DIR": str(data_dir),
        "HF_HUB_OFFLINE": "1",
        **env,
    }
    return command, full_env


def kill_after_first_write(command: list[str], env: dict[str, str], deadline_s: float = 600) -> list[str]:
    """Start an ingest, SIGKILL it as soon as it reports its first written file; return its stderr lines."""
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    lines: list[str] = []
    selector = selectors.DefaultSelector()
    selector.register(proc.stderr, selectors.EVENT_READ)
    deadline = time.monotonic() + deadline_s
    try:
        while time.monotonic() < deadline:
            if not selector.select(timeout=1.0):
                if proc.poll() is not None:
                    break
                continue
            line = proc.stderr.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
            if line.startswith("ingested: "):
                proc.send_signal(signal.SIGKILL)
                break
    finally:
        if proc.poll() is None and not any(x.startswith("ingested: ") for x in lines):
            proc.kill()  # it hung before writing anything
        proc.wait(timeout=60)
        selector.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL, f"ingest was not killed midway (rc {proc.returncode}): {lines}"
    return lines


def test_killed_ingest_resumes_to_a_clean_index(tmp_path: Path, chunks_in: Callable[[Path], int]) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    files = sorted(SAMPLE_COUNCIL.iterdir())[:10]
    for path in files:
        shutil.copy(path, folder / path.name)
    copy = folder / f"copy of {files[1].name}"
    shutil.copy(files[1], copy)  # the same content under a second name must survive too
    data = tmp_path / "index"
    command, env = councilqa(data)

    lines = kill_after_first_write([*command, "ingest", "-v", "--embed-batch", "16", str(folder)], env)
    written = [line.removeprefix("ingested: ") for line in lines if line.startswith("ingested: ")]
    assert len(written) == 1

    resumed = subprocess.run(
        [*command, "ingest", "--json", str(folder)], env=env, capture_output=True, text=True, timeout=900
    )
    assert resumed.returncode == 0, resumed.stderr
    out = json.loads(resumed.stdout)
    assert str(Path(written[0]).resolve()) in out["unchanged"]  # the file written before the kill stays
    assert out["ingested"], "nothing was left to do: the kill came too late to test anything"
    every = [*out["ingested"], *out["unchanged"], *(d["source"] for d in out["duplicates"])]
    assert sorted(every) == sorted(str(p.resolve()) for p in folder.iterdir())

    index = CouncilIndex(Settings(data_dir=data))  # the model is not loaded: nothing here embeds
    sources = check_consistent(index)
    holding = sorted(sorted(Path(s).name for s in files_) for files_ in sources.values())
    assert holding == sorted([[files[1].name, copy.name]] + [[p.name] for p in files if p != files[1]]), (
        "every file present exactly once"
    )
    per_doc = {d.source: d.chunks for d in index.documents()}
    assert per_doc == {str((folder / p.name).resolve()): chunks_in(p) for p in files}  # as a clean ingest
    assert index.vectors.count() == sum(chunks_in(p) for p in files)


def test_messy_corpus_through_the_cli(tmp_path: Path, real_embedder: SentenceTransformerEmbedder) -> None:
    folder = tmp_path / "messy"
    good, bad = make_messy_corpus(folder)
    data = tmp_path / "index"
    command, env = councilqa(data, COUNCILQA_INGEST__MAX_FILE_BYTES=str(MAX_FILE_BYTES))
    started = time.monotonic()
    result = subprocess.run(
        [*command, "ingest", "--json", str(folder)], env=env, capture_output=True, text=True, timeout=600
    )
    seconds = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # Linux reports KiB
    assert result.returncode == 1, result.stderr
    out = json.loads(result.stdout)
    assert sorted(out["ingested"]) == sorted(str((folder / g.name).resolve()) for g in good)
    reasons = {Path(f["source"]).name: f["reason"] for f in out["failed"]}
    assert set(reasons) == set(bad)
    for name, reason in reasons.items():
        assert "\n" not in reason and reason.startswith(f"{name}: ") and bad[name] in reason.lower(), reason
    assert peak < PEAK_RSS_LIMIT, f"peak RSS {peak / 1024**2:.0f} MiB"
    assert seconds < 300, f"ingest took {seconds:.0f}s"

    settings = Settings(data_dir=data)
    check_consistent(CouncilIndex(settings, real_embedder))
    for g in good:
        answer = ask(g.question, settings, embedder=real_embedder)
        assert not answer.refused, g.question
        cited = [s for s in answer.sentences if s.citation.source == str((folder / g.name).resolve())]
        assert any(g.phrase in s.quote for s in cited), (g.question, answer.text)
    asked = subprocess.run(
        [*command, "ask", "--json", good[1].question], env=env, capture_output=True, text=True, timeout=300
    )
    assert asked.returncode == 0, asked.stderr
    assert any(good[1].phrase in c["text"] for c in json.loads(asked.stdout)["citations"])
