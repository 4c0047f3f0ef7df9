"""DocRouter's own v0 API beside the seed's, over a real server: base64 and multipart uploads,
the merged document shapes, list paging and filters, OCR, LLM prompts as local processors,
tags, the built-in schemas and prompts, token lifetimes and X-Api-Key."""

from __future__ import annotations

import base64
import time
from datetime import datetime, timedelta
from urllib.parse import quote

import httpx
import pytest
from docrouter_sdk.models import (
    DocumentResponse,
    ListDocumentsResponse,
    ListPromptsResponse,
    ListSchemasResponse,
    ListTagsResponse,
    LLMResult,
    Tag,
)

from docrouter_desktop.core.api_tokens import ApiTokenService
from docrouter_desktop.core.library import Library
from docrouter_desktop.core.prompts import PROMPTS
from docrouter_desktop.server.app import ServerConfig
from docrouter_desktop.server.serve import ServerThread
from tests import factories
from tests.server.conftest import Api
from tests.server.test_flow import wait_until_done

DELETED = "Its result was deleted through the API: process it again for a new one."


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _org(client, name: str) -> str:
    r = client.post("/v0/account/organizations", json={"name": name})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _upload(client, org, *docs: dict) -> list[dict]:
    r = client.post(f"/v0/orgs/{org}/documents", json={"documents": list(docs)})
    assert r.status_code == 200, r.text
    return r.json()["documents"]


def _tag(client, org, name: str, **extra) -> str:
    r = client.post(f"/v0/orgs/{org}/tags", json={"name": name, **extra})
    assert r.status_code == 200, r.text
    return r.json()["id"]


def _doc(client, org, doc, **params) -> dict:
    r = client.get(f"/v0/orgs/{org}/documents/{doc}", params={"include_content": False, **params})
    assert r.status_code == 200, r.text
    return r.json()


# -- uploads and the merged document shapes


def test_json_upload_plain_base64_and_data_url(idle_api, idle_client, tmp_path):
    org = _org(idle_client, "JSON uploads")
    tag = _tag(idle_client, org, "2024")
    pdf = factories.invoice_pdf(tmp_path / "a.pdf", number="INV-J1").read_bytes()
    text = b"Receipt from the corner shop, total 4.20"
    plain, data_url = _upload(
        idle_client,
        org,
        {"name": "a.pdf", "content": b64(pdf), "tag_ids": [tag], "metadata": {"via": "json"}},
        {"name": "dir/b.txt", "content": "data:text/plain;base64," + b64(text)},
    )
    assert plain["document_name"] == "a.pdf" and plain["tag_ids"] == [tag]
    assert plain["metadata"] == {"via": "json"}
    assert data_url["document_name"] == "b.txt"  # no folders in a name
    assert data_url["tag_ids"] == [] and data_url["metadata"] == {}

    full = idle_client.get(f"/v0/orgs/{org}/documents/{plain['document_id']}")
    assert full.status_code == 200
    body = full.json()
    assert base64.b64decode(body["content"]) == pdf
    assert int(full.headers["content-length"]) == len(full.content)
    # the seed's fields and DocRouter's, side by side
    assert body["id"] == body["pdf_id"] == plain["document_id"]
    assert body["upload_date"] == body["created_at"]
    assert body["uploaded_by"] == "tests"  # the token's name
    assert (body["status"], body["state"]) == ("queued", "uploaded")
    assert body["tags"] == ["2024"] and body["tag_ids"] == [tag]
    assert body["type"] == body["content_type"] == "application/pdf"
    assert body["metadata"] == {"via": "json"} and body["size"] == len(pdf)
    assert DocumentResponse(**body).content == body["content"]  # the SDK's model parses it

    other = _doc(idle_client, org, data_url["document_id"])
    assert other["content"] is None and other["type"] == "text/plain"
    as_pdf = idle_client.get(
        f"/v0/orgs/{org}/documents/{data_url['document_id']}", params={"file_type": "pdf"}
    )
    assert base64.b64decode(as_pdf.json()["content"]) == text  # only the original is kept

    # the same bytes again: the existing document, nothing processed twice
    again = _upload(idle_client, org, {"name": "renamed.pdf", "content": b64(pdf)})[0]
    assert again["document_id"] == plain["document_id"]
    assert again["document_name"] == "a.pdf"
    listed = idle_client.get(f"/v0/orgs/{org}/documents", params={"skip": 0}).json()
    assert listed["total_count"] == 2


def test_json_upload_refusals(idle_api, idle_client):
    org = _org(idle_client, "JSON refusals")
    url = f"/v0/orgs/{org}/documents"
    cases = [
        ({"name": "x.txt", "content": "not base64 !!"}, 422, "not valid base64"),
        ({"name": "x.txt", "content": ""}, 422, "empty"),
        ({"name": "x.txt", "content": "data:text/plain," + b64(b"x")}, 422, ";base64,"),
        ({"name": "x.zip", "content": b64(b"PK\x03\x04" + b"\x00" * 200)}, 415, "ZIP"),
        ({"name": "x.txt", "content": b64(b"hello"), "tag_ids": ["tag_nope"]}, 422, "tag_nope"),
        ({"name": "x.txt"}, 422, "content"),
    ]
    for document, status, words in cases:
        r = idle_client.post(url, json={"documents": [document]})
        assert r.status_code == status, (document, r.text)
        assert words in r.json()["detail"], r.json()
    # over the upload limit (256 KiB here), as decoded files or as the body itself
    big = b"a" * (300 * 1024)
    r = idle_client.post(url, json={"documents": [{"name": "big.txt", "content": b64(big)}]})
    assert r.status_code == 413 and "0.25 MiB" in r.json()["detail"]
    r = idle_client.post(url, content=b"{" + b" " * (500 * 1024) + b"}")
    assert r.status_code == 413
    assert idle_client.post(url, content=b"not json").status_code == 422
    assert idle_client.post(url, json={"documents": []}).status_code == 422
    # nothing of it was stored
    assert idle_client.get(url).json()["total_count"] == 0
    nowhere = {"documents": [{"name": "x.txt", "content": b64(b"hello")}]}
    assert idle_client.post("/v0/orgs/org_nope/documents", json=nowhere).status_code == 404


