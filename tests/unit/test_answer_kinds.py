"""The answer layer's failure kinds, one test each, on the team's own small records."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.answer import answer_question
from assistant.facts import has
from assistant.periods import question_years, text_years
from assistant.settings import AnswerSettings, IngestSettings
from assistant.signals import analyse, asked_for
from assistant.text import tokenize
from assistant.types import Answer, Chunk, RawDocument, ScoredChunk
from ingest import chunk_meeting, file_digest, parse_meeting

if TYPE_CHECKING:
    from conftest import FakeEmbedder

LEISURE = """WENBURY BOROUGH COUNCIL

Minutes of the meeting of the Cabinet held on 10 October 2024.

5. Leisure Centre Refurbishment

Dr Rowe explained that the £2.1 million would be borrowed from the Public Works Loan Board over 25 years.

The weekly mobile library stop would save £186,000 a year.

Apologies were received from Councillors Dobson and Kaur.

RESOLVED: That the refurbishment be approved at a total cost of £3.4 million.
"""


def chunks_of(text: str, name: str) -> tuple[str, list[Chunk]]:
    raw = RawDocument(doc_id=file_digest(text.encode()), source=f"/r/{name}", format="txt", text=text)
    return raw.text, chunk_meeting(parse_meeting(raw), IngestSettings(min_chunk_chars=0))


def scored(chunks: list[Chunk]) -> list[ScoredChunk]:
    return [
        ScoredChunk(chunk=c, score=1.0 / (60 + rank), dense_rank=rank, similarity=0.8)
        for rank, c in enumerate(chunks, start=1)
    ]


def _ask(question: str, chunks: list[Chunk], fake_embedder: FakeEmbedder, **settings: object) -> Answer:
    return answer_question(question, scored(chunks), AnswerSettings.model_validate(settings), fake_embedder)


def test_near_miss_naming_the_thing_but_not_the_fact_is_refused(fake_embedder: FakeEmbedder) -> None:
    _, chunks = chunks_of(LEISURE, "2024-10-10_cabinet_minutes.txt")
    answer = _ask(
        "What interest rate is paid on the Public Works Loan Board borrowing?", chunks, fake_embedder
    )
    assert answer.refused, answer.text
    assert answer.related  # shown as "related, not an answer"


def test_a_count_question_needs_a_count_not_a_sum(fake_embedder: FakeEmbedder) -> None:
    _, chunks = chunks_of(LEISURE, "2024-10-10_cabinet_minutes.txt")
    answer = _ask("How many people used the weekly mobile library stop?", chunks, fake_embedder)
    assert answer.refused, answer.text


def test_fact_first_then_its_sentence_with_a_marker(fake_embedder: FakeEmbedder) -> None:
    text, chunks = chunks_of(LEISURE, "2024-10-10_cabinet_minutes.txt")
    answer = _ask("How much will the leisure centre refurbishment cost?", chunks, fake_embedder)
    assert not answer.refused
    assert answer.text.startswith("£3.4 million — RESOLVED: That the refurbishment be approved")
    assert answer.text.endswith("[1]")
    short = answer.short_answer
    assert short is not None
    assert text[short.citation.char_start : short.citation.char_end] == short.quote == "£3.4 million"
    assert [m for m, _ in answer.sources] == [1]


def test_roll_call_facts_are_answers_when_asked(fake_embedder: FakeEmbedder) -> None:
    _, chunks = chunks_of(LEISURE, "2024-10-10_cabinet_minutes.txt")
    answer = _ask("Who sent apologies to the Cabinet on 10 October 2024?", chunks, fake_embedder)
    assert not answer.refused
    assert "Dobson and Kaur" in answer.text.splitlines()[0]


def test_multi_part_question_says_which_part_is_not_stated(fake_embedder: FakeEmbedder) -> None:
    _, chunks = chunks_of(LEISURE, "2024-10-10_cabinet_minutes.txt")
    answer = _ask(
        "How much will the leisure centre refurbishment cost, and who proposed it?", chunks, fake_embedder
    )
    assert not answer.refused
    assert "£3.4 million" in answer.text
    assert answer.text.splitlines()[-1] == "Not stated in the records: who proposed it."


def test_financial_years_in_every_common_spelling() -> None:
    for spelt in ("2019/20", "2019-20", "2019 – 20", "2019/2020", "FY 2019-20"):
        assert question_years(f"What was the budget for {spelt}?") == ("2019/20",), spelt
        assert "2019/20" in text_years(f"The budget for {spelt} was set."), spelt
    assert question_years("What happened in 2019-2024?") == ("2019",)  # a range, not a year
    assert question_years("What happened since 2022?") == ()
    assert question_years("What were the budgets for 2022 and 2023?") == ("2022", "2023")
    # a closed span is about each year in it (an open one, "since 2022", names none)
    assert question_years("What happened between 2019 and 2021?") == ("2019", "2020", "2021")


def test_years_a_question_bounds_exclude_later_meetings(fake_embedder: FakeEmbedder) -> None:
    _, chunks = chunks_of(
        "Minutes of the meeting of the Overview and Scrutiny Panel held on 8 December 2022.\n\n"
        "1. Attendance\n\nCouncillor Colin Pettifer chaired the Overview and Scrutiny Panel.\n",
        "2022-12-08_overview-and-scrutiny-panel_minutes.txt",
    )
    assert not _ask("Who chaired the Overview and Scrutiny Panel in 2022?", chunks, fake_embedder).refused
    assert _ask("Who chaired the Overview and Scrutiny Panel before 2022?", chunks, fake_embedder).refused


def _two_bodies() -> list[ScoredChunk]:
    _, cabinet = chunks_of(
        "Minutes of the meeting of the Cabinet held on 9 March 2023.\n\n4. Northgate Library\n\n"
        "RESOLVED: That Northgate Library be kept open with reduced hours.\n",
        "2023-03-09_cabinet_minutes.txt",
    )
    _, panel = chunks_of(
        "Minutes of the meeting of the Overview and Scrutiny Panel held on 21 February 2023.\n\n"
        "3. Northgate Library\n\nRESOLVED: That the Panel recommends the Northgate Library closure be "
        "referred back to the Cabinet.\n",
        "2023-02-21_overview-and-scrutiny-panel_minutes.txt",
    )
    return scored([c for c in cabinet + panel if "RESOLVED" in c.text])


def test_one_bodys_decision_is_not_presented_as_anothers(fake_embedder: FakeEmbedder) -> None:
    chunks = _two_bodies()
    bodies = ["Cabinet", "Overview and Scrutiny Panel"]
    for question, body in (
        (
            "What did the Overview and Scrutiny Panel decide about Northgate Library?",
            "Overview and Scrutiny Panel",
        ),
        ("What did Cabinet decide about Northgate Library?", "Cabinet"),
    ):
        answer = answer_question(question, chunks, AnswerSettings(), fake_embedder, known_bodies=bodies)
        assert answer.sentences[0].citation.body == body, answer.text


def test_first_and_latest_word_on_a_matter(fake_embedder: FakeEmbedder) -> None:
    _, early = chunks_of(
        "Minutes of the meeting of the Cabinet held on 14 July 2022.\n\n6. Mill Lane\n\n"
        "The Mill Lane cycle lane was estimated to cost £1.2 million.\n",
        "2022-07-14_cabinet_minutes.txt",
    )
    _, late = chunks_of(
        "Minutes of the meeting of the Cabinet held on 13 March 2025.\n\n5. Mill Lane\n\n"
        "The Mill Lane cycle lane was now estimated to cost £1.475 million.\n",
        "2025-03-13_cabinet_minutes.txt",
    )
    chunks = scored([c for c in early + late if "cost" in c.text])
    first = answer_question(
        "What was the Mill Lane cycle lane first estimated to cost?",
        chunks,
        AnswerSettings(max_sentences=1),
        fake_embedder,
    )
    latest = answer_question(
        "What is the Mill Lane cycle lane now estimated to cost?",
        chunks,
        AnswerSettings(max_sentences=1),
        fake_embedder,
    )
    assert first.short_answer is not None and first.short_answer.text == "£1.2 million"
    # "how much ... first": two meetings disagree, but the question asks for the first word
    how_much = answer_question(
        "How much was the Mill Lane cycle lane first estimated to cost?",
        chunks,
        AnswerSettings(),
        fake_embedder,
    )
    assert how_much.short_answer is not None and how_much.short_answer.text == "£1.2 million", how_much.text
    assert latest.short_answer is not None and latest.short_answer.text == "£1.475 million"


def test_a_decision_question_needs_a_decision(fake_embedder: FakeEmbedder) -> None:
    _, chunks = chunks_of(
        "Minutes of the meeting of the Cabinet held on 17 June 2025.\n\n5. Station Road\n\n"
        "Councillor Marsh said that a feasibility study for a second phase along Station Road would be "
        "considered later in the year.\n",
        "2025-06-17_cabinet_minutes.txt",
    )
    answer = _ask("What did Cabinet decide about a second phase along Station Road?", chunks, fake_embedder)
    assert answer.refused, answer.text


def test_what_the_question_asks_for_is_read() -> None:
    q = analyse("What interest rate is the council paying?")
    assert q.asked_for == frozenset({"interest", "rate"})
    assert analyse("What level of construction inflation was blamed?").asked_for == frozenset(
        {"construct", "inflat"}
    )
    assert analyse("How many votes were cast?").asks == ("count", "vote")
    assert analyse("Who seconded it?").asks == ("person",)
    assert analyse("What about allotment rents?").asks == ()
    assert analyse("How many people took part, and what proportion were in favour?").parts == (
        "How many people took part",
        "what proportion were in favour",
    )


BUDGET = """WENBURY BOROUGH COUNCIL

