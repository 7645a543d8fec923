"""The chat page: Gradio around `Assistant.ask`; no logic of its own."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import gradio as gr

from assistant import Answer, Assistant, AssistantError, Turn, answer_markdown

# The turns behind recent replies, so a follow-up gets their citations back (Gradio keeps only text).
_TURNS: OrderedDict[str, Turn] = OrderedDict()
_MAX_KEPT = 500


def respond(message: str, history: list[Any], assistant: Assistant) -> str:
    """Answer one chat message with cited sentences; earlier messages give follow-ups their topic."""
    if not message.strip():
        raise gr.Error("Please type a question.")
    try:
        answer = assistant.ask(message, history=turns_from_messages(history))
    except AssistantError as exc:
        raise gr.Error(str(exc)) from exc
    reply = format_answer(answer)
    _TURNS[reply] = Turn.from_answer(answer)
    while len(_TURNS) > _MAX_KEPT:
        _TURNS.popitem(last=False)
    return reply


def format_answer(answer: Answer) -> str:
    """The reply as Markdown: marked prose and its sources, or a refusal with related passages."""
    return answer_markdown(answer)


def turns_from_messages(history: list[Any]) -> list[Turn]:
    """Gradio's chat history (messages, or [user, assistant] pairs) as conversation turns."""
    pairs: list[tuple[str, str]] = []
    for entry in history:
        if isinstance(entry, dict):
            role, text = entry.get("role"), _text(entry.get("content"))
            if role == "user":
                pairs.append((text, ""))
            elif role == "assistant" and pairs and not pairs[-1][1]:
                pairs[-1] = (pairs[-1][0], text)
        elif isinstance(entry, list | tuple) and len(entry) == 2:
            pairs.append((_text(entry[0]), _text(entry[1])))
    return [_TURNS.get(reply) or Turn(question=q, answer=reply) for q, reply in pairs if q.strip()]


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text") or "")
    if isinstance(content, list):
        return " ".join(_text(part) for part in content)
    return ""


def build_app(assistant: Assistant) -> gr.Blocks:
    """The chat page for an opened archive."""
    return gr.ChatInterface(
        fn=lambda message, history: respond(message, history, assistant),
        title="councilqa",
        description='Ask about council meetings, then follow up ("who seconded it?", "and in 2024?"). '
        "Every answer cites the meeting, agenda item and paragraph.",
        examples=[
            "What did the council decide about the Mill Lane cycle lane?",
            "What happened to Northgate Library?",
        ],
    )
