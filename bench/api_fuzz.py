"""Fuzz the local API with schemathesis against its own /openapi.json, with a valid token.

Starts a real server on a loopback port over a fresh library (with a job runner, and a few
documents already processed so that results, corrections and files have data), runs
``schemathesis run --checks not_a_server_error`` on every operation, and prints how many
requests were made and how many answered 5xx. Exit status 0 when there were none.

    python bench/api_fuzz.py [--max-examples 100] [--workers 4]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from docrouter_desktop.core.api_tokens import ApiTokenService  # noqa: E402
from docrouter_desktop.core.library import Library  # noqa: E402
from docrouter_desktop.server.app import ServerConfig  # noqa: E402
from docrouter_desktop.server.serve import ServerThread  # noqa: E402
from tests import factories  # noqa: E402


def seed(url: str, token: str, org: str, folder: Path) -> None:
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as c:
        ids = []
        for i in range(3):
            pdf = factories.invoice_pdf(folder / f"seed{i}.pdf", number=f"INV-F{i}")
            r = c.post(
                f"/v0/orgs/{org}/documents/upload",
                files={"file": (pdf.name, pdf.read_bytes())},
                data={"processor_type": "invoice"},
            )
            ids.append(r.json()["document_id"])
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            states = [c.get(f"/v0/orgs/{org}/documents/{d}/status").json()["status"] for d in ids]
            if all(s in ("completed", "failed") for s in states):
                return
            time.sleep(0.2)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-examples", type=int, default=100)
    ap.add_argument("--workers", default="1")
    args = ap.parse_args()
    exe = shutil.which("schemathesis") or str(Path(sys.executable).parent / "schemathesis")
    if not Path(exe).exists():
        print("schemathesis is not installed: pip install schemathesis", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        library = Library(Path(tmp) / "library")
        _info, token = ApiTokenService(library).create("fuzz")
        config = ServerConfig(rate_limit=1_000_000, workers=1)
        server = ServerThread(library, config=config).start()
        report = Path(tmp) / "report.ndjson"
        try:
            org = library.default_org_id()
            seed(server.url, token, org, Path(tmp))
            # Real organization ids in paths, so that the document operations are reached
            # rather than answering 404 for an unknown organization.
            settings = Path(tmp) / "schemathesis.toml"
            settings.write_text(f'[parameters]\n"path.organization_id" = "{org}"\n')
            cmd = [
                exe,
                "--config-file",
                str(settings),
                "run",
                f"{server.url}/openapi.json",
                "--checks",
                "not_a_server_error",
                "-H",
                f"Authorization: Bearer {token}",
                "--max-examples",
                str(args.max_examples),
                "--workers",
                args.workers,
                "--generation-database",
                "none",
                "--report",
                "ndjson",
                "--report-ndjson-path",
                str(report),
            ]
            started = time.monotonic()
            proc = subprocess.run(
                cmd, capture_output=True, text=True, env=dict(os.environ), cwd=tmp
            )
            elapsed = time.monotonic() - started
        finally:
            server.stop()
            library.close()
        statuses = Counter()
        for line in report.read_text().splitlines() if report.exists() else []:
            _count_statuses(json.loads(line), statuses)
    print(proc.stdout[-3000:])
    if proc.returncode not in (0, 1):
        print(proc.stderr[-3000:], file=sys.stderr)
    total = sum(statuses.values())
    server_errors = sum(n for code, n in statuses.items() if code >= 500)
    print(f"schemathesis: {total} requests in {elapsed:.0f} s; status codes {dict(statuses)}")
    print(f"5xx replies: {server_errors}; schemathesis exit status {proc.returncode}")
    return 0 if server_errors == 0 and proc.returncode == 0 else 1


def _count_statuses(node, statuses: Counter) -> None:
    """Every recorded response in a schemathesis ndjson event, wherever it sits."""
    if isinstance(node, dict):
        response = node.get("response")
        if isinstance(response, dict) and isinstance(response.get("status_code"), int):
            statuses[response["status_code"]] += 1
        for value in node.values():
            _count_statuses(value, statuses)
    elif isinstance(node, list):
        for value in node:
            _count_statuses(value, statuses)


if __name__ == "__main__":
    raise SystemExit(main())
