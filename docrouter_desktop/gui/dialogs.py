"""The window's dialogs: batch folder, preferences and the keyboard shortcut sheet."""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import Counter
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from docrouter_desktop.core import queries
from docrouter_desktop.core.batch import Batch, BatchSummary
from docrouter_desktop.core.ingest import FoundFile
from docrouter_desktop.core.runner_process import ChildRunner
from docrouter_desktop.core.settings import PROCESSOR_TYPES
from docrouter_desktop.gui.workers import TaskRunner

SHORTCUTS = [
    ("↑ / ↓", "previous / next document in the list"),
    ("Alt+↑ / Alt+↓", "previous / next document from anywhere"),
    ("Enter (in the list)", "review the document: jump to its first field to check"),
    ("Tab / Shift+Tab", "next / previous field"),
    ("Enter (in a field)", "accept the value (saved as reviewed) and go to the next field"),
    ("Page Up / Page Down", "previous / next page"),
    ("Ctrl++ / Ctrl+- / Ctrl+0", "zoom in / out / fit the page width"),
    ("Ctrl+F", "search"),
    ("Ctrl+O / Ctrl+Shift+O", "add files / add a folder"),
    ("Ctrl+B", "process a folder (batch)"),
    ("Ctrl+E", "export"),
    ("Delete", "delete the selected documents"),
    ("Ctrl+,", "preferences"),
    ("? / F1", "this sheet"),
]


