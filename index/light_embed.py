"""The question-time encoder: all-MiniLM-L6-v2's forward pass in numpy, with no torch.

A cold `councilqa ask` spent most of its time importing sentence-transformers and torch (about
10 s on 2 cores) to embed one question and a few dozen sentences. This reads the same bundled
weights (`model.safetensors`) and tokenizer (`tokenizer.json`, through the `tokenizers` package)
and runs BERT, mean pooling and normalisation in numpy: the same vectors as sentence-transformers
to within cosine 0.999 (tests/e2e/test_light_embed_e2e.py), loaded in a fraction of a second.
Ingest keeps sentence-transformers (batched, bf16, a GPU when there is one). SEE: issue 13.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import ModelError
from assistant.settings import IndexSettings

from .embed import bundled_model_path

if TYPE_CHECKING:
    import numpy as np
    from tokenizers import Tokenizer

# most texts per forward pass (sorted by length first, so a batch pads little)
_BATCH = 32
# a batch holds texts up to this many times (plus 8 tokens) as long as its shortest
_SPREAD = 1.25
# texts whose vectors are kept: a question is embedded for retrieval, then by the answerer
_RECENT = 256


def light_supported(folder: Path) -> bool:
    """True when the model folder is a BERT encoder with mean pooling and normalisation, in
    safetensors: the one shape this module computes (all-MiniLM-L6-v2 and its kind)."""
    try:
        config = json.loads((folder / "config.json").read_text())
        modules = json.loads((folder / "modules.json").read_text())
        pooling_dir = next(m["path"] for m in modules if m["type"].endswith("Pooling"))
        pooling = json.loads((folder / pooling_dir / "config.json").read_text())
    except (OSError, ValueError, KeyError, StopIteration):
        return False
    kinds = [str(m["type"]).rsplit(".", 1)[-1] for m in modules]
    return (
        config.get("model_type") == "bert"
        and config.get("hidden_act") == "gelu"
        and config.get("position_embedding_type", "absolute") == "absolute"
        and kinds == ["Transformer", "Pooling", "Normalize"]
        and bool(pooling.get("pooling_mode_mean_tokens"))
        and not any(
            v for k, v in pooling.items() if k.startswith("pooling_mode_") and k != "pooling_mode_mean_tokens"
        )
        and (folder / "model.safetensors").is_file()
        and (folder / "tokenizer.json").is_file()
    )


def query_embedder(settings: IndexSettings) -> LightEmbedder | None:
    """The light encoder when the settings choose it and the model folder is of its kind, else None
    (sentence-transformers embeds questions too)."""
    if settings.query_encoder != "light":
        return None
    try:
        folder = Path(settings.model_path) if settings.model_path else bundled_model_path()
    except ModelError:
        return None  # sentence-transformers says what is missing, when it is first needed
    return LightEmbedder(settings) if light_supported(folder) else None


class LightEmbedder:
    """all-MiniLM-L6-v2 in numpy (no torch), for questions and the sentences an answer weighs."""

    def __init__(self, settings: IndexSettings) -> None:
        self.settings = settings
        self._model: _Bert | None = None
        self._threads: Any = None  # threadpoolctl's controller of numpy's BLAS, made at load
        self._recent: OrderedDict[str, list[float]] = OrderedDict()  # oldest first
        self._lock = threading.Lock()

    @property
    def model(self) -> _Bert:
        """The loaded weights and tokenizer (loaded on first use)."""
        if self._model is None:
            folder = Path(self.settings.model_path or bundled_model_path())
            if not light_supported(folder):
                raise ModelError(
                    f"The model at {folder} is not a BERT encoder with mean pooling in safetensors; "
                    "set COUNCILQA_INDEX__QUERY_ENCODER=sentence-transformers."
                )
            self._model = _Bert(folder, self.settings.max_seq_length)
            if self.settings.query_threads:
                from threadpoolctl import ThreadpoolController

                self._threads = ThreadpoolController()
        return self._model

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Encode texts into normalised vectors, as sentence-transformers would. The latest texts'
        vectors are kept: one question is embedded for retrieval, then again by the answerer."""
        if not texts:
            return []
        with self._lock:  # the page answers several questions at once, each in its own thread
            known = {t: self._recent[t] for t in texts if t in self._recent}
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            fresh = dict(zip(missing, self._encode(missing), strict=True))
            known.update(fresh)
            with self._lock:
                self._recent.update(fresh)
                while len(self._recent) > _RECENT:
                    self._recent.popitem(last=False)
        return [list(known[t]) for t in texts]

    def forget(self) -> None:
        """Drop the kept vectors (a benchmark's question asked again is timed as if new)."""
        with self._lock:
            self._recent.clear()

    def _encode(self, texts: list[str]) -> list[list[float]]:
        model = self.model
        if self._threads is None:
            return model.encode(texts).tolist()  # type: ignore[no-any-return]
        # small matrices on busy shared cores: BLAS threads wait on each other more than they help
        with self._threads.limit(limits=self.settings.query_threads, user_api="blas"):
            return model.encode(texts).tolist()  # type: ignore[no-any-return]


