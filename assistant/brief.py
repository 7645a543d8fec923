"""A precedent search shown: plain text, JSON rows, the page's table and the "Previous
decisions" brief an officer pastes into a report, in Markdown or DOCX."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from .present import escape_markdown
from .records import DecisionRecord, Precedent, PrecedentEntry
from .types import Citation

# The page's table of decisions, one row per decision (precedent_table)
PRECEDENT_COLUMNS = (
    "Date",
    "Body",
    "Item",
    "Type",
    "Outcome",
    "Vote",
    "Mover / seconder",
    "What happened next",
    "Decision",
)
_SHORT = 160  # characters of the decision's words the table shows (the source shows them all)


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


def precedent_table(found: Precedent) -> list[list[str]]:
    """The page's table: one row per decision in date order, in PRECEDENT_COLUMNS; unknown stays
    empty. Row n's source is `precedent_sources(found)[n]`."""
    rows = []
    for entry in found.entries:
        d = entry.decision
        who = " / ".join(p or "–" for p in (d.mover, d.seconder)) if d.mover or d.seconder else ""
        later = "; ".join(f"{link.relation}: {link.other_where}" for link in entry.later)
        rows.append(
            [
                f"{d.meeting_date.day} {d.meeting_date:%b %Y}" if d.meeting_date else "",
                d.body or "",
                _item(d),
                "officer report" if d.type == "recommended by officers" else (d.form or ""),
                _outcome(d),
                d.vote.label if d.vote else "",
                who,
                later or "none found",
                _short(d.text),
            ]
        )
    return rows


def precedent_sources(found: Precedent) -> list[tuple[str, Citation]]:
    """Each row's source, in the table's order: "[n] its citation label" and the citation."""
    return [
        (f"[{n}] {_label(e.decision, found.show_council)}", e.decision.citation)
        for n, e in enumerate(found.entries, start=1)
    ]


def precedent_html(found: Precedent) -> str:
    """The page's table as HTML: a numbered button opens each row's source (`data-row` is the
    row's place in `precedent_sources`). Every word of the records is escaped: nothing in them is
    ever live HTML."""
    if not found.entries:
        return f'<p class="precedent-none">No decision on ‘{html.escape(found.topic)}’ was found.</p>'
    head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in ("Source", *PRECEDENT_COLUMNS))
    body = []
    for n, (row, (label, _)) in enumerate(zip(precedent_table(found), precedent_sources(found), strict=True)):
        button = (
            f'<button type="button" class="precedent-open" data-row="{n}" '
            f'aria-label="Open source {n + 1}: {html.escape(label[len(f"[{n + 1}] ") :])}">{n + 1}</button>'
        )
        cells = "".join(f"<td>{html.escape(value)}</td>" for value in row)
        body.append(f"<tr><td>{button}</td>{cells}</tr>")
    caption = f"Decisions on ‘{html.escape(found.topic)}’, oldest first: choose a number to read its source"
    return (
        f'<div class="precedent-scroll" role="region" aria-label="Decisions" tabindex="0">'
        f'<table class="precedent"><caption>{caption}</caption><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def precedent_summary(found: Precedent) -> str:
    """What the search found and searched, and what it did not find, in Markdown (escaped)."""
    esc = escape_markdown
    count = len(found.entries)
    head = f"**{count} decision{'' if count == 1 else 's'} on ‘{esc(found.topic)}’**, oldest first."
    scope = [esc(line) for line in _scope(found) if not line.startswith(("Topic:", "Found:"))]
    return "\n\n".join([head, "  \n".join(scope), f"*Not found:* {esc(found.not_found)}"])


def write_briefs(found: Precedent, folder: Path) -> list[Path]:
    """The brief in both formats in `folder`, named after the topic: [.docx, .md]."""
    slug = "-".join(re.findall(r"[a-z0-9]+", found.topic.lower()))[:60].strip("-") or "topic"
    folder.mkdir(parents=True, exist_ok=True)
    return [write_brief(found, folder / f"previous-decisions-{slug}{suffix}") for suffix in (".docx", ".md")]


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


def _item(d: DecisionRecord) -> str:
    """ "5. Future of Northgate Library", "Minute 45/2024: Budget", "Item 5: <report title>"."""
    title, ref = (d.item_title or "").strip(), d.minute_ref
    if ref and title and (ref.startswith("Minute") or not title[:1].isdigit()):
        return f"{ref}: {title}"
    return title or ref or ""


def _outcome(d: DecisionRecord) -> str:
    what: str = d.type
    if d.type == "recommended" and d.to_body:
        what = f"recommended to {d.to_body}"
    if d.officer_advice:
        what += f" ({'following' if d.officer_advice == 'followed' else 'against'} officer advice)"
    return what


def _short(text: str) -> str:
    words = " ".join(text.split())
    return words if len(words) <= _SHORT else words[: _SHORT - 1].rsplit(" ", 1)[0] + " …"


def _quote(text: str) -> str:
    return f"“{' '.join(text.split())}”"


def _label(d: DecisionRecord, show_council: bool) -> str:
    return d.citation.label_for(show_council)
