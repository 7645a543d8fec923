"""The exception tree of councilqa.

    AssistantError
    ├── SourceError         a file could not be read or parsed
    ├── IndexMissingError   nothing is indexed where the settings point
    ├── NoEvidenceError     the records hold nothing that answers the question
    ├── ModelError          the embedding model or an LLM endpoint failed
    ├── ArchiveError        the archive itself cannot be used: damaged, read-only, data folder unusable
    │   └── ArchiveBusyError    another writer holds the archive lock
    └── UsersFileError      the page's users file is unreadable or names a user badly

Messages name the object and the fix. `cli.py` turns these into click errors and
`ui/` into `gr.Error`; nothing else converts them.
"""


class AssistantError(Exception):
    """Base class of every error councilqa raises on purpose."""


class SourceError(AssistantError):
    """A council file could not be read or parsed."""


class IndexMissingError(AssistantError):
    """No index exists where the settings point."""


class NoEvidenceError(AssistantError):
    """The records hold nothing that answers the question."""


class ModelError(AssistantError):
    """The embedding model or an LLM endpoint failed."""


class ArchiveError(AssistantError):
    """The archive itself cannot be used: damaged, read-only, or its data folder is unusable."""


class ArchiveBusyError(ArchiveError):
    """Another process holds the archive's writer lock."""


class UsersFileError(AssistantError):
    """The page's users file cannot be read, or a user in it is malformed."""
