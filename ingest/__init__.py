"""Files in, chunks out: readers -> parse -> chunk."""

from .chunk import chunk_meeting, sentence_spans
from .parse import parse_meeting
from .readers import SUPPORTED_SUFFIXES, file_digest, read_document

__all__ = [
    "SUPPORTED_SUFFIXES",
    "chunk_meeting",
    "file_digest",
    "parse_meeting",
    "read_document",
    "sentence_spans",
]