def test_multipart_upload_with_tag_ids_and_metadata(idle_api, idle_client):
    org = _org(idle_client, "Multipart")
    tag = _tag(idle_client, org, "scans")
    url = f"/v0/orgs/{org}/documents/multipart"
    r = idle_client.post(
        url,
        files={"file": ("orig.txt", b"multipart document number one")},
        data={"name": "chosen.txt", "tag_ids": f'["{tag}"]', "metadata": '{"a": "1"}'},
    )
    assert r.status_code == 200, r.text
    document = r.json()["document"]
    assert document["document_name"] == "chosen.txt"
    assert document["tag_ids"] == [tag] and document["metadata"] == {"a": "1"}
    stored = _doc(idle_client, org, document["document_id"])
    assert stored["tags"] == ["scans"] and stored["metadata"] == {"a": "1"}

    plain = idle_client.post(url, files={"file": ("plain.txt", b"multipart number two")})
    assert plain.status_code == 200 and plain.json()["document"]["document_name"] == "plain.txt"
    for data, words in (
        ({"tag_ids": "[not json"}, "tag_ids"),
        ({"tag_ids": '{"a": 1}'}, "tag_ids must be"),
        ({"metadata": '{"a": 1}'}, "metadata must be"),
        ({"tag_ids": '["tag_missing"]'}, "tag_missing"),
    ):
        bad = idle_client.post(url, files={"file": ("x.txt", b"three")}, data=data)
        assert bad.status_code == 422 and words in bad.json()["detail"], bad.text
    assert idle_client.post(url, files={"file": ("e.txt", b"")}).status_code == 422
    zip_bytes = b"PK\x03\x04" + b"\x00" * 200
    assert idle_client.post(url, files={"file": ("z.zip", zip_bytes)}).status_code == 415
    assert idle_client.post(url, files={"other": ("x.txt", b"x")}).status_code == 422
    too_big = idle_client.post(url, files={"file": ("big.txt", b"b" * (300 * 1024))})
    assert too_big.status_code == 413


def test_a_prompt_tag_chooses_the_processor(idle_api, idle_client):
    org = _org(idle_client, "Prompt tags")
    receipt_tag = _tag(idle_client, org, PROMPTS["receipt"].tag)
    (doc,) = _upload(
        idle_client,
        org,
        {"name": "r.txt", "content": b64(b"shop receipt"), "tag_ids": [receipt_tag]},
    )
    assert _doc(idle_client, org, doc["document_id"])["processor_type"] == "receipt"
    (plain,) = _upload(idle_client, org, {"name": "p.txt", "content": b64(b"no tag at all")})
    assert _doc(idle_client, org, plain["document_id"])["processor_type"] == "auto"
    # the seed's upload: its tags name the prompt's tag, which wins over processor_type
    r = idle_client.post(
        f"/v0/orgs/{org}/documents/upload",
        files={"file": ("i.txt", b"an invoice by its tag")},
        data={"processor_type": "receipt", "tags": f"misc, {PROMPTS['invoice'].tag}"},
    )
    assert r.status_code == 202 and r.json()["processor_type"] == "invoice"
    # and the seed's tag names got records: every document tag has an id
    ids = {
        t["name"]: t["id"]
        for t in idle_client.get(f"/v0/orgs/{org}/tags", params={"limit": 100}).json()["tags"]
    }
    assert {"misc", PROMPTS["invoice"].tag} <= set(ids)
    seeded = _doc(idle_client, org, r.json()["document_id"])
    assert seeded["tag_ids"] == [ids["misc"], ids[PROMPTS["invoice"].tag]]


# -- the list: both paginations and DocRouter's filters


def test_list_paging_with_skip_and_offset(idle_api, idle_client):
    org = _org(idle_client, "Paging")
    made = _upload(
        idle_client,
        org,
        *({"name": f"p{i}.txt", "content": b64(f"paging document {i}".encode())} for i in range(7)),
    )
    url = f"/v0/orgs/{org}/documents"
    seen, times = [], []
    for skip in range(0, 7, 3):
        page = idle_client.get(url, params={"skip": skip, "limit": 3}).json()
        assert page["total_count"] == 7 and page["skip"] == page["offset"] == skip
        assert page["limit"] == 3
        seen += [d["id"] for d in page["documents"]]
        times += [d["upload_date"] for d in page["documents"]]
        ListDocumentsResponse(**page)  # the SDK's model parses it
    assert len(seen) == 7 and set(seen) == {d["document_id"] for d in made}  # no repeats
    assert times == sorted(times, reverse=True)  # newest first
    assert idle_client.get(url, params={"skip": 0}).json()["limit"] == 10  # DocRouter's default
    assert idle_client.get(url).json()["limit"] == 20  # the seed's
    assert idle_client.get(url, params={"skip": 0, "limit": 1000}).status_code == 200
    assert idle_client.get(url, params={"skip": 0, "limit": 1001}).status_code == 422
    seed_over = idle_client.get(url, params={"limit": 101})
    assert seed_over.status_code == 422 and "100" in seed_over.json()["detail"]
    assert idle_client.get(url, params={"skip": -1}).status_code == 422
    by_offset = idle_client.get(url, params={"offset": 5, "limit": 5}).json()
    assert [d["id"] for d in by_offset["documents"]] == seen[5:]


