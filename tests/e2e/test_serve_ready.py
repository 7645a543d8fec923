"""`councilqa serve` says it is ready only once the model and the keyword index are loaded: its
first answer is as fast as the tenth."""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest

from assistant import Settings
from bench.page_load import ask, start_server

pytestmark = pytest.mark.integration


def test_serve_is_ready_when_it_says_so(sample_council: Settings) -> None:
    proc, url, _ = start_server(Path(sample_council.data_dir), concurrency=2)
    try:
        assert url.startswith("http://127.0.0.1:")
        timings = []
        for n in range(10):
            text, seconds, error = ask(url, "Was the Glebe tree preservation order confirmed?")
            assert error is None and text and "confirmed" in text, (n, error, text)
            timings.append(seconds)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    later = statistics.median(timings[1:])
    assert timings[0] < max(2.0, 3 * later), timings  # no model or index loading on the first question
