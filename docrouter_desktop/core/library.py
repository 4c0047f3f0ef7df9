"""The library service: one folder holding the database, the originals and the log.

Every public method opens one session for one operation and returns plain records
(``core.records``), never ORM objects.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import exists, func, select

from docrouter_desktop.core import jobs
from docrouter_desktop.core.errors import LibraryError, NotFoundError, UsageError
from docrouter_desktop.core.filetypes import mismatch_error, sniff, unsupported_error
from docrouter_desktop.core.ids import new_id
from docrouter_desktop.core.records import DocumentInfo, IngestOutcome, OrganizationInfo, ResultInfo
from docrouter_desktop.core.settings import PROCESSOR_TYPES, SPECS, Settings, parse_setting
from docrouter_desktop.core.storage.blobstore import BlobStore
from docrouter_desktop.core.storage.database import Database
from docrouter_desktop.core.storage.models import (
    Document,
    Job,
    Organization,
    Result,
    Setting,
    utcnow,
)

log = logging.getLogger(__name__)

DEFAULT_ORG_NAME = "Personal"


class Library:
    def __init__(self, root: Path):
        self.root = Path(root)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LibraryError(
                f"Cannot create the library folder {self.root}: {exc.strerror}"
            ) from exc
        self.db = Database(self.root / "library.sqlite3")
        self.blobs = BlobStore(self.root / "originals")
        self._default_org: str | None = None
        self.default_org_id()

    def close(self) -> None:
        self.db.dispose()

    # -- organizations

    def default_org_id(self) -> str:
        """The organization documents go to when none is named: the first one created."""
        if self._default_org:
            return self._default_org
        first = select(Organization).order_by(Organization.created_at, Organization.id).limit(1)
        with self.db.read() as s:
            org = s.scalars(first).first()
        if org is None:
            with self.db.write() as s:
                org = s.scalars(first).first()
                if org is None:
                    org = Organization(
                        id=new_id("org_"), name=DEFAULT_ORG_NAME, created_at=utcnow()
                    )
                    s.add(org)
        self._default_org = org.id
        return self._default_org

    def resolve_org(self, org: str | None) -> str:
        """An organization id from an id or a name (None: the default one)."""
        if not org:
            return self.default_org_id()
        with self.db.read() as s:
            found = (
                s.get(Organization, org)
                or s.scalars(select(Organization).where(Organization.name == org)).first()
            )
            if found is None:
                raise UsageError(f"No organization '{org}'. See: docrouter-desktop org list")
            return found.id

    def organizations(self) -> list[OrganizationInfo]:
        self.default_org_id()
        with self.db.read() as s:
            counts = dict(
                s.execute(
                    select(Document.organization_id, func.count()).group_by(
                        Document.organization_id
                    )
                ).all()
            )
            return [
                OrganizationInfo(o.id, o.name, o.created_at, counts.get(o.id, 0))
                for o in s.scalars(select(Organization).order_by(Organization.created_at))
            ]

    def create_organization(self, name: str) -> OrganizationInfo:
        name = (name or "").strip()
        if not name:
            raise UsageError("A workspace needs a name.")
        if len(name) > 200:
            raise UsageError("A workspace name has at most 200 characters.")
        with self.db.write() as s:
            org = Organization(id=new_id("org_"), name=name, created_at=utcnow())
            s.add(org)
        return OrganizationInfo(org.id, org.name, org.created_at, 0)

    # -- settings

    def settings(self) -> Settings:
        # Plain SQL: the runner reads the settings for every job it claims.
        with self.db.read() as s:
            rows = s.connection().exec_driver_sql("SELECT key, value FROM settings").all()
        return Settings.from_mapping({k: _json_value(v) for k, v in rows})

    def get_setting(self, key: str) -> Any:
        if key not in SPECS:
            parse_setting(key, None)  # raises the usage error with the list of keys
        return getattr(self.settings(), key)

    def set_setting(self, key: str, value: Any) -> Any:
        parsed = parse_setting(key, value)
        with self.db.write() as s:
            row = s.get(Setting, key)
            if row is None:
                s.add(Setting(key=key, value=parsed))
            else:
                row.value = parsed
        return parsed

    # -- ingest

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
                return outcome, _doc_info(existing)
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

    # -- documents

    def document(self, document_id: str, org_id: str | None = None) -> DocumentInfo:
        with self.db.read() as s:
            doc = s.get(Document, document_id)
            if doc is None or (org_id and doc.organization_id != org_id):
                doc = self._by_prefix(s, document_id, org_id)
            return _doc_info(doc)

    def _by_prefix(self, s, document_id: str, org_id: str | None) -> Document:
        if len(document_id) >= 6:
            q = select(Document).where(Document.id.like(f"{document_id}%"))
            if org_id:
                q = q.where(Document.organization_id == org_id)
            found = s.scalars(q.limit(2)).all()
            if len(found) == 1:
                return found[0]
        raise NotFoundError(f"No document '{document_id}'.")

    def documents(
        self,
        org_id: str | None = None,
        status: str | None = None,
        processor_type: str | None = None,
        query: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        ids: list[str] | None = None,
        with_fields: bool = False,
        *,
        tags_all: Iterable[str] = (),
        name_search: str | None = None,
        metadata: dict[str, str] | None = None,
    ) -> tuple[list[DocumentInfo], int]:
        """Documents newest first, and how many match. Besides the status, processor and
        full-text filters: ``tags_all`` (tag names the document carries, all of them),
        ``name_search`` (a case-insensitive part of its name) and ``metadata`` (key/value
        pairs its metadata holds exactly), all in SQL."""
        with self.db.read() as s:
            q = select(Document)
            if org_id:
                q = q.where(Document.organization_id == org_id)
            if status:
                q = q.where(Document.status == status)
            if processor_type:
                q = q.where(Document.processor_type == processor_type)
            if ids is not None:
                q = q.where(Document.id.in_(ids))
            if query:
                matched = self._fts_ids(s, query)
                q = q.where(Document.id.in_(matched))
            for tag in dict.fromkeys(tags_all):
                q = q.where(_json_holds(Document.tags, value=tag))
            if name_search:
                q = q.where(func.instr(func.lower(Document.document_name), name_search.lower()) > 0)
            for key, value in (metadata or {}).items():
                q = q.where(_json_holds(Document.doc_metadata, key=key, value=value))
            total = s.scalar(select(func.count()).select_from(q.subquery())) or 0
            q = q.order_by(Document.created_at.desc(), Document.id.desc()).offset(offset)
            if limit is not None:
                q = q.limit(limit)
            docs = list(s.scalars(q))
            fields = {}
            if with_fields and docs:
                for r in s.scalars(
                    select(Result).where(Result.document_id.in_([d.id for d in docs]))
                ):
                    fields[r.document_id] = r.fields
            return [_doc_info(d, fields.get(d.id, {})) for d in docs], total

    def _fts_ids(self, s, query: str) -> list[str]:
        # Quotes and control characters separate words anyway; a NUL would end the query
        # string FTS5 is given ("unterminated string").
        cleaned = "".join(" " if ch == '"' or ch < " " else ch for ch in query)
        terms = cleaned.split()
        if not terms:
            return []
        match = " ".join(f'"{t}"*' for t in terms)
        rows = s.connection().exec_driver_sql(
            "SELECT document_id FROM documents_fts WHERE documents_fts MATCH ? LIMIT 100000",
            (match,),
        )
        return [r[0] for r in rows]

    def result(self, document_id: str) -> ResultInfo | None:
        with self.db.read() as s:
            r = s.get(Result, document_id)
            return _result_info(r) if r else None

    def results(self, document_ids: list[str]) -> dict[str, ResultInfo]:
        out = {}
        with self.db.read() as s:
            for i in range(0, len(document_ids), 500):
                chunk = document_ids[i : i + 500]
                for r in s.scalars(select(Result).where(Result.document_id.in_(chunk))):
                    out[r.document_id] = _result_info(r)
        return out

    def correct_fields(self, document_id: str, corrections: dict[str, Any]) -> ResultInfo:
        """Apply a user's corrections; each keeps the original value and is marked ``user``."""
        with self.db.write() as s:
            r = s.get(Result, document_id)
            if r is None:
                raise NotFoundError(f"Document '{document_id}' has no result to correct.")
            fields = dict(r.fields)
            details = {k: dict(v) for k, v in r.field_details.items()}
            for name, value in corrections.items():
                before = details.get(name, {})
                original = (
                    before.get("original", fields.get(name))
                    if before.get("source") == "user"
                    else fields.get(name)
                )
                details[name] = {
                    "confidence": 1.0,
                    "page": before.get("page"),
                    "bbox": before.get("bbox"),
                    "source": "user",
                    "rule": "corrected by the user",
                    "original": original,
                }
                fields[name] = value
            r.fields = fields
            r.field_details = details
            r.updated_at = utcnow()
            s.flush()
            return _result_info(r)

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
                return _doc_info(doc)
            if target is None:
                last = s.scalars(
                    select(Job.target).where(Job.document_id == doc.id).order_by(Job.id.desc())
                ).first()
                target = last or "local"
            jobs.enqueue(
                s, doc, processor_type or doc.processor_type, discard_corrections, target=target
            )
            s.flush()
            return _doc_info(doc)

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

    def original_path(self, document_id: str) -> Path:
        doc = self.document(document_id)
        return self.blobs.path_for(doc.sha256)

    # -- additions for the API server

    def document_status(self, document_id: str, conn=None) -> dict[str, Any] | None:
        """The status of one document by its exact id, or None: the hot path of clients that
        poll, so it is one indexed SELECT without the ORM, on a pooled connection or on
        ``conn`` when given (a DB-API connection, e.g. ``Database.reader()``)."""
        row = self._read_row(
            "SELECT id, organization_id, status, error, updated_at FROM documents WHERE id = ?",
            (document_id,),
            conn,
        )
        if row is None:
            return None
        keys = ("document_id", "organization_id", "status", "error", "updated_at")
        return dict(zip(keys, row, strict=True))

    def status_and_result(
        self, document_id: str
    ) -> tuple[str, str, str | None, ResultInfo | None] | None:
        """``(organization_id, status, error, result or None)`` of one document by its exact
        id, or None: what a client reads once its document is done, in one plain SELECT."""
        row = self._read_row(
            "SELECT documents.organization_id, documents.status, documents.error, "
            "results.processor_type, results.fields, results.field_details, results.pages, "
            "results.warnings, results.routing, results.text, results.engine_version, "
            "results.updated_at, results.verified FROM documents "
            "LEFT JOIN results ON results.document_id = documents.id WHERE documents.id = ?",
            (document_id,),
        )
        if row is None:
            return None
        org_id, status, error, processor_type, *rest = row
        if processor_type is None:
            return org_id, status, error, None
        fields, details, pages, warnings, routing, text, version, updated_at, verified = rest
        result = ResultInfo(
            document_id,
            processor_type,
            json.loads(fields),
            json.loads(details),
            json.loads(pages),
            json.loads(warnings),
            routing,
            text,
            version,
            updated_at,
            bool(verified),
        )
        return org_id, status, error, result

    def organization_exists(self, org_id: str) -> bool:
        return self._read_row("SELECT 1 FROM organizations WHERE id = ?", (org_id,)) is not None

    def _read_row(self, sql: str, params: tuple, conn=None):
        """One row of a plain SELECT, on ``conn`` (a DB-API connection) or a pooled one."""
        pooled = self.db.engine.raw_connection() if conn is None else None
        cur = (conn or pooled).cursor()
        try:
            cur.execute(sql, params)
            return cur.fetchone()
        finally:
            cur.close()
            if pooled is not None:
                pooled.close()

    def delete_organization(self, org_id: str) -> None:
        """Delete an organization with its documents (and, by the foreign keys, their jobs,
        results and the organization's tokens). The default organization stays."""
        if org_id == self.default_org_id():
            raise UsageError("The default organization cannot be deleted.")
        with self.db.write() as s:
            org = s.get(Organization, org_id)
            if org is None:
                raise NotFoundError(f"No organization '{org_id}'.")
            shas = set(s.scalars(select(Document.sha256).where(Document.organization_id == org_id)))
            s.connection().exec_driver_sql(
                "DELETE FROM documents_fts WHERE rowid IN "
                "(SELECT fts_rowid FROM documents WHERE organization_id = ?)",
                (org_id,),
            )
            s.delete(org)
            s.flush()
            used = set(
                s.scalars(select(Document.sha256).where(Document.sha256.in_(shas))) if shas else []
            )
        for sha in shas - used:
            self.blobs.remove(sha)

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

    def queued_targets(self, document_ids: list[str]) -> dict[str, set[str]]:
        """Where the queued (or running) jobs of these documents are to run: ``local`` or a
        remote workspace's target, with the documents of each."""
        out: dict[str, set[str]] = {}
        with self.db.read() as s:
            conn = s.connection()
            for i in range(0, len(document_ids), 500):
                chunk = document_ids[i : i + 500]
                marks = ", ".join("?" * len(chunk))
                for doc_id, target in conn.exec_driver_sql(
                    "SELECT document_id, target FROM jobs WHERE status IN ('queued', "
                    f"'processing') AND document_id IN ({marks})",
                    tuple(chunk),
                ):
                    out.setdefault(target or "local", set()).add(doc_id)
        return out

    def statuses(self, document_ids: list[str]) -> dict[str, tuple[str, str | None]]:
        out = {}
        with self.db.read() as s:
            conn = s.connection()
            for i in range(0, len(document_ids), 500):
                chunk = document_ids[i : i + 500]
                marks = ", ".join("?" * len(chunk))
                for d in conn.exec_driver_sql(
                    f"SELECT id, status, error FROM documents WHERE id IN ({marks})", tuple(chunk)
                ):
                    out[d[0]] = (d[1], d[2])
        return out

    # -- additions for DocRouter's v0 API

    def organization(self, org_id: str) -> OrganizationInfo | None:
        """One organization with its document count, or None."""
        with self.db.read() as s:
            org = s.get(Organization, org_id)
            if org is None:
                return None
            count = s.scalar(
                select(func.count()).select_from(Document).where(Document.organization_id == org_id)
            )
            return OrganizationInfo(org.id, org.name, org.created_at, count or 0)

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
            name = name.strip()
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
            return _doc_info(doc)

    def set_verified(self, document_id: str, verified: bool) -> ResultInfo:
        """Mark a result as checked by a person (DocRouter's ``is_verified``), or not."""
        with self.db.write() as s:
            r = s.get(Result, document_id)
            if r is None:
                raise NotFoundError(f"Document '{document_id}' has no result.")
            if bool(r.verified) != bool(verified):
                r.verified = int(bool(verified))
                r.updated_at = utcnow()
            s.flush()
            return _result_info(r)

    def result_created_at(self, document_id: str) -> str | None:
        """When the document's result was first stored (None: it has none)."""
        row = self._read_row("SELECT created_at FROM results WHERE document_id = ?", (document_id,))
        return row[0] if row else None

    def read_at(self, document_id: str) -> str | None:
        """When the document was last read (its last completed job finished), or None."""
        row = self._read_row(
            "SELECT finished_at FROM jobs WHERE document_id = ? AND status = 'completed' "
            "ORDER BY id DESC LIMIT 1",
            (document_id,),
        )
        return row[0] if row else None

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


