"""How well does ingest read the recorded meeting's date and body from real Limerick minutes?

Usage:
    python -m bench.limerick_metadata PATH/TO/limerick-minutes [--out DIR] [--sample FILE]

- Date: over every minutes file in `manifest.jsonl` (kind == "minutes"), the share whose
  derived recorded-meeting date equals the date written in the file name. Minutes are filed
  under the meeting that *adopted* them, so the folder's date is not the answer; the file
  name names the meeting recorded. Reported twice: from the text alone (file name hidden
  from the parser) and as ingested (the file name is the fallback when the text has none).
- Body: the derived body beside the folder's meeting title for a fixed sample; the verdicts
  in `bench/limerick_body_sample.jsonl` were judged by hand (`--sample` re-reads them and
  flags rows whose derived body no longer matches the body that was judged).

Writes `limerick_metadata.json` and `limerick_metadata.md` to `--out` (default: bench/results).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from assistant.types import RawDocument
from ingest import parse_meeting, read_document
from ingest.metadata import find_dates

HERE = Path(__file__).resolve().parent


def file_name_date(name: str) -> date | None:
    """The date written in a Limerick file name, e.g. "... - 6th June 2014.md"."""
    dates = find_dates(name.rsplit(".", 1)[0].replace("_", " "))
    return dates[0][1] if dates else None


def load_manifest(root: Path) -> list[dict[str, Any]]:
    with (root / "manifest.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def derive(root: Path, row: dict[str, Any]) -> dict[str, Any]:
    """Parse one file twice: as ingested, and with its file name hidden (text only)."""
    path = root / row["path"]
    raw = read_document(path)
    meeting = parse_meeting(raw)
    hidden = RawDocument(doc_id=raw.doc_id, source="/x/document.md", format=raw.format, text=raw.text)
    text_only = parse_meeting(hidden)
    return {
        "path": row["path"],
        "meeting_title": row["meeting_title"],
        "name_date": file_name_date(path.name),
        "date": meeting.meeting_date,
        "text_date": text_only.meeting_date,
        "body": meeting.body,
        "council": meeting.council,
        "items": sum(1 for item in meeting.items if item.number),
    }


def date_figures(rows: list[dict[str, Any]]) -> dict[str, Any]:
    judged = [r for r in rows if r["name_date"] is not None]
    ingest_hits = sum(r["date"] == r["name_date"] for r in judged)
    text_hits = sum(r["text_date"] == r["name_date"] for r in judged)
    misses = [
        {
            "path": r["path"],
            "name_date": str(r["name_date"]),
            "derived": str(r["date"]),
            "text_only": str(r["text_date"]),
        }
        for r in judged
        if r["date"] != r["name_date"]
    ]
    text_misses = [
        {"path": r["path"], "name_date": str(r["name_date"]), "text_only": str(r["text_date"])}
        for r in judged
        if r["text_date"] != r["name_date"]
    ]
    return {
        "minutes_files": len(rows),
        "with_name_date": len(judged),
        "ingest_agree": ingest_hits,
        "ingest_share": round(ingest_hits / max(1, len(judged)), 4),
        "text_agree": text_hits,
        "text_share": round(text_hits / max(1, len(judged)), 4),
        "text_none": sum(r["text_date"] is None for r in judged),
        "misses": misses,
        "text_misses": text_misses,
    }


def body_figures(rows: list[dict[str, Any]], sample_path: Path) -> dict[str, Any]:
    by_path = {r["path"]: r for r in rows}
    verdicts = [json.loads(line) for line in sample_path.read_text(encoding="utf-8").splitlines() if line]
    table = []
    changed = 0
    for v in verdicts:
        now = by_path.get(v["path"], {}).get("body")
        same = now == v["derived_body"]
        changed += not same
        table.append({**v, "derived_now": now, "unchanged": same})
    correct = sum(1 for v in verdicts if v["verdict"] == "correct")
    return {
        "sample": len(verdicts),
        "correct": correct,
        "share": round(correct / max(1, len(verdicts)), 4),
        "changed_since_judged": changed,
        "rows": table,
    }


def pick_body_sample(rows: list[dict[str, Any]], n: int = 40) -> list[dict[str, Any]]:
    """A fixed, spread sample: every k-th minutes file in manifest order."""
    step = max(1, len(rows) // n)
    return rows[::step][:n]


def write_markdown(result: dict[str, Any], path: Path) -> None:
    d = result["date"]
    lines = [
        "# Limerick minutes: recorded-meeting metadata",
        "",
        "| measure | value |",
        "|---|---|",
        f"| minutes files | {d['minutes_files']} |",
        f"| with a date in the file name | {d['with_name_date']} |",
        f"| date as ingested = file-name date | {d['ingest_agree']} ({d['ingest_share']:.1%}) |",
        f"| date from text alone = file-name date | {d['text_agree']} ({d['text_share']:.1%}) |",
        f"| no date found in the text | {d['text_none']} |",
    ]
    if "body" in result:
        b = result["body"]
        lines.append(
            f"| body correct (hand-judged sample) | {b['correct']}/{b['sample']} ({b['share']:.1%}) |"
        )
    lines += ["", f"Seconds: {result['seconds']}", "", "## Date misses (as ingested)", ""]
    lines += [f"- {m['path']}: file name {m['name_date']}, derived {m['derived']}" for m in d["misses"]]
    lines += ["", "## Date misses (text alone)", ""]
    lines += [f"- {m['path']}: file name {m['name_date']}, text {m['text_only']}" for m in d["text_misses"]]
    if "body" in result:
        lines += [
            "",
            "## Body sample",
            "",
            "| folder meeting title | derived body | verdict |",
            "|---|---|---|",
        ]
        for r in result["body"]["rows"]:
            flag = "" if r["unchanged"] else " (changed)"
            lines.append(f"| {r['meeting_title']} | {r['derived_now']} | {r['verdict']}{flag} |")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("root", type=Path, help="the limerick-minutes folder (holds manifest.jsonl)")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--sample", type=Path, default=HERE / "limerick_body_sample.jsonl")
    parser.add_argument("--print-body-sample", action="store_true", help="print the sample to judge by hand")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    minutes = [r for r in load_manifest(args.root) if r["kind"] == "minutes"]
    rows = [derive(args.root, r) for r in minutes]
    if args.print_body_sample:
        for r in pick_body_sample(rows):
            print(
                json.dumps(
                    {"path": r["path"], "meeting_title": r["meeting_title"], "derived_body": r["body"]}
                )
            )
        return 0
    result: dict[str, Any] = {"date": date_figures(rows)}
    if args.sample.exists():
        result["body"] = body_figures(rows, args.sample)
    result["seconds"] = round(time.perf_counter() - started, 1)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "limerick_metadata.json").write_text(
        json.dumps(result, indent=2, default=str), encoding="utf-8"
    )
    write_markdown(result, args.out / "limerick_metadata.md")
    d = result["date"]
    print(f"{'measure':<44} value")
    print(f"{'minutes files':<44} {d['minutes_files']}")
    judged = d["with_name_date"]
    print(f"{'date as ingested = file-name date':<44} {d['ingest_agree']}/{judged} ({d['ingest_share']:.1%})")
    print(f"{'date from text alone = file-name date':<44} {d['text_agree']}/{judged} ({d['text_share']:.1%})")
    print(f"{'no date found in the text':<44} {d['text_none']}")
    if "body" in result:
        b = result["body"]
        print(f"{'body correct (hand-judged sample)':<44} {b['correct']}/{b['sample']} ({b['share']:.1%})")
        print(f"{'sample rows whose derived body changed':<44} {b['changed_since_judged']}")
    print(f"misses (as ingested): {len(d['misses'])}")
    for m in d["misses"]:
        print(f"  {m['path']}: name {m['name_date']} derived {m['derived']} text {m['text_only']}")
    print(f"results: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
