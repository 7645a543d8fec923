"""Answers built from what the records are: a report's recommendations as one list, a history
meeting by meeting, appeal outcomes, and the figures a question itself gives."""

from __future__ import annotations

from typing import TYPE_CHECKING

from test_answer_kinds import _ask, chunks_of

from assistant.facts import has, speaks_of_another, states
from assistant.signals import asked_for, asks_whether

if TYPE_CHECKING:
    from conftest import FakeEmbedder

REPORT = """WENBURY BOROUGH COUNCIL

REPORT TO: Cabinet

SUBJECT: Future of Eastfield Pool

1. Purpose of Report

1.1 To seek a decision on the future of Eastfield Pool after the consultation on its closure.

2. Recommendations

2.1 That Cabinet notes the consultation responses on the future of Eastfield Pool.

2.2 That Cabinet approves Option C, the refurbishment of the pool at a cost of £2.2 million.

2.3 That the Director of Leisure be authorised to tender the works.

3. Background

3.1 Eastfield Pool opened in 1974, and the report recommends acting before its plant fails.
"""


def test_what_a_report_recommended_is_its_recommendations_in_order(fake_embedder: FakeEmbedder) -> None:
    _, chunks = chunks_of(REPORT, "2024-03-07_cabinet_report-eastfield-pool.txt")
    answer = _ask("What did the report recommend about Eastfield Pool?", chunks, fake_embedder)
    assert not answer.refused, answer.text
    quotes = [s.quote for s in answer.sentences]
    assert any("Option C" in q for q in quotes), quotes
    assert all(s.citation.agenda_item == "2. Recommendations" for s in answer.sentences), quotes
    starts = [s.citation.char_start for s in answer.sentences]
    assert starts == sorted(starts)  # in the report's own order
    capped = _ask(
        "What did the report recommend about Eastfield Pool?", chunks, fake_embedder, max_recommendations=1
    )
    assert len(capped.sentences) == 1


BAND_D = """WENBURY BOROUGH COUNCIL

Minutes of the meeting of Full Council held on {day}.

5. Council Tax {year}

The Band D council tax charge for {year} was set at {charge}.
"""


def test_a_history_gives_each_meetings_figure_in_date_order(fake_embedder: FakeEmbedder) -> None:
    chunks = []
    for day, year, charge in (
        ("24 February 2022", "2022/23", "£221.58"),
        ("23 February 2023", "2023/24", "£228.21"),
        ("22 February 2024", "2024/25", "£235.03"),
        ("20 February 2025", "2025/26", "£242.06"),
    ):
        text = BAND_D.format(day=day, year=year, charge=charge)
        chunks += chunks_of(text, f"{day[-4:]}-02-20_full-council_minutes.txt")[1]
    answer = _ask("How has the Band D council tax charge changed year by year?", chunks, fake_embedder)
    assert not answer.refused, answer.text
    figures = [f for f in ("£221.58", "£228.21", "£235.03", "£242.06") if f in answer.text]
    assert figures == ["£221.58", "£228.21", "£235.03", "£242.06"], answer.text  # every year, in order
    few = _ask(
        "How has the Band D council tax charge changed year by year?", chunks, fake_embedder, max_history=2
    )
    assert len(few.sentences) == 2


def test_appeal_outcomes_are_decisions_and_a_committees_refusal_is_the_councils() -> None:
    assert has("decision", "The Inspector had dismissed the appeal.")
    assert has("decision", "The appeal was upheld.")
    assert not speaks_of_another("What was the council's decision?", "The Cabinet's decision was to defer.")
    assert not speaks_of_another("What was the council's decision?", "The Committee's decision stood.")
    assert speaks_of_another("What was the council's decision?", "The developer's decision was to appeal.")


def test_a_figure_the_question_gives_is_not_its_answer(fake_embedder: FakeEmbedder) -> None:
    question = "What proportion of allotment tenants get the 50% concession?"
    assert not states("count", question, "Retaining the 50% concession will protect older tenants.")
    assert states("count", question, "Around 31% of tenants receive the concession.")
    text = """WENBURY BOROUGH COUNCIL

Minutes of the meeting of the Cabinet held on 8 December 2022.

7. Allotment Rents

Retaining the 50% concession for allotment tenants will protect older tenants and those on low incomes.

Around 31% of current allotment tenants receive the concession.
"""
    _, chunks = chunks_of(text, "2022-12-08_cabinet_minutes.txt")
    answer = _ask(question, chunks, fake_embedder)
    assert answer.short_answer is not None and answer.short_answer.text == "31%", answer.text


DAIRY = """WENBURY BOROUGH COUNCIL

Minutes of the meeting of the Planning Committee held on 9 May 2024.

6. Former Dairy, Back Lane

RESOLVED: That planning application 24/00347/FUL for nine homes at the former dairy be REFUSED.
"""


