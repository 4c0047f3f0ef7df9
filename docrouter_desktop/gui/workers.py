"""One-off background tasks of the window (rendering a page, writing an export, a scan of a
folder): run in the thread pool, their results back through Qt signals, which Qt delivers
queued to the main thread; no widget is touched from these threads. (Processing, and every
change to the library, is the engine's: ``engine_bridge``.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


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
