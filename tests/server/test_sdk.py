"""The official DocRouter SDK (docrouter-sdk 0.1.5) against a real ``docrouter-desktop serve``
on a loopback port: the flow of the real server's own SDK check, except that creating schemas
and prompts is refused (the local engine has its built-in ones)."""

from __future__ import annotations

import base64
import time

import httpx
import pytest
from docrouter_sdk import DocRouterClient

from tests import factories
from tests.serve_process import ServeProcess, free_port


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The server, its account token, its default organization and a workspace token of it
    (made by the command line, as a user would)."""
    srv = ServeProcess(tmp_path_factory.mktemp("sdk") / "library", free_port(), workers=1)
    account = srv.cli("api-token", "create", "--name", "admin").strip().splitlines()[-1]
    srv.start()
    try:
        orgs = httpx.get(
            srv.url + "/v0/account/organizations",
            headers={"Authorization": f"Bearer {account}"},
            timeout=30,
        ).json()
        org = orgs["organizations"][0]["id"]
        token = srv.cli("api-token", "create", "--name", "sdk", "--org", org)
        yield srv, account, org, token.strip().splitlines()[-1]
    finally:
        srv.stop()


def _raises(fn, code: int) -> str:
    with pytest.raises(Exception) as caught:
        fn()
    assert f"({code})" in str(caught.value), str(caught.value)
    return str(caught.value)


def test_the_official_sdk_against_serve(served, tmp_path):
    srv, account, org, token = served
    c = DocRouterClient(srv.url, token)
    a_pdf = factories.invoice_pdf(tmp_path / "a.pdf", number="INV-SDK1", total=120.0, tax=20.0)
    b_pdf = factories.invoice_pdf(tmp_path / "b.pdf", number="INV-SDK2", total=75.5, tax=12.58)
    a_bytes, b_bytes = a_pdf.read_bytes(), b_pdf.read_bytes()

    tag = c.tags.create(org, {"name": "sdk-tag", "color": "#00aa00"})
    assert (tag.name, tag.color, tag.created_by) == ("sdk-tag", "#00aa00", "local")
    _raises(lambda: c.tags.create(org, {"name": "sdk-tag"}), 400)

    up = c.documents.upload(
        org,
        [
            {
                "name": "sdk-a.pdf",
                "content": base64.b64encode(a_bytes).decode(),
                "tag_ids": [tag.id],
                "metadata": {"via": "sdk"},
            }
        ],
    )
    (a,) = up["documents"]
    assert a["document_name"] == "sdk-a.pdf" and a["tag_ids"] == [tag.id]
    assert a["metadata"] == {"via": "sdk"}
    data_url = "data:application/pdf;base64," + base64.b64encode(b_bytes).decode()
    b = c.documents.upload(org, [{"name": "sdk-b.pdf", "content": data_url}])["documents"][0]
    a_id, b_id = a["document_id"], b["document_id"]

    p1 = c.documents.list(org, skip=0, limit=1)
    p2 = c.documents.list(org, skip=1, limit=1)
    assert p1.total_count == p2.total_count == 2 and p1.skip == 0 and p2.skip == 1
    assert {d.id for d in p1.documents + p2.documents} == {a_id, b_id}  # no repeats
    tagged = c.documents.list(org, tag_ids=[tag.id])
    assert [d.id for d in tagged.documents] == [a_id]
    assert [d.id for d in c.documents.list(org, metadata_search={"via": "sdk"}).documents] == [a_id]
    assert [d.id for d in c.documents.list(org, name_search="SDK-B").documents] == [b_id]

    for doc_id, original in ((a_id, a_bytes), (b_id, b_bytes)):
        states = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            d = c.documents.get(org, doc_id)
            if not states or states[-1] != d.state:
                states.append(d.state)
            if d.state in ("llm_completed", "llm_failed", "ocr_failed"):
                break
            time.sleep(0.3)
        assert states[-1] == "llm_completed", states
        assert base64.b64decode(d.content) == original
        assert d.uploaded_by == "sdk" and d.type == "application/pdf"

    text = c.ocr.get_text(org, a_id)
    assert "INV-SDK1" in text
    assert "INV-SDK1" in c.ocr.get_text(org, a_id, page_num=1)
    meta = c.ocr.get_metadata(org, a_id)
    assert meta["n_pages"] == 1 and meta["ocr_type"] == "pdf_text"

    # the local engine's fields, through the SDK
    engine = httpx.get(
        f"{srv.url}/v0/orgs/{org}/documents/{a_id}/results",
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    run = c.llm.run(org, a_id, prompt_revid="invoice")
    assert run.status == "success" and run.result == engine["fields"]
    assert run.result["invoice_number"] == "INV-SDK1" and run.result["total"] == 120.0
    got = c.llm.get_result(org, a_id, prompt_revid="invoice")
    assert got.llm_result == got.updated_llm_result == engine["fields"]
    assert got.is_edited is False and got.is_verified is False
    assert c.llm.get_result(org, a_id).updated_llm_result == engine["fields"]  # default

    fixed = c.llm.update_result(
        org, a_id, {"total": 121.0}, prompt_revid="invoice", is_verified=True
    )
    assert fixed.is_edited and fixed.is_verified
    assert fixed.updated_llm_result["total"] == 121.0 and fixed.llm_result["total"] == 120.0
    seed = httpx.get(
        f"{srv.url}/v0/orgs/{org}/documents/{a_id}/results",
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    assert seed["fields"]["total"] == 121.0
    assert seed["field_details"]["total"]["source"] == "user"
    assert seed["field_details"]["total"]["original"] == 120.0

    receipt = c.llm.run(org, b_id, prompt_revid="receipt")
    assert receipt.result["total"] == 75.5 and "invoice_number" not in receipt.result
    c.llm.delete_result(org, b_id, prompt_revid="receipt")
    _raises(lambda: c.llm.get_result(org, b_id, prompt_revid="receipt"), 404)

    assert c.tags.list(org).total_count == 1
    assert {s.schema_id for s in c.schemas.list(org).schemas} == {"invoice", "receipt"}
    assert c.schemas.get(org, "invoice").name == "DocRouter Desktop invoice"
    prompts = c.prompts.list(org)
    assert [p.prompt_id for p in prompts.prompts] == ["default", "auto", "invoice", "receipt"]
    assert c.prompts.get(org, "receipt").schema_id == "receipt"
    refused = _raises(
        lambda: c.schemas.create(
            org,
            {
                "name": "sdk-schema",
                "response_format": {"type": "json_schema", "json_schema": {"name": "x"}},
            },
        ),
        400,
    )
    assert "built-in processors only" in refused
    _raises(lambda: c.prompts.create(org, {"name": "p", "content": "Read it."}), 400)

    renamed = c.tags.update(org, tag.id, {"name": "sdk-renamed", "description": "via the SDK"})
    assert renamed.name == "sdk-renamed" and renamed.color == "#00aa00"
    assert c.documents.get(org, a_id).tag_ids == [tag.id]
    _raises(lambda: c.tags.delete(org, tag.id), 400)  # a document carries it

    c.documents.update(org, a_id, document_name="sdk-renamed.pdf", metadata={"k": "v"}, tag_ids=[])
    d = c.documents.get(org, a_id)
    assert (d.document_name, d.metadata, d.tag_ids) == ("sdk-renamed.pdf", {"k": "v"}, [])
    assert c.tags.delete(org, tag.id) == {"message": "Tag deleted successfully"}
    assert c.tags.list(org).total_count == 0
    assert c.documents.delete(org, b_id) == {"message": "Document deleted successfully"}
    assert c.documents.list(org).total_count == 1
    _raises(lambda: c.documents.get(org, b_id), 404)


def test_an_org_token_with_a_lifetime_through_the_sdk(served):
    srv, account, org, _token = served
    made = httpx.post(
        f"{srv.url}/v0/orgs/{org}/access_tokens",
        json={"name": "short-lived", "lifetime": 7},
        headers={"Authorization": f"Bearer {account}"},
    )
    assert made.status_code == 201 and made.json()["lifetime"] == 7
    assert made.json()["organization_id"] == org
    c = DocRouterClient(srv.url, made.json()["token"])
    assert c.documents.list(org).skip == 0
    assert c.tags.list(org).total_count >= 0
    revoked = httpx.delete(
        f"{srv.url}/v0/orgs/{org}/access_tokens/{made.json()['id']}",
        headers={"Authorization": f"Bearer {account}"},
    )
    assert revoked.status_code == 200 and revoked.json() == {
        "message": "Token deleted successfully"
    }
    _raises(lambda: c.documents.list(org), 401)
