"""Access levels read at ingest: markers in the text, the sidecar's word, and chunks that never mix."""

from __future__ import annotations

import json
from pathlib import Path

from assistant import Settings
from assistant.types import Meeting, RawDocument
from ingest import chunk_meeting, parse_meeting, read_document
from ingest.sidecar import load_sidecar

EXEMPT = Path(__file__).resolve().parents[1] / "data" / "exempt"


def _meeting(text: str, meta: dict[str, str] | None = None) -> Meeting:
    raw = RawDocument(doc_id="d1", source="x_minutes.txt", format="txt", text=text, meta=meta or {})
    return parse_meeting(raw)


def _levels(meeting: Meeting) -> dict[str | None, str]:
    return {item.number: item.access for item in meeting.items}


MINUTES = """WENBURY BOROUGH COUNCIL

Minutes of the meeting of the Cabinet held on 1 May 2024 in Committee Room 1, Wenbury Town Hall

1. Apologies

There were no apologies.

2. Exclusion of the Press and Public

RESOLVED: That the press and public be excluded from the meeting for the following item on the grounds that it involves the likely disclosure of exempt information as defined in Paragraph 3 of Part 1 of Schedule 12A.

3. Sale of the Old Depot

The Cabinet agreed the sale of the old depot to Fennick Ltd for £1,000,000.

The press and public were readmitted to the meeting.

4. Date of Next Meeting

The next meeting would be held on 5 June 2024.
"""


def test_items_after_an_exclusion_are_restricted_until_the_public_is_readmitted() -> None:
    meeting = _meeting(MINUTES)
    assert _levels(meeting) == {
        None: "public",
        "1": "public",
        "2": "public",
        "3": "restricted",
        "4": "public",
    }
    (item3,) = [i for i in meeting.items if i.number == "3"]
    readmitted = item3.paragraphs[-1]
    # inside the restricted item it stays restricted: its citation would name the item
    assert readmitted.text.startswith("The press and public were readmitted")
    assert readmitted.access == "restricted"
    assert meeting.restricted == [
        "item 3. Sale of the Old Depot: after the exclusion of the press and public "
        "(item 2. Exclusion of the Press and Public)"
    ]


def test_a_part_two_heading_restricts_what_follows_until_part_one() -> None:
    text = (
        "PART I\n\n1. Minutes\n\nThe minutes were approved.\n\n2. Budget\n\nThe budget was noted.\n\n"
        "PART II – EXEMPT ITEMS\n\n3. Staffing Restructure\n\nThe restructure was agreed.\n\n"
        "PART I\n\n4. Any Other Business\n\nThere was none."
    )
    meeting = _meeting(text)
    levels = _levels(meeting)
    assert levels["1"] == "public" and levels["4"] == "public"
    assert levels["3"] == "restricted"
    # the PART II line sits in item 2: it and what follows are restricted, the budget is not
    (item2,) = [i for i in meeting.items if i.number == "2"]
    assert [p.access for p in item2.paragraphs] == ["public", "public", "restricted"]
    public = [c.text for c in chunk_meeting(meeting, Settings().ingest) if c.citation.access == "public"]
    assert any("budget was noted" in t for t in public) and not any("PART II" in t for t in public)


def test_legal_references_and_room_names_are_not_markers() -> None:
    text = (
        "1. Licensing Policy\n\nThe meeting was held in Committee Room 2. Under Part 2 of the Licensing Act "
        "2003 and Part 1 of Schedule 12A, the policy was reviewed, and it was exempt from the fee."
    )
    assert set(_levels(_meeting(text)).values()) == {"public"}


def test_a_marker_anywhere_in_an_item_restricts_the_whole_item() -> None:
    text = (
        "1. Pay Award\n\nThe Panel discussed the pay award.\n\nThe figures are confidential until agreed.\n\n"
        "2. Any Other Business\n\nThere was none."
    )
    meeting = _meeting(text)
    assert _levels(meeting) == {"1": "restricted", "2": "public"}
    assert all(p.access_reason == "'confidential' in this item" for p in meeting.items[0].paragraphs)


def test_a_marker_in_the_header_restricts_the_whole_document() -> None:
    meeting = parse_meeting(read_document(EXEMPT / "2024-05-01_housing-committee_report-larkspur-road.md"))
    assert meeting.access == "restricted"
    assert {i.access for i in meeting.items} == {"restricted"}
    assert all("'PART II' in the document's header" in line for line in meeting.restricted)


def test_in_committee_and_closed_session_open_a_private_part() -> None:
    for heading in ("IN COMMITTEE", "Closed session"):
        text = f"1. Minutes\n\nApproved.\n\n{heading}\n\n2. Land Matter\n\nThe land was discussed."
        assert _levels(_meeting(text)) == {"1": "restricted", "2": "restricted"}, heading


def test_the_sidecar_decides_for_a_file_or_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "published"
    folder.mkdir()
    (folder / "a_minutes.txt").write_text(MINUTES, encoding="utf-8")
    (folder / "b_minutes.txt").write_text("1. Minutes\n\nApproved.", encoding="utf-8")
    (tmp_path / "manifest.jsonl").write_text(
        json.dumps({"path": "published/", "access": "public"})
        + "\n"
        + json.dumps({"path": "published/b_minutes.txt", "access": "restricted"})
        + "\n",
        encoding="utf-8",
    )
    a = parse_meeting(
        read_document(folder / "a_minutes.txt").model_copy(
            update={"meta": load_sidecar(folder / "a_minutes.txt")}
        )
    )
    b = parse_meeting(
        read_document(folder / "b_minutes.txt").model_copy(
            update={"meta": load_sidecar(folder / "b_minutes.txt")}
        )
    )
    assert a.access == "public"  # the folder's word over the text's exclusion (published since)
    assert b.access == "restricted" and b.restricted == [
        "item 1. Minutes: marked restricted beside the file (sidecar)"
    ]
    (folder / "b_minutes.txt.meta.json").write_text('{"access": "nonsense"}', encoding="utf-8")
    assert load_sidecar(folder / "b_minutes.txt")["access"] == "restricted"  # an unknown level is ignored


def test_a_chunk_never_holds_public_and_restricted_paragraphs() -> None:
    meeting = _meeting(MINUTES)
    chunks = chunk_meeting(meeting, Settings().ingest)
    restricted = [c for c in chunks if c.citation.access == "restricted"]
    assert restricted and all("Fennick" in c.text or "Old Depot" in c.text for c in restricted)
    assert not any("Fennick" in c.text for c in chunks if c.citation.access == "public")
    assert not any(
        "Old Depot" in (c.citation.agenda_item or "") for c in chunks if c.citation.access == "public"
    )
    assert all(c.citation.label.endswith("(restricted)") for c in restricted)
