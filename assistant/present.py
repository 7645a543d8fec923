"""An Answer as the CLI, the page and `--json` show it: markers in the text, the sources listed once.

One place for the shapes, so the front ends only print what these return.
"""

from __future__ import annotations

import html
import re
from datetime import date
from typing import TYPE_CHECKING, Any

from .types import Answer, Citation, Filters

if TYPE_CHECKING:
    from .ingest_files import IngestReport
    from .pipeline import IndexStatus
    from .sources import SourceParagraph, SourceView

# Markdown and HTML characters, list markers, and the ':' of "://" and the '.' of "www." so that
# a URL in a record is never turned into a live link
_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>#|~!]|^[-+=](?=\s)|^\d+(?=[.)]\s)|:(?=//)|(?<=\bwww)\.)", re.M | re.I)
_MARKER = re.compile(r"((?: \[\d+\])+)$")


def source_label(answer: Answer, citation: Citation) -> str:
    """The citation's label, naming the council when the archive holds several."""
    return citation.label_for(answer.show_council)


def describe_filters(filters: Filters | None) -> str | None:
    """The filters an answer used, in words ("Planning Committee; 1 Jan 2024 to 31 Dec 2024;
    minutes"), or None when it searched everything."""
    if filters is None or filters.is_empty():
        return None
    parts = [p for p in (filters.council, filters.body) if p]
    if filters.since and filters.until:
        parts.append(f"{_day(filters.since)} to {_day(filters.until)}")
    elif filters.since:
        parts.append(f"from {_day(filters.since)}")
    elif filters.until:
        parts.append(f"until {_day(filters.until)}")
    if filters.doc_type:
        parts.append({"minutes": "minutes", "report": "reports", "agenda": "agendas"}.get(
            filters.doc_type, filters.doc_type
        ))  # fmt: skip
    return "; ".join(parts)


