"""Checks on an answer's shape that the unit and end-to-end tests share."""

from __future__ import annotations

import re

from assistant import Answer


def assert_marked_quotes(answer: Answer) -> None:
    """Every line of the answer is verbatim quotes and their marker: the fact first (itself a quote),
    the meeting's date and body on a history, and "Not stated in the records: ..." for a missing part."""
    sources = dict(answer.sources)
    for s in answer.sentences:
        assert f"[{s.marker}]" in answer.text and sources[s.marker] is not None
        assert s.citation.label not in answer.text  # the label is listed once, in the sources
    pieces = sorted({s.text for s in answer.sentences}, key=len, reverse=True)
    if answer.short_answer is not None:
        pieces.append(answer.short_answer.text)
    for line in answer.text.splitlines():
        if line.startswith("Not stated in the records: "):
            continue
        rest = re.sub(r"^\d{1,2} \w{3} \d{4}(?: \([^)]*\))?: ", "", line)
        rest = re.sub(r" \[\d+\]$", "", rest)
        for piece in pieces:
            rest = rest.replace(piece, "", 1)
        assert rest.replace(" — ", "").replace(" … ", "").strip() == "", (line, rest)
