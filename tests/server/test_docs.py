"""/openapi.json and /docs: the bearer scheme, examples, and a Swagger UI that works offline."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile

import httpx
import pytest

CONTRACT = {
    ("get", "/v0/account/profile"),
    ("get", "/v0/account/organizations"),
    ("post", "/v0/account/organizations"),
    ("delete", "/v0/account/organizations/{id}"),
    ("get", "/v0/account/access_tokens"),
    ("post", "/v0/account/access_tokens"),
    ("delete", "/v0/account/access_tokens/{id}"),
    ("get", "/v0/orgs/{organization_id}/access_tokens"),
    ("post", "/v0/orgs/{organization_id}/access_tokens"),
    ("delete", "/v0/orgs/{organization_id}/access_tokens/{id}"),
    ("post", "/v0/orgs/{organization_id}/documents/upload"),
    ("get", "/v0/orgs/{organization_id}/documents"),
    ("get", "/v0/orgs/{organization_id}/documents/{document_id}"),
    ("get", "/v0/orgs/{organization_id}/documents/{document_id}/status"),
    ("get", "/v0/orgs/{organization_id}/documents/{document_id}/results"),
    ("patch", "/v0/orgs/{organization_id}/documents/{document_id}/results"),
    ("get", "/v0/orgs/{organization_id}/documents/{document_id}/file"),
    ("post", "/v0/orgs/{organization_id}/documents/{document_id}/process"),
    ("post", "/v0/orgs/{organization_id}/documents/{document_id}/cancel"),
    ("delete", "/v0/orgs/{organization_id}/documents/{document_id}"),
}


def test_openapi_declares_every_endpoint_the_bearer_scheme_and_examples(idle_api):
    spec = httpx.get(f"{idle_api.url}/openapi.json").json()  # no token needed
    operations = {(m, p) for p, item in spec["paths"].items() for m in item}
    assert operations == CONTRACT
    schemes = spec["components"]["securitySchemes"]
    assert schemes["BearerToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["BearerToken"]["description"],
    }
    for path, item in spec["paths"].items():
        for method, op in item.items():
            assert op["security"] == [{"BearerToken": []}], (method, path)
            assert "401" in op["responses"] and "429" in op["responses"]
    models = spec["components"]["schemas"]
    for name in ("Result", "Document", "UploadReply", "Profile", "AccessTokenCreated"):
        assert models[name]["examples"], name
    upload = spec["paths"]["/v0/orgs/{organization_id}/documents/upload"]["post"]
    form = upload["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert form["required"] == ["file"] and form["properties"]["file"]["format"] == "binary"
    assert {"200", "202", "413", "415"} <= set(upload["responses"])


def test_every_asset_of_the_docs_page_is_served_locally(idle_api):
    page = httpx.get(f"{idle_api.url}/docs")
    assert page.status_code == 200
    urls = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert len(urls) == 3
    for url in urls:
        assert url.startswith("/"), f"{url} is not served by the app"
        r = httpx.get(f"{idle_api.url}{url}")
        assert r.status_code == 200 and len(r.content) > 100, url
    assert "url: '/openapi.json'" in page.text
    assert "cdn" not in page.text.lower()


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_docs_renders_every_endpoint_in_a_browser_without_network(idle_api):
    with tempfile.TemporaryDirectory() as profile:
        out = subprocess.run(
            [
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={profile}",
                # the network is cut off: every host but loopback fails, through a dead proxy
                "--proxy-server=http://127.0.0.1:9",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                "--virtual-time-budget=15000",
                "--dump-dom",
                f"{idle_api.url}/docs",
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    dom = out.stdout
    rendered = set(re.findall(r'data-path="([^"]+)"', dom))
    assert rendered == {p for _m, p in CONTRACT}, out.stderr[-2000:]
    assert "btn authorize" in dom  # the bearer scheme's Authorize button
