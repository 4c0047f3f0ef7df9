"""The command line: api-token create/list/revoke, and ``serve`` answering the product page's
curl examples as written (with the local base URL and a real token)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from docrouter_desktop.server.serve import exposure_warning, free_port, is_loopback
from tests import factories
from tests.conftest import run_cli


def test_api_token_create_list_revoke(tmp_path):
    lib = tmp_path / "lib"
    code, out, err = run_cli("api-token", "create", "--name", "laptop", library=lib)
    assert code == 0, err
    lines = out.strip().splitlines()
    assert len(lines) == 1 and re.fullmatch(r"[A-Za-z0-9_-]{32,}", lines[-1])
    secret = lines[-1]
    assert "account token" in err and secret not in err

    code, out, err = run_cli("org", "create", "Books", library=lib)
    org = out.strip()
    code, out, err = run_cli("api-token", "create", "--name", "ws", "--org", "Books", library=lib)
    assert code == 0 and f"workspace token for {org}" in err

    code, out, _ = run_cli("api-token", "list", library=lib)
    assert "laptop" in out and "ws" in out and org in out and secret not in out
    token_id = next(line.split()[0] for line in out.splitlines() if "laptop" in line)
    code, _, err = run_cli("api-token", "revoke", token_id, library=lib)
    assert code == 0
    code, out, _ = run_cli("api-token", "list", library=lib)
    assert "laptop" not in out
    code, _, err = run_cli("api-token", "revoke", token_id, library=lib)
    assert code == 1 and "No token" in err
    code, _, err = run_cli("api-token", "create", "--name", "x", "--org", "Nope", library=lib)
    assert code == 2


def test_only_loopback_is_quiet():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert exposure_warning("127.0.0.1") is None
    assert "not on loopback" in exposure_warning("0.0.0.0")
    assert not is_loopback("192.168.1.10")


def _curl(*args: str) -> dict:
    out = subprocess.run(["curl", "-sS", *args], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_serve_answers_the_product_page_curl_examples(tmp_path):
    lib = tmp_path / "lib"
    _code, out, _err = run_cli("api-token", "create", "--name", "curl", library=lib)
    token = out.strip().splitlines()[-1]
    port = free_port()
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    server = subprocess.Popen(
        [sys.executable, "-m", "docrouter_desktop", "--library", str(lib), "serve"]
        + ["--port", str(port), "--workers", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read()
                assert time.monotonic() < deadline, "serve did not start"
                time.sleep(0.2)
        auth = ["-H", f"Authorization: Bearer {token}"]
        json_type = ["-H", "Content-Type: application/json"]
        profile = _curl("-X", "GET", f"{base}/v0/account/profile", *auth, *json_type)
        assert profile["organization_count"] == 1
        orgs = _curl("-X", "GET", f"{base}/v0/account/organizations", *auth, *json_type)
        org = orgs["organizations"][0]["id"]
        pdf = factories.invoice_pdf(Path(tmp_path / "document.pdf"), number="INV-CURL-1")
        upload = _curl(
            "-X",
            "POST",
            f"{base}/v0/orgs/{org}/documents/upload",
            *auth,
            "-F",
            f"file=@{pdf}",
            "-F",
            "processor_type=invoice",
        )
        assert upload["status"] == "queued"
        doc = upload["document_id"]
        status_url = f"{base}/v0/orgs/{org}/documents/{doc}/status"
        deadline = time.monotonic() + 120
        while (status := _curl(status_url, *auth)["status"]) in ("queued", "processing"):
            assert time.monotonic() < deadline
            time.sleep(0.2)
        assert status == "completed"
        results = _curl(
            "-X", "GET", f"{base}/v0/orgs/{org}/documents/{doc}/results", *auth, *json_type
        )
        assert results["fields"]["invoice_number"] == "INV-CURL-1"
        assert results["fields"]["total"] == 120.0
    finally:
        server.terminate()
        _out, err = server.communicate(timeout=60)
    assert f"http://127.0.0.1:{port}" in err
    assert "not on loopback" not in err
