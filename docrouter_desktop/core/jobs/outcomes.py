"""A finished job stored exactly once: the result written only while the claim is still
the runner's (in the same transaction), the vendor recognised from memory, the user's
corrections kept, likely duplicates noted, the text indexed for search."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from docrouter_desktop import __version__
from docrouter_desktop.core import vendor_memory
from docrouter_desktop.core.fields import set_at, value_at
from docrouter_desktop.core.jobs.claims import HELD_BY_OTHERS_SQL, RUNNABLE_SQL
from docrouter_desktop.core.jobs.text_index import index_text
from docrouter_desktop.core.storage.models import utcnow

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
    vendor_memory.recognise(conn, row.organization_id, fields, details)
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
                for part, part_detail in (detail.get("parts") or {}).items():
                    if part_detail.get("source") == "user":  # a group's corrected part
                        path = f"{name}.{part}"
                        set_at(fields, details, path, value_at(old_fields, path), part_detail)
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
        "claim": (RUNNABLE_SQL, ("local", 0.0)),
        "claim (jobs of other runners)": (HELD_BY_OTHERS_SQL, ("local", "host:1:0")),
        "stored result's job": (_CLAIMED_JOB, (1,)),
    }


def _same(a: Any, b: Any) -> bool:
    norm = lambda v: "".join(ch for ch in str(v or "").lower() if ch.isalnum())  # noqa: E731
    return norm(a) == norm(b)
