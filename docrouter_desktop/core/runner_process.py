"""The job runner in a child process: claiming jobs, collecting the workers' results and storing
them never compete with the parent (the window's event loop, the API's requests) for the
parent's interpreter lock.

The child runs the same ``core.runner.Runner`` over the same library (the job queue is shared
through SQLite, with atomic claims and leases). The parent drives it through a pipe:
``notify()`` wakes it when work was queued, ``stop()`` gives unfinished jobs back to the queue
and waits for it. The runner's events come back through a second pipe in batches, a few a
second at most, to ``on_events`` (called from a thread of the parent's own). If the parent
dies, the pipe closes and the child stops on its own; if the child dies (killed, crashed), a new
one is started and claims its jobs again at once (their owner is gone).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import sys
import threading
import time
import types
from collections.abc import Callable
from pathlib import Path

from docrouter_desktop.core.runner import JobEvent

log = logging.getLogger(__name__)

# How much lower the runner's CPU priority is than its parent's. Under bench/api_load.py the
# runner spends more CPU claiming jobs and storing results than its workers spend reading the
# small documents, and at the server's own priority status calls waited for it; the window's
# event loop likewise comes first. Its workers lower theirs by tasks.WORKER_NICE more, and
# Tesseract, which they start, inherits theirs.
RUNNER_NICE = 10
SEND_INTERVAL = 0.05  # seconds: how long events gather in the child before they are sent
RESTART_DELAYS = (0.5, 2.0, 10.0, 30.0)  # after a child died (the longer the more often)
STABLE_AFTER = 60.0  # a child that lived this long counts as healthy again


class EventBatcher:
    """Gathers a runner's events and hands them on in batches from a thread of its own, so
    the receiver wakes a few times a second rather than once per page. Of a document's
    progress events within one batch only the last is kept."""

    def __init__(self, send: Callable[[list[JobEvent]], None], interval: float = SEND_INTERVAL):
        self._send = send
        self._interval = interval
        self._events: list[JobEvent] = []
        self._ready = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._loop, name="docrouter-events", daemon=True)
        self._thread.start()

    def put(self, event: JobEvent) -> None:
        with self._ready:
            if event.kind == "progress":
                self._events = [
                    e
                    for e in self._events
                    if not (e.kind == "progress" and e.document_id == event.document_id)
                ]
            self._events.append(event)
            self._ready.notify()

    def close(self) -> None:
        """Send what is left and stop."""
        with self._ready:
            self._closed = True
            self._ready.notify()
        self._thread.join()

    def _loop(self) -> None:
        while True:
            with self._ready:
                while not self._events and not self._closed:
                    self._ready.wait()
                closed = self._closed
            if not closed:
                time.sleep(self._interval)  # let the events of this moment gather
            with self._ready:
                batch, self._events = self._events, []
            if batch:
                try:
                    self._send(batch)
                except (OSError, ValueError):  # the parent is gone
                    return
            if closed:
                return


def _run(library_root: str, workers: int | None, commands, events) -> None:
    """The child: run the queue until told to stop, or until the parent is gone."""
    from docrouter_desktop.core.library import Library
    from docrouter_desktop.core.runner import Runner

    _lower_priority()

    batcher = EventBatcher(lambda batch: events.send(("events", batch)))
    events.send(("ready", os.getpid(), sorted(m for m in sys.modules if m.startswith("PySide"))))
    library = Library(Path(library_root))
    runner = Runner(library, workers=workers, on_event=batcher.put)
    runner.start()
    try:
        while commands.recv() != "stop":
            runner.notify()
    except (EOFError, OSError, KeyboardInterrupt):
        pass  # the parent is gone, or Ctrl-C reached the whole process group
    finally:
        runner.stop()
        batcher.close()
        library.close()


def _run_until_idle(library_root: str, workers, only_documents, events) -> None:
    """The child of a ``ChildRunner``: one pass over the queue."""
    from docrouter_desktop.core.library import Library
    from docrouter_desktop.core.runner import Runner

    _lower_priority()
    batcher = EventBatcher(lambda batch: events.send(("events", batch)))
    library = Library(Path(library_root))
    try:
        Runner(
            library, workers=workers, on_event=batcher.put, only_documents=only_documents
        ).run_until_idle()
    finally:
        batcher.close()
        library.close()


class ChildRunner:
    """``Runner.run_until_idle()`` in a child process, its events handed to ``on_event`` in
    this one (from the calling thread): a batch run from the window."""

    def __init__(self, library, workers=None, on_event=None, only_documents=None):
        self.library_root = str(library.root)
        self.workers = workers
        self.on_event = on_event or (lambda event: None)
        self.only_documents = set(only_documents) if only_documents is not None else None

    def run_until_idle(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        events_in, events_out = ctx.Pipe(duplex=False)
        process = ctx.Process(
            target=_run_until_idle,
            args=(self.library_root, self.workers, self.only_documents, events_out),
            name="docrouter-batch-runner",
        )
        with _main_module_hidden():
            process.start()
        events_out.close()
        try:
            while True:
                for event in events_in.recv()[1]:
                    self.on_event(event)
        except (EOFError, OSError):
            pass  # the pass is over (or the child died: the batch looks again)
        finally:
            process.join()
            events_in.close()


def _lower_priority() -> None:
    if RUNNER_NICE and hasattr(os, "nice"):
        try:
            os.nice(RUNNER_NICE)
        except OSError:
            pass


@contextlib.contextmanager
def _main_module_hidden():
    """A spawned child imports the parent's main script again (for what it pickled by
    reference); the runner needs nothing from it, and a window's script imports Qt."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


