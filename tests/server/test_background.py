"""The API in a child process (the window's serve toggle): bind errors in words, stop on
request, and no orphan server when the process that started it dies."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time

import httpx

from docrouter_desktop.core.api_tokens import ApiTokenService
from docrouter_desktop.core.library import Library
from docrouter_desktop.server.app import ServerConfig
from docrouter_desktop.server.background import BindError, ServerProcess, bind, browsable_url
from docrouter_desktop.server.serve import free_port


def wait_for(predicate, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def answers(url: str) -> bool:
    try:
        httpx.get(url, timeout=5)
    except httpx.ConnectError:
        return False
    return True


def test_bind_says_why_an_address_cannot_be_served():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        try:
            bind("127.0.0.1", port)
        except BindError as exc:
            assert str(exc) == f"Port {port} is in use: choose another"
        else:
            raise AssertionError("a port in use was bound")
    try:
        bind("192.0.2.123", free_port())  # TEST-NET-1: never an address of this machine
    except BindError as exc:
        assert "not an address of this machine" in str(exc)
    else:
        raise AssertionError("a foreign address was bound")
    assert browsable_url("0.0.0.0", 8765) == "http://127.0.0.1:8765"
    assert browsable_url("::", 8765) == "http://[::1]:8765"


def test_the_child_serves_the_library_and_stops_on_request(library):
    _info, secret = ApiTokenService(library).create("t")
    states: list[tuple[str, str]] = []
    changed = threading.Event()

    def on_state(state, text):
        states.append((state, text))
        changed.set()

    port = free_port()
    server = ServerProcess(
        library.root, "127.0.0.1", port, ServerConfig(run_jobs=False), on_state=on_state
    )
    server.start()
    assert wait_for(lambda: server.state in ("running", "failed"))
    assert states[-1] == ("running", f"http://127.0.0.1:{port}")
    assert server.pid != os.getpid()
    reply = httpx.get(
        f"{server.url}/v0/account/profile", headers={"Authorization": f"Bearer {secret}"}
    )
    assert reply.status_code == 200
    server.stop()
    assert states[-1][0] == "stopped"
    assert not answers(f"{server.url}/docs")


def test_the_server_stops_when_the_process_that_started_it_is_killed(tmp_path):
    Library(tmp_path / "lib").close()
    port = free_port()
    script = textwrap.dedent(
        f"""
        import sys, time
        from docrouter_desktop.server.app import ServerConfig
        from docrouter_desktop.server.background import ServerProcess

        def on_state(state, text):
            print(state, flush=True)

        if __name__ == "__main__":
            server = ServerProcess({str(tmp_path / "lib")!r}, "127.0.0.1", {port},
                                   ServerConfig(run_jobs=False), on_state=on_state)
            server.start()
            while server.state != "running":
                time.sleep(0.05)
            print(server.pid, flush=True)
            time.sleep(600)
        """
    )
    (tmp_path / "parent.py").write_text(script)
    parent = subprocess.Popen(
        [sys.executable, str(tmp_path / "parent.py")],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    try:
        lines = [parent.stdout.readline().strip() for _ in range(3)]
        assert lines[:2] == ["starting", "running"]
        child = int(lines[2])
        assert answers(f"http://127.0.0.1:{port}/docs")
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait(30)
        parent.stdout.close()
    # The pipe from the killed parent closes: the child stops serving and exits.
    assert wait_for(lambda: not answers(f"http://127.0.0.1:{port}/docs"))
    assert wait_for(lambda: not os.path.exists(f"/proc/{child}") or _zombie(child))


def _zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] == "Z"
    except OSError:
        return True
