"""Precedent on the sample council, end to end: real files, real model, real Chroma, the CLI and the
brief in both formats. The true chains are in tests/data/sample_chains.json."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import docx
import pytest
from answer_checks import assert_marked_quotes
from click.testing import CliRunner

from assistant import Assistant, Filters, Precedent, Settings
from assistant.cli import cli
from bench.precedent_bench import CHAINS, chain_figures, chain_name, found_links
from index import SentenceTransformerEmbedder

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def opened(sample_council: Settings, real_embedder: SentenceTransformerEmbedder) -> Assistant:
    return Assistant(sample_council, real_embedder)


def _chain(found: Precedent) -> list[str]:
    return [f"{chain_name(e.decision)}: {e.decision.type}" for e in found.entries]


def test_northgate_library_gives_its_whole_chain_in_order(opened: Assistant) -> None:
    want = json.loads(CHAINS.read_text(encoding="utf-8"))["Northgate Library"]
    found = opened.precedent("Northgate Library")
    assert _chain(found) == want["decisions"]
    assert sorted(found_links(opened, "Northgate Library")) == sorted(tuple(x) for x in want["links"])
    closure = next(e for e in found.entries if chain_name(e.decision) == "Cabinet, 2023-02-09, item 5")
    assert (
        closure.decision.mover == "Councillor Pryce" and closure.decision.seconder == "Councillor Natarajan"
    )
    assert (closure.decision.vote and closure.decision.vote.label) == "For 4, Against 0, Abstentions 1"
    labels = [link.label for link in closure.later]
    assert "later rescinded: Cabinet, 9 Mar 2023, item 4 (explicit reference)" in labels
    assert "later called in: Overview and Scrutiny Panel, 21 Feb 2023, item 3 (explicit reference)" in labels
    for entry in found.entries:  # every decision is verbatim at its citation
        text = opened.index.document_text(entry.decision.citation.doc_id) or ""
        c = entry.decision.citation
        assert text[c.char_start : c.char_end] == entry.decision.text


@pytest.mark.parametrize("topic", ["Mill Lane cycle lane", "2023/24 budget", "14 High Street", "Old Tannery"])
def test_each_known_chain_is_found_link_by_link(opened: Assistant, topic: str) -> None:
    want = json.loads(CHAINS.read_text(encoding="utf-8"))[topic]["links"]
    assert sorted(found_links(opened, topic)) == sorted(tuple(x) for x in want)


def test_links_on_the_sample_council_are_all_right(opened: Assistant) -> None:
    figures = chain_figures(opened)
    assert figures["link_precision"] == 1.0 and figures["link_recall"] == 1.0, figures["topics"]


def test_the_lost_amendment_keeps_its_own_vote(opened: Assistant) -> None:
    found = opened.precedent("2023/24 budget", Filters(body="Full Council", until=date(2023, 12, 31)))
    amendment, resolution = (e.decision for e in found.entries)
    assert (amendment.form, amendment.type, amendment.mover) == (
        "amendment",
        "lost",
        "Councillor Jenny Whitlock",
    )
    assert amendment.vote is not None and (amendment.vote.in_favour, amendment.vote.against) == (17, 25)
    assert resolution.type == "resolved" and resolution.vote is not None and resolution.vote.in_favour == 26


def test_filters_and_types_narrow_the_list_and_links_still_reach_other_bodies(opened: Assistant) -> None:
    found = opened.precedent("Northgate Library", Filters(body="Cabinet"), types=["resolved"])
    assert {e.decision.body for e in found.entries} == {"Cabinet"}
    assert {e.decision.type for e in found.entries} == {"resolved"}
    closure = next(
        e for e in found.entries if e.decision.meeting_date and e.decision.meeting_date.year == 2023
    )
    assert any("Overview and Scrutiny Panel" in link.other_where for link in closure.later)
    assert "Cabinet" in found.bodies and found.bodies == ["Cabinet"]
    nothing = opened.precedent("crematorium extension")
    assert nothing.entries == [] and "No decision on 'crematorium extension' was found" in nothing.not_found


def test_planning_refusal_against_officer_advice_is_marked(opened: Assistant) -> None:
    found = opened.precedent("22/00951/FUL")
    refusal = found.entries[0].decision
    assert refusal.officer_advice == "against" and "REFUSED" in refusal.text
    assert refusal.matter.identifiers[0] == "22/00951/FUL"


def test_cli_precedent_json_and_both_briefs(sample_council: Settings, tmp_path: Path) -> None:
    run = CliRunner()
    md, word = tmp_path / "previous.md", tmp_path / "previous.docx"
    args = ["--data-dir", str(sample_council.data_dir), "precedent", "Northgate Library"]
    result = run.invoke(cli, [*args, "--json", "--brief", str(md)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    rows = shown["decisions"]
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    assert rows[2]["label"] == "Cabinet, 9 Feb 2023, item 5, para 7, p. 2" and rows[2]["vote"]
    assert "not_found" in shown and shown["bodies"]
    text = md.read_text(encoding="utf-8")
    assert text.startswith("## Previous decisions: Northgate Library")
    assert "Source: Cabinet, 9 Mar 2023, item 4, para 8" in text and "*Not found:*" in text

    result = run.invoke(cli, [*args, "--brief", str(word)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    paragraphs = [p.text for p in docx.Document(str(word)).paragraphs]
    sources = [p for p in paragraphs if p.startswith("Source: ")]
    assert sources == [f"Source: {r['label']}" for r in rows]  # every decision cited, in date order
    assert any(p.startswith("“RESOLVED: That (a) the decision of 9 February 2023") for p in paragraphs)
    assert any("Later rescinded: Cabinet, 9 Mar 2023, item 4" in p for p in paragraphs)
    assert paragraphs[-1].startswith("Not found: ")

    bad = run.invoke(cli, [*args, "--brief", str(tmp_path / "brief.pdf")])
    assert bad.exit_code != 0 and "FILE.md or FILE.docx" in bad.output


def test_chat_precedent_questions_go_through_the_precedent_search(opened: Assistant) -> None:
    answer = opened.ask("What has the council decided about Northgate Library over the years?", history=[])
    want = json.loads(CHAINS.read_text(encoding="utf-8"))["Northgate Library"]["decisions"]
    assert not answer.refused and len(answer.sources) == len([d for d in want if "by officers" not in d])
    assert answer.retrieved  # retrieval still runs: the page and the evals see what it found
    assert_marked_quotes(answer)  # the house shape: each line the meeting's date and body, then the words
    assert "later rescinded: Cabinet, 9 Mar 2023, item 4 (explicit reference)" in (answer.note or "")
    for s in answer.sentences:  # every line's quote is the record's text at its offsets
        text = opened.index.document_text(s.citation.doc_id) or ""
        assert text[s.citation.char_start : s.citation.char_end] == s.quote
    planning = opened.ask(
        "Has the planning committee ever refused an application against the officer recommendation?"
    )
    assert [c.label for c in planning.citations] == ["Planning Committee, 13 Oct 2022, item 5, para 6"]
    assert "22/00951/FUL be REFUSED" in planning.text
    assert_marked_quotes(planning)
    single = opened.ask("What did Cabinet decide about the Mill Lane cycle lane in January 2024?")
    assert "decision(s) on" not in (single.note or "")  # one decision asked for: answered as before


def test_cli_chat_routes_a_precedent_question(sample_council: Settings) -> None:
    result = CliRunner().invoke(
        cli,
        ["--data-dir", str(sample_council.data_dir), "chat"],
        input="What have we decided before about the Mill Lane cycle lane?\n",
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "decision(s) on 'the Mill Lane cycle lane', oldest first" in result.output
    assert "later deferred: Cabinet, 15 Jun 2023, item 5" in result.output
    assert "Sources:" in result.output


@pytest.mark.shared
def test_seeds_give_their_resolutions_with_dates_and_bodies(
    seeds_settings: Settings, real_embedder: SentenceTransformerEmbedder
) -> None:
    found = Assistant(seeds_settings, real_embedder).precedent("Slough Children's Services Trust")
    got = [(e.decision.type, e.decision.meeting_date, e.decision.body) for e in found.entries]
    body = "Joint Overview and Scrutiny Committee and Education and Children's Services Scrutiny Panel"
    assert got == [
        ("recommended by officers", date(2016, 10, 26), body),
        ("resolved", date(2016, 10, 26), body),
    ]
    assert found.entries[1].decision.text.startswith("Resolved:")
    chair = (
        Assistant(seeds_settings, real_embedder).precedent("Chair for the Joint meeting").entries[0].decision
    )
    assert (chair.mover, chair.seconder, chair.vote and chair.vote.unanimous) == (
        "Councillor Nazir",
        "Councillor Pantelic",
        True,
    )
