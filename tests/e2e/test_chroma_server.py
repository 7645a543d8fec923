"""The same archive through a real Chroma server (`chroma run`), started on loopback by the test."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Filters, Settings, ask, index_status, ingest_paths
from assistant.settings import IndexSettings
from index import CouncilIndex, SentenceTransformerEmbedder

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
