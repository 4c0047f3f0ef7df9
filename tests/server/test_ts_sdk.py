"""The official DocRouter TypeScript SDK (@docrouter/sdk, from the npm registry) against a real
``docrouter-desktop serve``: upload, poll, list, OCR text, run, result, verified update, tags
and delete, with the local engine's fields in the answers."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from tests import factories
from tests.serve_process import ServeProcess, free_port

FLOW = Path(__file__).resolve().parents[1] / "ts_sdk" / "flow.cjs"
SDK_HOME = Path(
    os.environ.get("DOCROUTER_TS_SDK") or Path.home() / ".cache" / "docrouter-desktop" / "ts-sdk"
)


@pytest.fixture
def ts_sdk() -> Path:
    modules = SDK_HOME / "node_modules"
    if not shutil.which("node") or not (modules / "@docrouter" / "sdk").is_dir():
        pytest.skip(
            f"Node.js or @docrouter/sdk is not installed (scripts/test installs it into "
            f"{SDK_HOME} where npm is available)"
        )
    return modules


def test_the_typescript_sdk_against_serve(tmp_path, ts_sdk):
    srv = ServeProcess(tmp_path / "library", free_port(), workers=1)
    account = srv.cli("api-token", "create", "--name", "admin").strip().splitlines()[-1]
    srv.start()
    try:
        org = httpx.get(
            srv.url + "/v0/account/organizations",
            headers={"Authorization": f"Bearer {account}"},
            timeout=30,
        ).json()["organizations"][0]["id"]
        token = srv.cli("api-token", "create", "--name", "ts", "--org", org).splitlines()[-1]
        pdf = factories.invoice_pdf(tmp_path / "ts.pdf", number="TS-4242", total=240.0, tax=40.0)
        p = subprocess.run(
            ["node", str(FLOW), srv.url, token.strip(), org, str(pdf)],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "NODE_PATH": str(ts_sdk)},
        )
    finally:
        srv.stop()
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["state"] == "llm_completed"
    assert out["content_bytes"] == pdf.stat().st_size
    assert out["listed"] == [out["upload"]["document_id"]]
    assert "TS-4242" in out["text"] and out["metadata"]["n_pages"] == 1
    assert out["run"]["status"] == "success"
    assert out["run"]["result"]["invoice_number"] == "TS-4242"
    assert out["run"]["result"]["total"] == 240.0
    assert out["result"]["llm_result"]["total"] == 240.0 and not out["result"]["is_verified"]
    assert out["updated"]["is_verified"] and out["updated"]["updated_llm_result"]["total"] == 999.5
    assert out["tags"] == ["ts-sdk"]
    assert out["deleted"] == {"message": "Document deleted successfully"} and out["after"] == 0
