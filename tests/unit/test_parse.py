from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assistant.settings import IngestSettings
from assistant.types import Meeting, RawDocument
from ingest import chunk_meeting, file_digest, parse_meeting, read_document, sentence_spans


def raw_doc(text: str, name: str = "doc.txt") -> RawDocument:
    return RawDocument(doc_id=file_digest(text.encode()), source=f"/records/{name}", format="txt", text=text)


def parse(text: str, name: str = "doc.txt") -> Meeting:
    return parse_meeting(raw_doc(text, name))


def items(meeting: Meeting) -> list[tuple[str | None, str | None]]:
    return [(item.number, item.title) for item in meeting.items]


def assert_paragraphs_reopen(meeting: Meeting) -> None:
    numbers = [p.number for item in meeting.items for p in item.paragraphs]
    assert numbers == list(range(1, len(numbers) + 1))
    for item in meeting.items:
        for p in item.paragraphs:
            assert meeting.text[p.char_start : p.char_end] == p.text
            assert p.text.strip() == p.text and p.text


# -- metadata -------------------------------------------------------------------------


def test_metadata_from_header() -> None:
    m = parse(
        "FERNLEY TOWN COUNCIL\n\nMinutes of the meeting of the Parks Committee held on Wednesday "
        "10 May 2023 at 7.00pm.\n\n1. Apologies\n\nNone."
    )
    assert (m.council, m.body, m.meeting_date, m.doc_type) == (
        "Fernley Town Council",
        "Parks Committee",
        date(2023, 5, 10),
        "minutes",
    )


@pytest.mark.parametrize(
    "header",
    [
        "Minutes of a meeting of the Council held on 3 February 2022.",
        "Minutes of the Annual Meeting of the Council held on 3 February 2022",
        "FERNLEY TOWN COUNCIL\n\nMinutes of the meeting of Fernley Town Council held on 3 February 2022",
    ],
)
def test_meeting_of_the_council_is_full_council(header: str) -> None:
    assert parse(header + "\n\n1. Budget\n\nAgreed.").body == "Full Council"


def test_header_date_wins_over_file_name() -> None:
    m = parse(
        "Minutes of the meeting of the Council held on 3 February 2022\n\nText.", "2021-05-01_council.txt"
    )
    assert m.meeting_date == date(2022, 2, 3)


def test_date_and_body_from_file_name() -> None:
    m = parse("1. Budget\n\nThe budget was agreed.", "2024-03-14_cabinet_minutes.txt")
    assert m.meeting_date == date(2024, 3, 14)
    assert m.body == "Cabinet"
    assert m.doc_type == "minutes"


@pytest.mark.parametrize(
    ("text", "name", "doc_type"),
    [
        ("Some text.", "2024-03-14_planning_agenda.txt", "agenda"),
        ("Some text.", "budget-report.pdf", "report"),
        ("Report to: Cabinet\n\nPurpose of Report\n\nTo set the budget.", "x.txt", "report"),
        ("Minutes of the Planning Committee\n\nText.", "x.txt", "minutes"),
        ("Present: Councillors Ashdown and Pym.\n\nText.", "x.txt", "minutes"),
        ("Some notes about things.", "notes.txt", None),
    ],
)
def test_doc_type(text: str, name: str, doc_type: str | None) -> None:
    assert parse(text, name).doc_type == doc_type


def test_unknown_metadata_stays_none() -> None:
    m = parse("Some notes about things.\n\nMore notes here.", "notes.txt")
    assert (m.council, m.body, m.meeting_date, m.doc_type) == (None, None, None, None)
    assert m.label == "notes.txt"


def test_report_to_names_the_body() -> None:
    assert parse("Report to: Cabinet\n\nPurpose of Report\n\nTo set the budget.").body == "Cabinet"


def test_letterhead_council_line_is_not_full_council() -> None:
    m = parse(
        "Fernley Town Council\n\nPlanning Committee\n\nThursday 14 March 2024\n\n"
        "5. Land at Mill Lane\n\nRefused."
    )
    assert m.body == "Planning Committee"


def test_one_word_body_line() -> None:
    assert (
        parse("Cabinet\n\nMinutes of the meeting held on 14 March 2024\n\n1. Budget\n\nAgreed.").body
        == "Cabinet"
    )


# -- agenda items and paragraphs ------------------------------------------------------


