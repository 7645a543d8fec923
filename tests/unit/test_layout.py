"""Paragraphs rebuilt from PDF-extracted lines; page furniture out, page numbers kept on citations."""

from __future__ import annotations

from pathlib import Path

from assistant.settings import IngestSettings
from ingest import chunk_meeting, parse_meeting, read_document, sentence_spans
from ingest.layout import Line, rebuild_text

WRAPPED = [
    "MINUTES OF PROCEEDINGS AT MEETING OF THE FERNLEY",
    "TOWN",
    "COUNCIL",
    "HELD IN THE TOWN HALL ON MONDAY, 4TH MARCH, 2024, AT",
    "7PM.",
    "PRESENT IN THE CHAIR: Councillor A. Ashdown.",
    "1.",
    "Adoption of Minutes",
    "Circulated, copy of the draft Minutes of the meeting of the Council held on 5th",
    "February, 2024, which were taken as read and signed by the Chair.",
    "Proposed by Councillor Pym;",
    "Seconded by Councillor Quill;",
    "And Resolved:",
    "“That the draft Minutes, as circulated, be taken as read and adopted.”",
    "2.",
    "Riverside Park",
    "(a)",
    "Play Area",
    "The Parks Officer reported that the wooden climbing frame at Riverside Park had",
    "failed its annual safety inspection and would be replaced in the spring.",
    "•",
    "Three quotes were received.",
    "• The lowest was from Greenplay Ltd.",
]


def double_spaced(lines: list[str]) -> str:
    """PDF text as some extractors write it: a blank line after every line."""
    return "\n\n".join(lines) + "\n"


def paragraphs(text: str) -> list[str]:
    return text.split("\n\n")


def test_double_spaced_wrapped_lines_become_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "minutes.txt"
    path.write_text(double_spaced(WRAPPED), encoding="utf-8")
    raw = read_document(path)
    assert paragraphs(raw.text) == [
        "MINUTES OF PROCEEDINGS AT MEETING OF THE FERNLEY TOWN COUNCIL HELD IN THE TOWN HALL ON MONDAY, "
        "4TH MARCH, 2024, AT 7PM.",
        "PRESENT IN THE CHAIR: Councillor A. Ashdown.",
        "1. Adoption of Minutes",
        "Circulated, copy of the draft Minutes of the meeting of the Council held on 5th February, 2024, "
        "which were taken as read and signed by the Chair.",
        "Proposed by Councillor Pym;",
        "Seconded by Councillor Quill;",
        "And Resolved:",
        "“That the draft Minutes, as circulated, be taken as read and adopted.”",
        "2. Riverside Park",
        "(a) Play Area",
        "The Parks Officer reported that the wooden climbing frame at Riverside Park had failed its annual "
        "safety inspection and would be replaced in the spring.",
        "• Three quotes were received.",
        "• The lowest was from Greenplay Ltd.",
    ]


def test_rebuilt_items_sub_items_and_decision(tmp_path: Path) -> None:
    path = tmp_path / "minutes.txt"
    path.write_text(double_spaced(WRAPPED), encoding="utf-8")
    m = parse_meeting(read_document(path))
    assert [(i.number, i.title) for i in m.items if i.number] == [
        ("1", "Adoption of Minutes"),
        ("2", "Riverside Park"),
        ("2a", "Play Area"),
    ]
    assert m.body == "Full Council" and m.council == "Fernley Town Council"
    assert m.meeting_date is not None and m.meeting_date.isoformat() == "2024-03-04"
    decided = [c for c in chunk_meeting(m, IngestSettings()) if c.decision is not None]
    assert decided and decided[0].citation.agenda_item == "1. Adoption of Minutes"
    d = decided[0].decision
    assert d is not None
    assert (d.kind, d.mover, d.seconder, d.outcome) == (
        "resolution",
        "Councillor Pym",
        "Councillor Quill",
        "agreed",
    )


def test_single_spaced_blank_lines_still_end_paragraphs() -> None:
    opening = [Line("Fernley Town Council"), Line("Parks Committee"), Line("Minutes")]
    pages = [
        [
            *opening,
            Line("The report was noted by the committee and", blank_before=True),
            Line("referred to the Cabinet.", blank_before=False),
            Line("Members asked about the cost of an", blank_before=True),
            Line("environment which was costly.", blank_before=True),  # a blank mid-sentence is an artefact
            Line("Noted.", blank_before=True),
        ]
    ]
    text, starts = rebuild_text(pages)
    assert paragraphs(text)[-3:] == [
        "The report was noted by the committee and referred to the Cabinet.",
        "Members asked about the cost of an environment which was costly.",
        "Noted.",
    ]
    assert starts == [0]


