"""A precedent search shown: plain text, JSON rows (for the page's table) and the "Previous
decisions" brief an officer pastes into a report, in Markdown or DOCX."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .present import escape_markdown
from .records import DecisionRecord, Precedent, PrecedentEntry


def precedent_rows(found: Precedent) -> list[dict[str, Any]]:
    """One flat row per decision, in date order: the table the page and `--json` show."""
    rows = []
    for entry in found.entries:
        d = entry.decision
        rows.append(
            {
                "id": d.id,
                "date": d.meeting_date.isoformat() if d.meeting_date else None,
                "body": d.body,
                "item": d.minute_ref or d.item_title,
                "item_title": d.item_title,
                "type": d.type,
                "form": d.form,
                "vote": d.vote.label if d.vote else None,
                "mover": d.mover,
                "seconder": d.seconder,
                "officer_advice": d.officer_advice,
                "to_body": d.to_body,
                "matter": d.matter.model_dump(),
                "text": d.text,
                "label": _label(d, found.show_council),
                "source": d.citation.source,
                "citation": d.citation.model_dump(mode="json"),
                "later": [link.model_dump() | {"label": link.label} for link in entry.later],
                "earlier": [link.model_dump() for link in entry.earlier],
            }
        )
    return rows


def precedent_json(found: Precedent) -> dict[str, Any]:
    """The whole search as JSON: what was searched, each decision, and the not-found line."""
    f = found.filters
    return {
        "topic": found.topic,
        "filters": f.model_dump(mode="json"),
        "types": found.types,
        "bodies": found.bodies,
        "first_date": found.first_date.isoformat() if found.first_date else None,
        "last_date": found.last_date.isoformat() if found.last_date else None,
        "searched": found.searched,
        "decisions": precedent_rows(found),
        "not_found": found.not_found,
    }


def precedent_plain(found: Precedent) -> str:
    """The decisions as terminal text, one block each, with what happened next."""
    lines = [f"Decisions on '{found.topic}' ({len(found.entries)}), oldest first:", ""]
    for n, entry in enumerate(found.entries, start=1):
        lines.append(f"[{n}] {_heading(entry.decision)}")
        lines.extend(f"    {line}" for line in _facts(entry))
        lines.append(f"    {_quote(entry.decision.text)}")
        lines.append(
            f"    Source: {_label(entry.decision, found.show_council)} — {entry.decision.citation.source}"
        )
        lines.append("")
    lines.append(f"Not found: {found.not_found}")
    return "\n".join(lines)


def precedent_markdown(found: Precedent) -> str:
    """The "Previous decisions" brief in Markdown, record text escaped."""
    esc = escape_markdown
    out = [f"## Previous decisions: {esc(found.topic)}", "", *(f"{line}  " for line in _scope(found)), ""]
    for n, entry in enumerate(found.entries, start=1):
        d = entry.decision
        out.append(f"{n}. **{esc(_heading(d))}**")
        for line in _facts(entry):
            out.append(f"   - {esc(line)}")
        out.append(f"   > {esc(_quote(d.text))}")
        out.append(f"   - Source: {esc(_label(d, found.show_council))}")
        out.append("")
    out.append(f"*Not found:* {esc(found.not_found)}")
    return "\n".join(out) + "\n"


def write_brief(found: Precedent, path: Path) -> Path:
    """Write the brief as Markdown (.md) or Word (.docx), by the file's suffix."""
    suffix = path.suffix.lower()
    if suffix in (".md", ".markdown", ".txt"):
        path.write_text(precedent_markdown(found), encoding="utf-8")
        return path
    if suffix != ".docx":
        raise ValueError(f"{path.name}: the brief is written as .md or .docx")
    import docx

    doc = docx.Document()
    doc.add_heading(f"Previous decisions: {found.topic}", level=2)
    for line in _scope(found):
        doc.add_paragraph(line)
    for entry in found.entries:
        d = entry.decision
        doc.add_paragraph(_heading(d), style="List Number")
        for line in _facts(entry):
            doc.add_paragraph(line, style="List Bullet")
        quote = doc.add_paragraph(_quote(d.text))
        quote.paragraph_format.left_indent = docx.shared.Cm(1)
        doc.add_paragraph(f"Source: {_label(d, found.show_council)}", style="List Bullet")
    note = doc.add_paragraph()
    note.add_run("Not found: ").italic = True
    note.add_run(found.not_found)
    doc.save(str(path))
    return path


def _scope(found: Precedent) -> list[str]:
    f = found.filters
    when = (
        f"{found.first_date:%d %b %Y} to {found.last_date:%d %b %Y}"
        if found.first_date and found.last_date
        else "no dated meetings"
    )
    asked = []
    if f.body:
        asked.append(f"body '{f.body}'")
    if f.since or f.until:
        asked.append(f"from {f.since or 'the start'} to {f.until or 'today'}")
    if found.types:
        asked.append("types: " + ", ".join(found.types))
    lines = [
        f"Topic: {found.topic}",
        f"Searched: {found.searched} decisions of {', '.join(found.bodies) or 'no body'}, {when}",
    ]
    if asked:
        lines.append("Filters: " + "; ".join(asked))
    lines.append(f"Found: {len(found.entries)} decision(s), oldest first")
    return lines


def _heading(d: DecisionRecord) -> str:
    what = d.type if d.form != "amendment" else f"amendment {d.type}"
    to = f" to {d.to_body}" if d.type == "recommended" and d.to_body else ""
    return f"{d.where}: {what}{to}"


def _facts(entry: PrecedentEntry) -> list[str]:
    d = entry.decision
    facts = []
    who = [f"moved by {d.mover}" if d.mover else "", f"seconded by {d.seconder}" if d.seconder else ""]
    if any(who):
        joined = ", ".join(w for w in who if w)
        facts.append(joined[:1].upper() + joined[1:])
    if d.vote:
        facts.append(f"Vote: {d.vote.label}")
    if d.officer_advice:
        facts.append(
            f"{'Followed' if d.officer_advice == 'followed' else 'Against'} the officer recommendation"
        )
    for link in entry.earlier:
        facts.append(f"Acted on: {link.other_where} ({link.relation}; {link.method}: {link.evidence})")
    for link in entry.later:
        facts.append(f"Later {link.relation}: {link.other_where} ({link.method}: {link.evidence})")
    if not entry.later:
        facts.append("What happened next: nothing later found on the matter")
    return facts


def _quote(text: str) -> str:
    return f"“{' '.join(text.split())}”"


def _label(d: DecisionRecord, show_council: bool) -> str:
    return d.citation.label_for(show_council)
