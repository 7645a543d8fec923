"""The public operations: ingest files, ask a question, report what is indexed.

`cli`, `ui` and `evals` call only these (through `assistant/__init__.py`).
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from index import Claim, CouncilIndex, Embedder, body_key, fill_lock

from .answer import answer_question
from .conversation import Turn, merge_filters, resolve
from .errors import IndexMissingError
from .generate import generate_answer
from .ingest_files import IngestReport, collect_files
from .ingest_flow import run_ingest
from .ingesting import EMBED_BATCH
from .more_passages import with_needed_passages
from .precedent import find_precedent
from .precedent_chat import precedent_reply
from .records import Precedent
from .settings import Settings
from .sources import SourceView, open_source, source_file, visible_documents
from .types import AccessLevel, Answer, Citation, Filters

SAMPLE_COUNCIL = Path(__file__).parent / "sample_council"

__all__ = [
    "EMBED_BATCH",
    "SAMPLE_COUNCIL",
    "Assistant",
    "IndexStatus",
    "IngestReport",
    "ask",
    "collect_files",
    "ensure_sample_council",
    "index_status",
    "ingest_paths",
    "is_empty",
    "open_index",
]


class Assistant:
    """One council archive opened to answer and ingest: the settings, the index and its encoder.

    Open one per process (a CLI command, the page, an eval run) and ask through it: the CLI, the
    page, the evals and the tests all take the same path, and nothing is cached behind it.
    """

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        archive = _archive_file(settings)
        self._new_archive = archive is not None and not archive.exists()
        self.settings = settings
        self.index = CouncilIndex(settings, embedder=embedder)

    @classmethod
    def open(cls, settings: Settings, say: Callable[[str], None] | None = None) -> Assistant:
        """The archive opened for a command or the page; a new, empty one gets the sample council
        first (and `say` is told so, before and after)."""
        opened = cls(settings)
        if opened.is_empty():

            def start() -> None:
                if say is not None:
                    say(
                        f"The index at {settings.data_dir} is empty: indexing the bundled sample council "
                        f"({SAMPLE_COUNCIL}) first…"
                    )

            report = opened.ensure_sample_council(on_start=start)
            if report is not None and say is not None:
                say(f"Indexed {len(report.ingested)} sample documents ({report.chunks} chunks).")
        return opened

    def warm(self) -> None:
        """Load the encoder and the keyword index now, so the first question is as fast as the tenth."""
        self.index.embedder.embed(["warm up"])
        for access in ("public", "restricted"):
            self.index.keyword(access)

    def ask(
        self,
        question: str,
        filters: Filters | None = None,
        k: int | None = None,
        *,
        history: Sequence[Turn] | None = None,
    ) -> Answer:
        """Answer a question from the indexed records, every sentence cited, or refuse plainly.

        With `history` (the conversation so far, maybe empty) the question is first resolved: a
        follow-up such as "who seconded it?" takes the last turn's topic and filters, dates and
        bodies it names become filters, and `filters` given here override them.

        The caller's access is `filters.access` (public when no filters are given): it holds for
        the whole question, whatever the history or the question itself says, and restricted
        passages are never retrieved, ranked, quoted or counted for a public caller.
        """
        question = question.strip()
        if not question:
            raise ValueError("The question is empty.")
        settings, index = self.settings, self.index
        docs = index.documents()
        access: AccessLevel = filters.access if filters is not None else "public"
        # only the bodies and councils the caller may see: a body that met only in private is not
        # read from a public caller's question, nor does it make labels name their council
        seen = index.keyword(access)
        seen_bodies, seen_councils = set(seen.bodies()), set(seen.councils.tolist())
        bodies = sorted({d.body for d in docs if d.body and body_key(d.body) in seen_bodies})
        councils = {d.council for d in docs if d.council and d.council in seen_councils}
        resolved = None
        if history is not None:
            resolved, stated = resolve(question, history, bodies, date.today())
            filters = merge_filters(stated, filters)
        asked = resolved or question
        filters = (filters or Filters()).model_copy(update={"access": access})
        update = {
            "question": question,
            "resolved_question": resolved,
            "show_council": len(councils) > 1,
            "filters": filters,
        }
        chunks = index.retrieve(asked, filters, k or settings.answer.k)
        # "what did we decide about ...", "has the council ever ...": the precedent search answers
        if (precedent := precedent_reply(asked, filters, index)) is not None:
            return precedent.model_copy(update={**update, "retrieved": chunks})
        chunks = with_needed_passages(asked, chunks, index, access)
        keyword = index.keyword(access)
        stored = index.sentence_vectors([c.chunk.id for c in chunks])
        answer = answer_question(
            asked, chunks, settings.answer, index.embedder, keyword.rarity, bodies, stored
        )
        if settings.llm.enabled:
            answer = generate_answer(asked, chunks, answer, settings.llm, index.embedder)
        return answer.model_copy(update=update)

    def precedent(self, topic: str, filters: Filters | None = None, types: Sequence[str] = ()) -> Precedent:
        """Every decision on a matter in date order, each cited, with what later changed it.

        Args:
            types: only decisions of these types ("rescinded", "recommended", ...); all when empty.
        """
        return find_precedent(self.index, topic, filters, types)

    def ingest(
        self,
        paths: Sequence[Path],
        *,
        on_file: Callable[[Path, str], None] | None = None,
        files: tuple[list[Path], list[tuple[str, str]]] | None = None,
        prune: bool = False,
        embed_batch: int = EMBED_BATCH,
        repair: bool = False,
    ) -> IngestReport:
        """Ingest files and folders; a bad file is reported and the rest still go in.

        Args:
            on_file: called with each file and its outcome ("ingested", "unchanged", "copy", "failed").
            files: `collect_files(paths)`, when the caller already expanded the paths.
            prune: forget indexed files under `paths` that are no longer on disk.
            embed_batch: chunks pooled across files per encoder call.
            repair: also ingest again the documents `check_archive` finds wrong.
        """
        return run_ingest(
            self.index,
            paths,
            self.settings,
            files=files,
            prune=prune,
            on_file=on_file,
            embed_batch=embed_batch,
            repair=repair,
        )

    def source(self, citation: Citation, access: AccessLevel = "public") -> SourceView:
        """A cited passage reopened: its paragraph highlighted in its agenda item, and its file.
        A caller with `access` sees only the paragraphs (and the file) it may; a citation of a
        passage it may not see is not found (SourceError)."""
        councils = {d.council for d in self.index.documents() if d.council}
        return open_source(self.index, citation, show_council=len(councils) > 1, access=access)

    def source_file(self, doc_id: str, access: AccessLevel = "public") -> Path | None:
        """The original file of an indexed document (None when it is unknown, gone from disk, or
        holds anything restricted and the caller is public)."""
        return source_file(self.index, doc_id, access)

    def ingest_uploads(
        self, files: Sequence[Path], *, on_file: Callable[[Path, str], None] | None = None
    ) -> IngestReport:
        """Ingest files uploaded through the page: each is first kept under DATA_DIR/uploads, so its
        citations can reopen it after the upload's temporary copy is gone."""
        folder = self.settings.data_dir / "uploads"
        folder.mkdir(parents=True, exist_ok=True)
        kept = [_keep_upload(Path(f), folder) for f in files]
        return self.ingest(kept, on_file=on_file)

    def status(self, access: AccessLevel = "public") -> IndexStatus:
        """Count documents, meetings, bodies, councils, dates and chunks in the archive, as a caller
        with `access` may see it: a public caller's counts leave out every restricted passage, and
        every document holding nothing public."""
        index = self.index
        seen = visible_documents(index, access)
        docs = [d for d in index.documents() if d.doc_id in seen]
        dates = sorted(d.meeting_date for d in docs if d.meeting_date)
        meetings = {(d.body, d.meeting_date) for d in docs if d.meeting_date}
        by_type: dict[str, int] = {}
        for d in docs:
            kind = d.doc_type or "unknown"
            by_type[kind] = by_type.get(kind, 0) + 1
        return IndexStatus(
            location=index.vectors.location,
            documents=len(docs),
            meetings=len(meetings),
            chunks=sum(seen.values()) if access == "public" else index.vectors.count(),
            bodies=sorted({d.body for d in docs if d.body}),
            first_date=dates[0] if dates else None,
            last_date=dates[-1] if dates else None,
            by_type=by_type,
            councils=sorted({d.council for d in docs if d.council}),
            last_ingest=max((d.ingested_at for d in docs), default=None, key=_sortable),
        )

    def is_empty(self) -> bool:
        """True when nothing has been ingested yet."""
        return not self.index.documents()

    def ensure_sample_council(self, on_start: Callable[[], None] | None = None) -> IngestReport | None:
        """Index the bundled sample council into a new, empty archive; None when it holds documents.

        An archive file that was already there when this was opened (even an empty or zero-byte
        one) is never filled with the fictional council: that raises IndexMissingError instead.
        SEE: issue 15.

        Two pages started at once on one empty archive fill it once: the fill holds `fill_lock`
        (shared by every process on this machine that could fill it, whatever its data folder)
        and, with a Chroma server, a claim held in Chroma itself (`index.claims`: pages on other
        machines see it), and looks again once it has them, so a page that waited finds the sample
        council there and returns None. SEE: issue 13.

        Args:
            on_start: called just before the sample council is indexed (to say so).
        """
        if self.index.documents():
            return None
        with fill_lock(self.settings):
            if self.index.documents():  # another page on this machine filled it while this one waited
                return None
            if not self.settings.index.chroma_host:
                if not self._new_archive:
                    raise IndexMissingError(
                        f"The archive at {_archive_file(self.settings)} holds no documents (the sample "
                        f"council is added only to a new archive). Run: councilqa ingest PATH (or: "
                        f"councilqa ingest {SAMPLE_COUNCIL})"
                    )
                return self._fill(on_start)
            claim = Claim(self.index.vectors, "sample-council")
            claim.take()  # waits while a page on another machine fills it
            try:
                return None if self.index.documents() else self._fill(on_start)
            finally:
                claim.release()

    def _fill(self, on_start: Callable[[], None] | None) -> IngestReport:
        if on_start is not None:
            on_start()
        return self.ingest([SAMPLE_COUNCIL])


