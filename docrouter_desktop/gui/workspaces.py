"""The workspace (organization) switcher of the toolbar, and "New workspace…".

The window shows one organization of the library at a time: its documents, counts, drops,
batches and exports. The choice is remembered per library folder in QSettings (it is a
window's view, like its layout, not a setting of the library).
"""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QWidget,
)

from docrouter_desktop.core.errors import AppError, UsageError
from docrouter_desktop.core.records import OrganizationInfo

NEW_WORKSPACE = "__new__"


def _settings_key(library) -> str:
    folder = str(library.root.resolve())
    return "workspace/" + hashlib.sha256(folder.encode("utf-8")).hexdigest()[:16]


def remembered_org(library) -> str:
    """The organization the window showed last for this library (the default one at first,
    or when that one is gone)."""
    org = QSettings().value(_settings_key(library))
    if isinstance(org, str) and org and library.organization_exists(org):
        return org
    return library.default_org_id()


def remember_org(library, org_id: str) -> None:
    s = QSettings()
    s.setValue(_settings_key(library), org_id)
    s.sync()


def label_for(org: OrganizationInfo) -> str:
    return f"{org.name} ({org.document_count:,})"


class _WorkspaceCombo(QComboBox):
    """Reads the document counts again each time it opens."""

    opening = Signal()

    def showPopup(self) -> None:  # noqa: N802 (Qt's name)
        self.opening.emit()
        super().showPopup()


class WorkspaceSwitcher(QWidget):
    """ "Workspace: [Personal (12 documents) ▾]", with "New workspace…" at the end."""

    organization_changed = Signal(str)  # the organization id now shown

    def __init__(self, library, engine, parent: QWidget | None = None):
        super().__init__(parent)
        self.library = library
        self.engine = engine  # workspaces are created through it
        self.organizations: list[OrganizationInfo] = []
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(QLabel("Workspace:"))
        self.combo = _WorkspaceCombo()
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.setMinimumContentsLength(12)
        layout.addWidget(self.combo)
        self._current = remembered_org(library)
        self.reload()
        self.combo.activated.connect(self._on_combo_activated)
        self.combo.opening.connect(self.reload)

    @property
    def current_org_id(self) -> str:
        return self._current

    @property
    def current_name(self) -> str:
        for org in self.organizations:
            if org.id == self._current:
                return org.name
        return ""

    def reload(self) -> None:
        """List the organizations again (names and document counts)."""
        self.organizations = self.library.organizations()
        if not any(o.id == self._current for o in self.organizations):
            self._current = self.library.default_org_id()
        self.combo.blockSignals(True)
        self.combo.clear()
        for org in self.organizations:
            self.combo.addItem(label_for(org), org.id)
            self._describe(self.combo.count() - 1, org)
        self.combo.insertSeparator(self.combo.count())
        self.combo.addItem("New workspace…", NEW_WORKSPACE)
        self.combo.setCurrentIndex(self.combo.findData(self._current))
        self.combo.setToolTip(f"The workspace shown (organization id {self._current})")
        self.combo.blockSignals(False)

    def refresh_counts(self) -> None:
        """Read every workspace's document count again (documents were added or deleted, here
        or by the local API or a watched folder): the labels change in place, so an open list
        stays open; a workspace added or gone meanwhile lists them all again."""
        organizations = self.library.organizations()
        if [o.id for o in organizations] != [o.id for o in self.organizations]:
            self.reload()
            return
        self.organizations = organizations
        for org in organizations:
            index = self.combo.findData(org.id)
            if index >= 0 and self.combo.itemText(index) != label_for(org):
                self.combo.setItemText(index, label_for(org))
                self._describe(index, org)

    def _describe(self, index: int, org: OrganizationInfo) -> None:
        n = org.document_count
        self.combo.setItemData(
            index,
            f"{n:,} document{'' if n == 1 else 's'}; organization id {org.id}",
            Qt.ItemDataRole.ToolTipRole,
        )

    def set_current(self, org_id: str) -> None:
        """Show this organization: the window follows through ``organization_changed``."""
        if org_id == self._current:
            return
        if not any(o.id == org_id for o in self.organizations):
            self.reload()
        self._current = org_id
        remember_org(self.library, org_id)
        self.reload()
        self.organization_changed.emit(org_id)

    def _on_combo_activated(self, index: int) -> None:
        org = self.combo.itemData(index)
        if org == NEW_WORKSPACE:
            self.combo.setCurrentIndex(self.combo.findData(self._current))
            self.ask_new_workspace()
        elif org:
            self.set_current(org)

    def ask_new_workspace(self) -> OrganizationInfo | None:
        name, ok = QInputDialog.getText(
            self,
            "New workspace",
            "Name of the new workspace (its documents and tokens are kept apart):",
            QLineEdit.EchoMode.Normal,
        )
        if not ok:
            return None
        try:
            return self.create_workspace(name)
        except AppError as exc:
            QMessageBox.warning(self, "New workspace", str(exc))
            return None

    def create_workspace(self, name: str) -> OrganizationInfo:
        """Create an organization and show it."""
        name = (name or "").strip()
        if any(o.name.casefold() == name.casefold() for o in self.library.organizations()):
            raise UsageError(f"There is already a workspace named '{name}'.")
        org = self.engine.call_and_wait("create_workspace", name)
        self.set_current(org.id)
        return org
