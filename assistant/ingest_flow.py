"""An ingest run with its stages at once: while the encoder embeds one batch of chunks (in a
thread of its own; torch leaves the interpreter free while it computes), a reader thread reads,
parses and chunks the next files and the calling thread records each file's outcome and writes
the batches already embedded to Chroma, one batch at a time. SEE: issue 13.

Everything stays streamed: at most `READ_AHEAD` files wait read ahead of the bookkeeping and
`IN_FLIGHT` encoder batches are embedded and not yet written. The bookkeeping and every write
to Chroma stay on the calling thread, in the order of the files, so every guarantee of
`assistant.ingesting` holds as when the stages ran one after another.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from index import CouncilIndex

from .archive import inspect_archive
from .ingest_files import IngestReport, collect_files
from .ingesting import EMBED_BATCH, FileRead, Ingest, Vectors, _Prepared
from .settings import Settings

READ_AHEAD = 16  # files read, parsed and chunked ahead of the bookkeeping
IN_FLIGHT = 2  # encoder batches handed over and not yet written: one embedding, one waiting

_Embedded = tuple[list[_Prepared], list[Vectors | Exception] | BaseException, float]


class _Flow:
    """One run's three threads and the bounded queues between them."""

    def __init__(self, run: Ingest, files: Sequence[Path]) -> None:
        self.run = run
        self.files = files
        self.stop = threading.Event()
        self.reads: queue.Queue[FileRead | BaseException | None] = queue.Queue(READ_AHEAD)
        self.batches: queue.Queue[list[_Prepared] | None] = queue.Queue()
        self.embedded: queue.Queue[_Embedded] = queue.Queue()
        self.in_flight = 0

    def go(self) -> None:
        """Ingest every file; on Ctrl-C the files recorded before it still go in (issue 15)."""
        reader = threading.Thread(target=self._read_all, name="councilqa-reader", daemon=True)
        encoder = threading.Thread(target=self._embed_all, name="councilqa-encoder", daemon=True)
        reader.start()
        encoder.start()
        try:
            self._record_all()
            self._finish()
        except KeyboardInterrupt:
            self.stop.set()
            self._finish()
            raise
        finally:
            self.stop.set()
            self.batches.put(None)
            encoder.join()
            reader.join(
                timeout=5
            )  # it stops at its next file; a daemon, so a stuck read never holds the exit

    # -- the calling thread: bookkeeping and writes ------------------------------------------
    def _record_all(self) -> None:
        while (item := self.reads.get()) is not None:
            if isinstance(item, BaseException):
                raise item  # the reader itself broke, not one file
            self._write_embedded(wait=False)
            self.run.accept(item)
            if self.run.pool_full():
                self._submit(self.run.take_pool())

    def _submit(self, pool: list[_Prepared]) -> None:
        while self.in_flight >= IN_FLIGHT:
            self._write_next()
        self.batches.put(pool)
        self.in_flight += 1

    def _finish(self) -> None:
        """Embed what is pooled and write everything still in flight."""
        pool = self.run.take_pool()
        if pool:
            self._submit(pool)
        while self.in_flight:
            self._write_next()

    def _write_embedded(self, wait: bool) -> None:
        while self.in_flight and (wait or not self.embedded.empty()):
            self._write_next()

    def _write_next(self) -> None:
        pool, parts, seconds = self.embedded.get()
        self.in_flight -= 1
        self.run.report.stages["embed"] += seconds
        if isinstance(parts, BaseException):
            raise parts  # the model itself failed
        self.run.write(pool, parts)

    # -- the other threads -----------------------------------------------------------------
    def _read_all(self) -> None:
        seen: set[Path] = set()
        try:
            for path in self.files:
                if self.stop.is_set():
                    return
                resolved = path.resolve()
                if resolved in seen:  # named twice (a folder and a file in it, or a symlink)
                    continue
                seen.add(resolved)
                item = self.run.read(path)
                self._hand_over(item)
                if item.error is not None and not isinstance(item.error, Exception):
                    return  # Ctrl-C during this file: read no further
            self._hand_over(None)
        except BaseException as exc:
            self._hand_over(exc)

    def _hand_over(self, item: FileRead | BaseException | None) -> None:
        while not self.stop.is_set():
            try:
                self.reads.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def _embed_all(self) -> None:
        while (pool := self.batches.get()) is not None:
            started = time.perf_counter()
            parts: list[Vectors | Exception] | BaseException
            try:
                parts = self.run.embed(pool)
            except BaseException as exc:  # the model itself: the calling thread raises it
                parts = exc
            self.embedded.put((pool, parts, time.perf_counter() - started))


def run_ingest(
    index: CouncilIndex,
    paths: Sequence[Path],
    settings: Settings,
    *,
    files: tuple[list[Path], list[tuple[str, str]]] | None = None,
    prune: bool = False,
    on_file: Callable[[Path, str], None] | None = None,
    embed_batch: int = EMBED_BATCH,
    repair: bool = False,
) -> IngestReport:
    """Ingest files and folders into `index`; with `prune`, forget files under `paths` that are gone.

    Ends with the cheap part of the archive check (chunk counts against records, chunks with no
    record) and lists what it finds in `report.problems`.

    Args:
        files: what `collect_files(paths)` returned, when the caller already expanded the paths.
        repair: also ingest again, from their files, the documents `inspect_archive` finds wrong.
    """
    started = time.perf_counter()
    report = IngestReport()
    found, problems = files if files is not None else collect_files(paths)
    with index.lock():  # one writer at a time; the clean-up in Ingest() relies on it
        damaged = inspect_archive(index) if repair else None  # before Ingest() clears leftovers
        run = Ingest(index, settings, report, on_file=on_file, embed_batch=embed_batch)
        if damaged is not None:
            found = [*found, *run.redo(damaged)]
        _Flow(run, found).go()
        if prune:
            # after adding, so a renamed file is recorded under its new name before the old one goes
            gone = [Path(source) for source in run.prune(paths)]
            pruned_roots = {str(p) for p in paths if any(g.is_relative_to(p.resolve()) for g in gone)}
            problems = [(s, r) for s, r in problems if s not in pruned_roots]  # a folder deleted on purpose
        report.problems = [p.line for p in inspect_archive(index, thorough=False).problems]
    report.failed[:0] = problems
    report.seconds = time.perf_counter() - started
    return report
