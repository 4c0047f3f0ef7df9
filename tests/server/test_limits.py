"""Pagination edges, upload limits (413, 415, 422), rate limits (429) and error bodies."""

from __future__ import annotations

import socket

import httpx
import pytest

from docrouter_desktop.core.api_tokens import ApiTokenService
from docrouter_desktop.core.library import Library
from docrouter_desktop.server.app import ServerConfig
from docrouter_desktop.server.serve import ServerThread
from docrouter_desktop.server.upload import DEFAULT_MAX_UPLOAD


def _upload(client, org, name, data, **form):
    return client.post(
        f"/v0/orgs/{org}/documents/upload", files={"file": (name, data)}, data=form or None
    )


def test_pagination_edges(idle_api, idle_client):
    org = idle_api.org_id
    ids = []
    for i in range(5):
        r = _upload(idle_client, org, f"p{i}.txt", f"page test document number {i}".encode())
        assert r.status_code == 202
        ids.append(r.json()["document_id"])
    url = f"/v0/orgs/{org}/documents"
    everything = idle_client.get(url, params={"limit": 100}).json()
    total = everything["total_count"]
    assert total >= 5 and len(everything["documents"]) == total
    newest_first = [d["id"] for d in everything["documents"]]
    assert newest_first[:5] == ids[::-1]

    one = idle_client.get(url, params={"limit": 1, "offset": 1}).json()
    assert one["limit"] == 1 and one["offset"] == 1 and one["total_count"] == total
    assert [d["id"] for d in one["documents"]] == newest_first[1:2]
    past_end = idle_client.get(url, params={"offset": total}).json()
    assert past_end["documents"] == [] and past_end["total_count"] == total
    assert idle_client.get(url).json()["limit"] == 20

    for params in ({"limit": 0}, {"limit": 101}, {"limit": -1}, {"offset": -1}, {"limit": "x"}):
        r = idle_client.get(url, params=params)
        assert r.status_code == 422, params
        assert isinstance(r.json()["detail"], str) and r.json()["detail"]
    assert idle_client.get(url, params={"limit": 100}).status_code == 200
    for list_url in ("/v0/account/organizations", "/v0/account/access_tokens"):
        assert idle_client.get(list_url, params={"limit": 101}).status_code == 422
        page = idle_client.get(list_url, params={"limit": 1, "offset": 0}).json()
        assert page["limit"] == 1 and page["offset"] == 0 and page["total_count"] >= 1
    assert idle_client.get(url, params={"status": "bogus"}).status_code == 422


def test_duplicate_upload_answers_200_with_the_existing_document(idle_api, idle_client):
    org = idle_api.org_id
    data = b"duplicate me: invoice 42, total 10.00"
    first = _upload(idle_client, org, "a.txt", data)
    assert first.status_code == 202 and first.json()["duplicate"] is False
    again = _upload(idle_client, org, "renamed.txt", data)
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert again.json()["document_id"] == first.json()["document_id"]
    # the existing document as it is stored, under its first name
    assert (again.json()["document_name"], again.json()["status"]) == ("a.txt", "queued")
    sha = idle_client.get(f"/v0/orgs/{org}/documents/{first.json()['document_id']}").json()
    same = [d for d in idle_api.library.documents(org_id=org)[0] if d.sha256 == sha["sha256"]]
    assert len(same) == 1
    # the same bytes in another organization are another document
    other = idle_client.post("/v0/account/organizations", json={"name": "Dup"}).json()["id"]
    elsewhere = _upload(idle_client, other, "a.txt", data)
    assert elsewhere.status_code == 202
    assert elsewhere.json()["document_id"] != first.json()["document_id"]


def test_unsupported_types_are_415(idle_api, idle_client):
    org = idle_api.org_id
    zip_bytes = b"PK\x03\x04" + b"\x00" * 200
    r = _upload(idle_client, org, "archive.zip", zip_bytes)
    assert r.status_code == 415 and "ZIP" in r.json()["detail"]
    r = _upload(idle_client, org, "x.gif", b"GIF89a" + b"\x01" * 100)
    assert r.status_code == 415
    r = idle_client.post(f"/v0/orgs/{org}/documents/upload", json={"file": "not a form"})
    assert r.status_code == 415
    assert idle_api.library.documents(org_id=org, query="archive")[1] == 0


