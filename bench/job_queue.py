"""CPU cost of the job queue's two hot writes, claiming a job and storing its result, in a big
library.

Fills a fresh library with ``--library-size`` completed invoices in one organization (rows
written directly, a few seconds), queues ``--jobs`` more, then claims each one and stores a
real invoice result for it (one processed through the engine at the start, given a new
invoice number each time, and every tenth one the number and total of an existing invoice so
the duplicate check finds something). Prints the CPU time per claim and per stored result
(``time.process_time``, so other load on the machine does not count), and the query plans of
the duplicate check and of the claim, which must search indexes, never scan a table.

    python bench/job_queue.py [--library-size 100000] [--jobs 300]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from docrouter_desktop.core import jobs  # noqa: E402
from docrouter_desktop.core.batch import Batch  # noqa: E402
from docrouter_desktop.core.library import Library  # noqa: E402
from tests import factories  # noqa: E402


def fill(db_path: Path, org: str, count: int, fields: dict) -> None:
    """``count`` completed documents with results, straight into SQLite."""
    now = "2026-01-01T00:00:00.000+00:00"
    conn = sqlite3.connect(db_path)
    with conn:
        conn.executemany(
            "INSERT INTO documents (id, organization_id, document_name, source_path, sha256, "
            "size, content_type, pages, processor_type, status, error, tags, created_at, "
            "updated_at) VALUES (?, ?, ?, NULL, ?, 1000, 'application/pdf', 1, 'invoice', "
            "'completed', NULL, '[]', ?, ?)",
            ((f"doc_fill{i:08d}", org, f"old{i}.pdf", f"{i:064x}", now, now) for i in range(count)),
        )
        conn.executemany(
            "INSERT INTO results (document_id, processor_type, fields, field_details, pages, "
            "warnings, routing, text, engine_version, created_at, updated_at) VALUES "
            "(?, 'invoice', ?, '{}', '[]', '[]', NULL, '', 'x', ?, ?)",
            (
                (
                    f"doc_fill{i:08d}",
                    json.dumps(dict(fields, invoice_number=f"OLD-{i}", total=float(i))),
                    now,
                    now,
                )
                for i in range(count)
            ),
        )
    conn.close()


def plans(library: Library) -> list[tuple[str, list[str]]]:
    out = []
    if not hasattr(jobs, "query_plans"):
        return out
    with library.db.read() as s:
        for name, (sql, params) in jobs.query_plans().items():
            rows = s.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params)
            out.append((name, [r[3] for r in rows]))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--library-size", type=int, default=100_000)
    ap.add_argument("--jobs", type=int, default=300)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        library = Library(root / "library")
        org = library.default_org_id()
        # One real result, from the engine.
        pdf = factories.invoice_pdf(root / "seed.pdf", number="SEED-1")
        batch = Batch(library, workers=0, processor_type="invoice")
        batch.add(batch.find([str(pdf)]))
        batch.run()
        seed = library.result(batch.outcomes[0].document_id)
        template = {
            "processor_type": seed.processor_type,
            "fields": seed.fields,
            "field_details": seed.field_details,
            "pages": seed.pages,
            "warnings": [],
            "routing": seed.routing,
            "text": seed.text,
        }
        started = time.perf_counter()
        fill(library.db.path, org, args.library_size, seed.fields)
        print(
            f"library: {args.library_size} results written in {time.perf_counter() - started:.1f} s"
        )
        for i in range(args.jobs):
            library.ingest_file(factories.invoice_pdf(root / f"q{i}.pdf", number=f"Q-{i}"), org)
        owner = jobs.owner_id()
        claim_cpu, store_cpu, flagged = [], [], 0
        for i in range(args.jobs):
            t = time.process_time()
            with library.db.write() as s:
                claim = jobs.claim(s, owner)
            claim_cpu.append(time.process_time() - t)
            assert claim is not None
            result = dict(template, fields=dict(template["fields"]))
            if i % 10 == 0:  # the same invoice as one already stored
                j = i * 7 % args.library_size
                result["fields"].update(invoice_number=f"OLD-{j}", total=float(j))
            else:
                result["fields"].update(invoice_number=f"NEW-{i}")
            t = time.process_time()
            with library.db.write() as s:
                assert jobs.complete(s, owner, claim.job_id, result)
            store_cpu.append(time.process_time() - t)
            flagged += any(
                "Likely a duplicate" in w for w in library.result(claim.document_id).warnings
            )
        for name, plan in plans(library):
            print(f"plan of {name}: " + "; ".join(plan))
        library.close()

    def ms(values):
        return f"median {statistics.median(values) * 1000:.2f} ms, max {max(values) * 1000:.2f} ms"

    print(f"claim a job (CPU): {ms(claim_cpu)} over {len(claim_cpu)} claims")
    print(
        f"store a result (CPU): {ms(store_cpu)}; flagged as likely duplicates: {flagged} "
        f"(expected {len(range(0, args.jobs, 10))})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
