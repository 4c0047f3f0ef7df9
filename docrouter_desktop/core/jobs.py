"""The job queue, persisted in the library: enqueue, claim atomically, finish exactly once.

A runner claims a job inside a ``BEGIN IMMEDIATE`` transaction, so two processes never claim
the same one. A claim carries the owner (host, pid, start time) and a lease that the owner
renews; a job whose owner died (its pid is gone, or its lease ran out) is claimed again.
Finishing checks the claim is still ours in the same transaction that stores the result, so a
document's result is written once even if a stale runner wakes up late.
"""

from __future__ import annotations

import json
import os
import socket
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from docrouter_desktop import __version__
from docrouter_desktop.core.storage.models import Document, Job, utcnow

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


def enqueue_new(
    session: Session, document_id: str, processor_type: str, target: str, now: str
) -> None:
    """Queue a document just added (it has no job yet): one plain INSERT."""
    session.connection().exec_driver_sql(
        "INSERT INTO jobs (document_id, processor_type, target, discard_corrections, status, "
        "attempts, pages_done, created_at) VALUES (?, ?, ?, 0, 'queued', 0, 0, ?)",
        (document_id, processor_type, target, now),
    )


# The claim's statements, as plain SQL: a claim runs for every job (and finds nothing most of
# the time when the queue is empty), so it skips building statements through the ORM.
_RUNNABLE = (
    "SELECT id, document_id, status, attempts, claimed_by, processor_type, "
    "discard_corrections, target FROM jobs WHERE target = ? AND (status = 'queued' OR "
    "(status = 'processing' AND lease_expires < ?)) ORDER BY id LIMIT 50"
)
_HELD_BY_OTHERS = (
    "SELECT id, document_id, status, attempts, claimed_by, processor_type, "
    "discard_corrections, target FROM jobs WHERE target = ? AND status = 'processing' "
    "AND claimed_by != ? ORDER BY id LIMIT 50"
)
_TAKE_JOB = (
    "UPDATE jobs SET status = 'processing', claimed_by = ?, lease_expires = ?, "
    "attempts = attempts + 1, pages_done = 0 WHERE id = ? AND status = ? AND attempts = ?"
)
_TAKE_DOCUMENT = (
    "UPDATE documents SET status = 'processing', error = NULL, updated_at = ? WHERE id = ? "
    "RETURNING document_name, sha256, content_type, pages"
)
_GAVE_UP = (
    "Processing stopped the worker several times (it may have run out of memory or crashed "
    "on this file). The file is kept; try again with fewer workers, or convert it to PDF and "
    "add it again."
)


