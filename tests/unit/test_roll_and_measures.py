"""Minutes written as many councils write them: a heading line over its list, names by initials,
motions as "Proposed by ... / Seconded by ..." lines, measures in acres, item numbers run into
their titles. One test a failure kind, on the team's own small record."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.answer import answer_question
from assistant.facts import answer_spans, has
from assistant.kinds import asked_kinds
from assistant.settings import AnswerSettings, IngestSettings
from assistant.signals import (
    analyse,
    asked_for,
    asks_roll_call,
    calls_roll,
    furniture,
    names_act,
    names_role,
)
from assistant.text import sentence_spans, tokenize
from assistant.types import Answer, Chunk, RawDocument, ScoredChunk
from ingest import chunk_meeting, file_digest, parse_meeting

if TYPE_CHECKING:
    from conftest import FakeEmbedder

MINUTES = """FERNLEY TOWN COUNCIL

Minutes of the meeting of the Planning Committee held on 12 March 2024.

IN THE CHAIR:

Councillor P. Ward

APOLOGIES:

T. Moran and Councillor K. Boyle

1. Land at Orchard Road

Circulated, report of the Property Officer proposing the disposal of 2.75 acres of land at Orchard
Road for housing.

Proposed by Councillor Hale;

Seconded by Councillor Ross;

And Resolved:

"That the disposal of the land at Orchard Road be approved."

2. Taking in Charge of Estates

Proposed by Councillor Ross and seconded by Councillor Hale, and resolved: "That the following
housing estates be taken in charge under Section 180 of the Planning and Development Act 2000"

1. Orchard Close, Fr. Murphy Road.

2. Mill Meadows, Ballyhale, Co. Fernley.
"""


def _chunks() -> list[Chunk]:
    raw = RawDocument(
        doc_id=file_digest(MINUTES.encode()),
        source="/r/2024-03-12_planning-committee_minutes.txt",
        format="txt",
        text=MINUTES,
    )
    return chunk_meeting(parse_meeting(raw), IngestSettings())


def _ask(question: str, fake_embedder: FakeEmbedder) -> Answer:
    chunks = [
        ScoredChunk(chunk=c, score=1.0 / (60 + rank), dense_rank=rank, similarity=0.8)
        for rank, c in enumerate(_chunks(), start=1)
    ]
    return answer_question(question, chunks, AnswerSettings(), fake_embedder)


def test_a_heading_line_is_weighed_with_the_list_it_heads(fake_embedder: FakeEmbedder) -> None:
    answer = _ask("Who sent apologies to the Planning Committee meeting in March 2024?", fake_embedder)
    assert not answer.refused, answer.text
    assert "Moran" in answer.sentences[0].text and "APOLOGIES" in answer.sentences[0].text, answer.text


def test_a_motion_line_is_no_page_furniture(fake_embedder: FakeEmbedder) -> None:
    q = analyse("Who seconded the disposal of the land at Orchard Road?")
    assert furniture("Seconded by Councillor Ross;", q) == 0.0
    answer = _ask("Who proposed the disposal of the land at Orchard Road?", fake_embedder)
    assert answer.short_answer is not None and answer.short_answer.text == "Councillor Hale", answer.text


def test_how_much_of_a_thing_asks_a_measure_not_a_sum(fake_embedder: FakeEmbedder) -> None:
    assert asked_kinds("How much land at Orchard Road was proposed for disposal?") == ("count",)
    assert asked_kinds("How much on-street parking on Main Street would go?") == ("count",)
    for sum_asked in (
        "How much GMA funding did the club get?",
        "How much was allocated to the scheme?",
        "How much more would the scheme cost?",
        "How much will rents rise in 2025?",
    ):
        assert asked_kinds(sum_asked) == ("money",), sum_asked
    answer = _ask("How much land at Orchard Road was proposed for disposal?", fake_embedder)
    assert not answer.refused and "2.75 acres" in answer.text, answer.text


def test_a_decimal_with_a_unit_is_a_measure_and_an_item_number_no_count() -> None:
    assert has("count", "the disposal of 2.75 acres of land")
    assert has("count", "a route of 3.5 km")
    assert not has("count", "as set out in paragraph 2.2 of the report")
    assert not has("count", "8.TO NOTE PLAYGROUND STRATEGY")


def test_names_given_by_initials_are_people() -> None:
    text = "APOLOGIES: T. Moran and R. O’Neill"
    assert has("person", text)
    assert [text[s:e] for s, e in answer_spans("person", text)] == ["T. Moran", "R. O’Neill"]
    text = "Councillor J. O’Dea"
    assert [text[s:e] for s, e in answer_spans("person", text)] == ["Councillor J. O’Dea"]
    assert not has("person", "No. 3 of 2023 was confirmed")
    text = "Seconded: Cllr. Tom Collopy Cllr. Benson queried the figures."
    assert [text[s:e] for s, e in answer_spans("person", text)] == ["Cllr. Tom Collopy", "Cllr. Benson"]


def test_a_roll_call_question_asks_for_its_list() -> None:
    assert asked_for("Who sent apologies to the meeting?") == frozenset({"apolog"})
    assert asked_for("Which councillors declared an interest?") == frozenset({"declar", "interest"})


def test_a_resolution_of_the_following_takes_in_its_list(fake_embedder: FakeEmbedder) -> None:
    answer = _ask(
        "Which housing estates did the Planning Committee take in charge in March 2024?", fake_embedder
    )
    assert not answer.refused, answer.text
    assert "Orchard Close" in answer.text and "Mill Meadows" in answer.text, answer.text
    for s in answer.sentences:
        assert MINUTES[s.citation.char_start : s.citation.char_end] == s.quote


def test_a_statement_then_a_question_asks_in_its_last_sentence() -> None:
    q = analyse("Councillor Hale proposed that the Orchard Road land be sold. Who seconded it?")
    assert q.asks == ("person",) and q.asked_for == frozenset({"second"})
    assert analyse("What did the committee decide about Orchard Road?").wants == ("decision",)


def test_the_date_of_an_event_asks_for_the_event() -> None:
    assert asked_for("What was the date of the Planning Inspector's decision on the appeal?") == frozenset(
        {"decis"}
    )


def test_father_and_county_are_abbreviations_not_sentence_ends() -> None:
    text = "1. Orchard Close, Fr. Murphy Road, Ballyhale, Co. Fernley was taken in charge."
    assert [text[s:e] for s, e in sentence_spans(text)][-1].startswith("Orchard Close, Fr. Murphy")


AGENDA = """FERNLEY TOWN COUNCIL

