"""/openapi.json and /docs: the bearer and X-Api-Key schemes, examples, every route of both
dialects, and a Swagger UI that works offline."""

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
# The routes only DocRouter's own v0 API has.
V0 = {
    ("get", "/v0/account/token/organization"),
    ("post", "/v0/orgs/{organization_id}/documents"),
    ("post", "/v0/orgs/{organization_id}/documents/multipart"),
    ("put", "/v0/orgs/{organization_id}/documents/{document_id}"),
    ("get", "/v0/orgs/{organization_id}/ocr/download/text/{document_id}"),
    ("get", "/v0/orgs/{organization_id}/ocr/download/metadata/{document_id}"),
    ("get", "/v0/orgs/{organization_id}/ocr/download/json/{document_id}"),
    ("get", "/v0/orgs/{organization_id}/llm/result/{document_id}"),
    ("put", "/v0/orgs/{organization_id}/llm/result/{document_id}"),
    ("delete", "/v0/orgs/{organization_id}/llm/result/{document_id}"),
    ("post", "/v0/orgs/{organization_id}/llm/run/{document_id}"),
    ("post", "/v0/orgs/{organization_id}/tags"),
    ("get", "/v0/orgs/{organization_id}/tags"),
    ("get", "/v0/orgs/{organization_id}/tags/{tag_id}"),
    ("put", "/v0/orgs/{organization_id}/tags/{tag_id}"),
    ("delete", "/v0/orgs/{organization_id}/tags/{tag_id}"),
    ("get", "/v0/orgs/{organization_id}/schemas"),
    ("post", "/v0/orgs/{organization_id}/schemas"),
    ("get", "/v0/orgs/{organization_id}/schemas/{schema_revid}"),
    ("put", "/v0/orgs/{organization_id}/schemas/{schema_id}"),
    ("delete", "/v0/orgs/{organization_id}/schemas/{schema_id}"),
    ("get", "/v0/orgs/{organization_id}/prompts"),
    ("post", "/v0/orgs/{organization_id}/prompts"),
    ("get", "/v0/orgs/{organization_id}/prompts/{prompt_revid}"),
    ("put", "/v0/orgs/{organization_id}/prompts/{prompt_id}"),
    ("delete", "/v0/orgs/{organization_id}/prompts/{prompt_id}"),
}
# The app's own read-only routes beside DocRouter's: the vendor memory.
LOCAL = {
    ("get", "/v0/orgs/{organization_id}/vendors"),
    ("get", "/v0/orgs/{organization_id}/vendors/{vendor_id}"),
}
PUBLIC = {("get", "/v0/account/token/organization")}


def test_openapi_declares_every_endpoint_the_bearer_scheme_and_examples(idle_api):
    spec = httpx.get(f"{idle_api.url}/openapi.json").json()  # no token needed
    operations = {(m, p) for p, item in spec["paths"].items() for m in item}
    assert operations == CONTRACT | V0 | LOCAL
    schemes = spec["components"]["securitySchemes"]
    assert schemes["BearerToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["BearerToken"]["description"],
    }
    assert schemes["ApiKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-Api-Key",
        "description": schemes["ApiKey"]["description"],
    }
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if (method, path) in PUBLIC:
                assert "security" not in op, (method, path)
            else:
                # either scheme: two alternatives
                assert op["security"] == [{"BearerToken": []}, {"ApiKey": []}], (method, path)
            assert "401" in op["responses"] and "429" in op["responses"]
            assert op.get("description") or op.get("summary"), (method, path)
    models = spec["components"]["schemas"]
    for name in ("Result", "Document", "UploadReply", "Profile", "AccessTokenCreated"):
        assert models[name]["examples"], name
    for name in ("LLMResult", "Prompt", "UploadedDocument", "TagConfig", "DocumentUpdate"):
        assert models[name]["examples"], name
    document = models["Document"]["properties"]
    assert {"status", "state", "tag_ids", "tags", "upload_date", "metadata"} <= set(document)
    json_upload = spec["paths"]["/v0/orgs/{organization_id}/documents"]["post"]
    body = json_upload["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["documents"]["items"]["properties"]["content"]["type"] == "string"
    assert {"413", "415"} <= set(json_upload["responses"])
    multipart = spec["paths"]["/v0/orgs/{organization_id}/documents/multipart"]["post"]
    form = multipart["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert set(form["properties"]) == {"file", "name", "tag_ids", "metadata"}
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
    assert rendered == {p for _m, p in CONTRACT | V0 | LOCAL}, out.stderr[-2000:]
    assert "btn authorize" in dom  # the bearer scheme's Authorize button
