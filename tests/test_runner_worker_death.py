"""A worker process killed in the middle of a batch: the pool is replaced, the documents it
held are queued again, and every document of the batch completes in the same run."""

from __future__ import annotations

import os
import signal
import threading
import time

from docrouter_desktop.core.runner import Runner
from docrouter_desktop.core.states import EventKind
from tests import factories


def test_a_killed_worker_is_replaced_and_every_document_completes(library, inbox):
    ids = []
    for i in range(6):
        lines = [*factories.RECEIPT_LINES, f"RECEIPT NO {1000 + i}"]
        scan = factories.text_image(inbox / f"r{i}.png", lines)
        ids.append(library.ingest_file(scan, processor_type="receipt").document_id)
    events = []
    runner = Runner(library, workers=2, on_event=events.append)
    killed: list[int] = []

    def kill_a_worker():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            executor = runner._executor
            processes = getattr(executor, "_processes", None) or {}
            started = [e for e in events if e.kind == EventKind.STARTED]
            if processes and started:
                pid = next(iter(processes))
                os.kill(pid, signal.SIGKILL)  # as the out-of-memory killer would
                killed.append(pid)
                return
            time.sleep(0.01)

    killer = threading.Thread(target=kill_a_worker)
    killer.start()
    runner.run_until_idle()  # returns: the death does not end the run
    killer.join()
    assert killed, "no worker was killed"
    assert any(e.kind == EventKind.REQUEUED for e in events)
    assert len(set(ids)) == 6
    assert {library.document(i).status for i in ids} == {"completed"}
    completed = [e.document_id for e in events if e.kind == EventKind.COMPLETED]
    assert sorted(completed) == sorted(ids)  # each once
