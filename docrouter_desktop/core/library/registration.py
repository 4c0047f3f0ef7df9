"""Files into the library: a file or an upload copied in by its content, checked, and registered as
a document with its job queued (one per content and organization)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.exc import SQLAlchemyError

from docrouter_desktop.core import jobs
from docrouter_desktop.core.environment_faults import library_fault, os_fault
from docrouter_desktop.core.errors import LibraryError, UsageError
from docrouter_desktop.core.filetypes import mismatch_error, sniff, unsupported_error
from docrouter_desktop.core.ids import new_id
from docrouter_desktop.core.ingest import not_a_file_error, readable_name
from docrouter_desktop.core.library.base import LibraryBase, doc_info
from docrouter_desktop.core.records import DocumentInfo, IngestOutcome
from docrouter_desktop.core.settings import PROCESSOR_TYPES
from docrouter_desktop.core.storage.models import (
    Document,
    utcnow,
)


class RegistrationMixin(LibraryBase):
    def ingest_file(
        self,
        path: str | Path,
        org_id: str | None = None,
        processor_type: str | None = None,
        given_as: str | None = None,
        tags: Iterable[str] = (),
        requeue_failed: bool = True,
        target: str = "local",
    ) -> IngestOutcome:
        """Copy a file into the library and queue it; never raises for a bad file."""
        shown = readable_name(given_as or str(path))
        processor_type = processor_type or self.settings().default_processor
        if processor_type not in PROCESSOR_TYPES:
            raise UsageError(
                f"Unknown processor '{processor_type}' (choose from {', '.join(PROCESSOR_TYPES)})"
            )
        org_id = org_id or self.default_org_id()
        try:
            blob = self._copy_in(Path(path))
        except _NotAFile as exc:
            return IngestOutcome(shown, None, "failed", error=str(exc))
        except _SourceUnreadable as exc:
            return IngestOutcome(shown, None, "failed", error=_read_error(exc.error))
        except OSError as exc:
            raise library_write_error(exc, self.blobs.root) from None
        try:
            outcome, _doc = self._register(
                blob,
                Path(path).name,
                str(path),
                org_id,
                processor_type,
                list(tags),
                shown,
                requeue_failed,
                target,
            )
        except SQLAlchemyError as exc:  # a locked, full or damaged library: not the file's fault
            fault = library_fault(exc, self.root)
            if not isinstance(fault, LibraryError):
                raise
            raise fault from None
        return outcome

    def _copy_in(self, path: Path):
        """Copy a regular file in; a pipe, a device or a socket is refused before a byte is
        read (opening a pipe would wait for a writer, a device would never end)."""
        problem = not_a_file_error(_stat(path).st_mode)
        if problem:
            raise _NotAFile(problem)
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
        try:
            fd = os.open(path, flags | getattr(os, "O_BINARY", 0))
        except OSError as exc:
            raise _SourceUnreadable(exc) from None
        with os.fdopen(fd, "rb", buffering=0) as raw:
            problem = not_a_file_error(os.fstat(fd).st_mode)  # swapped since the stat
            if problem:
                raise _NotAFile(problem)
            if hasattr(os, "set_blocking"):
                os.set_blocking(fd, True)
            return self.blobs.add_stream(_Source(raw))  # type: ignore[arg-type]

    def _register(
        self,
        blob,
        name,
        source,
        org_id,
        processor_type,
        tags,
        shown,
        requeue_failed,
        target="local",
        metadata: dict[str, str] | None = None,
        uploaded_by: str | None = None,
    ) -> tuple[IngestOutcome, DocumentInfo]:
        name, shown = readable_name(name), readable_name(shown)
        source = readable_name(source) if source is not None else None
        content_type = sniff(blob.head) if blob.size else "application/octet-stream"
        problem = None
        if blob.size == 0:
            problem = "The file is empty (0 bytes): there is nothing to read."
        else:
            problem = mismatch_error(name, content_type) or unsupported_error(content_type)
        now = utcnow()
        with self.db.write() as s:
            conn = s.connection()
            found = conn.exec_driver_sql(
                "SELECT id FROM documents WHERE organization_id = ? AND sha256 = ?",
                (org_id, blob.sha256),
            ).first()
            if found is not None:
                existing = s.get(Document, found[0])
                if problem is None and existing.status not in ("queued", "processing"):
                    if target != "local" and not _sent_to(s, existing.id, target):
                        # Asked for remote processing: send it even if it was read locally.
                        jobs.enqueue(s, existing, processor_type, target=target)
                    elif existing.status in ("failed", "cancelled") and requeue_failed:
                        jobs.enqueue(s, existing, processor_type, target=target)
                s.flush()
                outcome = IngestOutcome(
                    shown, existing.id, existing.status, True, existing.error, existing.pages
                )
                return outcome, doc_info(existing)
            # A new document, the common case: plain statements, no unit of work to build.
            doc = DocumentInfo(
                new_id("doc_"),
                org_id,
                name,
                source,
                blob.sha256,
                blob.size,
                content_type,
                None,
                processor_type,
                "failed" if problem else "queued",
                problem,
                list(tags),
                now,
                now,
                metadata=dict(metadata or {}),
                uploaded_by=uploaded_by,
            )
            conn.exec_driver_sql(
                "INSERT INTO documents (id, organization_id, document_name, source_path, sha256, "
                "size, content_type, pages, processor_type, status, error, tags, created_at, "
                "updated_at, metadata, uploaded_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    doc.id,
                    org_id,
                    name,
                    source,
                    blob.sha256,
                    blob.size,
                    content_type,
                    processor_type,
                    doc.status,
                    problem,
                    json.dumps(doc.tags),
                    now,
                    now,
                    json.dumps(doc.metadata),
                    uploaded_by,
                ),
            )
            if problem is None:
                jobs.enqueue_new(s, doc.id, processor_type, target, now)
            jobs.index_text(s, doc.id, name, "")
        return IngestOutcome(shown, doc.id, doc.status, False, problem), doc

    def ingest_upload(
        self,
        path: str | Path,
        name: str,
        org_id: str | None = None,
        processor_type: str = "auto",
        tags: Iterable[str] = (),
    ) -> IngestOutcome:
        """Copy an uploaded file in under the name the uploader gave; a duplicate (same
        bytes, same organization) is reported as such and never processed again."""
        with open(path, "rb") as source:
            return self.add_upload(source, name, org_id, processor_type, tags)[0]

    def add_upload(
        self,
        source: BinaryIO,
        name: str,
        org_id: str | None = None,
        processor_type: str = "auto",
        tags: Iterable[str] = (),
        metadata: dict[str, str] | None = None,
        uploaded_by: str | None = None,
    ) -> tuple[IngestOutcome, DocumentInfo]:
        """``ingest_upload`` from a binary file object, read once from where it stands (the
        server's parsed form), also returning the document as stored."""
        if processor_type not in PROCESSOR_TYPES:
            raise UsageError(
                f"Unknown processor '{processor_type}' (choose from {', '.join(PROCESSOR_TYPES)})"
            )
        blob = self.blobs.add_stream(source)
        return self._register(
            blob,
            name,
            None,
            org_id or self.default_org_id(),
            processor_type,
            list(tags),
            name,
            False,
            metadata=metadata,
            uploaded_by=uploaded_by,
        )


class _NotAFile(Exception):
    pass


class _SourceUnreadable(Exception):
    def __init__(self, error: OSError):
        super().__init__(str(error))
        self.error = error


class _Source:
    """The user's file as read by the copy: a failure to read it is told apart from a failure
    to write the library's copy (a full or read-only disk is not the user's file's fault)."""

    def __init__(self, raw):
        self.raw = raw

    def read(self, n: int = -1) -> bytes:
        try:
            return self.raw.read(n)
        except OSError as exc:
            raise _SourceUnreadable(exc) from None


def _stat(path: Path) -> os.stat_result:
    try:
        return os.stat(path)
    except OSError as exc:
        raise _SourceUnreadable(exc) from None


def _read_error(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "The file is gone: it was moved or deleted before it could be read."
    if isinstance(exc, IsADirectoryError):
        return "This is a folder, not a file."
    if isinstance(exc, PermissionError):
        return "Cannot read the file: permission denied. Check that you may open it, then add it again."
    return f"Cannot read the file: {exc.strerror or exc}."


def library_write_error(exc: OSError, where: Path) -> LibraryError:
    """A failure to write into the library, as a message about the library (never the file)."""
    folder = Path(where).parent
    fault = os_fault(exc, folder)
    if isinstance(fault, LibraryError):
        return fault
    return LibraryError(
        f"Cannot add files: writing into the library ({folder}) failed: {exc.strerror or exc}."
    )


def _sent_to(s, document_id: str, target: str) -> bool:
    """Whether the document was already processed by this remote workspace."""
    from docrouter_desktop.core.remote.target import remote_target
    from docrouter_desktop.core.storage.models import RemoteDocument

    rec = s.get(RemoteDocument, document_id)
    return (
        rec is not None
        and rec.status == "completed"
        and remote_target(rec.remote_name, rec.remote_org) == target
    )
