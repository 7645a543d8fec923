"""A merged chunk still cites the exact paragraph (and page) each of its sentences comes from."""

from __future__ import annotations

from assistant.settings import IngestSettings
from assistant.types import Chunk, RawDocument
from index.metadata import chunk_from_record, chunk_metadata, parse_parts, parts_metadata
from ingest import chunk_meeting, file_digest, parse_meeting

TEXT = """FERNLEY TOWN COUNCIL

Minutes of the meeting of the Parks Committee held on 17 January 2024.

1. Allotment Rents

Rents were last reviewed in 2019.

The society was consulted.

RESOLVED: That rents rise to £48 per plot.
"""


def merged_chunk() -> tuple[str, Chunk]:
    raw = RawDocument(doc_id=file_digest(TEXT.encode()), source="/r/parks.txt", format="txt", text=TEXT)
    meeting = parse_meeting(raw)
    chunks = chunk_meeting(meeting, IngestSettings(min_chunk_chars=300))
    item = [c for c in chunks if "£48" in c.text]
    assert len(item) == 1 and item[0].later_paragraphs, [c.text for c in chunks]
    return meeting.text, item[0]


def test_sentences_of_a_merged_chunk_cite_their_own_paragraph() -> None:
    text, chunk = merged_chunk()
    paragraphs = {
        p.number: p
        for item in parse_meeting(
            RawDocument(doc_id="x", source="/r/parks.txt", format="txt", text=TEXT)
        ).items
        for p in item.paragraphs
    }
    start = chunk.text.index("RESOLVED")
    citation = chunk.cite(start, len(chunk.text))
    assert text[citation.char_start : citation.char_end] == chunk.text[start:]
    own = paragraphs[citation.paragraph]
    assert own.char_start <= citation.char_start < own.char_end  # the paragraph that holds it
    assert citation.paragraph > chunk.citation.paragraph
    first = chunk.cite(0, 10)
    assert first.paragraph == chunk.citation.paragraph


def test_paragraph_parts_survive_chroma_metadata() -> None:
    _, chunk = merged_chunk()
    meta = chunk_metadata(chunk)
    back = chunk_from_record(chunk.id, chunk.text, dict(meta))
    assert back.later_paragraphs == chunk.later_paragraphs
    assert back.cite(5, 9) == chunk.cite(5, 9)


def test_a_run_on_line_without_full_stops_is_cut_at_spaces() -> None:
    line = " ".join(f"word{i}" for i in range(3000))  # about 26,000 characters, no sentence end
    text = f"FERNLEY TOWN COUNCIL\n\n1. Allotment Rents\n\n{line}\n"
    raw = RawDocument(doc_id="run-on", source="/r/run-on.txt", format="txt", text=text)
    meeting = parse_meeting(raw)
    chunks = chunk_meeting(meeting, IngestSettings())
    assert len(chunks) > 10
    assert all(len(c.text) <= 1200 for c in chunks)
    for c in chunks:
        assert meeting.text[c.citation.char_start : c.citation.char_end] == c.text
        assert c.text == c.text.strip()
    pieces = [c.text for c in chunks if c.text.startswith("word")]
    assert " ".join(pieces) == line  # nothing lost, nothing repeated


REPORT = """WENBURY BOROUGH COUNCIL

AGENDA ITEM: 6

REPORT TO: Cabinet

DATE OF MEETING: 18 January 2024

SUBJECT: Mill Lane Cycle Lane – Final Business Case and Contract Award

1. Purpose of Report

1.1 This report seeks approval of the scheme.

2. Recommendations

2.1 That Cabinet approves the scheme at a total cost of £1.38 million.

2.2 That the scheme be funded by the Active Travel Fund grant of £1,050,000.

3. Background

3.1 The scheme provides a 1.4 km cycle track.

2.5 km of footway will also be resurfaced.
"""


def report_chunks() -> list[Chunk]:
    raw = RawDocument(
        doc_id="rep", source="/r/2024-01-18_cabinet_report-mill-lane.txt", format="txt", text=REPORT
    )
    return chunk_meeting(parse_meeting(raw), IngestSettings(min_chunk_chars=1))


def test_report_citations_use_its_own_numbers_and_agenda_item() -> None:
    by_text = {c.text[:3]: c.citation for c in report_chunks()}
    c = by_text["2.2"]
    assert (c.para_number, c.item_paragraph, c.meeting_item) == ("2.2", 2, "6")
    assert c.title == "Mill Lane Cycle Lane – Final Business Case and Contract Award"
    assert c.label == "Cabinet, 18 Jan 2024, report 'Mill Lane Cycle Lane' (item 6), para 2.2"
    assert c.paragraph == 10  # the ordinal (and chunk id) still counts every block, headings too
    # "2.5 km" in section 3 is a measure, not paragraph 2.5: it is the 2nd paragraph of section 3
    measure = by_text["2.5"]
    assert (measure.para_number, measure.item_paragraph) == (None, 2)
    assert measure.label == "Cabinet, 18 Jan 2024, report 'Mill Lane Cycle Lane' (item 6), section 3, para 2"


def test_minutes_paragraphs_count_within_their_item_without_headings() -> None:
    _, chunk = merged_chunk()
    c = chunk.citation
    assert c.agenda_item == "1. Allotment Rents" and c.item_paragraph == 1
    assert c.label == "Parks Committee, 17 Jan 2024, item 1, para 1"
    last = chunk.cite(chunk.text.index("RESOLVED"), len(chunk.text))
    assert last.item_paragraph == 3 and last.label == "Parks Committee, 17 Jan 2024, item 1, para 3"


def test_parts_metadata_keeps_the_numbering_and_reads_old_entries() -> None:
    _, chunk = merged_chunk()
    back = parse_parts(parts_metadata(chunk.later_paragraphs))
    assert back == chunk.later_paragraphs and all(p[3] is not None for p in back)
    assert parse_parts("120:14:2;260:15:") == [(120, 14, 2, None, None), (260, 15, None, None, None)]


def test_list_items_keep_their_lead_in() -> None:
    text = (
        "Minutes of the meeting of the Cabinet held on 17 January 2024.\n\n5. Savings\n\n"
        + "Councillor Okafor presented the savings proposals, which had been the subject of consultation "
        "over the autumn with residents, businesses and the voluntary sector. The proposals are:\n\n"
        + "\n\n".join(
            f"• Saving number {n} from the review of services in the borough: £{n}00,000" for n in range(1, 9)
        )
    )
    raw = RawDocument(doc_id="list", source="/r/cabinet.txt", format="txt", text=text)
    chunks = [c for c in chunk_meeting(parse_meeting(raw), IngestSettings()) if c.text.startswith("•")]
    assert chunks and all(c.context.endswith("The proposals are:") for c in chunks)
