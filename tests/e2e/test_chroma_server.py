"""The same archive through a real Chroma server (`chroma run`), started on loopback by the test."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from corpus_tools import check_consistent

from assistant import Filters, Settings, ask, check_archive, ensure_sample_council, index_status, ingest_paths
from assistant.settings import IndexSettings
from bench.page_load import ask as page_ask
from bench.page_load import start_server
from index import CouncilIndex, Embedder, SentenceTransformerEmbedder

pytestmark = pytest.mark.integration

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    exe = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    if not Path(exe).exists():
        pytest.fail("the chroma CLI (shipped in the chromadb wheel) is not installed")
    port = _free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen(
        [exe, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("chroma run did not start within 30 s")
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_ingest_and_ask_through_a_chroma_server(
    chroma_server: int, tmp_path: Path, real_embedder: SentenceTransformerEmbedder
) -> None:
    index = IndexSettings(chroma_host="127.0.0.1", chroma_port=chroma_server, collection="server-test")
    writer = Settings(data_dir=tmp_path / "writer", index=index)
    report = ingest_paths([TINY], writer, embedder=real_embedder)
    assert report.ok and len(report.ingested) == 2
    # a second process-like reader with its own data folder sees the same records,
    # and builds its keyword index from what the server holds
    reader = Settings(data_dir=tmp_path / "reader", index=index)
    assert index_status(reader).documents == 2
    answer = ask(
        "Whose quote for the Riverside Park play area was accepted?",
        reader,
        Filters(),
        embedder=real_embedder,
    )
    assert not answer.refused, answer.text
    assert "Greenplay" in answer.text
    assert all(s.citation.council == "Fernley Town Council" for s in answer.sentences)
    again = ingest_paths([TINY], writer, embedder=real_embedder)
    assert len(again.unchanged) == 2 and not again.ingested
    assert CouncilIndex(reader, embedder=real_embedder).vectors.count() > 0


# -- several pages on one Chroma server ---------------------------------------------------------

NEW_MINUTES = """FERNLEY TOWN COUNCIL

Minutes of the meeting of the Parks Committee held on Wednesday 13 March 2024 at 7.00pm in the Town Hall, Fernley.

Present: Councillors Ashdown (Chair), Brereton, Okafor and Pym.

1. Riverside Park Bandstand

The Parks Officer reported that the paintwork of the bandstand at Riverside Park had failed its annual inspection. Two quotes had been received for repainting it, the lower being £4,200 from Harbottle Decorators.

It was proposed by Councillor Pym and seconded by Councillor Ashdown that the quote from Harbottle Decorators be accepted. On being put to the vote there were 4 votes in favour and none against.

RESOLVED: That the quote of £4,200 from Harbottle Decorators for repainting the bandstand at Riverside Park be accepted.
"""


def _pages_env(monkeypatch: pytest.MonkeyPatch, port: int, collection: str) -> None:
    """Every process started from here talks to the same Chroma server and collection."""
    monkeypatch.setenv("COUNCILQA_INDEX__CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("COUNCILQA_INDEX__CHROMA_PORT", str(port))
    monkeypatch.setenv("COUNCILQA_INDEX__COLLECTION", collection)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")


def _ingest_process(data_dir: Path, path: Path) -> None:
    """`councilqa ingest PATH` in its own process (the writer), with its own data folder."""
    command = "from assistant.cli import cli; cli()"
    done = subprocess.run(
        [sys.executable, "-c", command, "--data-dir", str(data_dir), "ingest", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def _sources(text: str) -> str:
    """The list of sources under an answer on the page ("" when it names none)."""
    _, _, sources = text.partition("**Sources**")
    return sources.strip(" n'\"}]")


def _keyword_generations(data_dir: Path) -> set[int]:
    """The write generations a page's cached keyword indexes were built at."""
    return {int(f.name.split("-")[2]) for f in (data_dir / "keyword").glob("pages-test-*.pkl")}


