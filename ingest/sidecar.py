"""Metadata supplied beside the records: it fills in or overrides what the text says.

Two ways to give it, both optional; when both name a field, the `.meta.json` file wins:

1. A `<file>.meta.json` beside the file, e.g. `2024-03-14_minutes.pdf.meta.json`::

       {"council": "Fernley Town Council", "body": "Planning Committee",
        "meeting_date": "2024-03-14", "doc_type": "minutes", "title": "Planning minutes"}

2. A `manifest.jsonl` in the file's folder or any folder above it, one JSON object a line,
   each naming its file by `path` (relative to the manifest's folder, or just the file name)
   and carrying any of the same fields::

       {"path": "2024/03/minutes.pdf", "body": "Planning Committee", "meeting_date": "2024-03-14"}

Fields: `council`, `body`, `meeting_date` (ISO `YYYY-MM-DD`), `doc_type` (minutes, report,
agenda or transcript), `title` and `access` (`public` or `restricted`: who may read the whole
file, over what its text says; ingest/access.py). A manifest entry whose `path` names a folder
(`"exempt/"`) applies to every file under it; an entry for the file itself wins over it.
Other keys are ignored, so a manifest written for another
purpose does no harm; a field that is missing, empty or null leaves what the text says. A
sidecar that cannot be read or parsed is ignored (the file still ingests from its text).
"""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from assistant.types import ACCESS_LEVELS, DOC_TYPES, Meeting

FIELDS = ("council", "body", "meeting_date", "doc_type", "title", "access")
_MANIFEST = "manifest.jsonl"
_MAX_LEVELS = 8


def load_sidecar(path: Path) -> dict[str, str]:
    """The metadata given for `path` by a manifest above it and its own `.meta.json`."""
    meta: dict[str, str] = {}
    folder = path.resolve().parent
    manifests = [folder, *folder.parents][:_MAX_LEVELS]
    for root in reversed(manifests):  # a nearer manifest overrides a farther one
        manifest = root / _MANIFEST
        if manifest.is_file():
            entries = _manifest_index(manifest, manifest.stat().st_mtime_ns)
            key = _key(path, root)
            for folder_key in _folders(key):  # a folder's entry, the nearest folder last
                meta.update(entries.get(folder_key + "/", {}))
            entry = entries.get(key) or entries.get(path.name)
            if entry:
                meta.update(entry)
    own = path.with_name(path.name + ".meta.json")
    if own.is_file():
        try:
            meta.update(_clean(json.loads(own.read_text(encoding="utf-8"))))
        except (OSError, ValueError):
            pass
    return meta


def _folders(key: str) -> list[str]:
    """The folders above a relative path, outermost first: "a/b/c.pdf" -> ["a", "a/b"]."""
    parts = key.split("/")[:-1]
    return ["/".join(parts[: n + 1]) for n in range(len(parts))]


def _key(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.name


@lru_cache(maxsize=16)
def _manifest_index(manifest: Path, _mtime: int) -> dict[str, dict[str, str]]:
    """A manifest's entries by relative path (and by file name when that is unambiguous)."""
    index: dict[str, dict[str, str]] = {}
    names: dict[str, list[dict[str, str]]] = {}
    try:
        lines = manifest.read_text(encoding="utf-8").splitlines()
    except OSError:
        return index
    for line in lines:
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if not isinstance(row, dict) or not isinstance(row.get("path"), str):
            continue
        fields = _clean(row)
        if not fields:
            continue
        rel = row["path"].strip("/")
        if row["path"].endswith("/") or (manifest.parent / rel).is_dir():
            index[rel + "/"] = fields  # a folder: every file under it
            continue
        index[rel] = fields
        names.setdefault(rel.rsplit("/", 1)[-1], []).append(fields)
    for name, entries in names.items():
        if len(entries) == 1:
            index.setdefault(name, entries[0])
    return index


def _clean(row: Any) -> dict[str, str]:
    """The known, well-formed fields of a sidecar record, as strings."""
    if not isinstance(row, dict):
        return {}
    out: dict[str, str] = {}
    for key in FIELDS:
        value = row.get(key)
        if not isinstance(value, str) or not value.strip():
            continue
        value = " ".join(value.split())
        if key == "meeting_date":
            try:
                value = date.fromisoformat(value[:10]).isoformat()
            except ValueError:
                continue
        if key == "doc_type" and value.lower() not in DOC_TYPES:
            continue
        if key == "access" and value.lower() not in ACCESS_LEVELS:
            continue
        out[key] = value.lower() if key in ("doc_type", "access") else value
    return out


def apply_overrides(meeting: Meeting, meta: dict[str, str]) -> Meeting:
    """The meeting with the sidecar's fields put over what the text said."""
    update: dict[str, Any] = {k: v for k, v in meta.items() if k in ("council", "body", "doc_type", "title")}
    if "meeting_date" in meta:
        update["meeting_date"] = date.fromisoformat(meta["meeting_date"])
    return meeting.model_copy(update=update) if update else meeting
