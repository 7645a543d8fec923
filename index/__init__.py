"""Embeddings, Chroma, BM25 and hybrid retrieval. Framework words stay in here."""

from assistant.text import tokenize  # the shared word rule, re-exported

from .claims import Claim
from .documents import DocumentRecord, StoredChunk
from .embed import Embedder, SentenceTransformerEmbedder, bundled_model_path
from .keyword import KeywordIndex
from .light_embed import LightEmbedder, query_embedder
from .lock import ArchiveLock, fill_lock
from .metadata import body_key, build_where
from .retrieve import embedding_text, fuse, fuse_candidates, match_bodies, rank_fused
from .sentence_vectors import PassageVector, SentenceVectors
from .store import CouncilIndex
from .vector import VectorStore

__all__ = [
    "ArchiveLock",
    "Claim",
    "CouncilIndex",
    "DocumentRecord",
    "Embedder",
    "KeywordIndex",
    "LightEmbedder",
    "SentenceTransformerEmbedder",
    "PassageVector",
    "SentenceVectors",
    "StoredChunk",
    "VectorStore",
    "body_key",
    "build_where",
    "bundled_model_path",
    "embedding_text",
    "fill_lock",
    "fuse",
    "fuse_candidates",
    "match_bodies",
    "query_embedder",
    "rank_fused",
    "tokenize",
]
