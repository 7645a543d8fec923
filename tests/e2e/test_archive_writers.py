"""Several real processes on one archive: writers take turns, the clean-up spares a live writer's chunks.

The processes run the real `councilqa` command (tests/fake_cli.py swaps in the FakeEmbedder so each
takes seconds); files, Chroma and the lock are real.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from corpus_tools import check_consistent

from assistant import SAMPLE_COUNCIL, Settings
from index import CouncilIndex

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
FAKE_CLI = REPO / "tests" / "fake_cli.py"


def fake_councilqa(data_dir: Path, *args: str, **env: str) -> list[str]:
    return [sys.executable, str(FAKE_CLI), "--data-dir", str(data_dir), *args]


def child_env(**extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "HF_HUB_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
        **extra,
    }


@pytest.fixture
def records(tmp_path: Path) -> Path:
    folder = tmp_path / "records"
    folder.mkdir()
    for path in sorted(SAMPLE_COUNCIL.iterdir())[:8]:
        shutil.copy(path, folder / path.name)
    return folder


@pytest.mark.parametrize(
    ("lock_timeout", "stagger"),
    [("0", 0.0), ("0", 0.7), ("60", 0.0), ("60", 0.7)],
)
def test_two_racing_ingests_end_as_one_clean_ingest(
    tmp_path: Path,
    records: Path,
    chunks_in: Callable[[Path], int],
    fake_embedder: object,
    lock_timeout: str,
    stagger: float,
) -> None:
    data = tmp_path / "archive"
    env = child_env(COUNCILQA_INGEST__LOCK_TIMEOUT=lock_timeout)
    command = fake_councilqa(data, "ingest", "--json", "--embed-batch", "8", str(records))
    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(stagger)
    second = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    outcomes = [(p.wait(timeout=120), *p.communicate()) for p in (first, second)]

    for rc, _out, err in outcomes:
        if lock_timeout == "0" and rc == 1:
            line = err.strip().splitlines()[-1]
            assert line.startswith("Error: another ingest is running (pid "), err
            assert "Traceback" not in err
        else:
            assert rc == 0, err
    assert any(rc == 0 for rc, _, _ in outcomes)
    finished = [json.loads(out) for rc, out, _ in outcomes if rc == 0]
    assert sum(len(out["ingested"]) for out in finished) == 8, "each file written exactly once"

    index = CouncilIndex(Settings(data_dir=data), fake_embedder)  # type: ignore[arg-type]
    check_consistent(index)
    per_doc = {d.source: d.chunks for d in index.documents()}
    assert per_doc == {str(p.resolve()): chunks_in(p) for p in sorted(records.iterdir())}
    assert index.vectors.count() == sum(per_doc.values())


def test_cleanup_spares_the_chunks_of_a_live_writer(
    tmp_path: Path, records: Path, fake_embedder: object
) -> None:
    from assistant import ingest_paths
    from index.lock import writer_gone

    settings = Settings(data_dir=tmp_path / "archive")
    ingest_paths([records / sorted(os.listdir(records))[0]], settings, embedder=fake_embedder)  # type: ignore[arg-type]
    index = CouncilIndex(settings, fake_embedder)  # type: ignore[arg-type]
    doc_id = index.documents()[0].doc_id
    ids = index.vectors.chunks.get(include=[])["ids"]
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        # another process, still running, has written these chunks and not yet the record
        host = index.vectors.writer.split("|")[0]
        live = f"{host}|{sleeper.pid}|-|{int(time.time())}"
        assert not writer_gone(live)
        index.vectors.chunks.update(ids=ids, metadatas=[{"writer": live}] * len(ids))
        index.vectors.docs.delete(ids=[doc_id])
        assert index.vectors.remove_incomplete() == 0, "a live writer's unfinished chunks were removed"
        assert index.vectors.count() == len(ids)
    finally:
        sleeper.kill()
        sleeper.wait()
    assert writer_gone(live)
    assert index.vectors.remove_incomplete() == 1
    assert index.vectors.count() == 0


LIGHTHOUSE = (
    "Minutes of the meeting of the Harbour Committee held on 3 July 2025.\n\n1. Ferry Point lighthouse\n\n"
    "The committee agreed to repaint the Ferry Point lighthouse in red and white stripes at a cost of £18,400.\n"
)


def test_a_long_lived_reader_sees_what_another_process_ingests(
    tmp_path: Path, fake_model: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant import Assistant, Filters, ingest_paths

    files = sorted(SAMPLE_COUNCIL.iterdir())
    first, later = tmp_path / "first", tmp_path / "later"
    first.mkdir()
    later.mkdir()
    for path in files[:8]:
        shutil.copy(path, first / path.name)
    for path in files[8:20]:
        shutil.copy(path, later / path.name)
    (later / "2025-07-03_harbour-committee_minutes.txt").write_text(LIGHTHOUSE, encoding="utf-8")
    data = tmp_path / "archive"
    settings = Settings(data_dir=data)
    assert ingest_paths([first], settings).ok
    page = Assistant(settings)  # the page's archive, opened once and kept
    index = page.index
    questions = ["When was the Mill Lane cycle lane approved?", "What did the Planning Committee decide?"]
    assert page.ask(questions[0]).question

    writer = subprocess.Popen(
        fake_councilqa(data, "ingest", "--embed-batch", "8", str(later)),
        env=child_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    from ui.app import respond as page_respond  # the page's handler, as the running page calls it

    def respond(question: str, _history: list[str], page: Assistant) -> str:
        chat = page_respond(question, None, None, None, None, None, None, page)[0]
        reply: str = chat[-1]["content"]
        return reply

    asked = 0
    while writer.poll() is None or asked < 5:
        page.ask(questions[asked % 2])  # any error here fails the test
        assert respond(questions[(asked + 1) % 2], [], page)
        index.retrieve("lighthouse", Filters(), 6)
        asked += 1
    assert writer.wait(timeout=120) == 0, writer.communicate()[1]
    assert asked >= 5

    top = index.retrieve("What colour will the Ferry Point lighthouse be repainted?", Filters(), 6)
    assert top and top[0].chunk.citation.source.endswith("harbour-committee_minutes.txt")
    answer = page.ask("What colour will the Ferry Point lighthouse be repainted?")
    assert any("red and white stripes" in s.quote for s in answer.sentences), answer.text
    assert "red and white stripes" in respond(
        "What colour will the Ferry Point lighthouse be repainted?", [], page
    )
    assert len(index.documents()) == 21


def test_two_real_councilqa_ingests_with_the_model(tmp_path: Path, chunks_in: Callable[[Path], int]) -> None:
    """The installed `councilqa` with the real model: whichever gets the lock second waits, then
    finds everything done (so it never loads the model)."""
    folder = tmp_path / "records"
    folder.mkdir()
    for path in sorted(SAMPLE_COUNCIL.glob("*.html"))[:4]:
        shutil.copy(path, folder / path.name)
    script = Path(sys.executable).parent / "councilqa"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "assistant.cli"]
    data = tmp_path / "archive"
    env = child_env(COUNCILQA_DATA_DIR=str(data), COUNCILQA_INGEST__LOCK_TIMEOUT="120")
    run = [*command, "ingest", "--json", str(folder)]
    first = subprocess.Popen(run, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)
    second = subprocess.Popen(run, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    outs = [(p.wait(timeout=300), *p.communicate()) for p in (first, second)]
    assert all(rc == 0 for rc, _, _ in outs), [err for _, _, err in outs]
    reports = [json.loads(out) for _, out, _ in outs]
    assert sorted(len(r["ingested"]) for r in reports) == [0, 4]
    assert sorted(len(r["unchanged"]) for r in reports) == [0, 4]
    index = CouncilIndex(Settings(data_dir=data))  # nothing here embeds: the model is not loaded
    check_consistent(index)
    assert {d.source: d.chunks for d in index.documents()} == {
        str(p.resolve()): chunks_in(p) for p in sorted(folder.iterdir())
    }
