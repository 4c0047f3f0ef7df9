"""The job runner: the loop that feeds the worker pool from the job queue and collects
results.

Reads like a recipe: claim a job, count the file's pages (a short document is extracted and
processed in that same task), or else extract its pages in chunks spread over the workers and
run the processor over them where they are collected, then store the result. All library
writes happen here, in the runner's own thread, where results are collected.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from sqlalchemy.exc import DBAPIError

from docrouter_desktop.core import jobs, tasks, worker_limits
from docrouter_desktop.core.environment_faults import library_fault
from docrouter_desktop.core.errors import LibraryError
from docrouter_desktop.core.events import JobEvent
from docrouter_desktop.core.extraction.extract import ExtractOptions
from docrouter_desktop.core.extraction.pages import PageContent
from docrouter_desktop.core.processors.base import ProcessorOptions
from docrouter_desktop.core.runner.pool import (
    MAX_WORKERS,
    SMALL_DOCUMENT_PAGES,
    extract_options,
    make_executor,
    page_chunks,
    processor_options,
    tune_process,
)
from docrouter_desktop.core.runner.pool import worker_limits as limits_from
from docrouter_desktop.core.states import EventKind

log = logging.getLogger(__name__)

FAULT_PAUSE = 10.0  # seconds a long-lived runner waits after the library could not be written


def storage_fault(exc: DBAPIError, root) -> LibraryError:
    """The library database cannot be used (full disk, locked, damaged, read-only): the
    error that says so, and what to do about it, in one line."""
    fault = library_fault(exc, root)
    if isinstance(fault, LibraryError):
        return fault
    return LibraryError(f"The library database ({root}) cannot be written: {exc.orig or exc}.")


RENEW_EVERY = 20.0
# While documents are in progress, the queue is asked again for work (after it had none) and
# checked for cancelled jobs at most this often: each is a database round trip in the thread
# that collects results, which would otherwise run after every finished chunk.
RECHECK_EVERY = 0.25


@dataclass
class _Active:
    claim: jobs.ClaimedJob
    path: str
    extract_options: ExtractOptions
    options: ProcessorOptions
    pages_total: int | None = None
    pages: dict[int, PageContent] = field(default_factory=dict)
    chunks_left: int = 0
    futures: set = field(default_factory=set)


class Runner:
    """Processes queued jobs of one library with a pool of workers.

    ``run_until_idle()`` returns when nothing is left to claim (the batch command);
    ``start()``/``stop()`` run it in a background thread that waits for new jobs (the window
    and the API server). ``on_event`` is called from the runner's thread.
    """

    def __init__(
        self,
        library,
        workers: int | None = None,
        on_event: Callable[[JobEvent], None] | None = None,
        only_documents: set[str] | None = None,
        executor: cf.Executor | None = None,
    ):
        self.library = library
        settings = library.settings()
        self.workers = min(MAX_WORKERS, settings.workers if workers is None else workers)
        self.limits = limits_from(settings, None)
        self.on_event = on_event or (lambda e: None)
        self.only_documents = only_documents
        self.owner = jobs.owner_id()
        self._executor = executor
        self._own_executor = executor is None
        self._active: dict[int, _Active] = {}
        self._future_job: dict[cf.Future, tuple[int, str]] = {}
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_renew = time.monotonic()
        self._queue_empty_at: float | None = None  # when a claim last found nothing
        # The first check for cancelled jobs comes RECHECK_EVERY after the first claim, not
        # while the workers are being handed a new document's first tasks.
        self._last_cancel_check = time.monotonic()
        self._finished: set[str] = set()  # documents this runner completed or failed

    # -- lifecycle

    @property
    def executor(self) -> cf.Executor:
        if self._executor is None:
            if self.limits.marker_dir is None:
                marker_dir = worker_limits.make_marker_dir()
                self.limits = limits_from(self.library.settings(), marker_dir)
            self._executor = make_executor(self.workers, self.limits)
        return self._executor

    def start(self) -> None:
        tune_process()
        self._thread = threading.Thread(
            target=self._loop, args=(False,), name="docrouter-runner", daemon=True
        )
        self._thread.start()

    def notify(self) -> None:
        """New work was queued: look for it now rather than at the next poll."""
        self._queue_empty_at = None
        self._wake.set()

    def stop(self, wait: bool = True) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread and wait:
            self._thread.join()
        self._shutdown()

    def run_until_idle(self) -> None:
        tune_process()
        try:
            self._loop(True)
        finally:
            self._shutdown()

    def _shutdown(self) -> None:
        # Give unfinished jobs back to the queue: the next run picks them up.
        if self._active:
            self._abandon_active()
        if self._executor is not None and self._own_executor:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        worker_limits.remove_marker_dir(self.limits.marker_dir)
        self.limits = limits_from(self.library.settings(), None)

    # -- the loop

    def _capacity(self) -> int:
        return max(1, self.workers) * 2

    def _loop(self, until_idle: bool) -> None:
        """Run steps until stopped (or idle); a library that cannot be written (full disk,
        locked or damaged database) stops a batch with one message, and pauses a long-lived
        runner, which then tries again: the jobs it held are given back or, failing that,
        taken again once their lease runs out."""
        while not self._stop.is_set():
            try:
                if self._step(until_idle):
                    return
            except DBAPIError as exc:
                fault = storage_fault(exc, self.library.root)
                self._abandon_active()
                if until_idle:
                    raise fault from None
                log.error("%s Processing pauses for %.0f s.", fault, FAULT_PAUSE)
                self._stop.wait(FAULT_PAUSE)

    def _abandon_active(self) -> None:
        try:
            with self.library.db.write() as s:
                for job_id in list(self._active):
                    jobs.release(s, self.owner, job_id)
        except DBAPIError:
            pass  # their leases run out, and they are claimed again
        for active in list(self._active.values()):
            self._drop(active)
        self._active.clear()
        self._future_job.clear()

    def _step(self, until_idle: bool) -> bool:
        """Claim what the workers have room for, then collect what they finished; True when
        there is nothing left to do (``until_idle``)."""
        claimed_any = False
        while len(self._future_job) < self._capacity() and not self._stop.is_set():
            if self._future_job and not self._may_claim():
                break  # busy, and the queue was empty a moment ago
            if not self._claim_next():
                self._queue_empty_at = time.monotonic()
                break
            claimed_any = True
        if not self._future_job:
            if until_idle and not claimed_any:
                return True
            self._wake.wait(0.5)
            self._wake.clear()
            return False
        done, _ = cf.wait(list(self._future_job), timeout=0.5, return_when=cf.FIRST_COMPLETED)
        for future in done:
            self._collect(future)
        self._housekeeping()
        return False

    def _may_claim(self) -> bool:
        empty = self._queue_empty_at
        return empty is None or time.monotonic() - empty >= RECHECK_EVERY

    def _claim_next(self) -> bool:
        if self.only_documents is not None and self.only_documents <= self._finished:
            return False  # every document it was given is done: nothing to ask the queue
        with self.library.db.write() as s:
            claim = jobs.claim(s, self.owner, self.only_documents)
        if claim is None:
            return False
        settings = self.library.settings()
        active = _Active(
            claim,
            str(self.library.blobs.path_for(claim.sha256)),
            extract_options(settings, claim.processor_type),
            processor_options(settings),
        )
        self._active[claim.job_id] = active
        self._emit(EventKind.STARTED, active)
        self._submit(
            active,
            "start",
            tasks.start_task,
            active.path,
            claim.content_type,
            SMALL_DOCUMENT_PAGES,
            claim.processor_type,
            active.extract_options,
            active.options,
        )
        return True

    def _submit(self, active: _Active, stage: str, fn, *args) -> None:
        try:
            future = self.executor.submit(tasks.tracked, active.claim.job_id, fn, *args)
        except (BrokenProcessPool, OSError, RuntimeError):
            # The pool broke (a worker died) before it knew: starting a replacement worker
            # finds its queue closed (OSError), or it was shut down (RuntimeError).
            self._recover_pool()
            return
        self._future_job[future] = (active.claim.job_id, stage)
        active.futures.add(future)

    def _collect(self, future: cf.Future) -> None:
        entry = self._future_job.pop(future, None)
        if entry is None:
            return  # its job was requeued when the pool broke, or cancelled meanwhile
        job_id, stage = entry
        active = self._active.get(job_id)
        if active is None:
            return  # cancelled meanwhile
        active.futures.discard(future)
        try:
            outcome = future.result()
        except BrokenProcessPool:
            self._recover_pool()
            return
        except Exception as exc:  # a task should never raise; treat it as a failure
            outcome = tasks.TaskError(f"Unexpected error: {exc}")
        if isinstance(outcome, tasks.TaskError):
            self._finish(active, outcome)
        elif stage == "start":
            pages_total, result = outcome
            if result is not None:  # a short document, processed in one go
                self._finish(active, result)
            else:
                self._on_inspected(active, pages_total)
        else:  # a chunk of a long document's pages
            if not active.pages:
                with self.library.db.write() as s:
                    jobs.set_pages(s, self.owner, active.claim.job_id, active.pages_total, 0)
            for page in outcome:
                active.pages[page.number] = page
            active.chunks_left -= 1
            self._emit(EventKind.PROGRESS, active)
            if active.chunks_left == 0:
                self._analyze(active)

    def _analyze(self, active: _Active) -> None:
        """Run the processor over a long document once all its pages are in. It runs here,
        where the pages already are: a pass over them costs less than sending them (several
        MiB for a few hundred pages) to a worker and waiting for its answer, and the next
        documents' pages are meanwhile read by the workers."""
        pages = [active.pages[n] for n in sorted(active.pages)]
        active.pages = {}
        claim = active.claim
        self._finish(
            active,
            tasks.analyze_task(
                claim.processor_type, pages, active.options, active.path, claim.content_type
            ),
        )

    def _finish(self, active: _Active, outcome) -> None:
        """Store a document's Result, or its failure (a TaskError)."""
        self._finished.add(active.claim.document_id)
        if isinstance(outcome, tasks.TaskError):
            if outcome.detail:
                log.error("document %s failed:\n%s", active.claim.document_id, outcome.detail)
            self._finish_failed(active, outcome.message)
        else:
            self._finish_completed(active, outcome)

    def _on_inspected(self, active: _Active, pages_total: int) -> None:
        active.pages_total = pages_total
        claim = active.claim
        chunks = page_chunks(pages_total, max(1, self.workers))
        active.chunks_left = len(chunks)
        for chunk in chunks:
            self._submit(
                active,
                "extract",
                tasks.extract_task,
                active.path,
                claim.content_type,
                chunk,
                active.extract_options,
            )
        # The page count is recorded when the first chunk is in, not now: the pool's threads
        # in this process are handing the chunks to the workers, and a write here held them up
        # (a worker waited 2-4 ms for its first chunk).
        self._emit(EventKind.PROGRESS, active)

    def _finish_completed(self, active: _Active, result: dict) -> None:
        with self.library.db.write() as s:
            stored = jobs.complete(s, self.owner, active.claim.job_id, result)
        self._active.pop(active.claim.job_id, None)
        active.pages_total = len(result["pages"])
        self._emit(EventKind.COMPLETED if stored else EventKind.CANCELLED, active)

    def _finish_failed(self, active: _Active, message: str) -> None:
        with self.library.db.write() as s:
            stored = jobs.fail(s, self.owner, active.claim.job_id, message)
        self._drop(active)
        self._emit(EventKind.FAILED if stored else EventKind.CANCELLED, active, error=message)

    def _drop(self, active: _Active) -> None:
        self._active.pop(active.claim.job_id, None)
        for f in active.futures:
            f.cancel()
            self._future_job.pop(f, None)
        active.futures.clear()

    def _recover_pool(self) -> None:
        """A worker process died (over a limit, killed, a crash in a library): start a new
        pool and queue the jobs in progress again. The document the dead worker held (its
        marker says which) is charged an attempt, or fails at once when it went over a
        limit; the others were only unlucky and are not."""
        log.error("a worker process died; restarting the pool and requeueing its jobs")
        broken = self._executor
        self._executor = None
        died: list[worker_limits.Death] = []
        if broken is not None:
            # The pool kills its other workers itself, but not one it started for a task
            # submitted while it was breaking (the pool starts workers on demand): such a
            # worker would wait for work for ever, and the pool's exit handler with it.
            workers = dict(getattr(broken, "_processes", None) or {})
            died = worker_limits.deaths(
                self.limits.marker_dir, {pid: p.exitcode for pid, p in workers.items()}
            )
            broken.shutdown(wait=False, cancel_futures=True)
            for worker in workers.values():
                if worker.is_alive():
                    worker.kill()
        blamed = {d.job_id: d.kind for d in died}
        failed: list[tuple[_Active, str]] = []
        with self.library.db.write() as s:
            for job_id, active in list(self._active.items()):
                kind = blamed.get(job_id)
                if kind in ("memory", "time"):
                    message = worker_limits.limit_message(kind, self.limits)
                    if jobs.fail(s, self.owner, job_id, message):
                        failed.append((active, message))
                    continue
                if jobs.release(s, self.owner, job_id, worker_died=kind == "crash"):
                    self._emit(EventKind.REQUEUED, active)
                elif kind == "crash":
                    failed.append((active, jobs.GAVE_UP))
        for active, message in failed:
            self._finished.add(active.claim.document_id)
            self._emit(EventKind.FAILED, active, error=message)
        self._active.clear()
        self._future_job.clear()
        worker_limits.remove_marker_dir(self.limits.marker_dir)
        self.limits = limits_from(self.library.settings(), None)

    def _housekeeping(self) -> None:
        now = time.monotonic()
        ids = list(self._active)
        if not ids or now - self._last_cancel_check < RECHECK_EVERY:
            return
        self._last_cancel_check = now
        with self.library.db.read() as s:
            gone = jobs.cancelled_among(s, ids)
        for job_id in gone:
            active = self._active.get(job_id)
            if active:
                self._drop(active)
                self._emit(EventKind.CANCELLED, active)
        if now - self._last_renew > RENEW_EVERY:
            with self.library.db.write() as s:
                jobs.renew(s, self.owner, list(self._active))
            self._last_renew = now

    def _emit(self, kind: EventKind, active: _Active, error: str | None = None) -> None:
        done = active.pages_total if kind is EventKind.COMPLETED else len(active.pages)
        try:
            self.on_event(
                JobEvent(
                    kind,
                    active.claim.document_id,
                    active.claim.document_name,
                    active.pages_total,
                    done or 0,
                    error,
                    active.claim.processor_type,
                )
            )
        except Exception:  # a listener's failure must not stop processing
            log.exception("event listener failed")
