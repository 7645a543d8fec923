"""A claim held in Chroma itself, for work only one process on any machine may do: filling an
empty archive shared through a Chroma server with the sample council.

A file lock (`lock.fill_lock`) holds on one machine only. Chroma keeps the first record added
under an id and ignores a later add of the same id (chromadb 1.5.9, embedded and server; a test
races two machines' pages), so adding a claim record under a known id and reading back whose it
is decides between processes anywhere. A claim whose writer is gone (`lock.writer_gone`: a dead
pid on this machine, a day old on another) is passed over for the next id; no process ever
deletes another's claim, so two can never both hold one. SEE: issue 13.
"""

from __future__ import annotations

import time
from typing import Any

from assistant.errors import ArchiveBusyError

from .faults import guarded
from .lock import FILL_WAIT_S, writer_gone
from .vector import VectorStore


class Claim:
    """A claim on one task in an archive's `<collection>-claims` collection."""

    def __init__(self, vectors: VectorStore, task: str) -> None:
        self.vectors = vectors
        self.location = vectors.location  # for `guarded`'s messages
        self.task = task
        self.writer = vectors.writer
        self._held: str | None = None
        name = f"{vectors.settings.index.collection}-claims"
        self._claims: Any = vectors.client.get_or_create_collection(name, embedding_function=None)

    @guarded
    def _claim(self, claim_id: str) -> str | None:
        """Add this process's claim under `claim_id` (a no-op when one is there) and return the
        writer whose claim it holds (None when it went between the two calls)."""
        self._claims.add(ids=[claim_id], documents=[self.writer], embeddings=[[1.0]])
        got = self._claims.get(ids=[claim_id], include=["documents"])
        return str(got["documents"][0]) if got["ids"] else None

    def take(self, wait: float = FILL_WAIT_S, poll: float = 0.5) -> None:
        """Hold the claim on the task, waiting while another live claimant holds it (until it has
        done the work and released it: the caller then looks whether the work is still to do).
        Raises ArchiveBusyError when another claimant holds it for longer than `wait` seconds."""
        deadline = time.monotonic() + wait
        n = 1
        while True:
            claim_id = f"{self.task}-{n}"
            holder = self._claim(claim_id)
            if holder == self.writer:
                self._held = claim_id
                return
            if holder is not None and writer_gone(holder):
                n += 1  # its claimant died without finishing: the next claim
                continue
            if time.monotonic() > deadline:
                host, pid = (holder or "?|?").split("|")[:2]
                raise ArchiveBusyError(
                    f"another process (pid {pid} on {host}) has been filling the empty archive at "
                    f"{self.vectors.location} for over {wait:g}s. Run: councilqa ingest PATH (an archive "
                    "that holds documents is never filled)."
                )
            time.sleep(poll)

    @guarded
    def release(self) -> None:
        """Give the claim up (the work is done, or failed and is another's to try)."""
        if self._held is not None:
            self._claims.delete(ids=[self._held])
            self._held = None
