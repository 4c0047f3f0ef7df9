"""The Local API tokens dialog: account tokens and the shown workspace's tokens, created with
the secret shown once, and revoked after a confirmation, through core.api_tokens."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from docrouter_desktop.core.api_tokens import ApiTokenService
from docrouter_desktop.gui.local_tokens import IdRole, LocalTokensDialog
from docrouter_desktop.gui.main_window import MainWindow


@pytest.fixture
def dialog(qtbot, small_library):
    d = LocalTokensDialog(small_library)
    qtbot.addWidget(d)
    return d


def shown(section) -> list[tuple[str, ...]]:
    m = section.model
    return [
        tuple(m.data(m.index(r, c)) for c in range(m.columnCount())) for r in range(m.rowCount())
    ]


def test_account_and_workspace_tokens_are_listed_apart(qtbot, small_library):
    tokens = ApiTokenService(small_library)
    org = small_library.default_org_id()
    other = small_library.create_organization("Other")
    tokens.create("laptop")
    tokens.create("scanner", org)
    tokens.create("elsewhere", other.id)
    d = LocalTokensDialog(small_library, org)
    qtbot.addWidget(d)
    assert [(r[0], r[2], r[3]) for r in shown(d.account)] == [
        ("laptop", "never", "Account (every workspace)")
    ]
    assert [(r[0], r[3]) for r in shown(d.workspace)] == [("scanner", "Workspace Personal")]
    assert "Personal" in d.workspace.title() and "Workspace Settings" in d.workspace.title()
    assert f"/v0/orgs/{org}" in d.workspace.explanation.text()
    assert d.account.stack.currentWidget() is d.account.table


def test_empty_lists_say_so(dialog):
    assert dialog.account.stack.currentWidget() is dialog.account.empty
    assert dialog.account.empty.text() == "No account tokens yet."
    assert dialog.workspace.stack.currentWidget() is dialog.workspace.empty
    assert not dialog.account.revoke_button.isEnabled()


def test_a_created_token_shows_its_secret_once_and_works(qtbot, dialog, small_library, monkeypatch):
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("nightly export", True))
    dialog.account.create_button.click()
    secret_dialog = dialog.secret_dialog
    secret = secret_dialog.secret.text()
    assert secret_dialog.secret.isReadOnly()
    assert "won't be shown again" in secret_dialog.note.text()
    info = ApiTokenService(small_library).authenticate(secret)
    assert info is not None and info.name == "nightly export" and info.is_account_token
    secret_dialog.copy_button.click()
    assert QApplication.clipboard().text() == secret
    # Listed (and selected) without the secret anywhere in the list.
    m = dialog.account.model
    cells = [
        m.data(m.index(r, c), role)
        for r in range(m.rowCount())
        for c in range(m.columnCount())
        for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, IdRole)
    ]
    assert secret not in " ".join(str(c) for c in cells)
    assert dialog.account.selected_id() == info.id
    # A workspace token is the workspace's only.
    _info, ws_secret = dialog.create_token("scanner", dialog.org_id)
    ws = ApiTokenService(small_library).authenticate(ws_secret)
    assert ws.organization_id == dialog.org_id
    assert [r[0] for r in shown(dialog.workspace)] == ["scanner"]


def test_an_empty_name_is_explained(dialog, monkeypatch):
    warnings = []
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("  ", True))
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    dialog.workspace.create_button.click()
    assert warnings == ["A token needs a name."]
    assert dialog.secret_dialog is None


def test_revoking_asks_first_and_the_token_stops_working(dialog, small_library, monkeypatch):
    info, secret = dialog.create_token("old script", dialog.org_id)
    dialog.workspace.select_token(info.id)
    assert dialog.workspace.revoke_button.isEnabled()
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.No)
    dialog.workspace.revoke_button.click()
    assert ApiTokenService(small_library).authenticate(secret) is not None
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    dialog.workspace.revoke_button.click()
    assert ApiTokenService(small_library).authenticate(secret) is None
    assert dialog.workspace.model.rowCount() == 0


def test_the_window_names_local_and_remote_tokens_apart(qtbot, small_library):
    w = MainWindow(small_library, start_runner=False, watch=False, remember_layout=False)
    qtbot.addWidget(w)
    menu = [a.text() for a in w.settings_button.menu().actions()]
    assert menu == ["Preferences…", "Local API tokens…", "Remote DocRouter…"]
    team = w.workspaces.create_workspace("Team")
    w.act_local_tokens.trigger()
    assert w.local_tokens.org_id == team.id
    assert "Team" in w.local_tokens.workspace.title()
    w.local_tokens.close()
    w.shutdown()
