"""The workspace summary: its totals, review count and failure reasons equal what the
results and documents say, summed in Python; and a 100,000-document library is summed."""

from __future__ import annotations

import json
from collections import defaultdict
from itertools import count

import pytest

from docrouter_desktop.core.review_queue import fields_to_review
from docrouter_desktop.core.runner import Runner
from docrouter_desktop.core.summary import (
    OTHER,
    TOP_VENDORS,
    UNKNOWN,
    failure_reason,
    workspace_summary,
)
from tests import factories

_serial = count()
NOW = "2024-06-01T00:00:00.000000+00:00"


def add_documents(library, docs: list[dict], org_id: str | None = None) -> list[str]:
    """Documents written straight into the database, as processing leaves them: each a dict
    of ``fields`` (None: no result), ``details`` (field_details), ``status``, ``error``,
    ``processor``."""
    org = org_id or library.default_org_id()
    rows, results, ids = [], [], []
    for d in docs:
        i = next(_serial)
        doc_id = f"doc_sum{i:08d}"
        ids.append(doc_id)
        processor = d.get("processor", "receipt")
        rows.append(
            (doc_id, org, f"file-{i}.pdf", f"{i:064x}", 100, "application/pdf", 1,
             processor, d.get("status", "completed"), d.get("error"), "[]", NOW, NOW)
        )  # fmt: skip
        if d.get("fields") is not None:
            results.append(
                (doc_id, processor, json.dumps(d["fields"]), json.dumps(d.get("details", {})),
                 "[]", "[]", None, "", "test", NOW, NOW)
            )  # fmt: skip
    with library.db.write() as s:
        c = s.connection()
        c.exec_driver_sql(
            "INSERT INTO documents (id, organization_id, document_name, sha256, size, "
            "content_type, pages, processor_type, status, error, tags, created_at, updated_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
        if results:
            c.exec_driver_sql(
                "INSERT INTO results (document_id, processor_type, fields, field_details, "
                "pages, warnings, routing, text, engine_version, created_at, updated_at) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                results,
            )
    return ids


def receipt(vendor, date, total, currency, details=None, **kw) -> dict:
    fields = {"vendor": vendor, "date": date, "total": total, "currency": currency}
    return {"fields": fields, "details": details or {}, **kw}


def low(confidence=0.3, source="ocr") -> dict:
    return {"confidence": confidence, "source": source, "page": 1}


DAMAGED = "The PDF is damaged or incomplete and cannot be read ({}). Get a fresh copy."
SLOW = "OCR took longer than {} s on one page and was stopped."


def mixed_workspace(library) -> list[str]:
    """Several vendors, months and two currencies (and some with none), values that are not
    numbers, flagged fields (some the user's), failed documents of two kinds."""
    docs = [
        receipt("Acme", "2024-01-15", 10.5, "EUR", {"total": low()}),
        receipt("Acme", "2024-01-20", 4.5, "EUR"),
        receipt("Acme", "2024-02-01", 100, "EUR", {"vendor": low(0.5, "user")}),
        receipt("Bolt", "2024-02-11", 20.25, "EUR", {"date": low(0.79)}),
        receipt("Bolt", "2024-02-12", "12,50", "EUR"),  # a total that is not a number
        receipt("Corner Shop", "2024-03-03", 7.0, "USD", {"total": low(0.1)}, processor="invoice"),
        receipt("Corner Shop", "2023-12-31", 3.0, "USD"),
        receipt(" Delta ", None, 9.99, "USD"),  # no date; the vendor's spaces trimmed
        receipt(None, "2024-03-09", 1.0, None, {"total": low(0.85)}),  # no vendor, no currency
        receipt("Echo", "not a date", 2.0, ""),
        receipt("Echo", "2024-13-01", 5.0, "EUR", {"vendor": {"confidence": None}}),
        # a flagged field without a value does not count
        {"fields": {"vendor": "Foxtrot", "date": "2024-01-02", "total": 8.0, "currency": "EUR",
                    "tax": None}, "details": {"tax": low()}},
        {"fields": None, "status": "queued"},
        {"fields": None, "status": "failed", "error": DAMAGED.format("xref at 1234 of a.pdf")},
        {"fields": None, "status": "failed", "error": DAMAGED.format("startxref 99 missing")},
        {"fields": None, "status": "failed", "error": DAMAGED.format("/tmp/in/b 2.pdf: EOF")},
        {"fields": None, "status": "failed", "error": SLOW.format(60)},
        {"fields": None, "status": "failed", "error": SLOW.format(300)},
        # a result of a document that failed when processed again: not in the totals
        receipt("Ghost", "2024-01-01", 1000.0, "EUR", status="failed", error=SLOW.format(5)),
    ]  # fmt: skip
    return add_documents(library, docs)


def python_totals(library, org_id: str):
    """Totals by (month, currency) and (vendor, currency) from each completed document's
    result, as read by ``library.result``."""
    docs, _ = library.documents(org_id=org_id, status="completed")
    months: dict = defaultdict(lambda: [0.0, 0])
    vendors: dict = defaultdict(lambda: [0.0, 0])
    for doc in docs:
        fields = library.result(doc.id).fields
        cur = fields.get("currency")
        cur = cur.strip() if isinstance(cur, str) and cur.strip() else UNKNOWN
        day = fields.get("date")
        month = UNKNOWN
        if isinstance(day, str) and len(day) >= 7 and day[:4].isdigit() and day[4] == "-":
            if day[5:7].isdigit() and 1 <= int(day[5:7]) <= 12:
                month = day[:7]
        vendor = fields.get("vendor")
        vendor = vendor.strip() if isinstance(vendor, str) and vendor.strip() else UNKNOWN
        total = fields.get("total")
        amount = float(total) if isinstance(total, int | float) else 0.0
        for table, key in ((months, (month, cur)), (vendors, (vendor, cur))):
            table[key][0] += amount
            table[key][1] += 1
    return months, vendors


def assert_totals_match(library, summary) -> None:
    months, vendors = python_totals(library, summary.org_id)
    got = {(m.month, m.currency): [m.total, m.documents] for m in summary.months}
    assert got.keys() == months.keys()
    for key, (total, n) in months.items():
        assert got[key][0] == pytest.approx(total) and got[key][1] == n, key
    assert all(not v.other for v in summary.vendors)  # fewer than TOP_VENDORS each
    got = {(v.vendor, v.currency): [v.total, v.documents] for v in summary.vendors}
    assert got.keys() == vendors.keys()
    for key, (total, n) in vendors.items():
        assert got[key][0] == pytest.approx(total) and got[key][1] == n, key


def test_totals_equal_the_results_summed_in_python(library, inbox):
    # Two real invoices, read by the processor, besides the ones written directly.
    factories.invoice_pdf(inbox / "a.pdf", vendor="Northwind Traders", date="15/03/2024",
                          total=120.0, tax=20.0, currency="EUR")  # fmt: skip
    factories.invoice_pdf(inbox / "b.pdf", vendor="Globex Corporation", date="02/04/2024",
                          total=250.0, tax=50.0, currency="USD")  # fmt: skip
    for name in ("a.pdf", "b.pdf"):
        library.ingest_file(inbox / name, processor_type="invoice")
    Runner(library, workers=0).run_until_idle()
    mixed_workspace(library)
    other = library.create_organization("Elsewhere")
    add_documents(library, [receipt("Acme", "2024-01-15", 999.0, "EUR")], other.id)

    s = workspace_summary(library)

    assert_totals_match(library, s)
    assert s.org_id == library.default_org_id()
    real = [m for m in s.months if m.month in ("2024-03", "2024-04") and m.currency != UNKNOWN]
    assert {(m.month, m.currency, m.total) for m in real} >= {
        ("2024-03", "EUR", 120.0),
        ("2024-04", "USD", 250.0),
    }
    eur = {m.month: m for m in s.months if m.currency == "EUR"}
    assert eur["2024-01"].total == pytest.approx(10.5 + 4.5 + 8.0)  # not the other workspace's
    assert eur["2024-01"].documents == 3
    assert eur["2024-02"].total == pytest.approx(120.25) and eur["2024-02"].documents == 3
    assert eur[UNKNOWN].documents == 1  # "2024-13-01" is no month
    assert s.currencies[-1] == UNKNOWN and set(s.currencies) == {"EUR", "USD", UNKNOWN}
    assert s.by_status == (("completed", 14), ("failed", 6), ("queued", 1))
    assert s.documents == 21 and s.failed == 6
    assert s.currency_total("USD") == pytest.approx(250.0 + 7.0 + 3.0 + 9.99)
    assert ("Delta", "USD") in {(v.vendor, v.currency) for v in s.vendors}

    elsewhere = workspace_summary(library, other.id)
    assert elsewhere.documents == 1 and elsewhere.currency_total("EUR") == 999.0


def test_needing_review_agrees_with_the_review_queue(library):
    mixed_workspace(library)
    org = library.default_org_id()
    completed = [d.id for d in library.documents(org_id=org, status="completed")[0]]
    for threshold in (0.8, 0.5, 0.9, 0.0):
        s = workspace_summary(library, threshold=threshold)
        flagged = fields_to_review(library, completed, threshold)
        by_processor: dict[str, int] = defaultdict(int)
        for doc_id in flagged:
            by_processor[library.result(doc_id).processor_type] += 1
        assert s.needing_review == len(flagged), threshold
        assert dict(s.review_by_processor) == by_processor
    # Below 0.8: the total of 0.3, the date of 0.79, the total of 0.1 (an invoice); not the
    # user's vendor, nor the tax without a value, nor the field of 0.85.
    s = workspace_summary(library)
    assert s.threshold == library.settings().confidence_threshold == 0.8
    assert s.review_by_processor == (("receipt", 2), ("invoice", 1))
    assert workspace_summary(library, threshold=0.9).needing_review == 4


def test_top_vendors_per_currency_and_the_others_together(library):
    docs = [receipt(f"Vendor {i:02d}", "2024-05-01", float(i + 1), "EUR") for i in range(14)]
    docs += [receipt("Vendor 00", "2024-05-02", 0.5, "EUR")]
    docs += [receipt("Solo", "2024-05-01", 3.0, "GBP")]
    add_documents(library, docs)
    s = workspace_summary(library)
    eur = [v for v in s.vendors if v.currency == "EUR"]
    assert len(eur) == TOP_VENDORS + 1
    assert [v.vendor for v in eur[:TOP_VENDORS]] == [f"Vendor {i:02d}" for i in range(13, 3, -1)]
    other = eur[-1]
    assert other.other and other.vendor == OTHER
    assert other.total == pytest.approx(1 + 2 + 3 + 4 + 0.5) and other.documents == 5
    assert [(v.vendor, v.total, v.other) for v in s.vendors if v.currency == "GBP"] == [
        ("Solo", 3.0, False)
    ]


def test_failures_grouped_by_reason(library, inbox):
    mixed_workspace(library)
    # Real failures too: a cut-off PDF, read by the processor.
    good = factories.invoice_pdf(inbox / "good.pdf")
    library.ingest_file(factories.truncated_pdf(inbox / "cut-1.pdf", good))
    (inbox / "cut-2.pdf").write_bytes(good.read_bytes()[:-40])  # another length
    library.ingest_file(inbox / "cut-2.pdf")
    Runner(library, workers=0).run_until_idle()
    failed = library.documents(org_id=library.default_org_id(), status="failed")[0]
    assert len(failed) == 8
    s = workspace_summary(library)
    reasons = {f.reason: f.documents for f in s.failures}
    assert sum(reasons.values()) == s.failed == 8
    assert reasons["The PDF is damaged or incomplete and cannot be read"] == 5
    assert reasons["OCR took longer than N s on one page and was stopped"] == 3
    assert s.failures[0].documents == 5 and s.failures[0].example.startswith("The PDF")


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        ("The PDF is password-protected. Open it with its password.", "The PDF is password-protected"),
        ("Page 3 does not exist (the image has 2).", "Page N does not exist"),
        ("Not added: [Errno 13] Permission denied: '/home/me/a b.pdf'", "Not added: Permission denied"),
        ("Cannot read scan-0001.tiff: bad header", "Cannot read …: bad header"),
        ("Stopped: more than the memory limit of 1024 MB a worker. If it is", "Stopped: more than the memory limit of N MB a worker"),
        ("", "No error message"),
        (None, "No error message"),
        ("x" * 200, "X" + "x" * 88 + "…"),
    ],
)  # fmt: skip
def test_failure_reason(error, reason):
    assert failure_reason(error) == reason


