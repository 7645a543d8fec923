"""Faults of the archive itself, and reads that another process's write cut across.

- A damaged, truncated or read-only chroma.sqlite3 raises deep inside chromadb; `guarded`
  turns it into one ArchiveError line that names the archive and the fix.
- chromadb's embedded client keeps its vector index in memory and never reloads it, so a read
  racing another process's write can fail with "Error finding id"; `catching_up` reopens the
  archive and reads again.

SEE: issue 15.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from assistant.errors import ArchiveError

_DAMAGED = ("file is not a database", "malformed", "(code: 11)", "(code: 26)", "database corrupt")
_READ_ONLY = ("readonly database", "read-only file system", "(code: 8)")
_UNUSABLE = ("unable to open database file", "(code: 14)", "disk is full", "(code: 13)", "disk i/o error")


def archive_error(exc: BaseException, location: str) -> ArchiveError | None:
    """The one-line ArchiveError for a fault of the archive itself, or None when `exc` is something else.

    SEE: issue 15 (a damaged or read-only chroma.sqlite3 gave a 50-line traceback)."""
    text = " ".join(str(exc).split())
    low = text.lower()
    if any(mark in low for mark in _READ_ONLY):
        return ArchiveError(
            f"The archive at {location} is read-only ({text}); Chroma cannot open it without writing. "
            "Make it writable, or copy it to a writable folder and set COUNCILQA_DATA_DIR to that."
        )
    if any(mark in low for mark in _DAMAGED):
        return ArchiveError(
            f"The archive at {location} is damaged: {text}. "
            "Run: councilqa check, or move it aside and ingest again."
        )
    if any(mark in low for mark in _UNUSABLE):
        return ArchiveError(f"The archive at {location} cannot be used: {text}. Is its disk full or gone?")
    return None


_P = ParamSpec("_P")
_R = TypeVar("_R")


def guarded(method: Callable[_P, _R]) -> Callable[_P, _R]:
    """Turn a fault of the archive, raised anywhere in a Chroma call, into an ArchiveError."""

    @functools.wraps(method)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(*args, **kwargs)
        except ArchiveError:
            raise
        except Exception as exc:
            store = args[0]
            error = archive_error(exc, str(getattr(store, "location", "?")))
            if error is None:
                raise
            raise error from exc

    return wrapper


def forget_system(location: str) -> None:
    """Drop Chroma's per-process cache of the embedded archive at `location`, so the next
    PersistentClient opens it afresh (chromadb shares one System per path and keeps it)."""
    try:
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient._identifier_to_system.pop(location, None)
        SharedSystemClient._identifier_to_refcount.pop(location, None)
    except (ImportError, AttributeError):  # a chromadb without this cache: nothing to forget
        pass


def catching_up(method: Callable[_P, _R]) -> Callable[_P, _R]:
    """Reopen the embedded archive and read again when another process wrote during the read."""

    @functools.wraps(method)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        store: Any = args[0]
        for attempt in range(_READ_ATTEMPTS):
            try:
                return method(*args, **kwargs)
            except Exception as exc:
                stale = "error finding id" in str(exc).lower() and not store.settings.index.chroma_host
                if not stale or attempt == _READ_ATTEMPTS - 1:
                    raise
                time.sleep(0.05 * attempt)
                store._reopen()
        raise AssertionError("unreachable")

    return wrapper


_READ_ATTEMPTS = 4
