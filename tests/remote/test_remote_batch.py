"""``batch --remote`` against a real ``serve`` on loopback, through a fault-injecting proxy."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from docrouter_desktop.client import DocRouterClient
from tests import factories
from tests.conftest import cli as _cli
from tests.remote.faulty_proxy import FaultPlan, start_proxy


@pytest.fixture(autouse=True)
def _keyring(keyring_store):
    return keyring_store


def _setup_remote(lib, url, token, name="srv"):
    _cli(lib, "remote", "add", name, "--url", url)
    _cli(lib, "token", "set", "--remote", name, input=token + "\n")


def _invoices(folder, n):
    folder.mkdir(exist_ok=True)
    for i in range(n):
        factories.invoice_pdf(folder / f"r{i}.pdf", number=f"R-{i}", total=200.0 + i, tax=20.0)
    return folder


def _org(server) -> str:
    with DocRouterClient(server.url, server.account_token) as c:
        return c.organizations()[0]["id"]


def test_remote_batch_survives_faults_and_matches_a_local_run(tmp_path, server):
    docs = _invoices(tmp_path / "docs", 4)
    local = tmp_path / "local.json"
    _cli(
        tmp_path / "local-lib", "batch", str(docs), "--processor", "invoice", "--export", str(local)
    )

    plan = FaultPlan(fail_500=2, fail_429=1, drop=1)
    proxy, url = start_proxy(server.url, plan)
    try:
        lib = tmp_path / "lib"
        _setup_remote(lib, url, server.account_token)
        out = tmp_path / "remote.json"
        p = _cli(
            lib,
            "--log-level",
            "DEBUG",
            "batch",
            str(docs),
            "--processor",
            "invoice",
            "--remote",
            "srv",
            "--org",
            _org(server),
            "--export",
            str(out),
            check=False,
        )
        assert p.returncode == 0, p.stderr
    finally:
        proxy.stop()
    remote_rows = json.loads(out.read_text())
    local_rows = json.loads(local.read_text())
    assert [r["status"] for r in remote_rows] == ["completed"] * 4
    assert [r["fields"] for r in remote_rows] == [r["fields"] for r in local_rows]
    with DocRouterClient(server.url, server.account_token) as c:
        assert len(list(c.documents(_org(server)))) == 4  # each uploaded once
    # The faults were really met, and retried.
    assert plan.fail_500 == 0 and plan.fail_429 == 0 and plan.drop == 0
    # The token is nowhere on disk: not in the library, its logs, or the output.
    for path in lib.rglob("*"):
        if path.is_file():
            assert server.account_token.encode() not in path.read_bytes(), path
    assert server.account_token not in p.stderr + p.stdout
    # The library says what left the machine, where to, and when.
    shown = _cli(lib, "show", remote_rows[0]["document_id"]).stdout
    assert "sent to srv" in shown and url in shown


def test_a_server_restarted_half_way_loses_nothing(tmp_path, server):
    docs = _invoices(tmp_path / "docs", 6)
    lib = tmp_path / "lib"
    _setup_remote(lib, server.url, server.account_token)
    org = _org(server)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "docrouter_desktop",
            "--library",
            str(lib),
            "batch",
            str(docs),
            "--remote",
            "srv",
            "--org",
            org,
            "--export",
            str(tmp_path / "out.json"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    with DocRouterClient(server.url, server.account_token) as c:
        while time.monotonic() < deadline and len(list(c.documents(org))) < 2:
            time.sleep(0.05)
    server.stop()
    time.sleep(1.0)
    server.start()
    _o, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    rows = json.loads((tmp_path / "out.json").read_text())
    assert [r["status"] for r in rows] == ["completed"] * 6
    with DocRouterClient(server.url, server.account_token) as c:
        assert len(list(c.documents(org))) == 6


def test_a_revoked_token_fails_the_documents_with_a_clear_message(tmp_path, server):
    docs = _invoices(tmp_path / "docs", 2)
    with DocRouterClient(server.url, server.account_token) as c:
        made = c.create_access_token("short-lived")
        c.delete_access_token(made["id"])
    lib = tmp_path / "lib"
    _setup_remote(lib, server.url, made["token"])
    p = _cli(lib, "batch", str(docs), "--remote", "srv", "--org", _org(server), check=False)
    assert p.returncode == 1
    assert "refused the token" in p.stderr and "token set --remote srv" in p.stderr
    # Nothing is lost: the documents are in the library, failed, and can be retried.
    listing = json.loads(_cli(lib, "list", "--json").stdout)
    assert sorted(d["status"] for d in listing) == ["failed", "failed"]


def test_low_confidence_documents_go_to_the_remote_except_from_a_never_folder(tmp_path, server):
    org = _org(server)
    lib = tmp_path / "lib"
    _setup_remote(lib, server.url, server.account_token)
    # A page with no invoice cues: its fields come out empty or unsure.
    unsure = tmp_path / "unsure"
    unsure.mkdir()
    factories.text_image(unsure / "note.png", ["Meeting notes", "call Bob about 12.50", "Tuesday"])
    private = tmp_path / "private"
    private.mkdir()
    factories.text_image(private / "diary.png", ["Dear diary", "spent 3.20 on coffee", "Monday"])
    _cli(
        lib, "remote", "rule", "low-confidence", "--remote", "srv", "--org", org, "--below", "0.99"
    )
    listing = _cli(lib, "remote", "rule", "never", "--folder", str(private)).stdout
    assert "1. send to srv" in listing and "2. never send documents from" in listing
    _cli(lib, "batch", str(unsure), str(private), "--processor", "receipt")
    with DocRouterClient(server.url, server.account_token) as c:
        names = [d["document_name"] for d in c.documents(org)]
    assert names == ["note.png"]  # the private folder's document never left the machine


def test_remote_test_says_serve_speaks_the_desktop_dialect(tmp_path, server):
    lib = tmp_path / "lib"
    _setup_remote(lib, server.url, server.account_token)
    p = _cli(lib, "remote", "test", "srv")
    assert "speaks DocRouter Desktop v0" in p.stdout
    assert "upload route: POST /v0/orgs/{org}/documents/upload is there" in p.stdout
    assert f"workspace {_org(server)} with the account token: can list documents" in p.stdout
    assert "[desktop]" in _cli(lib, "remote", "list").stdout


def test_the_docrouter_dialect_against_serve_reads_with_the_local_processors(tmp_path, server):
    """The app's own DocRouter path (tags, the app's prompt found by name, JSON uploads,
    llm/result) against ``serve``: the answers are the local engine's fields."""
    docs = _invoices(tmp_path / "docs", 3)
    local = tmp_path / "local.json"
    _cli(
        tmp_path / "local-lib", "batch", str(docs), "--processor", "invoice", "--export", str(local)
    )
    lib = tmp_path / "lib"
    _cli(lib, "remote", "add", "srv", "--url", server.url, "--dialect", "docrouter")
    _cli(lib, "token", "set", "--remote", "srv", input=server.account_token + "\n")
    out = tmp_path / "remote.json"
    _cli(
        lib,
        "batch",
        str(docs),
        "--processor",
        "invoice",
        "--remote",
        "srv",
        "--org",
        _org(server),
        "--export",
        str(out),
    )
    remote_rows = {r["file"]: r for r in json.loads(out.read_text())}
    local_rows = {r["file"]: r for r in json.loads(local.read_text())}
    assert remote_rows.keys() == local_rows.keys()
    for name, row in remote_rows.items():
        assert row["status"] == "completed" and row["processor_type"] == "invoice"
        for key in ("invoice_number", "total", "tax", "currency", "date"):
            assert row["fields"][key] == local_rows[name]["fields"][key], (name, key)
        assert row["field_details"]["total"]["source"] == "remote"
    with DocRouterClient(server.url, server.account_token) as c:
        org = _org(server)
        assert len(list(c.list_documents(org))) == 3
        assert [t["name"] for t in c.tags(org)] == ["docrouter-desktop-invoice"]
