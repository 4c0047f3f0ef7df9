"""The window's dialogs: batch folder, preferences and the keyboard shortcut sheet."""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
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
from docrouter_desktop.core.batch import BatchSummary
from docrouter_desktop.core.filetypes import sniff
from docrouter_desktop.core.ids import new_id
from docrouter_desktop.core.ingest import FoundFile, walk
from docrouter_desktop.core.records import IngestOutcome
from docrouter_desktop.core.settings import PROCESSOR_TYPES
from docrouter_desktop.core.states import WAITING, EventKind
from docrouter_desktop.gui import theme
from docrouter_desktop.gui.workers import TaskRunner

SHORTCUTS = [
    ("↑ / ↓", "previous / next document in the list"),
    ("Alt+↑ / Alt+↓", "previous / next document from anywhere"),
    ("Enter (in the list)", "review the document: jump to its first field to check"),
    ("Tab / Shift+Tab", "next / previous field"),
    ("Enter (in a field)", "accept the value (saved as reviewed) and go to the next field"),
    ("Page Up / Page Down", "previous / next page"),
    ("F8", "Review next: the next field that needs a look, across documents"),
    ("Enter (Review next)", "accept or save the field and go to the next one that needs a look"),
    ("Esc (Review next)", "stop reviewing"),
    ("Ctrl+Z / Ctrl+Shift+Z", "undo / redo a correction"),
    ("Ctrl+Shift+R", "revert the field to the value read from the document"),
    ("Ctrl++ / Ctrl+- / Ctrl+0", "zoom in / out / fit the page width"),
    ("Ctrl+wheel, drag", "zoom around the cursor, move the page"),
    ("Ctrl+F", "search"),
    ("Ctrl+O / Ctrl+Shift+O", "add files / add a folder"),
    ("Ctrl+B", "process a folder (batch)"),
    ("Ctrl+E", "export"),
    ("F9", "the Summary: totals by month and vendor, review and failures as charts"),
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


# What the found files are, by their content as the library reads them (a PDF named .PNG is a
# PDF): the words of the "Found N files" line.
KIND_WORDS = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/tiff": "TIFF",
    "image/bmp": "BMP",
    "image/webp": "WEBP",
    "text/plain": "text",
}


def file_kind(head: bytes) -> str:
    """The kind of a file from its first bytes: ``PDF``, ``PNG``... ``other`` or ``empty``."""
    if not head:
        return "empty"
    return KIND_WORDS.get(sniff(head), "other")


def sha256_of(path: Path) -> tuple[str, bytes]:
    """The file's sha256 digest, and its first bytes (to tell what it is)."""
    h = hashlib.sha256()
    head = b""
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            if not head:
                head = block[:4096]
            h.update(block)
    return h.hexdigest(), head