class ShortcutSheet(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        layout = QFormLayout(self)
        for keys, what in SHORTCUTS:
            k = QLabel(f"<b>{keys}</b>")
            layout.addRow(k, QLabel(what))
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addRow(close)


def file_kind(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    return {"jpeg": "jpg", "tif": "tiff"}.get(suffix, suffix or "no extension")


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class _BatchSignals(QObject):
    event = Signal(object)
    added = Signal(list)
    finished = Signal(object)


class BatchDialog(QDialog):
    """Pick a folder, see what is in it, process it in the background, read the summary."""

    documents_added = Signal(list)  # document ids, for the list

    def __init__(
        self,
        library,
        bridge=None,
        folder: str = "",
        parent: QWidget | None = None,
        org_id: str | None = None,
    ):
        super().__init__(parent)
        self.library = library
        self.bridge = bridge
        self.org_id = org_id  # the workspace the files go to (None: the default one)
        self.batch: Batch | None = None
        self.summary: BatchSummary | None = None
        self.found: list = []
        self._thread: threading.Thread | None = None
        self._scan_token = 0
        self._done_ids: set[str] = set()
        self.setWindowTitle("Process a folder")
        self.resize(640, 520)
        self._signals = _BatchSignals(self)
        self._signals.event.connect(self._on_batch_event)
        self._signals.added.connect(self._on_batch_added)
        self._signals.finished.connect(self._on_batch_finished)
        self._tasks = TaskRunner(self)
        self._tasks.done.connect(self._on_scanned)

        layout = QVBoxLayout(self)
        form = QFormLayout()
        row = QHBoxLayout()
        self.folder = QLineEdit(folder)
        self.folder.setPlaceholderText("Choose a folder of invoices, receipts or scans")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        form.addRow("Folder", row)
        self.recursive = QCheckBox("Include subfolders")
        self.recursive.setChecked(True)
        form.addRow("", self.recursive)
        settings = library.settings()
        self.processor = QComboBox()
        self.processor.addItems(list(PROCESSOR_TYPES))
        self.processor.setCurrentText(settings.default_processor)
        form.addRow("Processor", self.processor)
        self.workers = QSpinBox()
        self.workers.setRange(1, 64)
        self.workers.setValue(settings.workers)
        form.addRow("Workers", self.workers)
        layout.addLayout(form)
        self.found_label = QLabel("Choose a folder to see what is in it.")
        self.found_label.setWordWrap(True)
        layout.addWidget(self.found_label)
        self.progress = QProgressBar()
        self.progress.setFormat("%v / %m documents")
        layout.addWidget(self.progress)
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.report.setPlaceholderText("The summary appears here when the batch ends.")
        layout.addWidget(self.report, 1)
        buttons = QHBoxLayout()
        self.start_button = QPushButton("Start")
        self.start_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel batch")
        self.retry_button = QPushButton("Retry failed")
        self.close_button = QPushButton("Close")
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.retry_button.clicked.connect(self.retry_failed)
        self.close_button.clicked.connect(self.accept)
        self.cancel_button.setEnabled(False)
        self.retry_button.setEnabled(False)
        for b in (self.start_button, self.cancel_button, self.retry_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        self.folder.textChanged.connect(self.scan)
        self.recursive.toggled.connect(self.scan)
        if folder:
            self.scan()

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Choose a folder", self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    # -- what is there

    def scan(self) -> None:
        folder = self.folder.text().strip()
        self._scan_token += 1
        self.start_button.setEnabled(False)
        if not folder or not Path(folder).is_dir():
            self.found_label.setText("Choose a folder to see what is in it.")
            return
        self.found_label.setText("Looking…")
        recursive, library, token = self.recursive.isChecked(), self.library, self._scan_token
        org_id = library.resolve_org(self.org_id)

        def look():
            found = Batch(library).find([folder], recursive)
            files = [f for f in found if isinstance(f, FoundFile)]
            hashes = {}
            for f in files:
                try:
                    hashes[str(f.path)] = sha256_of(f.path)
                except OSError:
                    pass
            known = queries.known_hashes(library, list(set(hashes.values())), org_id)
            dups = sum(1 for h in hashes.values() if h in known)
            kinds = Counter(file_kind(f.path) for f in files)
            return found, kinds, dups, len(found) - len(files)

        self._tasks.submit(look, token)

    def _on_scanned(self, token, result) -> None:
        if token != self._scan_token:
            return
        self.found, kinds, dups, unreadable = result
        files = sum(kinds.values())
        if not files:
            self.found_label.setText("No files in this folder.")
            return
        by_type = ", ".join(f"{n} {k.upper()}" for k, n in kinds.most_common())
        text = f"Found {files} files: {by_type}."
        if dups:
            text += f" {dups} already in the library (they are not processed again)."
        if unreadable:
            text += f" {unreadable} cannot be read."
        self.found_label.setText(text)
        self.start_button.setEnabled(self._thread is None)

    # -- running

    def start(self) -> None:
        if self._thread is not None or not self.found:
            return
        self.batch = Batch(
            self.library,
            org_id=self.org_id,
            processor_type=self.processor.currentText(),
            workers=self.workers.value(),
        )
        self._run(lambda b: b.add(self.found, on_added=None))

    def _run(self, prepare) -> None:
        batch, signals = self.batch, self._signals
        self.summary = None
        self._done_ids.clear()
        self.report.setPlainText("")
        self.start_button.setEnabled(False)
        self.retry_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setValue(0)

        runner_factory = functools.partial(ChildRunner, self.library)

        def work():
            prepare(batch)
            signals.added.emit([o.document_id for o in batch.outcomes if o.document_id])
            # The runner runs in a child process: collecting and storing results there never
            # holds this process's interpreter lock, which the window needs.
            summary = batch.run(on_event=self._forward, runner_factory=runner_factory)
            signals.finished.emit(summary)

        self._thread = threading.Thread(target=work, name="docrouter-batch", daemon=True)
        self._thread.start()

    def _forward(self, event) -> None:
        self._signals.event.emit(event)
        if self.bridge is not None:
            self.bridge.forward(event)

    def _on_batch_added(self, ids: list[str]) -> None:
        pending = self.batch.pending_ids() if self.batch else set()
        self.progress.setMaximum(max(1, len(pending)))
        self.progress.setValue(0)
        self.documents_added.emit(ids)

    def _on_batch_event(self, event) -> None:
        if event.kind in ("completed", "failed", "cancelled"):
            self._done_ids.add(event.document_id)
            self.progress.setValue(min(self.progress.maximum(), len(self._done_ids)))

    def cancel(self) -> None:
        if self.batch is not None:
            self.library.cancel_all(self.batch.pending_ids())
            self.cancel_button.setEnabled(False)
            self.found_label.setText("Cancelling…")

    def _on_batch_finished(self, summary: BatchSummary) -> None:
        self._thread = None
        self.summary = summary
        self.cancel_button.setEnabled(False)
        self.start_button.setEnabled(bool(self.found))
        self.progress.setValue(self.progress.maximum())
        lines = [
            f"{summary.completed} completed, {len(summary.failed)} failed or cancelled, "
            f"{summary.duplicates} already in the library; {summary.pages} pages in "
            f"{summary.seconds:.1f} s."
        ]
        for o in summary.failed:
            lines.append(f"✖ {o.file}: {o.status} — {o.error or 'no reason given'}")
        self.report.setPlainText("\n".join(lines))
        self.found_label.setText("Finished." if summary.ok else "Finished, with failures.")
        self.retry_button.setEnabled(bool(summary.failed))

    def retry_failed(self) -> None:
        if self.summary is None or self.batch is None or self._thread is not None:
            return
        ids = [o.document_id for o in self.summary.failed if o.document_id]
        if not ids:
            return
        library = self.library

        def prepare(batch: Batch) -> None:
            library.retry_failed(ids=ids)
            batch.summary(0.0, 0)  # refresh statuses: the retried ones are queued again

        self._run(prepare)

    def wait(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def reject(self) -> None:
        if self._thread is not None:
            self.cancel()
        super().reject()


class PreferencesDialog(QDialog):
    """User settings (kept in the library) and the watched folders."""

    def __init__(
        self, library, parent: QWidget | None = None, local_api=None, org_id: str | None = None
    ):
        super().__init__(parent)
        self.library = library
        # A folder added here feeds the workspace shown in the window.
        self.org_id = org_id or library.default_org_id()
        self.workspace_names = {o.id: o.name for o in library.organizations()}
        self.setWindowTitle("Preferences")
        self.resize(560, 480 if local_api is None else 610)
        s = library.settings()
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.workers = QSpinBox()
        self.workers.setRange(1, 64)
        self.workers.setValue(s.workers)
        form.addRow("Workers", self.workers)
        self.languages = QLineEdit(s.ocr_languages)
        self.languages.setToolTip("Tesseract languages joined by +, e.g. eng+deu")
        form.addRow("OCR languages", self.languages)
        self.processor = QComboBox()
        self.processor.addItems(list(PROCESSOR_TYPES))
        self.processor.setCurrentText(s.default_processor)
        form.addRow("Default processor", self.processor)
        self.date_order = QComboBox()
        self.date_order.addItems(["DMY", "MDY", "YMD"])
        self.date_order.setCurrentText(s.date_order)
        self.date_order.setToolTip("For dates the document itself leaves ambiguous")
        form.addRow("Date order", self.date_order)
        self.threshold = QDoubleSpinBox()
        self.threshold.setRange(0.0, 1.0)
        self.threshold.setSingleStep(0.05)
        self.threshold.setValue(s.confidence_threshold)
        form.addRow("Confidence threshold", self.threshold)
        self.notifications = QCheckBox("Notify when a batch or a watched file finishes")
        self.notifications.setChecked(s.notifications)
        form.addRow("Notifications", self.notifications)
        loc = QHBoxLayout()
        self.location = QLabel(str(library.root))
        self.location.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        open_button = QPushButton("Open")
        open_button.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(library.root)))
        )
        loc.addWidget(self.location, 1)
        loc.addWidget(open_button)
        form.addRow("Library", loc)
        layout.addLayout(form)
        shown = self.workspace_names.get(self.org_id, "")
        watched_label = QLabel(
            "Watched folders: new files there are processed into the workspace after the "
            f"arrow (a folder added now: “{shown}”)"
        )
        watched_label.setWordWrap(True)
        layout.addWidget(watched_label)
        self.folders = QListWidget()
        feeds = dict(s.watch_workspaces)
        default = library.default_org_id()  # where a folder from before workspaces adds to
        for folder in s.watch_folders:
            self.add_folder(folder, feeds.get(folder, default))
        layout.addWidget(self.folders, 1)
        fb = QHBoxLayout()
        add, remove = QPushButton("Add folder…"), QPushButton("Remove")
        add.clicked.connect(self._add_folder)
        remove.clicked.connect(lambda: self.folders.takeItem(self.folders.currentRow()))
        fb.addWidget(add)
        fb.addWidget(remove)
        fb.addStretch(1)
        layout.addLayout(fb)
        self.serve_panel = None
        if local_api is not None:  # the window's server: it starts and stops at once
            from docrouter_desktop.gui.local_api import ServePanel

            self.serve_panel = ServePanel(library, local_api)
            layout.addWidget(self.serve_panel)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b3261e;")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _add_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Watch a folder")
        if chosen:
            self.add_folder(chosen)

    def add_folder(self, folder: str, org_id: str | None = None) -> None:
        """List ``folder`` as watched, feeding ``org_id`` (default: the workspace shown)."""
        if folder in self.watched():
            return
        if org_id not in self.workspace_names:  # a new folder, or its workspace is gone
            org_id = self.org_id if org_id is None else self.library.default_org_id()
        item = QListWidgetItem(f"{folder}  →  {self.workspace_names.get(org_id, org_id)}")
        item.setData(Qt.ItemDataRole.UserRole, (folder, org_id))
        item.setToolTip(f"New files in {folder} are added to this workspace")
        self.folders.addItem(item)

    def _entries(self) -> list[tuple[str, str]]:
        items = (self.folders.item(i) for i in range(self.folders.count()))
        return [tuple(item.data(Qt.ItemDataRole.UserRole)) for item in items]

    def watched(self) -> list[str]:
        return [folder for folder, _org in self._entries()]

    def watched_workspaces(self) -> dict[str, str]:
        return dict(self._entries())

    def save(self) -> None:
        from docrouter_desktop.core.errors import UsageError

        values = {
            "workers": self.workers.value(),
            "ocr_languages": self.languages.text().strip() or "eng",
            "default_processor": self.processor.currentText(),
            "date_order": self.date_order.currentText(),
            "confidence_threshold": round(self.threshold.value(), 2),
            "notifications": self.notifications.isChecked(),
            "watch_folders": self.watched(),
            "watch_workspaces": self.watched_workspaces(),
        }
        try:
            for key, value in values.items():
                self.library.set_setting(key, value)
        except UsageError as exc:
            self.error.setText(str(exc))
            return
        self.accept()
