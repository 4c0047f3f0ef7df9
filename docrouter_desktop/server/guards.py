"""Two outer layers of the API: the Host header checked against the names the server answers
to (a web page elsewhere cannot reach it through DNS rebinding), and an access log line per
request (method, path, status, milliseconds, the token's id, never its secret) at INFO."""

from __future__ import annotations

import ipaddress
import json
import logging
import socket
import time

from docrouter_desktop.core.display_names import BIDI_CONTROLS

log = logging.getLogger("docrouter_desktop.server.access")

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARDS = frozenset({"", "0.0.0.0", "::"})
LOGGED_PATH = 300  # characters of a path an access line keeps


def host_name(header: str) -> str:
    """The name in a Host header, without its port (``[::1]:8765`` -> ``::1``)."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header[1:]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def is_ip_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def machine_names() -> set[str]:
    """This machine's own names (``box``, ``box.local``, its fully qualified name)."""
    names = set()
    for name in (socket.gethostname(), socket.getfqdn()):
        name = name.strip().lower().rstrip(".")
        if name and name not in LOOPBACK_NAMES:
            names |= {name, name.split(".", 1)[0] + ".local"}
    return names


class HostCheckMiddleware:
    """Answers 421 to a request whose Host is not a loopback name or the name or address the
    server was bound to. A server bound to every address (0.0.0.0) takes any IP address and
    this machine's own names as well: a page elsewhere can rebind a name of its own to this
    machine's address, never make a browser send a bare address as the host."""

    def __init__(self, app, bind_host: str = "127.0.0.1", extra: tuple[str, ...] = ()):
        self.app = app
        bind = bind_host.strip("[]").lower()
        self.any_address = bind in WILDCARDS
        self.allowed = LOOPBACK_NAMES | {bind} | {h.lower() for h in extra}
        if self.any_address:
            self.allowed |= machine_names()

    def allows(self, header: str | None) -> bool:
        if header is None:
            return False
        name = host_name(header)
        return name in self.allowed or (self.any_address and is_ip_address(name))

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = next(
            (v.decode("latin-1") for k, v in scope.get("headers", []) if k.lower() == b"host"),
            None,
        )
        if self.allows(header):
            await self.app(scope, receive, send)
            return
        shown = loggable((header or "")[:100])
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


def loggable(text: str) -> str:
    """``text`` on one line that reads as it is stored: control characters (a newline would
    start a made-up log line) and direction controls escaped as ``\\xNN``/``\\uNNNN``."""
    if text.isprintable() and not any(ch in BIDI_CONTROLS for ch in text):
        return text
    return "".join(
        ch if ch.isprintable() and ch not in BIDI_CONTROLS else ascii(ch)[1:-1] for ch in text
    )


class AccessLogMiddleware:
    """One INFO line per request, written when its reply starts (the refused ones too: it is
    the outermost layer)."""

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
                    _logged_path(scope["path"]),
                    message["status"],
                    (time.perf_counter() - start) * 1000,
                    token.id if token is not None else "-",
                )
            await send(message)

        await self.app(scope, receive, logged)


def _logged_path(path: str) -> str:
    shown = loggable(path[:LOGGED_PATH])
    return shown + "..." if len(path) > LOGGED_PATH else shown