Minutes of the meeting of Full Council held on 23 February 2023.

6. Revenue Budget 2023/24

Amendment: Councillor Whitlock moved an amendment, seconded by Councillor Treharne, to keep the Eastfield swimming pool open on its current hours, funded from reserves.

Councillor Okafor replied that the amendment would commit reserves to a service that would still need funding the following year.

A recorded vote was taken on the amendment. For: 17, Against: 25, Abstentions: 1. The amendment was LOST.

RESOLVED: That the revenue budget for 2023/24 of £24.1 million be approved.
"""

ALLOTMENTS = """WENBURY BOROUGH COUNCIL

Minutes of the meeting of the Cabinet held on 8 December 2022.

7. Allotment Rents

RESOLVED: That allotment rents be increased to £55 a year for a full plot from 1 October 2023.
"""


def test_a_vote_question_needs_the_vote(fake_embedder: FakeEmbedder) -> None:
    _, chunks = chunks_of(ALLOTMENTS, "2022-12-08_cabinet_minutes.txt")
    refused = _ask(
        "What was the vote when Cabinet agreed the allotment rent increase?", chunks, fake_embedder
    )
    assert refused.refused, refused.text  # a resolution that states no vote is a near miss
    _, chunks = chunks_of(BUDGET, "2023-02-23_full-council_minutes.txt")
    answer = _ask(
        "What was the vote on the amendment about the Eastfield swimming pool?", chunks, fake_embedder
    )
    assert not answer.refused, answer.text
    assert (
        answer.short_answer is not None and answer.short_answer.text == "For: 17, Against: 25, Abstentions: 1"
    )


def test_a_motions_outcome_a_paragraph_on_comes_with_it(fake_embedder: FakeEmbedder) -> None:
    _, chunks = chunks_of(BUDGET, "2023-02-23_full-council_minutes.txt")
    motion = next(c for c in chunks if c.text.startswith("Amendment:"))
    outcome = next(c for c in chunks if "LOST" in c.text)
    # retrieval found the motion; the outcome came in as the paragraph that closes it, ranked last
    answer = answer_question(
        "What happened to the amendment to keep the Eastfield swimming pool open?",
        [*scored([motion]), ScoredChunk(chunk=outcome, score=0.0, similarity=0.8)],
        AnswerSettings(),
        fake_embedder,
    )
    assert not answer.refused, answer.text
    quotes = " ".join(s.quote for s in answer.sentences)
    assert "LOST" in quotes, answer.text
    assert {s.citation.paragraph for s in answer.sentences} >= {outcome.citation.paragraph}


def test_a_period_the_records_do_not_speak_of_is_a_near_miss(fake_embedder: FakeEmbedder) -> None:
    _, chunks = chunks_of(BUDGET, "2023-02-23_full-council_minutes.txt")
    assert not _ask("What revenue budget was approved for 2023/24?", chunks, fake_embedder).refused
    answer = _ask("What revenue budget was approved for 2026/27?", chunks, fake_embedder)
    assert answer.refused, answer.text


def test_two_parts_sharing_a_best_sentence_split_where_it_costs_least() -> None:
    from types import SimpleNamespace

    from assistant.answer import _distinct

    def sentence(n: int, score: float) -> SimpleNamespace:
        return SimpleNamespace(chunk=SimpleNamespace(id="c"), index=n, score=score, vector=())

    part = SimpleNamespace(vector=None)  # no part vectors: only the scores decide

    # "How many tenders ... and what did X score?": both parts' best is the sentence with the score;
    # the count part has a nearly-as-good sentence of its own, the score part has none
    shared_1, shared_2 = sentence(1, 2.40), sentence(1, 2.35)
    count_part = [shared_1, sentence(2, 2.23)]
    score_part = [shared_2]
    picks = _distinct([(part, count_part), (part, score_part)])  # type: ignore[list-item]
    assert [p.index for _, p in picks] == [2, 1]
    # when giving it up costs the other part less, that part moves instead
    first, second = [sentence(1, 2.4), sentence(3, 1.0)], [sentence(1, 2.4), sentence(4, 2.3)]
    picks = _distinct([(part, first), (part, second)])  # type: ignore[list-item]
    assert [p.index for _, p in picks] == [1, 4]


def test_words_the_council_uses_for_the_same_thing() -> None:
    from assistant.text import holds, tokenize

    minutes = frozenset(tokenize("the works be funded from the Capital Reserve; 62% supported the scheme"))
    for asked in ("paid", "favour", "fund"):
        assert holds(tokenize(asked)[0], minutes), asked
    assert not holds(tokenize("refused")[0], minutes)


PLANNING = """WENBURY BOROUGH COUNCIL

