"""Files in, chunks out: readers -> parse -> chunk."""

from .chunk import chunk_meeting, sentence_spans
from .limits import Limits, display_path, over_limit, safe_text
from .parse import parse_meeting
from .readers import SUPPORTED_SUFFIXES, file_digest, read_document

__all__ = [
    "SUPPORTED_SUFFIXES",
    "Limits",
    "chunk_meeting",
    "display_path",
    "file_digest",
    "over_limit",
    "parse_meeting",
    "read_document",
    "safe_text",
    "sentence_spans",
]
