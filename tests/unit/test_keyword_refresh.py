"""The keyword index catches up with another process's writes: only the new chunks are read when
the writes only added chunks, and the result equals a full rebuild from Chroma."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import assistant
from assistant import Settings
from index import CouncilIndex, KeywordIndex

if TYPE_CHECKING:
    from conftest import FakeEmbedder

PLANNING = """FERNLEY TOWN COUNCIL

Minutes of the meeting of the Planning Committee held on 14 March 2024.

1. Land at Mill Lane

The application for six houses at Mill Lane was refused on highway grounds.

The Clerk reported that the applicant may appeal against the refusal.
"""

QUESTIONS = ("Mill Lane houses refused", "Riverside Park play area quote", "appeal refusal committee")


def assert_same_as_full_rebuild(index: CouncilIndex) -> None:
    refreshed = index.keyword()
    full = KeywordIndex.build(index.vectors.iter_chunks())
    assert sorted(refreshed.ids) == sorted(full.ids)
    for question in QUESTIONS:  # BM25 weighs words over the whole archive: the same scores
        got = dict(refreshed.search(question, 50))
        want = dict(full.search(question, 50))
        assert got.keys() == want.keys() and all(abs(got[i] - want[i]) < 1e-5 for i in want), question
    assert {i: refreshed.next_in_item(i) for i in full.ids} == {i: full.next_in_item(i) for i in full.ids}
    assert refreshed.bodies() == full.bodies()


def test_added_minutes_are_read_alone_and_the_index_equals_a_full_rebuild(
    tiny_index: tuple[Settings, FakeEmbedder], tmp_path: Path
) -> None:
    settings, embedder = tiny_index
    reader = CouncilIndex(settings, embedder)
    before = reader.keyword()
    assert reader.last_refresh == "full"
    path = tmp_path / "2024-03-14_planning-committee_minutes.txt"
    path.write_text(PLANNING, encoding="utf-8")
    report = assistant.ingest_paths([path], settings, embedder=embedder)  # another CouncilIndex writes
    assert report.ok and report.chunks > 0

    after = reader.keyword()
    assert after is not before and reader.last_refresh == f"{report.chunks} new"
    assert len(after.ids) == len(before.ids) + report.chunks
    assert_same_as_full_rebuild(reader)
    assert reader.retrieve("Mill Lane houses refused", assistant.Filters(), 3)[0].chunk.citation.body == (
        "Planning Committee"
    )

    again = tmp_path / "2024-03-15_planning-committee_minutes.txt"  # a second addition: caught up again
    again.write_text(PLANNING.replace("14 March", "15 March").replace("six", "eight"), encoding="utf-8")
    more = assistant.ingest_paths([again], settings, embedder=embedder)
    assert more.ok and reader.keyword().ids and reader.last_refresh == f"{more.chunks} new"
    assert_same_as_full_rebuild(reader)


def test_a_removal_refreshes_in_full(tiny_index: tuple[Settings, FakeEmbedder], tmp_path: Path) -> None:
    settings, embedder = tiny_index
    path = tmp_path / "2024-03-14_planning-committee_minutes.txt"
    path.write_text(PLANNING, encoding="utf-8")
    assistant.ingest_paths([path], settings, embedder=embedder)
    reader = CouncilIndex(settings, embedder)
    before = reader.keyword()
    path.unlink()  # its chunks go; were the same ids written again later, their text could differ
    assistant.ingest_paths([tmp_path], settings, embedder=embedder, prune=True)
    after = reader.keyword()
    assert reader.last_refresh == "full" and len(after.ids) < len(before.ids)
    assert_same_as_full_rebuild(reader)


def test_chunks_stored_again_under_their_ids_refresh_in_full(
    tiny_index: tuple[Settings, FakeEmbedder],
) -> None:
    settings, embedder = tiny_index
    reader = CouncilIndex(settings, embedder)
    reader.keyword()
    writer = CouncilIndex(settings, embedder)
    record = writer.documents()[0]
    text = writer.document_text(record.doc_id)
    chunks = writer.vectors.document_chunks(record.doc_id)
    vectors = writer.vectors.embeddings([c.id for c in chunks])
    assert text is not None and chunks
    # the same ids written again (as a repair does): their text may differ, so all is read again
    writer.vectors.add_document(record.doc_id, text, record, chunks, [vectors[c.id] for c in chunks])
    reader.keyword()
    assert reader.last_refresh == "full"
    assert_same_as_full_rebuild(reader)
