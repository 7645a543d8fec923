"""`python tests/fake_cli.py ARGS...`: the real `councilqa` command in its own process, with the
FakeEmbedder instead of the model, so multi-process tests (racing writers, a reader beside a
writer) take seconds. Everything else is real: files, Chroma, the lock."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conftest import FakeEmbedder  # noqa: E402

import index.store  # noqa: E402
from assistant.cli import cli  # noqa: E402

if __name__ == "__main__":
    embedder = FakeEmbedder()
    index.store.SentenceTransformerEmbedder = lambda _settings: embedder  # type: ignore[assignment,misc]
    index.store.query_embedder = lambda _settings: None  # type: ignore[assignment]
    cli()
