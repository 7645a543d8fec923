"""Near misses: the records speak of the thing asked about, but not of the fact asked for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from test_answer_kinds import _ask, chunks_of

from assistant.facts import counts_only_time, speaks_of_another
from assistant.kinds import counts_time
from assistant.periods import names_other_year, question_years
from assistant.signals import names_act
from assistant.text import tokenize

if TYPE_CHECKING:
    from conftest import FakeEmbedder

LIBRARY = """WENBURY BOROUGH COUNCIL

Minutes of the meeting of the Cabinet held on 9 February 2023.

4. Future of Eastfield Library

Eastfield Library is currently open 46 hours a week from Monday to Saturday.

The library was visited 41,000 times in 2022 by 3,200 registered borrowers.

RESOLVED: That Eastfield Library close for a 14-week refurbishment from 1 May 2023.
"""

CAPITAL = """WENBURY BOROUGH COUNCIL

Minutes of the meeting of Full Council held on 22 February 2024.

6. Capital Strategy and Capital Programme 2024/25 to 2026/27

Councillor Okafor presented the capital programme totalling £9.6 million in 2024/25.

RESOLVED: That the capital strategy and the capital programme be approved.
"""

WASTE = """WENBURY BOROUGH COUNCIL

Minutes of the meeting of the Cabinet held on 12 January 2025.

7. Waste Service Changes

The main proposals were a new garden waste round and the introduction of a charge for replacement wheelie bins.

Residents were told the net revenue budget for the waste service would be £4.3 million.
"""


def test_a_length_of_time_is_no_count_of_things() -> None:
    assert counts_only_time("It is currently open 46 hours a week.")
    assert counts_only_time("The pool reopened after a 14-week closure.")
    assert not counts_only_time("The library was visited 41,000 times over 46 weeks.")
    assert not counts_only_time("Twelve residents objected.")
    assert counts_time("How many hours a week was the library open?")
    assert not counts_time("How many people used the weekly mobile library?")


def test_a_count_of_visitors_is_not_answered_by_opening_hours(fake_embedder: FakeEmbedder) -> None:
    _, chunks = chunks_of(LIBRARY, "2023-02-09_cabinet_minutes.txt")
    hours = _ask("How many hours a week is Eastfield Library open?", chunks, fake_embedder)
    assert not hours.refused and "46" in hours.text, hours.text
    borrowers = _ask("How many registered borrowers did Eastfield Library have?", chunks, fake_embedder)
    assert not borrowers.refused and "3,200" in borrowers.text, borrowers.text
    staff = _ask("How many staff work at Eastfield Library each week?", chunks, fake_embedder)
    assert staff.refused or not ({"46", "14"} & set(staff.text.split())), staff.text


def test_a_sentence_stating_another_year_does_not_answer_for_the_year_asked(
    fake_embedder: FakeEmbedder,
) -> None:
    assert names_other_year("totalling £9.6 million in 2024/25", question_years("for 2026/27"))
    assert not names_other_year("for 2024/25 to 2026/27", question_years("for 2026/27"))
    assert not names_other_year("approved on 22 February 2024", question_years("for 2026/27"))
    _, chunks = chunks_of(CAPITAL, "2024-02-22_full-council_minutes.txt")
    asked = _ask("What is the total value of the capital programme for 2024/25?", chunks, fake_embedder)
    assert not asked.refused and "£9.6 million" in asked.text, asked.text
    other = _ask("What is the total value of the capital programme for 2026/27?", chunks, fake_embedder)
    assert other.refused, other.text  # the item covers 2026/27, the figure is 2024/25's


def test_a_figure_beside_the_thing_named_is_not_its_figure(fake_embedder: FakeEmbedder) -> None:
    _, chunks = chunks_of(WASTE, "2025-01-12_cabinet_minutes.txt")
    charge = _ask("How much will residents be charged for a replacement wheelie bin?", chunks, fake_embedder)
    assert charge.refused, charge.text
    loose = _ask(
        "How much will residents be charged for a replacement wheelie bin?",
        chunks,
        fake_embedder,
        named_elsewhere=0.0,
    )
    assert not loose.refused  # the rule refuses it, not some other gate
    budget = _ask("What would the net revenue budget for the waste service be?", chunks, fake_embedder)
    assert not budget.refused and "£4.3 million" in budget.text, budget.text


GRANT = """WENBURY BOROUGH COUNCIL

