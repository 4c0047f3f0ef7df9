"""The "Local API tokens" dialog: the tokens of the API this library serves.

It mirrors the product's Account Settings > API Tokens (account tokens: ``/v0/account`` and
every workspace) and Workspace Settings > API Tokens (tokens of the workspace shown in the
window: ``/v0/orgs/{id}`` only), over ``core.api_tokens.ApiTokenService``, the service the
``api-token`` command uses. A new token's secret is shown once, in a field to copy from.
(The tokens this app sends to remote DocRouter servers live in ``token_dialog``.)
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, Qt, Slot
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QStackedLayout,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from docrouter_desktop.core.api_tokens import ApiTokenService, TokenInfo
from docrouter_desktop.core.errors import AppError
from docrouter_desktop.server.serve import DEFAULT_HOST, DEFAULT_PORT

IdRole = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Name", "Created", "Last used", "Scope")


def short_time(iso: str | None) -> str:
    if not iso:
        return "never"
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


class TokenTableModel(QAbstractTableModel):
    """Tokens (plain ``TokenInfo`` records) as rows; ``IdRole`` gives a row's token id."""

    def __init__(self, scope_text: str, parent=None):
        super().__init__(parent)
        self.scope_text = scope_text
        self.tokens: list[TokenInfo] = []

    def set_tokens(self, tokens: list[TokenInfo], scope_text: str | None = None) -> None:
        self.beginResetModel()
        self.tokens = list(tokens)
        if scope_text is not None:
            self.scope_text = scope_text
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.tokens)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        token = self.tokens[index.row()]
        if role == IdRole:
            return token.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Token id: {token.id}"
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                token.name,
                short_time(token.created_at),
                short_time(token.last_used_at),
                self.scope_text,
            )[index.column()]
        return None


