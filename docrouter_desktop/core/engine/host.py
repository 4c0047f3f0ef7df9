"""The engine in a child process of the window: ``EngineProcess`` in the window, the engine
itself (with its intake, job runner, remote runners and watched folders) in the child.

The window asks with ``call(method, *args)``, which returns a ``Future`` at once; the child
runs the engine's method of that name in its own thread and answers. The engine's events come
back in batches, a few a second at most, to ``on_events`` (called from a thread of the
window's process: a Qt bridge turns them into signals). The window never writes to the
library: the child is the one that does, for the window. If the child dies, its calls fail
with a message, a new child is started (``core.supervisor``) and takes the queue up again.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from docrouter_desktop.core.errors import AppError
from docrouter_desktop.core.event_batcher import EventBatcher
from docrouter_desktop.core.supervisor import STOP, ChildProcess

log = logging.getLogger(__name__)

# What the window may ask of its engine: the engine's public methods that change things.
CALLS = frozenset(
    {
        "add_paths",
        "add_found",
        "cancel_request",
        "reprocess",
        "retry",
        "cancel",
        "send_to_remote",
        "watch",
        "unwatch",
        "watch_from_settings",
        "watched",
        "correct",
        "revert",
        "edit_vendor",
        "merge_vendors",
        "delete_vendor",
        "delete",
        "set_setting",
        "set_settings",
        "create_workspace",
        "create_api_token",
        "revoke_api_token",
        "save_remote",
        "notify",
    }
)
CALL_TIMEOUT = 60.0


class EngineUnavailable(AppError):
    """The engine process is not running (it is starting again); try again in a moment."""


def _serve(
    commands: Any,
    messages: Any,
    library_root: str,
    workers: int | None,
    run_jobs: bool,
    watch: bool,
) -> None:
    """The child: open the library (migrating it), run the engine, answer calls."""
    from docrouter_desktop.core.engine.engine import Engine
    from docrouter_desktop.core.library import Library
    from docrouter_desktop.core.runner.child import lower_priority

    lower_priority()
    send_lock = threading.Lock()

    def send(message: Any) -> None:
        with send_lock:
            messages.send(message)

    library = Library(Path(library_root))
    engine = Engine(library, runner="thread" if run_jobs else "none", workers=workers)
    batcher = EventBatcher(lambda batch: send(("events", batch)))
    engine.subscribe(batcher.put)
    engine.start()
    if watch:
        engine.watch_from_settings()
    send(("ready", os.getpid(), sorted(m for m in sys.modules if m.startswith("PySide"))))
    calls = ThreadPoolExecutor(1, thread_name_prefix="docrouter-engine-calls")

    def answer(call_id: int, method: str, args: tuple, kwargs: dict) -> None:
        try:
            value = getattr(engine, method)(*args, **kwargs)
            reply = ("reply", call_id, True, value)
        except Exception as exc:  # the window is told in words, never a traceback
            if not isinstance(exc, AppError | ValueError | KeyError):
                log.exception("engine call %s failed", method)
            reply = ("reply", call_id, False, (type(exc).__name__, str(exc)))
        try:
            send(reply)
        except (OSError, ValueError):
            pass

    try:
        while True:
            message = commands.recv()
            if message == STOP:
                break
            if isinstance(message, tuple) and message[0] == "call" and message[2] in CALLS:
                _, call_id, method, args, kwargs = message
                calls.submit(answer, call_id, method, args, kwargs)
    except (EOFError, OSError, KeyboardInterrupt):
        pass  # the window is gone (even killed): stop with it
    finally:
        calls.shutdown(wait=True)
        engine.stop()
        batcher.close()
        library.close()


class RemoteCallError(AppError):
    """What an engine call raised in the engine process: its kind and its words."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class EngineProcess:
    """The window's handle on its engine in a child process."""

    def __init__(
        self,
        library_root: Path,
        *,
        workers: int | None = None,
        run_jobs: bool = True,
        watch: bool = True,
        on_events: Callable[[list[Any]], None] | None = None,
    ) -> None:
        self.library_root = Path(library_root)
        self.on_events = on_events or (lambda events: None)
        self.child_pid: int | None = None
        self.child_modules: list[str] = []
        self._ready = threading.Event()
        self._lock = threading.Lock()
        self._next_id = 0
        self._pending: dict[int, Future] = {}
        self._child = ChildProcess(
            _serve,
            (str(self.library_root), workers, run_jobs, watch),
            name="docrouter-engine",
            on_message=self._on_message,
            on_exit=self._on_exit,
            restart=True,
        )

    @property
    def pid(self) -> int | None:
        return self._child.pid

    @property
    def restarts(self) -> int:
        return self._child.restarts

    def start(self, wait: float | None = 120.0) -> EngineProcess:
        """Start the engine; with ``wait``, until it has opened (and migrated) the library."""
        self._child.start()
        if wait and not self._ready.wait(wait):
            raise EngineUnavailable("The engine process did not start; see the log.")
        return self

    def wait_ready(self, timeout: float | None = None) -> bool:
        return self._ready.wait(timeout)

    def call(self, method: str, *args: Any, **kwargs: Any) -> Future:
        """Ask the engine to run ``method``; the future has its value, or its error."""
        if method not in CALLS:
            raise ValueError(f"The engine has no call '{method}'.")
        future: Future = Future()
        with self._lock:
            self._next_id += 1
            call_id = self._next_id
            self._pending[call_id] = future
        if not self._child.send(("call", call_id, method, args, kwargs)):
            with self._lock:
                self._pending.pop(call_id, None)
            future.set_exception(EngineUnavailable("The engine is starting again; try again."))
        return future

    def call_and_wait(self, method: str, *args: Any, timeout: float = CALL_TIMEOUT, **kw: Any):
        """``call`` and its value (for a dialog that cannot go on without it)."""
        return self.call(method, *args, **kw).result(timeout)

    def _on_message(self, message: Any) -> None:
        kind = message[0]
        if kind == "events":
            self.on_events(message[1])
        elif kind == "reply":
            _, call_id, ok, value = message
            with self._lock:
                future = self._pending.pop(call_id, None)
            if future is not None:
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(RemoteCallError(*value))
        elif kind == "ready":
            _, self.child_pid, self.child_modules = message
            self._ready.set()

    def _on_exit(self, code: int | None) -> None:
        self._ready.clear()
        with self._lock:
            pending, self._pending = self._pending, {}
        for future in pending.values():
            future.set_exception(
                EngineUnavailable(f"The engine process ended (exit code {code}); try again.")
            )

    def stop(self, timeout: float = 60.0) -> None:
        self._child.stop(timeout)
