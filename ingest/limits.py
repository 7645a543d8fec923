"""What every file is held to: names safe to store and show, and the per-file limits.

SEE: issue 15 (a bad name aborted a run; a zip bomb and a one-line 40 MB file had no limit).
"""

from __future__ import annotations

import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import SourceError
from assistant.settings import IngestSettings

_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def safe_text(text: str) -> str:
    """`text` as one printable line that Chroma can store: bytes that are not UTF-8 (a file name's
    surrogate escapes) become \\xNN, and control characters \\xNN or \\uNNNN.

    SEE: issue 15 (a file name with invalid UTF-8 crashed the whole ingest)."""
    if text.isprintable():
        return text
    out: list[str] = []
    for char in text:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's surrogateescape for an undecodable byte
            out.append(f"\\x{code - 0xDC00:02x}")
        elif 0xD800 <= code <= 0xDFFF or char in _BIDI_CONTROLS or unicodedata.category(char) == "Cc":
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def display_path(path: Path) -> str:
    """A path as stored and shown: the path itself, unless its name needs `safe_text`."""
    return safe_text(str(path))


def over_limit(what: str, value: int | float, limit: int | float, setting: str) -> SourceError:
    """'120,000 chunks is over the limit of 20,000 (COUNCILQA_INGEST__MAX_CHUNKS_PER_FILE)'."""
    return SourceError(
        f"{value:,} {what} is over the limit of {limit:,} (COUNCILQA_INGEST__{setting.upper()})"
    )


@dataclass
class Limits:
    """The per-file limits of one read, and the moment its time budget runs out."""

    settings: IngestSettings
    deadline: float | None = None

    def check_time(self) -> None:
        """Raise SourceError once the file's time budget is spent."""
        if self.deadline is not None and time.monotonic() > self.deadline:
            budget = self.settings.max_seconds_per_file
            raise SourceError(
                f"took longer than the limit of {budget:g} seconds (COUNCILQA_INGEST__MAX_SECONDS_PER_FILE)"
            )

    def check(self, what: str, value: int, setting: str) -> None:
        """Raise SourceError when `value` is over the setting's limit (and check the time too)."""
        limit = int(getattr(self.settings, setting))
        if value > limit:
            raise over_limit(what, value, limit, setting)
        self.check_time()
