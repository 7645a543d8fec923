"""Structure, metadata and decisions read from real records (../shared/data), without embedding.

The seeds pin exact items and dates; a fixed sample of Limerick files (picked from
`manifest.jsonl` by a rule, mixed years, bodies, kinds and scanned pages) checks the parser
holds up on messy PDF text. Skips with a message when the shared data is absent.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from assistant.settings import IngestSettings
from assistant.types import Chunk, Meeting, RawDocument
from ingest import chunk_meeting, parse_meeting, read_document
from ingest.metadata import find_dates

pytestmark = pytest.mark.shared


def seed(seeds_dir: Path, prefix: str) -> tuple[RawDocument, Meeting, list[Chunk]]:
    (path,) = sorted(seeds_dir.glob(f"{prefix}*.txt"))
    raw = read_document(path)
    meeting = parse_meeting(raw)
    return raw, meeting, chunk_meeting(meeting, IngestSettings())


# -- the five seeds -----------------------------------------------------------------------------


def test_joint_meeting_items_body_and_date(seeds_dir: Path) -> None:
    _, m, chunks = seed(seeds_dir, "001_")
    assert m.meeting_date == date(2016, 10, 26)
    assert m.doc_type == "minutes"
    assert m.body is not None and m.body.startswith("Joint Overview and Scrutiny Committee")
    assert "Education and Children's Services Scrutiny Panel" in m.body
    numbered = [(i.number, i.title) for i in m.items if i.number]
    assert numbered[:4] == [
        ("11", "Election of Chair for the Joint Meeting"),
        ("12", "Declaration of Interest"),
        ("13", "Member Questions"),
        ("14", "Update from Slough Children's Services Trust"),
    ]
    assert [int(n) for n, _ in numbered] == sorted(int(n) for n, _ in numbered)
    chair = next(c for c in chunks if c.citation.item_number == "11" and c.decision is not None)
    assert chair.decision is not None
    assert (chair.decision.mover, chair.decision.seconder, chair.decision.outcome) == (
        "Councillor Nazir",
        "Councillor Pantelic",
        "carried",
    )
    resolved = [c for c in chunks if c.citation.item_number == "14" and "Resolved" in c.text]
    assert resolved and all(c.decision is not None and c.decision.kind == "resolution" for c in resolved)


@pytest.mark.parametrize("prefix", ["000_", "002_", "003_"])
def test_moderngov_pages_items_and_resolutions(seeds_dir: Path, prefix: str) -> None:
    raw, m, chunks = seed(seeds_dir, prefix)
    titled = [i for i in m.items if i.title]
    assert len(titled) == 1 and titled[0].number is None  # "Agenda item" then its title
    assert "\n\nAgenda item\n\n" in "\n\n" + raw.text
    resolved = [c for c in chunks if re.search(r"\bResolved\b", c.text)]
    assert resolved, "every seed page records a resolution"
    for chunk in resolved:
        assert chunk.decision is not None and chunk.decision.kind == "resolution", chunk.text[:80]
        assert chunk.citation.agenda_item == titled[0].title


def test_officer_report_sections_are_items(seeds_dir: Path) -> None:
    _, m, chunks = seed(seeds_dir, "004_")
    assert (m.doc_type, m.meeting_date, m.council) == ("report", date(2016, 10, 26), "Slough Borough Council")
    numbered = [(i.number, i.title) for i in m.items if i.number]
    assert numbered[:5] == [
        ("1", "Purpose of Report"),
        ("2", "Recommendations"),
        ("3", "The Slough Joint Wellbeing Strategy, the JSNA and the Five Year Plan"),
        ("3a", "Slough Joint Wellbeing Strategy Priorities"),
        ("3b", "Five Year Plan Outcomes"),
    ]
    assert ("4c", "Human Rights Act and Other Legal Implications") in numbered
    background = next(i for i in m.items if i.number == "5")
    assert background.title == "Background"
    # numbered paragraphs 5.1, 5.2 stay paragraphs of their section
    assert any(p.text.startswith("- 5.2") for p in background.paragraphs)
    assert all(c.citation.agenda_item for c in chunks if "5.2 " in c.text)


def test_every_seed_chunk_reopens_and_ids_are_stable(seeds_dir: Path) -> None:
    for path in sorted(seeds_dir.glob("*.txt")):
        raw = read_document(path)
        first = chunk_meeting(parse_meeting(raw), IngestSettings())
        again = chunk_meeting(parse_meeting(read_document(path)), IngestSettings())
        assert [c.id for c in first] == [c.id for c in again]
        for chunk in first:
            assert raw.text[chunk.citation.char_start : chunk.citation.char_end] == chunk.text


# -- a fixed sample of Limerick files -------------------------------------------------------------


def pick_sample(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """For each (year, kind): the first file with scanned pages and the middle file, by path."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in sorted(rows, key=lambda r: str(r["path"])):
        groups.setdefault((row["meeting_folder"][:4], row["kind"]), []).append(row)
    sample: list[dict[str, Any]] = []
    for key in sorted(groups):
        group = groups[key]
        scanned = next((r for r in group if r["scanned_pages"] > 0), None)
        middle = group[len(group) // 2]
        sample.extend(r for r in (scanned, middle) if r is not None and r not in sample)
    return sample


@dataclass
class Parsed:
    row: dict[str, Any]
    raw: RawDocument
    meeting: Meeting
    chunks: list[Chunk]
    file_text: str


@pytest.fixture(scope="module")
def limerick_sample(limerick_dir: Path) -> list[Parsed]:
    rows = [
        json.loads(line)
        for line in (limerick_dir / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    out = []
    for row in pick_sample(rows):
        path = limerick_dir / row["path"]
        raw = read_document(path)
        meeting = parse_meeting(raw)
        chunks = chunk_meeting(meeting, IngestSettings())
        out.append(Parsed(row, raw, meeting, chunks, path.read_text(encoding="utf-8")))
    return out


def name_date(row: dict[str, Any]) -> date | None:
    dates = find_dates(Path(row["path"]).stem.replace("_", " "))
    return dates[0][1] if dates else None


def test_sample_is_mixed(limerick_sample: list[Parsed]) -> None:
    rows = [p.row for p in limerick_sample]
    assert len(rows) >= 30
    assert len({r["meeting_folder"][:4] for r in rows}) >= 10
    assert {r["kind"] for r in rows} == {"minutes", "agenda"}
    assert sum(r["scanned_pages"] > 0 for r in rows) >= 8
    assert len({p.meeting.body for p in limerick_sample}) >= 5


def test_every_limerick_chunk_reopens_with_its_page(limerick_sample: list[Parsed]) -> None:
    for p in limerick_sample:
        assert p.chunks, p.row["path"]
        assert len({c.id for c in p.chunks}) == len(p.chunks)
        for chunk in p.chunks:
            c = chunk.citation
            assert p.raw.text[c.char_start : c.char_end] == chunk.text, (p.row["path"], chunk.id)
            assert c.page == p.raw.page_at(c.char_start)
    exact_pages = sum(len(p.raw.page_starts) == p.row["pages"] for p in limerick_sample)
    assert exact_pages >= 0.9 * len(limerick_sample)


def test_page_furniture_is_gone(limerick_sample: list[Parsed]) -> None:
    for p in limerick_sample:
        text = p.raw.text
        for junk in ("Original file", "Scanned page, text may contain errors", "<small>", "\n---\n", "**"):
            assert junk not in text, (p.row["path"], junk)
        # a number alone may be a table's cell ("HAP 324 295"), never the page's own number
        bare = [(m.start(1), int(m.group(1))) for m in re.finditer(r"(?:^|\n\n)(\d{1,3})(?=\n\n|$)", text)]
        edges = set(p.raw.page_starts) | {s - 2 for s in p.raw.page_starts} | {len(text)}
        page_numbers = [
            n
            for at, n in bare
            if (at in edges or at + len(str(n)) in edges) and p.raw.page_at(at) in (n - 1, n, n + 1)
        ]
        assert not page_numbers, p.row["path"]
        # hard wraps are joined: a paragraph is one line
        assert all("\n" not in para for para in text.split("\n\n"))


def test_recorded_dates_and_bodies(limerick_sample: list[Parsed]) -> None:
    minutes = [p for p in limerick_sample if p.row["kind"] == "minutes"]
    agendas = [p for p in limerick_sample if p.row["kind"] == "agenda"]
    recorded = [p for p in minutes if name_date(p.row) is not None]
    hits = sum(p.meeting.meeting_date == name_date(p.row) for p in recorded)
    assert hits >= 0.9 * len(recorded), [(p.row["path"], p.meeting.meeting_date) for p in recorded]
    # an agenda is for the meeting it is filed under
    held = sum(str(p.meeting.meeting_date) == p.row["meeting_datetime"][:10] for p in agendas)
    assert held >= 0.8 * len(agendas)
    assert all(p.meeting.doc_type == p.row["kind"] for p in limerick_sample)
    assert sum(p.meeting.body is not None for p in minutes) >= 0.9 * len(minutes)
    councils = {p.meeting.council for p in minutes if p.meeting.body == "Full Council"}
    assert councils <= {"Limerick City and County Council", None}


_ADOPTION = re.compile(
    r"^\W*(?:item\s*)?1\s*[.:]?\W*\s*(?:adoption|confirmation)\s+of\s+(?:the\s+)?(?:draft\s+)?minutes",
    re.I | re.M,
)


def test_items_are_found_where_expected(limerick_sample: list[Parsed]) -> None:
    minutes = [p for p in limerick_sample if p.row["kind"] == "minutes"]
    # item 1 is the adoption of the last minutes wherever the file opens it on its own line
    expected = [p for p in minutes if _ADOPTION.search(p.file_text.replace("\n\n", "\n"))]
    assert len(expected) >= 5
    for p in expected:
        first = next((i for i in p.meeting.items if i.number == "1"), None)
        assert first is not None and re.search(r"minutes", first.title or "", re.I), p.row["path"]
    # ordinary meetings of three pages or more have several numbered items, in order
    ordinary = [p for p in minutes if p.row["pages"] >= 3 and "special" not in p.row["path"].lower()]
    several = [p for p in ordinary if sum(1 for i in p.meeting.items if i.number) >= 3]
    assert len(several) >= 0.75 * len(ordinary), [p.row["path"] for p in ordinary if p not in several]
    for p in minutes:
        numbers = [int(re.match(r"\d+", i.number).group()) for i in p.meeting.items if i.number]  # type: ignore[union-attr]
        assert numbers == sorted(numbers), p.row["path"]


def test_decisions_in_limerick_minutes(limerick_sample: list[Parsed]) -> None:
    minutes = [p for p in limerick_sample if p.row["kind"] == "minutes"]
    with_decisions = [p for p in minutes if any(c.decision for c in p.chunks)]
    assert len(with_decisions) >= 0.6 * len(minutes)
    movers = [c.decision.mover for p in minutes for c in p.chunks if c.decision and c.decision.mover]
    assert movers
    named = sum(bool(re.match(r"(?:Councillor|Cmhlr|Mayor|Mr|Mrs|Ms|Dr)\b", m)) for m in movers)
    assert named >= 0.95 * len(movers)
