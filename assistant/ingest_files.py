"""What an ingest run is given and what it reports: the files found under the paths named, and
the outcome of each with the seconds spent in each stage."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ingest import SUPPORTED_SUFFIXES, display_path, safe_text

STAGES = ("read", "parse", "chunk", "embed", "write")


@contextmanager
def timed(seconds: dict[str, float], stage: str) -> Iterator[None]:
    """Add the time spent in the block to `seconds[stage]`."""
    started = time.perf_counter()
    try:
        yield
    finally:
        seconds[stage] = seconds.get(stage, 0.0) + time.perf_counter() - started


@dataclass
class IngestReport:
    """What one ingest run did, with the seconds spent in each stage."""

    ingested: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (file, file already holding it)
    removed: list[str] = field(default_factory=list)  # files gone from disk, forgotten by --prune
    failed: list[tuple[str, str]] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)  # documents --repair ingested again (their files)
    problems: list[str] = field(default_factory=list)  # what the check at the end found wrong, one line each
    restricted: list[tuple[str, str]] = field(default_factory=list)  # (file, what is restricted and why)
    chunks: int = 0
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))

    @property
    def ok(self) -> bool:
        """True when no file failed."""
        return not self.failed

    def timing(self, stage: str) -> contextlib.AbstractContextManager[None]:
        """Add the time spent in the block to `stage`."""
        return timed(self.stages, stage)


def collect_files(paths: Iterable[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand folders into supported files; name what can't be ingested and why."""
    files: list[Path] = []
    problems: list[tuple[str, str]] = []
    for path in paths:
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in found.relative_to(path).parts)
                if found.is_file() and not hidden and found.suffix.lower() in SUPPORTED_SUFFIXES:
                    files.append(found)
        elif path.is_file():
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                files.append(path)
            else:
                kind = safe_text(path.suffix) or "(none)"
                problems.append((display_path(path), f"{safe_text(path.name)}: unsupported file type {kind}"))
        else:
            problems.append((display_path(path), f"{display_path(path)}: no such file or folder"))
    return files, problems


def file_on_disk(source: str) -> Path | None:
    """The file a stored source names, or None when it is gone; a name stored escaped (not UTF-8,
    control characters) is matched against the folder's entries as they would be stored."""
    path = Path(source)
    if path.is_file():
        return path
    if "\\" not in source:
        return None
    found = Path(path.anchor or ".")
    for part in path.parts[1:] if path.anchor else path.parts:
        if (found / part).exists():
            found = found / part
            continue
        try:
            found = next(entry for entry in found.iterdir() if safe_text(entry.name) == part)
        except (OSError, StopIteration):
            return None
    return found if found.is_file() else None
