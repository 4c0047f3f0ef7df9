"""The job runner in a child process of ``serve``: claiming jobs and storing results then
never competes with API requests for the server's interpreter lock, and runs at a lower CPU
priority than the server (``RUNNER_NICE``), with its workers lower still.

It is the same ``core.runner.Runner`` over the same library (the job queue is shared through
SQLite, with atomic claims and leases), driven through a pipe: ``notify()`` after an upload
wakes it at once, ``stop()`` gives unfinished jobs back to the queue and waits for it. If the
server dies, the pipe closes and the runner stops on its own.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from pathlib import Path

log = logging.getLogger(__name__)

# How much lower the runner's CPU priority is than the server's. Under bench/api_load.py the
# runner spends more CPU claiming jobs and storing results than its workers spend reading the
# small documents, and at the server's own priority status calls waited for it. Its workers
# lower theirs by tasks.WORKER_NICE more, and Tesseract, which they start, inherits theirs.
RUNNER_NICE = 10


def _run(library_root: str, workers: int | None, conn) -> None:
    from docrouter_desktop.core.library import Library
    from docrouter_desktop.core.runner import Runner

    if RUNNER_NICE and hasattr(os, "nice"):
        try:
            os.nice(RUNNER_NICE)
        except OSError:
            pass
    library = Library(Path(library_root))
    runner = Runner(library, workers=workers)
    runner.start()
    try:
        while conn.recv() != "stop":
            runner.notify()
    except (EOFError, OSError, KeyboardInterrupt):
        pass  # the server is gone, or Ctrl-C reached the whole process group
    finally:
        runner.stop()
        library.close()


class RunnerProcess:
    """``start()``, ``notify()`` and ``stop()``, as ``core.runner.Runner`` has them."""

    def __init__(self, library_root: Path, workers: int | None = None):
        self.library_root = Path(library_root)
        self.workers = workers
        self._lock = threading.Lock()
        self._conn = None
        self._process = None

    def start(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        # Not a daemon: the runner starts worker processes of its own.
        self._process = ctx.Process(
            target=_run,
            args=(str(self.library_root), self.workers, child),
            name="docrouter-runner",
        )
        self._process.start()
        child.close()

    def _send(self, message: str) -> None:
        with self._lock:
            try:
                self._conn.send(message)
            except (OSError, ValueError):  # the runner has already stopped
                pass

    def notify(self) -> None:
        self._send("notify")

    def stop(self, timeout: float = 60.0) -> None:
        if self._process is None:
            return
        self._send("stop")
        self._process.join(timeout)
        if self._process.is_alive():
            log.error("the runner process did not stop in %s s; terminating it", timeout)
            self._process.terminate()
            self._process.join(10)
        self._conn.close()
        self._process = None