Minutes of the meeting of the Planning Committee held on 14 June 2023.

6. Planning Application 23/00412/FUL – Old Tannery

RESOLVED: That planning application 23/00412/FUL be REFUSED because the height and bulk of the building would be overbearing.

7. Planning Application 22/00951/FUL – Riverside Yard

RESOLVED: That planning application 22/00951/FUL be REFUSED on the grounds that the application site lies within Flood Zone 3.
"""


def test_the_application_a_question_names_is_the_one_answered(fake_embedder: FakeEmbedder) -> None:
    _, chunks = chunks_of(PLANNING, "2023-06-14_planning-committee_minutes.txt")
    # the other application's refusal shares more of the question's words ("grounds", "application")
    for number, reason in (("23/00412/FUL", "overbearing"),):
        answer = _ask(f"On what grounds was application {number} refused?", chunks, fake_embedder)
        assert not answer.refused, answer.text
        assert reason in answer.sentences[0].quote, (number, answer.text)
        assert all(number in s.quote for s in answer.sentences), answer.text
    # the passage naming the asked application weighs up, one naming only another weighs down
    from assistant.scoring import _matter

    asked = {"23/00412/FUL"}
    weights = {c.citation.agenda_item: _matter(asked, c) for c in chunks if c.citation.agenda_item}
    assert sorted(weights.values()) == [-1.0, 1.0], weights
    assert _matter(set(), chunks[-1]) == 0.0


TAKEAWAY = """WENBURY BOROUGH COUNCIL