class TokenSection(QGroupBox):
    """One list of tokens (account, or a workspace's) with Create and Revoke."""

    def __init__(self, title: str, explanation: str, create_text: str, empty_text: str):
        super().__init__(title)
        layout = QVBoxLayout(self)
        self.explanation = QLabel(explanation)
        self.explanation.setWordWrap(True)
        self.explanation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.explanation)
        self.model = TokenTableModel("", self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        for column, width in enumerate((200, 130, 130)):
            self.table.setColumnWidth(column, width)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.empty = QLabel(empty_text)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: palette(mid); border: 1px dashed palette(mid);")
        holder = QWidget()
        self.stack = QStackedLayout(holder)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        layout.addWidget(holder, 1)
        buttons = QHBoxLayout()
        self.create_button = QPushButton(create_text)
        self.revoke_button = QPushButton("Revoke…")
        self.revoke_button.setEnabled(False)
        buttons.addWidget(self.create_button)
        buttons.addWidget(self.revoke_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.table.selectionModel().selectionChanged.connect(
            lambda *_: self.revoke_button.setEnabled(self.selected_id() is not None)
        )

    def show_tokens(self, tokens: list[TokenInfo], scope_text: str) -> None:
        chosen = self.selected_id()
        self.model.set_tokens(tokens, scope_text)
        self.stack.setCurrentWidget(self.table if tokens else self.empty)
        for row, token in enumerate(tokens):
            if token.id == chosen:
                self.table.selectRow(row)
        self.revoke_button.setEnabled(self.selected_id() is not None)

    def selected_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.data(rows[0], IdRole) if rows else None

    def select_token(self, token_id: str) -> None:
        for row, token in enumerate(self.model.tokens):
            if token.id == token_id:
                self.table.selectRow(row)


class NewTokenDialog(QDialog):
    """The secret of a token just created, once, with a note that it won't be shown again."""

    def __init__(self, info: TokenInfo, secret: str, example: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Token created")
        self.resize(660, 250)
        layout = QVBoxLayout(self)
        kind = "account" if info.is_account_token else "workspace"
        layout.addWidget(QLabel(f"<b>New {kind} token “{info.name}”</b>"))
        self.note = note = QLabel(
            "Copy this token now and keep it somewhere safe: it won't be shown again. "
            "Only a hash of it is kept; if it is lost, revoke it and create another."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        row = QHBoxLayout()
        self.secret = QLineEdit(secret)
        self.secret.setReadOnly(True)
        self.secret.setFont(mono)
        self.secret.selectAll()
        self.copy_button = QPushButton("Copy")
        self.copy_button.clicked.connect(self.copy)
        row.addWidget(self.secret, 1)
        row.addWidget(self.copy_button)
        layout.addLayout(row)
        layout.addWidget(QLabel("Try it:"))
        self.example = QPlainTextEdit(example)
        self.example.setReadOnly(True)
        self.example.setFont(mono)
        self.example.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        lines = example.count("\n") + 1
        self.example.setFixedHeight(self.example.fontMetrics().lineSpacing() * lines + 16)
        layout.addWidget(self.example)
        layout.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.secret.text())
        self.copy_button.setText("Copied")


class LocalTokensDialog(QDialog):
    """Account tokens and the current workspace's tokens of the local API."""

    def __init__(
        self,
        library,
        org_id: str | None = None,
        local_api=None,
        parent: QWidget | None = None,
        engine=None,
    ):
        super().__init__(parent)
        self.library = library
        self.tokens = ApiTokenService(library)  # read here; created and revoked by the engine
        if engine is None:  # a dialog on its own (its tests): an engine in this process
            from docrouter_desktop.core.engine import Engine
            from docrouter_desktop.gui.engine_bridge import EngineBridge

            engine = EngineBridge(library, Engine(library, runner="none"), parent=self)
        self.engine = engine
        self.org_id = org_id or library.default_org_id()
        self.org_name = next(
            (o.name for o in library.organizations() if o.id == self.org_id), self.org_id
        )
        self.local_api = local_api
        self.secret_dialog: NewTokenDialog | None = None
        self.setWindowTitle("Local API tokens")
        self.resize(720, 560)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Tokens let scripts and other programs use this library through the local "
            "DocRouter API. Send one as <code>Authorization: Bearer &lt;token&gt;</code>."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.serving = QLabel()
        self.serving.setWordWrap(True)
        layout.addWidget(self.serving)
        self.account = TokenSection(
            "Account Settings › API Tokens",
            "Account tokens reach <code>/v0/account</code> and every workspace.",
            "Create account token…",
            "No account tokens yet.",
        )
        self.workspace = TokenSection(
            f"Workspace Settings › API Tokens — {self.org_name}",
            f"Workspace tokens reach only this workspace: <code>/v0/orgs/{self.org_id}</code>.",
            "Create workspace token…",
            f"No tokens for the workspace {self.org_name} yet.",
        )
        layout.addWidget(self.account, 1)
        layout.addWidget(self.workspace, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.account.create_button.clicked.connect(lambda: self.ask_create(None))
        self.workspace.create_button.clicked.connect(lambda: self.ask_create(self.org_id))
        self.account.revoke_button.clicked.connect(lambda: self.revoke_selected(None))
        self.workspace.revoke_button.clicked.connect(lambda: self.revoke_selected(self.org_id))
        if local_api is not None:
            # A method of the dialog, not a lambda: Qt drops the connection when the dialog is
            # deleted (it is deleted when closed), so the server's later news (it stops with
            # the window) never reaches its deleted labels.
            local_api.state_changed.connect(self._on_api_state_changed)
        self._show_serving()
        self.reload()

    # -- showing

    def reload(self) -> None:
        account, _ = self.tokens.list(None)
        workspace, _ = self.tokens.list(self.org_id)
        self.account.show_tokens(account, "Account (every workspace)")
        self.workspace.show_tokens(workspace, f"Workspace {self.org_name}")

    def changeEvent(self, event) -> None:  # noqa: N802
        # "Last used" moves while the API is served: read again when the dialog comes back.
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.reload()
        super().changeEvent(event)

    @Slot(str, str)
    def _on_api_state_changed(self, _state: str, _text: str) -> None:
        self._show_serving()

    def base_url(self) -> str:
        api = self.local_api
        if api is not None and api.state == "running":
            return api.docs_url.removesuffix("/docs")
        s = self.library.settings()
        return f"http://{s.serve_host or DEFAULT_HOST}:{s.serve_port or DEFAULT_PORT}"

    def _show_serving(self) -> None:
        api = self.local_api
        if api is not None and api.state == "running":
            self.serving.setText(f"The local API is served at <b>{api.url}</b>.")
        else:
            self.serving.setText(
                "The local API is not being served now: turn it on in Preferences "
                "(“Serve the local DocRouter API”)."
            )

    def section(self, org_id: str | None) -> TokenSection:
        return self.account if org_id is None else self.workspace

    # -- creating and revoking

    def ask_create(self, org_id: str | None) -> None:
        kind = "account" if org_id is None else f"workspace {self.org_name}"
        name, ok = QInputDialog.getText(
            self, "Create token", f"Name of the new {kind} token (e.g. the script that uses it):"
        )
        if ok:
            try:
                self.create_token(name, org_id)
            except AppError as exc:
                QMessageBox.warning(self, "Create token", str(exc))

    def create_token(self, name: str, org_id: str | None) -> tuple[TokenInfo, str]:
        """Create a token, list it, and show its secret once (``secret_dialog``)."""
        info, secret = self.engine.call_and_wait("create_api_token", name, org_id)
        self.reload()
        self.section(org_id).select_token(info.id)
        path = "/v0/account/profile" if org_id is None else f"/v0/orgs/{org_id}/documents"
        example = f'curl -H "Authorization: Bearer {secret}" \\\n     {self.base_url()}{path}'
        self.secret_dialog = NewTokenDialog(info, secret, example, self)
        self.secret_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.secret_dialog.show()
        return info, secret

    def revoke_selected(self, org_id: str | None, confirm: bool = True) -> bool:
        section = self.section(org_id)
        token_id = section.selected_id()
        if token_id is None:
            return False
        name = next((t.name for t in section.model.tokens if t.id == token_id), token_id)
        if confirm:
            answer = QMessageBox.question(
                self,
                "Revoke token",
                f"Revoke the token “{name}”?\nPrograms that use it are refused from now on. "
                "This cannot be undone.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        self.engine.call_and_wait("revoke_api_token", token_id, org_id)
        self.reload()
        return True
