"""The runner in a child process: its events come back in batches, and a killed child is
replaced without losing the document it was working on."""

from __future__ import annotations

import os
import signal
import threading
import time

from docrouter_desktop.core.event_batcher import EventBatcher
from docrouter_desktop.core.events import JobEvent
from docrouter_desktop.core.runner.child import RunnerProcess
from tests import factories


def _until(predicate, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_the_batcher_sends_in_batches_and_keeps_only_a_documents_last_progress():
    sent: list[list[JobEvent]] = []
    batcher = EventBatcher(sent.append, interval=0.2)
    batcher.put(JobEvent("started", "a", "a.pdf"))
    for done in range(1, 4):
        batcher.put(JobEvent("progress", "a", "a.pdf", 3, done))
    batcher.put(JobEvent("progress", "b", "b.pdf", 9, 1))
    batcher.put(JobEvent("completed", "a", "a.pdf", 3, 3))
    _until(lambda: sent, 10)
    batcher.put(JobEvent("completed", "b", "b.pdf", 9, 9))
    batcher.close()  # sends what is left
    assert [(e.kind, e.document_id, e.pages_done) for e in sent[0]] == [
        ("started", "a", 0),
        ("progress", "a", 3),
        ("progress", "b", 1),
        ("completed", "a", 3),
    ]
    assert [(e.kind, e.document_id) for e in sent[1]] == [("completed", "b")]


def test_events_come_back_from_a_child_without_qt(library, inbox):
    batches: list[list[JobEvent]] = []
    readers: set[str] = set()

    def on_events(batch):
        readers.add(threading.current_thread().name)
        batches.append(batch)

    runner = RunnerProcess(library.root, workers=1, on_events=on_events)
    runner.start()
    try:
        pdf = factories.invoice_pdf(inbox / "r.pdf", number="INV-EV-1")
        doc_id = library.ingest_file(pdf, processor_type="invoice").document_id
        runner.notify()
        _until(lambda: any(e.kind == "completed" for b in batches for e in b))
    finally:
        runner.stop()
    kinds = [e.kind for b in batches for e in b if e.document_id == doc_id]
    assert kinds[0] == "started" and kinds[-1] == "completed"
    assert runner.child_pid not in (None, os.getpid())
    assert runner.child_modules == []
    assert readers == {"docrouter-runner-reader"}
    assert library.result(doc_id).fields["invoice_number"] == "INV-EV-1"


def test_a_killed_child_is_replaced_and_the_job_claimed_again(library, inbox):
    batches: list[list[JobEvent]] = []
    runner = RunnerProcess(library.root, workers=1, on_events=batches.append)
    runner.start()
    try:
        scan = factories.scanned_pdf(inbox / "scan.pdf", [f"ITEM {i}   3.{i}0" for i in range(12)])
        doc_id = library.ingest_file(scan, processor_type="receipt").document_id
        runner.notify()
        _until(lambda: any(e.kind == "started" for b in batches for e in b))
        first = runner.pid
        os.kill(first, signal.SIGKILL)
        _until(lambda: runner.restarts == 1, 30)
        assert runner.pid != first
        _until(lambda: library.document_status(doc_id)["status"] == "completed", 180)
    finally:
        runner.stop()
    assert runner.pid is None
