"""councilqa: questions over council records, answered with citations.

The public API: `cli`, `ui` and `evals` use only what is listed in `__all__`.
Names load lazily, so `ingest` and `index` can import `assistant.types`,
`assistant.settings` and `assistant.errors` without pulling in the pipeline.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .answer import REFUSAL
    from .archive import ArchiveCheck, Problem, archive_lock, check_archive
    from .brief import (
        PRECEDENT_COLUMNS,
        precedent_html,
        precedent_json,
        precedent_markdown,
        precedent_plain,
        precedent_rows,
        precedent_sources,
        precedent_summary,
        precedent_table,
        write_brief,
        write_briefs,
    )
    from .chat import Conversation
    from .conversation import Turn, load_turns, resolve
    from .errors import (
        ArchiveBusyError,
        ArchiveError,
        AssistantError,
        IndexMissingError,
        ModelError,
        NoEvidenceError,
        SourceError,
    )
    from .ingesting import display_path
    from .pipeline import (
        EMBED_BATCH,
        SAMPLE_COUNCIL,
        Assistant,
        IndexStatus,
        IngestReport,
        ask,
        collect_files,
        ensure_sample_council,
        index_status,
        ingest_paths,
        is_empty,
        open_index,
    )
    from .present import (
        answer_json,
        answer_markdown,
        answer_plain,
        describe_filters,
        escape_markdown,
        ingest_report_markdown,
        source_html,
        status_line,
        status_markdown,
    )
    from .query import parse_query
    from .records import DECISION_TYPES, DecisionLink, DecisionRecord, Precedent, PrecedentEntry
    from .settings import PageSettings, Settings
    from .sources import SourceParagraph, SourceView, media_type
    from .types import Answer, AnswerSentence, Chunk, Citation, Filters, Meeting, ScoredChunk

_WHERE = {
    "REFUSAL": "answer",
    "Turn": "conversation",
    "Conversation": "chat",
    "describe_filters": "present",
    "ingest_report_markdown": "present",
    "source_html": "present",
    "status_line": "present",
    "status_markdown": "present",
    "PageSettings": "settings",
    "SourceParagraph": "sources",
    "SourceView": "sources",
    "media_type": "sources",
    "load_turns": "conversation",
    "resolve": "conversation",
    "parse_query": "query",
    "precedent_html": "brief",
    "precedent_json": "brief",
    "precedent_markdown": "brief",
    "precedent_plain": "brief",
    "precedent_rows": "brief",
    "precedent_sources": "brief",
    "precedent_summary": "brief",
    "precedent_table": "brief",
    "write_brief": "brief",
    "write_briefs": "brief",
    "PRECEDENT_COLUMNS": "brief",
    "DECISION_TYPES": "records",
    "DecisionLink": "records",
    "DecisionRecord": "records",
    "Precedent": "records",
    "PrecedentEntry": "records",
    "answer_json": "present",
    "answer_markdown": "present",
    "answer_plain": "present",
    "escape_markdown": "present",
    "archive_lock": "archive",
    "ArchiveCheck": "archive",
    "Problem": "archive",
    "check_archive": "archive",
    "ArchiveBusyError": "errors",
    "ArchiveError": "errors",
    "display_path": "ingesting",
    "AssistantError": "errors",
    "IndexMissingError": "errors",
    "ModelError": "errors",
    "NoEvidenceError": "errors",
    "SourceError": "errors",
    "EMBED_BATCH": "pipeline",
    "SAMPLE_COUNCIL": "pipeline",
    "Assistant": "pipeline",
    "IndexStatus": "pipeline",
    "IngestReport": "pipeline",
    "ask": "pipeline",
    "collect_files": "pipeline",
    "ensure_sample_council": "pipeline",
    "index_status": "pipeline",
    "ingest_paths": "pipeline",
    "is_empty": "pipeline",
    "open_index": "pipeline",
    "Settings": "settings",
    "Answer": "types",
    "AnswerSentence": "types",
    "Chunk": "types",
    "Citation": "types",
    "Filters": "types",
    "Meeting": "types",
    "ScoredChunk": "types",
}

__all__ = [
    "DECISION_TYPES",
    "EMBED_BATCH",
    "PRECEDENT_COLUMNS",
    "REFUSAL",
    "SAMPLE_COUNCIL",
    "Answer",
    "AnswerSentence",
    "Assistant",
    "ArchiveBusyError",
    "ArchiveCheck",
    "ArchiveError",
    "AssistantError",
    "Chunk",
    "Citation",
    "Conversation",
    "DecisionLink",
    "DecisionRecord",
    "Filters",
    "IndexMissingError",
    "IndexStatus",
    "IngestReport",
    "Meeting",
    "ModelError",
    "NoEvidenceError",
    "PageSettings",
    "Precedent",
    "PrecedentEntry",
    "Problem",
    "ScoredChunk",
    "Settings",
    "SourceError",
    "SourceParagraph",
    "SourceView",
    "Turn",
    "answer_json",
    "answer_markdown",
    "answer_plain",
    "archive_lock",
    "ask",
    "check_archive",
    "collect_files",
    "describe_filters",
    "display_path",
    "ensure_sample_council",
    "escape_markdown",
    "index_status",
    "ingest_report_markdown",
    "ingest_paths",
    "is_empty",
    "load_turns",
    "media_type",
    "open_index",
    "parse_query",
    "precedent_html",
    "precedent_json",
    "precedent_markdown",
    "precedent_plain",
    "precedent_rows",
    "precedent_sources",
    "precedent_summary",
    "precedent_table",
    "resolve",
    "source_html",
    "status_line",
    "status_markdown",
    "write_brief",
    "write_briefs",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'assistant' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value
