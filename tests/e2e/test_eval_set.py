"""The whole sample-council question set through `ask`: every answer sentence is cited, verbatim."""

from __future__ import annotations

from functools import partial

import pytest
from answer_checks import assert_marked_quotes

from assistant import REFUSAL, Settings, ask, open_index
from evals.run import QUESTIONS, load_questions, run_eval
from index import SentenceTransformerEmbedder

pytestmark = pytest.mark.integration


def test_every_answer_sentence_is_cited_verbatim(
    sample_council: Settings, real_embedder: SentenceTransformerEmbedder
) -> None:
    questions = load_questions(QUESTIONS)
    summary, outcomes = run_eval(questions, sample_council, asker=partial(ask, embedder=real_embedder))
    index = open_index(sample_council, real_embedder)
    texts: dict[str, str] = {}
    answered = 0
    for o in outcomes:
        answer = o.answer
        if answer.refused:
            assert answer.sentences == [] and answer.text.startswith(REFUSAL.rstrip("."))
            continue
        answered += 1
        assert answer.sentences, o.question.id
        # the answer text is verbatim quotes with their markers, and nothing else
        assert_marked_quotes(answer)
        for s in answer.sentences:
            c = s.citation
            doc = texts.setdefault(c.doc_id, index.document_text(c.doc_id) or "")
            assert doc[c.char_start : c.char_end] == s.quote, (o.question.id, s.quote)
            assert " ".join(s.quote.split()) == s.text
            assert c.agenda_item is not None or c.paragraph is not None
    assert answered >= len(questions) // 2
    assert summary["questions"] == len(questions)
