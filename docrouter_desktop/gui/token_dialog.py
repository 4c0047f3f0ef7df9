"""The API token settings dialog: a DocRouter server, its account and workspace tokens.

Mirrors the product's Account Settings > API Tokens and Workspace Settings > API Tokens.
Tokens go to the OS keyring only; "Test connection" runs off the GUI thread and says who the
token is and which workspaces it reaches, or exactly what failed.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from docrouter_desktop.client import (
    Dialect,
    DocRouterClient,
    DocRouterError,
    Forbidden,
    NetworkError,
    RequestTimeout,
    Unauthorized,
    token_rule_hint,
)
from docrouter_desktop.core import remote as rem
from docrouter_desktop.core.errors import AppError
from docrouter_desktop.core.secrets import KeyringUnavailable, RemoteTokenStore
from docrouter_desktop.gui import theme


def describe_failure(url: str, exc: Exception, as_account: bool) -> str:
    """Exactly what went wrong, in words a user can act on."""
    if isinstance(exc, RequestTimeout):
        return f"Timed out: {url} did not answer in time. Check the URL and your network."
    if isinstance(exc, NetworkError):
        return exc.message
    if isinstance(exc, Unauthorized):
        said = (
            "401 Unauthorized: the server does not accept this token (mistyped, or revoked). "
            f"Server said: {exc.detail or 'no detail'}"
        )
        hint = token_rule_hint(exc)
        if hint is None and as_account:
            hint = (
                "If it is a workspace's token (an organization token), enter it under "
                "Workspace tokens with its organization id: a DocRouter server takes it only "
                "on /v0/orgs/…, and an account token for the account's own calls."
            )
        return f"{said}. {hint}" if hint else said
    if isinstance(exc, Forbidden):
        if as_account:
            return (
                "403 Forbidden: this token cannot use the account endpoints. It looks like a "
                "workspace token: add it under Workspace tokens with its organization instead."
            )
        return f"403 Forbidden: the token may not use this workspace. Server said: {exc.detail}"
    if isinstance(exc, DocRouterError):
        return exc.message
    return f"Unexpected error: {exc}"


class _ConnectionTest(QObject):
    """Runs the connection test in a plain thread; reports through a queued signal."""

    finished = Signal(bool, str, list)  # ok, message, organizations

    def run(self, url: str, account: str, org_tokens: dict[str, str]) -> None:
        threading.Thread(target=self._work, args=(url, account, org_tokens), daemon=True).start()

    def _work(self, url: str, account: str, org_tokens: dict[str, str]) -> None:
        lines: list[str] = []
        orgs: list[dict] = []
        try:
            with DocRouterClient(
                url, account or None, org_tokens=org_tokens, retries=0, timeout=10
            ) as c:
                if account:
                    try:
                        # Only the desktop dialect has an account profile; both list workspaces.
                        dialect = c.detect_dialect()
                        if dialect is Dialect.DESKTOP:
                            profile = c.profile()
                            who = profile.get("name") or profile.get("email") or profile.get("id")
                            lines.append(f"Connected as {who} <{profile.get('email') or '?'}>.")
                        else:
                            lines.append(f"Connected to {dialect.description}.")
                        orgs = c.organizations()
                    except DocRouterError as exc:
                        self.finished.emit(False, describe_failure(url, exc, True), [])
                        return
                    names = ", ".join(f"{o.get('name')} ({o.get('id')})" for o in orgs) or "none"
                    lines.append(f"Workspaces reached: {names}.")
                for org, _token in org_tokens.items():
                    try:
                        n = c.document_count(org)
                        lines.append(f"Workspace token for {org}: works ({n} documents).")
                    except DocRouterError as exc:
                        self.finished.emit(
                            False, f"Workspace {org}: " + describe_failure(url, exc, False), orgs
                        )
                        return
        except DocRouterError as exc:
            self.finished.emit(False, describe_failure(url, exc, bool(account)), [])
            return
        except Exception as exc:  # an invalid URL, for instance
            self.finished.emit(False, f"Cannot use this URL: {exc}", [])
            return
        if not lines:
            self.finished.emit(False, "Enter an account token or a workspace token first.", [])
            return
        self.finished.emit(True, " ".join(lines), orgs)


class SecretField(QWidget):
    """A masked line edit with a Show/Hide toggle."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setPlaceholderText("paste or type the token")
        self.toggle = QPushButton("Show")
        self.toggle.setCheckable(True)
        self.toggle.toggled.connect(self._on_toggle_toggled)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.edit, 1)
        lay.addWidget(self.toggle)

    def _on_toggle_toggled(self, shown: bool) -> None:
        self.edit.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        self.toggle.setText("Hide" if shown else "Show")

    def text(self) -> str:
        return self.edit.text().strip()

    def setText(self, text: str) -> None:  # noqa: N802 - Qt naming
        self.edit.setText(text)


