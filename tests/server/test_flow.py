"""The product page's flow over a real server: profile, organizations, upload, status, results."""

from __future__ import annotations

import time

from tests import factories


def wait_until_done(client, org: str, doc: str, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = client.get(f"/v0/orgs/{org}/documents/{doc}/status")
        assert r.status_code == 200, r.text
        if r.json()["status"] in ("completed", "failed", "cancelled"):
            return r.json()
        time.sleep(0.1)
    raise AssertionError(f"{doc} still {r.json()['status']} after {timeout} s")


def test_profile_organizations_upload_status_results(api, client, tmp_path):
    profile = client.get("/v0/account/profile", headers={"Content-Type": "application/json"})
    assert profile.status_code == 200
    assert set(profile.json()) == {"id", "name", "email", "created_at", "organization_count"}
    assert profile.json()["organization_count"] >= 1

    orgs = client.get("/v0/account/organizations").json()
    assert orgs["limit"] == 20 and orgs["offset"] == 0 and orgs["total_count"] >= 1
    org = orgs["organizations"][0]["id"]
    assert org == api.org_id

    pdf = factories.invoice_pdf(tmp_path / "acme.pdf", number="INV-7731", total=240.0, tax=40.0)
    with pdf.open("rb") as f:
        r = client.post(
            f"/v0/orgs/{org}/documents/upload",
            files={"file": ("acme.pdf", f, "application/pdf")},
            data={"processor_type": "invoice", "tags": "2024, acme"},
        )
    assert r.status_code == 202, r.text
    upload = r.json()
    assert upload["status"] == "queued" and upload["processor_type"] == "invoice"
    assert upload["document_name"] == "acme.pdf"
    doc = upload["document_id"]

    status = wait_until_done(client, org, doc)
    assert status["status"] == "completed", status

    result = client.get(f"/v0/orgs/{org}/documents/{doc}/results")
    assert result.status_code == 200
    body = result.json()
    assert body["document_id"] == doc and body["processor_type"] == "invoice"
    fields = body["fields"]
    assert fields["vendor"] == "Acme Widgets Ltd"
    assert fields["invoice_number"] == "INV-7731"
    assert fields["date"] == "2024-03-15"
    assert fields["total"] == 240.0 and fields["tax"] == 40.0 and fields["currency"] == "EUR"
    assert body["field_details"]["total"]["source"] == "text"
    assert body["pages"][0]["number"] == 1

    document = client.get(f"/v0/orgs/{org}/documents/{doc}").json()
    assert document["tags"] == ["2024", "acme"] and document["pages"] == 1
    assert document["content_type"] == "application/pdf"
    assert document["size"] == pdf.stat().st_size

    original = client.get(f"/v0/orgs/{org}/documents/{doc}/file")
    assert original.status_code == 200
    assert original.headers["content-type"] == "application/pdf"
    assert original.content == pdf.read_bytes()

    listed = client.get(f"/v0/orgs/{org}/documents", params={"q": "INV-7731"}).json()
    assert [d["id"] for d in listed["documents"]] == [doc]
    completed = client.get(f"/v0/orgs/{org}/documents", params={"status": "completed"}).json()
    assert doc in [d["id"] for d in completed["documents"]]
