"""Run a question file through `Assistant.ask` and report accuracy figures.

    python -m evals.run [--questions FILE] [--k N] [--json]

hit@k and MRR follow llama_index's HitRate and MRR: a retrieved passage is relevant when it
matches one of the question's expected `cites`; MRR is 1/rank of the first relevant one.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant import Answer, Assistant, Citation, Filters, Settings
from assistant.settings import EvalGate

QUESTIONS = Path(__file__).with_name("questions.jsonl")


class Cite(BaseModel):
    """An expected citation; every field given must match."""

    model_config = ConfigDict(extra="forbid")
    source: str | None = None
    agenda_item: str | None = None
    paragraph: int | None = None


class EvalFilters(BaseModel):
    """Filters a question is asked with."""

    model_config = ConfigDict(extra="forbid")
    body: str | None = None
    since: date | None = None
    until: date | None = None
    doc_type: str | None = None


class Question(BaseModel):
    """One line of a question file."""

    model_config = ConfigDict(extra="forbid")
    id: str
    question: str = Field(min_length=1)
    answer_contains: list[str] = Field(default_factory=list)
    answer_any: list[str] = Field(default_factory=list)
    cites: list[Cite] = Field(default_factory=list)
    unanswerable: bool = False
    near_miss: bool = Field(
        False, description="Unanswerable, though the records name the thing asked about (not the fact)"
    )
    split: Literal["dev", "test"] | None = Field(
        None, description="dev: tune weights and thresholds on it; test: held out, CI gates on it"
    )
    filters: EvalFilters | None = None
    access: Literal["public", "restricted"] | None = Field(
        None,
        description="The access the question needs (it asks about an exempt item); None: the run's own",
    )


class QuestionFileError(ValueError):
    """A question file line is not valid JSON or not a valid question."""


def load_questions(path: Path) -> list[Question]:
    """Parse a JSONL question file, naming the line of the first bad entry."""
    questions: list[Question] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            questions.append(Question.model_validate(json.loads(line)))
        except json.JSONDecodeError as exc:
            raise QuestionFileError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "line"
            raise QuestionFileError(f"{path}:{number}: {where}: {first['msg']}") from exc
    if not questions:
        raise QuestionFileError(f"{path}: no questions")
    return questions


def select_split(questions: Sequence[Question], split: str | None) -> list[Question]:
    """The questions of one split ("dev" or "test"); all of them for None or "all"."""
    if split in (None, "all"):
        return list(questions)
    return [q for q in questions if q.split == split]


_MARKER = re.compile(r"\[[^\]]*\]")


def prose_words(text: str) -> int:
    """Words of an answer's prose: citation markers and bracketed labels not counted."""
    return len(_MARKER.sub(" ", text).split())


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def cite_matches(cite: Cite, citation: Citation) -> bool:
    """True when every field the expected cite gives matches the citation."""
    if cite.source is not None:
        want = cite.source.replace("\\", "/").lower()
        if not citation.source.replace("\\", "/").lower().endswith(want):
            return False
    if cite.agenda_item is not None:
        want = _norm(cite.agenda_item).rstrip(".")
        have = _norm(citation.agenda_item or "")
        if want not in (have, (citation.item_number or "").lower()) and not have.startswith(want + "."):
            return False
    return cite.paragraph is None or cite.paragraph == citation.paragraph


@dataclass
class Outcome:
    """One question's result."""

    question: Question
    answer: Answer
    seconds: float
    passed: bool
    why: str
    hit: float | None = None
    reciprocal_rank: float | None = None
    precision: float | None = None
    recall: float | None = None
    correct: bool | None = None
    refusal_ok: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


def judge(q: Question, answer: Answer, seconds: float, k: int) -> Outcome:
    """Score one answer against its question's expectations."""
    refusal_ok = answer.refused == q.unanswerable
    out = Outcome(q, answer, seconds, passed=False, why="", refusal_ok=refusal_ok)
    if q.cites:
        ranked = [s.chunk.citation for s in answer.retrieved[:k]]
        ranks = [i for i, c in enumerate(ranked, start=1) if any(cite_matches(e, c) for e in q.cites)]
        out.hit = 1.0 if ranks else 0.0
        out.reciprocal_rank = 1.0 / ranks[0] if ranks else 0.0
        cited = answer.citations
        if cited:
            out.precision = sum(any(cite_matches(e, c) for e in q.cites) for c in cited) / len(cited)
        out.recall = sum(any(cite_matches(e, c) for c in cited) for e in q.cites) / len(q.cites)
    reasons: list[str] = []
    if not refusal_ok:
        reasons.append("refused an answerable question" if answer.refused else "answered an unanswerable one")
    if not q.unanswerable:
        text = _norm(answer.text)
        missing = [s for s in q.answer_contains if _norm(s) not in text]
        any_ok = not q.answer_any or any(_norm(s) in text for s in q.answer_any)
        out.correct = not answer.refused and not missing and any_ok
        if missing:
            reasons.append(f"missing {missing}")
        if not any_ok:
            reasons.append(f"none of {q.answer_any}")
    out.passed = refusal_ok and out.correct is not False
    out.why = "; ".join(reasons) or "ok"
    return out