def test_bad_upload_forms_are_422(idle_api, idle_client):
    org = idle_api.org_id
    url = f"/v0/orgs/{org}/documents/upload"
    r = idle_client.post(url, data={"processor_type": "invoice"}, files={"other": ("x", b"x")})
    assert r.status_code == 422 and "'file'" in r.json()["detail"]
    r = _upload(idle_client, org, "x.txt", b"some text", processor_type="poem")
    assert r.status_code == 422 and "processor_type" in r.json()["detail"]
    r = _upload(idle_client, org, "empty.pdf", b"")
    assert r.status_code == 422 and "empty" in r.json()["detail"]


def test_uploads_over_the_limit_are_413_without_being_read(idle_api, idle_client):
    org = idle_api.org_id
    limit = 256 * 1024
    r = _upload(idle_client, org, "big.txt", b"a" * (limit + 1))
    assert r.status_code == 413 and "MiB" in r.json()["detail"]
    assert _upload(idle_client, org, "fits.txt", b"b" * limit).status_code == 202

    # A Content-Length far over the limit is refused before any of the body is sent.
    host, port = idle_api.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(
            (
                f"POST /v0/orgs/{org}/documents/upload HTTP/1.1\r\nHost: {host}\r\n"
                f"Authorization: Bearer {idle_api.account_token}\r\n"
                "Content-Type: multipart/form-data; boundary=xyz\r\n"
                f"Content-Length: {10 * 1024**3}\r\n\r\n"
            ).encode()
        )
        reply = s.recv(65536).decode("latin-1")
    assert reply.startswith("HTTP/1.1 413"), reply[:200]

    # Without a Content-Length (chunked), the body is counted as it arrives.
    def chunks():
        yield b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="c.txt"\r\n\r\n'
        for _ in range(8):
            yield b"c" * 65536

    r = idle_client.post(
        f"/v0/orgs/{org}/documents/upload",
        content=chunks(),
        headers={"Content-Type": "multipart/form-data; boundary=xyz"},
    )
    assert r.status_code == 413
    assert DEFAULT_MAX_UPLOAD == 50 * 1024 * 1024


@pytest.fixture
def limited(tmp_path):
    library = Library(tmp_path / "library")
    _info, secret = ApiTokenService(library).create("limited")
    _info, other = ApiTokenService(library).create("other")
    server = ServerThread(library, config=ServerConfig(run_jobs=False, rate_limit=3)).start()
    yield server.url, secret, other
    server.stop()
    library.close()


def test_rate_limit_per_token_with_headers_and_retry_after(limited):
    url, secret, other = limited
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {secret}"}) as c:
        replies = [c.get("/v0/account/profile") for _ in range(4)]
        over = c.get("/v0/account/organizations")
    assert [r.status_code for r in replies] == [200, 200, 200, 429]
    assert [r.headers["x-ratelimit-remaining"] for r in replies] == ["2", "1", "0", "0"]
    for r in replies:
        assert r.headers["x-ratelimit-limit"] == "3"
        assert 1 <= int(r.headers["x-ratelimit-reset"]) <= 60
    assert over.status_code == 429
    assert 1 <= int(over.headers["retry-after"]) <= 60
    assert "Rate limit" in over.json()["detail"]
    # another token has its own allowance
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {other}"}) as c:
        r = c.get("/v0/account/profile")
        assert r.status_code == 200 and r.headers["x-ratelimit-remaining"] == "2"


def test_framework_errors_have_detail_bodies_and_rate_headers(idle_client, idle_api):
    r = idle_client.get("/v0/nowhere")
    assert r.status_code == 404 and r.json() == {"detail": "Not Found"}
    assert "x-ratelimit-limit" in r.headers
    r = idle_client.put("/v0/account/profile")
    assert r.status_code == 405 and isinstance(r.json()["detail"], str)
    r = idle_client.post("/v0/account/organizations", json={"nom": "x"})
    assert r.status_code == 422 and "name" in r.json()["detail"]
    r = idle_client.post("/v0/account/organizations", content=b"{not json")
    assert r.status_code == 422 and isinstance(r.json()["detail"], str)
    for tail in ("", "/results"):
        r = idle_client.get(f"/v0/orgs/{idle_api.org_id}/documents/doc_missing{tail}")
        assert r.status_code == 404 and r.json() == {"detail": "No document 'doc_missing'."}
