"""The job runner that ``serve`` starts in a child process: it processes the shared queue,
wakes on notify(), and stops (giving the queue back) when asked or when the server is gone."""

from __future__ import annotations

import os
import time

from docrouter_desktop.core.runner.child import RUNNER_NICE, RunnerProcess
from tests import factories


def _wait_for(library, doc_id: str, states: set[str], timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = library.document_status(doc_id)["status"]
        if status in states:
            return status
        time.sleep(0.1)
    raise AssertionError(f"{doc_id} still {status}")


def test_runner_process_processes_uploads_and_stops(library, inbox):
    runner = RunnerProcess(library.root, workers=1)
    runner.start()
    try:
        pdf = factories.invoice_pdf(inbox / "r.pdf", number="INV-RP-1")
        outcome = library.ingest_upload(pdf, "r.pdf", None, "invoice")
        runner.notify()
        assert _wait_for(library, outcome.document_id, {"completed", "failed"}) == "completed"
        # below the server's CPU priority (19 is the lowest there is)
        expected = min(19, os.getpriority(os.PRIO_PROCESS, 0) + RUNNER_NICE)
        assert os.getpriority(os.PRIO_PROCESS, runner._child._process.pid) == expected
        assert library.result(outcome.document_id).fields["invoice_number"] == "INV-RP-1"
    finally:
        process = runner._child._process
        runner.stop()
    assert not process.is_alive() and process.exitcode == 0
    runner.notify()  # after stop: ignored, no error


def test_runner_process_stops_when_the_server_goes_away(library):
    runner = RunnerProcess(library.root, workers=1)
    runner.start()
    process = runner._child._process
    runner._child._commands.close()  # what the server's death looks like from the child
    # The reading thread reaps the child (two threads waiting for one process race): wait
    # for it to see the child end, rather than waiting for the child here too.
    runner._child._reader.join(60)
    assert not runner._child._reader.is_alive()
    assert process.exitcode == 0
