"""``remote test``, ``batch --remote`` and ``retry`` against the real DocRouter server, directly
and through a fault-injecting proxy: every document sent once, read by the app's prompt, and
its answer brought home as the document's fields."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import httpx
import pytest

from docrouter_desktop.core.library import Library
from docrouter_desktop.core.prompts import PROMPTS
from docrouter_desktop.core.remote import corrections, remote_record
from docrouter_desktop.core.secrets import RemoteTokenStore
from tests.conftest import SHARED_EVAL
from tests.conftest import cli as _cli
from tests.remote.faulty_proxy import FaultPlan, start_proxy

INVOICES = SHARED_EVAL / "invoices"
FIELDS = PROMPTS["invoice"].fields


def _connect(lib, url, user, account=True, org=True, name="peer"):
    _cli(lib, "remote", "add", name, "--url", url)
    if account:
        _cli(lib, "token", "set", "--remote", name, input=user.account_token + "\n")
    if org:
        _cli(
            lib, "token", "set", "--remote", name, "--org", user.org_id, input=user.org_token + "\n"
        )


def _answers() -> dict[str, dict]:
    """What the stubbed model answers for each evaluation invoice: its ground truth."""
    truth = json.loads((SHARED_EVAL / "invoices.truth.json").read_text())
    return {name: dict(t["fields"]) for name, t in truth.items()}


def _export(path: Path) -> dict[str, dict]:
    return {Path(r["file"]).name: r for r in json.loads(path.read_text())}


def _check_results(export: dict[str, dict], answers: dict[str, dict]) -> None:
    assert len(export) == 11
    for name, answer in answers.items():
        row = export[name]
        assert row["status"] == "completed", (name, row["error"])
        fields = row["fields"]
        for key in FIELDS:
            want = answer.get(key)
            if key == "line_items":
                assert fields[key] == [], name
            else:
                assert fields[key] == want, (name, key, fields[key], want)
        assert row["processor_type"] == "invoice"
        for key in answer:
            detail = row["field_details"][key]
            assert detail["source"] == "remote" and detail["remote"] == "peer", (name, key)
            assert 0 < detail["confidence"] < 1


def _check_server(peer, user) -> list[dict]:
    docs = peer.documents(user)
    names = sorted(d["document_name"] for d in docs)
    assert names == sorted(p.name for p in INVOICES.iterdir()), names  # each once
    tag_ids = {t for d in docs for t in d["tag_ids"]}
    assert len(tag_ids) == 1  # the app's invoice tag, on every one
    assert all(d["metadata"].get("docrouter_desktop_sha256") for d in docs)
    return docs


@pytest.mark.slow
def test_remote_test_says_the_dialect_and_checks_what_a_batch_needs(tmp_path, peer, peer_user):
    lib = tmp_path / "lib"
    _connect(lib, peer.url, peer_user)
    p = _cli(lib, "remote", "test", "peer")
    assert "speaks DocRouter v0" in p.stdout
    assert "upload route: POST /v0/orgs/{org}/documents is there" in p.stdout
    assert f"workspace token for {peer_user.org_id}: can list its documents (0)" in p.stdout
    assert "account token: works; it sees 1 workspace(s)" in p.stdout
    listed = _cli(lib, "remote", "list").stdout
    assert "[docrouter]" in listed


@pytest.mark.slow
def test_an_account_token_alone_is_explained_and_nothing_is_sent(tmp_path, peer, peer_user):
    lib = tmp_path / "lib"
    _connect(lib, peer.url, peer_user, org=False)
    p = _cli(lib, "remote", "test", "peer", check=False)
    assert f"token set --remote peer --org {peer_user.org_id}" in p.stdout
    assert "organization token" in p.stdout
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(INVOICES / "oyo.pdf", docs)
    b = _cli(lib, "batch", str(docs), "--remote", "peer", "--org", peer_user.org_id, check=False)
    assert b.returncode == 1
    assert "organization token" in b.stderr + b.stdout
    assert peer.documents(peer_user) == []


@pytest.mark.slow
def test_batch_remote_of_the_eval_invoices(tmp_path, peer, peer_user):
    answers = _answers()
    peer.set_answers(answers)
    lib = tmp_path / "lib"
    _connect(lib, peer.url, peer_user)
    out = tmp_path / "out.json"
    p = _cli(
        lib,
        "--log-level",
        "DEBUG",
        "batch",
        str(INVOICES),
        "--remote",
        "peer",
        "--org",
        peer_user.org_id,
        "--export",
        str(out),
    )
    assert "11 completed" in p.stderr, p.stderr
    _check_results(_export(out), answers)
    _check_server(peer, peer_user)
    # Again: nothing is sent twice.
    again = _cli(lib, "batch", str(INVOICES), "--remote", "peer", "--org", peer_user.org_id)
    assert again.returncode == 0
    _check_server(peer, peer_user)
    # Nothing of a token on disk, in the library or its logs, after a debug-level run.
    for path in lib.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert peer_user.org_token.encode() not in data, path
            assert peer_user.account_token.encode() not in data, path
    assert peer_user.org_token not in p.stdout + p.stderr


@pytest.mark.slow
def test_batch_remote_through_faults_sends_each_document_once(tmp_path, peer, peer_user):
    answers = _answers()
    peer.set_answers(answers)
    plan = FaultPlan(fail_500=2, fail_429=2, drop=1, drop_after=2, only=("POST /v0/orgs",))
    proxy, url = start_proxy(peer.url, plan)
    try:
        lib = tmp_path / "lib"
        _connect(lib, url, peer_user)
        out = tmp_path / "out.json"
        _cli(
            lib,
            "batch",
            str(INVOICES),
            "--remote",
            "peer",
            "--org",
            peer_user.org_id,
            "--export",
            str(out),
        )
    finally:
        proxy.stop()
    kinds = [f for f, _m, _p in plan.injected]
    assert sorted(set(kinds)) == ["429", "500", "drop", "drop_after"], plan.injected
    _check_results(_export(out), answers)
    _check_server(peer, peer_user)


@pytest.mark.slow
def test_retry_after_the_token_was_revoked_half_way(tmp_path, peer, peer_user):
    answers = _answers()
    peer.set_answers(answers)
    uploads = 0
    revoked = threading.Event()

    def revoke_after_five(method, path, status):
        nonlocal uploads
        if method == "POST" and path.startswith(f"/v0/orgs/{peer_user.org_id}/documents"):
            uploads += 1
            if uploads == 5 and not revoked.is_set():
                revoked.set()
                with httpx.Client(base_url=peer.url, timeout=30) as c:
                    h = {"Authorization": f"Bearer {peer_user.session_jwt}"}
                    tokens = c.get(f"/v0/orgs/{peer_user.org_id}/access_tokens", headers=h).json()[
                        "access_tokens"
                    ]
                    for t in tokens:
                        c.delete(f"/v0/orgs/{peer_user.org_id}/access_tokens/{t['id']}", headers=h)

    plan = FaultPlan(on_forward=revoke_after_five)
    proxy, url = start_proxy(peer.url, plan)
    try:
        lib = tmp_path / "lib"
        _connect(lib, url, peer_user)
        first = _cli(
            lib, "batch", str(INVOICES), "--remote", "peer", "--org", peer_user.org_id, check=False
        )
        assert first.returncode == 1
        assert "refused the token" in first.stderr and "--org" in first.stderr, first.stderr
        # A new workspace token, then retry: every document completes, none sent twice.
        with httpx.Client(base_url=peer.url, timeout=30) as c:
            new = c.post(
                f"/v0/orgs/{peer_user.org_id}/access_tokens",
                headers={"Authorization": f"Bearer {peer_user.session_jwt}"},
                json={"name": "renewed", "lifetime": 0},
            ).json()["token"]
        _cli(lib, "token", "set", "--remote", "peer", "--org", peer_user.org_id, input=new + "\n")
        retry = _cli(lib, "retry", check=False)
    finally:
        proxy.stop()
    assert retry.returncode == 0, retry.stderr
    listing = _cli(lib, "list").stdout
    assert listing.count("completed") == 11, listing
    peer_user.org_token = new
    _check_server(peer, peer_user)


@pytest.mark.slow
def test_a_correction_goes_back_as_the_verified_result(tmp_path, peer, peer_user):
    peer.set_answers({"oyo.pdf": {"vendor": "OYO", "total": 1000.0, "currency": "INR"}})
    lib_dir = tmp_path / "lib"
    _connect(lib_dir, peer.url, peer_user)
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(INVOICES / "oyo.pdf", docs)
    _cli(lib_dir, "batch", str(docs), "--remote", "peer", "--org", peer_user.org_id)
    lib = Library(lib_dir)
    try:
        doc = lib.documents()[0][0]
        lib.correct_fields(doc.id, {"total": 1180.0})
        assert corrections.mark_pending(lib, doc.id)
        outcome = corrections.send(lib, RemoteTokenStore(), doc.id)
        assert outcome is not None and outcome.sent, outcome
        rec = remote_record(lib, doc.id)
        assert rec["correction_status"] == "sent" and rec["corrected_at"]
        with peer.org_client(peer_user) as c:
            stored = c.get(
                f"/v0/orgs/{peer_user.org_id}/llm/result/{rec['remote_document_id']}",
                params={"prompt_revid": rec["prompt_revid"]},
            ).json()
        assert stored["is_verified"] is True and stored["is_edited"] is True
        assert stored["updated_llm_result"]["total"] == 1180.0
        assert stored["llm_result"]["total"] == 1000.0
        assert stored["updated_llm_result"]["vendor"] == "OYO"
    finally:
        lib.close()


@pytest.mark.slow
def test_a_file_the_server_cannot_take_fails_alone(tmp_path, peer, peer_user):
    """This server converts non-PDF uploads with LibreOffice, which it lacks: a photo gets a
    500 there. That document fails with the server's words; the PDF beside it completes."""
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(INVOICES / "oyo.pdf", docs)
    receipt = next((SHARED_EVAL / "receipts").glob("*.jpg"))
    shutil.copy(receipt, docs / "photo.jpg")
    lib = tmp_path / "lib"
    _connect(lib, peer.url, peer_user)
    p = _cli(lib, "batch", str(docs), "--remote", "peer", "--org", peer_user.org_id, check=False)
    assert p.returncode == 1
    assert "1 completed" in p.stderr and "did not take this file" in p.stderr, p.stderr
    assert [d["document_name"] for d in peer.documents(peer_user)] == ["oyo.pdf"]


