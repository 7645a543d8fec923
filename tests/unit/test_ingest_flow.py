"""Ingest with its stages at once: files read ahead of the encoder (boundedly), documents written
to Chroma in batches across files, the encoder's device and precision chosen from the machine."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import assistant
import assistant.ingesting as ingesting
from assistant import Settings
from assistant.ingest_flow import IN_FLIGHT, READ_AHEAD
from assistant.settings import IndexSettings
from bench.ingest import choose, spread_order
from index import CouncilIndex, choose_device, choose_dtype, cpu_flags, store

if TYPE_CHECKING:
    from conftest import FakeEmbedder

MINUTES = """FERNLEY TOWN COUNCIL

Minutes of the meeting of the {body} held on {day} March 2024.

1. Item {n}

The committee agreed item {n} of the {body}, moved by Councillor Moss.
"""


def write_minutes(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"m{n:03d}.txt"
        body = "Planning Committee" if n % 2 else "Finance Committee"
        path.write_text(MINUTES.format(body=body, day=1 + n % 28, n=n), encoding="utf-8")
        paths.append(path)
    return paths


def test_documents_of_many_files_go_to_chroma_in_one_batch(
    tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_minutes(tmp_path / "records", 12)
    batches: list[int] = []
    singles: list[str] = []
    real_batch, real_single = store.CouncilIndex.add_documents, store.CouncilIndex.add_document

    def add_batch(self: CouncilIndex, writes: Any) -> None:
        batches.append(len(writes))
        real_batch(self, writes)

    def add_single(self: CouncilIndex, raw: Any, *args: Any) -> None:
        singles.append(raw.doc_id)
        real_single(self, raw, *args)

    monkeypatch.setattr(store.CouncilIndex, "add_documents", add_batch)
    monkeypatch.setattr(store.CouncilIndex, "add_document", add_single)
    report = assistant.ingest_paths([tmp_path / "records"], settings, embedder=fake_embedder)
    assert len(report.ingested) == 12 and report.ok and not report.problems
    assert batches == [12] and singles == []  # one pooled batch: one write, not one per file
    index = CouncilIndex(settings, fake_embedder)
    assert len(index.documents()) == 12
    assert {c.citation.doc_id for c in index.vectors.iter_chunks()} == {d.doc_id for d in index.documents()}
    # a second run writes nothing, and the files read as unchanged
    again = assistant.ingest_paths([tmp_path / "records"], settings, embedder=fake_embedder)
    assert len(again.unchanged) == 12 and batches == [12]


def test_a_repaired_document_replaces_what_was_held_of_it(
    tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    paths = write_minutes(tmp_path / "records", 3)
    assistant.ingest_paths([tmp_path / "records"], settings, embedder=fake_embedder)
    index = CouncilIndex(settings, fake_embedder)
    doc = next(d for d in index.documents() if d.source.endswith(paths[0].name))
    index.vectors.docs.delete(ids=[doc.doc_id])  # the record lost: the check sees damage
    report = assistant.ingest_paths([tmp_path / "records"], settings, embedder=fake_embedder, repair=True)
    assert report.ok and not report.problems, report.problems
    index = CouncilIndex(settings, fake_embedder)
    chunks = [c for c in index.vectors.iter_chunks() if c.citation.doc_id == doc.doc_id]
    assert len(index.documents()) == 3 and len(chunks) == len({c.id for c in chunks}) > 0


def test_the_reader_stops_a_bounded_way_ahead_of_a_slow_encoder(
    tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_minutes(tmp_path / "records", 120)
    release = threading.Event()
    reads: list[str] = []
    real_read, real_embed = ingesting.read_document, fake_embedder.embed

    def read(path: Path, *args: Any, **kwargs: Any) -> Any:
        reads.append(path.name)
        return real_read(path, *args, **kwargs)

    def embed(texts: Any) -> Any:
        release.wait(timeout=30)
        return real_embed(texts)

    monkeypatch.setattr(ingesting, "read_document", read)
    monkeypatch.setattr(fake_embedder, "embed", embed)
    done: list[Any] = []
    run = threading.Thread(
        target=lambda: done.append(
            assistant.ingest_paths([tmp_path / "records"], settings, embedder=fake_embedder, embed_batch=2)
        )
    )
    run.start()
    try:
        settled = -1
        while settled != len(reads):  # wait until the reader stops
            settled = len(reads)
            time.sleep(0.5)
        # the queue of files read ahead, the batch filling, the batches at the encoder, one in hand
        assert 0 < len(reads) <= READ_AHEAD + 2 * (IN_FLIGHT + 1) + 2 < 120
    finally:
        release.set()
        run.join(timeout=60)
    assert len(done[0].ingested) == 120 and done[0].ok
    assert len(reads) == 120


def test_the_model_failing_stops_the_run_and_its_threads(
    tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_minutes(tmp_path / "records", 30)

    def embed(texts: Any) -> Any:
        raise assistant.ModelError("the encoder is gone")

    monkeypatch.setattr(fake_embedder, "embed", embed)
    with pytest.raises(assistant.ModelError, match="encoder is gone"):
        assistant.ingest_paths([tmp_path / "records"], settings, embedder=fake_embedder, embed_batch=2)
    time.sleep(0.2)
    assert not [t for t in threading.enumerate() if t.name.startswith("councilqa-")]
    assert CouncilIndex(settings, fake_embedder).documents() == []


def test_auto_takes_a_gpu_when_there_is_one() -> None:
    assert choose_device("auto", cuda_available=True) == "cuda"
    assert choose_device("auto", cuda_available=False) == "cpu"
    assert choose_device("cpu", cuda_available=True) == "cpu"
    assert choose_device("cuda", cuda_available=False) == "cuda"  # asked for: loading it says why not
    assert IndexSettings().device == "auto" and IndexSettings().dtype == "float32"


def test_auto_precision_is_bfloat16_only_where_the_hardware_computes_it() -> None:
    assert choose_dtype("auto", "cpu", frozenset({"avx2", "avx512f", "avx512_bf16"})) == "bfloat16"
    assert choose_dtype("auto", "cpu", frozenset({"avx2", "amx_bf16", "amx_tile"})) == "bfloat16"
    assert choose_dtype("auto", "cpu", frozenset({"avx2", "avx512f"})) == "float32"  # emulated: slower
    assert choose_dtype("auto", "cpu", frozenset()) == "float32"
    assert choose_dtype("auto", "cuda", frozenset(), gpu_bf16=True) == "bfloat16"
    assert choose_dtype("auto", "cuda", frozenset({"avx512_bf16"}), gpu_bf16=False) == "float32"
    assert choose_dtype("float32", "cpu", frozenset({"avx512_bf16"})) == "float32"
    assert choose_dtype("bfloat16", "cpu", frozenset()) == "bfloat16"


def test_cpu_flags_are_read_from_cpuinfo(tmp_path: Path) -> None:
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse2 avx512_bf16\n\n")
    assert cpu_flags(info) == {"fpu", "sse2", "avx512_bf16"}
    assert cpu_flags(tmp_path / "missing") == frozenset()


def test_every_share_of_the_manifest_is_spread_evenly_and_inside_the_larger_ones() -> None:
    assert sorted(spread_order(10)) == list(range(10))
    records = [Path(f"r{i:04d}") for i in range(2095)]
    tenth, half, whole = choose(records, 0.1, None), choose(records, 0.5, None), choose(records, 1.0, None)
    assert len(tenth) == 210 and len(half) == 1048 and whole == records
    assert set(tenth) <= set(half) <= set(whole)
    assert choose(records, None, 7) == choose(records, None, 7)[:7] and len(choose(records, None, 7)) == 7
    positions = [records.index(p) for p in tenth]
    gaps = [b - a for a, b in zip(positions, positions[1:], strict=False)]
    assert max(gaps) <= 16 and min(gaps) >= 4  # about every tenth record, never a run of neighbours
