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


def _marker_jobs(runner) -> dict[int, int]:
    """pid -> the job each worker is reading now, from the workers' marker files."""
    folder = runner.limits.marker_dir
    found = {}
    if folder and os.path.isdir(folder):
        for name in os.listdir(folder):
            try:
                with open(os.path.join(folder, name), "rb") as f:
                    words = f.read().split()
            except OSError:
                continue
            if words and words[0].isdigit():
                found[int(name)] = int(words[0])
    return found


def test_only_the_document_whose_worker_died_is_charged_an_attempt(library, inbox):
    lines = [*factories.RECEIPT_LINES] * 3
    ids = [
        library.ingest_file(
            factories.text_image(inbox / f"long{i}.png", [*lines, f"NO {i}"]),
            processor_type="receipt",
        ).document_id
        for i in range(2)
    ]
    events = []
    runner = Runner(library, workers=2, on_event=events.append)
    victim: dict[str, int] = {}

    def kill_the_first_documents_worker():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            held = _marker_jobs(runner)
            if len(set(held.values())) == 2:
                pid, job_id = min(held.items(), key=lambda item: item[1])
                victim["job"] = job_id
                os.kill(pid, signal.SIGKILL)
                return
            time.sleep(0.005)

    killer = threading.Thread(target=kill_the_first_documents_worker)
    killer.start()
    runner.run_until_idle()
    killer.join()
    assert victim, "the two documents were never read at the same time"
    from docrouter_desktop.core.storage.models import Job

    with library.db.read() as s:
        attempts = {job.id: job.attempts for job in s.query(Job)}
    assert attempts[victim["job"]] == 1
    assert [a for j, a in attempts.items() if j != victim["job"]] == [0]
    assert {library.document(i).status for i in ids} == {"completed"}


def test_a_long_lived_runner_goes_on_after_a_worker_is_killed(library, inbox):
    """As in ``serve`` and the window: the engine's runner thread survives the death and
    documents added afterwards are read too, each once."""
    from docrouter_desktop.core.engine import Engine

    engine = Engine(library, runner="thread", workers=2)
    events = []
    engine.subscribe(events.append)
    engine.start()
    try:
        first = [
            factories.text_image(inbox / f"a{i}.png", [*factories.RECEIPT_LINES, f"NO {i}"])
            for i in range(6)
        ]
        engine.add_found(engine.intake.find([str(p) for p in first], False))
        deadline = time.monotonic() + 60
        killed = False
        while not killed and time.monotonic() < deadline:
            runner = engine._runner
            processes = getattr(runner._executor, "_processes", None) or {}
            if processes and runner._active:
                os.kill(next(iter(processes)), signal.SIGKILL)
                killed = True
            time.sleep(0.01)
        assert killed
        late = factories.text_image(inbox / "late.png", [*factories.RECEIPT_LINES, "NO 99"])
        engine.add_found(engine.intake.find([str(late)], False))
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            docs = library.documents(limit=100)[0]
            if len(docs) == 7 and all(d.status == "completed" for d in docs):
                break
            time.sleep(0.2)
    finally:
        engine.stop()
    docs = library.documents(limit=100)[0]
    assert sorted(d.status for d in docs) == ["completed"] * 7
    completed = [e.document_id for e in events if getattr(e, "kind", None) == EventKind.COMPLETED]
    assert len(completed) == len(set(completed)) == 7
