"""The API served from a child process that can be started and stopped: the window's
"Serve the local DocRouter API" preference.

The window could run ``ServerThread`` in its own process, but every request's Python work
(routing, validation, JSON) would then hold the interpreter lock the window needs to repaint;
in a child process the API and the window never wait for each other. The child binds the
socket itself first, so that a port already in use is told back in words at once. It reports
``running``/``failed`` through one pipe and listens for ``stop`` on another; when the parent
goes away (even killed), that pipe closes and the child stops on its own: no orphan server.

``ServerProcess`` starts the child from a thread of its own, so ``start()`` returns at once;
``on_state(state, text)`` is called from that thread (``starting``, ``running``, ``failed``,
``stopped``).
"""

from __future__ import annotations

import dataclasses
import errno
import gc
import logging
import os
import socket
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from docrouter_desktop.core.supervisor import ChildProcess

log = logging.getLogger(__name__)

STOP_TIMEOUT = 30.0  # seconds for the child to finish its requests and its runner
# Seconds the child waits, once the server has stopped, for the threads of requests still
# running (uvicorn gives them its graceful shutdown, then cancels their tasks, but a thread
# cannot be cancelled: a call waiting for a document, POST .../llm/run, goes on for minutes).
LINGER = 1.0


class BindError(Exception):
    """The address cannot be served; the message says why in words for the user."""


def url_for(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def browsable_url(host: str, port: int) -> str:
    """The address a browser on this machine uses (``0.0.0.0`` is not one)."""
    if host in ("0.0.0.0", ""):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return url_for(host, port)


def bind(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port``, or a BindError saying why not."""
    try:
        infos = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE | socket.AI_NUMERICSERV
        )
    except socket.gaierror:
        raise BindError(
            f"'{host}' is not an address of this machine: choose another host"
        ) from None
    family, kind, proto, _name, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        if hasattr(socket, "SO_REUSEADDR") and not _windows():
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        if exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1)):
            raise BindError(f"Port {port} is in use: choose another") from None
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise BindError(
                f"Port {port} needs administrator rights: choose one from 1024 to 65535"
            ) from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise BindError(
                f"{host} is not an address of this machine: choose another host"
            ) from None
        raise BindError(f"Cannot serve on {host}:{port}: {exc.strerror or exc}") from None
    return sock


def _windows() -> bool:
    return sys.platform.startswith("win")


def _serve(commands, states, root: str, host: str, port: int, config) -> None:
    """In the child: bind, serve until told to stop (or the parent is gone), report."""
    send_lock = threading.Lock()

    def report(state: str, text: str) -> None:
        with send_lock:
            try:
                states.send((state, text))
            except (OSError, ValueError):
                pass

    try:
        sock = bind(host, port)
    except BindError as exc:
        report("failed", str(exc))
        return

    import uvicorn

    from docrouter_desktop.core.library import Library
    from docrouter_desktop.server.app import create_app
    from docrouter_desktop.server.serve import _uvicorn_config

    # This process only serves, as ``serve`` does: a short switch interval, and the start-up
    # objects kept out of the garbage collector's full passes (see serve.serve).
    sys.setswitchinterval(0.001)
    library = Library(Path(root))
    app = create_app(library, dataclasses.replace(config, bind_host=host))
    gc.collect()
    gc.freeze()
    server = uvicorn.Server(_uvicorn_config(app, host, port))
    finished = threading.Event()

    def watch() -> None:
        while not server.started and not finished.is_set():
            time.sleep(0.02)
        if server.started:
            report("running", url_for(host, port))
        try:
            commands.recv()  # "stop", or EOFError when the window is gone
        except (EOFError, OSError):
            pass
        server.should_exit = True

    threading.Thread(target=watch, name="docrouter-api-watch", daemon=True).start()
    try:
        server.run(sockets=[sock])
    except SystemExit:  # uvicorn exits this way when the app's start-up fails
        pass
    finally:
        finished.set()
        sock.close()
        library.close()
    if server.started:
        report("stopped", "")
    else:
        report("failed", "The API server did not start: see the log in the library folder")
    _end_without_request_threads(LINGER)


def _end_without_request_threads(timeout: float) -> None:
    """End the child now if threads of requests are still running after ``timeout``: the
    interpreter would otherwise wait for each at exit (they are not daemons), and the window
    closing would wait for the longest request, then kill the child anyway."""
    deadline = time.monotonic() + timeout
    others = [
        t for t in threading.enumerate() if t is not threading.current_thread() and not t.daemon
    ]
    for thread in others:
        thread.join(max(0.0, deadline - time.monotonic()))
    left = [t for t in others if t.is_alive()]
    if left:
        log.info(
            "the API stopped with %d request thread(s) still running: not waited for", len(left)
        )
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


class ServerProcess:
    """The API over the library at ``library_root``, in a child process
    (``core.supervisor.ChildProcess``; not started again if it ends: the window says so)."""

    def __init__(
        self,
        library_root: Path,
        host: str,
        port: int,
        config=None,
        on_state: Callable[[str, str], None] | None = None,
    ):
        self.library_root = Path(library_root)
        self.host, self.port = host, port
        self.config = config
        self.on_state = on_state or (lambda state, text: None)
        self.state = "stopped"
        self._last = ("stopped", "")
        self._lock = threading.Lock()
        self._stop_requested = threading.Event()
        self._child: ChildProcess | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return url_for(self.host, self.port)

    @property
    def pid(self) -> int | None:
        child = self._child
        return child.pid if child is not None else None

    def start(self) -> None:
        """Start the child from a thread: returns at once; ``on_state`` follows."""
        if self._thread is not None:
            return
        self._stop_requested.clear()
        self._set("starting", self.url)
        self._thread = threading.Thread(target=self._run, name="docrouter-api-process", daemon=True)
        self._thread.start()

    def _set(self, state: str, text: str) -> None:
        self.state = state
        try:
            self.on_state(state, text)
        except RuntimeError:  # the receiver (a window) is gone
            pass

    def _on_message(self, message) -> None:
        self._last = message
        self._set(*message)

    def _on_exit(self, code: int | None) -> None:
        last = self._last[0]
        with self._lock:
            self._child = None
            self._thread = None
        if last == "running" and not self._stop_requested.is_set():
            self._set("failed", f"The local API stopped unexpectedly (exit code {code})")
        elif last == "running":
            self._set("stopped", "")

    def _run(self) -> None:
        from docrouter_desktop.server.app import ServerConfig

        child = ChildProcess(
            _serve,
            (str(self.library_root), self.host, self.port, self.config or ServerConfig()),
            name="docrouter-api",
            on_message=self._on_message,
            on_exit=self._on_exit,
        )
        with self._lock:
            if self._stop_requested.is_set():
                self._thread = None
                self._set("stopped", "")
                return
            self._last = ("stopped", "")
            self._child = child
            child.start()

    def stop(self, timeout: float = STOP_TIMEOUT, wait: bool = True) -> None:
        """Ask the child to stop; with ``wait``, until it has (terminated past ``timeout``)."""
        with self._lock:
            self._stop_requested.set()
            child, thread = self._child, self._thread
        if thread is not None:
            thread.join(timeout)
        if child is not None:
            child.stop(timeout, wait=wait)
