"""Council, body and recorded-meeting date from text and file name; sidecar metadata beside the files."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from assistant.settings import IngestSettings
from ingest import chunk_meeting, parse_meeting, read_document
from ingest.bodies import canonical_body, find_body, find_council
from ingest.metadata import find_date
from ingest.sidecar import load_sidecar


@pytest.mark.parametrize(
    ("header", "name", "expected"),
    [
        # OCR reads the superscript "th" as ™ or ”, and PDFs lose the space before the month
        (
            "MINUTES OF PROCEEDINGS AT MEETING ON WEDNESDAY 11™ JUNE, 2014, AT 10.00 A.M.",
            "m.md",
            date(2014, 6, 11),
        ),
        ("A meeting was held virtually on Monday, 9” November, 2020 at 3pm", "m.md", date(2020, 11, 9)),
        ("Minutes of the Committee held on Tuesday 5thOctober, 2021 at 4pm.", "m.md", date(2021, 10, 5)),
        # the "held on" date wins over an earlier letter date
        (
            "14th October 2022. You are requested to attend a meeting to be held on 20th October 2022",
            "x",
            date(2022, 10, 20),
        ),
        # no year: the file name's year when day and month agree
        (
            "MEETING HELD IN THE HALL ON THURSDAY 20TH OCTOBER AT 3.30PM.",
            "Minutes - 20th October 2022.md",
            date(2022, 10, 20),
        ),
        # a year typo that the weekday gives away: 26 June 2018 was a Tuesday, 26 June 2017 was not
        ("HELD AT THE HALL ON TUESDAY, 26TH JUNE, 2017 AT 1.30 P.M.", "m.md", date(2018, 6, 26)),
        ("Nothing dated here.", "Minutes - Meeting - 6th June 2014.md", date(2014, 6, 6)),
        ("Nothing dated here.", "notes.md", None),
    ],
)
def test_recorded_meeting_date(header: str, name: str, expected: date | None) -> None:
    assert find_date(header, name) == expected


@pytest.mark.parametrize(
    ("header", "body"),
    [
        (
            "MINUTES OF PROCEEDINGS AT MEETING OF THE MUNICIPAL DISTRICT OF NEWCASTLE WEST HELD IN THE HALL",
            "Municipal District of Newcastle West",
        ),
        (
            "MINUTES OF PROCEEDINGS AT MONTHLY MEETING OF THE METROPOLITAN DISTRICT OF LIMERICK HELD ON MONDAY",
            "Metropolitan District of Limerick",
        ),
        (
            "MINUTES OF PROCEEDINGS AT SPECIAL MEETING OF LIMERICK CITY AND COUNTY COUNCIL HELD ONLINE",
            "Full Council",
        ),
        (
            "Minutes of the Online Meeting of Limerick City & County Council Climate Action, Biodiversity and Environment Strategic Policy Committee held on Tuesday 5th October, 2021",
            "Climate Action, Biodiversity and Environment Strategic Policy Committee",
        ),
        (
            "A meeting of the Community, Leisure and Emergency Services Strategic Policy Committee\n\nwas held in the Council Chamber",
            "Community, Leisure and Emergency Services Strategic Policy Committee",
        ),
        (
            "MINUTES OF PROCEEDINGS AT JOINT POLICING SUB COMMITTEE MEETING OF THE MUNICIPAL DISTRICT OF ADARE-RATHKEALE HELD ON",
            "Municipal District of Adare-Rathkeale Joint Policing Sub-Committee",
        ),
        ("To: The Cathaoirleach and each Member of the Home & Social Development SPC", None),
    ],
)
def test_body_from_opening(header: str, body: str | None) -> None:
    assert find_body(header, "document.md") == body


def test_council_names() -> None:
    assert find_council("MINUTES OF PROCEEDINGS AT MEETING OF LIMERICK CITY AND COUNTY COUNCIL HELD") == (
        "Limerick City and County Council"
    )
    assert (
        find_council("Minutes of a meeting of Limerick City & County Council")
        == "Limerick City and County Council"
    )
    assert find_council("FERNLEY TOWN COUNCIL") == "Fernley Town Council"


@pytest.mark.parametrize(
    ("raw", "council", "body"),
    [
        (
            "Economic Development, Enterprise and Planning SPC",
            None,
            "Economic Development, Enterprise and Planning Strategic Policy Committee",
        ),
        (
            "Limerick City and County Council’s Travel and Transportation Strategic Policy Committee",
            "Limerick City and County Council",
            "Travel and Transportation Strategic Policy Committee",
        ),
        ("Municipal District of Adare - Rathkeale", None, "Municipal District of Adare-Rathkeale"),
        ("LIMERICK CITY & COUNTY COUNCIL", "Limerick City and County Council", "Full Council"),
        (
            "Virtual Monthly Meeting of the Metropolitan District of Limerick",
            None,
            "Metropolitan District of Limerick",
        ),
        ("the Council", None, "Full Council"),
    ],
)
def test_canonical_body(raw: str, council: str | None, body: str) -> None:
    assert canonical_body(raw, council) == body


def test_body_from_file_name_when_the_text_is_silent() -> None:
    m = read_and_parse_text("Some notes.", "Minutes - Meeting of the Cultural SPC - 16th January 2018.md")
    assert m == ("Cultural Strategic Policy Committee", date(2018, 1, 16), "minutes")


def read_and_parse_text(text: str, name: str) -> tuple[str | None, date | None, str | None]:
    from assistant.types import RawDocument

    meeting = parse_meeting(RawDocument(doc_id="d", source=f"/r/{name}", format="md", text=text))
    return meeting.body, meeting.meeting_date, meeting.doc_type


# -- sidecars ---------------------------------------------------------------------------------

TEXT = "Minutes of the meeting of the Parks Committee held on 10 May 2023.\n\n1. Apologies\n\nNone.\n"


def test_meta_json_overrides_the_text(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text(TEXT, encoding="utf-8")
    (tmp_path / "notes.txt.meta.json").write_text(
        json.dumps(
            {"body": "Allotments Sub-Committee", "meeting_date": "2023-05-11", "title": "Parks notes"}
        ),
        encoding="utf-8",
    )
    raw = read_document(path)
    assert raw.title == "Parks notes"
    m = parse_meeting(raw)
    assert (m.body, m.meeting_date, m.doc_type) == ("Allotments Sub-Committee", date(2023, 5, 11), "minutes")


def test_manifest_in_a_parent_folder(tmp_path: Path) -> None:
    folder = tmp_path / "2023" / "05"
    folder.mkdir(parents=True)
    path = folder / "minutes.txt"
    path.write_text(TEXT, encoding="utf-8")
    rows = [
        {"path": "2023/05/minutes.txt", "council": "Fernley Town Council", "doc_type": "minutes"},
        {"path": "2023/05/other.txt", "council": "Somewhere Else"},
        {"path": "2023/05/minutes.txt.bak", "body": "Wrong"},
        {"meeting_title": "no path: ignored"},
    ]
    (tmp_path / "manifest.jsonl").write_text(
        "\n".join(json.dumps(r) for r in rows) + "\nnot json\n", encoding="utf-8"
    )
    m = parse_meeting(read_document(path))
    assert (m.council, m.body, m.meeting_date) == (
        "Fernley Town Council",
        "Parks Committee",
        date(2023, 5, 10),
    )


def test_meta_json_wins_over_the_manifest_and_bad_values_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "minutes.txt"
    path.write_text(TEXT, encoding="utf-8")
    (tmp_path / "manifest.jsonl").write_text(
        json.dumps({"path": "minutes.txt", "body": "From Manifest", "council": "Fernley Town Council"})
        + "\n",
        encoding="utf-8",
    )
    (tmp_path / "minutes.txt.meta.json").write_text(
        json.dumps({"body": "From Meta", "meeting_date": "not a date", "doc_type": "memo", "colour": "red"}),
        encoding="utf-8",
    )
    assert load_sidecar(path) == {"body": "From Meta", "council": "Fernley Town Council"}


def test_unreadable_sidecar_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "minutes.txt"
    path.write_text(TEXT, encoding="utf-8")
    (tmp_path / "minutes.txt.meta.json").write_text("{broken", encoding="utf-8")
    assert load_sidecar(path) == {}
    assert parse_meeting(read_document(path)).body == "Parks Committee"


def test_a_manifest_for_another_purpose_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "meetings" / "minutes.txt"
    path.parent.mkdir()
    path.write_text(TEXT, encoding="utf-8")
    row = {
        "path": "meetings/minutes.txt",
        "meeting_title": "Full Meeting",
        "meeting_datetime": "2024-01-01 10:00:00",
    }
    (tmp_path / "manifest.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    assert load_sidecar(path) == {}


def test_a_doc_type_line_above_the_body_is_not_part_of_its_name() -> None:
    from ingest.bodies import find_body

    header = "WENBURY BOROUGH COUNCIL\n\nAGENDA\n\nCabinet\n\nThursday 13 March 2025 at 6.30pm\n"
    assert find_body(header, "2025-03-13_agenda.docx") == "Cabinet"


@pytest.mark.parametrize(
    ("header", "council", "body"),
    [
        ("Minutes of the meeting of Ashby Parish Council held on 4 March 2024", "Ashby Parish Council", "Full Council"),
        ("ASHBY PARISH COUNCIL\n\nMinutes of the Parish Council Meeting held on 4 March 2024", "Ashby Parish Council", "Full Council"),
        ("Ashby Parish Council\n\nMinutes of the meeting held on 4 March 2024", "Ashby Parish Council", None),
        ("ASHBY PARISH COUNCIL\n\nMinutes of the Planning Committee held on 4 March 2024", "Ashby Parish Council", "Planning Committee"),
    ],
)  # fmt: skip
def test_a_parish_record_beside_the_sample_council_is_labelled_as_its_own(
    tmp_path: Path, header: str, council: str, body: str | None
) -> None:
    """Council and body come from the record itself: never another council's "Full Council"."""
    path = tmp_path / "minutes.txt"
    path.write_text(
        f"{header}\n\n1. Allotments\n\nThe council agreed to repair the allotment fence.\n", encoding="utf-8"
    )
    m = parse_meeting(read_document(path))
    assert (m.council, m.body) == (council, body)
    chunk = chunk_meeting(m, IngestSettings())[-1]
    assert chunk.citation.label.startswith(council if body in (None, "Full Council") else body)
    assert chunk.citation.label_for(show_council=True).startswith(
        "Ashby PC" if body == "Planning Committee" else council
    )
    assert "Wenbury" not in chunk.citation.label_for(show_council=True)


def test_report_title_from_its_subject_line_or_the_sidecar(tmp_path: Path) -> None:
    path = tmp_path / "2024-01-18_cabinet_report.txt"
    path.write_text(
        "REPORT TO: Cabinet\n\nAgenda Item 6\n\nSUBJECT: Mill Lane Cycle Lane – Final Business Case\n\n"
        "1. Purpose of Report\n\n1.1 To seek approval.\n",
        encoding="utf-8",
    )
    m = parse_meeting(read_document(path))
    assert (m.title, m.meeting_item, m.doc_type) == (
        "Mill Lane Cycle Lane – Final Business Case",
        "6",
        "report",
    )
    path.with_name(path.name + ".meta.json").write_text(
        json.dumps({"title": "Mill Lane (final)"}), encoding="utf-8"
    )
    assert parse_meeting(read_document(path)).title == "Mill Lane (final)"
