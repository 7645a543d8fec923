"""Give every question of a question file a `split` (dev or test), stratified and deterministic.

    python scripts/split_questions.py evals/questions.jsonl

Questions that already have a split keep it, so a split never moves once a figure was tuned on
it. New ones are assigned within their stratum (answerable, near miss, other unanswerable) by the
hash of their id, alternating dev and test, so each split gets about half of every kind.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path


def stratum(q: dict[str, object]) -> str:
    """answerable, near_miss or unanswerable."""
    if not q.get("unanswerable"):
        return "answerable"
    return "near_miss" if q.get("near_miss") else "unanswerable"


def assign(questions: list[dict[str, object]]) -> None:
    """Set `split` on the questions that have none."""
    for kind in ("answerable", "near_miss", "unanswerable"):
        group = [q for q in questions if stratum(q) == kind]
        have = {"dev": sum(q.get("split") == "dev" for q in group)}
        have["test"] = sum(q.get("split") == "test" for q in group)
        new = sorted(
            (q for q in group if not q.get("split")),
            key=lambda q: hashlib.sha256(str(q["id"]).encode()).hexdigest(),
        )
        for q in new:
            q["split"] = "dev" if have["dev"] <= have["test"] else "test"
            have[str(q["split"])] += 1


def main(path: Path) -> None:
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assign(lines)
    path.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in lines), encoding="utf-8")
    counts: dict[str, int] = {}
    for q in lines:
        key = f"{q['split']} {stratum(q)}"
        counts[key] = counts.get(key, 0) + 1
    print(json.dumps(counts, indent=1, sort_keys=True))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