Agenda of the meeting of the Planning Committee to be held on 9 April 2024.

3. Taking in Charge of Estates

To consider the taking in charge by the Council of the roads, footpaths, public lighting and surface
water drainage of the following housing estate, in accordance with Section 180 of the Planning and
Development Act 2000 and Section 11 of the Roads Act 1993, the developer having completed the works
to the standard required by the Council's taking in charge policy:

Orchard Close, Ballyhale

4. Footpaths

The district office proposes to replace 300m of existing footpath and to build 900m of new footpath.

The free bulky waste collection day will be trialled in the spring.
"""


def _ask_agenda(question: str, fake_embedder: FakeEmbedder) -> Answer:
    raw = RawDocument(
        doc_id=file_digest(AGENDA.encode()),
        source="/r/2024-04-09_planning-committee_agenda.txt",
        format="txt",
        text=AGENDA,
    )
    chunks = chunk_meeting(parse_meeting(raw), IngestSettings())
    scored = [
        ScoredChunk(chunk=c, score=1.0 / (60 + rank), dense_rank=rank, similarity=0.8)
        for rank, c in enumerate(chunks, start=1)
    ]
    return answer_question(question, scored, AnswerSettings(), fake_embedder)


def test_a_lead_in_that_ends_its_paragraph_takes_the_next(fake_embedder: FakeEmbedder) -> None:
    answer = _ask_agenda("Which housing estate was to be considered for taking in charge?", fake_embedder)
    assert "Orchard Close" in answer.text, answer.text
    for s in answer.sentences:
        assert AGENDA[s.citation.char_start : s.citation.char_end] == s.quote


def test_a_length_in_metres_is_a_measure_not_a_sum(fake_embedder: FakeEmbedder) -> None:
    assert has("count", "replace 300m of existing footpath") and not has("money", "replace 300m of footpath")
    assert has("money", "a £1.2m loan")
    answer = _ask_agenda("How much new footpath does the district office propose to build?", fake_embedder)
    assert not answer.refused and "900m" in answer.text, answer.text


def test_what_date_needs_a_day_not_a_season(fake_embedder: FakeEmbedder) -> None:
    answer = _ask_agenda("What date was fixed for the free bulky waste collection day?", fake_embedder)
    assert answer.refused, answer.text
    answer = _ask_agenda("When will the free bulky waste collection day be trialled?", fake_embedder)
    assert not answer.refused and "spring" in answer.text, answer.text


def test_a_role_is_named_by_its_word_and_the_roll_call_answers_only_the_roll(
    fake_embedder: FakeEmbedder,
) -> None:
    assert not names_role("Who is the applicant for the townhouses?", "that the application be approved")
    assert names_role("Who is the applicant for the townhouses?", "the applicant, Mr Lyle, spoke")
    assert calls_roll("Present: Councillors Ward, Hale and Ross.")
    assert not asks_roll_call("Who is the applicant for the townhouses?")
    assert asks_roll_call("Who was present at the meeting?")


def test_which_firm_and_which_members_did_what() -> None:
    assert asked_kinds("Which gas network company carried out the diversion?") == ("firm",)
    assert asked_kinds("What did the company say?") == ()
    assert asked_for("Which members of the Planning Committee voted against the scheme?") == frozenset(
        {"vote"}
    )


def test_who_seconded_needs_a_sentence_of_that_act() -> None:
    said = frozenset(tokenize("Councillor Ward declared an interest in the item."))
    moved = frozenset(tokenize("It was moved by Councillor Hale and seconded by Councillor Ross."))
    assert not names_act("Who seconded the disposal?", said)
    assert names_act("Who seconded the disposal?", moved)
    assert names_act("Who proposed the disposal?", moved)  # moved or proposed: one act
    assert names_act("Which councillor said she was a member?", said)  # speech needs no such word
    assert not names_act("Which members voted against the scheme?", said)


REPORT = """FERNLEY TOWN COUNCIL

