"""The window's token dialog against the real DocRouter server: Test connection uses only what
that server has (no account profile there), and fills the workspace picker."""

from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from docrouter_desktop.core.library import Library  # noqa: E402
from docrouter_desktop.core.secrets import RemoteTokenStore  # noqa: E402
from docrouter_desktop.gui.token_dialog import TokenDialog  # noqa: E402


@pytest.fixture
def dialog(qtbot, tmp_path):
    lib = Library(tmp_path / "lib")
    d = TokenDialog(lib, RemoteTokenStore(session_only=True), remote_name="work")
    qtbot.addWidget(d)
    d.show()
    yield d
    lib.close()


def _test(qtbot, d) -> tuple[bool, str]:
    with qtbot.waitSignal(d.connection_tested, timeout=30000) as blocker:
        d.test_button.click()
    return blocker.args[0], blocker.args[1]


def test_account_token_reaches_the_workspaces(qtbot, dialog, peer, peer_user):
    dialog.url.setText(peer.url)
    dialog.account.setText(peer_user.account_token)
    ok, message = _test(qtbot, dialog)
    assert ok, message
    assert "DocRouter" in message and "Workspaces reached" in message
    assert peer_user.org_id in message
    ids = [dialog.org_picker.itemData(i) for i in range(dialog.org_picker.count())]
    texts = [dialog.org_picker.itemText(i) for i in range(dialog.org_picker.count())]
    assert any(peer_user.org_id in str(x) for x in ids + texts)
    assert peer_user.account_token not in message


def test_an_organization_token_as_account_token_is_explained(qtbot, dialog, peer, peer_user):
    dialog.url.setText(peer.url)
    dialog.account.setText(peer_user.org_token)
    ok, message = _test(qtbot, dialog)
    assert not ok
    assert peer_user.org_token not in message
    assert "workspace" in message.lower() or "organization" in message.lower()
