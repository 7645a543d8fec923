"""The archive as a whole: the writer lock, archive faults, the integrity check."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner, Result

import assistant
from assistant import ArchiveBusyError, Settings, archive_lock
from assistant.cli import cli

if TYPE_CHECKING:
    from conftest import FakeEmbedder


def run(data_dir: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--data-dir", str(data_dir), *args], catch_exceptions=False)


def test_a_second_writer_stops_with_one_line_naming_the_first(
    tmp_path: Path, tiny_corpus: Path, fake_model: FakeEmbedder
) -> None:
    data = tmp_path / "archive"
    with archive_lock(Settings(data_dir=data)):
        result = run(data, "ingest", str(tiny_corpus))
    assert result.exit_code == 1
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith(f"Error: another ingest is running (pid {os.getpid()}, since "), line
    assert "COUNCILQA_INGEST__LOCK_TIMEOUT" in line
    assert run(data, "ingest", str(tiny_corpus)).exit_code == 0  # the lock went with its holder


def test_a_second_writer_waits_up_to_the_timeout(
    tmp_path: Path, tiny_corpus: Path, fake_embedder: FakeEmbedder
) -> None:
    settings = Settings(data_dir=tmp_path / "archive")
    settings.ingest.lock_timeout = 0.3
    with archive_lock(settings), pytest.raises(ArchiveBusyError, match=r"waited 0.3s"):
        assistant.ingest_paths([tiny_corpus], settings, embedder=fake_embedder)
    assert assistant.ingest_paths([tiny_corpus], settings, embedder=fake_embedder).ok
