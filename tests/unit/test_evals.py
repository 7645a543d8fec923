"""The eval runner on the tiny corpus with fakes, its scoring, its gate and its error messages."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner

from assistant import Answer, AnswerSentence, Citation, Settings, ask
from assistant.cli import cli
from assistant.settings import EvalGate
from evals.run import (
    QUESTIONS,
    Cite,
    Question,
    QuestionFileError,
    cite_matches,
    gate,
    judge,
    load_questions,
    prose_words,
    run_eval,
    select_split,
    summarise,
)

if TYPE_CHECKING:
    from conftest import FakeEmbedder

TINY_QUESTIONS = [
    {
        "id": "play-quote",
        "question": "How much was the Greenplay quote for the Riverside Park play area?",
        "answer_contains": ["£18,500"],
        "cites": [{"source": "2023-05-10_parks-committee_minutes.txt", "agenda_item": "4"}],
    },
    {
        "id": "allotment-rent",
        "question": "What will allotment rents rise to per plot?",
        "answer_any": ["£48"],
        "cites": [{"source": "2024-01-17_parks-committee_minutes.md", "agenda_item": "2"}],
    },
    {
        "id": "trees",
        "question": "How many native trees were planted at Mill Meadow?",
        "answer_contains": ["120"],
        "cites": [{"source": "parks-committee_minutes.md"}],
        "filters": {"since": "2024-01-01"},
    },
]


def write_questions(tmp_path: Path, rows: list[dict[str, Any]] | list[str]) -> Path:
    path = tmp_path / "questions.jsonl"
    lines = [r if isinstance(r, str) else json.dumps(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def citation(source: str = "minutes.txt", item: str | None = "4. Play Area", para: int = 3) -> Citation:
    return Citation(
        doc_id=source,
        source=source,
        agenda_item=item,
        paragraph=para,
        char_start=0,
        char_end=5,
    )


def test_runner_on_tiny_corpus_with_fakes(tmp_path: Path, tiny_index: tuple[Settings, FakeEmbedder]) -> None:
    settings, embedder = tiny_index
    questions = load_questions(write_questions(tmp_path, TINY_QUESTIONS))
    summary, outcomes = run_eval(questions, settings, k=4, asker=partial(ask, embedder=embedder))
    assert summary["questions"] == 3
    assert [o.question.id for o in outcomes] == ["play-quote", "allotment-rent", "trees"]
    # every expected passage is retrieved in the top 4 by hybrid retrieval over two short documents
    assert summary["hit@4"] == 1.0, [(o.question.id, o.why) for o in outcomes]
    assert all(o.answer.retrieved for o in outcomes)
    trees = outcomes[2].answer
    assert all(s.chunk.citation.meeting_date.year == 2024 for s in trees.retrieved)  # type: ignore[union-attr]
    assert summary["latency_p50_s"] is not None and summary["latency_p95_s"] >= summary["latency_p50_s"]
    for o in outcomes:
        assert o.passed == (o.correct is not False and o.refusal_ok)


def test_judge_scores_precision_recall_and_rank() -> None:
    q = Question(
        id="q",
        question="How much?",
        answer_contains=["£18,500"],
        cites=[Cite(source="minutes.txt", agenda_item="4"), Cite(source="other.md")],
    )
    right, wrong = citation(), citation(source="elsewhere.pdf")
    from assistant.types import Chunk, ScoredChunk

    retrieved = [
        ScoredChunk(chunk=Chunk(id=f"c{i}", text="x", citation=c), score=1.0)
        for i, c in enumerate([wrong, right])
    ]
    sentences = [
        AnswerSentence(text="The quote was £18,500.", quote="x", citation=right),
        AnswerSentence(text="Something else.", quote="x", citation=wrong),
    ]
    answer = Answer(
        question=q.question,
        text="The quote was £18,500. Something else.",
        sentences=sentences,
        retrieved=retrieved,
    )
    out = judge(q, answer, 0.1, k=6)
    assert out.hit == 1.0 and out.reciprocal_rank == 0.5
    assert out.precision == 0.5 and out.recall == 0.5
    assert out.correct and out.passed and out.why == "ok"

    refused = Answer(question=q.question, text="I couldn't find this in the records.", refused=True)
    bad = judge(q, refused, 0.1, k=6)
    assert not bad.passed and bad.hit == 0.0 and bad.recall == 0.0
    assert "refused an answerable question" in bad.why

    trap = Question(id="t", question="What is the mayor's salary?", unanswerable=True)
    assert judge(trap, refused, 0.1, k=6).passed
    assert "answered an unanswerable one" in judge(trap, answer, 0.1, k=6).why


def test_answer_matching_ignores_case_and_whitespace() -> None:
    q = Question(
        id="q", question="Who?", answer_contains=["councillor   OKAFOR"], answer_any=["x", "Brereton"]
    )
    answer = Answer(question="Who?", text="Proposed by Councillor\nOkafor, seconded by Councillor Brereton.")
    assert judge(q, answer, 0.0, k=6).correct


def test_cite_matching_by_suffix_item_and_paragraph() -> None:
    c = citation(source="records/2023/minutes.txt", item="4. Play Area", para=3)
    assert cite_matches(Cite(source="minutes.txt"), c)
    assert cite_matches(Cite(source="2023/MINUTES.txt", agenda_item="4", paragraph=3), c)
    assert cite_matches(Cite(agenda_item="4. play   area"), c)
    assert not cite_matches(Cite(agenda_item="14"), c)
    assert not cite_matches(Cite(source="minutes.txt", paragraph=4), c)
    assert not cite_matches(Cite(source="other.txt"), c)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "questions.jsonl:2: not valid JSON"),
        ('{"id": "x"}', "questions.jsonl:2: question: Field required"),
        ('{"id": "x", "question": "Why?", "answer": "no"}', "questions.jsonl:2: answer: Extra inputs"),
        ('{"id": "x", "question": "Why?", "cites": [{"page": 3}]}', "questions.jsonl:2: cites.0.page"),
        (
            '{"id": "x", "question": "Why?", "filters": {"since": "last year"}}',
            "questions.jsonl:2: filters.since",
        ),
    ],
)
def test_malformed_question_file_names_the_line(tmp_path: Path, line: str, message: str) -> None:
    path = write_questions(tmp_path, [json.dumps(TINY_QUESTIONS[0]), line])
    with pytest.raises(QuestionFileError, match=message.replace(".", r"\.")):
        load_questions(path)


def test_empty_question_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("\n\n", encoding="utf-8")
    with pytest.raises(QuestionFileError, match="no questions"):
        load_questions(path)


def test_bundled_question_set_is_valid_and_varied() -> None:
    questions = load_questions(QUESTIONS)
    assert len(questions) >= 60
    assert len({q.id for q in questions}) == len(questions)
    assert sum(q.unanswerable for q in questions) >= 10
    assert sum(q.filters is not None for q in questions) >= 3
    assert all(q.cites or q.unanswerable for q in questions)


def test_gate_names_each_figure_below_its_floor() -> None:
    q = Question(id="q", question="How much?", answer_contains=["£1"], cites=[Cite(source="a.txt")])
    outcome = judge(q, Answer(question="How much?", text="No idea.", refused=True), 0.2, k=6)
    summary = summarise([outcome], k=6)
    failures = gate(summary, EvalGate(), k=6)
    assert any(f.startswith("hit@6 0.000 < ") for f in failures)
    assert any(f.startswith("refusal_accuracy 0.000 < ") for f in failures)
    # figures nothing measured (no citations were made, so no precision) are not gated
    assert not any(f.startswith("citation_precision") for f in failures)
    lenient = EvalGate(
        hit_rate=0,
        mrr=0,
        citation_precision=0,
        citation_recall=0,
        answer_accuracy=0,
        refusal_accuracy=0,
        unanswerable_refused=0,
        max_answerable_refused=1,
    )
    assert gate(summary, lenient, k=6) == []


def test_gate_ceilings_and_prose_words() -> None:
    q = Question(id="q", question="How much?", answer_contains=["£1"], cites=[Cite(source="a.txt")])
    long = "£1 — " + " ".join(["word"] * 60) + " [1]\nanother line [2]"
    outcome = judge(q, Answer(question="How much?", text=long), 0.2, k=6)
    summary = summarise([outcome], k=6)
    assert summary["median_words"] == prose_words(long) == 64  # markers are not words of prose
    assert summary["answerable_refused"] == 0.0
    failures = gate(summary, EvalGate(), k=6)
    assert "median_words 64.000 > 45.000" in failures
    refused = summarise([judge(q, Answer(question="How much?", text="No.", refused=True), 0.1, k=6)], k=6)
    assert "answerable_refused 1.000 > 0.080" in gate(refused, EvalGate(), k=6)


def test_splits_are_selected_and_balanced() -> None:
    questions = load_questions(QUESTIONS)
    dev, test = select_split(questions, "dev"), select_split(questions, "test")
    assert len(dev) + len(test) == len(questions) >= 150  # every question is in exactly one split
    assert select_split(questions, "all") == questions == select_split(questions, None)
    for split in (dev, test):
        assert sum(q.unanswerable for q in split) >= 15
        assert sum(q.near_miss for q in split) >= 8
    assert all(q.unanswerable for q in questions if q.near_miss)


def test_eval_cli_json_and_gate(
    tmp_path: Path, tiny_corpus: Path, fake_model: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "index"
    runner = CliRunner()
    assert runner.invoke(cli, ["--data-dir", str(data_dir), "ingest", str(tiny_corpus)]).exit_code == 0
    qfile = write_questions(tmp_path, TINY_QUESTIONS)
    result = runner.invoke(cli, ["--data-dir", str(data_dir), "eval", "--questions", str(qfile), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["summary"]["questions"] == 3
    row = report["questions"][0]
    assert {"id", "question", "answer", "refused", "citations", "passed", "why"} <= set(row)
    assert row["id"] == "play-quote"

    monkeypatch.setenv("COUNCILQA_EVAL_GATE__HIT_RATE", "1.01")  # a floor nothing can reach
    failed = runner.invoke(cli, ["--data-dir", str(data_dir), "eval", "--questions", str(qfile), "--gate"])
    assert failed.exit_code == 1
    assert "gate: hit@6 1.000 < 1.010" in failed.stderr
    assert "eval gate failed: 1 figure(s) below their floor" in failed.stderr
    monkeypatch.setenv("COUNCILQA_EVAL_GATE__HIT_RATE", "0.5")
    monkeypatch.setenv("COUNCILQA_EVAL_GATE__ANSWER_ACCURACY", "0")
    monkeypatch.setenv("COUNCILQA_EVAL_GATE__REFUSAL_ACCURACY", "0")
    monkeypatch.setenv("COUNCILQA_EVAL_GATE__MRR", "0")
    monkeypatch.setenv("COUNCILQA_EVAL_GATE__CITATION_PRECISION", "0")
    monkeypatch.setenv("COUNCILQA_EVAL_GATE__CITATION_RECALL", "0")
    monkeypatch.setenv("COUNCILQA_EVAL_GATE__UNANSWERABLE_REFUSED", "0")
    monkeypatch.setenv("COUNCILQA_EVAL_GATE__MAX_ANSWERABLE_REFUSED", "1")
    monkeypatch.setenv("COUNCILQA_EVAL_GATE__MAX_MEDIAN_WORDS", "1000")
    passed = runner.invoke(cli, ["--data-dir", str(data_dir), "eval", "--questions", str(qfile), "--gate"])
    assert passed.exit_code == 0, passed.output
    assert "gate: every figure at or above its floor" in passed.stderr


def test_eval_cli_reports_malformed_file(tmp_path: Path) -> None:
    qfile = write_questions(tmp_path, ['{"id": "a", "question": "Fine?"}', "[1, 2"])
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path / "i"), "eval", "--questions", str(qfile)])
    assert result.exit_code == 1
    assert f"{qfile}:2: not valid JSON" in result.stderr
