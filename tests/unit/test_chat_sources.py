"""One user's Conversation, sources reopened in their agenda item, the council filter, and what
the page shows of a record (always inert)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from assistant import (
    Answer,
    Assistant,
    Conversation,
    Filters,
    Settings,
    answer_json,
    answer_plain,
    describe_filters,
    source_html,
)

if TYPE_CHECKING:
    from conftest import FakeEmbedder

RENTS = "What did the committee resolve about allotment rents?"
HOSTILE = (
    "<script>fetch('http://127.0.0.1:9/x')</script> <img src=x onerror=\"alert(1)\"> "
    '[click](javascript:alert(2)) ![pixel](http://127.0.0.1:9/pixel.png) <a href="javascript:alert(3)">a</a>'
)


@pytest.fixture
def page(tiny_index: tuple[Settings, FakeEmbedder], fake_model: FakeEmbedder) -> Assistant:
    return Assistant(tiny_index[0])


def test_a_conversation_keeps_its_turns_with_citations_and_filters(page: Assistant) -> None:
    conv = Conversation()
    first = conv.ask(page, RENTS, Filters(body="Parks Committee"))
    assert conv.last is first and first.filters == Filters(body="Parks Committee")
    assert conv.turns[0].citations == first.citations and conv.turns[0].filters == first.filters
    follow = conv.ask(page, "who seconded it?")
    assert follow.resolved_question and "allotment rents" in follow.resolved_question
    assert follow.filters is not None and follow.filters.body == "Parks Committee"  # carried forward
    assert [label for label, _ in conv.sources()][0].startswith("[1] Parks Committee, 17 Jan 2024")
    assert conv.sources(0)[0][1] == first.sources[0][1]
    conv.clear()
    assert conv.last is None and conv.sources() == []


def test_a_conversation_keeps_at_most_its_last_turns(page: Assistant) -> None:
    conv = Conversation(max_turns=2)
    for _ in range(3):
        conv.ask(page, RENTS)
    assert len(conv.turns) == 2 and len(conv.answers) == 2


def test_a_source_reopens_in_its_agenda_item_with_the_quote_marked(page: Assistant) -> None:
    answer = page.ask(RENTS)
    citation = answer.sources[0][1]
    view = page.source(citation)
    assert view.item == "2. Allotment Rents" and view.label == citation.label
    assert view.file is not None and view.file.name == "2024-01-17_parks-committee_minutes.md"
    cited = [p for p in view.paragraphs if p.cited]
    assert len(cited) == 1 and cited[0].marks
    start, end = cited[0].marks[0]
    text = page.index.document_text(citation.doc_id)
    assert text is not None
    assert cited[0].text[start:end] == text[citation.char_start : citation.char_end]
    assert any("allotment rents had not been reviewed" in p.text for p in view.paragraphs if not p.cited)
    assert all("Tree Planting" not in p.text for p in view.paragraphs)  # another item


def test_a_pdf_source_links_to_its_page(
    settings: Settings, fake_embedder: FakeEmbedder, tmp_path: Path
) -> None:
    from fpdf import FPDF

    doc = FPDF()
    doc.set_font("Helvetica", size=12)
    pages = ["Fernley Town Council. Minutes of the Parks Committee, 20 March 2024."]
    pages += [
        f"{n}. Item {n}\n\nThe committee noted the report on item {n} at some length." for n in range(1, 4)
    ]
    for text in pages:
        doc.add_page()
        doc.multi_cell(0, 6, text)
    doc.add_page()
    doc.multi_cell(
        0,
        6,
        "4. Bandstand\n\nRESOLVED: That the bandstand be repainted green at a cost of £2,400.".replace(
            "£", "GBP "
        ),
    )
    pdf = tmp_path / "2024-03-20_parks-committee_minutes.pdf"
    pdf.write_bytes(bytes(doc.output()))
    page = Assistant(settings, fake_embedder)
    assert page.ingest([pdf]).ok
    answer = page.ask("What colour will the bandstand be repainted?")
    citation = answer.sources[0][1]
    assert citation.page == 5
    view = page.source(citation)
    html = source_html(view, f"source/{citation.doc_id}")
    assert view.media_type == "application/pdf"
    assert f'href="source/{citation.doc_id}#page=5"' in html and "Open the PDF at page 5" in html
    assert "?download=1" in html


def test_source_html_shows_a_hostile_record_as_text(page: Assistant, tmp_path: Path) -> None:
    bad = tmp_path / "2024-02-01_parks-committee_minutes.txt"
    bad.write_text(
        f"FERNLEY TOWN COUNCIL\n\nMinutes of the Parks Committee held on 1 February 2024.\n\n"
        f"1. Bandstand <b>{HOSTILE}</b>\n\nRESOLVED: That the bandstand be repainted. {HOSTILE}\n",
        encoding="utf-8",
    )
    assert page.ingest([bad]).ok
    answer = page.ask("What did the committee resolve about the bandstand?")
    assert not answer.refused
    html = source_html(page.source(answer.sources[0][1]), "source/x")
    for live in ("<script", "<img", '<a href="javascript', "<b>", 'onerror="'):
        assert live not in html
    assert "&lt;script&gt;" in html and "onerror=&quot;alert(1)&quot;" in html
    assert html.count("<a ") == 1  # only the page's own download link


def test_the_council_filter(page: Assistant, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "2024-01-17_parks-committee_minutes.txt").write_text(
        "ASHBY PARISH COUNCIL\n\nMinutes of the Parks Committee held on 17 January 2024.\n\n"
        "1. Allotment Rents\n\nRESOLVED: That allotment rents rise to £52 per plot per year.\n",
        encoding="utf-8",
    )
    assert page.ingest([other]).ok
    assert page.status().councils == ["Ashby Parish Council", "Fernley Town Council"]
    for council, figure in (("Ashby Parish Council", "£52"), ("Fernley Town Council", "£48")):
        answer = page.ask(RENTS, Filters(council=council))
        assert figure in answer.text, (council, answer.text)
        assert {c.council for c in answer.citations} == {council}
        assert answer.show_council  # two councils: labels name them


def test_status_counts_councils_and_the_last_ingest(page: Assistant) -> None:
    status = page.status()
    assert status.councils == ["Fernley Town Council"]
    assert status.last_ingest is not None and status.last_ingest.year >= 2025


def test_the_answer_says_which_filters_it_used(page: Assistant) -> None:
    answer = page.ask(RENTS, Filters(body="Parks Committee", since=date(2024, 1, 1), doc_type="minutes"))
    assert describe_filters(answer.filters) == "Parks Committee; from 1 Jan 2024; minutes"
    assert "Searched only: Parks Committee; from 1 Jan 2024; minutes" in answer_plain(answer)
    assert answer_json(answer)["filters"]["body"] == "Parks Committee"
    assert describe_filters(Filters()) is None
    assert "Searched only" not in answer_plain(Answer(question="q", text="t", filters=Filters()))


def test_uploads_keep_one_copy_per_content(page: Assistant, tmp_path: Path) -> None:
    first, second = tmp_path / "a" / "notes.txt", tmp_path / "b" / "notes.txt"
    for path, body in ((first, "one"), (second, "two")):
        path.parent.mkdir()
        path.write_text(f"Parks Committee, 3 March 2024.\n\n1. Item\n\nThe committee noted {body}.\n")
    page.ingest_uploads([first])
    page.ingest_uploads([first, second])
    kept = sorted(p.name for p in (page.settings.data_dir / "uploads").iterdir())
    assert kept == ["notes-2.txt", "notes.txt"]


def test_record_text_is_shown_inert_as_markdown() -> None:
    from assistant import escape_markdown

    shown = escape_markdown(
        "<script>x()</script> [a](javascript:y) ![i](http://h/i.png) *b* www.evil.example"
    )
    assert "<script>" not in shown and "](" not in shown.replace("\\](", "")
    assert shown.count("\\<") == 2 and "\\!\\[i\\]" in shown
    assert "http\\://h" in shown and "www\\.evil" in shown  # never auto-linked
