"""Names the API shows hold no direction controls: "café \u202egpj.exe" would show as "café
exe.jpg". Documents, tags, organizations and tokens read in the order they are written, while
what is stored stays as it was given."""

from __future__ import annotations

from urllib.parse import unquote

from sqlalchemy import text

from docrouter_desktop.core.api_tokens import ApiTokenService
from docrouter_desktop.core.display_names import display_name, has_bidi_controls

TRICK = "caf\u00e9 \u202egpj.exe"
EVERY_CONTROL = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def test_display_names_drop_every_direction_control():
    assert display_name(TRICK) == "caf\u00e9 gpj.exe"
    assert display_name(f"a{EVERY_CONTROL}b") == "ab"
    assert not has_bidi_controls(display_name(EVERY_CONTROL))
    plain = "Facture n\u00b0 12 \u2013 \u0645\u062b\u0627\u0644.pdf"  # Arabic letters stay
    assert display_name(plain) is plain


def _stored_as(library, document_id: str, name: str) -> None:
    """The name as a library from before names were cleaned on the way in holds it."""
    with library.db.write() as s:
        s.execute(
            text("UPDATE documents SET document_name = :n WHERE id = :i"),
            {"n": name, "i": document_id},
        )


def test_a_document_name_is_shown_without_direction_controls(idle_api, idle_client):
    org = idle_api.org_id
    up = idle_client.post(
        f"/v0/orgs/{org}/documents",
        json={"documents": [{"name": "plain.txt", "content": "bmFtZXMgaW4gb3JkZXI="}]},
    )
    doc = up.json()["documents"][0]["document_id"]
    _stored_as(idle_api.library, doc, TRICK)
    one = idle_client.get(f"/v0/orgs/{org}/documents/{doc}", params={"include_content": False})
    assert one.json()["document_name"] == "caf\u00e9 gpj.exe"
    listed = idle_client.get(f"/v0/orgs/{org}/documents", params={"skip": 0, "limit": 1000})
    listed = listed.json()
    names = [d["document_name"] for d in listed["documents"] if d["id"] == doc]
    assert names == ["caf\u00e9 gpj.exe"]
    file = idle_client.get(f"/v0/orgs/{org}/documents/{doc}/file")
    assert file.status_code == 200
    disposition = unquote(file.headers["content-disposition"])
    assert "gpj.exe" in disposition and not has_bidi_controls(disposition)
    assert idle_api.library.document(doc).document_name == TRICK  # stored as it was


def test_tags_organizations_and_tokens_are_shown_without_direction_controls(idle_api, idle_client):
    org = idle_api.org_id
    tag = idle_client.post(f"/v0/orgs/{org}/tags", json={"name": "\u202eliam"})
    assert tag.status_code == 200 and tag.json()["name"] == "liam"
    listed = idle_client.get(f"/v0/orgs/{org}/tags", params={"limit": 100}).json()["tags"]
    assert [t["name"] for t in listed if t["id"] == tag.json()["id"]] == ["liam"]
    made = idle_client.post("/v0/account/organizations", json={"name": "Office \u2067A\u2069"})
    assert made.status_code == 201 and made.json()["name"] == "Office A"
    orgs = idle_client.get("/v0/account/organizations", params={"limit": 100}).json()
    assert "Office A" in [o["name"] for o in orgs["organizations"]]
    token = idle_client.post("/v0/account/access_tokens", json={"name": "\u200fbot\u200e"})
    assert token.status_code == 201 and token.json()["name"] == "bot"
    tokens = idle_client.get("/v0/account/access_tokens", params={"limit": 100}).json()
    assert "bot" in [t["name"] for t in tokens["access_tokens"]]
    assert not any(has_bidi_controls(t["name"]) for t in tokens["access_tokens"])
    stored = ApiTokenService(idle_api.library).list(every_scope=True)[0]
    assert "\u200fbot\u200e" in {t.name for t in stored}  # stored as it was given
