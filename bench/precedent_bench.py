"""Precedent figures: decision extraction against hand-checked decisions, and chain links against
the sample council's known chains.

    python -m bench.precedent_bench extraction ../shared/data/seeds --gold bench/seed_decisions.jsonl
    python -m bench.precedent_bench extraction ../shared/data/limerick-minutes \
        --gold bench/limerick_decisions.jsonl
    python -m bench.precedent_bench chains        # the sample council, in a fresh archive

A gold file has one line per hand-checked decision: {"file": path under PATH, "anchor": words that
begin the decision's own text (or stand in it), "type", "mover", "seconder", "vote": {"in_favour",
"against", "abstentions", "unanimous"}}; a line {"file": ..., "checked": true} lists a file whose
every decision is in the gold, so any other decision found in it counts against precision.
A record found matches a gold decision of the same file when its text holds the anchor.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from assistant import SAMPLE_COUNCIL, Assistant, DecisionRecord, Settings
from assistant.records import Vote
from ingest import chunk_meeting, parse_meeting, read_document, record_decisions

CHAINS = Path(__file__).resolve().parent.parent / "tests" / "data" / "sample_chains.json"


def chain_name(record: DecisionRecord) -> str:
    """A decision as the chains file names it: "Cabinet, 2023-02-09, item 5" or "..., report (item 5)"."""
    c = record.citation
    item = c.meeting_item if c.doc_type == "report" else c.item_number
    where = f"report (item {item})" if c.doc_type == "report" else f"item {item}"
    return f"{c.body}, {c.meeting_date.isoformat() if c.meeting_date else '?'}, {where}"


def found_links(assistant: Assistant, topic: str) -> list[tuple[str, str, str]]:
    """(earlier, relation, later) for every link the precedent search makes on a topic."""
    names: dict[str, str] = {}
    found = assistant.precedent(topic)
    for entry in found.entries:
        names[entry.decision.id] = chain_name(entry.decision)
    out: list[tuple[str, str, str]] = []
    for entry in found.entries:
        for link in entry.later:
            if link.other_id in names:
                out.append((chain_name(entry.decision), link.relation, names[link.other_id]))
    return out


def chain_figures(assistant: Assistant, chains_file: Path = CHAINS) -> dict[str, Any]:
    """Link precision and recall (relation included) over the known chains."""
    chains = json.loads(chains_file.read_text(encoding="utf-8"))
    true_pos = found_n = gold_n = 0
    per_topic: dict[str, dict[str, Any]] = {}
    for topic, chain in chains.items():
        if topic.startswith("_"):
            continue
        gold = {tuple(link) for link in chain["links"]}
        found = set(found_links(assistant, topic))
        true_pos += len(gold & found)
        found_n += len(found)
        gold_n += len(gold)
        per_topic[topic] = {"found": len(found), "gold": len(gold), "right": len(gold & found)}
        per_topic[topic]["wrong"] = sorted(" -> ".join(x) for x in found - gold)
        per_topic[topic]["missed"] = sorted(" -> ".join(x) for x in gold - found)
    return {
        "link_precision": round(true_pos / found_n, 3) if found_n else 1.0,
        "link_recall": round(true_pos / gold_n, 3) if gold_n else 1.0,
        "links_found": found_n,
        "links_true": gold_n,
        "topics": per_topic,
    }


def records_of(path: Path, settings: Settings) -> list[DecisionRecord]:
    """The decision records ingest makes of one file (read, parse, chunk, record)."""
    meeting = parse_meeting(read_document(path, settings.ingest))
    return record_decisions(meeting, chunk_meeting(meeting, settings.ingest))


def extraction_figures(root: Path, gold_file: Path) -> dict[str, Any]:
    """Precision and recall of decisions found, and accuracy of type, mover, seconder and vote."""
    settings = Settings()
    lines = [json.loads(line) for line in gold_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    files = sorted({g["file"] for g in lines})
    gold = [g for g in lines if "anchor" in g]
    found_n = matched = 0
    right = {"type": 0, "mover": 0, "seconder": 0, "vote": 0}
    misses: list[str] = []
    for name in files:
        records = records_of(root / name, settings)
        found_n += len(records)
        used: set[str] = set()
        for g in (g for g in gold if g["file"] == name):
            anchor = " ".join(g["anchor"].split()).lower()
            hit = next(
                (r for r in records if r.id not in used and anchor in " ".join(r.text.split()).lower()), None
            )
            if hit is None:
                misses.append(f"{name}: {g['anchor'][:60]}")
                continue
            used.add(hit.id)
            matched += 1
            right["type"] += hit.type == g["type"]
            right["mover"] += _same_name(hit.mover, g.get("mover"))
            right["seconder"] += _same_name(hit.seconder, g.get("seconder"))
            right["vote"] += _same_vote(hit.vote, g.get("vote"))
    return {
        "files": len(files),
        "gold_decisions": len(gold),
        "found": found_n,
        "precision": round(matched / found_n, 3) if found_n else 1.0,
        "recall": round(matched / len(gold), 3) if gold else 1.0,
        **{f"{k}_accuracy": round(v / matched, 3) if matched else 0.0 for k, v in right.items()},
        "missed": misses,
    }


def _same_name(found: str | None, gold: str | None) -> bool:
    if not gold:
        return not found
    return bool(found) and gold.split()[-1].lower() in (found or "").lower()


def _same_vote(found: Vote | None, gold: dict[str, Any] | None) -> bool:
    if not gold:
        return found is None
    if found is None:
        return False
    keys = ("in_favour", "against", "abstentions", "unanimous")
    return all(getattr(found, k) == gold.get(k, False if k == "unanimous" else None) for k in keys)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    ext = sub.add_parser("extraction", help="decisions found against a hand-checked gold file")
    ext.add_argument("root", type=Path, help="folder the gold file's paths are relative to")
    ext.add_argument("--gold", type=Path, required=True)
    sub.add_parser("chains", help="links on the sample council against tests/data/sample_chains.json")
    args = parser.parse_args(argv)
    if args.what == "extraction":
        if not args.root.is_dir():
            print(f"skipped: {args.root} not found (pass the folder the gold file names files in)")
            return 0
        print(json.dumps(extraction_figures(args.root, args.gold), indent=2))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        opened = Assistant(Settings(data_dir=Path(tmp)))
        opened.ingest([SAMPLE_COUNCIL])
        print(json.dumps(chain_figures(opened), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
