from __future__ import annotations

from typing import TYPE_CHECKING

import gradio as gr
import pytest

from assistant import Settings
from ui.app import respond

if TYPE_CHECKING:
    from conftest import FakeEmbedder


@pytest.fixture
def ui_index(tiny_index: tuple[Settings, FakeEmbedder], fake_model: FakeEmbedder) -> Settings:
    """The tiny index, answered through `respond` (which opens the index without an embedder)."""
    settings, _ = tiny_index
    return settings


def test_respond_returns_cited_text(ui_index: Settings) -> None:
    reply = respond("What did the committee resolve about allotment rents?", [], ui_index)
    assert "£48" in reply
    assert "**[Parks Committee, 17 Jan 2024, item 2, para" in reply
    for line in reply.split("\n\n"):
        assert line.endswith("]**")


def test_respond_refusal_lists_related(ui_index: Settings) -> None:
    reply = respond("What is the policy on parking enforcement fines?", [], ui_index)
    assert reply.startswith("I couldn't find this in the records.")


@pytest.mark.parametrize("message", ["", "   ", "\n"])
def test_empty_message_raises_gr_error(settings: Settings, fake_model: FakeEmbedder, message: str) -> None:
    with pytest.raises(gr.Error, match="Please type a question"):
        respond(message, [], settings)
    assert fake_model.calls == 0


def test_assistant_errors_become_gr_errors(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    import ui.app
    from assistant import ModelError

    def broken(*args: object, **kwargs: object) -> None:
        raise ModelError("No sentence-transformers model at /nowhere.")

    monkeypatch.setattr(ui.app, "ask", broken)
    with pytest.raises(gr.Error, match="No sentence-transformers model"):
        respond("Anything?", [], settings)
