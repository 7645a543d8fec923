"""councilqa: questions over council records, answered with citations.

The public API: `cli`, `ui` and `evals` use only what is listed in `__all__`.
"""

from .answer import REFUSAL
from .errors import AssistantError, IndexMissingError, ModelError, NoEvidenceError, SourceError
from .pipeline import (
    SAMPLE_COUNCIL,
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
from .settings import Settings
from .types import Answer, AnswerSentence, Chunk, Citation, Filters, Meeting, ScoredChunk

__all__ = [
    "REFUSAL",
    "SAMPLE_COUNCIL",
    "Answer",
    "AnswerSentence",
    "AssistantError",
    "Chunk",
    "Citation",
    "Filters",
    "IndexMissingError",
    "IndexStatus",
    "IngestReport",
    "Meeting",
    "ModelError",
    "NoEvidenceError",
    "ScoredChunk",
    "Settings",
    "SourceError",
    "ask",
    "collect_files",
    "ensure_sample_council",
    "index_status",
    "ingest_paths",
    "is_empty",
    "open_index",
]
