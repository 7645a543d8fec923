"""Ingest bookkeeping: copies under two names, changed and vanished files, --prune, batching, messy input."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner, Result
from corpus_tools import MAX_FILE_BYTES, check_consistent, make_messy_corpus

import assistant
from assistant import Filters, Meeting, Settings
from assistant.cli import cli
from assistant.ingesting import Ingest
from assistant.types import RawDocument
from index import CouncilIndex, embedding_text

if TYPE_CHECKING:
    from conftest import FakeEmbedder

PLANNING = """FERNLEY TOWN COUNCIL

Minutes of the meeting of the Planning Committee held on 14 March 2024.

1. Land at Mill Lane

The application for six houses at Mill Lane was refused on highway grounds.
"""

FINANCE = """FERNLEY TOWN COUNCIL

Minutes of the meeting of the Finance Committee held on 2 May 2024.

1. Car parks

The committee agreed to resurface the Quarry Road car park for £62,000.
"""

LIBRARY = """FERNLEY TOWN COUNCIL

Minutes of the meeting of the Cabinet held on 6 June 2024.

1. Libraries

The cabinet agreed to open Northgate Library on Sundays from September.
"""


def cli_run(data_dir: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--data-dir", str(data_dir), *args], catch_exceptions=False)


def ingest_json(data_dir: Path, *args: str) -> dict[str, object]:
    result = cli_run(data_dir, "ingest", "--json", *args)
    out: dict[str, object] = json.loads(result.stdout)
    return out


def records(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "records"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def src(path: Path) -> str:
    return str(path.resolve())


def open_checked(settings: Settings, embedder: FakeEmbedder) -> tuple[CouncilIndex, dict[str, list[str]]]:
    index = CouncilIndex(settings, embedder)
    return index, check_consistent(index)


def test_prune_forgets_files_gone_from_disk(tmp_path: Path, fake_model: FakeEmbedder) -> None:
    data = tmp_path / "index"
    folder = records(tmp_path, planning=PLANNING, finance=FINANCE, library=LIBRARY)
    first = ingest_json(data, str(folder))
    assert len(first["ingested"]) == 3  # type: ignore[arg-type]
    (folder / "finance.txt").unlink()
    kept = ingest_json(data, str(folder))
    assert kept["removed"] == [] and len(kept["unchanged"]) == 2  # type: ignore[arg-type]
    pruned = ingest_json(data, "--prune", str(folder))
    assert pruned["removed"] == [src(folder / "finance.txt")]
    assert pruned["failed"] == [] and pruned["ingested"] == []
    settings = Settings(data_dir=data)
    index, sources = open_checked(settings, fake_model)
    assert sorted(s for files in sources.values() for s in files) == [
        src(folder / "library.txt"),
        src(folder / "planning.txt"),
    ]
    assert all("Quarry" not in chunk.text for chunk in index.vectors.iter_chunks())
    human = cli_run(data, "ingest", "--prune", str(folder))
    assert "Removed" not in human.stdout  # nothing left to prune


def test_prune_only_looks_under_the_paths_given(
    tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    folder = records(tmp_path, planning=PLANNING)
    other = tmp_path / "other"
    other.mkdir()
    (other / "finance.txt").write_text(FINANCE, encoding="utf-8")
    assistant.ingest_paths([folder, other], settings, embedder=fake_embedder)
    (other / "finance.txt").unlink()
    report = assistant.ingest_paths([folder], settings, embedder=fake_embedder, prune=True)
    assert report.removed == []
    assert len(open_checked(settings, fake_embedder)[1]) == 2
    report = assistant.ingest_paths([other], settings, embedder=fake_embedder, prune=True)
    assert report.removed == [src(other / "finance.txt")]
    assert list(open_checked(settings, fake_embedder)[1].values()) == [[src(folder / "planning.txt")]]


def test_prune_of_a_deleted_folder_is_not_a_failure(tmp_path: Path, fake_model: FakeEmbedder) -> None:
    data = tmp_path / "index"
    folder = records(tmp_path, planning=PLANNING, finance=FINANCE)
    ingest_json(data, str(folder))
    shutil.rmtree(folder)
    without = cli_run(data, "ingest", "--json", str(folder))
    assert without.exit_code == 1  # a missing path is an error unless it is being pruned
    result = cli_run(data, "ingest", "--json", "--prune", str(folder))
    assert result.exit_code == 0, result.output
    assert sorted(json.loads(result.stdout)["removed"]) == [
        src(folder / "finance.txt"),
        src(folder / "planning.txt"),
    ]
    assert json.loads(cli_run(data, "status", "--json").stdout)["documents"] == 0


def test_same_content_under_two_names_remembers_both(
    tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    folder = records(tmp_path, a=PLANNING, b=PLANNING)
    report = assistant.ingest_paths([folder], settings, embedder=fake_embedder)
    assert report.ingested == [src(folder / "a.txt")]
    assert report.duplicates == [(src(folder / "b.txt"), src(folder / "a.txt"))]
    _, sources = open_checked(settings, fake_embedder)
    assert list(sources.values()) == [[src(folder / "a.txt"), src(folder / "b.txt")]]
    again = assistant.ingest_paths([folder], settings, embedder=fake_embedder)
    assert sorted(again.unchanged) == [src(folder / "a.txt"), src(folder / "b.txt")]
    assert again.duplicates == [] and again.ingested == []


def test_changing_the_first_copy_keeps_the_second(
    tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    folder = records(tmp_path, a=PLANNING, b=PLANNING)
    assistant.ingest_paths([folder], settings, embedder=fake_embedder)
    (folder / "a.txt").write_text(FINANCE, encoding="utf-8")
    report = assistant.ingest_paths([folder], settings, embedder=fake_embedder)
    assert report.ingested == [src(folder / "a.txt")] and report.unchanged == [src(folder / "b.txt")]
    index, sources = open_checked(settings, fake_embedder)
    assert sorted(sources.values()) == [[src(folder / "a.txt")], [src(folder / "b.txt")]]
    hit = index.retrieve("six houses at Mill Lane refused highway", Filters(), 1)[0]
    assert "Mill Lane" in hit.chunk.text
    assert hit.chunk.citation.source == src(folder / "b.txt")  # the citation moved to the file that holds it


def test_changing_the_second_copy_keeps_the_first(
    tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    folder = records(tmp_path, a=PLANNING, b=PLANNING)
    assistant.ingest_paths([folder], settings, embedder=fake_embedder)
    (folder / "b.txt").write_text(LIBRARY, encoding="utf-8")
    assistant.ingest_paths([folder], settings, embedder=fake_embedder)
    index, sources = open_checked(settings, fake_embedder)
    assert sorted(sources.values()) == [[src(folder / "a.txt")], [src(folder / "b.txt")]]
    assert index.retrieve("Mill Lane refused", Filters(), 1)[0].chunk.citation.source == src(folder / "a.txt")


def test_pruning_one_copy_keeps_the_other(
    tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    folder = records(tmp_path, a=PLANNING, b=PLANNING)
    assistant.ingest_paths([folder], settings, embedder=fake_embedder)
    (folder / "a.txt").unlink()
    report = assistant.ingest_paths([folder], settings, embedder=fake_embedder, prune=True)
    assert report.removed == [src(folder / "a.txt")]
    index, sources = open_checked(settings, fake_embedder)
    assert list(sources.values()) == [[src(folder / "b.txt")]]
    assert index.retrieve("Mill Lane refused", Filters(), 1)[0].chunk.citation.source == src(folder / "b.txt")


def test_renamed_file_is_not_embedded_again(
    tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    folder = records(tmp_path, old_name=PLANNING)
    assistant.ingest_paths([folder], settings, embedder=fake_embedder)
    embedded = fake_embedder.texts_embedded
    (folder / "old_name.txt").rename(folder / "new_name.txt")
    report = assistant.ingest_paths([folder], settings, embedder=fake_embedder, prune=True)
    assert report.duplicates == [(src(folder / "new_name.txt"), src(folder / "old_name.txt"))]
    assert report.removed == [src(folder / "old_name.txt")]
    assert fake_embedder.texts_embedded == embedded
    _, sources = open_checked(settings, fake_embedder)
    assert list(sources.values()) == [[src(folder / "new_name.txt")]]


def test_copy_added_in_a_later_run_is_recorded(
    tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    folder = records(tmp_path, a=PLANNING)
    assistant.ingest_paths([folder], settings, embedder=fake_embedder)
    shutil.copy(folder / "a.txt", folder / "z.txt")
    report = assistant.ingest_paths([folder], settings, embedder=fake_embedder)
    assert report.duplicates == [(src(folder / "z.txt"), src(folder / "a.txt"))]
    assert list(open_checked(settings, fake_embedder)[1].values()) == [
        [src(folder / "a.txt"), src(folder / "z.txt")]
    ]


def test_bad_new_version_keeps_the_old_one(
    tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    folder = records(tmp_path, planning=PLANNING)
    assistant.ingest_paths([folder], settings, embedder=fake_embedder)
    (folder / "planning.txt").write_bytes(b"\x00\x01 binary junk" * 100)
    report = assistant.ingest_paths([folder], settings, embedder=fake_embedder, prune=True)
    assert [reason for _, reason in report.failed] == ["planning.txt: binary data, not text"]
    assert report.removed == []
    index, sources = open_checked(settings, fake_embedder)
    assert list(sources.values()) == [[src(folder / "planning.txt")]]
    assert "Mill Lane" in index.retrieve("Mill Lane refused", Filters(), 1)[0].chunk.text


def test_a_file_left_in_two_documents_is_settled(
    tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An ingest killed after writing a changed file's new version, before letting the old one go."""
    folder = records(tmp_path, a=PLANNING)
    assistant.ingest_paths([folder], settings, embedder=fake_embedder)
    (folder / "a.txt").write_text(FINANCE, encoding="utf-8")
    with monkeypatch.context() as patch:
        patch.setattr(Ingest, "_forget_elsewhere", lambda self, source, keep=None: None)
        assistant.ingest_paths([folder], settings, embedder=fake_embedder)
    index = CouncilIndex(settings, fake_embedder)
    assert [d.sources for d in index.documents()] == [(src(folder / "a.txt"),)] * 2
    report = assistant.ingest_paths([folder], settings, embedder=fake_embedder)
    assert report.unchanged == [src(folder / "a.txt")]
    _, sources = open_checked(settings, fake_embedder)
    assert list(sources.values()) == [[src(folder / "a.txt")]]
    assert "Quarry Road" in index.retrieve("Quarry Road car park", Filters(), 1)[0].chunk.text