class RunnerProcess:
    """``start()``, ``notify()`` and ``stop()``, as ``core.runner.Runner`` has them.

    ``on_events`` receives lists of ``JobEvent`` from the thread that reads the child's pipe.
    """

    def __init__(
        self,
        library_root: Path,
        workers: int | None = None,
        on_events: Callable[[list[JobEvent]], None] | None = None,
    ):
        self.library_root = Path(library_root)
        self.workers = workers
        self.on_events = on_events or (lambda events: None)
        self.child_pid: int | None = None  # once the child said it is ready
        self.child_modules: list[str] = []  # the Qt modules the child has loaded (none)
        self.restarts = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._conn = None  # commands to the child
        self._events = None  # events from the child
        self._process = None
        self._reader: threading.Thread | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start(self) -> None:
        self._stopping.clear()
        with self._lock:
            self._launch()
        self._reader = threading.Thread(
            target=self._read, name="docrouter-runner-events", daemon=True
        )
        self._reader.start()

    def _launch(self) -> None:
        """Start a child (with ``_lock`` held)."""
        ctx = multiprocessing.get_context("spawn")
        commands_in, commands_out = ctx.Pipe(duplex=False)
        events_in, events_out = ctx.Pipe(duplex=False)
        # Not a daemon: the runner starts worker processes of its own.
        process = ctx.Process(
            target=_run,
            args=(str(self.library_root), self.workers, commands_in, events_out),
            name="docrouter-runner",
        )
        with _main_module_hidden():
            process.start()
        commands_in.close()
        events_out.close()
        self._conn, self._events, self._process = commands_out, events_in, process

    def _read(self) -> None:
        """Hand the child's events on; start a new child when one dies."""
        failures = 0
        while True:
            started = time.monotonic()
            try:
                while True:
                    message = self._events.recv()
                    if message[0] == "ready":
                        _, self.child_pid, self.child_modules = message
                        continue
                    try:
                        self.on_events(message[1])
                    except Exception:  # a listener's failure must not stop the reading
                        log.exception("runner event listener failed")
            except (EOFError, OSError):
                pass
            self._process.join()  # reaped: its jobs can be claimed again at once
            self._events.close()
            code = self._process.exitcode
            if self._stopping.is_set() or code == 0:  # asked to stop, or the parent's pipe closed
                return
            failures = 1 if time.monotonic() - started > STABLE_AFTER else failures + 1
            delay = RESTART_DELAYS[min(failures, len(RESTART_DELAYS)) - 1]
            log.error("the runner process ended (exit code %s); starting it again", code)
            if self._stopping.wait(delay):
                return
            with self._lock:  # so that stop() stops this new child, not the dead one
                if self._stopping.is_set():
                    return
                self._conn.close()
                self._launch()
            self.restarts += 1

    def _send(self, message: str) -> None:
        with self._lock:
            try:
                self._conn.send(message)
            except (OSError, ValueError, AttributeError):  # the runner has already stopped
                pass

    def notify(self) -> None:
        self._send("notify")

    def stop(self, timeout: float = 60.0) -> None:
        if self._process is None:
            return
        self._stopping.set()
        self._send("stop")
        # The reading thread sees the child's pipe close, and reaps it (the one place that
        # waits for it: two threads waiting for one process race).
        self._reader.join(timeout)
        if self._reader.is_alive():
            log.error("the runner process did not stop in %s s; terminating it", timeout)
            with self._lock:
                self._process.terminate()
            self._reader.join(10)
        self._reader = None
        with self._lock:
            self._conn.close()
            self._process = None
