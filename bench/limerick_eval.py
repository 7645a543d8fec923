"""The Limerick question set through the same path as `councilqa eval`.

    python -m bench.limerick_eval DATA_DIR [--questions FILE] [--k N] [--json]
    python -m bench.limerick_eval --cited ROOT     # the .md files the questions cite, one a line

DATA_DIR is a councilqa data folder that already holds the Limerick minutes (ingest them with
`COUNCILQA_DATA_DIR=DIR councilqa ingest .../limerick-minutes/meetings`); nothing is ingested
here. The questions (bench/limerick_questions.jsonl) cite documents by file name only, so
the figures hold while paragraph numbering changes. `--cited` lists the files a subset
index must include for the questions to be answerable.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from assistant import AssistantError, Settings, index_status
from evals.run import Question, QuestionFileError, load_questions, run_eval

QUESTIONS = Path(__file__).with_name("limerick_questions.jsonl")


def cited_files(questions: Sequence[Question], root: Path) -> list[Path]:
    """The files under `root` whose paths end with a source the questions cite."""
    wanted = {c.source.replace("\\", "/").lower() for q in questions for c in q.cites if c.source}
    found: list[Path] = []
    for path in sorted(root.rglob("*.md")):
        name = path.as_posix().lower()
        if any(name.endswith(w) for w in wanted):
            found.append(path)
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the Limerick questions as `councilqa eval` does.")
    parser.add_argument(
        "data_dir", nargs="?", type=Path, help="councilqa data folder holding the Limerick set"
    )
    parser.add_argument("--questions", type=Path, default=QUESTIONS, help="question file (JSONL)")
    parser.add_argument("--k", type=int, default=None, help="passages retrieved per question")
    parser.add_argument("--json", action="store_true", help="print the summary and every outcome as JSON")
    parser.add_argument("--cited", type=Path, metavar="ROOT", help="list the cited files under ROOT and stop")
    args = parser.parse_args(argv)
    try:
        questions = load_questions(args.questions)
    except QuestionFileError as exc:
        parser.error(str(exc))
    if args.cited:
        for path in cited_files(questions, args.cited):
            print(path)
        return 0
    if args.data_dir is None:
        parser.error("give the data folder that holds the ingested Limerick minutes")
    settings = Settings().model_copy(update={"data_dir": args.data_dir})
    try:
        status = index_status(settings)
        if not status.documents:
            parser.error(f"{args.data_dir} holds no documents: ingest the Limerick minutes first")
        summary, outcomes = run_eval(questions, settings, args.k)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    summary = {"documents": status.documents, "chunks": status.chunks, **summary}
    if args.json:
        rows = [
            {
                "id": o.question.id,
                "passed": o.passed,
                "why": o.why,
                "hit": o.hit,
                "reciprocal_rank": o.reciprocal_rank,
                "answer": o.answer.text,
                "refused": o.answer.refused,
            }
            for o in outcomes
        ]
        print(json.dumps({"summary": summary, "questions": rows}, indent=2, ensure_ascii=False))
        return 0
    for o in outcomes:
        if not o.passed:
            print(f"FAIL {o.question.id}: {o.question.question} ({o.why})")
    for key, value in summary.items():
        print(f"{key:20} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