PAGED_MD = """[Original file](https://example.org/minutes.pdf)

---
FERNLEY TOWN COUNCIL PLANNING COMMITTEE

1. Apologies

Apologies were received from Councillor Pym. The committee noted the apologies and the Chair

---
2

FERNLEY TOWN COUNCIL PLANNING COMMITTEE

welcomed the new clerk to her first meeting.

2. Land at Mill Lane

The application was refused.

---
*<small>Scanned page, text may contain errors. See original file for clarity</small>*

3

FERNLEY TOWN COUNCIL PLANNING COMMITTEE

3. Any Other Business

None.
"""


def test_paged_markdown_drops_furniture_and_keeps_page_numbers(tmp_path: Path) -> None:
    path = tmp_path / "minutes.md"
    path.write_text(PAGED_MD, encoding="utf-8")
    raw = read_document(path)
    for junk in ("Original file", "Scanned page", "---", "<small>"):
        assert junk not in raw.text
    # the running header is dropped from pages 2 and 3 and kept once, where it opens the document
    assert raw.text.count("FERNLEY TOWN COUNCIL PLANNING COMMITTEE") == 0
    assert "\n\n2\n\n" not in raw.text and not raw.text.startswith("2")
    assert len(raw.page_starts) == 3
    # a paragraph running over the page break is one paragraph, cited at the page it starts on
    para = next(p for p in paragraphs(raw.text) if p.startswith("Apologies"))
    assert para.endswith("the Chair welcomed the new clerk to her first meeting.")
    m = parse_meeting(raw)
    by_title = {i.title: i for i in m.items}
    assert by_title["Apologies"].paragraphs[1].page == 1
    assert by_title["Land at Mill Lane"].paragraphs[0].page == 2
    assert by_title["Any Other Business"].paragraphs[0].page == 3
    for chunk in chunk_meeting(m, IngestSettings()):
        assert raw.text[chunk.citation.char_start : chunk.citation.char_end] == chunk.text
        assert chunk.citation.page == raw.page_at(chunk.citation.char_start)


def test_symbol_font_bullets_read_as_bullets(tmp_path: Path) -> None:
    path = tmp_path / "minutes.txt"
    path.write_text(
        "The following points were made:\n\x01 the fence is broken\n\uf0b7 the gate is broken\n",
        encoding="utf-8",
    )
    assert paragraphs(read_document(path).text) == [
        "The following points were made:",
        "• the fence is broken",
        "• the gate is broken",
    ]


def test_rebuild_is_deterministic(tmp_path: Path) -> None:
    path = tmp_path / "minutes.txt"
    path.write_text(double_spaced(WRAPPED), encoding="utf-8")
    first = chunk_meeting(parse_meeting(read_document(path)), IngestSettings())
    second = chunk_meeting(parse_meeting(read_document(path)), IngestSettings())
    assert [(c.id, c.citation.paragraph, c.text) for c in first] == [
        (c.id, c.citation.paragraph, c.text) for c in second
    ]


def _pdf_pages(pages: list[list[str]], header: str | None = None, footer: str | None = None) -> bytes:
    """A PDF with one page per list of lines, and a running header and footer ("{page}" and
    "{pages}" filled in) on every page."""
    from fpdf import FPDF

    class Paged(FPDF):
        def header(self) -> None:
            if header:
                self.set_font("Helvetica", size=9)
                self.cell(0, 6, header.format(page=self.page_no(), pages=len(pages)))
                self.ln(10)

        def footer(self) -> None:
            if footer:
                self.set_y(-15)
                self.set_font("Helvetica", size=9)
                self.cell(0, 6, footer.format(page=self.page_no(), pages=len(pages)))

    doc = Paged()
    doc.set_auto_page_break(False)
    for lines in pages:
        doc.add_page()
        doc.set_font("Helvetica", size=11)
        for line in lines:
            if line:
                doc.cell(0, 6, line)
            doc.ln(6)
    return bytes(doc.output())


