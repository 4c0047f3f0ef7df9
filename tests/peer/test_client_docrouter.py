"""The client against the real DocRouter server: every route of the DocRouter dialect it uses,
each call's values checked against what the server holds."""

from __future__ import annotations

import base64

import httpx
import pytest

from docrouter_desktop.client import Dialect, DocRouterClient, NotFound, Unauthorized
from docrouter_desktop.core.prompts import PROMPTS
from docrouter_desktop.core.remote.prompt_setup import prepare_prompt
from tests import factories


def _client(peer, user, **kw) -> DocRouterClient:
    return DocRouterClient(
        peer.url, user.account_token, org_tokens={user.org_id: user.org_token}, **kw
    )


def test_the_dialect_is_found_from_openapi(peer, peer_user):
    with _client(peer, peer_user) as c:
        assert c.detect_dialect() is Dialect.DOCROUTER
        orgs = c.organizations()
    assert peer_user.org_id in [o["id"] for o in orgs]


def test_uploads_lists_and_documents(peer, peer_user, tmp_path):
    org = peer_user.org_id
    pdfs = [
        factories.invoice_pdf(tmp_path / f"inv-{i}.pdf", number=f"PEER-{i}", total=10.0 + i)
        for i in range(5)
    ]
    with _client(peer, peer_user) as c:
        first = c.upload_json(org, pdfs[0], metadata={"k": "json"})
        second = c.upload_multipart(org, pdfs[1], name="renamed.pdf", metadata={"k": "form"})
        ids = [first["document_id"], second["document_id"]]
        ids += [c.upload_json(org, p)["document_id"] for p in pdfs[2:]]
        assert first["metadata"] == {"k": "json"} and second["document_name"] == "renamed.pdf"
        # Paging with skip, two at a time: every document once, and the list ends.
        listed = list(c._http.pages(f"/v0/orgs/{org}/documents", "documents", page_size=2))
        assert sorted(d["id"] for d in listed) == sorted(ids)
        assert [d["id"] for d in c.find_by_metadata(org, {"k": "form"})] == [ids[1]]
        assert c.find_by_metadata(org, {"k": "nothing"}) == []
        doc = c.wait_state(org, ids[0], timeout=120, first_delay=0.2)
        assert doc["state"] == "llm_completed" and doc.get("content") is None
        assert "PEER-0" in c.ocr_text(org, ids[0])
        assert c.ocr_metadata(org, ids[0])["n_pages"] == 1
        assert c.file(org, ids[0], "original") == pdfs[0].read_bytes()
        c.update_document(org, ids[0], document_name="kept.pdf", metadata={"a": "b"})
        got = c.get_document(org, ids[0], include_content=True)
        assert got["document_name"] == "kept.pdf" and got["metadata"] == {"a": "b"}
        assert base64.b64decode(got["content"]) == pdfs[0].read_bytes()
        c.delete(org, ids[4])
        with pytest.raises(NotFound):
            c.get_document(org, ids[4])


def test_the_apps_prompt_is_made_once_and_answers_into_its_schema(peer, peer_user, tmp_path):
    org = peer_user.org_id
    pdf = factories.invoice_pdf(tmp_path / "answer.pdf", number="A-77", total=77.0)
    peer.set_answers({"answer.pdf": {"vendor": "Peer Supplies Ltd", "total": 77.0}})
    with _client(peer, peer_user) as c:
        one = prepare_prompt(c, org, "invoice")
        again = prepare_prompt(c, org, "invoice")
        assert (one.prompt_id, one.prompt_revid, one.tag_id) == (
            again.prompt_id,
            again.prompt_revid,
            again.tag_id,
        )
        assert [p["name"] for p in c.prompts(org)] == [PROMPTS["invoice"].name]
        assert [s["name"] for s in c.schemas(org)] == [PROMPTS["invoice"].name]
        assert [t["name"] for t in c.tags(org)] == [PROMPTS["invoice"].tag]
        up = c.upload_json(org, pdf, tag_ids=[one.tag_id])
        c.wait_state(org, up["document_id"], timeout=120, first_delay=0.2)
        stored = c.llm_result(org, up["document_id"], prompt_id=one.prompt_id)
        answer = stored["llm_result"]
        # Every property of the app's schema is there; those the model was given hold them.
        assert set(answer) == set(PROMPTS["invoice"].fields)
        assert answer["vendor"] == "Peer Supplies Ltd" and answer["total"] == 77.0
        assert answer["invoice_number"] is None
        ran = c.run_llm(org, up["document_id"], one.prompt_revid, force=True)
        assert ran["result"]["total"] == 77.0
        updated = c.update_llm_result(
            org, up["document_id"], one.prompt_revid, {**answer, "total": 78.5}
        )
        assert updated["is_edited"] and updated["is_verified"]
        assert updated["updated_llm_result"]["total"] == 78.5
        c.delete_llm_result(org, up["document_id"], one.prompt_revid)
        with pytest.raises(NotFound):
            c.llm_result(org, up["document_id"], prompt_revid=one.prompt_revid)


def test_tokens_list_ends_and_the_token_rule_is_explained(peer, peer_user):
    seen: list[httpx.Request] = []
    with _client(
        peer, peer_user, transport=_Recording(httpx.HTTPTransport(), seen), retries=0
    ) as c:
        made = c.create_access_token("short", org=peer_user.org_id, lifetime=1)
        tokens = c.access_tokens(org=peer_user.org_id)
        # The real list has no paging and no total_count: it ends after at most two pages.
        assert made["id"] in [t["id"] for t in tokens]
        assert len([r for r in seen if r.url.path.endswith("/access_tokens")]) <= 3
        assert all(len(t["token"]) == 10 for t in tokens)
        c.delete_access_token(made["id"], org=peer_user.org_id)
    # An account token on a workspace's path: refused, and the error says which token went.
    with (
        DocRouterClient(peer.url, peer_user.account_token, retries=0) as c,
        pytest.raises(Unauthorized) as info,
    ):
        c.document_count(peer_user.org_id)
    assert info.value.token_kind == "account"
    from docrouter_desktop.client import token_rule_hint

    assert "organization token" in (token_rule_hint(info.value) or "")


class _Recording(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport, seen: list):
        self.inner, self.seen = inner, seen

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def test_a_prompt_of_that_name_without_the_tag_gets_a_new_version_with_it(peer, peer_user):
    org = peer_user.org_id
    spec = PROMPTS["receipt"]
    with _client(peer, peer_user) as c:
        schema = c.create_schema(org, spec.name, spec.response_format())
        made = c.create_prompt(
            org,
            {
                "name": spec.name,
                "content": "someone's own wording",
                "schema_id": schema["schema_id"],
                "schema_version": schema["schema_version"],
                "tag_ids": [],
            },
        )
        ref = prepare_prompt(c, org, "receipt")
        assert ref.prompt_id == made["prompt_id"] and ref.prompt_revid != made["prompt_revid"]
        latest = c.prompt(org, ref.prompt_revid)
        assert latest["tag_ids"] == [ref.tag_id] and latest["prompt_version"] == 2
        assert len(c.schemas(org)) == 1  # the same schema, not a second one
