"""A bad file fails alone, whatever is wrong with it: its name, a crash in any stage, a limit."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner, Result

import assistant
from assistant import Settings
from assistant.cli import cli
from index import CouncilIndex

if TYPE_CHECKING:
    from conftest import FakeEmbedder

GOOD = {
    "parks.txt": "Minutes of the meeting of the Parks Committee held on 3 March 2024.\n\n1. Bandstand\n\n"
    "The committee agreed to repaint the Riverside bandstand in green.\n",
    "finance.txt": "Minutes of the meeting of the Finance Committee held on 2 May 2024.\n\n1. Car parks\n\n"
    "The committee agreed to resurface the Quarry Road car park for £62,000.\n",
}
BAD_NAMES = [b"caf\xe9 minutes.txt", b"line\nbreak\x1b[31m.txt", b"\xff\xfe.txt"]


def run(data_dir: Path, *args: str, **env: str) -> Result:
    return CliRunner(env=env).invoke(cli, ["--data-dir", str(data_dir), *args], catch_exceptions=False)


def write_good(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in GOOD.items():
        (folder / name).write_text(text, encoding="utf-8")


def test_names_that_are_not_utf8_or_hold_control_characters(tmp_path: Path, fake_model: FakeEmbedder) -> None:
    folder = tmp_path / "records"
    write_good(folder)
    for i, raw in enumerate(BAD_NAMES):
        text = f"Minutes of the meeting of the Cabinet held on {i + 1} June 2024.\n\n1. Libraries\n\n"
        text += f"The cabinet agreed to open library number {i + 7} on Sundays.\n"
        with open(os.fsencode(folder) + b"/" + raw, "w", encoding="utf-8") as fh:
            fh.write(text)
    data = tmp_path / "archive"
    result = run(data, "ingest", "-v", str(folder))
    assert result.exit_code == 0, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 5 and all(line.startswith("ingested: ") for line in lines), lines
    assert "\x1b" not in result.output
    assert any(line.endswith("caf\\xe9 minutes.txt") for line in lines), lines
    assert any(line.endswith("line\\x0abreak\\x1b[31m.txt") for line in lines), lines

    index = CouncilIndex(Settings(data_dir=data), fake_model)
    sources = sorted(Path(d.source).name for d in index.documents())
    assert sources == sorted(
        ["parks.txt", "finance.txt", "caf\\xe9 minutes.txt", "line\\x0abreak\\x1b[31m.txt", "\\xff\\xfe.txt"]
    )
    again = json.loads(run(data, "ingest", "--json", "--prune", str(folder)).stdout)
    assert len(again["unchanged"]) == 5 and again["removed"] == []  # the escaped names are found on disk

    os.unlink(os.fsencode(folder) + b"/" + BAD_NAMES[0])
    pruned = json.loads(run(data, "ingest", "--json", "--prune", str(folder)).stdout)
    assert [Path(s).name for s in pruned["removed"]] == ["caf\\xe9 minutes.txt"]
    asked = run(data, "ask", "--json", "Which library will open on Sundays, number 8?")
    assert asked.exit_code == 0, asked.output

    escaped = next(d.doc_id for d in index.documents() if "line\\x0abreak" in d.source)
    ids = index.vectors.chunks.get(where={"doc_id": escaped}, include=[])["ids"]
    index.vectors.chunks.delete(ids=ids[:1])  # damage it, and repair finds its file by the escaped name
    repaired = json.loads(run(data, "ingest", "--json", "--repair").stdout)
    assert [Path(s).name for s in repaired["repaired"]] == ["line\\x0abreak\\x1b[31m.txt"], repaired
    assert repaired["failed"] == [] and repaired["problems"] == []


@pytest.mark.parametrize("stage", ["read", "parse", "chunk", "embed", "write"])
def test_a_crash_in_any_stage_fails_only_that_file(
    tmp_path: Path,
    settings: Settings,
    fake_embedder: FakeEmbedder,
    monkeypatch: pytest.MonkeyPatch,
    stage: str,
) -> None:
    folder = tmp_path / "records"
    write_good(folder)
    (folder / "cursed.txt").write_text(GOOD["parks.txt"].replace("Parks", "Cursed"), encoding="utf-8")

    def cursed(text: str) -> bool:
        return "Cursed" in text

    def boom(*_args: Any) -> None:
        raise RuntimeError("boom")

    import assistant.ingesting as ingesting
    import index.store as store

    if stage == "read":
        real_read = ingesting.read_document
        monkeypatch.setattr(
            ingesting,
            "read_document",
            lambda p, *a, **k: boom() if "cursed" in p.name else real_read(p, *a, **k),
        )
    elif stage == "parse":
        real_parse = ingesting.parse_meeting
        monkeypatch.setattr(
            ingesting, "parse_meeting", lambda raw: boom() if cursed(raw.text) else real_parse(raw)
        )
    elif stage == "chunk":
        real_chunk = ingesting.chunk_meeting
        monkeypatch.setattr(
            ingesting,
            "chunk_meeting",
            lambda m, s: boom() if m.body and "Cursed" in m.body else real_chunk(m, s),
        )
    elif stage == "embed":
        real_embed = fake_embedder.embed
        monkeypatch.setattr(
            fake_embedder,
            "embed",
            lambda texts: boom() if any(cursed(t) for t in texts) else real_embed(texts),
        )
    else:
        real_add = store.CouncilIndex.add_document

        def add(self: CouncilIndex, raw: Any, *args: Any) -> None:
            real_add(self, raw, *args)
            if cursed(raw.text):
                raise RuntimeError("disk hiccup after the chunks went in")

        monkeypatch.setattr(store.CouncilIndex, "add_document", add)
        real_batch = store.CouncilIndex.add_documents

        def add_batch(self: CouncilIndex, writes: Any) -> None:
            real_batch(self, writes)  # files are written in batches: the whole batch went in first
            if any(cursed(w.text) for w in writes):
                raise RuntimeError("disk hiccup after the chunks went in")

        monkeypatch.setattr(store.CouncilIndex, "add_documents", add_batch)
    report = assistant.ingest_paths([folder], settings, embedder=fake_embedder)
    assert [Path(s).name for s, _ in report.failed] == ["cursed.txt"]
    reason = report.failed[0][1]
    assert reason.startswith("cursed.txt: ") and "\n" not in reason, reason
    assert sorted(Path(s).name for s in report.ingested) == ["finance.txt", "parks.txt"]
    index = CouncilIndex(settings, fake_embedder)
    assert {Path(d.source).name for d in index.documents()} == {"finance.txt", "parks.txt"}
    assert {Path(c.citation.source).name for c in index.vectors.iter_chunks()} == {"finance.txt", "parks.txt"}


def _docx(paragraphs: list[str]) -> bytes:
    import docx

    doc = docx.Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _zip_bomb() -> bytes:
    """A real .docx with one extra entry of 60 MB of zeros: about 60 KB on disk."""
    base = zipfile.ZipFile(io.BytesIO(_docx(["Minutes of the Audit Committee held on 1 May 2024."])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in base.infolist():
            bomb.writestr(info, base.read(info.filename))
        with bomb.open("word/media/padding.bin", "w") as fh:
            chunk = b"\0" * 1_000_000
            for _ in range(60):
                fh.write(chunk)
    return out.getvalue()


# distinct pages: a line that repeats on most pages (modulo numbers) is page furniture
_WORDS = (
    "allotments bandstand cemeteries drainage elections footpaths graffiti hedges insurance "
    "jetties kiosks libraries markets nurseries orchards playgrounds quarries roads schools "
    "toilets uniforms verges wardens yards zebra crossings bridges canals docks estates"
).split()


LIMIT_CASES = {
    # file name: (its bytes, the setting, a value that makes the file too much, what the reason says)
    "bomb.docx": (_zip_bomb, "MAX_UNPACKED_BYTES", "20000000", "bytes unpacked"),
    "pages.txt": (
        lambda: "\f".join(
            f"The committee discussed {w}.\n\nIt agreed to review {w} next year." for w in _WORDS
        ).encode(),
        "MAX_PAGES",
        "20",
        "30 pages",
    ),
    "chars.txt": (
        lambda: ("The council met. " * 40_000).encode(),
        "MAX_CHARS",
        "500000",
        "characters of text",
    ),
    "chunks.docx": (
        lambda: _docx([f"Paragraph {i}. " + "The committee agreed the report. " * 12 for i in range(400)]),
        "MAX_CHUNKS_PER_FILE",
        "300",
        "chunks",
    ),
    "big.txt": (
        lambda: b"The council met and agreed the minutes. " * 30_000,
        "MAX_FILE_BYTES",
        "1000000",
        "bytes",
    ),
    "slow.txt": (  # about a second to read, parse and chunk; the good files take milliseconds
        lambda: "".join(
            f"{i}. Item {i}\n\nThe committee noted report {i} and agreed it.\n\n" for i in range(20_000)
        ).encode(),
        "MAX_SECONDS_PER_FILE",
        "0.2",
        "seconds",
    ),
}


@pytest.mark.parametrize("name", sorted(LIMIT_CASES))
def test_a_file_over_a_limit_fails_alone_naming_the_setting(
    tmp_path: Path, fake_model: FakeEmbedder, name: str
) -> None:
    make, setting, value, says = LIMIT_CASES[name]
    folder = tmp_path / "records"
    write_good(folder)
    (folder / name).write_bytes(make())
    data = tmp_path / "archive"
    under = run(data / "under", "ingest", "--json", str(folder / name))
    assert under.exit_code == 0, under.output  # within the defaults the file is fine
    result = run(data / "over", "ingest", "--json", str(folder), **{f"COUNCILQA_INGEST__{setting}": value})
    assert result.exit_code == 1, result.output
    out = json.loads(result.stdout)
    assert sorted(Path(s).name for s in out["ingested"]) == ["finance.txt", "parks.txt"]
    [failed] = out["failed"]
    assert Path(failed["source"]).name == name
    reason = failed["reason"]
    assert reason.startswith(f"{name}: ") and says in reason and f"(COUNCILQA_INGEST__{setting})" in reason, (
        reason
    )
    assert "over the limit" in reason or "longer than the limit" in reason


def test_a_large_honest_docx_is_read_fast(tmp_path: Path) -> None:
    import time

    from ingest import read_document

    path = tmp_path / "long.docx"
    import docx

    doc = docx.Document()
    for i in range(5_000):
        doc.add_paragraph(
            f"Paragraph {i} of the planning officer's report.", style="List Bullet" if i % 7 == 0 else None
        )
    doc.save(str(path))
    started = time.perf_counter()
    raw = read_document(path)
    assert time.perf_counter() - started < 3.0  # about 0.25 s; per-paragraph style look-ups took 5 s
    assert raw.text.count("- Paragraph") == len(range(0, 5_000, 7))


def test_stopping_during_one_file_keeps_the_files_read_before_it(
    tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    import assistant.ingesting as ingesting

    folder = tmp_path / "records"
    write_good(folder)
    (folder / "z_huge.txt").write_text(GOOD["parks.txt"].replace("Parks", "Huge"), encoding="utf-8")
    real_parse = ingesting.parse_meeting

    def parse(raw: Any) -> Any:
        if "Huge" in raw.text:
            raise KeyboardInterrupt  # Ctrl-C while the big file is being parsed
        return real_parse(raw)

    monkeypatch.setattr(ingesting, "parse_meeting", parse)
    with pytest.raises(KeyboardInterrupt):
        assistant.ingest_paths([folder], settings, embedder=fake_embedder)
    index = CouncilIndex(settings, fake_embedder)
    assert {Path(d.source).name for d in index.documents()} == {"finance.txt", "parks.txt"}
