"""Jobs in and out of the queue: queued, claimed atomically by one runner (inside a ``BEGIN
IMMEDIATE`` transaction, so two processes never claim the same one), renewed, given back,
cancelled, failed."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from docrouter_desktop.core.jobs.owners import LEASE_SECONDS, owner_alive
from docrouter_desktop.core.storage.models import Document, Job, utcnow

# A job's ``attempts`` counts the worker processes that died while reading its document (not
# its claims: a run the user stopped, or one killed as a whole, gives its jobs back uncharged).
MAX_ATTEMPTS = 3

TERMINAL = ("completed", "failed", "cancelled")


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
RUNNABLE_SQL = (
    "SELECT id, document_id, status, attempts, claimed_by, processor_type, "
    "discard_corrections, target FROM jobs WHERE target = ? AND (status = 'queued' OR "
    "(status = 'processing' AND lease_expires < ?)) ORDER BY id LIMIT 50"
)

HELD_BY_OTHERS_SQL = (
    "SELECT id, document_id, status, attempts, claimed_by, processor_type, "
    "discard_corrections, target FROM jobs WHERE target = ? AND status = 'processing' "
    "AND claimed_by != ? ORDER BY id LIMIT 50"
)

_TAKE_JOB = (
    "UPDATE jobs SET status = 'processing', claimed_by = ?, lease_expires = ?, "
    "pages_done = 0 WHERE id = ? AND status = ? AND attempts = ?"
)

_TAKE_DOCUMENT = (
    "UPDATE documents SET status = 'processing', error = NULL, updated_at = ? WHERE id = ? "
    "RETURNING document_name, sha256, content_type, pages"
)

GAVE_UP = (
    f"The worker process reading this file stopped {MAX_ATTEMPTS} times (it was killed, ran "
    "out of memory or crashed on this file). The file is kept; try again with fewer workers "
    "(`docrouter-desktop retry --workers 1`), or convert it to PDF and add it again."
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
    rows = list(conn.exec_driver_sql(RUNNABLE_SQL, (target, now)).all())
    others = conn.exec_driver_sql(HELD_BY_OTHERS_SQL, (target, owner)).all()
    if others:
        alive: dict[str, bool] = {}
        for row in others:
            who = row.claimed_by or ""
            if who not in alive:
                alive[who] = owner_alive(who)
            if not alive[who]:
                rows.append(row)
        rows.sort(key=lambda r: r.id)  # a job left by a killed run is next in line, not last
    for row in rows:
        if only_documents is not None and row.document_id not in only_documents:
            continue
        if row.attempts >= MAX_ATTEMPTS:
            _fail_ids(session, row.id, row.document_id, GAVE_UP)
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
            row.attempts,
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


def release(session: Session, owner: str, job_id: int, worker_died: bool = False) -> bool:
    """Give a claimed job back to the queue: the runner is stopping, or the pool broke. When
    the worker that died was reading this job's document (``worker_died``) that counts as an
    attempt, and the job fails after MAX_ATTEMPTS; returns whether it was queued again."""
    job = session.get(Job, job_id)
    if job is None or job.claimed_by != owner or job.status != "processing":
        return False
    if worker_died:
        job.attempts = (job.attempts or 0) + 1
        if job.attempts >= MAX_ATTEMPTS:
            _fail(session, job, job.document, GAVE_UP)
            return False
    job.status = "queued"
    job.claimed_by = None
    job.lease_expires = None
    job.document.status = "queued"
    job.document.updated_at = utcnow()
    return True


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