@pytest.mark.parametrize("batch", [1, 4, 1000])
def test_chunks_pooled_across_files_keep_their_own_vectors(
    tmp_path: Path, settings: Settings, make_embedder: type[FakeEmbedder], tiny_corpus: Path, batch: int
) -> None:
    folder = records(tmp_path, planning=PLANNING, finance=FINANCE, library=LIBRARY)
    for path in tiny_corpus.iterdir():
        shutil.copy(path, folder / path.name)
    embedder = make_embedder()
    report = assistant.ingest_paths([folder], settings, embedder=embedder, embed_batch=batch)
    assert report.ok and len(report.ingested) == 5
    # pooled: one encoder call for everything; batch 1: each file's chunks alone reach the batch size
    assert embedder.calls == {1: 5, 4: embedder.calls, 1000: 1}[batch]
    assert 1 <= embedder.calls <= 5
    index, _ = open_checked(settings, embedder)
    chunks = list(index.vectors.iter_chunks())
    stored = index.vectors.embeddings([c.id for c in chunks])
    for chunk in chunks:
        expected = embedder.vector(embedding_text(chunk))
        assert stored[chunk.id] == pytest.approx(expected, abs=1e-6), chunk.id


def test_embedding_text_is_cut_to_what_the_encoder_reads(
    settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    from assistant.types import Chunk, Citation

    citation = Citation(doc_id="d", source="s", paragraph=1, char_start=0, char_end=10)
    huge = Chunk(id="d:1:0", text="word " * 400_000, citation=citation)
    small = Chunk(id="d:2:0", text="The minutes were agreed.", citation=citation)
    seen: list[str] = []

    class Spy:
        def embed(self, texts: Sequence[str]) -> list[list[float]]:
            seen.extend(texts)
            return fake_embedder.embed(texts)

    CouncilIndex(settings, Spy()).embed_chunks([huge, small])
    assert [len(t) for t in seen] == [settings.index.max_seq_length * 16, len(small.text)]


def test_progress_lines_and_stage_times(tmp_path: Path, fake_model: FakeEmbedder) -> None:
    data = tmp_path / "index"
    folder = records(tmp_path, planning=PLANNING, finance=FINANCE)
    (folder / "z_copy.txt").write_text(PLANNING, encoding="utf-8")
    result = cli_run(data, "ingest", "-v", str(folder))
    assert result.exit_code == 0
    lines = sorted(result.stderr.splitlines())
    assert lines == sorted(
        [
            f"copy: {folder / 'z_copy.txt'}",
            f"ingested: {folder / 'finance.txt'}",
            f"ingested: {folder / 'planning.txt'}",
        ]
    )
    assert "1 file(s) had the same content as an indexed file" in result.stdout
    assert "Time: read " in result.stdout and ", embed " in result.stdout and ", write " in result.stdout
    quiet = cli_run(data, "ingest", "--json", str(folder))
    assert quiet.stderr == ""  # no progress bar around JSON


def test_messy_corpus_loses_nothing_good(
    tmp_path: Path,
    fake_model: FakeEmbedder,
    monkeypatch: pytest.MonkeyPatch,
    chunks_in: Callable[[Path], int],
) -> None:
    monkeypatch.setenv("COUNCILQA_INGEST__MAX_FILE_BYTES", str(MAX_FILE_BYTES))
    data = tmp_path / "index"
    folder = tmp_path / "messy"
    good, bad = make_messy_corpus(folder)
    result = cli_run(data, "ingest", "--json", str(folder))
    assert result.exit_code == 1
    out = json.loads(result.stdout)
    assert sorted(out["ingested"]) == sorted(src(folder / g.name) for g in good)
    reasons = {Path(f["source"]).name: f["reason"] for f in out["failed"]}
    assert set(reasons) == set(bad)
    for name, reason in reasons.items():
        assert "\n" not in reason and reason.startswith(f"{name}: "), reason
        assert bad[name] in reason.lower(), reason
    index, sources = open_checked(Settings(data_dir=data), fake_model)
    assert sorted(s for files in sources.values() for s in files) == sorted(
        src(folder / g.name) for g in good
    )
    assert out["chunks"] == index.vectors.count() == sum(chunks_in(folder / g.name) for g in good)
    for g in good:
        answer = json.loads(cli_run(data, "ask", "--json", g.question).stdout)
        assert not answer["refused"], g.question
        cited = [c for c in answer["citations"] if c["source"] == src(folder / g.name)]
        assert cited and any(g.phrase in c["text"] for c in cited), (g.question, answer["answer"])
    again = json.loads(cli_run(data, "ingest", "--json", str(folder)).stdout)
    assert (
        again["ingested"] == [] and len(again["unchanged"]) == len(good) and len(again["failed"]) == len(bad)
    )


def test_a_file_named_twice_is_one_source(
    tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    folder = records(tmp_path, planning=PLANNING)
    (folder / "link.txt").symlink_to(folder / "planning.txt")
    report = assistant.ingest_paths([folder, folder / "planning.txt"], settings, embedder=fake_embedder)
    assert report.ingested == [src(folder / "planning.txt")] and report.duplicates == []
    assert list(open_checked(settings, fake_embedder)[1].values()) == [[src(folder / "planning.txt")]]


def test_a_parser_crash_on_one_file_spares_the_rest(
    tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ingest import parse_meeting

    folder = records(tmp_path, a_planning=PLANNING, b_finance=FINANCE, c_library=LIBRARY)

    def parse(raw: RawDocument) -> Meeting:
        if "Finance" in raw.text:
            raise IndexError("list index out of range\non two lines")
        return parse_meeting(raw)

    monkeypatch.setattr("assistant.ingesting.parse_meeting", parse)
    report = assistant.ingest_paths([folder], settings, embedder=fake_embedder)
    assert report.failed == [
        (
            src(folder / "b_finance.txt"),
            "b_finance.txt: cannot split into paragraphs (IndexError: list index out of range on two lines)",
        )
    ]
    assert sorted(report.ingested) == [src(folder / "a_planning.txt"), src(folder / "c_library.txt")]
    assert len(open_checked(settings, fake_embedder)[1]) == 2
