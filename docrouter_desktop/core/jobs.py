"""The job queue, persisted in the library: enqueue, claim atomically, finish exactly once.

A runner claims a job inside a ``BEGIN IMMEDIATE`` transaction, so two processes never claim
the same one. A claim carries the owner (host, pid, start time) and a lease that the owner
renews; a job whose owner died (its pid is gone, or its lease ran out) is claimed again.
Finishing checks the claim is still ours in the same transaction that stores the result, so a
document's result is written once even if a stale runner wakes up late.
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from docrouter_desktop import __version__
from docrouter_desktop.core.storage.models import Document, Job, Result, utcnow

LEASE_SECONDS = 90.0
MAX_ATTEMPTS = 3
TERMINAL = ("completed", "failed", "cancelled")


def owner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{int(_process_start())}"


def _process_start() -> float:
    return _START


_START = time.time()


def _owner_alive(owner: str) -> bool:
    try:
        host, pid, _start = owner.rsplit(":", 2)
        pid_n = int(pid)
    except ValueError:
        return False
    if host != socket.gethostname():
        return True  # cannot tell; the lease decides
    if pid_n == os.getpid():
        return owner == owner_id()
    try:
        os.kill(pid_n, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass(frozen=True)
class ClaimedJob:
    job_id: int
    document_id: str
    document_name: str
    sha256: str
    content_type: str
    pages: int | None
    processor_type: str
    attempts: int
    discard_corrections: bool
    target: str = "local"


def enqueue(
    session: Session,
    document: Document,
    processor_type: str,
    discard: bool = False,
    target: str = "local",
) -> Job:
    now = utcnow()
    # One live job per document: older queued ones are superseded.
    session.execute(
        update(Job)
        .where(Job.document_id == document.id, Job.status == "queued")
        .values(status="cancelled", finished_at=now)
    )
    job = Job(
        document_id=document.id,
        processor_type=processor_type,
        target=target,
        discard_corrections=int(discard),
        status="queued",
        attempts=0,
        pages_done=0,
        created_at=now,
    )
    session.add(job)
    document.status = "queued"
    document.error = None
    document.processor_type = processor_type
    document.updated_at = now
    return job


def claim(
    session: Session,
    owner: str,
    only_documents: set[str] | None = None,
    target: str = "local",
) -> ClaimedJob | None:
    """Claim the oldest runnable job for this target (call inside a write transaction):
    ``local`` for the worker pool, ``remote:NAME:ORG`` for a remote server's workspace."""
    now = time.time()
    query = (
        select(Job, Document)
        .join(Document, Document.id == Job.document_id)
        .where(
            Job.target == target,
            (Job.status == "queued") | ((Job.status == "processing") & (Job.lease_expires < now)),
        )
        .order_by(Job.id)
        .limit(50)
    )
    stale_candidates = (
        select(Job, Document)
        .join(Document, Document.id == Job.document_id)
        .where(Job.target == target, Job.status == "processing", Job.claimed_by != owner)
        .order_by(Job.id)
        .limit(50)
    )
    rows = list(session.execute(query))
    rows += [
        r for r in session.execute(stale_candidates) if not _owner_alive(r[0].claimed_by or "")
    ]
    for job, doc in rows:
        if only_documents is not None and doc.id not in only_documents:
            continue
        if job.attempts >= MAX_ATTEMPTS:
            _fail(
                session,
                job,
                doc,
                "Processing stopped the worker several times (it may have run "
                "out of memory or crashed on this file). The file is kept; try again with "
                "fewer workers, or convert it to PDF and add it again.",
            )
            continue
        job.status = "processing"
        job.claimed_by = owner
        job.lease_expires = now + LEASE_SECONDS
        job.attempts += 1
        job.pages_done = 0
        doc.status = "processing"
        doc.error = None
        doc.updated_at = utcnow()
        return ClaimedJob(
            job.id,
            doc.id,
            doc.document_name,
            doc.sha256,
            doc.content_type,
            doc.pages,
            job.processor_type,
            job.attempts,
            bool(job.discard_corrections),
            job.target,
        )
    return None


def renew(session: Session, owner: str, job_ids: list[int]) -> None:
    if job_ids:
        session.execute(
            update(Job)
            .where(Job.id.in_(job_ids), Job.claimed_by == owner, Job.status == "processing")
            .values(lease_expires=time.time() + LEASE_SECONDS)
        )


def still_ours(session: Session, owner: str, job_id: int) -> bool:
    job = session.get(Job, job_id)
    return job is not None and job.status == "processing" and job.claimed_by == owner


def set_pages(session: Session, owner: str, job_id: int, pages: int | None, done: int) -> None:
    job = session.get(Job, job_id)
    if job is None or job.claimed_by != owner:
        return
    job.pages_done = done
    if pages is not None and job.document.pages != pages:
        job.document.pages = pages


