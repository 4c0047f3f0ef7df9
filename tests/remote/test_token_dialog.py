"""The token settings dialog against a real server: what Test connection shows."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest.importorskip("pytestqt")

from docrouter_desktop.client import DocRouterClient  # noqa: E402
from docrouter_desktop.core.library import Library  # noqa: E402
from docrouter_desktop.core.secrets import RemoteTokenStore  # noqa: E402
from docrouter_desktop.gui.token_dialog import TokenDialog  # noqa: E402
from tests.remote.conftest import free_port  # noqa: E402

SHOTS = os.environ.get("DOCROUTER_SCREENSHOTS")


@pytest.fixture
def dialog(qtbot, tmp_path):
    lib = Library(tmp_path / "lib")
    d = TokenDialog(lib, RemoteTokenStore(session_only=True), remote_name="work")
    qtbot.addWidget(d)
    d.show()
    yield d
    lib.close()


def _test(qtbot, d, name: str) -> tuple[bool, str]:
    with qtbot.waitSignal(d.connection_tested, timeout=30000) as blocker:
        d.test_button.click()
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        d.grab().save(str(Path(SHOTS) / f"token-dialog-{name}.png"))
    return blocker.args[0], blocker.args[1]


def test_good_token_shows_the_account_and_its_workspaces(qtbot, dialog, server):
    dialog.url.setText(server.url)
    dialog.account.setText(server.account_token)
    ok, message = _test(qtbot, dialog, "good")
    assert ok, message
    assert "Connected as" in message and "Workspaces reached" in message
    assert dialog.org_picker.count() >= 1  # the organization picker was filled
    assert server.account_token not in message


def test_wrong_url_says_nothing_answers(qtbot, dialog):
    dialog.url.setText(f"http://127.0.0.1:{free_port()}")
    dialog.account.setText("tok_" + "x" * 40)
    ok, message = _test(qtbot, dialog, "wrong-url")
    assert not ok and "connection refused" in message.lower()


def test_revoked_token_is_a_401(qtbot, dialog, server):
    with DocRouterClient(server.url, server.account_token) as c:
        made = c.create_access_token("revoked-soon")
        c.delete_access_token(made["id"])
    dialog.url.setText(server.url)
    dialog.account.setText(made["token"])
    ok, message = _test(qtbot, dialog, "revoked")
    assert not ok and message.startswith("401 Unauthorized")


def test_workspace_token_used_as_account_token_is_explained(qtbot, dialog, server):
    with DocRouterClient(server.url, server.account_token) as c:
        org = c.organizations()[0]["id"]
        made = c.create_access_token("workspace", org=org)
    dialog.url.setText(server.url)
    dialog.account.setText(made["token"])
    ok, message = _test(qtbot, dialog, "workspace-as-account")
    assert not ok and "403" in message and "workspace token" in message


def test_tokens_are_masked_and_revealable(qtbot, dialog):
    dialog.account.setText("tok_secret_value")
    from PySide6.QtWidgets import QLineEdit

    assert dialog.account.edit.echoMode() == QLineEdit.EchoMode.Password
    dialog.account.toggle.click()
    assert dialog.account.edit.echoMode() == QLineEdit.EchoMode.Normal
