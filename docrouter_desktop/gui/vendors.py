"""The Vendors view: the vendor memory of a workspace as a table (name, VAT IDs, IBANs,
currency, booking account, category, how often recognising it was right), with a search,
editing in place (double-click a name, account, category or currency), Merge for two selected
vendors and Forget. Reads run in the background; every change is the engine's."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from docrouter_desktop.core.records import VendorInfo
from docrouter_desktop.gui.workers import TaskRunner

ModelIndex = QModelIndex | QPersistentModelIndex
# (heading, VendorInfo attribute, editable)
COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("Name", "name", True),
    ("VAT ID", "vat_ids", False),
    ("IBAN", "ibans", False),
    ("Currency", "currency", True),
    ("Account", "account", True),
    ("Category", "category", True),
    ("Address", "address", True),
    ("Recognised right", "times_right", False),
)
EMPTY = "No vendors yet: correct the vendor of a document that shows a VAT ID or an IBAN, and "
EMPTY += "the next document with that ID gets its vendor from here."


class VendorTableModel(QAbstractTableModel):
    """Rows of ``VendorInfo``; an edit asks ``edit_requested(vendor_id, field, value)``."""

    edit_requested = Signal(str, str, str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.vendors: list[VendorInfo] = []

    def set_vendors(self, vendors: list[VendorInfo]) -> None:
        self.beginResetModel()
        self.vendors = list(vendors)
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.vendors)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        return None

    def data(self, index: ModelIndex, role=Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        v = self.vendors[index.row()]
        _heading, attr, _editable = COLUMNS[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            value = getattr(v, attr)
            if attr == "times_right":
                seen = v.times_right + v.times_wrong
                return f"{v.times_right} of {seen} ({v.confidence:.0%})"
            if isinstance(value, list):
                return "\n".join(value)
            return value or ""
        if role == Qt.ItemDataRole.ToolTipRole and attr == "times_right":
            return (
                f"A document recognised as {v.name} by its VAT ID or IBAN gets the vendor at "
                f"{v.confidence:.0%} confidence; each correction of a recognition lowers it."
            )
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and COLUMNS[index.column()][2]:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: ModelIndex, value: Any, role=Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        v = self.vendors[index.row()]
        attr = COLUMNS[index.column()][1]
        text = str(value).strip()
        if text == (getattr(v, attr) or ""):
            return False
        self.edit_requested.emit(v.id, attr, text)
        return True


class VendorsView(QWidget):
    """The window of the vendor memory (Tools ▸ Vendors…)."""

    changed = Signal()  # the engine changed the memory (an edit, a merge)

    def __init__(self, library, engine, parent=None):
        super().__init__(parent)
        self.library = library
        self.engine = engine
        self.org_id: str | None = None
        self._generation = 0
        self._tasks = TaskRunner(self)
        self._tasks.done.connect(self._on_loaded)
        self._tasks.failed.connect(self._on_failed)

        self.search = QLineEdit(placeholderText="Search vendors by name")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _text: self.refresh())
        self.model = VendorTableModel(self)
        self.model.edit_requested.connect(self._edit)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.merge_button = QPushButton("Merge")
        self.merge_button.setToolTip(
            "Make the two selected vendors one: the one you keep takes the other's VAT IDs "
            "and IBANs"
        )
        self.merge_button.clicked.connect(self.merge_selected)
        self.forget_button = QPushButton("Forget")
        self.forget_button.setToolTip("Remove the selected vendors from the memory")
        self.forget_button.clicked.connect(self.forget_selected)

        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.merge_button)
        buttons.addWidget(self.forget_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    # -- reading

    def refresh(self, org_id: str | None = None) -> None:
        if org_id is not None:
            self.org_id = org_id
        self._generation += 1
        library, org, text = self.library, self.org_id, self.search.text().strip() or None
        self._tasks.submit(lambda: library.vendors(org, text), self._generation)

    def _on_loaded(self, token, vendors: list[VendorInfo]) -> None:
        if token != self._generation:
            return  # an older read, overtaken by a newer search
        self.model.set_vendors(vendors)
        if vendors:
            self.table.resizeColumnsToContents()
            self.table.resizeRowsToContents()
            counted = f"{len(vendors)} vendor" + ("" if len(vendors) == 1 else "s")
            self.status.setText(f"{counted}. Double-click a cell to edit it.")
        elif self.search.text().strip():
            self.status.setText("No vendor matches the search; clear it to see them all.")
        else:
            self.status.setText(EMPTY)
        self._update_buttons()

    def _on_failed(self, token, message: str) -> None:
        self.status.setText(f"The vendors could not be read: {message}")

    # -- changing, through the engine

    def selected(self) -> list[VendorInfo]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.vendors[r] for r in rows if r < len(self.model.vendors)]

    def _update_buttons(self, *_args) -> None:
        n = len(self.selected())
        self.merge_button.setEnabled(n == 2)
        self.forget_button.setEnabled(n >= 1)

    def _edit(self, vendor_id: str, field: str, value: str) -> None:
        self._call("edit_vendor", vendor_id, self.org_id, **{field: value})

    def merge_selected(self) -> None:
        chosen = self.selected()
        if len(chosen) != 2:
            return
        keep = self.ask_which_to_keep(*chosen)
        if keep is not None:
            other = chosen[1] if keep is chosen[0] else chosen[0]
            self._call("merge_vendors", keep.id, other.id, self.org_id)

    def ask_which_to_keep(self, a: VendorInfo, b: VendorInfo) -> VendorInfo | None:
        """Which of two vendors a merge keeps (its name; it takes the other's VAT IDs and
        IBANs), or None to leave them apart."""
        box = QMessageBox(self)
        box.setWindowTitle("Merge vendors")
        box.setText(
            f"Make “{a.name}” and “{b.name}” one vendor? The one kept takes the other's VAT "
            "IDs and IBANs, and documents with any of them are recognised as it."
        )
        keep_a = box.addButton(f"Keep “{a.name}”", QMessageBox.ButtonRole.AcceptRole)
        keep_b = box.addButton(f"Keep “{b.name}”", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        clicked = box.clickedButton()
        return a if clicked is keep_a else b if clicked is keep_b else None

    def forget_selected(self) -> None:
        chosen = self.selected()
        if not chosen:
            return
        names = ", ".join(v.name for v in chosen[:3]) + ("…" if len(chosen) > 3 else "")
        answer = QMessageBox.question(
            self,
            "Forget vendors",
            f"Forget {names}? Documents already read keep their vendor.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            for v in chosen:
                self._call("delete_vendor", v.id, self.org_id)

    def _call(self, method: str, *args, **kwargs) -> None:
        def done(_value) -> None:
            self.changed.emit()
            self.refresh()

        def failed(message: str) -> None:
            self.status.setText(message)
            self.refresh()

        self.engine.call(method, *args, on_done=done, on_failed=failed, **kwargs)
