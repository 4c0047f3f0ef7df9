"""The plain event objects the engine hands out (to progress bars, windows, the server): what
happened to a document in the queue, and what became of files given to the front door. They
pickle, so they cross from a child process as they are."""

from __future__ import annotations

from dataclasses import dataclass, field

from docrouter_desktop.core.records import IngestOutcome
from docrouter_desktop.core.states import EventKind


@dataclass(frozen=True)
class JobEvent:
    """What happened to a document while it was processed."""

    kind: EventKind | str  # an EventKind (its word compares equal)
    document_id: str
    document_name: str
    pages_total: int | None = None
    pages_done: int = 0
    error: str | None = None
    processor_type: str | None = None


@dataclass(frozen=True)
class FilesFound:
    """The files of one request to add paths, listed before they are copied in: ``(key, name)``
    each, the key standing for the file until its document exists."""

    request: str
    files: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class FilesAdded:
    """Some files of a request are in the library (or failed to get there): ``(key, outcome)``."""

    request: str
    added: list[tuple[str, IngestOutcome]] = field(default_factory=list)


@dataclass(frozen=True)
class RequestFinished:
    """Every file of a request has been added (or refused), in the order given."""

    request: str
    outcomes: list[IngestOutcome] = field(default_factory=list)


@dataclass(frozen=True)
class WatchedFileAdded:
    """A file that settled in a watched folder was added."""

    folder: str
    outcome: IngestOutcome


@dataclass(frozen=True)
class CorrectionSent:
    """A correction went back to the remote that read the document (or did not: ``sent``)."""

    document_id: str
    sent: bool
    message: str


EngineEvent = (
    JobEvent | FilesFound | FilesAdded | RequestFinished | WatchedFileAdded | CorrectionSent
)
