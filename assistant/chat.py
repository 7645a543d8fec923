"""One user's conversation: the turns so far, with the citations and filters each answer used.

`councilqa chat` keeps one for its run; the page keeps one in each browser session's state
(never in a table shared by every visitor), so two people never see each other's turns or
follow-up context. A follow-up ("who seconded it?") is resolved against these turns only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .conversation import Turn
from .types import Answer, Citation, Filters

if TYPE_CHECKING:
    from .pipeline import Assistant

MAX_TURNS = 20  # turns kept; a follow-up looks back at most 8 (conversation._MAX_TURNS)


@dataclass
class Conversation:
    """The turns of one conversation and the answers they came from, oldest first."""

    turns: list[Turn] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    max_turns: int = MAX_TURNS
    owner: str | None = None  # the page's logged-in user whose conversation this is (None: no login)

    def ask(
        self, assistant: Assistant, question: str, filters: Filters | None = None, k: int | None = None
    ) -> Answer:
        """Answer the next question, as a follow-up of the turns so far, and keep the turn."""
        answer = assistant.ask(question, filters, k, history=self.turns)
        self.turns.append(Turn.from_answer(answer))
        self.answers.append(answer)
        del self.turns[: -self.max_turns], self.answers[: -self.max_turns]
        return answer

    @property
    def last(self) -> Answer | None:
        """The latest answer, or None before the first question."""
        return self.answers[-1] if self.answers else None

    def sources(self, turn: int = -1) -> list[tuple[str, Citation]]:
        """The numbered sources of one answer (the latest by default) as (label, citation); a
        refusal's related passages are listed as such."""
        if not self.answers:
            return []
        answer = self.answers[turn]
        if answer.refused:
            return [
                (
                    f"Related, not an answer: {r.chunk.citation.label_for(answer.show_council)}",
                    r.chunk.citation,
                )
                for r in answer.related
            ]
        return [(f"[{n}] {c.label_for(answer.show_council)}", c) for n, c in answer.sources]

    def clear(self) -> None:
        """Start again: the next question follows on from nothing."""
        self.turns.clear()
        self.answers.clear()
