"""Access levels on real records, with the real model: the sample council's Part II items and the
seeds' "PART 1" / "PART I" markers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant import SAMPLE_COUNCIL, Assistant, Filters, Settings, answer_json
from index import SentenceTransformerEmbedder
from ingest import parse_meeting, read_document

pytestmark = pytest.mark.integration

# the Part II business added to the sample council, one file per format it is written in
PART_TWO = {
    "2024-01-18_cabinet_report-depot-road-disposal.pdf": {"", "1", "2", "3", "4"},  # "PART II" header
    "2024-01-18_cabinet_minutes-exempt.txt": {"", "8"},  # "CONFIDENTIAL – EXEMPT MINUTE"
    "2024-11-14_licensing-sub-committee_minutes.html": {"3", "4"},  # after the exclusion resolution
    "2024-01-18_cabinet_minutes.pdf": {"7", "8"},  # "PART II – EXEMPT ITEMS" inside item 7, then 8
    "2024-01-18_cabinet_agenda.html": {"7", "8"},
}
SECRETS = ("Ashcombe", "2,350,000", "Harlow Park", "WBC/PL/0417", "Karl Jessop", "door supervisors")


def _restricted_items(path: Path) -> set[str]:
    meeting = parse_meeting(read_document(path))
    return {i.number or "" for i in meeting.items if i.access == "restricted"}


def test_the_sample_councils_part_two_items_are_restricted_and_nothing_else() -> None:
    for path in sorted(SAMPLE_COUNCIL.iterdir()):
        if path.suffix in (".txt", ".md", ".html", ".pdf", ".docx"):
            assert _restricted_items(path) == PART_TWO.get(path.name, set()), path.name
    assert len({Path(n).suffix for n in PART_TWO}) >= 2


def test_the_seeds_part_one_markers_leave_them_public(seeds_dir: Path) -> None:
    seeds = seeds_dir  # the fixture skips, saying where it looked, when ../shared/data is absent
    texts = {p.name: p.read_text(encoding="utf-8", errors="replace") for p in sorted(seeds.glob("*.txt"))}
    marked = [n for n, t in texts.items() if "PART 1" in t or "PART I " in t]
    assert len(marked) >= 2, "the seeds' PART 1 / PART I markers"
    for name in texts:
        meeting = parse_meeting(read_document(seeds / name))
        assert meeting.access == "public", (name, meeting.restricted)


@pytest.mark.parametrize(
    "question",
    [
        "Who bought the land at Depot Road, and for how much?",
        "What was the highest bid for the former highways depot?",
        "What happened to the personal licence holder convicted of selling alcohol to a child?",
        "What conditions were put on The Crown in Market Street?",
    ],
)
def test_a_public_caller_of_the_sample_council_gets_no_trace_of_part_two(
    sample_council: Settings, real_embedder: SentenceTransformerEmbedder, question: str
) -> None:
    archive = Assistant(sample_council, real_embedder)
    public = archive.ask(question)
    shown = json.dumps(
        [answer_json(public), [r.model_dump(mode="json") for r in public.retrieved]], ensure_ascii=False
    )
    assert not [s for s in SECRETS if s in shown], question
    member = archive.ask(question, Filters(access="restricted"))
    assert any(c.access == "restricted" for c in member.citations) or member.refused


def test_a_member_gets_the_depot_road_sale_marked_restricted(
    sample_council: Settings, real_embedder: SentenceTransformerEmbedder
) -> None:
    answer = Assistant(sample_council, real_embedder).ask(
        "Who bought the land at Depot Road, and for how much?", Filters(access="restricted")
    )
    assert "Ashcombe" in answer.text and "2,350,000" in answer.text
    assert all(s["label"].endswith("(restricted)") for s in answer_json(answer)["sources"])
