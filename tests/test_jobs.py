"""The job queue's claim and store: what a claim hands out, likely-duplicate warnings, and
query plans that search indexes (so neither slows down as the library grows)."""

from __future__ import annotations

import socket

import pytest

from docrouter_desktop.core import jobs
from tests import factories

OWNER = jobs.owner_id()
HOST = socket.gethostname()


def _queue(library, inbox, name: str, org: str | None = None, **invoice) -> str:
    pdf = factories.invoice_pdf(inbox / name, **invoice)
    return library.ingest_file(pdf, org).document_id


def _result(number: str | None, vendor: str = "Acme Widgets Ltd", total: float = 120.0) -> dict:
    return {
        "processor_type": "invoice",
        "fields": {"vendor": vendor, "invoice_number": number, "total": total},
        "field_details": {"total": {"confidence": 0.9, "source": "text"}},
        "pages": [{"number": 1}],
        "warnings": ["a warning of the processor"],
        "routing": None,
        "text": f"invoice {number}",
    }


def _process(library, result: dict) -> str:
    """Claim the next job and store ``result`` for it; the document's id."""
    with library.db.write() as s:
        claim = jobs.claim(s, OWNER)
    assert claim is not None
    with library.db.write() as s:
        assert jobs.complete(s, OWNER, claim.job_id, result)
    return claim.document_id


def _duplicate_warnings(library, document_id: str) -> list[str]:
    return [w for w in library.result(document_id).warnings if "Likely a duplicate" in w]


def test_a_claim_hands_out_the_oldest_job_with_its_document_and_marks_both(library, inbox):
    first = _queue(library, inbox, "first.pdf", number="A-1")
    _queue(library, inbox, "second.pdf", number="A-2")
    with library.db.write() as s:
        claim = jobs.claim(s, OWNER)
    doc = library.document(first)
    assert (claim.document_id, claim.document_name, claim.sha256) == (
        first,
        "first.pdf",
        doc.sha256,
    )
    assert (claim.content_type, claim.processor_type, claim.attempts) == (
        "application/pdf",
        library.settings().default_processor,
        0,  # no worker has died on it
    )
    assert doc.status == "processing"
    with library.db.write() as s:
        assert jobs.claim(s, OWNER).document_id != first  # never handed out twice
        assert jobs.claim(s, OWNER) is None


def test_a_claim_takes_back_the_job_of_a_runner_that_died(library, inbox):
    doc_id = _queue(library, inbox, "a.pdf")
    dead = f"{HOST}:999999999:0"  # no such process
    with library.db.write() as s:
        jobs.claim(s, dead)
    with library.db.write() as s:
        claim = jobs.claim(s, OWNER)
    # The run was killed as a whole: not the document's fault, so not an attempt.
    assert claim is not None and claim.document_id == doc_id and claim.attempts == 0


def test_runs_killed_or_stopped_again_and_again_never_fail_a_job(library, inbox):
    doc_id = _queue(library, inbox, "a.pdf")
    for n in range(jobs.MAX_ATTEMPTS + 2):
        with library.db.write() as s:
            jobs.claim(s, f"{HOST}:99999999{n}:0")  # each of these runners died
        with library.db.write() as s:
            claim = jobs.claim(s, OWNER)
            jobs.release(s, OWNER, claim.job_id)  # and this one was stopped by the user
    assert library.document(doc_id).status == "queued"


def test_a_job_whose_worker_died_too_often_fails_saying_so(library, inbox):
    doc_id = _queue(library, inbox, "a.pdf")
    requeued = []
    for _ in range(jobs.MAX_ATTEMPTS):
        with library.db.write() as s:
            claim = jobs.claim(s, OWNER)
            requeued.append(jobs.release(s, OWNER, claim.job_id, worker_died=True))
    assert requeued == [True] * (jobs.MAX_ATTEMPTS - 1) + [False]
    with library.db.write() as s:
        assert jobs.claim(s, OWNER) is None
    doc = library.document(doc_id)
    assert doc.status == "failed" and f"stopped {jobs.MAX_ATTEMPTS} times" in doc.error


def test_a_job_left_by_a_killed_run_is_taken_before_later_queued_ones(library, inbox):
    first = _queue(library, inbox, "a.pdf", number="K-1")
    for i in range(3):
        _queue(library, inbox, f"later{i}.pdf", number=f"K-{i + 2}")
    with library.db.write() as s:
        assert jobs.claim(s, f"{HOST}:999999998:0").document_id == first  # that run died
    with library.db.write() as s:
        assert jobs.claim(s, OWNER).document_id == first


def test_a_claim_keeps_to_the_documents_it_is_given(library, inbox):
    _queue(library, inbox, "a.pdf", number="A-1")
    wanted = _queue(library, inbox, "b.pdf", number="B-1")
    with library.db.write() as s:
        assert jobs.claim(s, OWNER, only_documents={wanted}).document_id == wanted


def test_the_same_invoice_stored_twice_is_flagged_naming_the_first(library, inbox):
    first = _queue(library, inbox, "first.pdf", number="D-1")
    _queue(library, inbox, "again.pdf", number="D-1", extra_pages=1)
    _process(library, _result("D-1"))
    second = _process(library, _result("D-1", vendor="ACME widgets ltd."))
    assert _duplicate_warnings(library, first) == []
    assert _duplicate_warnings(library, second) == [
        "Likely a duplicate of 'first.pdf': same vendor, invoice number D-1 and total."
    ]
    assert "a warning of the processor" in library.result(second).warnings


@pytest.mark.parametrize(
    "other",
    [
        _result("D-2"),  # another number
        _result("D-1", total=121.0),  # another total
        _result("D-1", vendor="Other Supplies GmbH"),  # another vendor
        _result(None),  # no number at all
    ],
)
def test_a_different_invoice_is_not_flagged(library, inbox, other):
    _queue(library, inbox, "first.pdf", number="D-1")
    _queue(library, inbox, "second.pdf", number="D-9")
    _process(library, _result("D-1"))
    assert _duplicate_warnings(library, _process(library, other)) == []


def test_the_same_invoice_in_another_organization_is_not_flagged(library, inbox):
    clients = library.create_organization("Clients")
    _queue(library, inbox, "first.pdf", number="D-1")
    _queue(library, inbox, "second.pdf", clients.id, number="D-1", extra_pages=1)
    _process(library, _result("D-1"))
    assert _duplicate_warnings(library, _process(library, _result("D-1"))) == []


def test_storing_again_keeps_the_users_corrections(library, inbox):
    doc_id = _queue(library, inbox, "a.pdf", number="C-1")
    _process(library, _result("C-1"))
    library.correct_fields(doc_id, {"total": 99.5})
    library.reprocess(doc_id, "invoice")
    _process(library, _result("C-1"))
    result = library.result(doc_id)
    assert result.fields["total"] == 99.5 and result.field_details["total"]["source"] == "user"
    library.reprocess(doc_id, "invoice", discard_corrections=True)
    _process(library, _result("C-1"))
    assert library.result(doc_id).fields["total"] == 120.0


def test_the_queues_hot_queries_search_indexes_and_never_scan_a_table(library):
    plans = {}
    with library.db.read() as s:
        for name, (sql, params) in jobs.query_plans().items():
            rows = s.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)
            plans[name] = [r[3] for r in rows]
    assert {"duplicate check", "claim"} <= set(plans)
    for name, plan in plans.items():
        assert not [step for step in plan if step.startswith("SCAN")], (name, plan)
    assert plans["duplicate check"][0].startswith(
        "SEARCH results USING INDEX ix_results_invoice_number"
    ), plans["duplicate check"]
