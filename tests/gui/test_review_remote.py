"""A correction made in the review pane, on a document a real DocRouter server read, goes back
as that server's verified result, and the pane says whether it arrived."""

from __future__ import annotations

import shutil

import httpx
import pytest

from docrouter_desktop.core import remote as rem
from docrouter_desktop.core.batch import Batch
from tests.conftest import SHARED_EVAL


@pytest.fixture
def store(keyring_store):
    return keyring_store


def test_a_correction_goes_back_and_the_pane_says_so(
    qtbot, small_library, tmp_path, peer, peer_user, store
):
    from docrouter_desktop.gui.review import ReviewPane

    peer.set_answers({"oyo.pdf": {"vendor": "OYO", "total": 1000.0, "currency": "INR"}})
    name = f"peer-{peer_user.user_id[-6:]}"
    remote = rem.add_remote(small_library, name, peer.url)
    store.set_token(name, peer_user.org_token, peer_user.org_id)
    rem.note_org_token(small_library, name, peer_user.org_id, True)
    remote = rem.get_remote(small_library, name)
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(SHARED_EVAL / "invoices" / "oyo.pdf", docs)
    batch = Batch(small_library, remote=remote, remote_org=peer_user.org_id, token_store=store)
    batch.add(batch.find([str(docs)]))
    assert batch.run().completed == 1
    doc_id = batch.outcomes[0].document_id

    pane = ReviewPane(small_library)
    pane.token_store = store
    qtbot.addWidget(pane)
    pane.show_document(doc_id)
    assert pane.result.fields["total"] == 1000.0
    assert pane.save_field("total", "1180.00")
    qtbot.waitUntil(lambda: pane.remote_status.text().startswith("✓"), timeout=30000)
    assert name in pane.remote_status.text() and "verified" in pane.remote_status.text()
    sent = rem.remote_record(small_library, doc_id)
    with httpx.Client(base_url=peer.url, timeout=30) as c:
        stored = c.get(
            f"/v0/orgs/{peer_user.org_id}/llm/result/{sent['remote_document_id']}",
            params={"prompt_revid": sent["prompt_revid"]},
            headers={"Authorization": f"Bearer {peer_user.org_token}"},
        ).json()
    assert stored["is_verified"] and stored["updated_llm_result"]["total"] == 1180.0

    # The token is gone: the next correction does not arrive, and the pane says why.
    store.delete_token(name, peer_user.org_id)
    store.set_token(name, "org_" + "x" * 43, peer_user.org_id)
    assert pane.save_field("vendor", "OYO Rooms")
    qtbot.waitUntil(lambda: pane.remote_status.text().startswith("✖"), timeout=30000)
    assert "did not reach" in pane.remote_status.text()
    assert "token set --remote" in pane.remote_status.text()
    assert rem.remote_record(small_library, doc_id)["correction_status"] == "failed"
    store.delete_token(name, peer_user.org_id)