_UNSAFE_NAME = re.compile(r"[^\w.,() -]+")


def _keep_upload(path: Path, folder: Path) -> Path:
    """A copy of an uploaded file in `folder`, under its own (made safe) name; a different file of
    the same name gets a numbered name beside it, the same file is kept once."""
    stem = _UNSAFE_NAME.sub("_", path.stem).strip(" ._") or "upload"
    suffix = _UNSAFE_NAME.sub("", path.suffix.lower())
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    for n in range(1, 1000):
        target = folder / (f"{stem}{suffix}" if n == 1 else f"{stem}-{n}{suffix}")
        if not target.exists():
            shutil.copyfile(path, target)
            return target
        if hashlib.sha256(target.read_bytes()).hexdigest() == digest:
            return target
    raise OSError(f"Too many uploads named {path.name} in {folder}")


def _sortable(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def open_index(settings: Settings, embedder: Embedder | None = None) -> CouncilIndex:
    """The archive the settings point at, opened afresh (an `Assistant` holds one for a process)."""
    return CouncilIndex(settings, embedder=embedder)


def _archive_file(settings: Settings) -> Path | None:
    """The embedded archive's database file (None with a Chroma server)."""
    return None if settings.index.chroma_host else settings.data_dir / "chroma" / "chroma.sqlite3"


def ingest_paths(
    paths: Sequence[Path],
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    on_file: Callable[[Path, str], None] | None = None,
    files: tuple[list[Path], list[tuple[str, str]]] | None = None,
    prune: bool = False,
    embed_batch: int = EMBED_BATCH,
    repair: bool = False,
) -> IngestReport:
    """`Assistant(settings).ingest(...)`, for a one-off ingest."""
    return Assistant(settings, embedder).ingest(
        paths, on_file=on_file, files=files, prune=prune, embed_batch=embed_batch, repair=repair
    )


def ask(
    question: str,
    settings: Settings,
    filters: Filters | None = None,
    k: int | None = None,
    *,
    embedder: Embedder | None = None,
    history: Sequence[Turn] | None = None,
) -> Answer:
    """`Assistant(settings).ask(...)`, for a one-off question (it opens the archive each time)."""
    return Assistant(settings, embedder).ask(question, filters, k, history=history)


@dataclass
class IndexStatus:
    """What the archive holds."""

    location: str
    documents: int
    meetings: int
    chunks: int
    bodies: list[str]
    first_date: date | None
    last_date: date | None
    by_type: dict[str, int]
    councils: list[str] = field(default_factory=list)
    last_ingest: datetime | None = None  # when the latest document went in


def index_status(settings: Settings, access: AccessLevel = "public") -> IndexStatus:
    """`Assistant(settings).status(access)`."""
    return Assistant(settings).status(access)


def is_empty(settings: Settings) -> bool:
    """True when nothing has been ingested yet."""
    return Assistant(settings).is_empty()


def ensure_sample_council(
    settings: Settings, embedder: Embedder | None = None, on_start: Callable[[], None] | None = None
) -> IngestReport | None:
    """`Assistant(settings).ensure_sample_council(...)`: only a new archive gets the sample council."""
    return Assistant(settings, embedder).ensure_sample_council(on_start)