def test_two_pages_on_one_chroma_server_see_a_third_process_ingest(
    chroma_server: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two `councilqa serve` pages, each with its own data folder, and a `councilqa ingest` writer
    share one Chroma server: both pages answer alike, and both answer from minutes ingested while
    they run (each notices the write generation moved and rebuilds its keyword index from Chroma)."""
    _pages_env(monkeypatch, chroma_server, "pages-test")
    writer = tmp_path / "writer"
    _ingest_process(writer, TINY)
    pages: list[subprocess.Popen[str]] = []
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            started = [pool.submit(start_server, tmp_path / f"page-{n}", 2) for n in (1, 2)]
            results: list[tuple[subprocess.Popen[str], str, float]] = []
            failed: list[BaseException] = []
            for future in started:
                try:
                    results.append(future.result())
                except Exception as exc:  # noqa: BLE001 -- the page that did start is stopped first
                    failed.append(exc)
            pages = [r[0] for r in results]
            if failed:
                raise failed[0]
        urls = [r[1] for r in results]
        question = "Whose quote for the Riverside Park play area was accepted?"
        first = [page_ask(url, question) for url in urls]
        for text, _, error in first:
            assert error is None and text and "Greenplay" in text, (error, text)
        cited = {_sources(text or "") for text, _, _ in first}
        assert len(first) == 2 and len(cited) == 1 and "10 May 2023" in cited.pop(), first

        later = "Whose quote for the Riverside Park bandstand was accepted?"
        for url in urls:  # nothing holds it yet
            text, _, error = page_ask(url, later)
            assert error is None and text is not None and "13 Mar 2024" not in text, (error, text)
        before = [_keyword_generations(tmp_path / f"page-{n}") for n in (1, 2)]
        (tmp_path / "new").mkdir()
        (tmp_path / "new" / "2024-03-13_parks-committee_minutes.txt").write_text(NEW_MINUTES)
        _ingest_process(writer, tmp_path / "new")
        after = [page_ask(url, later) for url in urls]  # both running pages notice the write
        for text, _, error in after:
            assert error is None and text and "bandstand" in text, (error, text)
            assert "13 Mar 2024" in _sources(text), text
        assert after[0][0] == after[1][0], after
        for n, seen in zip((1, 2), before, strict=True):  # each rebuilt its keyword index from Chroma
            now = _keyword_generations(tmp_path / f"page-{n}")
            assert seen and now and min(now) > max(seen), (seen, now)
    finally:
        for proc in pages:
            proc.terminate()
        for proc in pages:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


# -- two pages started at once on an empty Chroma server ----------------------------------------

FAKE_CLI = Path(__file__).resolve().parents[1] / "fake_cli.py"
FILLING = "indexing the bundled sample council"


@pytest.mark.parametrize("machines", [1, 2], ids=["one-machine", "two-machines"])
def test_two_pages_started_at_once_on_an_empty_chroma_server_store_the_sample_council_once(
    chroma_server: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    make_embedder: Callable[[], Embedder],
    machines: int,
) -> None:
    """Two `councilqa ask` processes (what a page does on start: Assistant.open), each with its own
    data folder, start at once on an empty collection of a real Chroma server: one fills it, the
    other waits and finds it filled, and the archive equals one clean fill (every sample chunk,
    decision and record stored once, no chunk written twice). On one machine the fill lock decides;
    as two machines (each its own temporary directory, so no lock file is shared) the claim held in
    Chroma does. Without either, both filled, and 1 run in 5 a page failed on Chroma's "Error
    finding id" while the other rewrote the same chunks."""
    # the reference: one clean fill of an embedded archive (explicit index settings: no server)
    alone = Settings(data_dir=tmp_path / "alone", index=IndexSettings(collection=f"fill-{machines}"))
    assert ensure_sample_council(alone, embedder=make_embedder()) is not None
    reference = CouncilIndex(alone, embedder=make_embedder())
    expected = {c.id: c.text for c in reference.vectors.iter_chunks()}
    expected_decisions = sorted(d.id for d in reference.vectors.decision_records())

    _pages_env(monkeypatch, chroma_server, f"fill-{machines}")
    question = "Who seconded the Glebe tree preservation order?"
    procs = []
    for n in (1, 2):
        temp = tmp_path / ("tmp" if machines == 1 else f"tmp-{n}")
        temp.mkdir(exist_ok=True)
        env = {**os.environ, "TMPDIR": str(temp), "PYTHONPATH": str(FAKE_CLI.parents[1])}
        command = [sys.executable, str(FAKE_CLI), "--data-dir", str(tmp_path / f"page-{n}"), "ask", question]
        procs.append(
            subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        )
    outputs = [p.communicate(timeout=300) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err[-2000:]
        assert "Whitlock" in out, out
    assert outputs[0][0] == outputs[1][0]  # both answer alike, from the same records
    filled = [err for _, err in outputs if FILLING in err]
    assert len(filled) == 1, [err for _, err in outputs]

    server = CouncilIndex(Settings(data_dir=tmp_path / "reader"), embedder=make_embedder())
    stored = [(c.id, c.text, c.citation.doc_id, c.citation.char_start) for c in server.vectors.iter_chunks()]
    assert len(stored) == len(expected) == server.vectors.count()
    assert {cid: text for cid, text, _, _ in stored} == expected
    assert len({(doc, start) for _, _, doc, start in stored}) == len(stored)  # no passage twice
    assert sorted(d.id for d in server.vectors.decision_records()) == expected_decisions
    assert len(server.documents()) == len(reference.documents())
    check_consistent(server)
    assert check_archive(Settings(data_dir=tmp_path / "reader")).problems == []
    # filled once: the same writes as the clean fill, none of them a rewrite
    assert server.vectors.generation() == reference.vectors.generation()
    assert server.vectors.rewrites() == 0
