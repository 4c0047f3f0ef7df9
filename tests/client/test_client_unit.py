"""Narrow unit tests of the client's retry and error rules (an injected transport); the
contract itself is tested against the real server on loopback in tests/remote."""

from __future__ import annotations

import httpx
import pytest

from docrouter_desktop.client import (
    DocRouterClient,
    Forbidden,
    NetworkError,
    NotFound,
    RateLimited,
    ServerError,
    Unauthorized,
)

SECRET = "s3cr3t-token-value-abcdefghijklmnopqrstuvwxyz"


def _client(handler, **kw) -> DocRouterClient:
    kw.setdefault("backoff", 0.01)
    return DocRouterClient("http://dr.test", SECRET, transport=httpx.MockTransport(handler), **kw)


def test_5xx_and_429_are_retried_and_retry_after_is_honoured():
    calls = []

    def handler(request):
        calls.append(request)
        if len(calls) == 1:
            return httpx.Response(500, json={"detail": "boom"})
        if len(calls) == 2:
            return httpx.Response(429, headers={"Retry-After": "0"}, json={"detail": "slow down"})
        return httpx.Response(200, json={"id": "acc", "name": "Ann", "extra": 1})

    with _client(handler) as c:
        assert c.profile()["name"] == "Ann"
    assert len(calls) == 3
    assert calls[0].headers["Authorization"] == f"Bearer {SECRET}"


def test_retries_are_bounded_and_errors_carry_the_servers_detail():
    def handler(request):
        return httpx.Response(503, json={"detail": "maintenance until noon"})

    with _client(handler, retries=2) as c, pytest.raises(ServerError) as info:
        c.profile()
    assert info.value.detail == "maintenance until noon"
    assert "maintenance until noon" in str(info.value)


@pytest.mark.parametrize(
    ("status", "cls"), [(401, Unauthorized), (403, Forbidden), (404, NotFound), (429, RateLimited)]
)
def test_status_codes_become_typed_errors_without_the_token(status, cls):
    def handler(request):
        return httpx.Response(status, json={"detail": "nope"}, headers={"Retry-After": "0"})

    with _client(handler, retries=0) as c, pytest.raises(cls) as info:
        c.status("org1", "doc1")
    assert SECRET not in str(info.value) and SECRET not in repr(info.value.__dict__)
    assert SECRET not in repr(c)


def test_workspace_token_is_used_for_its_own_organization():
    seen = {}

    def handler(request):
        seen[request.url.path] = request.headers.get("Authorization")
        return httpx.Response(200, json={"document_id": "d", "status": "queued"})

    c = DocRouterClient(
        "http://dr.test",
        "account-token",
        org_tokens={"o1": "ws-token"},
        transport=httpx.MockTransport(handler),
    )
    with c:
        c.status("o1", "d")
        c.status("o2", "d")
    assert seen["/v0/orgs/o1/documents/d/status"] == "Bearer ws-token"
    assert seen["/v0/orgs/o2/documents/d/status"] == "Bearer account-token"


def test_pages_are_followed_until_total_count():
    def handler(request):
        offset = int(request.url.params["offset"])
        items = [{"id": f"d{i}"} for i in range(offset, min(offset + 100, 250))]
        return httpx.Response(
            200, json={"documents": items, "total_count": 250, "limit": 100, "offset": offset}
        )

    with _client(handler) as c:
        assert len(list(c.documents("o"))) == 250


def test_a_connection_refused_says_so():
    with (
        DocRouterClient("http://127.0.0.1:9", SECRET, retries=0) as c,
        pytest.raises(NetworkError) as info,
    ):
        c.profile()
    assert "refused" in str(info.value) or "connect" in str(info.value).lower()
    assert SECRET not in str(info.value)
