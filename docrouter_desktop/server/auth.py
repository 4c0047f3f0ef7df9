"""Token authentication: a middleware that looks the token up and applies the rate limit,
and the dependencies that enforce each endpoint's scope.

The token comes as ``Authorization: Bearer <token>`` or, without an Authorization header, as
``X-Api-Key: <token>`` (DocRouter's other way). Scopes: an account token reaches
``/v0/account`` and every organization; a workspace token only its own organization (another
one: 403; ``/v0/account``: 403). A missing, malformed, unknown, revoked or expired token is 401
with ``WWW-Authenticate: Bearer``.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from docrouter_desktop.core.api_tokens import ApiTokenService, TokenInfo
from docrouter_desktop.server.loopreads import LoopReads
from docrouter_desktop.server.ratelimit import RateLimiter

PUBLIC_PREFIXES = ("/openapi.json", "/docs", "/static/")
ANONYMOUS_KEYS = 10_000  # client connections whose tokenless requests are counted at once

bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="BearerToken",
    description="An account token or a workspace token: `Authorization: Bearer <token>`.",
)
api_key_scheme = APIKeyHeader(
    name="X-Api-Key",
    auto_error=False,
    scheme_name="ApiKey",
    description="The same token as `X-Api-Key: <token>` (used when there is no Authorization "
    "header).",
)


class AuthRateLimitMiddleware:
    """Finds the request's token (once per request, so a revoked token fails at once), counts
    the request against that token's limit (or, without one, against its client connection's
    in ``anonymous``, which keeps a bounded number of them), and puts the X-RateLimit headers
    on every reply; over the limit it answers 429 itself."""

    def __init__(
        self,
        app,
        tokens: ApiTokenService,
        reads: LoopReads,
        limiter: RateLimiter,
        anonymous: RateLimiter | None = None,
    ):
        self.app = app
        self.tokens = tokens
        self.reads = reads
        self.limiter = limiter
        self.anonymous = anonymous or RateLimiter(
            limiter.limit, limiter.window, limiter.clock, max_keys=ANONYMOUS_KEYS
        )

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        token = None
        problem: str | None = "missing"
        if not scope["path"].startswith(PUBLIC_PREFIXES):
            credentials, problem = _credentials(scope)
            if credentials is not None:
                token, problem = await self.reads.run(self.tokens.identify, credentials)
        state["token"] = token
        state["auth_problem"] = problem
        if scope["path"].startswith(PUBLIC_PREFIXES):
            # The documentation is never rate limited: one process calling it in a loop
            # must not make it answer 429 to everyone else on the machine.
            await self.app(scope, receive, send)
            return
        if token is not None:
            limiter = self.limiter
            allowance = limiter.hit(f"token:{token.id}")
        else:
            # Without a token, each client connection (address and port) has a bucket of its
            # own: one process's flood never makes another's requests answer 429.
            client = scope.get("client") or ("unknown", 0)
            limiter = self.anonymous
            allowance = limiter.hit(f"client:{client[0]}:{client[1]}")
        extra = allowance.headers()
        if not allowance.allowed:
            body = json.dumps(
                {
                    "detail": f"Rate limit of {allowance.limit} requests per "
                    f"{limiter.window:g} s exceeded; retry in {allowance.reset} s."
                }
            ).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 429,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                        *extra,
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _credentials(scope) -> tuple[str | None, str | None]:
    """The presented secret, or None and why there is none ("missing", "malformed", ...)."""
    header = _header(scope, b"authorization")
    if header is not None:
        scheme, _, credentials = header.partition(" ")
        credentials = credentials.strip()
        if scheme.lower() != "bearer" or not credentials or " " in credentials:
            return None, "malformed"
        return credentials, None
    key = _header(scope, b"x-api-key")
    if key is not None:
        key = key.strip()
        return (key, None) if key and " " not in key else (None, "malformed key")
    return None, "missing"


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


_PROBLEMS = {
    "missing": "Missing token: send 'Authorization: Bearer <token>' (or 'X-Api-Key: <token>').",
    "malformed": "Malformed Authorization header: expected 'Bearer <token>'.",
    "malformed key": "Malformed X-Api-Key header: expected the token alone.",
    "invalid": "Unknown or revoked token.",
    "expired": "API token expired",
}


async def current_token(
    request: Request,
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)],
    _api_key: Annotated[str | None, Security(api_key_scheme)],
) -> TokenInfo:
    token = request.scope.get("state", {}).get("token")
    if token is None:
        problem = request.scope.get("state", {}).get("auth_problem") or "missing"
        raise HTTPException(401, _PROBLEMS[problem], headers={"WWW-Authenticate": "Bearer"})
    return token


async def account_token(token: Annotated[TokenInfo, Depends(current_token)]) -> TokenInfo:
    if not token.is_account_token:
        raise HTTPException(403, "A workspace token cannot use the account endpoints.")
    return token


async def organization_access(
    organization_id: str, token: Annotated[TokenInfo, Depends(current_token)]
) -> str:
    """The organization of the path, if this token's scope reaches it. No database work here
    (the hot status path stays short): an endpoint that reads a document answers 404 for a
    document outside the organization, and the others check that the organization exists
    (``require_organization``)."""
    if token.organization_id is not None and token.organization_id != organization_id:
        raise HTTPException(403, "This workspace token belongs to another organization.")
    return organization_id


def require_organization(request: Request, organization_id: str) -> None:
    """404 for an unknown organization (call from a sync endpoint: it reads the database)."""
    if not request.app.state.library.organization_exists(organization_id):
        raise HTTPException(404, f"No organization '{organization_id}'.")
