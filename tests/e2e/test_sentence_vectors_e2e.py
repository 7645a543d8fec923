"""Sentence vectors pooled at ingest by the real model, stored in real Chroma, used when answering."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from assistant import Assistant, Settings
from assistant.text import sentence_spans
from index import CouncilIndex, SentenceTransformerEmbedder, embedding_text

pytestmark = pytest.mark.integration


def _sentences(text: str, span: tuple[int, int]) -> str:
    return " ".join(text[span[0] : span[1]].split())


def test_ingest_stores_a_vector_for_nearly_every_sentence_each_nearest_its_own_sentence(
    sample_council: Settings, real_embedder: SentenceTransformerEmbedder
) -> None:
    index = CouncilIndex(sample_council, embedder=real_embedder)
    chunks = list(index.vectors.iter_chunks())
    stored = index.sentence_vectors([c.id for c in chunks])
    spans = [(c, s) for c in chunks for s in sentence_spans(c.text)]
    kept = [(c, s) for c, s in spans if s in stored.get(c.id, {})]
    assert len(kept) >= 0.98 * len(spans)  # the rest run past what the encoder reads of a passage

    # a pooled vector is its own sentence's, not its neighbours' (measured: 80 % nearest, median 0.77)
    nearest = total = 0
    similar: list[float] = []
    for chunk in chunks:
        own = [s for s in sentence_spans(chunk.text) if s in stored.get(chunk.id, {})]
        if len(own) < 2:
            continue
        alone = np.array(real_embedder.embed([_sentences(chunk.text, s) for s in own]))
        pooled = np.array([stored[chunk.id][s] for s in own])
        sims = pooled @ alone.T
        nearest += int((sims.argmax(axis=1) == np.arange(len(own))).sum())
        total += len(own)
        similar.extend(np.diag(sims).tolist())
    assert total > 500
    assert nearest / total >= 0.7
    assert float(np.median(similar)) >= 0.65


def test_passage_vectors_are_unchanged_by_pooling_the_sentences(
    sample_council: Settings, real_embedder: SentenceTransformerEmbedder
) -> None:
    index = CouncilIndex(sample_council, embedder=real_embedder)
    chunks = list(index.vectors.iter_chunks())[:40]
    stored = index.vectors.embeddings([c.id for c in chunks])
    alone = real_embedder.embed([embedding_text(c) for c in chunks])
    for chunk, vector in zip(chunks, alone, strict=True):
        assert float(np.dot(stored[chunk.id], vector)) > 0.9999


class _Counting:
    """The real question encoder, counting what it is asked to embed."""

    def __init__(self, inner: SentenceTransformerEmbedder) -> None:
        self.inner = inner
        self.texts: list[str] = []

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        self.texts.extend(texts)
        return self.inner.embed(texts)


def test_an_answer_embeds_the_question_not_the_stored_sentences(
    sample_council: Settings, real_embedder: SentenceTransformerEmbedder
) -> None:
    assistant = Assistant(sample_council, embedder=real_embedder)
    counting = _Counting(real_embedder)
    assistant.index.embedder = counting
    questions = [
        "When did Cabinet approve the Mill Lane cycle lane, and at what cost?",
        "What did the report on Northgate Library recommend?",
        # (the minutes record no seconder for the allotment rents, so that question is refused)
        "Who seconded the draft budget proposals for consultation in December 2022?",
    ]
    sentences = 0
    for question in questions:
        answer = assistant.ask(question)
        assert not answer.refused
        sentences += sum(len(sentence_spans(c.chunk.text)) for c in answer.retrieved)
    others = [t for t in counting.texts if t not in questions]
    assert sentences > 30
    # the question's parts and a rare sentence the encoder cut off, never the retrieved sentences
    assert len(others) <= 3 * len(questions)