Minutes of the meeting of the Planning Committee held on 12 October 2023.

5. 14 Market Street – Hot Food Takeaway

Members considered that the extraction flue would cause odour nuisance to the flats above, contrary to Policy EN4.
"""


def test_a_why_question_is_answered_with_the_reason(fake_embedder: FakeEmbedder) -> None:
    # the passage gives the reason, not the resolution: "why was it refused?" is answered by it,
    # not refused for want of a sentence recording the decision
    _, chunks = chunks_of(TAKEAWAY, "2023-10-12_planning-committee_minutes.txt")
    answer = _ask("Why was the takeaway at 14 Market Street refused?", chunks, fake_embedder)
    assert not answer.refused, answer.text
    assert "odour nuisance" in answer.sentences[0].quote, answer.text


TENDER = """FERNLEY TOWN COUNCIL

Minutes of the meeting of the Parks Committee held on 13 March 2024.

1. Riverside Park Bandstand

The Parks Officer reported that the paintwork of the bandstand had failed its annual inspection. Two quotes had been received for repainting it.

It was proposed by Councillor Pym and seconded by Councillor Ashdown that the lower quote be accepted. On being put to the vote there were 4 votes in favour and none against.

RESOLVED: That the quote of £4,200 from Harbottle Decorators Ltd for repainting the bandstand at Riverside Park be accepted.
"""


def test_a_firm_answers_who_as_a_person_would(fake_embedder: FakeEmbedder) -> None:
    _, chunks = chunks_of(TENDER, "2024-03-13_parks-committee_minutes.txt")
    answer = _ask("Whose quote for repainting the bandstand was accepted?", chunks, fake_embedder)
    assert not answer.refused
    assert answer.text.startswith("Harbottle Decorators Ltd"), answer.text  # the firm, not the mover
    assert has("person", "the tender from Wexford Builders was the lowest")
    assert not has("person", "the Local Plan was approved")  # capitals alone are no firm


def test_what_time_wants_a_time_of_day_not_a_date() -> None:
    from assistant.facts import tells_the_time

    assert tells_the_time("What time did the meeting finish?", "The meeting closed at 9.18pm.")
    assert not tells_the_time(
        "What time did the meeting finish?", "Minutes of the meeting held on 23 February 2023."
    )
    assert tells_the_time("When was the meeting?", "Minutes of the meeting held on 23 February 2023.")
    assert tells_the_time("At what time did it open?", "The meeting opened at noon.")


WORKS = """WENBURY BOROUGH COUNCIL

Minutes of the meeting of the Cabinet held on 12 March 2024.

5. Eastfield Pool Refurbishment

Work on the refurbishment of Eastfield Pool started on 8 January 2024, on time and on budget.

The contractor expects the work to be completed by 30 September 2024, when the pool will reopen.

RESOLVED: That the progress report be noted.
"""


def test_when_asks_the_date_of_the_event_it_names(fake_embedder: FakeEmbedder) -> None:
    assert asked_for("When would the order have lapsed if not confirmed?") == frozenset(tokenize("lapsed"))
    _, chunks = chunks_of(WORKS, "2024-03-12_cabinet_minutes.txt")
    done = _ask("When will the Eastfield Pool refurbishment be completed?", chunks, fake_embedder)
    assert done.text.startswith("30 September 2024"), done.text  # completion is not the start
    begun = _ask("When did the Eastfield Pool refurbishment work start?", chunks, fake_embedder)
    assert begun.text.startswith("8 January 2024"), begun.text
