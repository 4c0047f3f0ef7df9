"""'Send to DocRouter' from the window: the selection is processed on a real server and the
review pane says where it went."""

from __future__ import annotations

import pytest

from docrouter_desktop.client import DocRouterClient
from docrouter_desktop.core import remote as rem
from tests import factories
from tests.remote.conftest import ServeProcess, free_port


@pytest.fixture
def docrouter(tmp_path):
    srv = ServeProcess(tmp_path / "server-library", free_port())
    srv.account_token = srv.cli("api-token", "create", "--name", "tests").strip().splitlines()[-1]
    srv.start()
    yield srv
    srv.stop()


def test_send_to_docrouter_processes_the_selection_remotely(
    qtbot, window, small_library, inbox, docrouter, keyring_store
):  # noqa: F811
    rem.add_remote(small_library, "srv", docrouter.url)
    keyring_store.set_token("srv", docrouter.account_token)
    with DocRouterClient(docrouter.url, docrouter.account_token) as c:
        org = c.organizations()[0]["id"]
    pdf = factories.invoice_pdf(inbox / "send.pdf", number="SEND-1")
    outcome = small_library.ingest_file(
        pdf, target=rem.get_remote(small_library, "srv").target(org)
    )
    window.send_to_remote([outcome.document_id], "srv", org)
    qtbot.waitUntil(
        lambda: small_library.document(outcome.document_id).status == "completed", timeout=60000
    )
    sent = rem.remote_record(small_library, outcome.document_id)
    assert sent["remote"] == "srv" and sent["organization"] == org and sent["uploaded_at"]
    assert small_library.result(outcome.document_id).fields["invoice_number"] == "SEND-1"
    window.review.show_document(outcome.document_id)
    assert "sent to srv" in window.review.title.text()
    keyring_store.delete_token("srv")


def test_send_to_docrouter_offers_the_servers_workspaces_by_name(
    qtbot, window, small_library, inbox, docrouter, keyring_store
):
    rem.add_remote(small_library, "srv", docrouter.url)
    keyring_store.set_token("srv", docrouter.account_token)
    with DocRouterClient(docrouter.url, docrouter.account_token) as c:
        c.create_organization("Second office")
        orgs = {o["name"]: o["id"] for o in c.organizations()}
    pdf = factories.invoice_pdf(inbox / "pick.pdf", number="PICK-1")
    outcome = small_library.ingest_file(  # held for the remote, as the window adds them
        pdf, target=rem.get_remote(small_library, "srv").target(orgs["Second office"])
    )
    offered = []

    def pick(remote, workspaces, problem=None):
        offered.append((list(workspaces), problem))
        return orgs["Second office"]

    window.pick_workspace = pick
    window.send_to_remote([outcome.document_id], "srv")  # no organization id typed
    qtbot.waitUntil(lambda: bool(offered), timeout=30_000)
    workspaces, problem = offered[0]
    assert problem is None
    assert sorted(workspaces) == sorted((i, n) for n, i in orgs.items())  # by name, from the server
    qtbot.waitUntil(
        lambda: small_library.document(outcome.document_id).status == "completed", timeout=60000
    )
    sent = rem.remote_record(small_library, outcome.document_id)
    assert sent["organization"] == orgs["Second office"]
    keyring_store.delete_token("srv")