class BatchDialog(QDialog):
    """Pick a folder, see what is in it, process it in the background, read the summary.

    The files go through the window's engine like any others; the dialog follows its own
    request's files and their documents' events, and sums them up when every one is done."""

    documents_added = Signal(list)  # document ids, for the list

    def __init__(
        self,
        library,
        engine=None,
        folder: str = "",
        parent: QWidget | None = None,
        org_id: str | None = None,
    ):
        super().__init__(parent)
        self.library = library
        self._own_engine = engine is None
        if engine is None:  # a dialog on its own (its tests): an engine process of its own
            from docrouter_desktop.gui.engine_bridge import EngineBridge

            engine = EngineBridge(library, watch=False, parent=self)
            engine.start()
        self.engine = engine
        self.org_id = org_id  # the workspace the files go to (None: the default one)
        self.summary: BatchSummary | None = None
        self.found: list = []
        self.request: str | None = None
        self.outcomes: list[IngestOutcome] = []
        self._pending: set[str] = set()  # documents of the batch still to be read
        self._started_at = 0.0
        self._adding = False
        self._scan_token = 0
        self._done_ids: set[str] = set()
        self.setWindowTitle("Process a folder")
        self.resize(640, 520)
        engine.files_added.connect(self._on_files_added)
        engine.request_finished.connect(self._on_request_finished)
        engine.job_events.connect(self._on_job_events)
        self._check = QTimer(self)  # an event missed (the engine started again) is caught here
        self._check.setInterval(1000)
        self._check.timeout.connect(self._check_pending)
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
        # A folder is looked into when it is chosen or its path entered, never while a path is
        # being typed: "/" on the way to "/home/me/Scans" would walk the whole disk.
        self.folder.textEdited.connect(self._path_edited)
        self.folder.returnPressed.connect(self.scan)
        self.recursive.toggled.connect(self._rescan)
        self._scan_stop: threading.Event | None = None
        self._scanned_folder: str | None = None
        if folder:
            self.scan()

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Choose a folder", self.folder.text())
        if chosen:
            self.folder.setText(chosen)
            self.scan()

    def _path_edited(self, _text: str) -> None:
        self.stop_scan()
        self._scanned_folder = None
        self.found = []
        self.start_button.setEnabled(False)
        self.found_label.setText("Press Enter to look in this folder, or choose one.")

    def _rescan(self) -> None:
        if self._scanned_folder is not None or self.scanning:
            self.scan()

    @property
    def scanning(self) -> bool:
        return self._scan_stop is not None

    def stop_scan(self) -> None:
        """Stop looking into the folder (a new path, the Stop button, the dialog closing)."""
        if self._scan_stop is not None:
            self._scan_stop.set()
            self._scan_stop = None
            self._scan_token += 1
            self.found_label.setText("Stopped looking. Press Enter to look again.")
            self.cancel_button.setEnabled(self.running)

    # -- what is there

    def scan(self) -> None:
        self.stop_scan()
        folder = self.folder.text().strip()
        self._scan_token += 1
        self.start_button.setEnabled(False)
        if not folder or not Path(folder).is_dir():
            self.found_label.setText("Choose a folder to see what is in it.")
            return
        self._scanned_folder = folder
        self.found_label.setText("Looking… (Stop to stop looking)")
        recursive, library, token = self.recursive.isChecked(), self.library, self._scan_token
        org_id = library.resolve_org(self.org_id)
        stop = self._scan_stop = threading.Event()
        self.cancel_button.setEnabled(True)

        def look():
            found = []
            for item in walk([folder], recursive):
                if stop.is_set():
                    return None
                found.append(item)
            files = [f for f in found if isinstance(f, FoundFile)]
            hashes = {}
            kinds: Counter[str] = Counter()
            for f in files:
                if stop.is_set():
                    return None
                try:
                    hashes[str(f.path)], head = sha256_of(f.path)
                except OSError:
                    kinds["unreadable"] += 1
                    continue
                kinds[file_kind(head)] += 1
            known = queries.known_hashes(library, list(set(hashes.values())), org_id)
            dups = sum(1 for h in hashes.values() if h in known)
            return found, kinds, dups, len(found) - len(files)

        self._tasks.submit(look, token)

    def _on_scanned(self, token, result) -> None:
        if token != self._scan_token or result is None:
            return
        self._scan_stop = None
        self.cancel_button.setEnabled(self.running)
        self.found, kinds, dups, unreadable = result
        files = sum(kinds.values())
        if not files:
            self.found_label.setText("No files in this folder.")
            return
        by_type = ", ".join(f"{n} {k}" for k, n in kinds.most_common())
        text = f"Found {files} files: {by_type}."
        if dups:
            text += f" {dups} already in the library (they are not processed again)."
        if unreadable:
            text += f" {unreadable} cannot be read."
        self.found_label.setText(text)
        self.start_button.setEnabled(not self.running)

    # -- running

    @property
    def running(self) -> bool:
        return self._adding or bool(self._pending)

    def start(self) -> None:
        if self.running or not self.found:
            return
        self.request = new_id("req_")
        self.outcomes = []
        self._begin()
        self._adding = True
        self.engine.call(
            "add_found",
            self.found,
            self.org_id,
            self.processor.currentText(),
            (),
            "local",
            self.request,
            wait=False,
            on_failed=self._on_engine_failed,
        )

    def _begin(self) -> None:
        self.summary = None
        self._done_ids.clear()
        self._started_at = time.monotonic()
        self.report.setPlainText("")
        self.start_button.setEnabled(False)
        self.retry_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setValue(0)
        self._check.start()

    def _on_files_added(self, request: str, pairs: list) -> None:
        if request != self.request:
            return
        ids = [o.document_id for _k, o in pairs if o.document_id]
        self._pending |= {o.document_id for _k, o in pairs if o.document_id and o.status in WAITING}
        self.progress.setMaximum(max(1, len(self._pending) + len(self._done_ids)))
        self.documents_added.emit(ids)

    def _on_request_finished(self, request: str, outcomes: list) -> None:
        if request != self.request:
            return
        self.outcomes = list(outcomes)
        self._adding = False
        self._maybe_finished()

    def _on_job_events(self, events: list) -> None:
        for event in events:
            if event.document_id not in self._pending or not EventKind(event.kind).final:
                continue
            self._pending.discard(event.document_id)
            self._done_ids.add(event.document_id)
        self.progress.setMaximum(max(1, len(self._pending) + len(self._done_ids)))
        self.progress.setValue(len(self._done_ids))
        self._maybe_finished()

    def _check_pending(self) -> None:
        if self._pending:
            statuses = self.library.statuses(sorted(self._pending))
            finished = {i for i, (status, _e) in statuses.items() if status not in WAITING}
            self._pending -= finished
            self._done_ids |= finished
        self._maybe_finished()

    def _on_engine_failed(self, message: str) -> None:
        self._adding = False
        self._pending.clear()
        self.found_label.setText(f"The batch could not start: {message}")
        self._maybe_finished()

    def cancel(self) -> None:
        if self.scanning:
            self.stop_scan()
            return
        if self.request is not None and self._adding:
            self.engine.call("cancel_request", self.request)
        if self._pending:
            self.engine.call("cancel", sorted(self._pending))
        if self.running:
            self.cancel_button.setEnabled(False)
            self.found_label.setText("Cancelling…")

    def _maybe_finished(self) -> None:
        if self.running or self.summary is not None or self.request is None:
            return
        self._check.stop()
        ids = [o.document_id for o in self.outcomes if o.document_id]
        statuses = self.library.statuses(ids)
        final = [
            replace(o, status=statuses[o.document_id][0], error=statuses[o.document_id][1])
            if o.document_id in statuses
            else o
            for o in self.outcomes
        ]
        self._on_batch_finished(
            BatchSummary(final, time.monotonic() - self._started_at, self._pages_read())
        )

    def _pages_read(self) -> int:
        """The pages of the documents this batch read, as the library counted them. Not from
        the runner's events: those of a document can come before the news that it was added
        (when it is not yet known as the batch's) or be missed while the engine restarts."""
        found = queries.page_counts(self.library, sorted(self._done_ids))
        return sum(pages or 0 for status, pages in found.values() if status == "completed")

    def _on_batch_finished(self, summary: BatchSummary) -> None:
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
        if self.summary is None or self.running:
            return
        ids = [o.document_id for o in self.summary.failed if o.document_id]
        if not ids:
            return
        outcomes = self.summary.outcomes
        self._begin()
        self.outcomes = outcomes

        self._pending |= set(ids)  # until the engine says which were queued
        self.engine.call("retry", None, ids, on_done=lambda done: self._retried(ids, done))

    def _retried(self, asked: list[str], queued: list[str]) -> None:
        self._pending -= set(asked) - set(queued)
        self._maybe_finished()

    def wait(self, timeout: float | None = None) -> None:
        """Until the batch is over (for tests), handling the window's events meanwhile."""
        from PySide6.QtCore import QCoreApplication, QDeadlineTimer

        deadline = QDeadlineTimer(int((timeout or 3600) * 1000))
        while self.running and not deadline.hasExpired():
            QCoreApplication.processEvents()
            time.sleep(0.02)

    def done(self, result: int) -> None:
        self.stop_scan()  # nothing goes on looking after the dialog is closed
        if self.running:
            self.cancel()
        if self._own_engine:
            self.engine.stop()
        super().done(result)


class PreferencesDialog(QDialog):
    """User settings (kept in the library) and the watched folders."""

    def __init__(
        self,
        library,
        parent: QWidget | None = None,
        local_api=None,
        org_id: str | None = None,
        engine=None,
    ):
        super().__init__(parent)
        self.library = library
        if engine is None:  # a dialog on its own (its tests): an engine in this process
            from docrouter_desktop.core.engine import Engine
            from docrouter_desktop.gui.engine_bridge import EngineBridge

            engine = EngineBridge(library, Engine(library, runner="none"), parent=self)
        self.engine = engine
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

            self.serve_panel = ServePanel(library, local_api, engine)
            layout.addWidget(self.serve_panel)
        self.error = QLabel()
        self.error.setStyleSheet(theme.text_style(self.palette(), "error"))
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def reject(self) -> None:
        """Cancel: nothing saved, and the local API serves (or not) as before."""
        if self.serve_panel is not None:
            self.serve_panel.restore()
        super().reject()

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
        from docrouter_desktop.core.errors import AppError, UsageError

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
            self.engine.call_and_wait("set_settings", values)
        except (UsageError, AppError) as exc:
            self.error.setText(str(exc))
            return
        self.accept()
