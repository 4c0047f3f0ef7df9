"""One child process of the app's own, supervised: the engine behind the window, the job
runner behind ``serve``, the API the window serves.

A child is spawned (never forked: the parent may hold Qt, threads and locks), with the
parent's main script hidden from it. It gets two pipes: commands from the parent, messages to
it. A thread of the parent reads the messages and hands each to ``on_message``. When the
child ends, ``on_exit(exit_code)`` is called; a child that ended without being asked to is
started again after a pause that grows when it keeps dying (``restart=True``). When the
parent goes away, even killed, the child's command pipe closes and the child ends on its own:
no orphan.

The child's side is a function ``target(commands, messages, *args)``; it should end when
``commands.recv()`` raises ``EOFError`` (the parent is gone) or returns ``"stop"``.

A parent that ends without stopping its children (an uncaught exception in a script, say)
stops them at exit: the children are not daemons (they start worker processes of their own),
so the interpreter would otherwise wait for them for ever while their command pipes are open.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import multiprocessing
import multiprocessing.util  # its exit hook (which joins children) is registered before ours
import sys
import threading
import time
import types
import weakref
from collections.abc import Callable, Iterator
from typing import Any

log = logging.getLogger(__name__)

RESTART_DELAYS = (0.5, 2.0, 10.0, 30.0)  # after a child died (the longer the more often)
STABLE_AFTER = 60.0  # a child that lived this long counts as healthy again
STOP = "stop"
STOP_AT_EXIT = 10.0  # seconds a child gets to stop when its parent exits without stopping it

_live: weakref.WeakSet[ChildProcess] = weakref.WeakSet()


@atexit.register  # registered after multiprocessing's own exit hook, so it runs before it
def _stop_children_at_exit() -> None:
    for child in list(_live):
        try:
            child.stop(timeout=STOP_AT_EXIT)
        except Exception:
            log.exception("%s: could not stop it at exit", child.name)


@contextlib.contextmanager
def main_module_hidden() -> Iterator[None]:
    """A spawned child imports the parent's main script again (for what it pickled by
    reference); the app's children need nothing from it, and a window's script imports Qt."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


class ChildProcess:
    """``start()``, ``send()``, ``stop()``; messages come to ``on_message`` on a thread of
    this process."""

    def __init__(
        self,
        target: Callable[..., None],
        args: tuple[Any, ...] = (),
        *,
        name: str,
        on_message: Callable[[Any], None] | None = None,
        on_exit: Callable[[int | None], None] | None = None,
        restart: bool = False,
        restart_delays: tuple[float, ...] = RESTART_DELAYS,
    ) -> None:
        self.target = target
        self.args = args
        self.name = name
        self.on_message = on_message or (lambda message: None)
        self.on_exit = on_exit or (lambda code: None)
        self.restart = restart
        self.restart_delays = restart_delays
        self.restarts = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._commands: Any = None
        self._messages: Any = None
        self._process: Any = None
        self._reader: threading.Thread | None = None

    @property
    def pid(self) -> int | None:
        process = self._process
        return process.pid if process is not None else None

    @property
    def running(self) -> bool:
        process = self._process
        return process is not None and process.is_alive()

    def start(self) -> None:
        """Start the child and the thread that reads it (returns once it is started)."""
        self._stopping.clear()
        with self._lock:
            self._launch()
        _live.add(self)
        self._reader = threading.Thread(target=self._read, name=f"{self.name}-reader", daemon=True)
        self._reader.start()

    def _launch(self) -> None:
        """Start a child (with ``_lock`` held)."""
        ctx = multiprocessing.get_context("spawn")
        commands_in, commands_out = ctx.Pipe(duplex=False)
        messages_in, messages_out = ctx.Pipe(duplex=False)
        # Not a daemon: the children start worker processes of their own.
        process = ctx.Process(
            target=self.target, args=(commands_in, messages_out, *self.args), name=self.name
        )
        with main_module_hidden():
            process.start()
        commands_in.close()
        messages_out.close()
        self._commands, self._messages, self._process = commands_out, messages_in, process

    def _read(self) -> None:
        """Hand the child's messages on; start a new child when one dies (if so asked)."""
        failures = 0
        while True:
            started = time.monotonic()
            try:
                while True:
                    message = self._messages.recv()
                    try:
                        self.on_message(message)
                    except Exception:  # a listener's failure must not stop the reading
                        log.exception("%s: a message listener failed", self.name)
            except (EOFError, OSError):
                pass
            self._process.join()  # reaped: what it held can be taken again at once
            self._messages.close()
            code = self._process.exitcode
            try:
                self.on_exit(code)
            except Exception:
                log.exception("%s: the exit listener failed", self.name)
            if self._stopping.is_set() or code == 0 or not self.restart:
                return
            failures = 1 if time.monotonic() - started > STABLE_AFTER else failures + 1
            delay = self.restart_delays[min(failures, len(self.restart_delays)) - 1]
            log.error(
                "%s ended (exit code %s); starting it again in %.1f s", self.name, code, delay
            )
            if self._stopping.wait(delay):
                return
            with self._lock:  # so that stop() stops this new child, not the dead one
                if self._stopping.is_set():
                    return
                self._commands.close()
                self._launch()
            self.restarts += 1

    def send(self, message: Any) -> bool:
        """Send a command; False when there is no child to take it."""
        with self._lock:
            try:
                self._commands.send(message)
                return True
            except (OSError, ValueError, AttributeError):  # stopped, or between two children
                return False

    def stop(self, timeout: float = 60.0, wait: bool = True) -> None:
        """Ask the child to stop; with ``wait``, until it has (terminated past ``timeout``)."""
        if self._process is None:
            return
        self._stopping.set()
        self.send(STOP)
        reader = self._reader
        if not wait or reader is None:
            return
        # The reading thread sees the child's pipe close and reaps it: the one place that waits
        # for it (two threads waiting for one process race).
        reader.join(timeout)
        if reader.is_alive():
            log.error("%s did not stop in %s s; terminating it", self.name, timeout)
            with self._lock:
                self._process.terminate()
            reader.join(10)
        self._reader = None
        with self._lock:
            self._commands.close()
            self._process = None
        _live.discard(self)
