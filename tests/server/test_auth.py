"""Every authentication case: none, malformed, unknown, revoked, wrong scope, wrong org."""

from __future__ import annotations

import re
import time

import pytest

from docrouter_desktop.core.api_tokens import ApiTokenService


def _is_401(r) -> None:
    assert r.status_code == 401, r.text
    assert r.headers["www-authenticate"] == "Bearer"
    assert isinstance(r.json()["detail"], str)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "Token abc",
        "Bearer two words",
        "Bearer drd_" + "x" * 43,  # well formed, unknown
        "Bearer short",
    ],
)
def test_missing_malformed_or_unknown_token_is_401(idle_api, header):
    headers = {"Authorization": header} if header is not None else {}
    with idle_api.client() as c:
        _is_401(c.get("/v0/account/profile", headers=headers))
        _is_401(c.get(f"/v0/orgs/{idle_api.org_id}/documents", headers=headers))


def test_revoked_token_is_401_at_once(idle_api, idle_client):
    created = idle_client.post("/v0/account/access_tokens", json={"name": "to revoke"})
    assert created.status_code == 201
    secret, token_id = created.json()["token"], created.json()["id"]
    with idle_api.client(secret) as c:
        assert c.get("/v0/account/profile").status_code == 200
        deleted = idle_client.delete(f"/v0/account/access_tokens/{token_id}")
        assert deleted.status_code == 200
        assert deleted.json() == {"message": "Token deleted successfully"}
        _is_401(c.get("/v0/account/profile"))
    # Revoked from another process (the command line): also at once, no cache in between.
    info, secret2 = ApiTokenService(idle_api.library).create("cli-revoked")
    with idle_api.client(secret2) as c:
        assert c.get("/v0/account/profile").status_code == 200
        ApiTokenService(idle_api.library).revoke(info.id, any_scope=True)
        _is_401(c.get("/v0/account/profile"))


def test_secrets_are_url_safe_shown_once_and_only_hashed(idle_api, idle_client):
    created = idle_client.post("/v0/account/access_tokens", json={"name": "sheet"}).json()
    # the seed's fields, and DocRouter's
    assert set(created) == {
        "id",
        "name",
        "created_at",
        "token",
        "user_id",
        "organization_id",
        "lifetime",
        "expires_at",
    }
    assert re.fullmatch(r"[A-Za-z0-9_-]{32,}", created["token"])
    listed = idle_client.get("/v0/account/access_tokens", params={"limit": 100}).json()
    entry = next(t for t in listed["access_tokens"] if t["id"] == created["id"])
    assert set(entry) == {
        "id",
        "name",
        "created_at",
        "last_used_at",
        "user_id",
        "organization_id",
        "lifetime",
        "expires_at",
        "token",
    }
    assert entry["last_used_at"] is None
    # DocRouter's 10-character preview, which reveals nothing of the secret
    assert len(entry["token"]) == 10 and entry["token"] == "drd_******"
    with idle_api.client(created["token"]) as c:
        assert c.get("/v0/account/profile").status_code == 200
    # recorded in the background, so that no request waits for the write lock
    deadline = time.monotonic() + 10
    while entry["last_used_at"] is None and time.monotonic() < deadline:
        time.sleep(0.05)
        listed = idle_client.get("/v0/account/access_tokens", params={"limit": 100}).json()
        entry = next(t for t in listed["access_tokens"] if t["id"] == created["id"])
    assert entry["last_used_at"] is not None
    raw = idle_api.library.db.engine.raw_connection()
    try:
        rows = raw.execute("SELECT * FROM access_tokens").fetchall()
    finally:
        raw.close()
    assert created["token"] not in repr(rows)


def test_workspace_token_reaches_only_its_organization(idle_api, idle_client):
    other = idle_client.post("/v0/account/organizations", json={"name": "Other"}).json()["id"]
    r = idle_client.post(f"/v0/orgs/{idle_api.org_id}/access_tokens", json={"name": "ws"})
    assert r.status_code == 201
    workspace = r.json()["token"]
    # a document of the other organization
    up = idle_client.post(
        f"/v0/orgs/{other}/documents/upload",
        files={"file": ("o.txt", b"Invoice from Other Ltd, total 5.00", "text/plain")},
    )
    assert up.status_code == 202
    foreign_doc = up.json()["document_id"]
    with idle_api.client(workspace) as ws:
        assert ws.get(f"/v0/orgs/{idle_api.org_id}/documents").status_code == 200
        assert ws.get(f"/v0/orgs/{idle_api.org_id}/access_tokens").status_code == 200
        for path in (
            f"/v0/orgs/{other}/documents",
            f"/v0/orgs/{other}/documents/{foreign_doc}",
            f"/v0/orgs/{other}/access_tokens",
            "/v0/orgs/org_does_not_exist/documents",
        ):
            r = ws.get(path)
            assert r.status_code == 403, path
            assert "another organization" in r.json()["detail"]
        for path in ("/v0/account/profile", "/v0/account/organizations"):
            r = ws.get(path)
            assert r.status_code == 403 and isinstance(r.json()["detail"], str)
        assert ws.post("/v0/account/access_tokens", json={"name": "x"}).status_code == 403
        # another organization's document through one's own organization: 404, not 403
        r = ws.get(f"/v0/orgs/{idle_api.org_id}/documents/{foreign_doc}")
        assert r.status_code == 404
        for tail in ("status", "results"):
            url = f"/v0/orgs/{idle_api.org_id}/documents/{foreign_doc}/{tail}"
            assert ws.get(url).status_code == 404, tail
        assert ws.delete(f"/v0/orgs/{idle_api.org_id}/documents/{foreign_doc}").status_code == 404
    # the account token reaches both organizations
    assert idle_client.get(f"/v0/orgs/{other}/documents/{foreign_doc}").status_code == 200
    # an account token cannot be revoked through a workspace, nor a workspace token as account
    ws_id = idle_client.get(f"/v0/orgs/{idle_api.org_id}/access_tokens").json()["access_tokens"]
    assert idle_client.delete(f"/v0/account/access_tokens/{ws_id[0]['id']}").status_code == 404
    assert idle_client.get("/v0/orgs/org_does_not_exist/documents").status_code == 404


def test_deleting_an_organization_takes_its_documents_and_tokens(idle_api, idle_client):
    org = idle_client.post("/v0/account/organizations", json={"name": "Short-lived"}).json()
    assert org["document_count"] == 0
    ws = idle_client.post(f"/v0/orgs/{org['id']}/access_tokens", json={"name": "w"}).json()
    up = idle_client.post(
        f"/v0/orgs/{org['id']}/documents/upload",
        files={"file": ("s.txt", b"short-lived organization document", "text/plain")},
    ).json()
    deleted = idle_client.delete(f"/v0/account/organizations/{org['id']}")
    assert deleted.status_code == 200 and deleted.json()["status"] == "success"
    assert idle_client.get(f"/v0/orgs/{org['id']}/documents").status_code == 404
    with idle_api.client(ws["token"]) as c:
        _is_401(c.get(f"/v0/orgs/{org['id']}/documents"))
    assert idle_api.library.statuses([up["document_id"]]) == {}
    assert idle_client.delete(f"/v0/account/organizations/{org['id']}").status_code == 404
    default = idle_client.delete(f"/v0/account/organizations/{idle_api.org_id}")
    assert default.status_code == 409
