"""The chat page: Gradio around `assistant.ask`; no logic of its own."""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant import AssistantError, Settings, ask


def respond(message: str, history: list[Any], settings: Settings) -> str:
    """Answer one chat message with cited sentences (history is not used yet)."""
    if not message.strip():
        raise gr.Error("Please type a question.")
    try:
        answer = ask(message, settings)
    except AssistantError as exc:
        raise gr.Error(str(exc)) from exc
    if answer.refused:
        lines = [answer.text]
        if answer.related:
            lines.append("\n**Related, not an answer:**")
            for scored in answer.related:
                snippet = " ".join(scored.chunk.text.split())[:200]
                lines.append(f"- {snippet}… *[{scored.chunk.citation.label}]*")
        return "\n".join(lines)
    return "\n\n".join(f"{s.text} **[{s.citation.label}]**" for s in answer.sentences)


def build_app(settings: Settings) -> gr.Blocks:
    """The chat page for the archive the settings point at."""
    return gr.ChatInterface(
        fn=lambda message, history: respond(message, history, settings),
        title="councilqa",
        description="Ask about council meetings. Every answer cites the meeting, agenda item and paragraph.",
        examples=[
            "What did the council decide about the Mill Lane cycle lane?",
            "What happened to Northgate Library?",
        ],
    )
