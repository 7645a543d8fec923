"""The archive as a whole: its writer lock, and an integrity check of what it holds."""

from __future__ import annotations

from index import ArchiveLock

from .settings import Settings


def archive_lock(settings: Settings, timeout: float | None = None) -> ArchiveLock:
    """The archive's writer lock, not yet taken: `with archive_lock(settings): ...` around a write.

    `ingest_paths` takes it itself; anything else that writes (the page's upload) takes it too.
    Waits up to `timeout` seconds (default COUNCILQA_INGEST__LOCK_TIMEOUT), then raises
    ArchiveBusyError naming the writer that holds it.
    """
    return ArchiveLock(settings, timeout)
