"""Choosing the question encoder, and the pieces of the numpy forward pass that need no model."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant.settings import IndexSettings, Settings
from index import CouncilIndex, LightEmbedder, bundled_model_path, light_embed, query_embedder
from index.light_embed import _by_length, _gelu, light_supported


def test_the_bundled_model_takes_the_light_path_by_default() -> None:
    assert light_supported(bundled_model_path())
    assert isinstance(query_embedder(IndexSettings()), LightEmbedder)
    assert query_embedder(IndexSettings(query_encoder="sentence-transformers")) is None


def _copy_configs(tmp_path: Path) -> Path:
    folder = tmp_path / "model"
    source = bundled_model_path()
    for name in ("config.json", "modules.json", "tokenizer.json"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source / name, folder / name)
    (folder / "1_Pooling").mkdir()
    shutil.copy(source / "1_Pooling" / "config.json", folder / "1_Pooling" / "config.json")
    (folder / "model.safetensors").write_bytes(b"")
    return folder


def test_a_model_of_another_kind_falls_back_to_sentence_transformers(tmp_path: Path) -> None:
    folder = _copy_configs(tmp_path)
    assert light_supported(folder)
    pooling = folder / "1_Pooling" / "config.json"
    config = json.loads(pooling.read_text())
    pooling.write_text(
        json.dumps({**config, "pooling_mode_mean_tokens": False, "pooling_mode_cls_token": True})
    )
    assert not light_supported(folder)
    assert query_embedder(IndexSettings(model_path=folder)) is None
    (folder / "modules.json").unlink()
    assert not light_supported(folder)
    assert not light_supported(tmp_path / "nowhere")


def test_an_index_given_an_embedder_uses_it_for_questions_and_ingest(
    settings: Settings, fake_embedder: object
) -> None:
    index = CouncilIndex(settings, fake_embedder)  # type: ignore[arg-type]
    assert index.embedder is fake_embedder and index.ingest_embedder is fake_embedder


def test_batches_hold_texts_of_similar_length() -> None:
    lengths = [5, 6, 7, 60, 61, 200, 9]
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches = _by_length(order, lengths)
    assert [[lengths[i] for i in b] for b in batches] == [[5, 6, 7, 9], [60, 61], [200]]
    many = _by_length(list(range(70)), [10] * 70)
    assert [len(b) for b in many] == [32, 32, 6]


@pytest.mark.parametrize("x", [-6.0, -2.5, -1.0, -0.3, 0.0, 0.2, 0.7, 1.0, 3.0, 8.0])
def test_gelu_is_the_exact_erf_form(x: float) -> None:
    exact = 0.5 * x * (1 + math.erf(x / math.sqrt(2)))
    assert float(_gelu(np.array([x], dtype=np.float32))[0]) == pytest.approx(exact, abs=1e-6)


def test_recent_texts_are_encoded_once_and_the_oldest_forgotten(monkeypatch: pytest.MonkeyPatch) -> None:
    embedder = LightEmbedder(IndexSettings())
    encoded: list[str] = []

    def encode(texts: list[str]) -> list[list[float]]:
        encoded.extend(texts)
        return [[float(len(t)), 1.0] for t in texts]

    monkeypatch.setattr(embedder, "_encode", encode)
    first = embedder.embed(["who seconded it?", "who seconded it?", "the budget"])
    assert encoded == ["who seconded it?", "the budget"]  # each text once, even twice in one call
    assert first[0] == first[1] == [16.0, 1.0]
    first[0][0] = -1.0  # a caller changing its copy changes nothing kept
    assert embedder.embed(["who seconded it?"]) == [[16.0, 1.0]] and len(encoded) == 2
    embedder.embed([f"question {n}" for n in range(light_embed._RECENT)])
    embedder.embed(["who seconded it?"])  # pushed out by newer ones: encoded again
    assert encoded[-1] == "who seconded it?"