def _mean(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(statistics.fmean(present), 4) if present else None


def summarise(outcomes: Sequence[Outcome], k: int) -> dict[str, Any]:
    """The headline figures over all questions."""
    times = sorted(o.seconds for o in outcomes)
    answered = [o for o in outcomes if not o.answer.refused]
    words = sorted(prose_words(o.answer.text) for o in answered)
    unanswerable = [o for o in outcomes if o.question.unanswerable]
    near = [o for o in unanswerable if o.question.near_miss]
    answerable = [o for o in outcomes if not o.question.unanswerable]
    return {
        "questions": len(outcomes),
        "passed": sum(o.passed for o in outcomes),
        f"hit@{k}": _mean([o.hit for o in outcomes]),
        "mrr": _mean([o.reciprocal_rank for o in outcomes]),
        "citation_precision": _mean([o.precision for o in outcomes]),
        "citation_recall": _mean([o.recall for o in outcomes]),
        "answer_accuracy": _mean([float(o.correct) for o in outcomes if o.correct is not None]),
        "refusal_accuracy": _mean([float(o.refusal_ok) for o in outcomes]),
        "unanswerable_refused": _mean([float(o.answer.refused) for o in unanswerable]),
        "near_miss_refused": _mean([float(o.answer.refused) for o in near]),
        "answerable_refused": _mean([float(o.answer.refused) for o in answerable]),
        "median_words": statistics.median(words) if words else None,
        "latency_p50_s": round(times[len(times) // 2], 3) if times else None,
        "latency_p95_s": round(times[min(len(times) - 1, int(len(times) * 0.95))], 3) if times else None,
    }


def gate(summary: dict[str, Any], floors: EvalGate, k: int) -> list[str]:
    """The figures below their floors, as lines like "mrr 0.61 < 0.62"; empty when all pass."""
    failures: list[str] = []
    for name, bound in floors.model_dump().items():
        ceiling = name.startswith("max_")
        key = name.removeprefix("max_")
        key = f"hit@{k}" if key == "hit_rate" else key
        value = summary.get(key)
        if value is None:
            continue  # no question measures it (e.g. no question has expected cites)
        if ceiling and value > bound:
            failures.append(f"{key} {value:.3f} > {bound:.3f}")
        elif not ceiling and value < bound:
            failures.append(f"{key} {value:.3f} < {bound:.3f}")
    return failures


def run_eval(
    questions: Sequence[Question],
    settings: Settings,
    k: int | None = None,
    asker: Callable[..., Answer] | None = None,
    *,
    assistant: Assistant | None = None,
    access: Literal["public", "restricted"] = "public",
) -> tuple[dict[str, Any], list[Outcome]]:
    """Ask every question through the same path as the CLI and the page, and score it.

    Args:
        assistant: the archive to ask (default: opened from `settings`).
        access: the caller's access for every question that does not name the access it needs.
        asker: called as `asker(question, settings, filters, k)` instead, e.g. a fake in tests.
    """
    k = k or settings.answer.k
    if asker is None:
        opened = assistant or Assistant(settings)

        def asker(question: str, _settings: Settings, filters: Filters, k: int) -> Answer:
            return opened.ask(question, filters, k)

    outcomes: list[Outcome] = []
    for q in questions:
        f = q.filters
        filters = Filters.model_validate({**(f.model_dump() if f else {}), "access": q.access or access})
        started = time.perf_counter()
        answer = asker(q.question, settings, filters, k)
        outcomes.append(judge(q, answer, time.perf_counter() - started, k))
    return summarise(outcomes, k), outcomes


if __name__ == "__main__":  # python -m evals.run [--questions FILE] [--k N] [--json] [--gate]
    import sys

    from assistant.cli import cli

    cli(["eval", *sys.argv[1:]])
