from __future__ import annotations

from typing import TYPE_CHECKING

import gradio as gr
import pytest

from assistant import Assistant, Settings
from ui.app import respond

if TYPE_CHECKING:
    from conftest import FakeEmbedder


@pytest.fixture
def ui_index(tiny_index: tuple[Settings, FakeEmbedder], fake_model: FakeEmbedder) -> Assistant:
    """The tiny index opened as the page opens it, answered through `respond`."""
    settings, _ = tiny_index
    return Assistant(settings)


def test_respond_returns_cited_text(ui_index: Assistant) -> None:
    reply = respond("What did the committee resolve about allotment rents?", [], ui_index)
    assert "£48" in reply
    prose, sources = reply.split("**Sources**")
    assert prose.strip().endswith("[1]")
    assert sources.strip().startswith("1. Parks Committee, 17 Jan 2024, item 2, para")


def test_record_text_is_shown_inert() -> None:
    from assistant import escape_markdown

    shown = escape_markdown("<script>x()</script> [a](javascript:y) ![i](http://h/i.png) *b*")
    assert "<script>" not in shown and "](" not in shown.replace("\\](", "")
    assert shown.count("\\<") == 2 and "\\!\\[i\\]" in shown


def test_respond_refusal_lists_related(ui_index: Assistant) -> None:
    reply = respond("What is the policy on parking enforcement fines?", [], ui_index)
    assert reply.startswith("I couldn't find this in the records.")


@pytest.mark.parametrize("message", ["", "   ", "\n"])
def test_empty_message_raises_gr_error(settings: Settings, fake_model: FakeEmbedder, message: str) -> None:
    with pytest.raises(gr.Error, match="Please type a question"):
        respond(message, [], Assistant(settings))
    assert fake_model.calls == 0


def test_assistant_errors_become_gr_errors(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant import ModelError

    def broken(*args: object, **kwargs: object) -> None:
        raise ModelError("No sentence-transformers model at /nowhere.")

    page = Assistant(settings)
    monkeypatch.setattr(page, "ask", broken)
    with pytest.raises(gr.Error, match="No sentence-transformers model"):
        respond("Anything?", [], page)


def test_respond_follows_up_from_the_chat_history(ui_index: Assistant) -> None:
    first = "What did the committee resolve about allotment rents?"
    reply = respond(first, [], ui_index)
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": reply}]
    follow = respond("who seconded it?", history, ui_index)
    assert follow.startswith(
        "*Answering: Who seconded allotment rents on 17 January 2024 (Parks Committee)?*"
    ), follow
    assert "seconded by Councillor Pym" in follow


def test_turns_from_messages_pairs_questions_and_answers() -> None:
    from ui.app import turns_from_messages

    history = [
        {"role": "user", "content": "What happened to the play area?"},
        {"role": "assistant", "content": [{"type": "text", "text": "A new one. **[x]**"}]},
        {"role": "user", "content": "and in 2024?"},
        {"role": "assistant", "content": "I couldn't find this in the records."},
    ]
    turns = turns_from_messages(history)
    assert [(t.question, t.answer) for t in turns] == [
        ("What happened to the play area?", "A new one. **[x]**"),
        ("and in 2024?", "I couldn't find this in the records."),
    ]
    assert turns_from_messages([["Who?", "Nobody."]])[0].question == "Who?"


def test_a_note_is_shown_above_the_answer() -> None:
    from assistant import Answer
    from ui.app import format_answer

    answer = Answer(
        question="q", text="I couldn't find this in the records.", refused=True, note="LLM timed out"
    )
    assert format_answer(answer).startswith("> Note: LLM timed out")
