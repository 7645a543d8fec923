"""A claim held in Chroma: one holder at a time, a dead claimant's claim passed over."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from assistant import Settings
from assistant.errors import ArchiveBusyError
from index import Claim, CouncilIndex, Embedder


def _writer(pid: int) -> str:
    return f"{socket.gethostname()}|{pid}|-|{int(time.time())}"


def test_a_claim_has_one_holder_and_a_dead_claimants_claim_is_passed_over(
    tmp_path: Path, fake_embedder: Embedder
) -> None:
    vectors = CouncilIndex(Settings(data_dir=tmp_path), embedder=fake_embedder).vectors
    first, second = Claim(vectors, "fill"), Claim(vectors, "fill")
    first.writer = _writer(1)  # a live process (init), not this one
    first.take(wait=0)
    with pytest.raises(ArchiveBusyError, match="pid 1 on"):
        second.take(wait=0.3, poll=0.1)  # waits while it is held, then says who holds it
    first.release()
    second.take(wait=0)  # released: the next one gets it
    assert second._held == "fill-1"
    second.release()

    dead = Claim(vectors, "fill")
    dead.writer = _writer(2**22 + 12345)  # no such pid: a claimant that died holding it
    dead.take(wait=0)
    late = Claim(vectors, "fill")
    late.take(wait=0)
    assert late._held == "fill-2"  # the dead claimant's is passed over, never taken from it
