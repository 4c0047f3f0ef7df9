"""Reads on the event loop: they see every commit at once, and one that would wait for a lock
goes to a worker thread instead of stopping the loop."""

from __future__ import annotations

import asyncio
import sqlite3
import threading

from docrouter_desktop.core.api_tokens import ApiTokenService
from docrouter_desktop.server.loopreads import LoopReads
from tests import factories


def test_loop_reads_see_other_connections_commits_at_once(library, inbox):
    tokens = ApiTokenService(library)
    info, secret = tokens.create("loop")
    outcome = library.ingest_upload(factories.invoice_pdf(inbox / "a.pdf"), "a.pdf")

    async def scenario():
        reads = LoopReads(library.db)
        reads.open()
        try:
            first = await reads.run(library.document_status, outcome.document_id)
            assert (await reads.run(tokens.authenticate, secret)).id == info.id
            library.cancel(outcome.document_id)  # written through the pool
            ApiTokenService(library).revoke(info.id, any_scope=True)
            second = await reads.run(library.document_status, outcome.document_id)
            revoked = await reads.run(tokens.authenticate, secret)
            missing = await reads.run(library.document_status, "doc_nothing")
        finally:
            reads.close()
        return first, second, revoked, missing

    first, second, revoked, missing = asyncio.run(scenario())
    assert first["status"] == "queued" and first["organization_id"] == library.default_org_id()
    assert second["status"] == "cancelled"
    assert revoked is None
    assert missing is None


def test_a_read_that_would_wait_moves_to_a_worker_thread(library):
    seen = []

    def read(key, conn=None):
        seen.append((threading.get_ident(), conn is not None))
        if conn is not None:
            raise sqlite3.OperationalError("database is locked")
        return f"read {key}"

    async def scenario():
        reads = LoopReads(library.db)
        reads.open()
        try:
            return threading.get_ident(), await reads.run(read, "k")
        finally:
            reads.close()

    loop_thread, answer = asyncio.run(scenario())
    assert answer == "read k"
    assert seen[0] == (loop_thread, True)  # tried on the loop's own connection first
    assert seen[1][0] != loop_thread and seen[1][1] is False  # then in a worker thread


def test_without_the_loop_connection_reads_go_to_a_worker_thread(library):
    reads = LoopReads(library.db)  # never opened (an app used without its lifespan)

    async def scenario():
        return threading.get_ident(), await reads.run(
            lambda key, conn=None: (threading.get_ident(), conn, key), "k"
        )

    loop_thread, (read_thread, conn, key) = asyncio.run(scenario())
    assert read_thread != loop_thread and conn is None and key == "k"
