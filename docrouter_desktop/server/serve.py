"""Running the API with uvicorn: in the foreground (``docrouter-desktop serve``) or in a
background thread that can be stopped (the window's preference toggle, and the tests)."""

from __future__ import annotations

import gc
import ipaddress
import logging
import socket
import sys
import threading
import time
from dataclasses import replace

import uvicorn

from docrouter_desktop.server.app import ServerConfig, create_app

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str) -> str | None:
    """Words for the user when the server is reachable from other machines."""
    if is_loopback(host):
        return None
    return (
        f"Warning: serving on {host}, not on loopback: other machines that can reach this "
        "one can call the API (a valid token is still required). Use --host 127.0.0.1 to "
        "keep it local."
    )


def _uvicorn_config(app, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=5,
    )


def serve(library, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, config=None) -> None:
    """Serve until interrupted (Ctrl-C)."""
    # This process serves only the API: hand the GIL over more often (default 5 ms), so a
    # status call does not wait behind a thread busy storing an upload or a result.
    sys.setswitchinterval(0.001)
    app = create_app(library, replace(config or ServerConfig(), bind_host=host))
    # What is loaded by now (the framework, the ORM, the routes: some 117,000 objects) lives as
    # long as the process: keep it out of the garbage collector's full passes, each of which
    # otherwise walked it all and stopped every request for about 60 ms.
    gc.collect()
    gc.freeze()
    uvicorn.Server(_uvicorn_config(app, host, port)).run()


class ServerThread:
    """A server in a background thread: ``start()`` returns once it accepts connections."""

    def __init__(self, library, host: str = DEFAULT_HOST, port: int = 0, config=None):
        if port == 0:
            port = free_port(host)
        self.host, self.port = host, port
        self.app = create_app(library, replace(config or ServerConfig(), bind_host=host))
        self.server = uvicorn.Server(_uvicorn_config(self.app, host, port))
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 30.0) -> ServerThread:
        self._thread = threading.Thread(target=self.server.run, name="docrouter-api", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"The API server did not start on {self.url}")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(30)


def free_port(host: str = DEFAULT_HOST) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]
