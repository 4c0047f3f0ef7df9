"""The window's link to its engine: calls go out, answers and the engine's events come back as
Qt signals, always on the GUI thread.

In the app the engine runs in a child process (``core.engine.EngineProcess``): the window's
process never writes to the library, and the engine's work never holds the window's
interpreter lock. A test may give an ``Engine`` of its own instead, which then runs in this
process (its calls answered at once).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from docrouter_desktop.core.engine import Engine, EngineProcess
from docrouter_desktop.core.events import (
    CorrectionSent,
    FilesAdded,
    FilesFound,
    JobEvent,
    RequestFinished,
    WatchedFileAdded,
)

log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[str], None]


class EngineBridge(QObject):
    job_events = Signal(list)  # [JobEvent]
    files_found = Signal(str, list)  # request, [(key, name)]
    files_added = Signal(str, list)  # request, [(key, IngestOutcome)]
    request_finished = Signal(str, list)  # request, [IngestOutcome]
    watched_added = Signal(object)  # IngestOutcome
    correction_sent = Signal(object)  # CorrectionSent
    call_failed = Signal(str, str)  # method, message (when the caller gave no on_failed)
    _events = Signal(list)  # from the thread that reads the engine
    _answer = Signal(object, object, object)  # (future, on_done, on_failed)

    def __init__(
        self,
        library,  # the library (or its folder) the engine works on
        engine: Engine | None = None,
        *,
        run_jobs: bool = True,
        watch: bool = True,
        workers: int | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.root = Path(library) if isinstance(library, str | Path) else Path(library.root)
        self._events.connect(self._on_events)
        self._answer.connect(self._on_answer)
        self.local = engine
        self.process: EngineProcess | None = None
        self._unsubscribe: Callable[[], None] | None = None
        if engine is None:
            self.process = EngineProcess(
                self.root,
                workers=workers,
                run_jobs=run_jobs,
                watch=watch,
                on_events=self._events.emit,
            )
        else:
            self._unsubscribe = engine.subscribe(lambda event: self._events.emit([event]))

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def start(self, wait: float | None = 120.0) -> None:
        """Start the engine process (once; with ``wait``, until it has opened the library)."""
        if self.process is not None and self.process.pid is None:
            self.process.start(wait)

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()
            self.process = None
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    # -- calls

    def call(
        self,
        method: str,
        *args: Any,
        on_done: Done | None = None,
        on_failed: Failed | None = None,
        **kwargs: Any,
    ) -> Future:
        """Ask the engine; ``on_done(value)`` or ``on_failed(message)`` run on the GUI
        thread (a failure without ``on_failed`` comes as ``call_failed``)."""
        if self.process is not None:
            future = self.process.call(method, *args, **kwargs)
        else:
            future = Future()
            try:
                future.set_result(getattr(self.local, method)(*args, **kwargs))
            except Exception as exc:
                future.set_exception(exc)
        if on_done is not None or on_failed is not None or self.process is None:
            future.add_done_callback(
                lambda f, m=method: self._answer.emit(f, on_done, on_failed or self._failed(m))
            )
        else:
            future.add_done_callback(
                lambda f, m=method: self._answer.emit(f, None, self._failed(m))
            )
        return future

    def call_and_wait(self, method: str, *args: Any, timeout: float = 60.0, **kwargs: Any) -> Any:
        """``call`` and its value, raising what it raised (for a dialog that needs it)."""
        if self.process is not None:
            return self.process.call(method, *args, **kwargs).result(timeout)
        return getattr(self.local, method)(*args, **kwargs)

    def _failed(self, method: str) -> Failed:
        return lambda message: self.call_failed.emit(method, message)

    def _on_answer(self, future: Future, on_done: Done | None, on_failed: Failed | None) -> None:
        error = future.exception()
        if error is not None:
            if on_failed is not None:
                on_failed(str(error))
            return
        if on_done is not None:
            on_done(future.result())

    # -- events

    def _on_events(self, events: list) -> None:
        jobs = []
        for event in events:
            if isinstance(event, JobEvent):
                jobs.append(event)
            elif isinstance(event, FilesFound):
                self.files_found.emit(event.request, event.files)
            elif isinstance(event, FilesAdded):
                self.files_added.emit(event.request, event.added)
            elif isinstance(event, RequestFinished):
                self.request_finished.emit(event.request, event.outcomes)
            elif isinstance(event, WatchedFileAdded):
                self.watched_added.emit(event.outcome)
            elif isinstance(event, CorrectionSent):
                self.correction_sent.emit(event)
        if jobs:
            self.job_events.emit(jobs)