def test_sentences_run_on_over_pdf_page_breaks(tmp_path: Path) -> None:
    filler = "Councillor Okafor presented the report on the budget for the coming year."
    page_one = [
        "Minutes of the meeting of the Cabinet held on 18 January 2024",
        "",
        "5. Budget 2024/25",
        "",
        *[filler] * 5,
        "",
        "RESOLVED: That Council be recommended to approve a Band D council tax of £235.03",
        "(an increase of",
    ]
    page_two = [
        "2.99%).",
        "",
        "The motion was proposed by Councillor Okafor and seconded by Councillor Priya",
    ]
    page_three = [
        "Natarajan, Leader of the Council.",
        "",
        "6. Savings Proposals",
        "",
        "The savings proposals are:",
    ]
    page_four = ["- Re-procurement of the waste contract: £620,000", "- Car parking income: £310,000"]
    path = tmp_path / "cabinet_minutes.pdf"
    path.write_bytes(
        _pdf_pages([page_one, page_two, page_three, page_four], "Cabinet 18 January 2024", "Page {page}")
    )
    raw = read_document(path)
    paras = paragraphs(raw.text)
    assert (
        "RESOLVED: That Council be recommended to approve a Band D council tax of £235.03 (an increase of 2.99%)."
        in paras
    )
    assert (
        "The motion was proposed by Councillor Okafor and seconded by Councillor Priya Natarajan, Leader of the Council."
        in paras
    )
    # a heading after a page break and the list continued on the next page stay as they were
    assert "6. Savings Proposals" in paras
    i = paras.index("The savings proposals are:")
    assert paras[i + 1 : i + 3] == [
        "- Re-procurement of the waste contract: £620,000",
        "- Car parking income: £310,000",
    ]
    assert "Cabinet 18 January 2024" not in raw.text and "Page " not in raw.text
    sentences = [raw.text[s:e] for s, e in sentence_spans(raw.text)]
    assert "(an increase of 2.99%)." in next(s for s in sentences if "£235.03" in s)
    m = parse_meeting(raw)
    chunks = chunk_meeting(m, IngestSettings())
    resolved = next(c for c in chunks if "£235.03" in c.text)
    assert "2.99%)." in resolved.text and resolved.citation.page == 1


def test_long_pdf_keeps_lines_that_open_every_page(tmp_path: Path) -> None:
    # every page opens with a different item whose numbers follow the page numbers
    pages = [
        [
            f"Item {n}. Planning application {n}/00{n} at Mill Lane",
            f"The committee considered report number {n} on the application.",
            "",
            "The officer recommended approval subject to conditions, which the committee agreed.",
            f"Reference {n}",
        ]
        for n in range(1, 66)
    ]
    path = tmp_path / "planning_minutes.pdf"
    path.write_bytes(
        _pdf_pages(pages, header="Fernley Town Council Planning Committee 4 March 2024", footer="{page}")
    )
    raw = read_document(path)
    for n in range(1, 66):
        assert f"Item {n}. Planning application {n}/00{n} at Mill Lane" in raw.text
        assert f"The committee considered report number {n} on the application." in raw.text
        assert f"Reference {n}" in raw.text
    assert "Fernley Town Council Planning Committee" not in raw.text
    assert len(raw.page_starts) == 65
    assert not any(p.strip().isdigit() for p in paragraphs(raw.text))  # page numbers out


def test_furniture_needs_most_pages_and_folds_only_page_numbers() -> None:
    def page(first: str, n: int) -> list[Line]:
        return [
            Line(first),
            Line(f"Body text of page {n} which is long enough to be text."),
            Line(f"- {n} -"),
        ]

    # a line at the top of 2 of 5 pages is not furniture
    pages = [page("Cabinet 18 January 2024" if n < 3 else f"Heading {n}", n) for n in range(1, 6)]
    text, _ = rebuild_text(pages)
    assert text.count("Cabinet 18 January 2024") == 2
    # a header with its page number is furniture on most pages
    pages = [page(f"Cabinet minutes | {n}", n) for n in range(1, 6)]
    text, _ = rebuild_text(pages)
    assert "Cabinet minutes" not in text and "- 3 -" not in text
    # an item marker alone on the top line of a page is not a page number
    pages = [[Line("Some text of the meeting that ran on."), Line("2")] for _ in range(1)]
    pages += [[Line("6"), Line("Planning Application"), Line("The application was refused.")]]
    text, _ = rebuild_text(pages)
    assert "6 Planning Application" in text or "6\n\nPlanning Application" in text


def test_two_thousand_pages_each_opening_with_its_own_item() -> None:
    # issue 15: in a 2,000-page PDF the first two lines of every page were dropped as headers
    pages = [
        [
            Line("Fernley Town Council Planning Committee 4 March 2024"),
            Line(f"Item {n}. Planning application {n}/00{n} at Mill Lane"),
            Line(f"The committee considered report number {n} on the application."),
            Line("The officer recommended approval, which the committee agreed.", blank_before=True),
            Line(f"Page {n} of 2000"),
        ]
        for n in range(1, 2001)
    ]
    text, starts = rebuild_text(pages)
    assert len(starts) == 2000
    for n in range(1, 2001):
        assert f"Item {n}. Planning application {n}/00{n} at Mill Lane" in text
        assert f"The committee considered report number {n} on the application." in text
    assert "Fernley Town Council" not in text and "of 2000" not in text
