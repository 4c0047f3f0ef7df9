"""The job runner in a child process (``serve`` runs it so): claiming jobs, collecting the
workers' results and storing them never compete with the server's requests for its
interpreter lock, and run at a lower CPU priority.

The child runs the same ``Runner`` over the same library (the job queue is shared through
SQLite, with atomic claims and leases), under ``core.supervisor.ChildProcess``: ``notify()``
wakes it when work was queued, ``stop()`` gives unfinished jobs back to the queue and waits
for it; if it dies, a new one is started and claims its jobs again at once (their owner is
gone). Its events come back in batches to ``on_events``, from a thread of the parent's own.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docrouter_desktop.core.event_batcher import EventBatcher
from docrouter_desktop.core.events import JobEvent
from docrouter_desktop.core.supervisor import STOP, ChildProcess

# How much lower the runner's CPU priority is than its parent's. Under bench/api_load.py the
# runner spends more CPU claiming jobs and storing results than its workers spend reading the
# small documents, and at the server's own priority status calls waited for it; the window's
# event loop likewise comes first. Its workers lower theirs by tasks.WORKER_NICE more, and
# Tesseract, which they start, inherits theirs.
RUNNER_NICE = 10


def lower_priority(by: int = RUNNER_NICE) -> None:
    if by and hasattr(os, "nice"):
        try:
            os.nice(by)
        except OSError:
            pass


def _run(commands: Any, messages: Any, library_root: str, workers: int | None) -> None:
    """The child: run the queue until told to stop, or until the parent is gone."""
    from docrouter_desktop.core.library import Library
    from docrouter_desktop.core.runner.local import Runner

    lower_priority()
    batcher = EventBatcher(lambda batch: messages.send(("events", batch)))
    messages.send(("ready", os.getpid(), sorted(m for m in sys.modules if m.startswith("PySide"))))
    library = Library(Path(library_root))
    runner = Runner(library, workers=workers, on_event=batcher.put)
    runner.start()
    try:
        while commands.recv() != STOP:
            runner.notify()
    except (EOFError, OSError, KeyboardInterrupt):
        pass  # the parent is gone, or Ctrl-C reached the whole process group
    finally:
        runner.stop()
        batcher.close()
        library.close()


class RunnerProcess:
    """``start()``, ``notify()`` and ``stop()``, as ``Runner`` has them."""

    def __init__(
        self,
        library_root: Path,
        workers: int | None = None,
        on_events: Callable[[list[JobEvent]], None] | None = None,
    ) -> None:
        self.library_root = Path(library_root)
        self.workers = workers
        self.on_events = on_events or (lambda events: None)
        self.child_pid: int | None = None  # once the child said it is ready
        self.child_modules: list[str] = []  # the Qt modules the child has loaded (none)
        self._child = ChildProcess(
            _run,
            (str(self.library_root), workers),
            name="docrouter-runner",
            on_message=self._on_message,
            restart=True,
        )

    @property
    def pid(self) -> int | None:
        return self._child.pid

    @property
    def restarts(self) -> int:
        return self._child.restarts

    def _on_message(self, message: Any) -> None:
        if message[0] == "ready":
            _, self.child_pid, self.child_modules = message
        elif message[0] == "events":
            self.on_events(message[1])

    def start(self) -> None:
        self._child.start()

    def notify(self) -> None:
        self._child.send("notify")

    def stop(self, timeout: float = 60.0) -> None:
        self._child.stop(timeout)