class _Bert:
    """A BERT encoder's weights as numpy arrays, and its forward pass."""

    def __init__(self, folder: Path, max_seq_length: int) -> None:
        import numpy as np
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((folder / "config.json").read_text())
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        limit = min(max_seq_length, int(config["max_position_embeddings"]))
        self.tokenizer: Tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        # the bundled tokenizer.json pads and truncates at 128 by itself (STACK.md): set ours
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(limit)
        w = {k.removeprefix("bert."): v for k, v in load_file(str(folder / "model.safetensors")).items()}
        self.w: dict[str, np.ndarray[Any, Any]] = {k: v.astype(np.float32, copy=False) for k, v in w.items()}
        for n in range(self.layers):
            p = f"encoder.layer.{n}.attention.self."
            self.w[f"{p}qkv.weight"] = np.concatenate(
                [self.w[f"{p}{x}.weight"] for x in ("query", "key", "value")]
            ).T
            self.w[f"{p}qkv.bias"] = np.concatenate(
                [self.w[f"{p}{x}.bias"] for x in ("query", "key", "value")]
            )

    def encode(self, texts: list[str]) -> np.ndarray[Any, Any]:
        """Unit vectors for texts, batched by length."""
        import numpy as np

        encodings = self.tokenizer.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        out = np.zeros((len(texts), self.w["embeddings.word_embeddings.weight"].shape[1]), dtype=np.float32)
        for batch in _by_length(order, [len(e.ids) for e in encodings]):
            width = len(encodings[batch[-1]].ids)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.float32)
            for row, i in enumerate(batch):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1.0
            out[batch] = self._pooled(ids, mask)
        return out

    def _pooled(self, ids: np.ndarray[Any, Any], mask: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        import numpy as np

        w = self.w
        width = ids.shape[1]
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:width]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        # linear layers on 2-D rows: numpy's 3-D @ 2-D runs about 10x slower than the same as 2-D
        x = self._norm(x.reshape(-1, x.shape[2]), "embeddings.LayerNorm")
        # padding may not be attended to (HF adds the dtype's minimum; any large negative is the same)
        blocked = ((1.0 - mask) * -1e9)[:, None, None, :]
        batch, hidden = ids.shape[0], x.shape[1]
        size = hidden // self.heads
        for n in range(self.layers):
            p = f"encoder.layer.{n}."
            qkv = x @ w[f"{p}attention.self.qkv.weight"] + w[f"{p}attention.self.qkv.bias"]
            qkv = qkv.reshape(batch, width, 3, self.heads, size).transpose(2, 0, 3, 1, 4)
            scores = qkv[0] @ qkv[1].transpose(0, 1, 3, 2) / np.float32(np.sqrt(size)) + blocked
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ qkv[2]).transpose(0, 2, 1, 3).reshape(batch * width, hidden)
            attended = (
                context @ w[f"{p}attention.output.dense.weight"].T + w[f"{p}attention.output.dense.bias"]
            )
            x = self._norm(attended + x, f"{p}attention.output.LayerNorm")
            inner = _gelu(x @ w[f"{p}intermediate.dense.weight"].T + w[f"{p}intermediate.dense.bias"])
            x = self._norm(
                inner @ w[f"{p}output.dense.weight"].T + w[f"{p}output.dense.bias"] + x,
                f"{p}output.LayerNorm",
            )
        summed = (x.reshape(batch, width, hidden) * mask[:, :, None]).sum(axis=1)
        pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.maximum(norms, 1e-12)  # type: ignore[no-any-return]

    def _norm(self, x: np.ndarray[Any, Any], name: str) -> np.ndarray[Any, Any]:
        import numpy as np

        mean = x.mean(axis=-1, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        normed = (x - mean) / np.sqrt(var + np.float32(self.eps))
        return normed * self.w[f"{name}.weight"] + self.w[f"{name}.bias"]  # type: ignore[no-any-return]


def _by_length(order: list[int], lengths: list[int]) -> list[list[int]]:
    """Texts (in ascending order of length) cut into batches of similar length: each is padded to
    its longest, so one long sentence never makes a dozen short ones cost as much as itself."""
    batches: list[list[int]] = []
    for i in order:
        if batches and len(batches[-1]) < _BATCH and lengths[i] <= _SPREAD * lengths[batches[-1][0]] + 8:
            batches[-1].append(i)
        else:
            batches.append([i])
    return batches


def _gelu(x: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """BERT's exact GELU, x * Phi(x), with erf from Abramowitz and Stegun 7.1.26 (error < 1.5e-7):
    numpy has no erf, and scipy would cost more to import than this whole module."""
    import numpy as np

    z = np.abs(x) * np.float32(1 / np.sqrt(2))
    t = 1.0 / (1.0 + np.float32(0.3275911) * z)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    erf = np.sign(x) * (1.0 - poly * np.exp(-z * z))
    return (0.5 * x * (1.0 + erf)).astype(np.float32, copy=False)  # type: ignore[no-any-return]