def test_whether_an_event_happened_needs_that_event(fake_embedder: FakeEmbedder) -> None:
    assert asked_for("Did the developer appeal the refusal?") == frozenset({"appeal"})
    assert asks_whether("Did the developer appeal the refusal of the dairy scheme")
    assert not asks_whether("What did the developer say")
    _, chunks = chunks_of(DAIRY, "2024-05-09_planning-committee_minutes.txt")
    answer = _ask(
        "Did the developer appeal the refusal of the former dairy scheme, and what was the result?",
        chunks,
        fake_embedder,
    )
    assert answer.refused, answer.text  # no appeal in the records, so no result of one either
    held = _ask("Was the former dairy scheme refused?", chunks, fake_embedder)
    assert not held.refused, held.text


def test_a_header_field_is_named_by_every_word_of_its_label() -> None:
    from assistant.facts import field_labels, names_field

    assert field_labels("CABINET MEMBER: Councillor Ann Pryce") == ["cabinet member"]
    assert field_labels("Contact officer: Tom Reyes, Leisure Manager") == ["contact officer"]
    assert names_field("Who was the contact officer?", "contact officer")
    assert names_field("Which wards were affected?", "wards affected")
    assert not names_field("Who was the contact officer?", "cabinet member")
    assert not names_field("Who was the contact officer for the report?", "report of")


PANEL = """WENBURY BOROUGH COUNCIL

Minutes of the meeting of the Overview and Scrutiny Panel held on 17 June 2025.

5. Eastfield Pool Pilot – Interim Evaluation

The Panel carried out the interim evaluation of the Eastfield Pool pilot, as the Cabinet had asked.

The pilot had begun in February, with the Eastfield Trust opening the pool on Sunday mornings.

RESOLVED: That the Cabinet be recommended to extend the Eastfield Pool pilot to 31 July 2026.
"""


def test_a_bodys_recommendation_is_its_resolution_to_recommend(fake_embedder: FakeEmbedder) -> None:
    _, chunks = chunks_of(PANEL, "2025-06-17_overview-and-scrutiny-panel_minutes.txt")
    answer = _ask("What did the Panel recommend about the Eastfield Pool pilot?", chunks, fake_embedder)
    assert not answer.refused and "31 July 2026" in answer.text, answer.text


SPEAKERS = """WENBURY BOROUGH COUNCIL

Minutes of the meeting of the Planning Committee held on 8 June 2023.

5. The Old Tannery, Riverside Walk

Mr Alan Hart spoke against the application on behalf of local residents.

It was proposed by Councillor Gallagher and seconded by Councillor Treharne that the application be approved.
"""


def test_a_question_for_a_role_needs_a_sentence_naming_that_role(fake_embedder: FakeEmbedder) -> None:
    from assistant.signals import asked_role

    assert asked_role("Who was the architect who spoke for the Old Tannery scheme?") == {"architect"}
    assert asked_role("Who seconded it?") == frozenset()
    _, chunks = chunks_of(SPEAKERS, "2023-06-08_planning-committee_minutes.txt")
    near = _ask("Who was the architect who spoke on the Old Tannery application?", chunks, fake_embedder)
    assert near.refused, near.text  # the mover and a resident are not the architect
    held = _ask("Who seconded the Old Tannery application?", chunks, fake_embedder)
    assert not held.refused and "Treharne" in held.text, held.text


def test_the_meeting_on_the_day_the_question_names_leads(fake_embedder: FakeEmbedder) -> None:
    from datetime import date

    from assistant.kinds import asked_kinds
    from assistant.signals import analyse

    assert analyse("What time did the meeting on 23 February 2023 close?").days == (date(2023, 2, 23),)
    assert "date" in asked_kinds("What was the date of the Inspector's decision?")
    chunks = []
    for day, closed in (("9 February 2023", "8.50pm"), ("23 February 2023", "10.02pm")):
        text = f"WENBURY BOROUGH COUNCIL\\n\\nMinutes of the meeting of Full Council held on {day}.\\n\\n"
        text += f"9. Close of Meeting\\n\\nThe Council meeting closed at {closed}.\\n"
        stamp = "2023-02-09" if day.startswith("9 ") else "2023-02-23"
        chunks += chunks_of(text, f"{stamp}_full-council_minutes.txt")[1]
    for closed, day in (("10.02pm", "23 February 2023"), ("8.50pm", "9 February 2023")):
        answer = _ask(f"What time did the Council meeting on {day} close?", chunks, fake_embedder)
        assert answer.short_answer is not None and answer.short_answer.text == closed, answer.text


def test_what_prompted_asks_a_reason_and_the_thing_after_a_possessive_is_asked_for() -> None:
    from assistant.signals import analyse

    for question in (
        "What prompted the council to make the tree preservation order?",
        "What brought the forecast overspend down?",
        "What were the objector's reasons for opposing the order?",
    ):
        read = analyse(question)
        assert "reason" in read.wants and not read.asked_for, (question, read)
    assert asked_for("What was the outcome of the developer's appeal against the refusal?") == {"appeal"}


def test_a_room_or_ward_number_is_no_count() -> None:
    assert not has("count", "The meeting was held in Committee Room 1.")
    assert not has("count", "It lies in Ward 3.")