REPORT TO: Planning Committee
DATE OF MEETING: 14 May 2024
WARD: Orchard Ward
SUBJECT: Tree Preservation Order No. 2 of 2024, Land at Orchard Road

1. Purpose of the Report

1.1 To decide whether to confirm Tree Preservation Order No. 2 of 2024 on the oaks at Orchard Road.
"""


def _ask_text(text: str, name: str, question: str, fake_embedder: FakeEmbedder) -> Answer:
    raw = RawDocument(doc_id=file_digest(text.encode()), source=f"/r/{name}", format="txt", text=text)
    chunks = chunk_meeting(parse_meeting(raw), IngestSettings(min_chunk_chars=0))
    scored = [
        ScoredChunk(chunk=c, score=1.0 / (60 + rank), dense_rank=rank, similarity=0.8)
        for rank, c in enumerate(chunks, start=1)
    ]
    return answer_question(question, scored, AnswerSettings(), fake_embedder)


def test_a_vote_tally_answers_how_they_voted_though_it_names_no_subject() -> None:
    from types import SimpleNamespace

    from assistant.near_miss import named_enough

    resolution = SimpleNamespace(
        quote="RESOLVED: That the application be APPROVED.", features={"subject": 0.9}
    )
    tally = SimpleNamespace(quote="For: 6, Against: 3, Abstentions: 1.", features={"subject": 0.2})
    ranked = [resolution, tally]
    settings = AnswerSettings()
    assert named_enough([tally], ranked, settings, asks_vote=True) == [tally]  # type: ignore[list-item]
    assert named_enough([tally], ranked, settings) == []  # type: ignore[list-item]


def test_a_header_field_asked_for_is_the_answer(fake_embedder: FakeEmbedder) -> None:
    answer = _ask_text(
        REPORT,
        "2024-05-14_planning-committee_report-tpo-orchard.txt",
        "Which ward does the report on Tree Preservation Order No. 2 of 2024 give for the site?",
        fake_embedder,
    )
    assert not answer.refused and "Orchard Ward" in answer.text, answer.text


def test_the_rules_stay_as_narrow_as_their_words() -> None:
    from assistant.run_on import leads_in

    # a roll-call word elsewhere in the question does not make it a roll-call question
    assert asked_for("Who seconded the motion to declare a climate emergency?") == frozenset({"second"})
    assert asked_for("Which official sent apologies to the meeting?") == frozenset({"apolog"})
    assert names_role("Who were the objectors?", "Mr Smith, an objector, spoke against it")
    assert not has("person", "Members preferred Option A. The cost was lower.")
    assert not leads_in("Works will begin in the following weeks.")
    assert asked_kinds("How much VAT was reclaimed?") == ("money",)
    assert asked_kinds("What impact on local companies was expected?") == ()