def _json_value(stored: Any) -> Any:
    """A JSON column's value as SQLite returns it: JSON text, or a number (the column's type
    gives numeric affinity, so a number written as JSON text is stored as a number)."""
    return json.loads(stored) if isinstance(stored, str | bytes) else stored


def _json_holds(column, key: str | None = None, value: str = ""):
    """SQL: the JSON column (an array, or an object when ``key`` is given) holds ``value``
    (under ``key``)."""
    each = func.json_each(column).table_valued("key", "value")
    cond = each.c.value == value
    if key is not None:
        cond = (each.c.key == key) & cond
    return exists().select_from(each).where(cond)


def _sent_to(s, document_id: str, target: str) -> bool:
    """Whether the document was already processed by this remote workspace."""
    from docrouter_desktop.core.storage.models import RemoteDocument

    rec = s.get(RemoteDocument, document_id)
    return (
        rec is not None
        and rec.status == "completed"
        and f"remote:{rec.remote_name}:{rec.remote_org}" == target
    )


def _doc_info(d: Document, fields: dict | None = None) -> DocumentInfo:
    return DocumentInfo(
        d.id,
        d.organization_id,
        d.document_name,
        d.source_path,
        d.sha256,
        d.size,
        d.content_type,
        d.pages,
        d.processor_type,
        d.status,
        d.error,
        list(d.tags or []),
        d.created_at,
        d.updated_at,
        fields or {},
        dict(d.doc_metadata or {}),
        d.uploaded_by,
    )


def _result_info(r: Result) -> ResultInfo:
    return ResultInfo(
        r.document_id,
        r.processor_type,
        r.fields,
        r.field_details,
        r.pages,
        r.warnings,
        r.routing,
        r.text,
        r.engine_version,
        r.updated_at,
        bool(r.verified),
    )
