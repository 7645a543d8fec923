"""The page's handlers as plain functions, on the tiny corpus with the fake encoder."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr
import pytest

from assistant import Assistant, Conversation, PageUser, Settings
from ui.app import (
    NO_SOURCE,
    PENDING,
    build_app,
    messages,
    new_conversation,
    page_filters,
    pending,
    refresh,
    respond,
    show_source,
    upload,
)

if TYPE_CHECKING:
    from conftest import FakeEmbedder

RENTS = "What did the committee resolve about allotment rents?"
NO_FILTERS: tuple[str | None, ...] = ("Any council", "Any body", "", "", "Any type")
OFFICER = PageUser("clerk", "officer", may_upload=True)


@pytest.fixture
def ui_index(tiny_index: tuple[Settings, FakeEmbedder], fake_model: FakeEmbedder) -> Assistant:
    """The tiny index opened as the page opens it."""
    settings, _ = tiny_index
    return Assistant(settings)


def ask(page: Assistant, message: str, conv: Conversation | None = None, *filters: str | None) -> Any:
    return respond(message, conv, *(filters or NO_FILTERS), page)  # type: ignore[arg-type]


def test_respond_returns_the_chat_with_a_cited_answer_and_its_sources(ui_index: Assistant) -> None:
    chat, conv, box, sources, panel = ask(ui_index, RENTS)
    assert box == "" and panel == NO_SOURCE
    assert [m["role"] for m in chat] == ["user", "assistant"]
    reply = chat[1]["content"]
    assert "£48" in reply
    prose, listed = reply.split("**Sources**")
    assert prose.strip().endswith("[1]")
    assert listed.strip().startswith("1. Parks Committee, 17 Jan 2024, item 2, para")
    assert isinstance(conv, Conversation) and len(conv.turns) == 1
    assert sources["choices"][0][0].startswith("[1] Parks Committee, 17 Jan 2024, item 2")
    assert sources["visible"] is True


def test_pending_shows_the_question_and_progress_at_once(ui_index: Assistant) -> None:
    _, conv, *_ = ask(ui_index, RENTS)
    shown = pending("who seconded it?", conv)
    assert shown[-2:] == [
        {"role": "user", "content": "who seconded it?"},
        {"role": "assistant", "content": PENDING},
    ]
    assert shown[:2] == messages(conv)


def test_a_follow_up_uses_this_sessions_turns(ui_index: Assistant) -> None:
    _, conv, *_ = ask(ui_index, RENTS)
    chat, conv, *_ = ask(ui_index, "who seconded it?", conv)
    follow = chat[-1]["content"]
    assert follow.startswith(
        "*Answering: Who seconded allotment rents on 17 January 2024 (Parks Committee)?*"
    )
    assert "seconded by Councillor Pym" in follow


def test_two_sessions_never_share_turns(ui_index: Assistant) -> None:
    _, first, *_ = ask(ui_index, RENTS)
    chat, second, *_ = ask(ui_index, "who seconded it?", None)  # another browser session: no state yet
    assert first is not second and len(first.turns) == 1 and len(second.turns) == 1
    assert not chat[-1]["content"].startswith("*Answering:")  # nothing to follow on from


def test_filters_are_applied_and_said(ui_index: Assistant) -> None:
    chat, *_ = ask(
        ui_index, RENTS, None, "Any council", "Parks Committee", "2023-01-01", "2023-12-31", "minutes"
    )
    reply = chat[-1]["content"]
    assert "Searched only: Parks Committee; 1 Jan 2023 to 31 Dec 2023; minutes" in reply
    assert "£48" not in reply  # the 2024 rents are outside the dates


def test_page_filters_read_the_controls() -> None:
    f = page_filters("Any council", "Any body", "", " ", "Any type")
    assert f.is_empty()
    f = page_filters("Fernley Town Council", "Parks Committee", "2024-01-01", "2024-12-31", "report")
    assert (f.council, f.body, str(f.since), str(f.until), f.doc_type) == (
        "Fernley Town Council",
        "Parks Committee",
        "2024-01-01",
        "2024-12-31",
        "report",
    )


@pytest.mark.parametrize(
    ("since", "until", "message"),
    [
        ("14/03/2024", "", "'From' must be a date written YYYY-MM-DD"),
        ("2024-05-01", "2024-01-01", "is after"),
    ],
)
def test_bad_dates_are_messages(since: str, until: str, message: str) -> None:
    with pytest.raises(gr.Error, match=message):
        page_filters(None, None, since, until, None)


def test_show_source_highlights_the_cited_paragraph_with_a_download_link(ui_index: Assistant) -> None:
    _, conv, *_ = ask(ui_index, RENTS)
    html = show_source("0", conv, ui_index)
    assert "<mark>" in html and "£48" in html
    assert 'href="source/' in html and "?download=1" in html
    assert "2. Allotment Rents" in html  # the agenda item
    assert show_source(None, conv, ui_index) == NO_SOURCE
    assert show_source("9", conv, ui_index) == NO_SOURCE
    assert show_source("0", None, ui_index) == NO_SOURCE


def test_respond_refusal_lists_related(ui_index: Assistant) -> None:
    chat, conv, _, sources, _ = ask(ui_index, "What is the policy on parking enforcement fines?")
    assert chat[-1]["content"].startswith("I couldn't find this in the records.")
    assert all(label.startswith("Related, not an answer") for label, _ in sources["choices"])


@pytest.mark.parametrize("message", ["", "   ", "\n"])
def test_empty_message_raises_gr_error(settings: Settings, fake_model: FakeEmbedder, message: str) -> None:
    with pytest.raises(gr.Error, match="Please type a question"):
        ask(Assistant(settings), message)
    assert fake_model.calls == 0


def test_assistant_errors_become_gr_errors(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant import IndexMissingError

    def broken(*args: object, **kwargs: object) -> None:
        raise IndexMissingError("No index at /nowhere. Run: councilqa ingest PATH")

    page = Assistant(settings)
    monkeypatch.setattr(page, "ask", broken)
    with pytest.raises(gr.Error, match="No index at /nowhere"):
        ask(page, "Anything?")


def test_new_conversation_forgets_the_turns() -> None:
    conv, chat, sources, panel = new_conversation()
    assert conv is None and chat == [] and sources["choices"] == [] and panel == NO_SOURCE


def test_refresh_reports_what_is_indexed(ui_index: Assistant) -> None:
    line, table, bodies, councils = refresh(ui_index)
    assert "2 documents of Fernley Town Council" in line
    assert "| Bodies | Parks Committee |" in table and "| Last ingest |" in table
    assert bodies["choices"] == ["Any body", "Parks Committee"]
    assert councils["visible"] is False  # one council: no council filter


def test_upload_ingests_and_reports_each_failure(
    ui_index: Assistant, tmp_path: Path, tiny_corpus: Path
) -> None:
    good = tmp_path / "incoming" / "2024-03-20_parks-committee_minutes.txt"
    good.parent.mkdir()
    good.write_text(
        "FERNLEY TOWN COUNCIL\n\nMinutes of the meeting of the Parks Committee held on 20 March 2024.\n\n"
        "1. Bandstand\n\nRESOLVED: That the bandstand be repainted green at a cost of £2,400.\n",
        encoding="utf-8",
    )
    bad = tmp_path / "incoming" / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 not really a pdf")
    seen: list[tuple[Any, ...]] = []
    report, line, table, bodies, _ = upload(
        [str(good), str(bad)], ui_index, lambda *a, **k: seen.append(a), OFFICER
    )
    assert report.startswith("Added 1 file(s)") and "1 failed" in report
    assert "failed: broken.pdf" in report
    assert "3 documents" in line and len(seen) == 2
    kept = ui_index.settings.data_dir / "uploads" / good.name
    assert kept.read_bytes() == good.read_bytes()  # kept, so its citations can reopen it
    chat, *_ = ask(ui_index, "What colour will the bandstand be repainted?")
    assert "green" in chat[-1]["content"]


def test_upload_without_files_is_a_message(ui_index: Assistant) -> None:
    with pytest.raises(gr.Error, match="Choose one or more files"):
        upload([], ui_index, user=OFFICER)


def test_upload_is_refused_to_a_user_who_may_not_upload(ui_index: Assistant, tiny_corpus: Path) -> None:
    files = [str(p) for p in sorted(tiny_corpus.iterdir())]
    for user in (None, PageUser("cllr", "member"), PageUser("resident", "public")):
        with pytest.raises(gr.Error, match="Only officers may add records"):
            upload(files, ui_index, user=user)  # None: the page's settings, where uploads are off
    assert not (ui_index.settings.data_dir / "uploads").exists()


def test_the_page_builds_with_and_without_uploads(ui_index: Assistant) -> None:
    demo = build_app(ui_index)
    labels = {getattr(b, "label", None) for b in demo.blocks.values()}
    assert {"Your question", "Body", "From (YYYY-MM-DD)", "Document type", "Conversation"} <= labels
    assert "Files to add (PDF, Word, HTML, Markdown, text)" not in labels
    page = ui_index.settings.page.model_copy(update={"uploads": True})
    officer = Assistant(ui_index.settings.model_copy(update={"page": page}))
    labels = {getattr(b, "label", None) for b in build_app(officer).blocks.values()}
    assert "Files to add (PDF, Word, HTML, Markdown, text)" in labels


def test_the_ui_keeps_no_process_wide_conversation_table() -> None:
    import ui.app

    shared = [
        n
        for n, v in vars(ui.app).items()
        if isinstance(v, dict | list) and not n.isupper() and not n.startswith("__")
    ]
    assert shared == [], shared
