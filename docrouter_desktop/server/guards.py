"""Two outer layers of the API: the Host header checked against the names the server answers
to (a web page elsewhere cannot reach it through DNS rebinding), and an access log line per
request (method, path, status, milliseconds, the token's id, never its secret) at INFO."""

from __future__ import annotations

import json
import logging
import time

log = logging.getLogger("docrouter_desktop.server.access")

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARDS = frozenset({"", "0.0.0.0", "::"})


def host_name(header: str) -> str:
    """The name in a Host header, without its port (``[::1]:8765`` -> ``::1``)."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header[1:]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class HostCheckMiddleware:
    """Answers 421 to a request whose Host is not a loopback name or the address the server
    was bound to; a server bound to every address (0.0.0.0) takes any."""

    def __init__(self, app, bind_host: str = "127.0.0.1", extra: tuple[str, ...] = ()):
        self.app = app
        bind = bind_host.strip("[]").lower()
        self.any_host = bind in WILDCARDS
        self.allowed = LOOPBACK_NAMES | {bind} | {h.lower() for h in extra}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or self.any_host:
            await self.app(scope, receive, send)
            return
        header = next(
            (v.decode("latin-1") for k, v in scope.get("headers", []) if k.lower() == b"host"),
            None,
        )
        if header is not None and host_name(header) in self.allowed:
            await self.app(scope, receive, send)
            return
        shown = (header or "")[:100]
        body = json.dumps(
            {
                "detail": f"This server does not answer to the host name '{shown}'. Call it as "
                "127.0.0.1 or localhost (or start it with --host NAME)."
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 421,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class AccessLogMiddleware:
    """One INFO line per request, written when its reply starts."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not log.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()

        async def logged(message):
            if message["type"] == "http.response.start":
                token = scope.get("state", {}).get("token")
                log.info(
                    "%s %s %s %.1f ms token=%s",
                    scope["method"],
                    scope["path"],
                    message["status"],
                    (time.perf_counter() - start) * 1000,
                    token.id if token is not None else "-",
                )
            await send(message)

        await self.app(scope, receive, logged)
