"""An outcome comes with the vote it was carried or lost by."""

from __future__ import annotations

from typing import TYPE_CHECKING

from test_answer_kinds import _ask, chunks_of

if TYPE_CHECKING:
    from conftest import FakeEmbedder

AMENDMENT = """WENBURY BOROUGH COUNCIL

Minutes of the meeting of Full Council held on 22 February 2024.

7. Revenue Budget and Council Tax 2024/25

Councillor Brockway moved an amendment, seconded by Councillor Haldane, to limit the council tax increase to 1.99%.

Councillor Marsh responded that a lower increase would mean closing services.

On being put to the vote, the amendment was LOST. For: 15, Against: 27, Abstentions: 1.
"""


def test_an_outcome_brings_the_vote_that_follows_it(fake_embedder: FakeEmbedder) -> None:
    _, chunks = chunks_of(AMENDMENT, "2024-02-22_full-council_minutes.txt")
    answer = _ask("What happened to the amendment to limit the council tax increase?", chunks, fake_embedder)
    assert "LOST" in answer.text, answer.text
    assert "For: 15, Against: 27" in answer.text, answer.text
    roll = _ask("Who moved the amendment to limit the council tax increase?", chunks, fake_embedder)
    assert "Brockway" in roll.text and "Against: 27" not in roll.text, roll.text  # not asked: not added
