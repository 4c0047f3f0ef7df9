"""A limit on the size of request bodies: JSON bodies are small, so any body over the limit is
refused with 413 before the app reads it. The uploads read their own (larger) bodies within
their own limits and pass through."""

from __future__ import annotations

import json
import re

JSON_BODY_LIMIT = 1 << 20  # 1 MiB: corrections, tags, tokens, document updates
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# The routes that read an upload themselves, bounded (server.upload).
_UPLOADS = re.compile(r"^/v0/orgs/[^/]+/documents(/upload|/multipart)?/?$")


class BodyLimitMiddleware:
    """Reads a body of up to ``limit`` bytes ahead of the app and hands it on; past that it
    answers 413 itself. A ``Content-Length`` over the limit is refused before reading."""

    def __init__(self, app, limit: int = JSON_BODY_LIMIT):
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send):
        if (
            scope["type"] != "http"
            or scope["method"] not in BODY_METHODS
            or (scope["method"] == "POST" and _UPLOADS.match(scope["path"]))
        ):
            await self.app(scope, receive, send)
            return
        length = _content_length(scope)
        if length is not None and length > self.limit:
            await self._refuse(send)
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body, handed = b"".join(chunks), False

        async def replay():
            nonlocal handed
            if not handed:
                handed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, send) -> None:
        detail = f"The request body is larger than the limit of {self.limit / (1 << 20):g} MiB."
        body = json.dumps({"detail": detail}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _content_length(scope) -> int | None:
    for key, value in scope.get("headers", []):
        if key.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
