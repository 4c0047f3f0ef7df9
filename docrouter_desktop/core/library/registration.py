"""Files into the library: a file or an upload copied in by its content, checked, and registered as
a document with its job queued (one per content and organization)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from docrouter_desktop.core import jobs
from docrouter_desktop.core.errors import UsageError
from docrouter_desktop.core.filetypes import mismatch_error, sniff, unsupported_error
from docrouter_desktop.core.ids import new_id
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
        shown = given_as or str(path)
        processor_type = processor_type or self.settings().default_processor
        if processor_type not in PROCESSOR_TYPES:
            raise UsageError(
                f"Unknown processor '{processor_type}' (choose from {', '.join(PROCESSOR_TYPES)})"
            )
        org_id = org_id or self.default_org_id()
        try:
            blob = self.blobs.add_file(Path(path))
        except FileNotFoundError:
            return IngestOutcome(
                shown,
                None,
                "failed",
                error="The file is gone: it was moved or deleted before it could be read.",
            )
        except IsADirectoryError:
            return IngestOutcome(shown, None, "failed", error="This is a folder, not a file.")
        except PermissionError:
            return IngestOutcome(
                shown,
                None,
                "failed",
                error="Cannot read the file: permission denied. Check that you may open it, then add it again.",
            )
        except OSError as exc:
            return IngestOutcome(
                shown, None, "failed", error=f"Cannot read the file: {exc.strerror or exc}."
            )
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
        return outcome

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
