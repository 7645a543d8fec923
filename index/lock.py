"""One writer at a time: the archive lock, and who is writing.

Every process that writes the archive (ingest, prune, repair, the page's upload) holds
`ArchiveLock` while it writes. The lock is an OS file lock (`filelock`), so it goes with
the process: a writer killed with SIGKILL leaves no stale lock behind. Beside the lock
file, the holder writes its pid and start time, so a second writer can say who it is
waiting for.

Each chunk also records its writer (`WRITER`), so the start-up clean-up removes only the
leftovers of writers that are gone, never the chunks a live writer has not finished.
SEE: issue 15 (an ingest started beside another deleted its not-yet-complete chunks).

Filling an empty archive with the sample council takes a second lock, `fill_lock`, for longer:
two pages started at once on an empty archive must not both fill it. It lives where every process
that could fill the same archive on this machine finds it: the data folder of an embedded archive,
and for a Chroma server (where each page has a data folder of its own) a folder of the system's
temporary directory named by the server and collection. Across machines nothing is shared, so
two machines' fills can still overlap; see `assistant.pipeline.Assistant.ensure_sample_council`.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import tempfile
import time
from datetime import datetime
from pathlib import Path
from types import TracebackType

from assistant.errors import ArchiveBusyError, ArchiveError
from assistant.settings import Settings

LOCK_NAME = "archive.lock"
HOLDER_NAME = "archive.lock.json"
FILL_NAME = "fill.lock"
# How long a page waits for a fill of the same empty archive started beside it (the sample council
# takes 20 s to 2 min to index on a busy 2-core machine).
FILL_WAIT_S = 600.0
# A writer on another machine (a shared Chroma server) cannot be asked whether it is alive;
# its unfinished chunks count as leftovers once they are this old.
FOREIGN_WRITER_GRACE_S = 24 * 3600


def _start_ticks(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux), which a reused pid does not share."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[-1].split()[19]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def writer_id() -> str:
    """This process as a writer: host, pid, start ticks and the epoch second it began writing."""
    pid = os.getpid()
    return f"{socket.gethostname()}|{pid}|{_start_ticks(pid) or '-'}|{int(time.time())}"


def writer_gone(writer: str | None, now: float | None = None) -> bool:
    """True when the process that wrote `writer` can no longer be writing (or is this one)."""
    if not writer:
        return True  # chunks from before writers were recorded
    try:
        host, pid_s, ticks, since = writer.split("|")
        pid, started = int(pid_s), int(since)
    except ValueError:
        return True
    if host != socket.gethostname():
        return (now or time.time()) - started > FOREIGN_WRITER_GRACE_S
    if pid == os.getpid():
        return True  # this process holds the lock now, so its own earlier write was cut short
    if not _pid_alive(pid):
        return True
    return ticks != "-" and _start_ticks(pid) not in (None, ticks)  # the pid was reused


class ArchiveLock:
    """The archive's writer lock; `with ArchiveLock(settings):` around every write."""

    def __init__(
        self,
        settings: Settings,
        timeout: float | None = None,
        *,
        folder: Path | None = None,
        name: str = LOCK_NAME,
    ) -> None:
        from filelock import FileLock

        self.folder = settings.data_dir if folder is None else folder
        self.timeout = settings.ingest.lock_timeout if timeout is None else timeout
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ArchiveError(
                f"The data folder {self.folder} cannot be used ({exc.strerror or exc}). "
                "Set COUNCILQA_DATA_DIR (or --data-dir) to a writable folder."
            ) from exc
        self.path = self.folder / name
        self.holder_path = self.folder / (HOLDER_NAME if name == LOCK_NAME else f"{name}.json")
        # mode 0o666: pages on one Chroma server may run as different users of one machine
        self._lock = FileLock(self.path, thread_local=False, mode=0o666)

    def holder(self) -> dict[str, object]:
        """What the current holder wrote about itself ({} when unknown)."""
        try:
            data = json.loads(self.holder_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def busy_message(self) -> str:
        """'another ingest is running (pid N, since HH:MM)'."""
        info = self.holder()
        pid = info.get("pid", "unknown")
        since = info.get("since")
        when = datetime.fromtimestamp(float(str(since))).strftime("%H:%M") if since else "unknown"
        waited = f"; waited {self.timeout:g}s" if self.timeout > 0 else ""
        return (
            f"another ingest is running (pid {pid}, since {when}) on the archive at {self.folder}{waited}. "
            "Try again when it ends, or set COUNCILQA_INGEST__LOCK_TIMEOUT to wait for it."
        )

    def acquire(self) -> None:
        """Take the lock, waiting up to the timeout; raise ArchiveBusyError when another writer keeps it."""
        from filelock import Timeout

        try:
            self._lock.acquire(timeout=self.timeout)
        except Timeout as exc:
            raise ArchiveBusyError(self.busy_message()) from exc
        except OSError as exc:
            raise ArchiveError(
                f"Cannot lock the archive at {self.folder} ({exc.strerror or exc}). "
                "Is the data folder writable?"
            ) from exc
        info = {"pid": os.getpid(), "since": time.time(), "host": socket.gethostname()}
        try:
            self.holder_path.write_text(json.dumps(info), encoding="utf-8")
        except OSError:
            pass  # only the busy message loses its detail

    def release(self) -> None:
        """Let the next writer in."""
        self._lock.release()

    @property
    def is_locked(self) -> bool:
        """True while this object holds the lock."""
        return bool(self._lock.is_locked)

    def __enter__(self) -> ArchiveLock:
        self.acquire()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()


def fill_lock(settings: Settings, timeout: float = FILL_WAIT_S) -> ArchiveLock:
    """The lock around filling an empty archive (not yet taken), shared by every process on this
    machine that could fill the same one: in the data folder of an embedded archive; for a Chroma
    server, in a folder of the system's temporary directory named by its host, port and collection
    (as configured: `localhost` and `127.0.0.1` name two)."""
    cfg = settings.index
    if not cfg.chroma_host:
        return ArchiveLock(settings, timeout, name=FILL_NAME)
    server = f"{cfg.chroma_host}:{cfg.chroma_port}/{cfg.collection}"
    folder = Path(tempfile.gettempdir()) / f"councilqa-{hashlib.sha256(server.encode()).hexdigest()[:16]}"
    try:
        folder.mkdir(exist_ok=True)
        folder.chmod(0o1777)  # every user's pages share it, none removes another's files
    except OSError:
        pass  # another user made it: theirs to open to all, and the lock says so when it cannot
    return ArchiveLock(settings, timeout, folder=folder, name=FILL_NAME)
