"""Fusion variants, the QMSum benchmark's scoring, and the Limerick question file."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from assistant.settings import IndexSettings
from bench.limerick_eval import QUESTIONS, cited_files
from bench.qmsum import EmbeddingCache, evaluate, gather, hybrid, load_meetings, score, table
from evals.run import load_questions
from index import fuse, fuse_candidates, rank_fused

REPO = Path(__file__).resolve().parents[2]


def test_weighted_rrf_counts_each_list_by_its_weight() -> None:
    scores = fuse([["a", "b"], ["b", "c"]], rrf_k=60, weights=(1.0, 2.0))
    assert scores == pytest.approx({"a": 1 / 61, "b": 1 / 62 + 2 / 61, "c": 2 / 62})


def test_keyword_weight_lets_bm25_candidates_outrank_dense_ones() -> None:
    dense = [("a", 0.9), ("b", 0.8)]
    lexical = [("b", 7.0), ("c", 5.0)]
    even = rank_fused(fuse_candidates(dense, lexical, IndexSettings(rrf_k=60, keyword_weight=1.0)), 3)
    keyword_heavy = rank_fused(
        fuse_candidates(dense, lexical, IndexSettings(rrf_k=60, keyword_weight=2.0)), 3
    )
    assert even == ["b", "a", "c"]
    assert keyword_heavy == ["b", "c", "a"]


def test_score_fusion_min_max_normalises_each_list() -> None:
    dense = [("a", 0.9), ("b", 0.5), ("c", 0.1)]
    lexical = [("c", 10.0), ("a", 5.0)]
    scores = fuse_candidates(dense, lexical, IndexSettings(fusion="score", keyword_weight=1.5))
    assert scores == pytest.approx({"a": 1.0 + 0.0, "b": 0.5, "c": 0.0 + 1.5})
    # one candidate (no spread) counts as fully relevant, not as a division by zero
    assert fuse_candidates([("x", 0.3)], [], IndexSettings(fusion="score")) == {"x": 1.0}


def test_rank_fused_keeps_first_seen_order_on_ties() -> None:
    assert rank_fused({"b": 1.0, "a": 1.0, "c": 2.0}, 3) == ["c", "b", "a"]
    assert rank_fused({"b": 1.0, "a": 1.0}, 1) == ["b"]


def test_score_recall_hit_and_reciprocal_rank() -> None:
    gold = frozenset({2, 3, 9})
    row = score(["7", "2", "5", "3", "8", "1", "0", "4", "6", "9"], gold)
    assert row["recall@5"] == pytest.approx(2 / 3)
    assert row["recall@10"] == pytest.approx(1.0)
    assert row["hit@5"] == 1.0 and row["hit@10"] == 1.0
    assert row["mrr"] == pytest.approx(0.5)
    assert score(["0", "1"], gold) == {
        "mrr": 0.0,
        "recall@5": 0.0,
        "hit@5": 0.0,
        "recall@10": 0.0,
        "hit@10": 0.0,
    }


def _write_meeting(folder: Path) -> None:
    turns = [
        {"speaker": "Chair", "content": "Welcome everyone to the committee on rural schools."},
        {
            "speaker": "Ms Jones",
            "content": "The bus transport budget for rural pupils was cut by ten percent.",
        },
        {"speaker": "Mr Smith", "content": "Teacher recruitment in Welsh-medium schools is falling."},
        {"speaker": "Chair", "content": "Thank you, we move on to the next item."},
    ]
    queries = [
        {
            "query": "What was said about the bus transport budget?",
            "answer": "cut",
            "relevant_text_span": [["1", "1"]],
        },
        {
            "query": "Teacher recruitment",
            "answer": "falling",
            "relevant_text_span": [["2", "3"], ["9", "12"]],
        },
    ]
    meeting = {
        "topic_list": [],
        "general_query_list": [],
        "specific_query_list": queries,
        "meeting_transcripts": turns,
    }
    (folder / "train").mkdir(parents=True)
    (folder / "train" / "education_1.json").write_text(json.dumps(meeting), encoding="utf-8")


def test_qmsum_bench_end_to_end_with_fake_embedder(tmp_path: Path, fake_embedder: Any) -> None:
    _write_meeting(tmp_path / "qmsum")
    meetings = load_meetings(tmp_path / "qmsum")
    assert [m.name for m in meetings] == ["train/education_1"]
    assert meetings[0].turns[1].startswith("Ms Jones: The bus transport")
    # gold turns beyond the transcript are dropped, ranges are inclusive
    assert [q.gold for q in meetings[0].queries] == [frozenset({1}), frozenset({2, 3})]

    cache = EmbeddingCache(IndexSettings(), folder=tmp_path / "cache")
    cache.embedder = fake_embedder
    candidates = gather(meetings, cache)
    assert cache.path.exists()
    assert candidates[0].lexical[0][0] == "1"  # BM25 finds the budget turn first
    figures = evaluate(candidates, hybrid(IndexSettings()))
    assert figures["hit@5"] == 1.0 and figures["mrr"] > 0.5

    reloaded = EmbeddingCache(IndexSettings(), folder=tmp_path / "cache")
    calls = fake_embedder.calls
    reloaded.embedder = fake_embedder
    gather(meetings, reloaded)
    assert fake_embedder.calls == calls  # every vector came from the cache
    assert table({"dense": figures}).splitlines()[2].startswith("| dense | ")


def test_load_meetings_names_the_folder_when_empty(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="No QMSum meeting files"):
        load_meetings(tmp_path)


def test_limerick_questions_are_well_formed() -> None:
    questions = load_questions(QUESTIONS)
    answerable = [q for q in questions if not q.unanswerable]
    assert len(answerable) >= 40
    assert len(questions) - len(answerable) >= 5
    assert len({q.id for q in questions}) == len(questions)
    for q in answerable:
        assert q.answer_contains, q.id
        assert q.cites and all(c.source and c.source.endswith(".md") for c in q.cites), q.id
        assert all(c.paragraph is None for c in q.cites), f"{q.id}: cite by source only"


@pytest.mark.shared
def test_limerick_questions_cite_one_file_each_that_holds_the_answer() -> None:
    shared = Path(os.environ.get("COUNCILQA_SHARED", REPO.parent / "shared"))
    root = shared / "data" / "limerick-minutes" / "meetings"
    if not root.is_dir():
        pytest.skip(f"Limerick minutes not found at {root} (set COUNCILQA_SHARED to run this test)")
    questions = [q for q in load_questions(QUESTIONS) if not q.unanswerable]
    for q in questions:
        found = cited_files([q], root)
        assert len(found) == 1, f"{q.id}: {len(found)} files match {q.cites[0].source!r}"
        text = " ".join(found[0].read_text(encoding="utf-8").lower().split())
        for fact in [*q.answer_contains, *q.answer_any]:
            assert " ".join(fact.lower().split()) in text, f"{q.id}: {fact!r} not in {found[0].name}"


def test_page_load_helpers() -> None:
    from bench.page_load import answer_text, holds, percentile

    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.0 and percentile([1.0, 2.0, 3.0, 4.0], 95) == 4.0
    assert holds("It cost £1.2  Million [1]", ["£1.2 million"]) and not holds(
        "£1.3 million", ["£1.2 million"]
    )
    assert (
        answer_text([{"role": "assistant", "content": "Councillor Moss \\(a\\) \\[1\\]"}])
        == "Councillor Moss (a) [1]"
    )
    assert answer_text([]) == ""


def test_load_counts_what_differs_from_the_answer_alone() -> None:
    from bench.load import Asked, Level, figures, load_questions

    questions = load_questions()
    assert len(questions) == 116 and len(set(questions)) == 116  # both Limerick sets, each once
    assert questions[0].startswith("At the Adare-Rathkeale") and "Pallasgreen" in questions[1]  # in turn
    alone = {q: Asked(q, f"answer to {q}", 0.5) for q in ("a", "b", "c", "d")}
    level = Level(
        clients=4,
        asked=[
            Asked("a", "answer to a", 0.4),  # the same as alone
            Asked("b", "answer to c", 0.9),  # another session's answer
            Asked("c", "", 1.2),  # empty
            Asked("d", None, 2.0, "AppError: the queue is full"),
        ],
        wall=2.0,
    )
    got = figures(level, alone)
    assert (got["asked"], got["answered"], got["errors"]) == (4, 3, 1)
    assert got["differ_from_alone"] == 2 and got["differing_questions"] == ["b", "c"]
    assert got["throughput_per_s"] == 1.5 and got["max_s"] == 1.2  # errors are not latencies
    assert got["error_messages"] == ["AppError: the queue is full"]