Minutes of the meeting of the Overview and Scrutiny Panel held on 26 October 2024.

5. Community Grants

The Trust was bidding for a regional Innovation Grant of £1.8 million.

The outcome of the bid was expected by March 2025.
"""


def test_a_question_of_two_parts_is_answered_part_by_part(fake_embedder: FakeEmbedder) -> None:
    # the second part's "outcome" is no reason to refuse the first part's sum
    _, chunks = chunks_of(GRANT, "2024-10-26_overview-and-scrutiny-panel_minutes.txt")
    answer = _ask(
        "How big was the Innovation Grant the Trust was bidding for, and when was the outcome expected?",
        chunks,
        fake_embedder,
    )
    assert not answer.refused, answer.text
    assert "£1.8 million" in answer.text and "March 2025" in answer.text, answer.text


PAY = """FERNLEY TOWN COUNCIL

Minutes of the meeting of the Staffing Panel held on 4 June 2024.

3. Pay Policy Statement 2024/25

The salary of the Town Clerk was £58,200 and the ratio between the highest and the median salary was 1:2.9.

RESOLVED: That the Pay Policy Statement 2024/25 be approved.
"""


def test_another_owners_figure_is_a_near_miss(fake_embedder: FakeEmbedder) -> None:
    _, chunks = chunks_of(PAY, "2024-06-04_staffing-panel_minutes.txt")
    asked = _ask("What is the Deputy Town Clerk's salary?", chunks, fake_embedder)
    assert asked.refused, asked.text  # the Town Clerk's salary names the thing, not the fact
    held = _ask("What is the Town Clerk's salary?", chunks, fake_embedder)
    assert not held.refused and "£58,200" in held.text, held.text
    assert speaks_of_another("What was the Mayor's allowance?", "The Deputy Mayor's allowance was £1,200.")
    assert not speaks_of_another("What was the Mayor's allowance?", "The allowance of the Mayor was £4,000.")
    assert speaks_of_another("What was the Mayor's allowance?", "The Chair's allowance was £1,200.")
    assert speaks_of_another("How big is the council's reserve?", "The parish's reserve is £3,000.")
    assert not speaks_of_another("How big is the council's reserve?", "The general reserve is £3,000.")
    assert not speaks_of_another(  # the question asks whose, and a thing's head must match
        "Whose work is the Trust's social work model based on?",
        "It was based on the work of Professor Munro.",
    )
    assert not speaks_of_another("What was the Trust's social work model?", "The work of Professor Munro.")
    assert not speaks_of_another(  # a title is no owner and its thing
        "When did Slough's new Head of Partnerships start?",
        "The Head of Children's Services started in June.",
    )
    # an apostrophe inside a name is no owner: "Children's Services" is what the Trust is called
    assert not speaks_of_another(
        "What did Slough Children's Services Trust spend?", "The Trust's spending was £1m."
    )


MAYOR = """WENBURY BOROUGH COUNCIL

Minutes of the meeting of Full Council held on 13 March 2025.

3. Mayor's Announcements

The Mayor announced that his chosen charities, Wenbury Foodbank and the Eastfield Trust, had received £14,300 from his fundraising events.
"""


def test_a_name_no_record_holds_is_refused(fake_embedder: FakeEmbedder) -> None:
    # the sum is the kind asked for and "Mayor", "raised" match, but nothing retrieved names the
    # regatta: the records do not speak of it
    _, chunks = chunks_of(MAYOR, "2025-03-13_full-council_minutes.txt")
    asked = "How much had the Mayor raised for the Harbour Regatta?"
    assert _ask(asked, chunks, fake_embedder).refused
    answer = _ask("How much had the Mayor raised for the Eastfield Trust?", chunks, fake_embedder)
    assert not answer.refused and answer.text.startswith("£14,300"), answer.text


def test_who_did_an_act_needs_the_act_done_not_its_noun() -> None:
    said = "There were no other nominations."
    assert not names_act("who nominated him?", frozenset(tokenize(said)), said)
    done = "Councillor Moss was nominated by Councillor Pike and seconded by Councillor Gallagher."
    assert names_act("who nominated him?", frozenset(tokenize(done)), done)
    seconder = "The seconder was Councillor Ortiz."
    assert names_act("who seconded it?", frozenset(tokenize(seconder)), seconder)
    moved = "It was moved by Councillor Hale."
    assert names_act("who proposed it?", frozenset(tokenize(moved)), moved)
