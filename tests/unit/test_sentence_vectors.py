"""Sentence vectors pooled at ingest: how they are packed, pooled, and used by the answerer."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from test_answer import DOC, chunks_of, scored

from assistant.answer import answer_question
from assistant.scoring import candidates_of
from assistant.settings import AnswerSettings
from assistant.signals import analyse
from assistant.text import sentence_spans
from index.metadata import SENTENCES, sentences_metadata
from index.sentence_vectors import PassageVector, pack, pool_spans, unpack

if TYPE_CHECKING:
    from conftest import FakeEmbedder


def test_packed_vectors_come_back_by_span_within_half_precision() -> None:
    rng = np.random.default_rng(7)
    vectors = [v / np.linalg.norm(v) for v in rng.normal(size=(3, 384)).astype(np.float32)]
    spans = [(0, 40), (41, 97), (98, 120)]
    back = unpack(pack(spans, [vectors[0], None, vectors[2]]))
    assert set(back) == {(0, 40), (98, 120)}  # a span without a vector is left out
    for span, v in zip(spans, vectors, strict=True):
        if span in back:
            assert float(np.dot(back[span], v)) > 0.9999
    assert pack(spans, [None, None, None]) == ""
    assert unpack("") == {}
    assert unpack("not base64 at all!") == {}
    assert unpack(pack(spans, vectors)[:-12]) == {}  # cut short: embedded when asked instead


def test_a_sentence_is_the_mean_of_its_own_tokens_and_none_when_the_encoder_stopped_inside_it() -> None:
    tokens = np.array([[9.0, 9.0], [1.0, 0.0], [3.0, 0.0], [0.0, 2.0], [9.0, 9.0]], dtype=np.float32)
    offsets = [(0, 0), (0, 5), (6, 9), (10, 14), (0, 0)]  # [CLS], three words, [SEP]
    pooled = pool_spans(tokens, offsets, [(0, 9), (10, 14), (10, 30), (40, 50)])
    assert pooled[0] is not None and np.allclose(pooled[0], [1.0, 0.0])  # special tokens left out
    assert pooled[1] is not None and np.allclose(pooled[1], [0.0, 1.0])
    assert pooled[2] is None  # runs past the last token read: cut off by the length limit
    assert pooled[3] is None
    assert pool_spans(tokens, [], [(0, 5)]) == [None]


def test_a_passage_vector_is_a_plain_vector_that_carries_its_sentences_to_the_store() -> None:
    vector = PassageVector([0.6, 0.8], pack([(0, 3)], [np.array([1.0, 0.0])]))
    assert list(vector) == [0.6, 0.8] and vector == [0.6, 0.8]
    assert set(sentences_metadata(vector)) == {SENTENCES}
    assert sentences_metadata([0.6, 0.8]) == {}  # a vector from another embedder stores none
    assert sentences_metadata(PassageVector([0.6, 0.8])) == {}


def test_stored_sentence_vectors_are_used_and_only_the_rest_embedded(fake_embedder: FakeEmbedder) -> None:
    _, chunks = chunks_of(DOC)
    retrieved = scored(chunks)
    question = "How much will allotment rents be from April 2024?"
    plain = answer_question(question, retrieved, AnswerSettings(), fake_embedder)
    embedded_plain = fake_embedder.texts_embedded

    # the same vectors the embedder would give, stored for every sentence: only questions are embedded
    stored = {
        c.id: {
            span: fake_embedder.vector(" ".join(c.text[span[0] : span[1]].split()))
            for span in sentence_spans(c.text)
        }
        for c in chunks
    }
    fake_embedder.texts_embedded = 0
    again = answer_question(question, retrieved, AnswerSettings(), fake_embedder, stored=stored)
    assert again.text == plain.text and not again.refused
    assert fake_embedder.texts_embedded < embedded_plain
    assert fake_embedder.texts_embedded <= 2  # the question (and its one part), no sentence

    # what is stored decides: a vector pointing away from the question gives its sentence none
    resolution = next(c for c in chunks if "£48" in c.text)
    span = next(s for s in sentence_spans(resolution.text) if "£48" in resolution.text[s[0] : s[1]])
    away = [0.0] * fake_embedder.dim
    away[-1] = 1.0
    tampered = {**stored, resolution.id: {**stored[resolution.id], span: away}}
    q = analyse(question)
    before = {
        (c.chunk.id, c.start): c.similarity for c in candidates_of(q, retrieved, fake_embedder, [], stored)
    }
    after = {
        (c.chunk.id, c.start): c.similarity for c in candidates_of(q, retrieved, fake_embedder, [], tampered)
    }
    assert before[(resolution.id, span[0])] > 0.3
    assert abs(after[(resolution.id, span[0])]) < 0.05
    assert {k: v for k, v in after.items() if k != (resolution.id, span[0])} == {
        k: v for k, v in before.items() if k != (resolution.id, span[0])
    }
