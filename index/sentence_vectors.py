"""Each sentence's vector, pooled at ingest from the passage's own forward pass.

An answer weighs every sentence of the retrieved passages against the question. Embedding those
sentences at question time was most of a warm `ask` (15-30 sentences, about 0.3 s of one core).
The encoder already computes a vector for every token of a passage at ingest, so a sentence's
vector is the mean of its tokens' vectors there ("late chunking": Günther et al., 2024, "Late
Chunking: Contextual Chunk Embeddings Using Long-Context Embedding Models"), at no extra encoder
cost. They are stored beside the chunk (float16, with the sentence's character span in the chunk's
text), and a sentence whose span is not stored (cut off by the encoder's length limit, or split
differently by newer sentence rules) is embedded at question time as before. SEE: issue 13.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

Span = tuple[int, int]
SentenceVectors = Mapping[Span, Sequence[float]]  # a chunk's sentences' vectors, by character span
_HEADER = np.dtype("<u4")
_SPAN = np.dtype("<i4")
_VALUE = np.dtype("<f2")


class PassageVector(list[float]):
    """A passage's vector (a plain list of floats, as Chroma takes it) with its sentences' vectors
    from the same forward pass, packed for the chunk's stored record ("" when there are none)."""

    def __init__(self, vector: Sequence[float], sentences: str = "") -> None:
        super().__init__(vector)
        self.sentences = sentences


def pool_spans(
    tokens: np.ndarray[Any, Any], offsets: Sequence[Span], spans: Sequence[Span]
) -> list[np.ndarray[Any, Any] | None]:
    """The unit mean of the token vectors inside each character span (None when the encoder read
    none of the span, or not all of it: it stopped at its length limit)."""
    starts = np.array([s for s, e in offsets if e > s] or [0])
    ends = np.array([e for s, e in offsets if e > s] or [0])
    rows = np.array([i for i, (s, e) in enumerate(offsets) if e > s] or [0])
    read_to = int(ends.max()) if len(offsets) else 0
    out: list[np.ndarray[Any, Any] | None] = []
    for start, end in spans:
        inside = rows[(starts < end) & (ends > start)] if len(offsets) else rows[:0]
        if not len(inside) or end > read_to:
            out.append(None)
            continue
        pooled = tokens[inside].astype(np.float32).mean(axis=0)
        norm = float(np.linalg.norm(pooled))
        out.append(pooled / norm if norm > 0 else None)
    return out


def pack(spans: Sequence[Span], vectors: Sequence[np.ndarray[Any, Any] | None]) -> str:
    """Spans and their vectors as one ASCII string (spans without a vector are left out)."""
    kept = [(span, v) for span, v in zip(spans, vectors, strict=True) if v is not None]
    if not kept:
        return ""
    dim = len(kept[0][1])
    header = np.array([len(kept), dim], dtype=_HEADER).tobytes()
    where = np.array([span for span, _ in kept], dtype=_SPAN).tobytes()
    values = np.stack([v for _, v in kept]).astype(_VALUE).tobytes()
    return base64.b64encode(header + where + values).decode("ascii")


def unpack(packed: str) -> dict[Span, list[float]]:
    """What `pack` wrote, by span ({} for an empty or unreadable string)."""
    if not packed:
        return {}
    try:
        raw = base64.b64decode(packed, validate=True)
        count, dim = (int(x) for x in np.frombuffer(raw[:8], dtype=_HEADER))
        spans = np.frombuffer(raw[8 : 8 + 8 * count], dtype=_SPAN).reshape(count, 2)
        values = np.frombuffer(raw[8 + 8 * count :], dtype=_VALUE).reshape(count, dim)
    except ValueError:  # written by something else: embed those sentences at question time
        return {}
    floats = values.astype(np.float32)
    return {(int(s), int(e)): floats[i].tolist() for i, (s, e) in enumerate(spans)}