@pytest.mark.slow
def test_a_prompt_the_user_picked_reads_with_its_own_property_names(tmp_path, peer, peer_user):
    org = peer_user.org_id
    with peer.org_client(peer_user) as c:
        tag = c.post(f"/v0/orgs/{org}/tags", json={"name": "bills"}).json()
        schema = c.post(
            f"/v0/orgs/{org}/schemas",
            json={
                "name": "Our bills",
                "response_format": {
                    "type": "json_schema",
                    "json_schema": {
                        "name": "bill",
                        "strict": True,
                        "schema": {
                            "type": "object",
                            "properties": {
                                "supplier": {"type": "string"},
                                "amount": {"type": "number"},
                            },
                            "required": ["supplier", "amount"],
                            "additionalProperties": False,
                        },
                    },
                },
            },
        ).json()
        prompt = c.post(
            f"/v0/orgs/{org}/prompts",
            json={
                "name": "Our bills",
                "content": "Who sent it and how much.",
                "schema_id": schema["schema_id"],
                "schema_version": schema["schema_version"],
                "tag_ids": [tag["id"]],
            },
        ).json()
    peer.set_answers({"oyo.pdf": {"supplier": "OYO Rooms", "amount": 1939.0}})
    lib = tmp_path / "lib"
    _connect(lib, peer.url, peer_user)
    p = _cli(
        lib,
        "remote",
        "prompt",
        "peer",
        "--org",
        org,
        "--processor",
        "invoice",
        "--prompt",
        "Our bills",
        "--map",
        "vendor=supplier,total=amount",
    )
    assert "read by its prompt 'Our bills'" in " ".join(p.stderr.split())
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(INVOICES / "oyo.pdf", docs)
    out = tmp_path / "out.json"
    _cli(lib, "batch", str(docs), "--remote", "peer", "--org", org, "--export", str(out))
    row = _export(out)["oyo.pdf"]
    assert row["fields"]["vendor"] == "OYO Rooms" and row["fields"]["total"] == 1939.0
    assert row["field_details"]["total"]["prompt_revid"] == prompt["prompt_revid"]
    assert "Our bills" in row["field_details"]["vendor"]["rule"]
    # The shown text has the amount: its confidence is the higher one.
    assert row["field_details"]["total"]["confidence"] == 0.9
    sent = peer.documents(peer_user)
    assert [d["tag_ids"] for d in sent] == [[tag["id"]]]
    # Nothing of the app's own was made in the workspace.
    with peer.org_client(peer_user) as c:
        names = [x["name"] for x in c.get(f"/v0/orgs/{org}/prompts").json()["prompts"]]
    assert names == ["Our bills"]
