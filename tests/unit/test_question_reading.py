"""How a question is read: which body acted, how many things it asks, what kind of fact."""

from __future__ import annotations

from assistant.query import find_body
from assistant.signals import analyse

BODIES = ["Cabinet", "Full Council", "Overview and Scrutiny Panel"]


def test_a_body_a_matter_was_sent_to_is_not_the_body_that_acted() -> None:
    sent = "Who moved the motion at scrutiny to refer the closure back to Cabinet?"
    assert find_body(sent, BODIES) == ("Cabinet", "Cabinet")  # the filter reading is unchanged
    assert find_body(sent, BODIES, acting=True) == (None, None)
    recommended = "What did Cabinet recommend to Full Council about the budget?"
    assert find_body(recommended, BODIES, acting=True)[0] == "Cabinet"
    assert find_body("What did the report to Cabinet recommend?", BODIES, acting=True)[0] == "Cabinet"
    assert find_body("What did Full Council decide?", BODIES, acting=True)[0] == "Full Council"


def test_a_when_clause_that_sets_the_scene_is_not_a_second_question() -> None:
    scene = analyse("When the cycle lane was first put to Cabinet, what was it expected to cost?")
    assert scene.parts == ()
    assert scene.asks == ("money",)
    assert scene.order == "earliest"
    two = analyse("When was the order made, and when would it have lapsed?")
    assert len(two.parts) == 2


def test_a_councillor_named_with_a_place_is_still_a_person_asked_for() -> None:
    assert analyse("Which West Berkshire councillor was disappointed by the delay?").asks == ("person",)
    assert analyse("Which town did Councillor Teefy propose as a Fair Trade town?").asks == ()  # a town


def test_the_scene_before_a_question_is_not_a_part_of_it() -> None:
    assert analyse("At the sub-committee in February 2018, how many notices were issued?").parts == ()


def test_a_professor_is_a_person() -> None:
    from assistant.facts import answer_spans, has

    text = "The model was based on the work of Professor Eileen Munro."
    assert has("person", text)
    assert [text[s:e].strip() for s, e in answer_spans("person", text)] == ["Professor Eileen Munro"]
