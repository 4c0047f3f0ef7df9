"""Token authentication: which token goes with which path, sent as a bearer token (or as
``X-Api-Key`` for servers that want that header)."""

from __future__ import annotations

import re
from collections.abc import Generator

import httpx

_ORG_PATH = re.compile(r"/v0/orgs/([^/]+)")
_ACCOUNT_PATH = re.compile(r"/v0/account(/|$)")


class TokenAuth(httpx.Auth):
    """Picks the token for each request: a workspace (organization) token on
    ``/v0/orgs/{org}/...`` when one is known for that organization, the account token
    everywhere else. DocRouter servers accept only the organization's own token on its paths
    and only an account token on ``/v0/account``; a server of the desktop dialect also takes
    the account token on every organization, so it is sent when no workspace token is known.
    """

    def __init__(
        self,
        account_token: str | None,
        org_tokens: dict[str, str] | None = None,
        header: str = "Authorization",
    ) -> None:
        self._account = account_token
        self._orgs = dict(org_tokens or {})
        self._header = header

    def __repr__(self) -> str:  # never show a secret
        return (
            f"TokenAuth(account={'set' if self._account else 'unset'}, orgs={sorted(self._orgs)})"
        )

    @property
    def has_account_token(self) -> bool:
        return bool(self._account)

    def org_token_known(self, org: str) -> bool:
        return org in self._orgs

    def token_for(self, path: str) -> str | None:
        m = _ORG_PATH.search(path)
        if m and m.group(1) in self._orgs:
            return self._orgs[m.group(1)]
        return self._account

    def kind_for(self, path: str) -> str:
        """``workspace``, ``account`` or ``none``: which token a request to ``path`` carries."""
        m = _ORG_PATH.search(path)
        if m and m.group(1) in self._orgs:
            return "workspace"
        return "account" if self._account else "none"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self.token_for(request.url.path)
        if token:
            if self._header.lower() == "authorization":
                request.headers["Authorization"] = f"Bearer {token}"
            else:
                request.headers[self._header] = token
        yield request


def org_of(path: str) -> str | None:
    m = _ORG_PATH.search(path)
    return m.group(1) if m else None


def is_account_path(path: str) -> bool:
    return bool(_ACCOUNT_PATH.search(path))