def _day(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def answer_plain(answer: Answer) -> str:
    """The answer as plain text: the cited prose, then "Sources:" numbered, or related passages."""
    lines: list[str] = []
    if answer.resolved_question and answer.resolved_question != answer.question:
        lines.append(f"(answering: {answer.resolved_question})")
    lines.append(answer.text)
    if used := describe_filters(answer.filters):
        lines.append(f"\nSearched only: {used}")
    if answer.note:
        lines.append(f"\nNote: {answer.note}")
    if answer.refused and answer.related:
        lines.append("\nRelated, not an answer:")
        for scored in answer.related:
            snippet = " ".join(scored.chunk.text.split())[:160]
            lines.append(f"  - {snippet}… [{source_label(answer, scored.chunk.citation)}]")
    elif answer.sources:
        lines.append("\nSources:")
        for marker, citation in answer.sources:
            lines.append(f"  [{marker}] {source_label(answer, citation)} — {citation.source}")
    if answer.flagged:
        lines.append("\nFlagged (a record that gives orders instead of recording a meeting; never used):")
        for s in answer.flagged:
            lines.append(f"  - {s.text[:160]} [{source_label(answer, s.citation)}]")
    return "\n".join(lines)


def escape_markdown(text: str) -> str:
    """Record text shown as Markdown, inert: every Markdown and HTML character escaped."""
    return _MARKDOWN.sub(r"\\\1", text)


def _escape_line(line: str) -> str:
    """A line of the answer escaped, its trailing markers ("[1]") kept as they are."""
    m = _MARKER.search(line)
    if not m:
        return escape_markdown(line)
    return escape_markdown(line[: m.start()]) + m.group(1)


def answer_markdown(answer: Answer) -> str:
    """The answer as Markdown for the page; the records' own words are escaped, never live."""
    lines: list[str] = []
    if answer.resolved_question and answer.resolved_question != answer.question:
        lines.append(f"*Answering: {escape_markdown(answer.resolved_question)}*\n")
    if answer.note:
        lines.append(f"> Note: {escape_markdown(answer.note)}\n")
    if used := describe_filters(answer.filters):
        lines.append(f"*Searched only: {escape_markdown(used)}*\n")
    if answer.refused:
        lines.append(escape_markdown(answer.text))
        if answer.related:
            lines.append("\n**Related, not an answer:**")
            for scored in answer.related:
                snippet = escape_markdown(" ".join(scored.chunk.text.split())[:200])
                label = escape_markdown(source_label(answer, scored.chunk.citation))
                lines.append(f"- {snippet}… *[{label}]*")
        return "\n".join([*lines, *_flagged_markdown(answer)])
    body = [_escape_line(line) for line in answer.text.splitlines()]
    sources = [f"{marker}. {escape_markdown(source_label(answer, c))}" for marker, c in answer.sources]
    flagged = _flagged_markdown(answer)
    return "\n\n".join(
        [*lines, *body, "**Sources**", "\n".join(sources), *(["\n".join(flagged)] if flagged else [])]
    )


def _flagged_markdown(answer: Answer) -> list[str]:
    """Records that give orders, listed (escaped) so an officer can check them; never answers."""
    if not answer.flagged:
        return []
    lines = ["\n**Flagged** (a record that gives orders instead of recording a meeting; never used):"]
    for s in answer.flagged:
        label = escape_markdown(source_label(answer, s.citation))
        lines.append(f"- {escape_markdown(s.text[:200])} *[{label}]*")
    return lines


def answer_json(answer: Answer) -> dict[str, Any]:
    """The `ask --json` shape."""
    short = answer.short_answer
    return {
        "question": answer.question,
        "resolved_question": answer.resolved_question,
        "answer": answer.text,
        "short_answer": (
            {"text": short.text, "marker": short.marker, **_citation_json(answer, short.citation)}
            if short is not None
            else None
        ),
        "refused": answer.refused,
        "note": answer.note,
        "filters": answer.filters.model_dump(mode="json") if answer.filters is not None else None,
        "sources": [{"marker": marker, **_citation_json(answer, c)} for marker, c in answer.sources],
        "citations": [
            {
                "marker": s.marker,
                **_citation_json(answer, s.citation),
                "text": s.quote,
                "passage": _passage(answer, s.citation),
            }
            for s in answer.sentences
        ],
        "flagged": [{"text": s.text, **_citation_json(answer, s.citation)} for s in answer.flagged],
        "related": [
            {
                "label": source_label(answer, r.chunk.citation),
                "source": r.chunk.citation.source,
                "text": r.chunk.text,
            }
            for r in answer.related
        ],
    }


def _citation_json(answer: Answer, c: Citation) -> dict[str, Any]:
    return {
        "label": source_label(answer, c),
        "source": c.source,
        "council": c.council,
        "body": c.body,
        "meeting_date": c.meeting_date.isoformat() if c.meeting_date else None,
        "doc_type": c.doc_type,
        "title": c.title,
        "agenda_item": c.agenda_item,
        "meeting_item": c.meeting_item,
        "paragraph": c.paragraph,
        "item_paragraph": c.item_paragraph,
        "para_number": c.para_number,
        "char_start": c.char_start,
        "char_end": c.char_end,
        "page": c.page,
        "access": c.access,
    }


def _passage(answer: Answer, citation: Citation) -> str | None:
    """The whole cited paragraph (the retrieved chunk the sentence came from), one step from the answer."""
    for scored in answer.retrieved:
        c = scored.chunk.citation
        if c.doc_id == citation.doc_id and c.char_start <= citation.char_start < c.char_end:
            return scored.chunk.text
    return None


def source_html(view: SourceView, file_url: str | None) -> str:
    """The sources panel: the full label, the agenda item's paragraphs around the cited one with
    the quoted span marked, and the link to the original file. Every word of the record is
    escaped, so nothing in it is ever live HTML (no script, image or link of its own)."""
    c = view.citation
    out = [f'<section class="source" aria-label="Source: {_h(view.label)}">']
    out.append(f'<p class="source-label"><strong>{_h(view.label)}</strong></p>')
    facts = [
        (
            "Meeting",
            ", ".join(
                p for p in (c.body or c.council, _day(c.meeting_date) if c.meeting_date else None) if p
            ),
        ),
        ("Agenda item", view.item),
        ("Document", f"{view.document}{f' ({c.doc_type})' if c.doc_type else ''}"),
        ("Page", str(view.page) if view.page else None),
    ]
    out.append('<dl class="source-facts">')
    out += [f"<dt>{name}</dt><dd>{_h(value)}</dd>" for name, value in facts if value]
    out.append("</dl>")
    if view.hidden_before:
        out.append(f'<p class="source-more">… {view.hidden_before} earlier paragraph(s) of this item</p>')
    if not view.paragraphs:
        out.append("<p>This document is no longer in the archive.</p>")
    for p in view.paragraphs:
        out.append(_paragraph_html(p))
    if view.hidden_after:
        out.append(f'<p class="source-more">… {view.hidden_after} later paragraph(s) of this item</p>')
    if file_url is not None and view.file is not None:
        name = _h(view.file.name)
        if view.media_type == "application/pdf":
            at = f"#page={view.page}" if view.page else ""
            where = f" at page {view.page}" if view.page else ""
            out.append(
                f'<p class="source-links"><a href="{_h(file_url)}{at}" target="_blank" rel="noopener">'
                f"Open the PDF{where}</a> · "
                f'<a href="{_h(file_url)}?download=1" download="{name}">Download {name}</a></p>'
            )
        else:
            out.append(
                f'<p class="source-links"><a href="{_h(file_url)}?download=1" download="{name}">'
                f"Download the original ({name})</a></p>"
            )
    elif view.file is None:
        out.append(
            f'<p class="source-links">The original file ({_h(view.document)}) is not on disk here.</p>'
        )
    out.append("</section>")
    return "\n".join(out)


def _paragraph_html(p: SourceParagraph) -> str:
    pieces: list[str] = []
    at = 0
    for start, end in p.marks:
        pieces += [_h(p.text[at:start]), f"<mark>{_h(p.text[start:end])}</mark>"]
        at = end
    pieces.append(_h(p.text[at:]))
    text = "".join(pieces).replace("\n", "<br>")
    if p.cited:
        return f'<blockquote class="source-cited" aria-label="The cited paragraph"><p>{text}</p></blockquote>'
    return f'<p class="source-context">{text}</p>'


def _h(text: str | None) -> str:
    return html.escape(text or "", quote=True)


def status_markdown(status: IndexStatus) -> str:
    """What the archive holds, for the page's index panel (names escaped: they come from records)."""
    kinds = ", ".join(f"{n} {t}" for t, n in sorted(status.by_type.items())) or "none"
    dates = (
        f"{_day(status.first_date)} to {_day(status.last_date)}"
        if status.first_date and status.last_date
        else "unknown"
    )
    when = f"{status.last_ingest:%d %b %Y, %H:%M} UTC" if status.last_ingest else "never"
    rows = [
        ("Documents", f"{status.documents} ({kinds})"),
        ("Meetings", str(status.meetings)),
        ("Councils", ", ".join(status.councils) or "none named"),
        ("Bodies", ", ".join(status.bodies) or "none named"),
        ("Meeting dates", dates),
        ("Passages", str(status.chunks)),
        ("Last ingest", when),
    ]
    table = [f"| {k} | {escape_markdown(v)} |" for k, v in rows]
    return "\n".join(["| What | Indexed |", "|---|---|", *table])


def status_line(status: IndexStatus) -> str:
    """One line saying what the answers come from, for the top of the page."""
    if not status.documents:
        return "Nothing is indexed yet."
    span = (
        f", {status.first_date.year}–{status.last_date.year}"
        if status.first_date and status.last_date
        else ""
    )
    who = ", ".join(status.councils) or "the council"
    counts = f"{_n(status.meetings, 'meeting')}, {_n(len(status.bodies), 'body', 'bodies')}"
    return escape_markdown(f"Answers come from {_n(status.documents, 'document')} of {who} ({counts}{span}).")


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else many or one + 's'}"


def ingest_report_markdown(report: IngestReport) -> str:
    """What an upload did: files added, unchanged, copies, and each failure with its one-line reason."""
    lines = [
        f"Added {len(report.ingested)} file(s) ({report.chunks} passages), "
        f"{len(report.unchanged)} unchanged, {len(report.duplicates)} copies of indexed files, "
        f"{len(report.failed)} failed, "
        f"in {report.seconds:.1f} s."
    ]
    lines += [f"- added: {escape_markdown(_name(s))}" for s in report.ingested]
    lines += [f"- failed: {escape_markdown(reason)}" for _, reason in report.failed]
    lines += [
        f"- restricted: {escape_markdown(_name(s))}, {escape_markdown(why)}" for s, why in report.restricted
    ]
    lines += [f"- problem: {escape_markdown(p)}" for p in report.problems[:10]]
    return "\n".join(lines)


def _name(source: str) -> str:
    return source.replace("\\", "/").rsplit("/", 1)[-1]
