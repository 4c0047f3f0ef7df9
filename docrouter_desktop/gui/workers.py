"""Background work for the window: the runner bridge, file ingest and one-off tasks.

Everything here runs off the GUI thread (processing and ingest in child processes) and reports
back only through Qt signals, which Qt delivers queued to the main thread; no widget is touched
from these threads.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing as mp
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from docrouter_desktop.core import tasks
from docrouter_desktop.core.ingest import walk
from docrouter_desktop.core.records import IngestOutcome
from docrouter_desktop.core.runner import JobEvent
from docrouter_desktop.core.runner_process import RunnerProcess


class RunnerBridge(QObject):
    """Runs the library's job runner in a child process and brings its events to the window.

    The events arrive in batches on a thread of this process that only reads the child's pipe;
    ``job_events`` carries each batch, queued, to the GUI thread. ``job_event`` carries single
    events from work that runs in this process (a batch dialog's run, sending to a server).
    """

    job_event = Signal(object)  # JobEvent
    job_events = Signal(list)  # [JobEvent], from the runner process

    def __init__(self, library, workers: int | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.library = library
        self.workers = workers
        self.runner: RunnerProcess | None = None

    def start(self) -> None:
        if self.runner is None:
            workers = self.library.settings().workers if self.workers is None else self.workers
            self.runner = RunnerProcess(
                self.library.root, workers=workers, on_events=self.job_events.emit
            )
            self.runner.start()

    def forward(self, event: JobEvent) -> None:
        """Called from a worker thread of this process: emitting is thread-safe."""
        self.job_event.emit(event)

    def notify(self) -> None:
        runner = self.runner
        if runner is not None:
            runner.notify()

    def restart(self, workers: int | None = None) -> None:
        self.stop()
        self.workers = workers
        self.start()

    def stop(self) -> None:
        if self.runner is not None:
            self.runner.stop()
            self.runner = None


INGEST_CHUNK = 40
_ingest_pool: cf.ProcessPoolExecutor | None = None
_child_libraries: dict[str, object] = {}


def ingest_pool() -> cf.ProcessPoolExecutor:
    """One process that copies files into libraries, so the copying and the database work
    never compete with the window for the interpreter lock."""
    global _ingest_pool
    if _ingest_pool is None:
        method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
        ctx = mp.get_context(method)
        if method == "forkserver":
            # Never the default (``__main__``): the program that opened the window.
            ctx.set_forkserver_preload(
                ["docrouter_desktop.core.tasks", "docrouter_desktop.core.library"]
            )
        _ingest_pool = cf.ProcessPoolExecutor(
            max_workers=1,
            mp_context=ctx,
            initializer=tasks.worker_init,  # a lower priority
        )
    return _ingest_pool


def warm_up_ingest() -> None:
    """Start the ingest process now (its imports take a moment) rather than at the first drop,
    from a thread: starting a process waits for it."""
    threading.Thread(
        target=lambda: ingest_pool().submit(_child_ready), name="docrouter-warm-up", daemon=True
    ).start()


def shutdown_ingest() -> None:
    global _ingest_pool
    if _ingest_pool is not None:
        _ingest_pool.shutdown(wait=True, cancel_futures=True)
        _ingest_pool = None


def _child_ready() -> bool:
    import docrouter_desktop.core.library  # noqa: F401

    return True


def _child_ingest(root: str, items: list, org_id: str, processor_type: str) -> list:
    """In the ingest process: add each file; ``items`` are FoundFile or (path, error)."""
    from docrouter_desktop.core.library import Library

    library = _child_libraries.get(root)
    if library is None:
        library = _child_libraries[root] = Library(Path(root))
    out = []
    for item in items:
        if isinstance(item, tuple):
            out.append(IngestOutcome(item[0], None, "failed", error=item[1]))
        else:
            out.append(library.ingest_file(item.path, org_id, processor_type, item.given_as))
    return out


class IngestJob(QObject):
    """Adds dropped or picked files (and the files in folders) to the library.

    ``found`` lists every file at once as ``(key, name)`` so the window can show them before
    they are copied; ``added`` then carries ``(key, outcome)`` pairs, a chunk at a time. The
    copying runs in a separate process; this object's thread only walks folders and waits.
    """

    found = Signal(list)  # [(key, name)]
    added = Signal(list)  # [(key, IngestOutcome)]
    finished = Signal(list)  # every outcome, in order

    _sequence = 0

    def __init__(
        self,
        library,
        paths: list[str],
        processor_type: str,
        recursive: bool = True,
        on_queued: Callable[[], None] | None = None,
        parent: QObject | None = None,
        org_id: str | None = None,
    ):
        super().__init__(parent)
        self.library = library
        self.org_id = org_id  # None: the library's default organization
        self.paths = paths
        self.processor_type = processor_type
        self.recursive = recursive
        self.on_queued = on_queued or (lambda: None)
        self.cancelled = threading.Event()
        IngestJob._sequence += 1
        self.prefix = f"pending:{IngestJob._sequence}:"
        self._thread = threading.Thread(target=self._run, name="docrouter-ingest", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wait(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def _run(self) -> None:
        items = list(walk(self.paths, self.recursive))
        keys = [f"{self.prefix}{i}" for i in range(len(items))]
        self.found.emit(
            [
                (k, item[0] if isinstance(item, tuple) else item.path.name)
                for k, item in zip(keys, items, strict=True)
            ]
        )
        org = self.org_id or self.library.default_org_id()
        root = str(self.library.root)
        outcomes: list[IngestOutcome] = []
        for start in range(0, len(items), INGEST_CHUNK):
            chunk = items[start : start + INGEST_CHUNK]
            if self.cancelled.is_set():
                done = [
                    IngestOutcome(_shown(i), None, "cancelled", error="Not added: cancelled.")
                    for i in chunk
                ]
            else:
                try:
                    future = ingest_pool().submit(
                        _child_ingest, root, chunk, org, self.processor_type
                    )
                    done = future.result()
                except Exception as exc:  # the ingest process died: say so for each file
                    done = [
                        IngestOutcome(_shown(i), None, "failed", error=f"Not added: {exc}")
                        for i in chunk
                    ]
            outcomes += done
            self.added.emit(list(zip(keys[start : start + len(chunk)], done, strict=True)))
            self.on_queued()
        self.finished.emit(outcomes)


def _shown(item) -> str:
    return item[0] if isinstance(item, tuple) else item.given_as


class _TaskSignals(QObject):
    done = Signal(object, object)  # (token, result)
    failed = Signal(object, str)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], signals: _TaskSignals, token: Any):
        super().__init__()
        self.fn, self.signals, self.token = fn, signals, token

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # reported to the window, never raised in the pool
            try:
                self.signals.failed.emit(self.token, str(exc))
            except RuntimeError:
                pass
            return
        try:
            self.signals.done.emit(self.token, result)
        except RuntimeError:  # the window went away while this ran
            pass


class TaskRunner(QObject):
    """Runs callables in the global QThreadPool; results come back as ``done(token, result)``."""

    done = Signal(object, object)
    failed = Signal(object, str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._signals = _TaskSignals(self)
        self._signals.done.connect(self.done)
        self._signals.failed.connect(self.failed)

    def submit(self, fn: Callable[[], Any], token: Any = None) -> None:
        QThreadPool.globalInstance().start(_Task(fn, self._signals, token))