def complete(session: Session, owner: str, job_id: int, result: dict[str, Any]) -> bool:
    """Store a result and mark the job and document completed, if the claim is still ours."""
    job = session.get(Job, job_id)
    if job is None or job.status != "processing" or job.claimed_by != owner:
        return False
    doc = job.document
    now = utcnow()
    existing = session.get(Result, doc.id)
    fields = dict(result["fields"])
    details = dict(result["field_details"])
    if existing is not None and not job.discard_corrections:
        for name, detail in (existing.field_details or {}).items():
            if detail.get("source") == "user":
                fields[name] = existing.fields.get(name)
                details[name] = detail
    warnings = list(result["warnings"]) + likely_duplicates(session, doc, fields)
    values = dict(
        processor_type=result["processor_type"],
        fields=fields,
        field_details=details,
        pages=result["pages"],
        warnings=warnings,
        routing=result.get("routing"),
        text=result["text"],
        engine_version=__version__,
        updated_at=now,
    )
    if existing is None:
        session.add(Result(document_id=doc.id, created_at=now, **values))
    else:
        for k, v in values.items():
            setattr(existing, k, v)
    job.status = "completed"
    job.finished_at = now
    job.pages_done = len(result["pages"])
    doc.status = "completed"
    doc.error = None
    doc.pages = len(result["pages"])
    doc.updated_at = now
    index_text(session, doc.id, doc.document_name, result["text"])
    return True


def likely_duplicates(session: Session, doc: Document, fields: dict[str, Any]) -> list[str]:
    """A warning when another document of the organization has the same vendor, number and
    total: the same invoice scanned twice, or sent again."""
    number = fields.get("invoice_number")
    if not number:
        return []
    rows = session.execute(
        select(Result.document_id, Result.fields, Document.document_name)
        .join(Document, Document.id == Result.document_id)
        .where(
            func.json_extract(Result.fields, "$.invoice_number") == number,
            Result.document_id != doc.id,
            Document.organization_id == doc.organization_id,
        )
        .limit(20)
    )
    out = []
    for _other_id, other, name in rows:
        if _same(other.get("vendor"), fields.get("vendor")) and other.get("total") == fields.get(
            "total"
        ):
            out.append(
                f"Likely a duplicate of '{name}': same vendor, invoice number {number} and total."
            )
    return out[:3]


def _same(a: Any, b: Any) -> bool:
    norm = lambda v: "".join(ch for ch in str(v or "").lower() if ch.isalnum())  # noqa: E731
    return norm(a) == norm(b)


def index_text(session: Session, document_id: str, name: str, text: str) -> None:
    conn = session.connection()
    conn.exec_driver_sql("DELETE FROM documents_fts WHERE document_id = ?", (document_id,))
    conn.exec_driver_sql(
        "INSERT INTO documents_fts (document_id, document_name, text) VALUES (?, ?, ?)",
        (document_id, name, text[:1_000_000]),
    )


def fail(session: Session, owner: str, job_id: int, message: str) -> bool:
    job = session.get(Job, job_id)
    if job is None or job.status != "processing" or job.claimed_by != owner:
        return False
    _fail(session, job, job.document, message)
    return True


def _fail(session: Session, job: Job, doc: Document, message: str) -> None:
    now = utcnow()
    job.status = "failed"
    job.finished_at = now
    doc.status = "failed"
    doc.error = message
    doc.updated_at = now


def release(session: Session, owner: str, job_id: int) -> None:
    """Give a claimed job back to the queue (the runner is stopping, or its worker crashed)."""
    job = session.get(Job, job_id)
    if job is None or job.claimed_by != owner or job.status != "processing":
        return
    job.status = "queued"
    job.claimed_by = None
    job.lease_expires = None
    job.document.status = "queued"
    job.document.updated_at = utcnow()


def cancel_document(session: Session, document_id: str) -> str | None:
    """Cancel a document's queued or running job; a finished document is left as it is."""
    doc = session.get(Document, document_id)
    if doc is None:
        return None
    if doc.status in ("queued", "processing"):
        now = utcnow()
        session.execute(
            update(Job)
            .where(Job.document_id == document_id, Job.status.in_(("queued", "processing")))
            .values(status="cancelled", finished_at=now)
        )
        doc.status = "cancelled"
        doc.error = "Cancelled by the user."
        doc.updated_at = now
    return doc.status


def cancel_all(session: Session, document_ids: set[str] | None = None) -> int:
    query = select(Document.id).where(Document.status.in_(("queued", "processing")))
    ids = [d for d in session.scalars(query) if document_ids is None or d in document_ids]
    for doc_id in ids:
        cancel_document(session, doc_id)
    return len(ids)


def cancelled_among(session: Session, job_ids: list[int]) -> set[int]:
    if not job_ids:
        return set()
    return set(
        session.scalars(select(Job.id).where(Job.id.in_(job_ids), Job.status != "processing"))
    )


def pending_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Job).where(Job.status == "queued")) or 0
