"""Background work for the window: the runner bridge, file ingest and one-off tasks.

Everything here runs off the GUI thread and reports back only through Qt signals, which Qt
delivers queued to the main thread; no widget is touched from these threads.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from docrouter_desktop.core.ingest import walk
from docrouter_desktop.core.records import IngestOutcome
from docrouter_desktop.core.runner import JobEvent, Runner

INGEST_FLUSH_SECONDS = 0.1


class RunnerBridge(QObject):
    """Owns the background Runner and re-emits its events as a queued Qt signal."""

    job_event = Signal(object)  # JobEvent

    def __init__(self, library, workers: int | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.library = library
        self.workers = workers
        self.runner: Runner | None = None

    def start(self) -> None:
        if self.runner is None:
            self.runner = Runner(self.library, workers=self.workers, on_event=self.forward)
            self.runner.start()

    def forward(self, event: JobEvent) -> None:
        """Called from the runner's thread (or a batch's): emitting is thread-safe."""
        self.job_event.emit(event)

    def notify(self) -> None:
        if self.runner is not None:
            self.runner.notify()

    def restart(self, workers: int | None = None) -> None:
        self.stop()
        self.workers = workers
        self.start()

    def stop(self) -> None:
        if self.runner is not None:
            self.runner.stop()
            self.runner = None


class IngestJob(QObject):
    """Copies files (and the files in folders) into the library in a plain thread.

    ``added`` carries lists of outcomes, grouped so that a drop of thousands of files costs
    the window a few dozen updates, not thousands.
    """

    added = Signal(list)  # list[IngestOutcome]
    finished = Signal(list)  # every outcome, in order

    def __init__(
        self,
        library,
        paths: list[str],
        processor_type: str,
        recursive: bool = True,
        on_queued: Callable[[], None] | None = None,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.library = library
        self.paths = paths
        self.processor_type = processor_type
        self.recursive = recursive
        self.on_queued = on_queued or (lambda: None)
        self.cancelled = threading.Event()
        self._thread = threading.Thread(target=self._run, name="docrouter-ingest", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wait(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def _run(self) -> None:
        org = self.library.default_org_id()
        outcomes: list[IngestOutcome] = []
        pending: list[IngestOutcome] = []
        last = time.monotonic()
        for item in walk(self.paths, self.recursive):
            if self.cancelled.is_set():
                break
            if isinstance(item, tuple):
                outcome = IngestOutcome(item[0], None, "failed", error=item[1])
            else:
                outcome = self.library.ingest_file(
                    item.path, org, self.processor_type, item.given_as
                )
            outcomes.append(outcome)
            pending.append(outcome)
            if time.monotonic() - last >= INGEST_FLUSH_SECONDS:
                self.added.emit(pending)
                self.on_queued()
                pending, last = [], time.monotonic()
        if pending:
            self.added.emit(pending)
        self.on_queued()
        self.finished.emit(outcomes)


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
            self.signals.failed.emit(self.token, str(exc))
            return
        self.signals.done.emit(self.token, result)


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


def existing_paths(paths: list[str]) -> list[str]:
    return [p for p in paths if Path(p).exists()]
