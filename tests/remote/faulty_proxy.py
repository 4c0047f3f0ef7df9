"""A fault-injecting HTTP proxy for tests: in front of a real server on loopback, it answers
500 or 429 for the first calls, drops connections (before the request reaches the server, or
after the server acted on it, so that the client never hears the answer), or delays, then
passes requests through. ``only`` limits the faults to requests whose "METHOD path" contains
one of its strings; ``on_forward`` sees every reply that went through."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx


class FaultPlan:
    def __init__(
        self,
        fail_500: int = 0,
        fail_429: int = 0,
        drop: int = 0,
        delay: float = 0.0,
        drop_after: int = 0,
        only: tuple[str, ...] = (),
        on_forward=None,
    ):
        self.fail_500 = fail_500
        self.fail_429 = fail_429
        self.drop = drop
        self.drop_after = drop_after
        self.delay = delay
        self.only = only
        self.on_forward = on_forward
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str]] = []  # (method, path) of every request seen
        self.forwarded: list[tuple[str, str, int]] = []
        self.injected: list[tuple[str, str, str]] = []  # (fault, method, path)

    def next_fault(self, method: str = "", path: str = "") -> str | None:
        if self.only and not any(s in f"{method} {path}" for s in self.only):
            return None
        fault = self._take()
        if fault:
            self.injected.append((fault, method, path))
        return fault

    def _take(self) -> str | None:
        with self.lock:
            if self.drop_after > 0:
                self.drop_after -= 1
                return "drop_after"
            if self.drop > 0:
                self.drop -= 1
                return "drop"
            if self.fail_500 > 0:
                self.fail_500 -= 1
                return "500"
            if self.fail_429 > 0:
                self.fail_429 -= 1
                return "429"
        return None


class Proxy(ThreadingHTTPServer):
    daemon_threads = True
    client: httpx.Client

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        self.client.close()


def start_proxy(upstream: str, plan: FaultPlan) -> tuple[Proxy, str]:
    client = httpx.Client(base_url=upstream, timeout=60)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # quiet
            pass

        def _handle(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            plan.requests.append((self.command, self.path))
            fault = plan.next_fault(self.command, self.path)
            if plan.delay:
                time.sleep(plan.delay)
            if fault == "drop":
                self.close_connection = True
                self.connection.close()
                return
            if fault in ("500", "429"):
                payload = b'{"detail": "injected fault"}'
                self.send_response(int(fault))
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                if fault == "429":
                    self.send_header("Retry-After", "1")
                self.end_headers()
                self.wfile.write(payload)
                return
            headers = {
                k: v
                for k, v in self.headers.items()
                if k.lower() not in ("host", "content-length", "connection")
            }
            try:
                r = client.request(self.command, self.path, content=body, headers=headers)
            except httpx.TransportError:
                self.send_response(502)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            plan.forwarded.append((self.command, self.path, r.status_code))
            if plan.on_forward is not None:
                plan.on_forward(self.command, self.path, r.status_code)
            if fault == "drop_after":  # the server acted; the client never hears of it
                self.close_connection = True
                self.connection.close()
                return
            self.send_response(r.status_code)
            for k, v in r.headers.items():
                if k.lower() not in (
                    "content-length",
                    "transfer-encoding",
                    "connection",
                    "content-encoding",
                ):
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(r.content)))
            self.end_headers()
            self.wfile.write(r.content)

        do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _handle

    server = Proxy(("127.0.0.1", 0), Handler)
    server.client = client
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"