def test_many_reasons_keep_the_top_ones_and_the_others_together(library):
    add_documents(
        library,
        [{"fields": None, "status": "failed", "error": f"Reason {chr(65 + i)} happened."}
         for i in range(13) for _ in range(i + 1)],
    )  # fmt: skip
    s = workspace_summary(library)
    assert len(s.failures) == 11 and s.failures[-1].other
    assert [f.documents for f in s.failures[:10]] == list(range(13, 3, -1))
    assert s.failures[-1].documents == 1 + 2 + 3


def test_an_empty_workspace(library):
    s = workspace_summary(library)
    assert s.is_empty and s.documents == 0 and s.needing_review == 0
    assert s.months == s.vendors == s.failures == () and s.currencies == ()


def test_hundred_thousand_documents(library):
    n = 100_000
    currencies = ("EUR", "USD", None)
    expected_months: dict = defaultdict(lambda: [0.0, 0])
    expected_vendor: dict = defaultdict(float)
    docs, flagged, failed = [], 0, 0
    for i in range(n):
        if i % 25 == 0:
            docs.append({"fields": None, "status": "failed", "error": SLOW.format(i)})
            failed += 1
            continue
        cur = currencies[i % 3]
        month = f"{2020 + i % 4}-{i % 12 + 1:02d}"
        total = round((i % 1000) * 0.37, 2)
        conf = (i % 10) / 10
        docs.append(receipt(f"V{i % 300}", f"{month}-07", total, cur, {"total": low(conf)}))
        flagged += conf < 0.8
        key = cur or UNKNOWN
        expected_months[(month, key)][0] += total
        expected_months[(month, key)][1] += 1
        expected_vendor[(f"V{i % 300}", key)] += total
    add_documents(library, docs)

    s = workspace_summary(library)

    assert s.documents == n and s.failed == failed
    assert s.needing_review == flagged
    assert [(f.reason, f.documents) for f in s.failures] == [
        ("OCR took longer than N s on one page and was stopped", failed)
    ]
    got = {(m.month, m.currency): (m.total, m.documents) for m in s.months}
    assert got.keys() == expected_months.keys()
    for key, (total, docs_n) in expected_months.items():
        assert got[key] == (pytest.approx(total), docs_n)
    for cur in ("EUR", "USD", UNKNOWN):
        ranked = sorted(((t, v) for (v, c), t in expected_vendor.items() if c == cur), reverse=True)
        vendors = [v for v in s.vendors if v.currency == cur]
        assert [v.total for v in vendors[:TOP_VENDORS]] == pytest.approx(
            [t for t, _ in ranked[:TOP_VENDORS]]
        )
        assert vendors[-1].other
        assert vendors[-1].total == pytest.approx(sum(t for t, _ in ranked[TOP_VENDORS:]))
        assert sum(v.documents for v in vendors) == sum(
            m.documents for m in s.months if m.currency == cur
        )
