"""Reading documents and results: by id or unique prefix, filtered lists, statuses, and the API's
one-row fast paths."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import exists, func, select

from docrouter_desktop.core.errors import NotFoundError
from docrouter_desktop.core.jobs.text_index import matching_rowids
from docrouter_desktop.core.library.base import LibraryBase, doc_info, result_info
from docrouter_desktop.core.records import DocumentInfo, ResultInfo
from docrouter_desktop.core.storage.models import (
    Document,
    Result,
)


class DocumentReadsMixin(LibraryBase):
    def document(self, document_id: str, org_id: str | None = None) -> DocumentInfo:
        with self.db.read() as s:
            doc = s.get(Document, document_id)
            if doc is None or (org_id and doc.organization_id != org_id):
                doc = self._by_prefix(s, document_id, org_id)
            return doc_info(doc)

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
                # In the same statement as the other filters (the organization's first of all):
                # the count is exact and no other organization's matches are fetched.
                q = q.where(Document.fts_rowid.in_(matching_rowids(query)))
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
            return [doc_info(d, fields.get(d.id, {})) for d in docs], total

    def result(self, document_id: str) -> ResultInfo | None:
        with self.db.read() as s:
            r = s.get(Result, document_id)
            return result_info(r) if r else None

    def results(self, document_ids: list[str]) -> dict[str, ResultInfo]:
        out = {}
        with self.db.read() as s:
            for i in range(0, len(document_ids), 500):
                chunk = document_ids[i : i + 500]
                for r in s.scalars(select(Result).where(Result.document_id.in_(chunk))):
                    out[r.document_id] = result_info(r)
        return out

    def queued_remote_targets(self) -> list[str]:
        """The remote workspaces (as job targets) that have jobs queued or running."""
        with self.db.read() as s:
            rows = s.connection().exec_driver_sql(
                "SELECT DISTINCT target FROM jobs WHERE status IN ('queued', 'processing') "
                "AND target != 'local'"
            )
            return sorted(r[0] for r in rows)

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

    def original_path(self, document_id: str) -> Path:
        doc = self.document(document_id)
        return self.blobs.path_for(doc.sha256)

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


def _json_holds(column, key: str | None = None, value: str = ""):
    """SQL: the JSON column (an array, or an object when ``key`` is given) holds ``value``
    (under ``key``)."""
    each = func.json_each(column).table_valued("key", "value")
    cond = each.c.value == value
    if key is not None:
        cond = (each.c.key == key) & cond
    return exists().select_from(each).where(cond)
