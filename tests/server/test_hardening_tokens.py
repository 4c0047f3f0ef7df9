"""A hostile local client: a workspace token mints nothing and revokes nothing, revoking a
token revokes what it minted, and a 100 MiB JSON body is refused while it streams."""

from __future__ import annotations

import os

import httpx


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def test_a_workspace_token_cannot_mint_or_revoke_tokens(idle_api, idle_client):
    org = idle_api.org_id
    made = idle_client.post(f"/v0/orgs/{org}/access_tokens", json={"name": "workspace"})
    assert made.status_code == 201
    owner = idle_client.post("/v0/account/access_tokens", json={"name": "owner's other"}).json()
    with idle_api.client(made.json()["token"]) as ws:
        minted = ws.post(f"/v0/orgs/{org}/access_tokens", json={"name": "more of me"})
        assert minted.status_code == 403 and "account token" in minted.json()["detail"]
        gone = ws.delete(f"/v0/orgs/{org}/access_tokens/{made.json()['id']}")
        assert gone.status_code == 403
        assert ws.delete(f"/v0/account/access_tokens/{owner['id']}").status_code == 403
        assert ws.get(f"/v0/orgs/{org}/documents").status_code == 200  # still works for its job
    listed = idle_client.get(f"/v0/orgs/{org}/access_tokens", params={"limit": 100}).json()
    assert [t["name"] for t in listed["access_tokens"]].count("more of me") == 0


def test_revoking_a_token_revokes_what_it_minted(idle_api, idle_client):
    org = idle_api.org_id
    parent = idle_client.post("/v0/account/access_tokens", json={"name": "parent"}).json()
    with idle_api.client(parent["token"]) as p:
        child = p.post(f"/v0/orgs/{org}/access_tokens", json={"name": "child"}).json()
        grandchild = p.post("/v0/account/access_tokens", json={"name": "grandchild"}).json()
    with idle_api.client(grandchild["token"]) as g:
        leaf = g.post(f"/v0/orgs/{org}/access_tokens", json={"name": "leaf"}).json()
    assert idle_client.delete(f"/v0/account/access_tokens/{parent['id']}").status_code == 200
    for secret in (child["token"], grandchild["token"], leaf["token"]):
        with idle_api.client(secret) as c:
            assert c.get(f"/v0/orgs/{org}/documents").status_code == 401


def test_a_100_mib_json_body_is_refused_with_flat_memory(idle_api, idle_client):
    org = idle_api.org_id
    up = idle_client.post(
        f"/v0/orgs/{org}/documents",
        json={"documents": [{"name": "a.txt", "content": "aGVsbG8gd29ybGQ="}]},
    )
    doc = up.json()["documents"][0]["document_id"]
    before = _rss_mb()
    chunk = b"x" * (1 << 20)

    def body():
        yield b'{"fields": {"total": "'
        for _ in range(100):
            yield chunk
        yield b'"}}'

    try:
        r = idle_client.patch(
            f"/v0/orgs/{org}/documents/{doc}/results",
            content=body(),
            headers={"content-type": "application/json"},
        )
        status = r.status_code
    except httpx.HTTPError:  # the server answered and closed while the body was still sent
        status = 413
    assert status == 413
    assert _rss_mb() - before < 60, (before, _rss_mb())  # the server runs in this process
    assert os.path.exists(idle_api.library.root)
