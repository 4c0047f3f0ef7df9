"""The states things go through, as enums: a document's status, a job's status, what an event
says happened, and the processors. Their values are the words stored in the library and sent
by the API, so a member equals its word (``DocumentStatus.QUEUED == "queued"``)."""

from __future__ import annotations

from enum import StrEnum


class DocumentStatus(StrEnum):
    QUEUED = "queued"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def waiting(self) -> bool:
        """Still to be read (queued, or being read now)."""
        return self in (DocumentStatus.QUEUED, DocumentStatus.PROCESSING)

    @property
    def finished(self) -> bool:
        return not self.waiting


# A job goes through the same words as its document.
JobStatus = DocumentStatus

WAITING: tuple[DocumentStatus, ...] = (DocumentStatus.QUEUED, DocumentStatus.PROCESSING)
FINISHED: tuple[DocumentStatus, ...] = (
    DocumentStatus.COMPLETED,
    DocumentStatus.FAILED,
    DocumentStatus.CANCELLED,
)


class ProcessorType(StrEnum):
    AUTO = "auto"
    INVOICE = "invoice"
    RECEIPT = "receipt"
    TEXT = "text"


PROCESSOR_TYPES: tuple[str, ...] = tuple(p.value for p in ProcessorType)


class EventKind(StrEnum):
    """What a job event says happened to a document."""

    STARTED = "started"
    PROGRESS = "progress"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    REQUEUED = "requeued"  # given back to the queue (its worker died, or the run stopped)

    @property
    def final(self) -> bool:
        return self in (EventKind.COMPLETED, EventKind.FAILED, EventKind.CANCELLED)