def claim(
    session: Session,
    owner: str,
    only_documents: set[str] | None = None,
    target: str = "local",
) -> ClaimedJob | None:
    """Claim the oldest runnable job for this target (call inside a write transaction):
    ``local`` for the worker pool, ``remote:NAME:ORG`` for a remote server's workspace.

    Cheap whatever the library holds: the candidates are a few columns of the jobs table
    (indexed by status; no documents, no ORM objects), and the one claimed is updated in
    place, its document's few columns coming back from the same UPDATE."""
    now = time.time()
    conn = session.connection()
    rows = conn.exec_driver_sql(_RUNNABLE, (target, now)).all()
    others = conn.exec_driver_sql(_HELD_BY_OTHERS, (target, owner)).all()
    if others:
        alive: dict[str, bool] = {}
        for row in others:
            who = row.claimed_by or ""
            if who not in alive:
                alive[who] = _owner_alive(who)
            if not alive[who]:
                rows.append(row)
    for row in rows:
        if only_documents is not None and row.document_id not in only_documents:
            continue
        if row.attempts >= MAX_ATTEMPTS:
            _fail_ids(session, row.id, row.document_id, _GAVE_UP)
            continue
        taken = conn.exec_driver_sql(
            _TAKE_JOB, (owner, now + LEASE_SECONDS, row.id, row.status, row.attempts)
        )
        if taken.rowcount != 1:
            continue
        doc = conn.exec_driver_sql(_TAKE_DOCUMENT, (utcnow(), row.document_id)).one()
        return ClaimedJob(
            row.id,
            row.document_id,
            doc.document_name,
            doc.sha256,
            doc.content_type,
            doc.pages,
            row.processor_type,
            row.attempts + 1,
            bool(row.discard_corrections),
            row.target,
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
    """Record a claimed job's progress and, when known, its document's page count. Plain SQL:
    it runs in the runner's thread while the workers wait for their next chunk."""
    conn = session.connection()
    claimed = conn.exec_driver_sql(
        "UPDATE jobs SET pages_done = ? WHERE id = ? AND claimed_by = ? RETURNING document_id",
        (done, job_id, owner),
    ).first()
    if claimed is not None and pages is not None:
        conn.exec_driver_sql(
            "UPDATE documents SET pages = ? WHERE id = ? AND pages IS NOT ?",
            (pages, claimed.document_id, pages),
        )


_CLAIMED_JOB = (
    "SELECT jobs.status, jobs.claimed_by, jobs.discard_corrections, documents.id, "
    "documents.organization_id, documents.document_name FROM jobs "
    "JOIN documents ON documents.id = jobs.document_id WHERE jobs.id = ?"
)
_STORE_RESULT = (
    "INSERT INTO results (document_id, processor_type, fields, field_details, pages, warnings, "
    "routing, text, engine_version, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (document_id) DO UPDATE SET processor_type = excluded.processor_type, "
    "fields = excluded.fields, field_details = excluded.field_details, pages = excluded.pages, "
    "warnings = excluded.warnings, routing = excluded.routing, text = excluded.text, "
    "engine_version = excluded.engine_version, updated_at = excluded.updated_at, verified = 0"
)


def complete(session: Session, owner: str, job_id: int, result: dict[str, Any]) -> bool:
    """Store a result and mark the job and document completed, if the claim is still ours.

    Plain SQL over the session's connection: it runs once per document, in the process that
    also claims the jobs, and the ORM's unit of work cost several times the statements."""
    conn = session.connection()
    row = conn.exec_driver_sql(_CLAIMED_JOB, (job_id,)).first()
    if row is None or row.status != "processing" or row.claimed_by != owner:
        return False
    document_id = row.id
    now = utcnow()
    fields = dict(result["fields"])
    details = dict(result["field_details"])
    if not row.discard_corrections:
        before = conn.exec_driver_sql(
            "SELECT fields, field_details FROM results WHERE document_id = ?", (document_id,)
        ).first()
        if before is not None:
            old_fields = json.loads(before.fields) or {}
            for name, detail in (json.loads(before.field_details) or {}).items():
                if detail.get("source") == "user":
                    fields[name] = old_fields.get(name)
                    details[name] = detail
    warnings = list(result["warnings"]) + likely_duplicates(
        session, document_id, row.organization_id, fields
    )
    conn.exec_driver_sql(
        _STORE_RESULT,
        (
            document_id,
            result["processor_type"],
            json.dumps(fields),
            json.dumps(details),
            json.dumps(result["pages"]),
            json.dumps(warnings),
            result.get("routing"),
            result["text"],
            __version__,
            now,
            now,
        ),
    )
    pages = len(result["pages"])
    conn.exec_driver_sql(
        "UPDATE jobs SET status = 'completed', finished_at = ?, pages_done = ? WHERE id = ?",
        (now, pages, job_id),
    )
    conn.exec_driver_sql(
        "UPDATE documents SET status = 'completed', error = NULL, pages = ?, updated_at = ? "
        "WHERE id = ?",
        (pages, now, document_id),
    )
    index_text(session, document_id, row.document_name, result["text"])
    return True


# The indexed expression of ``ix_results_invoice_number`` (migration 0001), written out: SQLite
# uses an expression index only for the very same expression, and the same JSON path passed as
# a bound parameter is not the same, so the check would read every result of the library.
_SAME_NUMBER = (
    "SELECT results.fields, documents.document_name FROM results "
    "JOIN documents ON documents.id = results.document_id "
    "WHERE json_extract(results.fields, '$.invoice_number') = ? "
    "AND results.document_id != ? AND documents.organization_id = ? LIMIT 20"
)


def likely_duplicates(
    session: Session, document_id: str, organization_id: str, fields: dict[str, Any]
) -> list[str]:
    """A warning when another document of the organization has the same vendor, number and
    total: the same invoice scanned twice, or sent again. A search of the invoice-number
    index, however large the library."""
    number = fields.get("invoice_number")
    if not number:
        return []
    rows = session.connection().exec_driver_sql(
        _SAME_NUMBER, (number, document_id, organization_id)
    )
    out = []
    for other_fields, name in rows:
        other = json.loads(other_fields) or {}
        if _same(other.get("vendor"), fields.get("vendor")) and other.get("total") == fields.get(
            "total"
        ):
            out.append(
                f"Likely a duplicate of '{name}': same vendor, invoice number {number} and total."
            )
    return out[:3]


def query_plans() -> dict[str, tuple[str, tuple]]:
    """The hot queries of the queue with sample parameters, for ``EXPLAIN QUERY PLAN`` (the
    tests and ``bench/job_queue.py`` check that each searches an index)."""
    return {
        "duplicate check": (_SAME_NUMBER, ("INV-1", "doc_x", "org_x")),
        "claim": (_RUNNABLE, ("local", 0.0)),
        "claim (jobs of other runners)": (_HELD_BY_OTHERS, ("local", "host:1:0")),
        "stored result's job": (_CLAIMED_JOB, (1,)),
    }


def _same(a: Any, b: Any) -> bool:
    norm = lambda v: "".join(ch for ch in str(v or "").lower() if ch.isalnum())  # noqa: E731
    return norm(a) == norm(b)


def index_text(session: Session, document_id: str, name: str, text: str) -> None:
    """Put a document's name and text in the full-text index, in place of what was there.
    Its row is found by the rowid kept on the document: the index's document id column is
    not indexed, and a search by it would read the whole index."""
    conn = session.connection()
    rowid = conn.exec_driver_sql(
        "SELECT fts_rowid FROM documents WHERE id = ?", (document_id,)
    ).scalar()
    if rowid is not None:
        conn.exec_driver_sql("DELETE FROM documents_fts WHERE rowid = ?", (rowid,))
    inserted = conn.exec_driver_sql(
        "INSERT INTO documents_fts (rowid, document_id, document_name, text) VALUES (?, ?, ?, ?)",
        (rowid, document_id, name, text[:1_000_000]),
    )
    if rowid is None:
        conn.exec_driver_sql(
            "UPDATE documents SET fts_rowid = ? WHERE id = ?", (inserted.lastrowid, document_id)
        )


def fail(session: Session, owner: str, job_id: int, message: str) -> bool:
    job = session.get(Job, job_id)
    if job is None or job.status != "processing" or job.claimed_by != owner:
        return False
    _fail(session, job, job.document, message)
    return True


def _fail_ids(session: Session, job_id: int, document_id: str, message: str) -> None:
    now = utcnow()
    session.execute(update(Job).where(Job.id == job_id).values(status="failed", finished_at=now))
    session.execute(
        update(Document)
        .where(Document.id == document_id)
        .values(status="failed", error=message, updated_at=now)
    )


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


def cancel_all(
    session: Session, document_ids: set[str] | None = None, org_id: str | None = None
) -> int:
    """Cancel the queued or running documents among ``document_ids`` (all when None), only in
    organization ``org_id`` when given."""
    query = select(Document.id).where(Document.status.in_(("queued", "processing")))
    if org_id is not None:
        query = query.where(Document.organization_id == org_id)
    ids = [d for d in session.scalars(query) if document_ids is None or d in document_ids]
    for doc_id in ids:
        cancel_document(session, doc_id)
    return len(ids)


def cancelled_among(session: Session, job_ids: list[int]) -> set[int]:
    """Which of these claimed jobs were cancelled (or taken away) meanwhile. Plain SQL: the
    runner asks several times a second while documents are in progress."""
    if not job_ids:
        return set()
    marks = ", ".join("?" * len(job_ids))
    rows = session.connection().exec_driver_sql(
        f"SELECT id FROM jobs WHERE id IN ({marks}) AND status != 'processing'", tuple(job_ids)
    )
    return {row[0] for row in rows}


def pending_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Job).where(Job.status == "queued")) or 0
