"""The archive as a whole: the writer lock, archive faults, the integrity check."""

from __future__ import annotations

import json
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
        ["check"],
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


def _damage(data: Path, embedder: FakeEmbedder) -> dict[str, str]:
    """Break four documents four ways, as a crash or a stray tool might; return kind -> its file."""
    from index import CouncilIndex

    index = CouncilIndex(Settings(data_dir=data), embedder)
    docs = sorted(index.documents(), key=lambda d: d.source)
    chunks = index.vectors.chunks

    def ids(doc_id: str) -> list[str]:
        return list(chunks.get(where={"doc_id": doc_id}, include=[])["ids"])

    (lost, a), (tampered, b), (zeroed, c), (orphaned, d) = [(x.doc_id, x.source) for x in docs[:4]]
    chunks.delete(ids=ids(lost)[:2])
    first = ids(tampered)[0]
    chunks.update(ids=[first], documents=["tampered text"], embeddings=[embedder.vector("tampered text")])
    chunks.update(ids=ids(zeroed)[:1], embeddings=[[0.0] * embedder.dim])
    index.vectors.docs.delete(ids=[orphaned])
    return {"lost": a, "tampered": b, "zeroed": c, "orphaned": d}


def test_check_names_what_is_wrong_and_repair_mends_exactly_that(
    tmp_path: Path, fake_model: FakeEmbedder
) -> None:
    from corpus_tools import check_consistent

    from index import CouncilIndex

    folder = tmp_path / "records"
    folder.mkdir()
    for path in sorted(assistant.SAMPLE_COUNCIL.iterdir())[:6]:
        (folder / path.name).write_bytes(path.read_bytes())
    data = tmp_path / "archive"
    assert run(data, "ingest", str(folder)).exit_code == 0
    clean = run(data, "check")
    assert clean.exit_code == 0 and "agree with its record" in clean.stdout, clean.output
    clean_counts = {d.source: d.chunks for d in CouncilIndex(Settings(data_dir=data), fake_model).documents()}

    broken = _damage(data, fake_model)
    result = run(data, "check")
    assert result.exit_code == 1
    lines = [
        line.removeprefix("  problem: ")
        for line in result.stdout.splitlines()
        if line.startswith("  problem: ")
    ]
    said = {
        kind: [line for line in lines if line.startswith(source + ": ")] for kind, source in broken.items()
    }
    assert any("chunks stored, its record says" in line for line in said["lost"]), lines
    assert any("not matching the document's text" in line for line in said["tampered"]), lines
    assert any("without a usable vector" in line for line in said["zeroed"]), lines
    assert any("belong to no document record" in line for line in said["orphaned"]), lines
    as_json = json.loads(run(data, "check", "--json").stdout)
    assert not as_json["ok"] and {p["source"] for p in as_json["problems"]} >= set(broken.values())

    repaired = json.loads(run(data, "ingest", "--repair", "--json").stdout)
    assert sorted(repaired["repaired"]) == sorted(broken.values())
    assert sorted(repaired["ingested"]) == sorted(broken.values())  # exactly those, nothing else
    assert repaired["problems"] == []
    assert run(data, "check").exit_code == 0
    index = CouncilIndex(Settings(data_dir=data), fake_model)
    check_consistent(index)
    assert {d.source: d.chunks for d in index.documents()} == clean_counts


def test_ingest_says_when_the_check_at_its_end_finds_something(
    tmp_path: Path, fake_model: FakeEmbedder
) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    for path in sorted(assistant.SAMPLE_COUNCIL.iterdir())[:5]:
        (folder / path.name).write_bytes(path.read_bytes())
    data = tmp_path / "archive"
    assert run(data, "ingest", str(folder)).exit_code == 0
    broken = _damage(data, fake_model)
    (folder / "new.txt").write_text(
        "Minutes of the Parks Committee held on 1 May 2024.\n\nThe committee met.\n"
    )
    result = run(data, "ingest", str(folder))
    assert result.exit_code == 0, result.output
    assert "Check: 1 problem(s) in the archive after this ingest. Run: councilqa check" in result.stderr
    assert f"problem: {broken['lost']}: 3" in result.stderr or f"problem: {broken['lost']}: " in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("COUNCILQA_ANSWER__K", "99", "less than or equal to 50"),
        ("COUNCILQA_ANSWER__K", "0", "greater than or equal to 1"),
        ("COUNCILQA_INDEX__CHROMA_PORT", "70000", "less than or equal to 65535"),
        ("COUNCILQA_INGEST__MAX_CHUNKS_PER_FILE", "-5", "greater than or equal to 1"),
        ("COUNCILQA_INGEST__LOCK_TIMEOUT", "soon", "valid number"),
    ],
)
def test_settings_have_bounds_like_the_options(tmp_path: Path, variable: str, value: str, says: str) -> None:
    result = CliRunner(env={variable: value}).invoke(cli, ["--data-dir", str(tmp_path), "status"])
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"Error: Bad COUNCILQA_ setting: {variable}={value}: ") and says in line, line


def test_which_writers_count_as_gone() -> None:
    import socket
    import subprocess
    import sys
    import time

    from index.lock import FOREIGN_WRITER_GRACE_S, writer_gone, writer_id

    host, now = socket.gethostname(), int(time.time())
    assert writer_gone(None) and writer_gone("") and writer_gone("not a writer")
    assert writer_gone(writer_id())  # this process: it holds the lock, so its own earlier write was cut short
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        stat = Path(f"/proc/{child.pid}/stat")
        ticks = stat.read_text().rsplit(")", 1)[-1].split()[19] if stat.exists() else "-"
        live = f"{host}|{child.pid}|{ticks}|{now}"
        assert not writer_gone(live)
        if ticks != "-":
            assert writer_gone(f"{host}|{child.pid}|1|{now}")  # same pid, another start: a reused pid
    finally:
        child.kill()
        child.wait()
    assert writer_gone(live)
    assert not writer_gone(f"elsewhere|123|-|{now}")  # another machine, recently: it may still be writing
    assert writer_gone(f"elsewhere|123|-|{now - FOREIGN_WRITER_GRACE_S - 60}")
    assert host  # the host name is part of every writer id
