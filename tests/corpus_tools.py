"""Helpers shared by the unit and end-to-end ingest tests: a messy corpus made on the spot,
and the check that Chroma's chunks, its document records and the keyword index agree."""

from __future__ import annotations

import io
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from index import CouncilIndex

MAX_FILE_BYTES = 2_000_000  # tests set COUNCILQA_INGEST__MAX_FILE_BYTES to this


@dataclass(frozen=True)
class Good:
    """A file that must be indexed, and a question its `phrase` answers."""

    name: str
    question: str
    phrase: str


def _pdf(text: str) -> bytes:
    from fpdf import FPDF

    doc = FPDF()
    doc.add_page()
    doc.set_font("Helvetica", size=12)
    doc.multi_cell(0, 6, text)
    return bytes(doc.output())


def _scanned_pdf() -> bytes:
    """A page holding only a picture of text: no text layer."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (600, 200), "white")
    ImageDraw.Draw(img).text((20, 80), "Minutes of the Planning Committee", fill="black")
    doc = FPDF()
    doc.add_page()
    doc.image(img, x=10, y=10, w=180)
    return bytes(doc.output())


def _encrypted(pdf: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _huge_line(size: int, tail: str) -> str:
    """One line of `size` characters: words with no sentence end, then one sentence."""
    rng = random.Random(7)
    words = "council road budget housing motion report grant parish library lane".split()
    parts: list[str] = []
    length = 0
    while length < size:
        word = rng.choice(words)
        parts.append(word)
        length += len(word) + 1
    return " ".join(parts) + ". " + tail


def make_messy_corpus(folder: Path, huge_line_chars: int = 1_200_000) -> tuple[list[Good], dict[str, str]]:
    """Write good and bad files into `folder`; return the good ones and each bad file's expected reason."""
    folder.mkdir(parents=True, exist_ok=True)
    good = [
        Good(
            "parks_minutes.txt",
            "What colour will the Riverside bandstand be repainted?",
            "repaint the Riverside bandstand in green",
        ),
        Good(
            "adare_cp1252.txt",
            "Who proposed the Páirc na nGael floodlighting grant?",
            "Seán Ó Dálaigh proposed the “Páirc na nGael” floodlighting grant of €45,000",
        ),
        Good(
            "footbridge_utf16.txt",
            "When will the Castletroy weir footbridge close for repairs?",
            "The Castletroy weir footbridge will close for repairs in August",
        ),
        Good(
            "housing_utf8_bom.md",
            "How many vacant council houses are there in Rathkeale?",
            "37 vacant council houses in Rathkeale",
        ),
        Good(
            "cabinet.pdf",
            "Did the cabinet approve resurfacing the Quarry Road car park?",
            "approved resurfacing of the Quarry Road car park",
        ),
        Good(
            "one_line.txt",
            "Was the hedgehog tunnel under Mill Road approved?",
            "The hedgehog tunnel under Mill Road was approved by the committee",
        ),
    ]
    (folder / "parks_minutes.txt").write_text(
        "Minutes of the meeting of the Parks Committee held on 3 March 2024.\n\n1. Bandstand\n\n"
        "The committee agreed to repaint the Riverside bandstand in green at a cost of £4,200.\n",
        encoding="utf-8",
    )
    (folder / "adare_cp1252.txt").write_bytes(
        "Minutes of the meeting of the Municipal District of Adare held on 5 May 2023.\n\n1. Grants\n\n"
        "Councillor Seán Ó Dálaigh proposed the “Páirc na nGael” floodlighting grant of €45,000 "
        "and £300 for signage at Cill Mhic Réill.\n".encode("cp1252")
    )
    (folder / "footbridge_utf16.txt").write_bytes(
        "Minutes of the meeting of the Metropolitan District held on 12 June 2023.\n\n1. Bridges\n\n"
        "The Castletroy weir footbridge will close for repairs in August.\n".encode("utf-16")
    )
    (folder / "housing_utf8_bom.md").write_bytes(
        "# Housing Committee\n\nMinutes of the meeting of the Housing Committee held on 4 April 2023.\n\n"
        "## 1. Vacancies\n\nThe committee noted 37 vacant council houses in Rathkeale.\n".encode("utf-8-sig")
    )
    cabinet = _pdf(
        "Minutes of the meeting of the Cabinet held on 9 February 2023.\n\n1. Car parks\n\n"
        "The cabinet approved resurfacing of the Quarry Road car park."
    )
    (folder / "cabinet.pdf").write_bytes(cabinet)
    (folder / "one_line.txt").write_text(
        _huge_line(huge_line_chars, "The hedgehog tunnel under Mill Road was approved by the committee."),
        encoding="utf-8",
    )
    bad = {
        "corrupt.pdf": "corrupt",
        "truncated.pdf": "truncated",
        "encrypted.pdf": "encrypted",
        "scanned.pdf": "no text",
        "empty.txt": "empty",
        "zero_bytes.txt": "empty",
        "binary.txt": "binary",
        "broken.docx": "not a valid",
        "too_big.txt": "limit",
    }
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage \x00\x01 endobj\n")
    (folder / "truncated.pdf").write_bytes(cabinet[: len(cabinet) // 2])
    (folder / "encrypted.pdf").write_bytes(_encrypted(_pdf("Confidential minutes of the Audit Committee.")))
    (folder / "scanned.pdf").write_bytes(_scanned_pdf())
    (folder / "empty.txt").write_text("  \n\n \t\n", encoding="utf-8")
    (folder / "zero_bytes.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip archive")
    with (folder / "too_big.txt").open("w", encoding="utf-8") as fh:
        line = "The council met and agreed the minutes of the previous meeting.\n"
        fh.write(line * (MAX_FILE_BYTES // len(line) + 10))
    return good, bad


def check_consistent(index: CouncilIndex) -> dict[str, list[str]]:
    """Assert Chroma's chunks, document records and the keyword index agree; return doc_id -> files."""
    docs = {d.doc_id: d for d in index.documents()}
    chunk_docs: Counter[str] = Counter()
    chunk_sources: dict[str, set[str]] = {}
    ids: list[str] = []
    for chunk in index.vectors.iter_chunks():
        ids.append(chunk.id)
        chunk_docs[chunk.citation.doc_id] += 1
        chunk_sources.setdefault(chunk.citation.doc_id, set()).add(chunk.citation.source)
    assert len(ids) == len(set(ids)) == index.vectors.count()
    assert set(chunk_docs) == set(docs), "chunks without a document record, or records without chunks"
    sources = {doc_id: list(d.sources) for doc_id, d in docs.items()}
    for doc_id, d in docs.items():
        assert chunk_docs[doc_id] == d.chunks, f"{d.source}: chunk count differs from its record"
        assert chunk_sources[doc_id] == {sources[doc_id][0]}, "chunks cite a file other than the record's"
        assert d.source == sources[doc_id][0]
    every = [s for files in sources.values() for s in files]
    assert len(every) == len(set(every)), "a file is listed by two documents"
    keyword = index.keyword("restricted")  # every chunk
    assert sorted(keyword.ids) == sorted(ids), "the keyword index and Chroma hold different chunks"
    return sources
