"""Files in, chunks out: readers -> parse -> chunk."""

from assistant.text import sentence_spans  # the shared sentence rule, re-exported

from .chunk import chunk_meeting
from .limits import Limits, display_path, over_limit, safe_text
from .parse import parse_meeting
from .readers import SUPPORTED_SUFFIXES, file_digest, read_document
from .records import record_decisions

__all__ = [
    "SUPPORTED_SUFFIXES",
    "Limits",
    "chunk_meeting",
    "display_path",
    "file_digest",
    "over_limit",
    "parse_meeting",
    "read_document",
    "record_decisions",
    "safe_text",
    "sentence_spans",
]