def test_list_filters_tags_names_and_metadata(idle_api, idle_client):
    org = _org(idle_client, "Filters")
    red, blue = _tag(idle_client, org, "red"), _tag(idle_client, org, "blue")
    docs = _upload(
        idle_client,
        org,
        {
            "name": "Alpha Invoice.txt",
            "content": b64(b"one"),
            "tag_ids": [red, blue],
            "metadata": {"supplier": "acme, inc", "note": "a=b"},
        },
        {
            "name": "beta.txt",
            "content": b64(b"two"),
            "tag_ids": [red],
            "metadata": {"supplier": "acme"},
        },
        {"name": "gamma INVOICE.txt", "content": b64(b"three"), "metadata": {"supplier": "other"}},
    )
    alpha, beta, gamma = (d["document_id"] for d in docs)
    url = f"/v0/orgs/{org}/documents"

    def ids(**params) -> tuple[set[str], int]:
        r = idle_client.get(url, params={"skip": 0, **params})
        assert r.status_code == 200, r.text
        return {d["id"] for d in r.json()["documents"]}, r.json()["total_count"]

    assert ids(tag_ids=red) == ({alpha, beta}, 2)
    assert ids(tag_ids=f"{red},{blue}") == ({alpha}, 1)  # all of them
    assert ids(tag_ids="tag_not_there") == (set(), 0)
    assert ids(name_search="invoice") == ({alpha, gamma}, 2)  # any case
    assert ids(name_search="ALPHA") == ({alpha}, 1)
    assert ids(name_search="%") == (set(), 0)  # a plain character, not a wildcard
    # each pair URL-encoded, as the SDK sends them: a comma or '=' inside one is no separator
    assert ids(metadata_search=f"supplier={quote('acme, inc')}") == ({alpha}, 1)
    assert ids(metadata_search="supplier=acme") == ({beta}, 1)  # exactly
    assert ids(metadata_search=f"note={quote('a=b')}") == ({alpha}, 1)  # split at the first '='

    assert ids(metadata_search="supplier=acme,k=2") == (set(), 0)  # all must match
    assert ids(tag_ids=red, name_search="beta", metadata_search="supplier=acme") == ({beta}, 1)
    # with the seed's paging and filters too
    limited = idle_client.get(url, params={"tag_ids": red, "limit": 1}).json()
    assert limited["total_count"] == 2 and len(limited["documents"]) == 1
    assert ids(status="queued", name_search="gamma") == ({gamma}, 1)


def test_put_document_renames_retags_and_replaces_metadata(idle_api, idle_client):
    org = _org(idle_client, "Updates")
    tag = _tag(idle_client, org, "kept")
    (doc,) = _upload(
        idle_client, org, {"name": "old.txt", "content": b64(b"update me"), "metadata": {"a": "1"}}
    )
    url = f"/v0/orgs/{org}/documents/{doc['document_id']}"
    r = idle_client.put(
        url, json={"document_name": "new.txt", "tag_ids": [tag], "metadata": {"b": "2"}}
    )
    assert r.status_code == 200 and r.json() == {"message": "Document updated successfully"}
    now = _doc(idle_client, org, doc["document_id"])
    assert now["document_name"] == "new.txt" and now["tags"] == ["kept"]
    assert now["tag_ids"] == [tag] and now["metadata"] == {"b": "2"}  # replaced, not merged
    found = idle_client.get(f"/v0/orgs/{org}/documents", params={"q": "new"}).json()
    assert [d["id"] for d in found["documents"]] == [doc["document_id"]]  # the index follows
    assert idle_client.put(url, json={}).json() == {"message": "No updates provided"}
    bad = idle_client.put(url, json={"tag_ids": ["tag_unknown"]})
    assert bad.status_code == 422 and "tag_unknown" in bad.json()["detail"]
    assert idle_client.put(url, json={"document_name": "  "}).status_code == 422
    assert _doc(idle_client, org, doc["document_id"])["tags"] == ["kept"]
    elsewhere = f"/v0/orgs/{idle_api.org_id}/documents/{doc['document_id']}"
    assert idle_client.put(elsewhere, json={"document_name": "x"}).status_code == 404


# -- tags, schemas and prompts


