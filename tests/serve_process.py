"""A real ``docrouter-desktop serve`` on a loopback port, over its own library, started and
stopped as a user would (for the tests of its API and of the client against it)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServeProcess:
    def __init__(self, library: Path, port: int, workers: int | None = None):
        self.library = library
        self.port = port
        self.workers = workers
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen | None = None

    def cli(self, *args: str, input: str | None = None) -> str:
        p = subprocess.run(
            [sys.executable, "-m", "docrouter_desktop", "--library", str(self.library), *args],
            capture_output=True,
            text=True,
            input=input,
            timeout=120,
        )
        assert p.returncode == 0, p.stderr
        return p.stdout

    def start(self) -> None:
        cmd = [sys.executable, "-m", "docrouter_desktop", "--library", str(self.library)]
        cmd += ["serve", "--port", str(self.port)]
        if self.workers is not None:
            cmd += ["--workers", str(self.workers)]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"serve exited with {self.proc.returncode}")
            try:
                if httpx.get(self.url + "/openapi.json", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.2)
        raise RuntimeError("serve did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
