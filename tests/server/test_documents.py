"""Corrections, reprocessing, cancelling, deleting, and results in every state."""

from __future__ import annotations

from tests import factories
from tests.server.test_flow import wait_until_done


def _upload_invoice(client, org, path, **kwargs):
    pdf = factories.invoice_pdf(path, **kwargs)
    r = client.post(
        f"/v0/orgs/{org}/documents/upload",
        files={"file": (path.name, pdf.read_bytes(), "application/pdf")},
        data={"processor_type": "invoice"},
    )
    assert r.status_code == 202, r.text
    return r.json()["document_id"]


def test_corrections_keep_the_original_and_survive_reprocessing(api, client, tmp_path):
    org = api.org_id
    doc = _upload_invoice(client, org, tmp_path / "fix.pdf", number="INV-5501", total=99.0)
    assert wait_until_done(client, org, doc)["status"] == "completed"
    url = f"/v0/orgs/{org}/documents/{doc}/results"

    r = client.patch(url, json={"fields": {"total": 12.5, "vendor": "Acme Ltd"}})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["fields"]["total"] == 12.5 and body["fields"]["vendor"] == "Acme Ltd"
    assert body["field_details"]["total"]["source"] == "user"
    assert body["field_details"]["total"]["original"] == 99.0
    assert body["field_details"]["vendor"]["original"] == "Acme Widgets Ltd"
    assert client.get(url).json()["fields"]["total"] == 12.5

    bad = client.patch(url, json={"fields": {"colour": "blue"}})
    assert bad.status_code == 422 and "colour" in bad.json()["detail"]
    assert client.patch(url, json={"fields": {}}).status_code == 422

    again = client.post(f"/v0/orgs/{org}/documents/{doc}/process")
    assert again.status_code == 202 and again.json()["status"] == "queued"
    assert wait_until_done(client, org, doc)["status"] == "completed"
    kept = client.get(url).json()
    assert kept["fields"]["total"] == 12.5 and kept["field_details"]["total"]["source"] == "user"

    r = client.post(
        f"/v0/orgs/{org}/documents/{doc}/process",
        json={"processor_type": "receipt", "discard_corrections": True},
    )
    assert r.status_code == 202 and r.json()["processor_type"] == "receipt"
    assert wait_until_done(client, org, doc)["status"] == "completed"
    fresh = client.get(url).json()
    assert fresh["processor_type"] == "receipt"
    assert fresh["fields"]["total"] == 99.0
    assert "invoice_number" not in fresh["fields"]
    bad = client.post(f"/v0/orgs/{org}/documents/{doc}/process", json={"processor_type": "x"})
    assert bad.status_code == 422


def test_results_while_queued_cancel_and_delete(idle_api, idle_client, tmp_path):
    org = idle_api.org_id
    doc = _upload_invoice(idle_client, org, tmp_path / "q.pdf", number="INV-QUEUED")
    base = f"/v0/orgs/{org}/documents/{doc}"

    waiting = idle_client.get(f"{base}/results")
    assert waiting.status_code == 409
    assert waiting.json()["status"] == "queued" and waiting.json()["detail"]
    assert idle_client.patch(f"{base}/results", json={"fields": {"total": 1}}).status_code == 409

    cancelled = idle_client.post(f"{base}/cancel")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["document_id"] == doc
    assert idle_client.get(f"{base}/status").json()["status"] == "cancelled"
    after = idle_client.get(f"{base}/results")
    assert after.status_code == 409 and after.json()["status"] == "cancelled"
    requeued = idle_client.post(f"{base}/process")
    assert requeued.status_code == 202 and requeued.json()["status"] == "queued"

    sha = idle_client.get(base).json()["sha256"]
    assert idle_api.library.blobs.exists(sha)
    deleted = idle_client.delete(base)
    assert deleted.status_code == 200
    assert deleted.json() == {"message": "Document deleted successfully"}
    assert idle_client.get(base).status_code == 404
    assert idle_client.get(f"{base}/status").status_code == 404
    assert idle_client.delete(base).status_code == 404
    assert not idle_api.library.blobs.exists(sha)


def test_failed_documents_answer_422_with_their_error(idle_api, idle_client):
    org = idle_api.org_id
    # text content under a PDF name: refused by the engine as misnamed, at once
    r = idle_client.post(
        f"/v0/orgs/{org}/documents/upload",
        files={"file": ("scan.pdf", b"this is plain text, not a PDF at all")},
    )
    assert r.status_code == 202 and r.json()["status"] == "failed"
    doc = r.json()["document_id"]
    res = idle_client.get(f"/v0/orgs/{org}/documents/{doc}/results")
    assert res.status_code == 422
    assert res.json()["status"] == "failed" and "PDF" in res.json()["error"]
    assert idle_client.post(f"/v0/orgs/{org}/documents/{doc}/process").status_code == 409
    # cancelling a finished document leaves it as it is
    assert idle_client.post(f"/v0/orgs/{org}/documents/{doc}/cancel").json()["status"] == "failed"
