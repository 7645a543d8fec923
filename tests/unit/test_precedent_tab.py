"""The page's Precedent tab handlers as plain functions, on the tiny corpus plus a meeting with an
exempt item, with the fake encoder."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import docx
import gradio as gr
import pytest

from assistant import Assistant, Settings, ingest_paths, precedent_table
from ui.app import build_app
from ui.precedent_tab import NO_ROW, search_precedent, show_decision_source

if TYPE_CHECKING:
    from conftest import FakeEmbedder

MARCH = """FERNLEY TOWN COUNCIL

Minutes of the meeting of the Parks Committee held on 20 March 2024.

1. Allotment Rents Review

It was proposed by Councillor Ashdown and seconded by Councillor Okafor that the rise in allotment rents agreed on 17 January 2024 be deferred. The motion was carried by 4 votes to 1.

RESOLVED: That the rise in allotment rents agreed on 17 January 2024 be deferred to 1 April 2025.

2. Exclusion of the Press and Public

RESOLVED: That the press and public be excluded for the next item of business, as it involves exempt information.

3. Allotment Rents Owed by a Named Tenant

RESOLVED: That the allotment rents owed by the tenant of plot 14 be written off.
"""
ANY = ("Any body", "", "", "Any type")


@pytest.fixture
def archive(tmp_path: Path, tiny_corpus: Path, fake_embedder: FakeEmbedder) -> Settings:
    """The tiny corpus and a March 2024 meeting whose last item is exempt (restricted)."""
    records = tmp_path / "records"
    shutil.copytree(tiny_corpus, records)
    (records / "2024-03-20_parks-committee_minutes.txt").write_text(MARCH, encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data")
    assert ingest_paths([records], settings, embedder=fake_embedder).ok
    return settings


def _page(settings: Settings, fake_model: FakeEmbedder, access: str = "public") -> Assistant:
    page = settings.page.model_copy(update={"access": access})
    return Assistant(settings.model_copy(update={"page": page}))


def search(page: Assistant, topic: str, *filters: str | None) -> Any:
    return search_precedent(topic, *(filters or ANY), page)  # type: ignore[arg-type]


def test_search_shows_the_decisions_in_date_order_with_the_brief_to_download(
    archive: Settings, fake_model: FakeEmbedder
) -> None:
    page = _page(archive, fake_model)
    table, found, summary, panel, word, markdown = search(page, "allotment rents")
    rows = precedent_table(found)
    assert [(r[0], r[4]) for r in rows] == [
        ("17 Jan 2024", "resolved"),
        ("20 Mar 2024", "deferred"),
    ]
    assert rows[0][6] == "Councillor Quill / Councillor Pym" and rows[0][5] == "For 3, Against 2"
    assert rows[1][5] == "For 4, Against 1"  # "The motion was carried by 4 votes to 1."
    assert "deferred: Parks Committee, 20 Mar 2024, item 1" in rows[0][7]
    assert table.count("<tr>") == 1 + len(rows) and "£48" in table
    assert summary.startswith("**2 decisions on ‘allotment rents’**") and panel == NO_ROW
    assert word["visible"] and markdown["visible"]
    paragraphs = [p.text for p in docx.Document(word["value"]).paragraphs]
    assert [p for p in paragraphs if p.startswith("Source: ")] == [
        "Source: Parks Committee, 17 Jan 2024, item 2, para 3",
        "Source: Parks Committee, 20 Mar 2024, item 1, para 2",
    ]
    assert (
        Path(markdown["value"])
        .read_text(encoding="utf-8")
        .startswith("## Previous decisions: allotment rents")
    )


def test_a_public_page_never_shows_a_restricted_decision(archive: Settings, fake_model: FakeEmbedder) -> None:
    public = search(_page(archive, fake_model), "allotment rents")
    shown = " ".join(str(part) for part in public[:3])
    assert "plot 14" not in shown and "(restricted)" not in shown
    assert "plot 14" not in Path(public[5]["value"]).read_text(encoding="utf-8")
    for n in range(len(public[1].entries)):
        assert "plot 14" not in show_decision_source(n, public[1], _page(archive, fake_model))
    officers = search(_page(archive, fake_model, "restricted"), "allotment rents")
    assert len(officers[1].entries) == len(public[1].entries) + 1
    last = len(officers[1].entries) - 1
    assert "plot 14" in officers[0] and "(restricted)" in officers[0]
    assert "plot 14" in show_decision_source(last, officers[1], _page(archive, fake_model, "restricted"))
    with pytest.raises(gr.Error):  # a public page cannot open an officer's restricted row either
        show_decision_source(last, officers[1], _page(archive, fake_model))


def test_a_row_opens_its_source_with_the_decision_marked(archive: Settings, fake_model: FakeEmbedder) -> None:
    page = _page(archive, fake_model)
    _, found, *_ = search(page, "allotment rents")
    html = show_decision_source(0, found, page)
    assert "<mark>" in html and "£48" in html and "2. Allotment Rents" in html
    assert 'href="source/' in html
    assert "deferred to 1 April 2025" in show_decision_source("1", found, page).split("<mark>")[1]
    for bad in (None, "", "x", 2, -1, True, 1.5):
        assert show_decision_source(bad, found, page) == NO_ROW
    assert show_decision_source(0, None, page) == NO_ROW


def test_filters_narrow_the_table(archive: Settings, fake_model: FakeEmbedder) -> None:
    page = _page(archive, fake_model)
    _, only, *_ = search(page, "allotment rents", "Any body", "", "", "deferred")
    assert [e.decision.type for e in only.entries] == ["deferred"]
    _, dated, *_ = search(page, "allotment rents", "Parks Committee", "2024-02-01", "2024-12-31", "Any type")
    assert {str(e.decision.meeting_date) for e in dated.entries} == {"2024-03-20"}
    table, none, summary, *_ = search(page, "allotment rents", "Cabinet", "", "", "Any type")
    assert none.entries == [] and "No decision on ‘allotment rents’ was found" in table
    assert "*Not found:* No decision on 'allotment rents' was found" in summary


@pytest.mark.parametrize(
    ("topic", "filters", "message"),
    [
        ("  ", ANY, "Please type a topic"),
        ("allotment rents", ("Any body", "20/03/2024", "", "Any type"), "'From' must be a date"),
        ("allotment rents", ("Any body", "2024-05-01", "2024-01-01", "Any type"), "is after"),
    ],
)
def test_bad_input_is_a_message(
    archive: Settings, fake_model: FakeEmbedder, topic: str, filters: tuple[str, ...], message: str
) -> None:
    with pytest.raises(gr.Error, match=message):
        search(_page(archive, fake_model), topic, *filters)


def test_the_page_has_the_precedent_tab(archive: Settings, fake_model: FakeEmbedder) -> None:
    demo = build_app(_page(archive, fake_model))
    labels = {getattr(b, "label", None) for b in demo.blocks.values()}
    assert {"Precedent", "Topic", "Decision type", "Your question"} <= labels
    ids = {getattr(b, "elem_id", None) for b in demo.blocks.values()}
    assert {"precedent-table", "precedent-brief-docx", "precedent-brief-md", "precedent-source"} <= ids


def test_each_search_writes_its_briefs_apart_and_old_ones_are_removed(
    archive: Settings, fake_model: FakeEmbedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    import ui.precedent_tab

    monkeypatch.setattr(ui.precedent_tab, "BRIEFS", tmp_path / "briefs")
    old = tmp_path / "briefs" / "old"
    old.mkdir(parents=True)
    os.utime(old, (0, 0))
    page = _page(archive, fake_model)
    first = Path(search(page, "allotment rents")[4]["value"])
    second = Path(
        search(page, "allotment rents", "Parks Committee", "2024-02-01", "", "Any type")[4]["value"]
    )
    assert first.parent != second.parent and first.exists() and second.exists()  # two sessions, two files
    assert first.parent.parent == tmp_path / "briefs" and not old.exists()


def test_the_logged_in_users_role_decides_what_the_tab_shows(
    archive: Settings, fake_model: FakeEmbedder
) -> None:
    from assistant import PageUser

    page = _page(archive, fake_model, "restricted")  # the page's default would see everything
    resident, officer = PageUser("resident", "public"), PageUser("officer", "officer")
    table, found, *_ = search_precedent("allotment rents", *ANY, page, resident)
    assert "plot 14" not in table and len(found.entries) == 2
    table, found, *_ = search_precedent("allotment rents", *ANY, page, officer)
    assert "plot 14" in table and len(found.entries) == 3
    assert "plot 14" in show_decision_source(2, found, page, officer)
    with pytest.raises(gr.Error):  # the officer's search handed to a resident's session opens nothing
        show_decision_source(2, found, page, resident)


def test_each_precedent_search_is_audited_with_the_restricted_decisions_shown(
    archive: Settings, fake_model: FakeEmbedder, tmp_path: Path
) -> None:
    import json

    from assistant import PageUser

    log = tmp_path / "audit.jsonl"
    page = Assistant(archive.model_copy(update={"page": archive.page.model_copy(update={"audit_log": log})}))
    search_precedent("allotment rents", *ANY, page, PageUser("resident", "public"))
    search_precedent("allotment rents", *ANY, page, PageUser("officer", "officer"))
    resident, officer = (json.loads(line) for line in log.read_text(encoding="utf-8").splitlines())
    assert resident["event"] == officer["event"] == "precedent"
    assert (resident["user"], resident["topic"], resident["restricted"]) == (
        "resident",
        "allotment rents",
        [],
    )
    assert len(resident["decisions"]) == 2 and len(officer["decisions"]) == 3
    restricted = [d["doc_id"] for d in officer["decisions"] if d["restricted"]]
    assert restricted and officer["restricted"] == sorted(set(restricted))
