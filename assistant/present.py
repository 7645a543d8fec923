"""An Answer as the CLI, the page and `--json` show it: markers in the text, the sources listed once.

One place for the shapes, so the front ends only print what these return.
"""

from __future__ import annotations

import re
from typing import Any

from .types import Answer, Citation

_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>#|~!]|^[-+=](?=\s)|^\d+(?=[.)]\s))", re.M)
_MARKER = re.compile(r"((?: \[\d+\])+)$")


def source_label(answer: Answer, citation: Citation) -> str:
    """The citation's label, naming the council when the archive holds several."""
    return citation.label_for(answer.show_council)


def answer_plain(answer: Answer) -> str:
    """The answer as plain text: the cited prose, then "Sources:" numbered, or related passages."""
    lines: list[str] = []
    if answer.resolved_question and answer.resolved_question != answer.question:
        lines.append(f"(answering: {answer.resolved_question})")
    lines.append(answer.text)
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
    }


def _passage(answer: Answer, citation: Citation) -> str | None:
    """The whole cited paragraph (the retrieved chunk the sentence came from), one step from the answer."""
    for scored in answer.retrieved:
        c = scored.chunk.citation
        if c.doc_id == citation.doc_id and c.char_start <= citation.char_start < c.char_end:
            return scored.chunk.text
    return None