def test_items_numbers_and_titles() -> None:
    m = parse(
        "Fernley Town Council\n\n3a. First part\n\nText.\n\n3b. Second part\n\nMore.\n\n"
        "4 Planning Applications\n\nY.\n\nItem 5 – Highways\n\nZ.\n\n6) Any Other Business\n\nNone."
    )
    assert items(m) == [
        (None, None),
        ("3a", "First part"),
        ("3b", "Second part"),
        ("4", "Planning Applications"),
        ("5", "Highways"),
        ("6", "Any Other Business"),
    ]
    assert [i.label for i in m.items[1:3]] == ["3a. First part", "3b. Second part"]
    # headings are paragraphs of their item
    assert m.items[1].paragraphs[0].text == "3a. First part"
    assert_paragraphs_reopen(m)


def test_item_numbers_must_increase() -> None:
    m = parse(
        "4. Trees\n\nThe officer listed the works:\n\n1. Oak at Mill Lane\n2. Ash at the Green\n\n"
        "3. Back to an earlier number\n\nX.\n\n5. Any Other Business\n\nNone."
    )
    assert items(m) == [("4", "Trees"), ("5", "Any Other Business")]
    assert [p.text for p in m.items[0].paragraphs][2:] == [
        "1. Oak at Mill Lane",
        "2. Ash at the Green",
        "3. Back to an earlier number",
        "X.",
    ]
    assert_paragraphs_reopen(m)


def test_numbered_resolutions_inside_an_item_are_not_items() -> None:
    m = parse(
        "1. Budget\n\nRESOLVED:\n\n1. That the budget be approved; and\n2. That fees rise by 3%.\n\n"
        "2. Parking\n\nDeferred."
    )
    assert items(m) == [("1", "Budget"), ("2", "Parking")]


def test_date_line_is_not_an_agenda_item() -> None:
    m = parse(
        "Fernley Town Council\n\nMinutes of the Planning Committee\n\n14 March 2024\n\n"
        "1. Apologies\n\nNone.\n\n2. Land at Mill Lane\n\nRefused."
    )
    assert items(m) == [(None, None), ("1", "Apologies"), ("2", "Land at Mill Lane")]


def test_moderngov_agenda_item_pages() -> None:
    m = parse(
        "Agenda item\n\nCar Parking Charges\n\nThe report was noted.\n\n"
        "Agenda item\n\nLibrary Opening Hours\n\nOpening hours were extended."
    )
    titled = [(i.number, i.title) for i in m.items if i.title]
    assert titled == [(None, "Car Parking Charges"), (None, "Library Opening Hours")]
    assert m.items[-1].label == "Library Opening Hours"
    assert [p.text for p in m.items[-1].paragraphs] == [
        "Library Opening Hours",
        "Opening hours were extended.",
    ]
    assert_paragraphs_reopen(m)


def test_bullets_are_their_own_paragraphs() -> None:
    m = parse(
        "3. Parks\n\nThe following points were raised:\n- the fence is broken\n- the gate is broken\n"
        "• bins overflow\n(a) more bins are needed\n\nNoted."
    )
    assert [p.text for p in m.items[0].paragraphs] == [
        "3. Parks",
        "The following points were raised:",
        "- the fence is broken",
        "- the gate is broken",
        "• bins overflow",
        "(a) more bins are needed",
        "Noted.",
    ]
    assert_paragraphs_reopen(m)


def test_hard_wrapped_paragraph_ends_at_short_line() -> None:
    text = (
        "The Parks Officer reported that the wooden climbing frame at Riverside\n"
        "Park had failed its annual safety inspection and must be replaced soon.\n"
        "Three quotes were received.\n"
        "The lowest quote was from Greenplay Ltd, who had done good work for the\n"
        "council before and were recommended by officers.\n"
    )
    m = parse(text)
    paras = [p.text for p in m.items[0].paragraphs]
    assert len(paras) == 2
    assert paras[0].endswith("must be replaced soon.\nThree quotes were received.")
    assert paras[1].startswith("The lowest quote")
    assert_paragraphs_reopen(m)