def test_a_span_of_years_is_about_each_year_in_it() -> None:
    from assistant.periods import question_years

    assert question_years("How did it change from 2022/23 to 2024/25?") == ("2022/23", "2023/24", "2024/25")
    assert question_years("What was the budget for 2024/25?") == ("2024/25",)
    assert question_years("What has changed since 2022?") == ()


GYM = """WENBURY BOROUGH COUNCIL

Minutes of the meeting of the Planning Committee held on 11 April 2024.

7. Unit 4 Riverside Business Park

James Tulley presented the application for the change of use of the unit at Riverside Business Park to a gym.

RESOLVED: That the application for the gym at Riverside Business Park be approved subject to conditions.
"""


def test_which_company_needs_a_firms_name_and_was_it_signed_needs_a_signing(
    fake_embedder: FakeEmbedder,
) -> None:
    from assistant.kinds import asked_kinds

    assert asked_kinds("Which company will run the gym?") == ("firm",)
    assert has("firm", "The works were awarded to Hartwell Civils Ltd.")
    assert not has("firm", "James Tulley presented the application.")
    _, chunks = chunks_of(GYM, "2024-04-11_planning-committee_minutes.txt")
    near = _ask("Which company is going to run the gym at Riverside Business Park?", chunks, fake_embedder)
    assert near.refused, near.text  # the officer who presented it is no company
    assert asked_for("Was the section 106 agreement signed before the deadline?") == {"sign"}
    unsigned = _ask(
        "Was the gym at Riverside Business Park signed off by the Secretary of State?", chunks, fake_embedder
    )
    assert unsigned.refused, unsigned.text


def test_its_own_is_the_councils_and_a_long_owner_is_skipped() -> None:
    question = "By how much had the council reduced its own carbon emissions by 2024?"
    assert speaks_of_another(question, "It would cut the centre's carbon emissions by 38%.")
    assert not speaks_of_another(question, "The Council's own carbon emissions had fallen by 24%.")
    # the owner ("Planning Inspector") is skipped; the date of a decision asks for the decision
    assert asked_for("What was the date of the Planning Inspector's decision on the appeal?") == frozenset(
        {"decis"}
    )
    assert asked_for("What was the level of the Planning Inspector's fee?") == frozenset({"fee"})


def test_an_officers_title_may_hold_and_and_whether_a_body_agreed_needs_that_body(
    fake_embedder: FakeEmbedder,
) -> None:
    from test_answer_kinds import scored

    from assistant.answer import answer_question
    from assistant.facts import answer_spans
    from assistant.settings import AnswerSettings

    line = "Contact officer: Claire Winter, Libraries and Culture Manager"
    assert [line[a:b] for a, b in answer_spans("person", line)] == ["Claire Winter"]
    text = """WENBURY BOROUGH COUNCIL

Minutes of the meeting of the Overview and Scrutiny Panel held on 17 June 2025.

5. Eastfield Pool Pilot

The Panel agreed to add an evaluation of the Eastfield Pool pilot to its work programme.
"""
    _, chunks = chunks_of(text, "2025-06-17_overview-and-scrutiny-panel_minutes.txt")
    bodies = ["Cabinet", "Overview and Scrutiny Panel"]
    asked = answer_question(
        "Has Cabinet agreed to add an evaluation of the Eastfield Pool pilot?",
        scored(chunks),
        AnswerSettings(),
        fake_embedder,
        known_bodies=bodies,
    )
    assert asked.refused, asked.text  # what the Panel agreed is not what Cabinet agreed
    held = answer_question(
        "Has the Panel agreed to add an evaluation of the Eastfield Pool pilot?",
        scored(chunks),
        AnswerSettings(),
        fake_embedder,
        known_bodies=bodies,
    )
    assert not held.refused, held.text


def test_review_fixes_keep_each_rule_to_what_it_says() -> None:
    from assistant.facts import field_labels, states
    from assistant.kinds import asked_kinds
    from assistant.signals import asked_role

    # a header field is asked for only by a question naming someone
    assert asked_for("Who was the contact officer for the report?") == {"contact", "offic"}
    assert "contact" not in asked_for("How many residents did the council contact?")
    # a resolution, a note or a list's lead-in is no header field
    assert field_labels("RESOLVED: That the report be noted.") == []
    assert field_labels("Note: the figures are provisional.") == []
    assert field_labels("Report author: Ann Lee; Contact officer: Tom Reyes") == [
        "report author",
        "contact officer",
    ]
    # "the budget consultation" asks for no sum
    assert "money" in asked_kinds("What was the budget for 2024/25?")
    assert "money" not in asked_kinds("What was the budget consultation about?")
    # "who was the officer who presented it?" gates on no generic role
    assert asked_role("Who was the officer who presented the report?") == frozenset()
    # the question's "5" is not taken out of the sentence's "5.5m"
    assert states("money", "Was the £5 fee kept?", "The scheme cost £5.5m.")
    # two bodies of one council are not one owner unless one of them is the council
    assert speaks_of_another(
        "What was the Planning Committee's decision?", "The Licensing Panel's decision stood."
    )
