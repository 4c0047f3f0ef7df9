"""The document list model: a QAbstractTableModel over the library that loads rows lazily.

It holds the ids of the listed documents in display order (one narrow query) and fetches the
summary rows only for the part of the list on screen, so a library of 100,000 documents opens
at once. Job events update single rows through ``dataChanged``; new documents are inserted.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QObject,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QGuiApplication

from docrouter_desktop.core import queries
from docrouter_desktop.core.events import JobEvent
from docrouter_desktop.core.export import ExportRow, write_csv
from docrouter_desktop.core.queries import DocumentRow, ListFilter
from docrouter_desktop.gui import theme
from docrouter_desktop.gui.workers import TaskRunner

COLUMNS = [
    ("name", "Name"),
    ("status", "Status"),
    ("processor", "Processor"),
    ("vendor", "Vendor"),
    ("date", "Date"),
    ("total", "Total"),
    ("currency", "Currency"),
    ("pages", "Pages"),
    ("added", "Added"),
]
COLUMN_WIDTHS = [150, 85, 108, 120, 82, 100, 62, 48, 120]  # "receipt (auto)" fits
# Shown at first: the name stretches to the list's width and the others fit beside it, so the
# list needs no sideways scroll; the header's menu shows the rest (the total carries its
# currency already).
HIDDEN_COLUMNS = ("currency", "pages", "added")
FETCH_BEFORE = 50
FETCH_AFTER = 150
CACHE_LIMIT = 5000
UPDATE_INTERVAL_MS = 150
REORDER_DELAY_MS = 1000
IdRole = Qt.ItemDataRole.UserRole + 1
RowRole = Qt.ItemDataRole.UserRole + 2


class DocumentTableModel(QAbstractTableModel):
    """Rows of documents; ``reloaded`` fires after the order or the filter changed."""

    reloaded = Signal()

    def __init__(self, library, parent: QObject | None = None):
        super().__init__(parent)
        self.library = library
        self.filter = ListFilter()
        self.sort_key = "added"
        self.descending = True
        self._ids: list[str] = []
        self._pos: dict[str, int] = {}
        self._rows: dict[str, DocumentRow] = {}
        self._progress: dict[str, tuple[int, int | None]] = {}
        self._placeholders: dict[str, DocumentRow] = {}  # files being added, by key
        self._changed: set[str] = set()
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(UPDATE_INTERVAL_MS)
        self._flush_timer.timeout.connect(self.flush_changes)
        self._reorder_timer = QTimer(self)
        self._reorder_timer.setSingleShot(True)
        self._reorder_timer.setInterval(REORDER_DELAY_MS)
        self._reorder_timer.timeout.connect(self.reload)
        self._generation = 0
        self.loading = False
        self._tasks = TaskRunner(self)
        self._tasks.done.connect(self._on_tasks_done)
        self._elsewhere: set[str] = set()  # ids known to be in another organization
        self._elsewhere_org: str | None = None
        self.fetches = 0  # how many row fetches went to the database (for tests and bench)

    # -- loading

    def reload(self, wait: bool = False) -> None:
        """Read the order of the list again: in the background unless ``wait``."""
        self._generation += 1
        generation = self._generation
        library, flt, key, desc = self.library, self.filter, self.sort_key, self.descending

        def query() -> tuple[list[str], dict[str, int]]:
            ids = queries.ordered_ids(library, flt, key, desc)
            return ids, {doc_id: i for i, doc_id in enumerate(ids)}

        if wait:
            self._apply_ids(*query())
        else:
            self.loading = True
            self._tasks.submit(query, generation)

    def _on_tasks_done(self, token, found) -> None:
        if token == self._generation:
            self.loading = False
            self._apply_ids(*found)

    def _apply_ids(self, ids: list[str], positions: dict[str, int]) -> None:
        pending = [i for i in self._ids if i in self._placeholders]
        if pending:  # files still being added stay listed on top
            ids = pending + ids
            positions = {doc_id: i for i, doc_id in enumerate(ids)}
        self.beginResetModel()
        self._ids = ids
        self._pos = positions
        self._rows.clear()
        self.endResetModel()
        self.reloaded.emit()

    def set_filter(self, flt: ListFilter) -> None:
        if flt != self.filter:
            self.filter = flt
            self.reload()

    def is_plain_order(self) -> bool:
        """Newest first with no filter: new documents simply go on top."""
        return (
            self.sort_key == "added"
            and self.descending
            and not (self.filter.text or self.filter.status or self.filter.processor_type)
        )

    def add_documents(self, ids: list[str]) -> None:
        """Documents just added to the library: list them on top, or re-read the order."""
        new = [i for i in dict.fromkeys(ids) if i and i not in self._pos]
        new = self._in_scope(new)
        if not new:
            return
        if not self.is_plain_order():
            self.reload()
            return
        new.reverse()  # the last added is the newest
        self.beginInsertRows(QModelIndex(), 0, len(new) - 1)
        self._ids[0:0] = new
        self._pos = {doc_id: i for i, doc_id in enumerate(self._ids)}
        self.endInsertRows()

    def _in_scope(self, ids: list[str]) -> list[str]:
        """The ids that belong in this list's organization (news of documents in other
        workspaces, from the runner or a watched folder, is not listed)."""
        org = self.filter.org_id
        if not org or not ids:
            return ids
        if self._elsewhere_org != org:
            self._elsewhere_org, self._elsewhere = org, set()
        ids = [i for i in ids if i not in self._elsewhere]
        here = queries.in_organization(self.library, ids, org) if ids else set()
        self._elsewhere.update(i for i in ids if i not in here)
        return [i for i in ids if i in here]

    def add_placeholders(self, pairs: list[tuple[str, str]]) -> None:
        """Files about to be added: listed on top at once, as "adding…" (in a sorted or
        filtered list they move to their place when the list is read again)."""
        if not pairs:
            return
        for key, name in pairs:
            self._placeholders[key] = DocumentRow(key, name, "adding…", "", None, "", None)
        keys = [k for k, _ in reversed(pairs)]
        self.beginInsertRows(QModelIndex(), 0, len(keys) - 1)
        self._ids[0:0] = keys
        self._pos = {doc_id: i for i, doc_id in enumerate(self._ids)}
        self.endInsertRows()

    def resolve_placeholders(self, pairs: list[tuple[str, str | None]]) -> None:
        """Placeholders whose files are in: each becomes its document's row (or goes away,
        for a file already listed or one that could not be added)."""
        replaced, gone = [], set()
        for key, doc_id in pairs:
            self._placeholders.pop(key, None)
            row = self._pos.get(key)
            if row is None:
                continue
            if doc_id and doc_id not in self._pos:
                self._ids[row] = doc_id
                del self._pos[key]
                self._pos[doc_id] = row
                self._rows.pop(doc_id, None)
                replaced.append(row)
            else:
                gone.add(key)
        if replaced:
            self.dataChanged.emit(
                self.index(min(replaced), 0), self.index(max(replaced), len(COLUMNS) - 1)
            )
        if len(gone) == 1:
            self._remove_row(self._pos[next(iter(gone))])
        elif gone:
            self.beginResetModel()
            self._ids = [i for i in self._ids if i not in gone]
            self._pos = {doc_id: i for i, doc_id in enumerate(self._ids)}
            self.endResetModel()
        new = [d for _k, d in pairs if d and d not in self._pos]
        if new:
            self.add_documents(new)
        if replaced and not self.is_plain_order():
            self._reorder_timer.start()  # put them in their place, once a burst is over

    def remove_document(self, doc_id: str) -> None:
        row = self._pos.get(doc_id)
        if row is not None:
            self._rows.pop(doc_id, None)
            self._remove_row(row)

    def _remove_row(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._ids[row]
        self._pos = {d: i for i, d in enumerate(self._ids)}
        self.endRemoveRows()

    def refresh_documents(self, ids: list[str]) -> None:
        """Rows whose stored data changed: fetched again when next shown."""
        for doc_id in ids:
            self._rows.pop(doc_id, None)
            row = self._pos.get(doc_id)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def on_job_event(self, event: JobEvent) -> None:
        """Note what happened; the rows are updated together a moment later, so that a
        busy queue repaints the list a few times a second rather than once per event."""
        if event.kind in ("started", "progress"):
            self._progress[event.document_id] = (event.pages_done, event.pages_total)
        else:
            self._progress.pop(event.document_id, None)
        self._changed.add(event.document_id)
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def flush_changes(self) -> None:
        changed, self._changed = self._changed, set()
        new = [d for d in changed if d not in self._pos]
        if new:
            self.add_documents(new)
        rows = []
        for doc_id in changed:
            self._rows.pop(doc_id, None)
            row = self._pos.get(doc_id)
            if row is not None:
                rows.append(row)
        if rows:
            self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), len(COLUMNS) - 1))

    def _fetch_around(self, row: int) -> None:
        lo, hi = max(0, row - FETCH_BEFORE), min(len(self._ids), row + FETCH_AFTER)
        wanted = [
            i for i in self._ids[lo:hi] if i not in self._rows and not i.startswith("pending:")
        ]
        if len(self._rows) + len(wanted) > CACHE_LIMIT:
            self._rows.clear()
            wanted = [i for i in self._ids[lo:hi] if not i.startswith("pending:")]
        self.fetches += 1
        self._rows.update(queries.rows_for(self.library, wanted))

    def row_at(self, row: int) -> DocumentRow | None:
        if not 0 <= row < len(self._ids):
            return None
        doc_id = self._ids[row]
        found = self._rows.get(doc_id) or self._placeholders.get(doc_id)
        if found is None:
            self._fetch_around(row)
            found = self._rows.get(doc_id)
        return found

    def id_at(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, doc_id: str) -> int | None:
        return self._pos.get(doc_id)

    def ids(self) -> list[str]:
        return list(self._ids)

    def is_placeholder(self, key: str) -> bool:
        """A row for a file still being added (it has no document yet)."""
        return key in self._placeholders

    def placeholders(self) -> int:
        """How many listed files are still being added."""
        return len(self._placeholders)

    def cached_count(self) -> int:
        return len(self._rows)

    # -- Qt model interface

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][1]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role == IdRole:
            return self.id_at(index.row())
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.TextAlignmentRole,
            RowRole,
        ):
            return None
        row = self.row_at(index.row())
        if row is None:
            return "…" if role == Qt.ItemDataRole.DisplayRole else None
        if role == RowRole:
            return row
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if key in ("total", "pages"):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if key != "status":
                return None
            return theme.status_color(QGuiApplication.palette(), row.status)
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "status" and row.error:
                return row.error
            if key == "processor" and row.processor_type == "auto":
                if row.used_processor:
                    return f"Read by the {row.used_processor} processor, chosen automatically"
                return "The processor is chosen automatically when the document is read"
            return row.document_name if key == "name" else None
        return self._display(row, key)

    def _display(self, row: DocumentRow, key: str) -> str:
        if key == "name":
            return row.document_name
        if key == "status":
            progress = self._progress.get(row.id)
            if row.status == "processing" and progress:
                done, total = progress
                return f"processing {done}/{total}" if total else "processing…"
            return row.status
        if key == "processor":
            return row.processor_label
        if key == "total":
            if isinstance(row.total, int | float):
                return f"{row.total:,.2f} {row.currency or ''}".rstrip()
            return "" if row.total is None else str(row.total)
        if key == "pages":
            return "" if row.pages is None else str(row.pages)
        if key == "added":
            return _short_time(row.created_at)
        value = getattr(row, key)
        return "" if value is None else str(value)

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        key, descending = COLUMNS[column][0], order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self.sort_key, self.descending):
            return  # already in this order (the view asks again when its header is set up)
        self.sort_key, self.descending = key, descending
        self.reload()

    def flags(self, index: QModelIndex):
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else base

    def mimeTypes(self) -> list[str]:
        return ["text/uri-list"]

    def supportedDragActions(self):
        return Qt.DropAction.CopyAction

    def mimeData(self, indexes) -> QMimeData:
        """Dragging rows out to the file manager drops a CSV of their fields."""
        ids = list(dict.fromkeys(self.id_at(i.row()) for i in indexes if i.isValid()))
        path = write_rows_csv(self.library, [i for i in ids if i])
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(path))])
        return mime


def export_rows(library, ids: list[str]) -> list[ExportRow]:
    docs = {}
    for i in range(0, len(ids), 500):
        found, _ = library.documents(ids=ids[i : i + 500])
        docs.update({d.id: d for d in found})
    results = library.results(ids)
    rows = []
    for doc_id in ids:
        d = docs.get(doc_id)
        if d is not None:
            name = d.source_path or d.document_name
            rows.append(ExportRow(name, d, results.get(doc_id), d.status, d.error))
    return rows


def write_rows_csv(library, ids: list[str]) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="docrouter-drag-"))
    name = "documents.csv" if len(ids) != 1 else f"{Path(_name(library, ids[0])).stem}.csv"
    path = folder / name
    write_csv(export_rows(library, ids), path)
    return path


def _name(library, doc_id: str) -> str:
    try:
        return library.document(doc_id).document_name
    except Exception:
        return "document"


def _short_time(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso
