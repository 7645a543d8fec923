"""The page's audit log: who asked what, when, and which restricted records were shown to whom.

A deployment with a login keeps one (issue 14), so that a council can answer a data-protection
or FOI request about its own use: an append-only JSONL file (COUNCILQA_PAGE__AUDIT_LOG, by
default DATA_DIR/audit.jsonl), one line per answer and per precedent search, and one per
restricted record opened in the sources panel or downloaded. Each line is one `write` to a file
opened with O_APPEND, so lines from concurrent requests never interleave; the log is written
before the answer is shown, and an answer that cannot be logged is not shown.

The page calls the functions here, which take the visitor's access from their role and nothing
else: `ask_as`, `precedent_as`, `open_source_as`, `source_file_as`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ArchiveError
from .settings import Settings
from .types import Answer, Citation, Filters

if TYPE_CHECKING:
    from .chat import Conversation
    from .pipeline import Assistant
    from .records import Precedent
    from .sources import SourceView
    from .users import PageUser


def audit_path(settings: Settings) -> Path | None:
    """Where the audit log goes: the setting, else DATA_DIR/audit.jsonl for a page with a login,
    else nowhere."""
    page = settings.page
    if page.audit_log is not None:
        return page.audit_log
    return settings.data_dir / "audit.jsonl" if page.guarded else None


def append_audit(path: Path, event: dict[str, Any]) -> None:
    """Append one event as one JSON line, in one write, stamped with the UTC time."""
    record = {"time": datetime.now(UTC).isoformat(timespec="milliseconds"), **event}
    line = (json.dumps(record, ensure_ascii=False, default=str) + "\n").encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            written = os.write(fd, line)
        finally:
            os.close(fd)
    except OSError as exc:
        raise ArchiveError(
            f"Cannot write the audit log {path} ({exc.strerror or exc}); fix its folder's permissions "
            "or set COUNCILQA_PAGE__AUDIT_LOG."
        ) from exc
    if written != len(line):
        raise ArchiveError(f"The audit log {path} took only part of a line (disk full?).")


def shown_citations(answer: Answer) -> list[Citation]:
    """Every citation an answer shows: its sources, or a refusal's related passages, and the
    flagged records listed beside it."""
    shown = [r.chunk.citation for r in answer.related] if answer.refused else [c for _, c in answer.sources]
    shown += [s.citation for s in answer.flagged]
    seen: dict[tuple[str, int, int], Citation] = {}
    for c in shown:
        seen.setdefault((c.doc_id, c.char_start, c.char_end), c)
    return list(seen.values())


def _cited(citations: Sequence[Citation], show_council: bool) -> list[dict[str, Any]]:
    """The records shown, as an audit line lists them: doc id, label and whether restricted."""
    return [
        {"doc_id": c.doc_id, "label": c.label_for(show_council), "restricted": c.access == "restricted"}
        for c in citations
    ]


def answer_event(user: PageUser, question: str, answer: Answer) -> dict[str, Any]:
    """The audit line of one answer."""
    shown = shown_citations(answer)
    filters = answer.filters.model_dump(mode="json", exclude_none=True) if answer.filters else {}
    return {
        "event": "answer",
        "user": user.name,
        "role": user.role,
        "question": question,
        "answering": answer.resolved_question or question,
        "filters": filters,
        "refused": answer.refused,
        "citations": _cited(shown, answer.show_council),
        "restricted": [c.doc_id for c in shown if c.access == "restricted"],
    }


def ask_as(
    assistant: Assistant, conversation: Conversation, user: PageUser, question: str, filters: Filters
) -> Answer:
    """Answer the next question of `user`'s conversation with the access of their role (whatever
    `filters` says of it), and log it."""
    answer = conversation.ask(assistant, question, filters.model_copy(update={"access": user.access}))
    if (path := audit_path(assistant.settings)) is not None:
        try:
            append_audit(path, answer_event(user, question, answer))
        except ArchiveError:
            conversation.answers.pop()  # not logged: not shown, and not followed on from
            conversation.turns.pop()
            raise
    return answer


def precedent_as(
    assistant: Assistant, user: PageUser, topic: str, filters: Filters, types: Sequence[str] = ()
) -> Precedent:
    """The decisions on `topic` as `user`'s role may see them, logged like an answer: the topic,
    the filters, each decision shown and which of them were restricted. Not logged: not shown."""
    found = assistant.precedent(topic, filters.model_copy(update={"access": user.access}), types)
    if (path := audit_path(assistant.settings)) is not None:
        shown = [e.decision.citation for e in found.entries]
        append_audit(
            path,
            {
                "event": "precedent",
                "user": user.name,
                "role": user.role,
                "topic": topic,
                "filters": found.filters.model_dump(mode="json", exclude_none=True),
                "types": list(types),
                "decisions": _cited(shown, found.show_council),
                "restricted": sorted({c.doc_id for c in shown if c.access == "restricted"}),
            },
        )
    return found


def open_source_as(assistant: Assistant, user: PageUser, citation: Citation) -> SourceView:
    """A cited passage in its agenda item, as `user` may see it; a restricted one opened is logged."""
    view = assistant.source(citation, user.access)
    if view.citation.access == "restricted" or _holds_restricted(assistant, citation.doc_id):
        _log_record(assistant, user, "source", citation.doc_id, view.label)
    return view


def source_file_as(assistant: Assistant, user: PageUser, doc_id: str) -> Path | None:
    """A document's original file, when `user` may read all of it (None: no such file, or not for
    them: the same answer); a restricted file handed out is logged."""
    path = assistant.source_file(doc_id, user.access)
    if path is not None and _holds_restricted(assistant, doc_id):
        _log_record(assistant, user, "download", doc_id, path.name)
    return path


def _holds_restricted(assistant: Assistant, doc_id: str) -> bool:
    record = assistant.index.document(doc_id)
    return record is not None and record.access != "public"


def _log_record(assistant: Assistant, user: PageUser, event: str, doc_id: str, label: str) -> None:
    if (path := audit_path(assistant.settings)) is not None:
        event_line = {"event": event, "user": user.name, "role": user.role, "doc_id": doc_id, "label": label}
        append_audit(path, {**event_line, "restricted": [doc_id]})