def test_tags_crud_duplicates_in_use_and_renames(idle_api, idle_client):
    org = _org(idle_client, "Tags")
    url = f"/v0/orgs/{org}/tags"
    made = idle_client.post(url, json={"name": "urgent", "color": "#ff0000", "description": "now"})
    assert made.status_code == 200
    tag = Tag(**made.json())  # the SDK's model parses it
    assert (tag.name, tag.color, tag.description, tag.created_by) == (
        "urgent",
        "#ff0000",
        "now",
        "local",
    )
    dup = idle_client.post(url, json={"name": "urgent"})
    assert dup.status_code == 400 and "already exists" in dup.json()["detail"]
    plain = idle_client.post(url, json={"name": "later"}).json()
    assert plain["color"] == "#3B82F6"  # DocRouter's default colour
    listed = idle_client.get(url).json()
    assert ListTagsResponse(**listed).total_count == 2 and listed["skip"] == 0
    assert [t["name"] for t in listed["tags"]] == ["urgent", "later"]
    assert [
        t["name"] for t in idle_client.get(url, params={"name_search": "LAT"}).json()["tags"]
    ] == ["later"]
    second = idle_client.get(url, params={"skip": 1, "limit": 1}).json()
    assert [t["id"] for t in second["tags"]] == [plain["id"]] and second["total_count"] == 2
    assert idle_client.get(url, params={"limit": 101}).status_code == 422
    assert idle_client.get(f"{url}/{tag.id}").json()["name"] == "urgent"

    (doc,) = _upload(
        idle_client, org, {"name": "t.txt", "content": b64(b"tagged"), "tag_ids": [tag.id]}
    )
    renamed = idle_client.put(f"{url}/{tag.id}", json={"name": "very urgent"})
    assert renamed.status_code == 200
    assert renamed.json()["color"] == "#ff0000"  # kept when not given
    stored = _doc(idle_client, org, doc["document_id"])
    assert stored["tags"] == ["very urgent"] and stored["tag_ids"] == [tag.id]  # it follows
    clash = idle_client.put(f"{url}/{tag.id}", json={"name": "later"})
    assert clash.status_code == 400

    in_use = idle_client.delete(f"{url}/{tag.id}")
    assert (
        in_use.status_code == 400 and "assigned to one or more documents" in in_use.json()["detail"]
    )
    gone = idle_client.delete(f"{url}/{plain['id']}")
    assert gone.status_code == 200 and gone.json() == {"message": "Tag deleted successfully"}
    assert idle_client.get(f"{url}/{plain['id']}").status_code == 404
    assert idle_client.delete(f"{url}/{plain['id']}").status_code == 404
    # another organization's tag is not found through this one
    assert idle_client.get(f"/v0/orgs/{idle_api.org_id}/tags/{tag.id}").status_code == 404


def test_built_in_schemas_and_prompts_and_refused_changes(idle_api, idle_client):
    org = _org(idle_client, "Catalog")
    schemas = idle_client.get(f"/v0/orgs/{org}/schemas").json()
    parsed = ListSchemasResponse(**schemas)
    assert parsed.total_count == 2 and schemas["skip"] == 0
    by_id = {s["schema_id"]: s for s in schemas["schemas"]}
    assert set(by_id) == {"invoice", "receipt"}
    for processor, schema in by_id.items():
        assert schema["schema_revid"] == processor and schema["schema_version"] == 1
        assert schema["name"] == PROMPTS[processor].name
        assert schema["response_format"] == PROMPTS[processor].response_format()
    one = idle_client.get(f"/v0/orgs/{org}/schemas/receipt").json()
    assert one == by_id["receipt"]
    assert idle_client.get(f"/v0/orgs/{org}/schemas/nope").status_code == 404

    prompts = idle_client.get(f"/v0/orgs/{org}/prompts").json()
    assert ListPromptsResponse(**prompts).total_count == 4
    by_id = {p["prompt_id"]: p for p in prompts["prompts"]}
    assert list(by_id) == ["default", "auto", "invoice", "receipt"]
    assert by_id["default"]["name"] == "Default" and by_id["default"]["schema_id"] is None
    assert by_id["auto"]["name"] == "DocRouter Desktop auto"
    invoice = by_id["invoice"]
    assert (invoice["name"], invoice["content"]) == (
        PROMPTS["invoice"].name,
        PROMPTS["invoice"].content,
    )
    assert (invoice["schema_id"], invoice["schema_version"], invoice["prompt_version"]) == (
        "invoice",
        1,
        1,
    )
    assert invoice["tag_ids"] == [] and invoice["model"] == "docrouter-desktop"
    tag = _tag(idle_client, org, PROMPTS["invoice"].tag)
    assert idle_client.get(f"/v0/orgs/{org}/prompts/invoice").json()["tag_ids"] == [tag]
    assert idle_client.get(f"/v0/orgs/{org}/prompts/receipt").json()["tag_ids"] == []
    assert idle_client.get(f"/v0/orgs/{org}/prompts/nope").status_code == 404
    searched = idle_client.get(f"/v0/orgs/{org}/prompts", params={"name_search": "RECEIPT"})
    assert [p["prompt_id"] for p in searched.json()["prompts"]] == ["receipt"]

    schema_body = {
        "name": "mine",
        "response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": {}}},
    }
    for method, path, body in (
        ("POST", "schemas", schema_body),
        ("PUT", "schemas/invoice", schema_body),
        ("DELETE", "schemas/invoice", None),
        ("POST", "prompts", {"name": "mine", "content": "Read it."}),
        ("PUT", "prompts/invoice", {"name": "mine", "content": "Read it."}),
        ("DELETE", "prompts/invoice", None),
    ):
        r = idle_client.request(method, f"/v0/orgs/{org}/{path}", json=body)
        assert r.status_code == 400, (method, path)
        assert "built-in processors only" in r.json()["detail"]
        assert "DocRouter server" in r.json()["detail"]
    assert idle_client.get(f"/v0/orgs/{org}/schemas").json()["total_count"] == 2


# -- OCR and LLM over a server that processes


