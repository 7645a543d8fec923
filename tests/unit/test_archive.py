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


def _good_archive(data: Path, tiny_corpus: Path) -> Path:
    assert run(data, "ingest", str(tiny_corpus)).exit_code == 0
    return data / "chroma" / "chroma.sqlite3"


def _one_line_error(result: Result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


@pytest.mark.parametrize("fault", ["garbage", "truncated"])
def test_a_damaged_archive_is_one_line_naming_the_fix(
    tmp_path: Path, tiny_corpus: Path, fake_model: FakeEmbedder, fault: str
) -> None:
    data = tmp_path / "archive"
    if fault == "garbage":
        (data / "chroma").mkdir(parents=True)
        (data / "chroma" / "chroma.sqlite3").write_bytes(os.urandom(64 * 1024))
    else:
        db = _good_archive(tmp_path / "good", tiny_corpus)
        (data / "chroma").mkdir(parents=True)
        (data / "chroma" / "chroma.sqlite3").write_bytes(db.read_bytes()[: db.stat().st_size // 3])
    for args in (
        ["status"],
        ["ask", "When was the bandstand repainted?"],
        ["ingest", str(tiny_corpus)],
    ):
        line = _one_line_error(run(data, *args))
        assert line.startswith(f"Error: The archive at {data / 'chroma'} is damaged: "), line
        assert line.endswith("Run: councilqa check, or move it aside and ingest again."), line


def test_a_read_only_archive_says_so_in_one_line(
    tmp_path: Path, tiny_corpus: Path, fake_model: FakeEmbedder
) -> None:
    import subprocess
    import sys

    data = tmp_path / "archive"
    _good_archive(data, tiny_corpus)
    # chmod does not stop root; the immutable flag does (and needs root, so it stands in for both)
    if subprocess.run(["chattr", "-R", "+i", str(data)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here")
    fake_cli = Path(__file__).resolve().parents[1] / "fake_cli.py"
    try:
        for args in (["status"], ["ask", "When was the bandstand repainted?"], ["ingest", str(tiny_corpus)]):
            got = subprocess.run(
                [sys.executable, str(fake_cli), "--data-dir", str(data), *args],
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert got.returncode == 1 and "Traceback" not in got.stderr, got.stderr
            [line] = got.stderr.strip().splitlines()
            assert line.startswith(f"Error: The archive at {data / 'chroma'} is read-only ("), line
    finally:
        subprocess.run(["chattr", "-R", "-i", str(data)], check=True)


def test_a_data_folder_under_a_file_is_one_line(
    tmp_path: Path, tiny_corpus: Path, fake_model: FakeEmbedder
) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    data = tmp_path / "a-file" / "archive"
    for args in (["status"], ["ask", "When was the bandstand repainted?"], ["ingest", str(tiny_corpus)]):
        line = _one_line_error(run(data, *args))
        assert (
            line
            == f"Error: The data folder {data} cannot be used (Not a directory). Set COUNCILQA_DATA_DIR (or --data-dir) to a writable folder."
        )


@pytest.mark.parametrize("content", [b"", None])
def test_the_sample_council_never_fills_an_archive_that_was_already_there(
    tmp_path: Path, fake_model: FakeEmbedder, content: bytes | None
) -> None:
    data = tmp_path / "archive"
    if content is None:  # a real archive whose documents were all pruned
        folder = tmp_path / "records"
        folder.mkdir()
        (folder / "a.txt").write_text("Minutes of the Parks Committee.\n\nThe committee met.\n")
        assert run(data, "ingest", str(folder)).exit_code == 0
        (folder / "a.txt").unlink()
        assert run(data, "ingest", "--prune", str(folder)).exit_code == 0
        assistant.pipeline._OPEN.clear()  # as a new process would find it
        assistant.pipeline._CREATED.clear()
    else:  # a zero-byte database file
        (data / "chroma").mkdir(parents=True)
        (data / "chroma" / "chroma.sqlite3").write_bytes(content)
    line = _one_line_error(run(data, "ask", "When did the council approve the Mill Lane cycle lane?"))
    assert "holds no documents" in line and "Run: councilqa ingest" in line, line
    assert run(data, "status", "--json").stdout.count('"documents": 0') == 1


def test_a_new_archive_still_gets_the_sample_council(tmp_path: Path, fake_model: FakeEmbedder) -> None:
    result = run(tmp_path / "new", "ask", "When did the council approve the Mill Lane cycle lane?")
    assert result.exit_code == 0, result.output
    assert "indexing the bundled sample council" in result.stderr
