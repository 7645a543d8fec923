"""Shared fixtures and fakes: no test here loads the real model or touches ~/.councilqa."""

from __future__ import annotations

import math
import os
import re
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

import assistant
from assistant import Settings

REPO_ROOT = Path(__file__).resolve().parent.parent
TINY = Path(__file__).resolve().parent / "data" / "tiny"

DIM = 384
_WORD = re.compile(r"\w+", re.UNICODE)
_FAKE_STOPWORDS = frozenset(
    "a an and are as at be by for from had has have in is it of on or that the this to was were "
    "what which who will with did do does how".split()
)


def _words(text: str) -> list[str]:
    words = []
    for word in _WORD.findall(text.lower()):
        if word in _FAKE_STOPWORDS:
            continue
        if len(word) > 3 and word.endswith("s"):
            word = word[:-1]  # "rents" and "rent" land in the same bucket
        words.append(word)
    return words


class FakeEmbedder:
    """Deterministic unit vectors: a hashed bag of lower-cased words, so texts sharing words are similar."""

    def __init__(self, dim: int = DIM) -> None:
        self.dim = dim
        self.calls = 0
        self.texts_embedded = 0

    def vector(self, text: str) -> list[float]:
        vec = [0.0] * self.dim
        for word in _words(text):
            vec[zlib.crc32(word.encode("utf-8")) % self.dim] += 1.0
        norm = math.sqrt(sum(x * x for x in vec))
        if norm == 0.0:
            vec[0] = 1.0  # no words: a fixed unit vector, never a zero vector
            return vec
        return [x / norm for x in vec]

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        self.calls += 1
        self.texts_embedded += len(texts)
        return [self.vector(t) for t in texts]


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def shared_data() -> Path:
    """`../shared/data` (or `$COUNCILQA_SHARED/data`), or skip the test when it is absent."""
    root = Path(os.environ.get("COUNCILQA_SHARED", REPO_ROOT.parent / "shared"))
    data = root / "data"
    if not (data / "seeds").is_dir():
        pytest.skip(f"../shared/data not found: {data} (set COUNCILQA_SHARED)")
    return data


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point the data dir at a fresh folder and stay offline (no index is cached across calls)."""
    monkeypatch.setenv("COUNCILQA_DATA_DIR", str(tmp_path / "councilqa-home"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    yield


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def make_embedder() -> type[FakeEmbedder]:
    """The FakeEmbedder class, for tests that need more than one (test modules can't import conftest)."""
    return FakeEmbedder


@pytest.fixture
def seeds_dir() -> Path:
    """The five real council documents in ../shared/data/seeds (skips when absent)."""
    return shared_data() / "seeds"


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> FakeEmbedder:
    """Make every index opened without an embedder use one shared FakeEmbedder."""
    import index.store

    embedder = FakeEmbedder()
    monkeypatch.setattr(index.store, "SentenceTransformerEmbedder", lambda _settings: embedder)
    monkeypatch.setattr(index.store, "query_embedder", lambda _settings: None)
    return embedder


@pytest.fixture
def tiny_corpus() -> Path:
    return TINY


def count_chunks(path: Path, settings: Settings | None = None) -> int:
    """How many chunks ingesting `path` should add, by the parser and chunker themselves."""
    from ingest import chunk_meeting, parse_meeting, read_document

    ingest = (settings or Settings()).ingest
    return len(chunk_meeting(parse_meeting(read_document(path)), ingest))


@pytest.fixture
def chunks_in() -> Callable[[Path], int]:
    """`chunks_in(path)`: the number of chunks one file should give (test modules can't import conftest)."""
    return count_chunks


@pytest.fixture
def tiny_chunk_count(tiny_corpus: Path) -> int:
    return sum(count_chunks(p) for p in sorted(tiny_corpus.iterdir()))


@pytest.fixture
def tiny_index(
    tiny_corpus: Path, settings: Settings, fake_embedder: FakeEmbedder
) -> tuple[Settings, FakeEmbedder]:
    report = assistant.ingest_paths([tiny_corpus], settings, embedder=fake_embedder)
    assert report.ok, report.failed
    assert len(report.ingested) == 2
    return settings, fake_embedder