def _wait_state(client, org, doc, timeout=120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = _doc(client, org, doc)
        if found["state"] in ("llm_completed", "ocr_failed", "llm_failed"):
            return found
        time.sleep(0.1)
    raise AssertionError(f"{doc} still {found['state']}")


def test_ocr_text_metadata_and_json(api, client, tmp_path):
    org = api.org_id
    pdf = factories.invoice_pdf(tmp_path / "ocr.pdf", number="INV-OCR7", extra_pages=1)
    (doc,) = _upload(client, org, {"name": "ocr.pdf", "content": b64(pdf.read_bytes())})
    doc = doc["document_id"]
    assert _wait_state(client, org, doc)["state"] == "llm_completed"
    base = f"/v0/orgs/{org}/ocr/download"
    text = client.get(f"{base}/text/{doc}")
    assert text.status_code == 200 and text.headers["content-type"].startswith("text/plain")
    result = client.get(f"/v0/orgs/{org}/documents/{doc}/results").json()
    assert text.text == result["text"] and "INV-OCR7" in text.text
    first = client.get(f"{base}/text/{doc}", params={"page_num": 1}).text
    second = client.get(f"{base}/text/{doc}", params={"page_num": 2}).text
    assert "INV-OCR7" in first and "Terms and conditions, page 2" in second
    assert first + "\f" + second == text.text
    missing = client.get(f"{base}/text/{doc}", params={"page_num": 3})
    assert missing.status_code == 404 and missing.json()["detail"] == "OCR text not found"
    assert client.get(f"{base}/text/{doc}", params={"page_num": 0}).status_code == 422
    meta = client.get(f"{base}/metadata/{doc}").json()
    assert meta["n_pages"] == 2 and meta["ocr_type"] == "pdf_text" and meta["ocr_date"]
    pages = client.get(f"{base}/json/{doc}").json()
    assert pages["ocr_engine"] == "docrouter-desktop"
    assert [p["index"] for p in pages["pages"]] == [0, 1]
    assert pages["pages"][1]["text"] == second and pages["pages"][0]["text_source"] == "text"
    assert pages["pages"][0]["width"] == result["pages"][0]["width"]
    # a scanned page is read by OCR: tesseract
    scan = factories.scanned_pdf(tmp_path / "scan.pdf", ["RECEIPT", "TOTAL 9.99"])
    (scanned,) = _upload(client, org, {"name": "scan.pdf", "content": b64(scan.read_bytes())})
    assert _wait_state(client, org, scanned["document_id"])["state"] == "llm_completed"
    scanned_meta = client.get(f"{base}/metadata/{scanned['document_id']}").json()
    assert scanned_meta["ocr_type"] == "tesseract"
    assert client.get(f"{base}/text/doc_unknown").status_code == 404


def _result(client, org, doc, prompt, **params):
    return client.get(f"/v0/orgs/{org}/llm/result/{doc}", params={"prompt_revid": prompt, **params})


def test_llm_prompts_are_the_local_processors(api, client, tmp_path):
    org = api.org_id
    pdf = factories.invoice_pdf(tmp_path / "llm.pdf", number="INV-LLM1", total=240.0, tax=40.0)
    (doc,) = _upload(client, org, {"name": "llm.pdf", "content": b64(pdf.read_bytes())})
    doc = doc["document_id"]
    url = f"/v0/orgs/{org}"
    # run waits for the upload's processing, then answers the stored result (auto: an invoice)
    ran = client.post(f"{url}/llm/run/{doc}", params={"prompt_revid": "default"})
    assert ran.status_code == 200 and ran.json()["status"] == "success"
    assert ran.json()["result"]["invoice_number"] == "INV-LLM1"
    assert ran.json()["result"]["total"] == 240.0
    seed = client.get(f"{url}/documents/{doc}/results").json()
    assert seed["processor_type"] == "invoice" and ran.json()["result"] == seed["fields"]

    for prompt in ("default", "auto", "invoice"):  # what the stored result counts as
        r = _result(client, org, doc, prompt)
        assert r.status_code == 200, prompt
        body = LLMResult(**r.json()).model_dump()  # the SDK's model parses it
        assert body["updated_llm_result"] == seed["fields"] == body["llm_result"]
        assert r.json()["prompt_revid"] == r.json()["prompt_id"] == prompt
        assert r.json()["prompt_version"] == 1 and r.json()["is_edited"] is False
        assert r.json()["is_verified"] is False
    assert (
        _result(client, org, doc, "invoice").json()["prompt_display_name"]
        == PROMPTS["invoice"].name
    )
    by_id = client.get(f"{url}/llm/result/{doc}", params={"prompt_id": "auto"})
    assert by_id.status_code == 200 and by_id.json()["prompt_id"] == "auto"
    other = _result(client, org, doc, "receipt")
    assert other.status_code == 404 and "run it with POST" in other.json()["detail"]
    assert "prompt_revid=receipt" in other.json()["detail"]
    neither = client.get(f"{url}/llm/result/{doc}")
    assert neither.status_code == 422 and "prompt_id or prompt_revid" in neither.json()["detail"]
    assert _result(client, org, doc, "poem").status_code == 404

    # another prompt: read again with that processor, synchronously
    receipt = client.post(f"{url}/llm/run/{doc}", params={"prompt_revid": "receipt"})
    assert receipt.status_code == 200, receipt.text
    fields = receipt.json()["result"]
    assert fields["total"] == 240.0 and "invoice_number" not in fields
    assert _result(client, org, doc, "receipt").status_code == 200
    assert _result(client, org, doc, "invoice").status_code == 404
    assert _result(client, org, doc, "auto").status_code == 404  # its processor is receipt now
    assert _doc(client, org, doc)["processor_type"] == "receipt"
    # a receipt result has the receipt's fields only; an unchanged value is no correction
    invoice_only = client.put(
        f"{url}/llm/result/{doc}",
        params={"prompt_revid": "receipt"},
        json={"updated_llm_result": {"invoice_number": "X"}},
    )
    assert invoice_only.status_code == 422 and "invoice_number" in invoice_only.json()["detail"]
    same = client.put(
        f"{url}/llm/result/{doc}",
        params={"prompt_revid": "default"},
        json={"updated_llm_result": {"total": 240.0}, "is_verified": True},
    )
    assert same.status_code == 200 and same.json()["is_edited"] is False
    assert same.json()["is_verified"] is True and same.json()["prompt_id"] == "default"
    # force reads it again even though the stored result is that prompt's
    before = client.get(f"{url}/documents/{doc}/results").json()
    forced = client.post(f"{url}/llm/run/{doc}", params={"prompt_revid": "receipt", "force": True})
    assert forced.status_code == 200 and forced.json()["result"] == before["fields"]
    back = client.post(f"{url}/llm/run/{doc}", params={"prompt_revid": "invoice"})
    assert back.json()["result"]["invoice_number"] == "INV-LLM1"
    auto = client.post(f"{url}/llm/run/{doc}", params={"prompt_revid": "auto"})
    assert auto.status_code == 200 and auto.json()["result"]["invoice_number"] == "INV-LLM1"
    assert _result(client, org, doc, "auto").status_code == 200
    assert client.post(f"{url}/llm/run/{doc}", params={"prompt_revid": "poem"}).status_code == 404

    # correct and verify: the corrections of the seed's PATCH, through DocRouter's PUT
    put = client.put(
        f"{url}/llm/result/{doc}",
        params={"prompt_revid": "invoice"},
        json={"updated_llm_result": {"total": 250.0, "tax": 40.0}, "is_verified": True},
    )
    assert put.status_code == 200, put.text
    updated = put.json()
    assert updated["is_edited"] is True and updated["is_verified"] is True
    assert updated["updated_llm_result"]["total"] == 250.0
    assert updated["llm_result"]["total"] == 240.0  # as the engine read it
    details = client.get(f"{url}/documents/{doc}/results").json()["field_details"]
    assert details["total"]["source"] == "user" and details["total"]["original"] == 240.0
    assert details["tax"]["source"] == "text"  # unchanged: no correction
    again = _result(client, org, doc, "default").json()
    assert again["is_verified"] is True and again["updated_llm_result"]["total"] == 250.0
    unknown = client.put(
        f"{url}/llm/result/{doc}",
        params={"prompt_revid": "invoice"},
        json={"updated_llm_result": {"colour": "blue", "total": 1.0}},
    )
    assert unknown.status_code == 422 and "colour" in unknown.json()["detail"]
    not_counted = client.put(
        f"{url}/llm/result/{doc}",
        params={"prompt_revid": "receipt"},
        json={"updated_llm_result": {"total": 1.0}},
    )
    assert not_counted.status_code == 404
    # reading it again keeps the user's correction
    kept = client.post(f"{url}/llm/run/{doc}", params={"prompt_revid": "invoice", "force": True})
    assert kept.status_code == 200 and kept.json()["result"]["total"] == 250.0
    assert _result(client, org, doc, "invoice").json()["llm_result"]["total"] == 240.0
    unverified = client.put(
        f"{url}/llm/result/{doc}",
        params={"prompt_revid": "invoice"},
        json={"updated_llm_result": {}, "is_verified": False},
    )
    assert unverified.json()["is_verified"] is False

    # delete: the document is left cancelled, and the result is gone
    deleted = client.delete(f"{url}/llm/result/{doc}", params={"prompt_revid": "invoice"})
    assert deleted.status_code == 200
    assert deleted.json() == {"status": "success", "message": "LLM result deleted"}
    status = client.get(f"{url}/documents/{doc}/status").json()
    assert status["status"] == "cancelled" and status["error"] == DELETED
    assert _doc(client, org, doc)["state"] == "llm_failed"
    assert _result(client, org, doc, "invoice").status_code == 404
    assert client.get(f"{url}/ocr/download/text/{doc}").status_code == 404
    assert (
        client.delete(f"{url}/llm/result/{doc}", params={"prompt_revid": "invoice"}).status_code
        == 404
    )
    # a run reads it again: a new result (the corrections went with the old one)
    rerun = client.post(f"{url}/llm/run/{doc}")
    assert rerun.status_code == 200 and rerun.json()["result"]["total"] == 240.0
    assert _result(client, org, doc, "default").json()["is_edited"] is False
    assert _doc(client, org, doc)["state"] == "llm_completed"


def test_llm_run_fails_with_the_documents_error(api, client):
    org = api.org_id
    r = client.post(
        f"/v0/orgs/{org}/documents/upload",
        files={"file": ("fake.pdf", b"plain text under a PDF name, refused at once")},
    )
    assert r.status_code == 202 and r.json()["status"] == "failed"
    doc = r.json()["document_id"]
    ran = client.post(f"/v0/orgs/{org}/llm/run/{doc}", params={"prompt_revid": "invoice"})
    assert ran.status_code == 422 and "PDF" in ran.json()["detail"]
    assert _result(client, org, doc, "default").status_code == 404


@pytest.fixture(scope="module")
def slow_api(tmp_path_factory):
    """No runner, and a 1-second wait for llm/run."""
    library = Library(tmp_path_factory.mktemp("slow") / "library")
    _info, secret = ApiTokenService(library).create("slow")
    server = ServerThread(library, config=ServerConfig(run_jobs=False, llm_run_timeout=1)).start()
    yield Api(server.url, library, secret, library.default_org_id())
    server.stop()
    library.close()


def test_before_the_document_is_read(slow_api):
    org = slow_api.org_id
    with slow_api.account() as c:
        (doc,) = _upload(c, org, {"name": "wait.txt", "content": b64(b"waiting document")})
        doc = doc["document_id"]
        for kind, words in (("text", "OCR text not found"), ("metadata", "OCR metadata not found")):
            r = c.get(f"/v0/orgs/{org}/ocr/download/{kind}/{doc}")
            assert r.status_code == 404 and r.json()["detail"] == words
        missing = _result(c, org, doc, "default")
        assert missing.status_code == 404 and "queued" in missing.json()["detail"]
        started = time.monotonic()
        waited = c.post(f"/v0/orgs/{org}/llm/run/{doc}")
        assert waited.status_code == 504 and "still queued after 1 s" in waited.json()["detail"]
        assert time.monotonic() - started < 10


# -- tokens, organizations, X-Api-Key


def _expire(library, token_id: str) -> None:
    with library.db.write() as s:
        s.connection().exec_driver_sql(
            "UPDATE access_tokens SET expires_at = ? WHERE id = ?",
            ("2020-01-01T00:00:00.000+00:00", token_id),
        )


def test_token_lifetime_and_expiry(idle_api, idle_client):
    created = idle_client.post("/v0/account/access_tokens", json={"name": "month", "lifetime": 30})
    assert created.status_code == 201
    body = created.json()
    assert body["lifetime"] == 30 and body["user_id"] == "local"
    assert body["organization_id"] is None
    lived = datetime.fromisoformat(body["expires_at"]) - datetime.fromisoformat(body["created_at"])
    assert lived == timedelta(days=30)
    never = idle_client.post("/v0/account/access_tokens", json={"name": "never"}).json()
    assert never["lifetime"] == 0 and never["expires_at"] is None
    for bad in (-1, "soon", 1.5):
        r = idle_client.post("/v0/account/access_tokens", json={"name": "bad", "lifetime": bad})
        assert r.status_code == 422, bad
    listed = idle_client.get("/v0/account/access_tokens", params={"limit": 100}).json()
    entry = next(t for t in listed["access_tokens"] if t["id"] == body["id"])
    assert entry["lifetime"] == 30 and entry["token"] == "drd_******"
    assert body["token"][4:10] not in entry["token"]

    org = idle_api.org_id
    ws = idle_client.post(f"/v0/orgs/{org}/access_tokens", json={"name": "ws", "lifetime": 1})
    assert ws.status_code == 201 and ws.json()["organization_id"] == org
    assert ws.json()["lifetime"] == 1
    with idle_api.client(ws.json()["token"]) as c:
        assert c.get(f"/v0/orgs/{org}/documents").status_code == 200
        _expire(idle_api.library, ws.json()["id"])
        r = c.get(f"/v0/orgs/{org}/documents")
        assert r.status_code == 401 and r.json()["detail"] == "API token expired"
        assert r.headers["www-authenticate"] == "Bearer"
    with idle_api.client(body["token"]) as c:
        assert c.get("/v0/account/profile").status_code == 200
        _expire(idle_api.library, body["id"])
        assert c.get("/v0/account/profile").json()["detail"] == "API token expired"
    assert ApiTokenService(idle_api.library).authenticate(body["token"]) is None
    revoked = idle_client.delete(f"/v0/orgs/{org}/access_tokens/{ws.json()['id']}")
    assert revoked.status_code == 200 and revoked.json() == {
        "message": "Token deleted successfully"
    }


def test_token_organization_lookup_is_public(idle_api, idle_client):
    org = idle_api.org_id
    ws = idle_client.post(f"/v0/orgs/{org}/access_tokens", json={"name": "lookup"}).json()
    url = f"{idle_api.url}/v0/account/token/organization"
    found = httpx.get(url, params={"token": ws["token"]})  # no Authorization header
    assert found.status_code == 200
    assert found.json() == {
        "organization_id": org,
        "organization_name": "Personal",
        "organization_type": "individual",
    }
    team = _org(idle_client, "Team lookup")
    team_token = idle_client.post(f"/v0/orgs/{team}/access_tokens", json={"name": "t"}).json()
    assert (
        httpx.get(url, params={"token": team_token["token"]}).json()["organization_type"] == "team"
    )
    account = httpx.get(url, params={"token": idle_api.account_token}).json()
    assert account == {
        "organization_id": None,
        "organization_name": None,
        "organization_type": None,
    }
    unknown = httpx.get(url, params={"token": "drd_" + "x" * 43})
    assert unknown.status_code == 401 and unknown.json()["detail"] == "Invalid token"
    assert httpx.get(url).status_code == 422


def test_x_api_key_is_the_same_token(idle_api):
    org = idle_api.org_id
    with httpx.Client(base_url=idle_api.url, timeout=30) as c:
        key = {"X-Api-Key": idle_api.account_token}
        assert c.get("/v0/account/profile", headers=key).status_code == 200
        assert c.get(f"/v0/orgs/{org}/documents", headers=key).status_code == 200
        unknown = c.get("/v0/account/profile", headers={"X-Api-Key": "drd_" + "y" * 43})
        assert unknown.status_code == 401 and unknown.headers["www-authenticate"] == "Bearer"
        assert c.get("/v0/account/profile", headers={"X-Api-Key": "a b"}).status_code == 401
        # the Authorization header, when there is one, is the token
        both = c.get(
            "/v0/account/profile",
            headers={**key, "Authorization": "Bearer drd_" + "z" * 43},
        )
        assert both.status_code == 401
        # the seed's scope rules hold for it too: a workspace token only reaches its organization
        ws = c.post(f"/v0/orgs/{org}/access_tokens", json={"name": "key"}, headers=key).json()[
            "token"
        ]
        assert c.get(f"/v0/orgs/{org}/documents", headers={"X-Api-Key": ws}).status_code == 200
        assert c.get("/v0/account/profile", headers={"X-Api-Key": ws}).status_code == 403


def test_organizations_in_both_shapes(idle_api, idle_client):
    team = _org(idle_client, "Both shapes")
    first = idle_client.get("/v0/account/organizations", params={"skip": 0}).json()
    assert first["skip"] == 0 and first["limit"] == 10 and first["total_count"] >= 2
    page = idle_client.get("/v0/account/organizations", params={"skip": 0, "limit": 100}).json()
    assert len(page["organizations"]) == page["total_count"]
    by_id = {o["id"]: o for o in page["organizations"]}
    default = by_id[idle_api.org_id]
    assert default["type"] == "individual" and by_id[team]["type"] == "team"
    assert default["members"] == [{"user_id": "local", "role": "admin"}]
    assert default["updated_at"] == default["created_at"] and "document_count" in default
    seed = idle_client.get("/v0/account/organizations").json()
    assert seed["limit"] == 20 and seed["offset"] == 0 and seed["skip"] == 0


def test_another_organizations_document_is_404_on_every_v0_route(idle_api, idle_client):
    other = _org(idle_client, "Elsewhere")
    (doc,) = _upload(idle_client, other, {"name": "e.txt", "content": b64(b"elsewhere")})
    org, doc = idle_api.org_id, doc["document_id"]
    for method, path, kwargs in (
        ("GET", f"documents/{doc}", {}),
        ("PUT", f"documents/{doc}", {"json": {"document_name": "x"}}),
        ("GET", f"ocr/download/text/{doc}", {}),
        ("GET", f"ocr/download/json/{doc}", {}),
        ("GET", f"llm/result/{doc}", {"params": {"prompt_revid": "default"}}),
        ("POST", f"llm/run/{doc}", {}),
        ("DELETE", f"llm/result/{doc}", {"params": {"prompt_revid": "default"}}),
    ):
        r = idle_client.request(method, f"/v0/orgs/{org}/{path}", **kwargs)
        assert r.status_code == 404, (method, path, r.text)
    assert idle_client.get(f"/v0/orgs/{other}/documents/{doc}").status_code == 200


def test_json_bodies_are_limited(idle_api, idle_client):
    org = idle_api.org_id
    (doc,) = _upload(idle_client, org, {"name": "limit.txt", "content": b64(b"body limits")})
    huge = {"metadata": {"k": "v" * (2 << 20)}}
    r = idle_client.put(f"/v0/orgs/{org}/documents/{doc['document_id']}", json=huge)
    assert r.status_code == 413 and "1 MiB" in r.json()["detail"]
    r = idle_client.post(f"/v0/orgs/{org}/tags", json={"name": "x" * (2 << 20)})
    assert r.status_code == 413
    assert _doc(idle_client, org, doc["document_id"])["metadata"] == {}


# -- the seed's routes, still there


def test_seed_routes_still_work_beside_the_v0_ones(api, client, tmp_path):
    org = api.org_id
    pdf = factories.invoice_pdf(tmp_path / "seed.pdf", number="INV-SEED9", total=60.0, tax=10.0)
    r = client.post(
        f"/v0/orgs/{org}/documents/upload",
        files={"file": ("seed.pdf", pdf.read_bytes(), "application/pdf")},
        data={"processor_type": "invoice", "tags": "seed-tag"},
    )
    assert r.status_code == 202 and r.json()["status"] == "queued"
    doc = r.json()["document_id"]
    assert wait_until_done(client, org, doc)["status"] == "completed"
    results = client.get(f"/v0/orgs/{org}/documents/{doc}/results")
    assert results.status_code == 200 and results.json()["fields"]["invoice_number"] == "INV-SEED9"
    fixed = client.patch(
        f"/v0/orgs/{org}/documents/{doc}/results", json={"fields": {"total": 61.0}}
    )
    assert fixed.status_code == 200
    assert fixed.json()["field_details"]["total"] == {
        "confidence": 1.0,
        "page": fixed.json()["field_details"]["total"]["page"],
        "bbox": fixed.json()["field_details"]["total"]["bbox"],
        "source": "user",
        "rule": "corrected by the user",
        "original": 60.0,
    }
    # the seed's upload seen through DocRouter's routes
    item = _doc(client, org, doc)
    assert item["state"] == "llm_completed" and item["uploaded_by"] == "tests"
    assert item["tags"] == ["seed-tag"] and len(item["tag_ids"]) == 1
    seen = _result(client, org, doc, "invoice").json()
    assert seen["is_edited"] is True and seen["updated_llm_result"]["total"] == 61.0
    assert seen["llm_result"]["total"] == 60.0