class TokenDialog(QDialog):
    """Server URL, account token, workspace tokens, Test connection, organization picker."""

    connection_tested = Signal(bool, str)

    def __init__(
        self,
        library,
        store: RemoteTokenStore | None = None,
        remote_name: str = "docrouter",
        parent=None,
        engine=None,
    ):
        super().__init__(parent)
        self.setWindowTitle("API tokens")
        self.resize(720, 520)
        self.library = library
        self.store = store or RemoteTokenStore()
        if engine is None:  # a dialog on its own (its tests): an engine in this process
            from docrouter_desktop.core.engine import Engine
            from docrouter_desktop.gui.engine_bridge import EngineBridge

            engine = EngineBridge(library, Engine(library, runner="none"), parent=self)
        self.engine = engine  # the registry of remotes is changed through it
        self.remote_name = remote_name
        self._tester = _ConnectionTest(self)
        self._tester.finished.connect(self._on_tester_finished)

        self.name = QLineEdit(remote_name)
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://docrouter.example.com")
        self.account = SecretField()
        self.org_picker = QComboBox()
        self.org_picker.setEditable(True)
        self.org_picker.setToolTip("Filled from the account's organizations by Test connection")
        self.org_token = SecretField()
        add_org = QPushButton("Add workspace token")
        add_org.clicked.connect(self._on_add_org_clicked)
        self.org_table = QTableWidget(0, 2)
        self.org_table.setHorizontalHeaderLabels(["Organization", "Token"])
        self.org_table.horizontalHeader().setStretchLastSection(True)
        self.org_table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        remove = QAction("Remove token", self.org_table)
        remove.triggered.connect(self._on_remove_org_triggered)
        self.org_table.addAction(remove)
        self.test_button = QPushButton("Test connection")
        self.test_button.clicked.connect(self._on_test_clicked)
        self.remove_account = QPushButton("Remove account token")
        self.remove_account.clicked.connect(self._on_remove_account_clicked)
        self.status = QLabel("Tokens are kept in the system keyring, never in files.")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setMinimumHeight(60)

        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Server URL", self.url)
        form.addRow("Account token", self.account)
        org_row = QHBoxLayout()
        org_row.addWidget(self.org_picker, 1)
        org_row.addWidget(self.org_token, 2)
        org_row.addWidget(add_org)
        form.addRow("Workspace token", org_row)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
        )
        buttons.accepted.connect(self._on_save_clicked)
        buttons.rejected.connect(self.reject)
        actions = QHBoxLayout()
        actions.addWidget(self.test_button)
        actions.addWidget(self.remove_account)
        actions.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(QLabel("Workspace tokens"))
        lay.addWidget(self.org_table, 1)
        lay.addLayout(actions)
        lay.addWidget(self.status)
        lay.addWidget(buttons)
        self._load()

    # -- state

    def _load(self) -> None:
        known = rem.remotes(self.library)
        r = known.get(self.remote_name)
        if r is None:
            return
        self.url.setText(r.url)
        try:
            self.account.setText(self.store.get_token(r.name) or "")
            for org in r.org_tokens:
                self._add_org_row(org, self.store.get_token(r.name, org) or "")
        except KeyringUnavailable as exc:
            self._offer_session_only(str(exc))

    def org_tokens(self) -> dict[str, str]:
        out = {}
        for row in range(self.org_table.rowCount()):
            org = self.org_table.item(row, 0).text().strip()
            token = self.org_table.item(row, 1).data(Qt.ItemDataRole.UserRole) or ""
            if org and token:
                out[org] = token
        return out

    def _add_org_row(self, org: str, token: str) -> None:
        row = self.org_table.rowCount()
        self.org_table.insertRow(row)
        self.org_table.setItem(row, 0, QTableWidgetItem(org))
        masked = QTableWidgetItem("•" * 12 if token else "")
        masked.setData(Qt.ItemDataRole.UserRole, token)
        masked.setFlags(masked.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.org_table.setItem(row, 1, masked)

    def _set_status(self, ok: bool, message: str) -> None:
        self.status.setStyleSheet(theme.text_style(self.palette(), "ok" if ok else "error"))
        self.status.setText(message)

    def _offer_session_only(self, message: str) -> None:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("No system keyring")
        box.setText(message)
        keep = box.addButton("Keep for this session only", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is keep:
            self.store = RemoteTokenStore(session_only=True)
            self._set_status(True, "Tokens are kept in memory until the app closes.")

    # -- slots

    def _on_add_org_clicked(self) -> None:
        org = self.org_picker.currentData() or self.org_picker.currentText().strip()
        token = self.org_token.text()
        if not org or not token:
            self._set_status(False, "Choose an organization and enter its workspace token.")
            return
        self._add_org_row(str(org), token)
        self.org_token.setText("")

    def _on_remove_org_triggered(self) -> None:
        row = self.org_table.currentRow()
        if row >= 0:
            self.org_table.removeRow(row)

    def _on_remove_account_clicked(self) -> None:
        self.account.setText("")
        self._set_status(True, "The account token will be removed when you save.")

    def _on_test_clicked(self) -> None:
        url = self.url.text().strip()
        if not url.startswith(("http://", "https://")):
            self._set_status(
                False, f"'{url}' is not a URL: it must start with https:// (or http://)."
            )
            self.connection_tested.emit(False, self.status.text())
            return
        self.test_button.setEnabled(False)
        self._set_status(True, f"Testing {url} ...")
        self._tester.run(url, self.account.text(), self.org_tokens())

    def _on_tester_finished(self, ok: bool, message: str, orgs: list) -> None:
        self.test_button.setEnabled(True)
        self._set_status(ok, message)
        if orgs:
            current = self.org_picker.currentText()
            self.org_picker.clear()
            for o in orgs:
                self.org_picker.addItem(f"{o.get('name')} ({o.get('id')})", o.get("id"))
            if current:
                self.org_picker.setEditText(current)
        self.connection_tested.emit(ok, message)

    def _on_save_clicked(self) -> None:
        name = self.name.text().strip()
        try:
            known = rem.remotes(self.library).get(name)
            previous = set(known.org_tokens) if known else set()
            rem.check_remote(name, self.url.text().strip())
            account = self.account.text()
            if account:
                self.store.set_token(name, account)
            else:
                self.store.delete_token(name)
            tokens = self.org_tokens()
            for org, token in tokens.items():
                self.store.set_token(name, token, org)
            for org in previous - set(tokens):
                self.store.delete_token(name, org)
            self.engine.call_and_wait(
                "save_remote",
                name,
                self.url.text().strip(),
                sorted(tokens),
                sorted(previous - set(tokens)),
            )
        except KeyringUnavailable as exc:
            self._offer_session_only(str(exc))
            return
        except (AppError, DocRouterError) as exc:
            self._set_status(False, str(exc))
            return
        self.remote_name = name
        self._set_status(True, "Saved. Tokens are in the system keyring.")
        self.accept()