def test_tiny_corpus_parses(tiny_corpus: Path) -> None:
    m = parse_meeting(read_document(tiny_corpus / "2023-05-10_parks-committee_minutes.txt"))
    assert (m.council, m.body, m.meeting_date, m.doc_type) == (
        "Fernley Town Council",
        "Parks Committee",
        date(2023, 5, 10),
        "minutes",
    )
    assert [i.label for i in m.items if i.number] == [
        "1. Apologies for Absence",
        "2. Declarations of Interest",
        "3. Minutes of the Previous Meeting",
        "4. Riverside Park Play Area",
        "5. Date of Next Meeting",
    ]
    assert_paragraphs_reopen(m)
    md = parse_meeting(read_document(tiny_corpus / "2024-01-17_parks-committee_minutes.md"))
    assert md.meeting_date == date(2024, 1, 17)
    assert [i.number for i in md.items if i.number] == ["1", "2", "3", "4"]


# -- chunking -------------------------------------------------------------------------


def _long_meeting() -> Meeting:
    sentence = "The committee discussed the condition of the play area at Riverside Park in detail. "
    long_para = (sentence * 12).strip()
    return parse(f"1. Play Area\n\n{long_para}\n\nRESOLVED: That it be replaced.\n\n2. Trees\n\n{long_para}")


def test_chunks_reopen_and_respect_items() -> None:
    m = _long_meeting()
    chunks = chunk_meeting(m, IngestSettings(max_chunk_chars=300))
    spans = {(item.label, p.number): (p.char_start, p.char_end) for item in m.items for p in item.paragraphs}
    for chunk in chunks:
        c = chunk.citation
        assert m.text[c.char_start : c.char_end] == chunk.text
        start, end = spans[(c.agenda_item, c.paragraph)]  # never crosses a paragraph, so never an item
        assert start <= c.char_start < c.char_end <= end
        assert chunk.context.endswith(c.agenda_item or "")
        assert (c.doc_id, c.source) == (m.doc_id, m.source)


def test_long_paragraphs_split_at_sentence_ends() -> None:
    m = _long_meeting()
    chunks = chunk_meeting(m, IngestSettings(max_chunk_chars=300))
    long_chunks = [c for c in chunks if c.citation.paragraph == 2]
    assert len(long_chunks) > 1
    for chunk in long_chunks:
        assert len(chunk.text) <= 300
        assert chunk.text.startswith("The committee") and chunk.text.endswith("detail.")
    assert [c.id.rsplit(":", 1)[1] for c in long_chunks] == [str(i) for i in range(len(long_chunks))]
    # nothing is lost: the pieces cover every sentence of the paragraph
    para = m.items[0].paragraphs[1]
    assert sum(c.text.count("detail.") for c in long_chunks) == para.text.count("detail.")


def test_short_paragraphs_are_one_chunk_each() -> None:
    m = _long_meeting()
    chunks = chunk_meeting(m, IngestSettings(max_chunk_chars=5000))
    numbers = [c.citation.paragraph for c in chunks]
    assert len(numbers) == len(set(numbers))  # one chunk per paragraph
    body = [p for i in m.items for p in i.paragraphs if p.text != i.label]  # headings may go in context
    assert {p.number for p in body} <= set(numbers)
    assert all(c.text == m.text[c.citation.char_start : c.citation.char_end] for c in chunks)


def test_chunk_ids_are_stable(tiny_corpus: Path) -> None:
    path = tiny_corpus / "2023-05-10_parks-committee_minutes.txt"
    first = chunk_meeting(parse_meeting(read_document(path)), IngestSettings())
    second = chunk_meeting(parse_meeting(read_document(path)), IngestSettings())
    assert [c.id for c in first] == [c.id for c in second]
    assert len({c.id for c in first}) == len(first)
    assert first == second


def test_sentence_spans() -> None:
    text = "First one. Second “quoted” one! £5 was paid. e.g. not split"
    spans = sentence_spans(text, offset=10)
    assert [text[s - 10 : e - 10] for s, e in spans] == [
        "First one.",
        "Second “quoted” one!",
        "£5 was paid. e.g. not split",
    ]


# -- real council records (../shared/data/seeds) --------------------------------------


@pytest.mark.shared
def test_every_seed_chunk_reopens(seeds_dir: Path) -> None:
    seeds = sorted(seeds_dir.glob("*.txt"))
    assert seeds
    for path in seeds:
        raw = read_document(path)
        m = parse_meeting(raw)
        assert_paragraphs_reopen(m)
        chunks = chunk_meeting(m, IngestSettings())
        assert chunks, path.name
        for chunk in chunks:
            assert raw.text[chunk.citation.char_start : chunk.citation.char_end] == chunk.text, chunk.id
