"""Changing documents: corrections and verification of results, processing again, retrying,
cancelling, renaming, retagging and deleting."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import func, select

from docrouter_desktop.core import jobs
from docrouter_desktop.core.errors import NotFoundError, UsageError
from docrouter_desktop.core.fields import detail_at, set_at, value_at
from docrouter_desktop.core.filetypes import mismatch_error, unsupported_error
from docrouter_desktop.core.ingest import readable_name
from docrouter_desktop.core.library.base import LibraryBase, doc_info, result_info
from docrouter_desktop.core.library.vendors import TEACHING_FIELDS, VendorsMixin
from docrouter_desktop.core.records import DocumentInfo, ResultInfo
from docrouter_desktop.core.settings import PROCESSOR_TYPES
from docrouter_desktop.core.storage.models import (
    Document,
    Job,
    Result,
    utcnow,
)


class ChangesMixin(VendorsMixin, LibraryBase):
    def _edit_fields(
        self,
        document_id: str,
        what: str,
        change: Callable[[dict, dict], None],
        teach: bool = False,
    ) -> ResultInfo:
        """Change a result's fields and their details in one write: ``change`` edits copies
        of both, which are then stored. ``teach``: the vendor memory learns from the changed
        result in the same write (a correction of the vendor, its VAT ID or IBAN)."""
        with self.db.write() as s:
            r = s.get(Result, document_id)
            if r is None:
                raise NotFoundError(f"Document '{document_id}' has no result to {what}.")
            fields = dict(r.fields)
            details = {k: dict(v) for k, v in r.field_details.items()}
            before = dict(details.get("vendor") or {})
            change(fields, details)
            if teach:
                self.learn(s, r.document.organization_id, fields, details, before)
            r.fields = fields
            r.field_details = details
            r.updated_at = utcnow()
            s.flush()
            return result_info(r)

    def correct_fields(self, document_id: str, corrections: dict[str, Any]) -> ResultInfo:
        """Apply a user's corrections; each keeps the original value and is marked ``user``."""

        def change(fields: dict, details: dict) -> None:
            for name, value in corrections.items():
                before = detail_at(details, name)
                if before.get("source") == "user":
                    original = before.get("original", value_at(fields, name))
                    found = before.get("found") or {}
                else:  # what the processor found, kept to revert to
                    original = value_at(fields, name)
                    found = {
                        k: before[k]
                        for k in ("confidence", "source", "rule")
                        if before.get(k) is not None
                    }
                detail = {
                    "confidence": 1.0,
                    "page": before.get("page"),
                    "bbox": before.get("bbox"),
                    "source": "user",
                    "rule": "corrected by the user",
                    "original": original,
                    "found": found,
                }
                set_at(fields, details, name, value, detail)

        teach = bool(TEACHING_FIELDS & {n.partition(".")[0] for n in corrections})
        return self._edit_fields(document_id, "correct", change, teach=teach)

    def revert_fields(self, document_id: str, names: Iterable[str]) -> ResultInfo:
        """Undo the user's corrections of ``names``: each field gets back the value the
        processor found, with its confidence, source and rule. A field not corrected is left
        as it is."""

        def change(fields: dict, details: dict) -> None:
            for name in names:
                before = detail_at(details, name)
                if before.get("source") != "user":
                    continue
                restored = {"page": before.get("page"), "bbox": before.get("bbox")}
                restored.update(before.get("found") or {})
                set_at(fields, details, name, before.get("original"), restored)

        return self._edit_fields(document_id, "revert", change)

    def set_verified(self, document_id: str, verified: bool) -> ResultInfo:
        """Mark a result as checked by a person (DocRouter's ``is_verified``), or not."""
        with self.db.write() as s:
            r = s.get(Result, document_id)
            if r is None:
                raise NotFoundError(f"Document '{document_id}' has no result.")
            if bool(r.verified) != bool(verified):
                r.verified = int(bool(verified))
                if verified:
                    self.confirm_recognition(s, r.field_details)
                r.updated_at = utcnow()
            s.flush()
            return result_info(r)

    def delete_result(self, document_id: str, reason: str) -> None:
        """Remove a document's result; the document is left ``cancelled`` with ``reason`` as
        its error (process it again for a new result)."""
        with self.db.write() as s:
            doc = s.get(Document, document_id)
            if doc is None:
                raise NotFoundError(f"No document '{document_id}'.")
            result = s.get(Result, document_id)
            if result is None:
                raise NotFoundError(f"Document '{document_id}' has no result.")
            jobs.cancel_document(s, document_id)
            s.delete(result)
            now = utcnow()
            doc.status = "cancelled"
            doc.error = reason
            doc.updated_at = now
            s.flush()
            jobs.index_text(s, doc.id, doc.document_name, "")

    def reprocess(
        self,
        document_id: str,
        processor_type: str | None = None,
        discard_corrections: bool = False,
        target: str | None = "local",
    ) -> DocumentInfo:
        """Queue a document again; ``target=None`` keeps where it was last processed."""
        with self.db.write() as s:
            doc = s.get(Document, document_id)
            if doc is None:
                raise NotFoundError(f"No document '{document_id}'.")
            if processor_type and processor_type not in PROCESSOR_TYPES:
                raise UsageError(f"Unknown processor '{processor_type}'")
            if doc.error and doc.status == "failed" and not self.blobs.exists(doc.sha256):
                raise NotFoundError("The stored original is missing.")
            problem = mismatch_error(doc.document_name, doc.content_type) or unsupported_error(
                doc.content_type
            )
            if problem or doc.size == 0:
                return doc_info(doc)
            if target is None:
                last = s.scalars(
                    select(Job.target).where(Job.document_id == doc.id).order_by(Job.id.desc())
                ).first()
                target = last or "local"
            jobs.enqueue(
                s, doc, processor_type or doc.processor_type, discard_corrections, target=target
            )
            s.flush()
            return doc_info(doc)

    def retry_failed(self, org_id: str | None = None, ids: list[str] | None = None) -> list[str]:
        docs, _ = self.documents(org_id=org_id, status="failed", ids=ids)
        docs += self.documents(org_id=org_id, status="cancelled", ids=ids)[0]
        retried = []
        for d in docs:
            info = self.reprocess(d.id, target=None)
            if info.status == "queued":
                retried.append(d.id)
        return retried

    def cancel(self, document_id: str) -> str | None:
        with self.db.write() as s:
            return jobs.cancel_document(s, document_id)

    def cancel_all(self, document_ids: set[str] | None = None, org_id: str | None = None) -> int:
        with self.db.write() as s:
            return jobs.cancel_all(s, document_ids, org_id)

    def delete(self, document_id: str) -> None:
        with self.db.write() as s:
            doc = s.get(Document, document_id) or self._by_prefix(s, document_id, None)
            sha = doc.sha256
            if doc.fts_rowid is not None:
                s.connection().exec_driver_sql(
                    "DELETE FROM documents_fts WHERE rowid = ?", (doc.fts_rowid,)
                )
            s.delete(doc)
            s.flush()
            still_used = s.scalar(
                select(func.count()).select_from(Document).where(Document.sha256 == sha)
            )
        if not still_used:
            self.blobs.remove(sha)

    def update_document(
        self,
        document_id: str,
        name: str | None = None,
        tags: Iterable[str] | None = None,
        metadata: dict[str, str] | None = None,
    ) -> DocumentInfo:
        """Rename a document, replace its tags (names) or its metadata; None leaves each as
        it is."""
        if name is not None:
            name = readable_name(name).strip()
            if not name:
                raise UsageError("A document needs a name.")
            if len(name) > 1000:
                raise UsageError("A document name has at most 1000 characters.")
        with self.db.write() as s:
            doc = s.get(Document, document_id)
            if doc is None:
                raise NotFoundError(f"No document '{document_id}'.")
            if name is not None and name != doc.document_name:
                doc.document_name = name
                result = s.get(Result, document_id)
                s.flush()
                jobs.index_text(s, doc.id, name, result.text if result else "")
            if tags is not None:
                doc.tags = list(dict.fromkeys(tags))
            if metadata is not None:
                doc.doc_metadata = {str(k): str(v) for k, v in metadata.items()}
            doc.updated_at = utcnow()
            s.flush()
            return doc_info(doc)
