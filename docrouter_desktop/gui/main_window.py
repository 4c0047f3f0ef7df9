"""The main window: drop zone, toolbar, the document list, the review pane and the status bar."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QItemSelectionModel,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QDragEnterEvent,
    QDropEvent,
    QIcon,
    QKeySequence,
    QPalette,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStyle,
    QSystemTrayIcon,
    QTableView,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from docrouter_desktop.core import queries
from docrouter_desktop.core.export import write_export
from docrouter_desktop.core.ids import new_id
from docrouter_desktop.core.queries import ListFilter
from docrouter_desktop.core.records import IngestOutcome
from docrouter_desktop.core.settings import PROCESSOR_TYPES
from docrouter_desktop.gui import theme
from docrouter_desktop.gui.dialogs import BatchDialog, PreferencesDialog, ShortcutSheet
from docrouter_desktop.gui.engine_bridge import EngineBridge
from docrouter_desktop.gui.local_api import LocalApiServer
from docrouter_desktop.gui.model import (
    COLUMN_WIDTHS,
    COLUMNS,
    HIDDEN_COLUMNS,
    DocumentTableModel,
    IdRole,
    export_rows,
)
from docrouter_desktop.gui.progress import ProgressTracker
from docrouter_desktop.gui.review import ReviewPane
from docrouter_desktop.gui.review_walk import ReviewWalk
from docrouter_desktop.gui.summary import SummaryView
from docrouter_desktop.gui.vendors import VendorsView
from docrouter_desktop.gui.widgets import ProgressStrip
from docrouter_desktop.gui.workers import TaskRunner
from docrouter_desktop.gui.workspaces import WorkspaceSwitcher

DEFAULT_SIZE = (1280, 800)
# The list's columns as last left (v2: the name stretches, some columns hidden at first; a
# layout saved before that is not restored over it).
COLUMNS_KEY = "window/columns-v2"
STATUSES = ["", "queued", "processing", "completed", "failed", "cancelled"]
SEARCH_DELAY_MS = 250
REVIEW_RELOADS = ("started", "completed", "failed", "cancelled")
SWITCH_INTERVAL = 0.0005  # seconds (Python's default: 0.005)
COUNTS_DELAY_MS = 1000  # the workspaces' document counts are read again this long after news
SETTLE_EVERY_MS = 5000  # how often pending documents are looked up in the library
SETTLE_CHUNK = 500  # documents looked up at a time
# The export dialog's file types, and the format each writes.
EXPORT_FILTERS = {
    "CSV (*.csv)": "csv",
    "Excel (*.xlsx)": "xlsx",
    "JSON (*.json)": "json",
    "DATEV Buchungsstapel (*.csv)": "datev",
    "Xero bills (*.csv)": "xero",
    "QuickBooks Online bills (*.csv)": "quickbooks",
}


def local_paths(event) -> list[str]:
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [u.toLocalFile() for u in mime.urls() if u.isLocalFile()]


def empty_list_words(flt: ListFilter) -> tuple[str, str]:
    """Why a list with this filter is empty, in words, and the review pane's state for it:
    ``unmatched`` (nothing matches the search or the filters) or ``empty`` (no documents)."""
    chosen = bool(flt.status or flt.processor_type)
    if flt.text:
        if chosen:
            return "unmatched", (
                f"No documents match “{flt.text}” with the status and processor chosen. Clear "
                "the search and choose “all statuses” and “all processors” to see all documents."
            )
        return "unmatched", (
            f"No documents match “{flt.text}”. Clear the search to see all documents."
        )
    if chosen:
        return "unmatched", (
            "No documents match the status and processor chosen. Choose “all statuses” and "
            "“all processors” to see all documents."
        )
    return "empty", (
        "No documents in this workspace yet.\n\n"
        "Drop invoices, receipts or scans here, or use Add files… or Add folder…"
    )


def app_icon() -> QIcon:
    """The app's icon, as bundled in the package."""
    from importlib import resources

    path = resources.files("docrouter_desktop") / "resources" / "icons" / "docrouter-desktop.png"
    return QIcon(str(path))


class DropZone(QFrame):
    """The band that invites a drop, with buttons for those who do not drag."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("dropZone")
        # From the application's palette: this widget's own is the style sheet's.
        self.setStyleSheet(theme.drop_zone_style(QApplication.palette()))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        self.label = QLabel("<b>Drop invoices, receipts or scans here</b> — files or whole folders")
        layout.addWidget(self.label, 1)
        self.add_files = QPushButton("Add files…")
        self.add_folder = QPushButton("Add folder…")
        layout.addWidget(self.add_files)
        layout.addWidget(self.add_folder)

    def restyle(self) -> None:
        """Colours again from the application's palette (the desktop's theme changed: the
        window tells, as a widget with a style sheet hears of no palette change itself)."""
        style = theme.drop_zone_style(QApplication.palette())
        if style != self.styleSheet():
            self.setStyleSheet(style)

    def set_hover(self, on: bool) -> None:
        self.setProperty("hover", on)
        self.style().unpolish(self)
        self.style().polish(self)


class MainWindow(QMainWindow):
    """The window a bookkeeper keeps open all day."""

    files_added = Signal(list)  # outcomes of one drop or pick, once all are in the library

    def __init__(
        self,
        library,
        start_runner: bool = True,
        watch: bool = True,
        remember_layout: bool = True,
        engine=None,
    ):
        super().__init__()
        self.remember_layout = remember_layout
        # Background threads (ingest, the runner's bookkeeping) share the interpreter lock
        # with the window: a short switch interval hands it back to the event loop quickly.
        sys.setswitchinterval(SWITCH_INTERVAL)
        self.library = library
        self.setWindowTitle("DocRouter Desktop")
        self.setAcceptDrops(True)
        self.resize(*DEFAULT_SIZE)
        self.setMinimumSize(900, 600)
        self.tracker = ProgressTracker()
        # The front door: every change of work or of the library goes through the engine
        # (in a child process of its own, unless a test gives one), never from here.
        if isinstance(engine, EngineBridge):
            self.engine = engine
        else:
            self.engine = EngineBridge(
                library, engine, run_jobs=start_runner, watch=watch, parent=self
            )
        self.engine.job_events.connect(self._on_job_events)
        self.engine.files_found.connect(self._on_files_found)
        self.engine.files_added.connect(self._on_files_added)
        self.engine.request_finished.connect(self._on_request_finished)
        self.engine.watched_added.connect(self._on_watched_added)
        self.engine.call_failed.connect(self._on_call_failed)
        self.requests: set[str] = set()  # the window's own requests to add files
        self._tasks = TaskRunner(self)
        self._tasks.done.connect(self._on_task_done)
        self._tasks.failed.connect(self._on_task_failed)
        self.batch_dialogs: list[BatchDialog] = []
        self._was_busy = False
        self.last_export: Path | None = None

        self.model = DocumentTableModel(library, self)
        self.local_api = LocalApiServer(library, run_jobs=not start_runner, parent=self)
        self.local_api.state_changed.connect(self._on_local_api_state)
        self._build_toolbar()
        self._build_workspaces()
        self._build_central()
        self._build_status()
        self.review_walk = ReviewWalk(self)
        self.summary_view: SummaryView | None = None
        self.vendors_view: VendorsView | None = None
        self._build_shortcuts()
        self._build_menus()
        self._set_icons()
        self.tray = self._build_tray()
        self.model.reloaded.connect(self._on_model_reloaded)
        for changed in (self.model.rowsInserted, self.model.rowsRemoved, self.model.modelReset):
            changed.connect(self._update_list_state)
        self.model.reload(wait=True)
        self._counts_timer = QTimer(self)
        self._counts_timer.setSingleShot(True)
        self._counts_timer.setInterval(COUNTS_DELAY_MS)
        self._counts_timer.timeout.connect(self.workspaces.refresh_counts)
        if start_runner:
            # Work an earlier run left in the queue is this run's: counted from the start, so
            # that the counts and the time left are about all of it.
            self.tracker.queued(queries.waiting_ids(library))
        self._settle_from = 0  # where the next look-up of pending documents starts
        self._settle_timer = QTimer(self)
        self._settle_timer.setInterval(SETTLE_EVERY_MS)
        self._settle_timer.timeout.connect(self._settle_pending)
        self._settle_timer.start()
        if remember_layout:
            self._restore_layout()
        self._status_timer = QTimer(self)
        self._status_timer.setInterval(500)
        self._status_timer.timeout.connect(self._update_status)
        self._status_timer.start()
        self.check_tesseract()
        self.engine.start(wait=None)  # the library is open already: nothing to wait for
        self.watched_folders: list[str] = []  # as the engine says it watches them
        if watch:
            self.start_watchers()
        self.local_api.start_from_settings()

    # -- building

    def _build_toolbar(self) -> None:
        bar = QToolBar("Main")
        bar.setObjectName("mainToolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(bar)
        bar.addWidget(QLabel(" Processor: "))
        self.processor = QComboBox()
        self.processor.addItems(list(PROCESSOR_TYPES))
        self.processor.setCurrentText(self.library.settings().default_processor)
        self.processor.setToolTip("Processor for added files and for Process")
        bar.addWidget(self.processor)
        bar.addSeparator()

        def action(text, slot, tip, key=None):
            a = QAction(text, self)
            a.setToolTip(tip + (f" ({key})" if key else ""))
            if key:
                a.setShortcut(QKeySequence(key))
            a.triggered.connect(slot)
            bar.addAction(a)
            return a

        self.act_add_files = action("Add files…", self.choose_files, "Add files", "Ctrl+O")
        self.act_add_folder = action(
            "Add folder…", self.choose_folder, "Add a folder", "Ctrl+Shift+O"
        )
        self.act_batch = action("Batch folder…", self.open_batch, "Process a folder", "Ctrl+B")
        bar.addSeparator()
        self.act_process = action(
            "Process", self.process, "Process the selected documents with the chosen processor"
        )
        self.act_cancel = action("Cancel", self.cancel, "Cancel the selected (or all) pending work")
        self.act_retry = action("Retry failed", self.retry_failed, "Process failed documents again")
        bar.addSeparator()
        self.act_review_next = action(
            "Review next",
            self.review_next,
            "Go to the next field that needs a look, across documents; Enter accepts and goes"
            " on, Esc stops",
            "F8",
        )
        self.act_export = action("Export…", self.export_dialog, "Export documents", "Ctrl+E")
        self.act_summary = action(
            "Summary",
            self.show_summary,
            "Totals by month and vendor, documents needing review, failures, as charts",
            "F9",
        )
        self.act_prefs = action("Preferences…", self.open_preferences, "Preferences", "Ctrl+,")
        self.act_local_tokens = action(
            "Local API tokens…",
            self.open_local_tokens,
            "Tokens for the local DocRouter API this library serves",
        )
        self.act_tokens = action(
            "Remote DocRouter…",
            self.open_token_dialog,
            "DocRouter servers to send documents to, and their API tokens",
        )
        self.act_help = action(
            "Keyboard shortcuts", self.show_shortcuts, "Keyboard shortcuts", "F1"
        )
        self._settings_menu(bar, [self.act_prefs, self.act_local_tokens, self.act_tokens])
        # In the menus (and the drop zone's buttons) but not the toolbar, which then fits.
        for a in (self.act_help, self.act_add_files, self.act_add_folder):
            bar.removeAction(a)
            self.addAction(a)

    def _build_menus(self) -> None:
        """The menu bar: every action of the toolbar and the shortcuts, with the platform's
        standard keys where there is one."""
        bar = self.menuBar()
        self.act_quit = QAction("&Quit", self)
        self.act_quit.setShortcut(QKeySequence.StandardKey.Quit)
        self.act_quit.triggered.connect(self.close)
        file_menu = bar.addMenu("&File")
        for a in (self.act_add_files, self.act_add_folder, self.act_batch):
            file_menu.addAction(a)
        file_menu.addSeparator()
        file_menu.addAction(self.act_export)
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)

        edit_menu = bar.addMenu("&Edit")
        edit_menu.addAction(self.review.undo_action)
        edit_menu.addAction(self.review.redo_action)
        edit_menu.addAction(self.review.revert_action)
        edit_menu.addSeparator()
        self.act_find = QAction("&Find…", self)
        self.act_find.setShortcut(QKeySequence.StandardKey.Find)
        self.act_find.triggered.connect(lambda: (self.search.setFocus(), self.search.selectAll()))
        edit_menu.addAction(self.act_find)
        self.act_delete = QAction("&Delete documents", self)
        self.act_delete.triggered.connect(
            lambda: self.delete_documents(self.selected_ids()) if self.selected_ids() else None
        )
        edit_menu.addAction(self.act_delete)

        view_menu = bar.addMenu("&View")
        for text, key, slot in (
            ("Zoom &in", QKeySequence.StandardKey.ZoomIn, self.review.zoom_in.click),
            ("Zoom &out", QKeySequence.StandardKey.ZoomOut, self.review.zoom_out.click),
            ("&Fit the page width", QKeySequence("Ctrl+0"), self.review.fit_width),
        ):
            a = QAction(text, self)
            a.setShortcut(key)
            a.triggered.connect(slot)
            view_menu.addAction(a)
        view_menu.addSeparator()
        for text, key, step in (
            ("&Next document", "Alt+Down", 1),
            ("&Previous document", "Alt+Up", -1),
        ):
            a = QAction(text, self)
            a.setShortcut(QKeySequence(key))
            a.triggered.connect(lambda _c=False, s=step: self.move_selection(s))
            view_menu.addAction(a)
        self.view_menu = view_menu

        docs_menu = bar.addMenu("&Documents")
        for a in (self.act_process, self.act_cancel, self.act_retry):
            docs_menu.addAction(a)
        docs_menu.addSeparator()
        docs_menu.addAction(self.act_review_next)
        view_menu.addSeparator()
        view_menu.addAction(self.act_summary)
        self.act_vendors = QAction("&Vendors…", self)
        self.act_vendors.setShortcut(QKeySequence("Ctrl+Shift+V"))
        self.act_vendors.setStatusTip("The vendors the library knows by VAT ID and IBAN")
        self.act_vendors.triggered.connect(self.show_vendors)
        view_menu.addAction(self.act_vendors)

        settings_menu = bar.addMenu("&Settings")
        for a in (self.act_prefs, self.act_local_tokens, self.act_tokens):
            settings_menu.addAction(a)

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.act_help)
        self.act_about = QAction("&About DocRouter Desktop", self)
        self.act_about.triggered.connect(self.show_about)
        help_menu.addAction(self.act_about)

    def show_about(self) -> None:
        from docrouter_desktop import __version__

        QMessageBox.about(
            self,
            "About DocRouter Desktop",
            f"<b>DocRouter Desktop {__version__}</b><p>Invoices, receipts and scans in,"
            " structured data out, on this machine or on a DocRouter server you choose.</p>",
        )

    def _set_icons(self) -> None:
        """The app's own icon on the window; the toolbar's from the desktop's icon theme,
        else the style's standard ones."""
        self.setWindowIcon(app_icon())
        sp = QStyle.StandardPixmap
        for action, names, fallback in (
            (self.act_add_files, ("document-open",), sp.SP_DialogOpenButton),
            (self.act_add_folder, ("folder-open", "folder"), sp.SP_DirOpenIcon),
            (self.act_batch, ("folder-documents", "folder"), sp.SP_DirIcon),
            (self.act_process, ("media-playback-start",), sp.SP_MediaPlay),
            (self.act_cancel, ("process-stop", "media-playback-stop"), sp.SP_BrowserStop),
            (self.act_retry, ("view-refresh",), sp.SP_BrowserReload),
            (self.act_review_next, ("go-next",), sp.SP_ArrowForward),
            (self.act_export, ("document-save-as", "document-save"), sp.SP_DialogSaveButton),
            (
                self.act_summary,
                ("office-chart-bar", "x-office-spreadsheet"),
                sp.SP_FileDialogInfoView,
            ),
            (self.act_help, ("help-contents", "help-browser"), sp.SP_DialogHelpButton),
            (self.act_quit, ("application-exit",), sp.SP_DialogCloseButton),
        ):
            icon = next((QIcon.fromTheme(n) for n in names if QIcon.hasThemeIcon(n)), None)
            action.setIcon(icon or self.style().standardIcon(fallback))
        self.findChild(QToolBar, "mainToolbar").setToolButtonStyle(
            Qt.ToolButtonStyle.ToolButtonTextBesideIcon
        )

    def _settings_menu(self, bar: QToolBar, actions: list[QAction]) -> None:
        """One "Settings" button in the toolbar for these actions (their shortcuts stay)."""
        menu = QMenu(self)
        for a in actions:
            bar.removeAction(a)
            menu.addAction(a)
            self.addAction(a)
        button = QToolButton()
        button.setText("Settings")
        button.setToolTip("Preferences, local API tokens and remote DocRouter servers")
        button.setMenu(menu)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        bar.insertWidget(self.act_help, button)
        self.settings_button = button

    def _build_workspaces(self) -> None:
        """The workspace switcher, first in the toolbar; the list shows that organization."""
        self.workspaces = WorkspaceSwitcher(self.library, self.engine)
        self.workspaces.organization_changed.connect(self._on_workspace_changed)
        bar = self.findChild(QToolBar, "mainToolbar")
        bar.insertWidget(bar.actions()[0], self.workspaces)
        bar.insertSeparator(bar.actions()[1])
        self.model.filter = ListFilter(org_id=self.org_id)
        self.setWindowTitle(f"DocRouter Desktop — {self.workspaces.current_name}")

    @property
    def org_id(self) -> str:
        """The organization (workspace) the window shows, adds to and exports."""
        return self.workspaces.current_org_id

    def _on_workspace_changed(self, org_id: str) -> None:
        self.setWindowTitle(f"DocRouter Desktop — {self.workspaces.current_name}")
        self.review.show_document(None)
        self.apply_filter()
        self.notice(f"Workspace: {self.workspaces.current_name}", 5000)
        if self.summary_view is not None and self.summary_view.isVisible():
            self.show_summary()
        if self.vendors_view is not None and self.vendors_view.isVisible():
            self.show_vendors()

    def show_vendors(self) -> VendorsView:
        """The vendor memory of the workspace shown, in a window of its own."""
        if self.vendors_view is None:
            self.vendors_view = VendorsView(self.library, self.engine)
            self.vendors_view.setParent(self, Qt.WindowType.Window)
            self.vendors_view.resize(1000, 560)
        self.vendors_view.setWindowTitle(f"Vendors — {self.workspaces.current_name}")
        self.vendors_view.refresh(self.org_id)
        self.vendors_view.show()
        self.vendors_view.raise_()
        return self.vendors_view

    def show_summary(self) -> SummaryView:
        """The Summary of the workspace shown, in a window of its own (F9)."""
        if self.summary_view is None:
            self.summary_view = SummaryView(self.library)
            self.summary_view.setParent(self, Qt.WindowType.Window)
            self.summary_view.resize(1000, 720)
        self.summary_view.setWindowTitle(f"Summary — {self.workspaces.current_name}")
        self.summary_view.refresh(self.org_id)
        self.summary_view.show()
        self.summary_view.raise_()
        return self.summary_view

    def _build_central(self) -> None:
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(6, 6, 0, 6)
        self.drop_zone = DropZone()
        self.drop_zone.add_files.clicked.connect(self.choose_files)
        self.drop_zone.add_folder.clicked.connect(self.choose_folder)
        ll.addWidget(self.drop_zone)
        search_row = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search names and text (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.status_filter = QComboBox()
        self.status_filter.addItems(["all statuses"] + STATUSES[1:])
        self.processor_filter = QComboBox()
        self.processor_filter.addItems(["all processors"] + list(PROCESSOR_TYPES))
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.status_filter)
        search_row.addWidget(self.processor_filter)
        ll.addLayout(search_row)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self._search_timer.start)
        self.status_filter.currentIndexChanged.connect(self.apply_filter)
        self.processor_filter.currentIndexChanged.connect(self.apply_filter)

        self.table = QTableView()
        self.table.setObjectName("documentTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.horizontalHeader().setSortIndicator(8, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setDragEnabled(True)
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_table_context_menu)
        header = self.table.horizontalHeader()
        for i, w in enumerate(COLUMN_WIDTHS):
            self.table.setColumnWidth(i, w)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(40)
        for i, (key, _title) in enumerate(COLUMNS):
            header.setSectionHidden(i, key in HIDDEN_COLUMNS)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._on_header_menu)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self._viewport = self.table.viewport()
        self.table.installEventFilter(self)
        ll.addWidget(self.table, 1)
        # Said over the empty list: that nothing matches the search, or that the workspace
        # has no documents yet (in the palette's colours, whatever the theme).
        self.list_empty = QLabel(self.table.viewport())
        self.list_empty.setObjectName("listEmpty")
        self.list_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.list_empty.setWordWrap(True)
        self.list_empty.setContentsMargins(24, 24, 24, 24)
        self.list_empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.list_empty.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.list_empty.hide()
        self._viewport.installEventFilter(self)

        self.review = ReviewPane(self.library, self.engine)
        self._list_state = "listed"
        self.review.corrected.connect(lambda doc_id: self.model.refresh_documents([doc_id]))
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.review)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([640, 640])
        self.setCentralWidget(self.splitter)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "drop_zone"):
            self.drop_zone.restyle()

    def _on_header_menu(self, pos) -> None:
        """The list header's menu: which columns are shown."""
        header = self.table.horizontalHeader()
        menu = QMenu(self)
        for i, (_key, title) in enumerate(COLUMNS):
            if i == 0:
                continue  # the name is always shown
            a = menu.addAction(title)
            a.setCheckable(True)
            a.setChecked(not header.isSectionHidden(i))
            a.toggled.connect(lambda on, i=i: header.setSectionHidden(i, not on))
        menu.popup(header.mapToGlobal(pos))

    def _build_status(self) -> None:
        self.notice_label = QLabel()
        self.notice_label.setObjectName("notice")
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(self.notice_label.clear)
        self.statusBar().addWidget(self.notice_label, 1)
        self.status_label = QLabel("Ready")
        self.progress = ProgressStrip()
        self.progress.setFixedWidth(260)
        self.progress.hide()
        self.statusBar().addPermanentWidget(self.status_label)
        self.statusBar().addPermanentWidget(self.progress)
        self.count_label = QLabel()
        self.statusBar().addPermanentWidget(self.count_label)

    def notice(self, text: str, ms: int = 0) -> None:
        """A message next to the progress (which stays visible), cleared after ``ms``."""
        self.notice_label.setText(text)
        if ms:
            self._notice_timer.start(ms)
        else:
            self._notice_timer.stop()

    def _build_shortcuts(self) -> None:
        def sc(key, slot):
            s = QShortcut(QKeySequence(key), self)
            s.activated.connect(slot)
            return s

        sc("PgDown", lambda: self.review.go_to_page(self.review.page_number + 1))
        sc("PgUp", lambda: self.review.go_to_page(self.review.page_number - 1))
        sc("Ctrl+=", self.review.zoom_in.click)  # Ctrl++ without Shift
        stop_walk = sc("Escape", self.review_walk.stop)
        stop_walk.setEnabled(False)
        self.review_walk.active_changed.connect(stop_walk.setEnabled)
        self.review_walk.finished.connect(lambda text: self.statusBar().showMessage(text, 8000))

    def review_next(self) -> None:
        """Review next (F8): the next field that needs a look, with the page zoomed to it."""
        self.review.commit_pending_edits()
        self.review_walk.start()

    def _build_tray(self) -> QSystemTrayIcon | None:
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return None
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView)
        tray = QSystemTrayIcon(QIcon(icon), self)
        tray.setToolTip("DocRouter Desktop")
        tray.activated.connect(lambda _r: (self.showNormal(), self.raise_(), self.activateWindow()))
        tray.show()
        return tray

    # -- layout memory (QSettings)

    def _restore_layout(self) -> None:
        s = QSettings()
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        for key, widget in (
            ("window/splitter", self.splitter),
            (COLUMNS_KEY, self.table.horizontalHeader()),
        ):
            state = s.value(key)
            if isinstance(state, QByteArray) and not state.isEmpty():
                widget.restoreState(state)

    def save_layout(self) -> None:
        s = QSettings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/splitter", self.splitter.saveState())
        s.setValue(COLUMNS_KEY, self.table.horizontalHeader().saveState())
        s.sync()

    # -- adding files

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if local_paths(event):
            event.acceptProposedAction()
            self.drop_zone.set_hover(True)
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        if local_paths(event):
            event.acceptProposedAction()

    def dragLeaveEvent(self, event) -> None:
        self.drop_zone.set_hover(False)

    def dropEvent(self, event: QDropEvent) -> None:
        self.drop_zone.set_hover(False)
        paths = local_paths(event)
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.add_paths(paths)

    def choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self,
            "Add files",
            "",
            "Documents (*.pdf *.png *.jpg *.jpeg *.tif *.tiff *.webp *.bmp *.txt);;All files (*)",
        )
        if files:
            self.add_paths(files)

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a folder")
        if folder:
            self.add_paths([folder])

    def add_paths(self, paths: list[str]) -> str:
        """Add files in the background: listed at once, processed as they arrive; the id of
        the request."""
        request = new_id("req_")
        self.requests.add(request)
        self.engine.call(
            "add_paths",
            paths,
            org_id=self.org_id,
            processor_type=self.processor.currentText(),
            recursive=True,
            request=request,
        )
        self.notice(f"Adding {len(paths)} item(s)…")
        return request

    def _on_files_found(self, request: str, files: list) -> None:
        if request in self.requests:
            self.model.add_placeholders(files)

    def _on_files_added(self, request: str, pairs: list[tuple[str, IngestOutcome]]) -> None:
        if request not in self.requests:
            return
        self.model.resolve_placeholders([(k, o.document_id) for k, o in pairs])
        self.model.refresh_documents([o.document_id for _k, o in pairs if o.document_id])
        self.tracker.queued(
            [o.document_id for _k, o in pairs if o.document_id and o.status == "queued"]
        )
        self.counts_changed()
        self._update_status()

    def _on_request_finished(self, request: str, outcomes: list[IngestOutcome]) -> None:
        if request not in self.requests:
            return
        self.requests.discard(request)
        problems = [o for o in outcomes if o.document_id is None]
        dups = sum(1 for o in outcomes if o.duplicate)
        msg = f"Added {len(outcomes) - len(problems) - dups} file(s)"
        if dups:
            msg += f", {dups} already in the library"
        if problems:
            msg += f", {len(problems)} could not be added ({problems[0].file}: {problems[0].error})"
        self.notice(msg, 8000)
        self.files_added.emit(outcomes)

    def _on_call_failed(self, method: str, message: str) -> None:
        self.notice(f"Could not {method.replace('_', ' ')}: {message}", 10000)

    # -- watched folders (the engine watches them; the window shows what they add)

    def start_watchers(self) -> None:
        """Watch the folders of the settings (again, after they changed)."""

        def watching(folders: list[str]) -> None:
            self.watched_folders = folders

        self.engine.call("watch_from_settings", on_done=watching)

    def _on_watched_added(self, outcome: IngestOutcome) -> None:
        self.counts_changed()
        if outcome.document_id:
            self.model.add_documents([outcome.document_id])
            if outcome.status == "queued":
                self.tracker.queued([outcome.document_id])

    # -- processing

    def _on_job_events(self, events: list) -> None:
        """A batch of the runner's events: counted, and noted in the list (which repaints the
        changed rows a few times a second); the review pane reloads its document when it
        started or finished."""
        reload_review = False
        shown = self.review.document.id if self.review.document is not None else None
        for event in events:
            self.tracker.on_event(event)
            self.model.on_job_event(event)
            if event.document_id == shown and event.kind in REVIEW_RELOADS:
                reload_review = True
        if reload_review:
            self.review.reload()
        if any(event.kind == "started" for event in events):
            self.counts_changed()  # perhaps a document uploaded through the local API
        busy = self.tracker.busy
        if self._was_busy and not busy:
            self._notify_finished()
        self._was_busy = busy

    def _notify_finished(self) -> None:
        self._update_status()
        if self.tray is not None and self.library.settings().notifications:
            failed = len(self.tracker.failed)
            self.tray.showMessage(
                "DocRouter Desktop",
                f"{len(self.tracker.finished)} document(s) processed"
                + (f", {failed} failed" if failed else ""),
                QSystemTrayIcon.MessageIcon.Warning
                if failed
                else QSystemTrayIcon.MessageIcon.Information,
                5000,
            )

    def _update_status(self) -> None:
        t = self.tracker
        self.status_label.setText(t.text())
        if t.total and t.busy:
            self.progress.set_progress(len(t.finished), t.total)
            self.progress.show()
        else:
            self.progress.hide()
        shown = self.model.rowCount()
        self.count_label.setText(
            f"{shown:,} documents" + (" · loading…" if self.model.loading else "")
        )

    def counts_changed(self) -> None:
        """Documents were added or deleted: the workspaces' counts are read again in a moment
        (once for a burst of news)."""
        if not self._counts_timer.isActive():
            self._counts_timer.start()

    def _settle_pending(self) -> None:
        """Look up some pending documents in the library: those finished or deleted without the
        news reaching the window (another program processed them; the engine was restarting)
        are counted as such, so the status bar never waits for them."""
        t = self.tracker
        if not t.busy:
            return
        pending = sorted(t.pending)
        start = self._settle_from % len(pending)
        ids = pending[start : start + SETTLE_CHUNK]
        self._settle_from = start + SETTLE_CHUNK
        statuses = self.library.statuses(ids)
        t.settled(ids, {doc_id: status for doc_id, (status, _e) in statuses.items()})
        self._on_job_events([])  # the round may be over

    def selected_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [d for d in (self.model.id_at(r) for r in rows) if d]

    def process(self) -> None:
        self.reprocess(self.selected_ids(), self.processor.currentText())

    def reprocess(self, ids: list[str], processor: str) -> None:
        def queued(done: list[str]) -> None:
            self.tracker.queued(done)
            self.model.refresh_documents(ids)

        self.engine.call("reprocess", ids, processor, on_done=queued)

    def choose(
        self, title: str, question: str, options: list[str], cancel: bool = True
    ) -> int | None:
        """Ask the user to pick one of ``options`` (the first is the default): its index, or
        None when the question was dismissed. The tests answer it themselves."""
        box = QMessageBox(QMessageBox.Icon.Question, title, question, parent=self)
        buttons = [box.addButton(o, QMessageBox.ButtonRole.AcceptRole) for o in options]
        if cancel:
            box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(buttons[0])
        box.exec()
        clicked = box.clickedButton()
        return next((i for i, b in enumerate(buttons) if b is clicked), None)

    def ask(self, title: str, question: str, yes: str = "Yes", no: str = "No") -> bool:
        """A yes/no question."""
        return self.choose(title, question, [yes, no], cancel=False) == 0

    def cancel(self) -> None:
        ids = self.selected_ids()
        if not ids:
            counts = queries.status_counts(self.library, self.org_id)
            pending = counts.get("queued", 0) + counts.get("processing", 0)
            if not pending:
                self.notice("Nothing is waiting to be processed in this workspace", 5000)
                return
            if not self.ask(
                "Cancel all pending documents",
                f"No document is selected. Cancel all {pending} document(s) waiting or being "
                "processed in this workspace?",
                yes=f"Cancel {pending} document(s)",
                no="Keep them",
            ):
                return
        for request in self.requests:
            self.engine.call("cancel_request", request)

        def cancelled(n: int) -> None:
            self.tracker.cancelled(set(ids) if ids else set(self.tracker.pending))
            self._on_job_events([])  # the round may be over
            self.notice(f"Cancelled {n} document(s)", 5000)
            self.model.refresh_documents(ids or self.model.ids()[:500])

        # Nothing selected: everything pending in the workspace shown, not in the others.
        self.engine.call("cancel", ids or None, org_id=self.org_id, on_done=cancelled)

    def retry_failed(self) -> None:
        def queued(ids: list[str]) -> None:
            self.tracker.queued(ids)
            self.model.refresh_documents(ids)
            self.notice(f"Retrying {len(ids)} document(s)", 5000)

        self.engine.call("retry", self.org_id, on_done=queued)

    def delete_documents(self, ids: list[str], confirm: bool = True) -> None:
        if not ids:
            return
        if confirm:
            answer = QMessageBox.question(
                self,
                "Delete documents",
                f"Delete {len(ids)} document(s) and their results from the library?\n"
                "Your own files are not touched.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return

        def deleted(done: list[str]) -> None:
            self.counts_changed()
            self.tracker.settled(done, {})
            for doc_id in done:
                self.model.remove_document(doc_id)
            if self.review.document and self.review.document.id in done:
                self.review.show_document(None)

        self.engine.call("delete", ids, on_done=deleted)

    def _on_table_context_menu(self, pos) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        menu = QMenu(self)
        sub = menu.addMenu("Reprocess with")
        for p in PROCESSOR_TYPES:
            sub.addAction(p, lambda p=p: self.reprocess(ids, p))
        menu.addAction("Export selected…", lambda: self.export_dialog(ids))
        from docrouter_desktop.core import remote as rem

        remotes = rem.remotes(self.library)
        send = menu.addMenu("Send to DocRouter")
        send.setEnabled(bool(remotes))
        for name in remotes:
            send.addAction(name, lambda name=name: self.send_to_remote(ids, name))
        menu.addSeparator()
        menu.addAction("Delete", lambda: self.delete_documents(ids))
        menu.exec(self.table.viewport().mapToGlobal(pos))

    # -- list and selection

    def apply_filter(self) -> None:
        status = self.status_filter.currentText()
        proc = self.processor_filter.currentText()
        self.model.set_filter(
            ListFilter(
                self.search.text().strip(),
                None if status.startswith("all") else status,
                None if proc.startswith("all") else proc,
                self.org_id,
            )
        )
        self._update_status()

    def _on_model_reloaded(self) -> None:
        current = self.review.document.id if self.review.document else None
        row = self.model.row_of(current) if current else None
        if row is not None:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        elif current is not None:
            # The search or a filter hides the document under review: it leaves the pane too
            # (what was typed in its form is kept first).
            self.review.show_document(None)
        self._update_list_state()
        self._update_status()

    def _update_list_state(self, *_args) -> None:
        """Say over an empty list why it is empty, and tell the review pane."""
        if self.model.loading:
            return  # the list being read again: its rows are about to change
        state, words = "listed", ""
        if not self.model.rowCount():
            state, words = empty_list_words(self.model.filter)
        self.list_empty.setText(words)
        self.list_empty.setGeometry(self._viewport.rect())
        self.list_empty.setVisible(bool(words))
        if state != self._list_state:
            self._list_state = state
            self.review.set_list_state(state)

    def select_row(self, row: int) -> None:
        idx = self.model.index(row, 0)
        if idx.isValid():
            self.table.selectionModel().setCurrentIndex(
                idx,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.table.scrollTo(idx)

    def move_selection(self, step: int) -> None:
        cur = self.table.currentIndex()
        row = (cur.row() if cur.isValid() else -1) + step
        if 0 <= row < self.model.rowCount():
            self.select_row(row)

    def _on_current_row_changed(self, current, _previous) -> None:
        doc_id = self.model.data(current, IdRole) if current.isValid() else None
        if doc_id is not None and self.model.is_placeholder(doc_id):
            doc_id = None  # a file still being added: nothing to review yet
        if self.review.document is None or doc_id != self.review.document.id:
            self.review.show_document(doc_id)

    def eventFilter(self, obj, event) -> bool:
        if obj is self._viewport and event.type() == QEvent.Type.Resize:
            self.list_empty.setGeometry(obj.rect())
        if obj is self.table and event.type() == QEvent.Type.KeyPress:
            if event.text() == "?":
                self.show_shortcuts()
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.focus_first_field()
                return True
            if event.key() == Qt.Key.Key_Delete:
                self.delete_documents(self.selected_ids())
                return True
        return super().eventFilter(obj, event)

    def keyPressEvent(self, event) -> None:
        if event.text() == "?":
            self.show_shortcuts()
            return
        super().keyPressEvent(event)

    def focus_first_field(self) -> None:
        edits = self.review.edits
        for name, edit in edits.items():
            if self.review.needs_review(name):
                edit.setFocus()
                return
        if edits:
            next(iter(edits.values())).setFocus()

    # -- dialogs

    def show_shortcuts(self) -> None:
        sheet = ShortcutSheet(self)
        sheet.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        sheet.show()
        self.shortcut_sheet = sheet

    def open_batch(self, folder: str = "") -> BatchDialog:
        dialog = BatchDialog(self.library, self.engine, folder or "", self, org_id=self.org_id)
        dialog.documents_added.connect(self.model.add_documents)
        dialog.documents_added.connect(self.tracker.queued)
        self.batch_dialogs.append(dialog)
        dialog.finished.connect(lambda _r, d=dialog: self.batch_dialogs.remove(d))
        dialog.show()
        return dialog

    def open_preferences(self) -> PreferencesDialog:
        dialog = PreferencesDialog(
            self.library, self, local_api=self.local_api, org_id=self.org_id, engine=self.engine
        )
        dialog.accepted.connect(self._on_preferences_saved)
        dialog.show()
        self.preferences = dialog
        return dialog

    def _on_preferences_saved(self) -> None:
        s = self.library.settings()
        self.review.threshold = s.confidence_threshold
        self.review.reload()
        self.start_watchers()

    # -- export

    def export_scope(self) -> list[str] | None:
        """What Export writes: every listed document, or (asked when some are selected) only
        the selected ones. ``[]`` means every listed document, None that the user cancelled."""
        selected = self.selected_ids()
        listed = self.model.rowCount()
        if not selected or len(selected) >= listed:
            return []
        picked = self.choose(
            "Export",
            f"Export all {listed} listed documents, or only the {len(selected)} selected?",
            [f"All {listed} listed", f"{len(selected)} selected"],
        )
        return None if picked is None else ([] if picked == 0 else selected)

    def export_dialog(self, ids: list[str] | None = None) -> None:
        if ids is None:
            ids = self.export_scope()
            if ids is None:
                return
        scope = f"{len(ids)} selected" if ids else f"all {self.model.rowCount()} listed"
        path, chosen = QFileDialog.getSaveFileName(
            self,
            f"Export {scope} documents",
            str(Path.home() / "documents.csv"),
            ";;".join(EXPORT_FILTERS),
        )
        if path:
            target = Path(path)
            fmt = EXPORT_FILTERS.get(chosen)
            if target.suffix.lower() not in (".csv", ".xlsx", ".json"):
                suffix = {"xlsx": ".xlsx", "json": ".json"}.get(fmt or "", ".csv")
                target = target.with_name(target.name + suffix)
            accounting = fmt in ("datev", "xero", "quickbooks")
            self.export_to(target, ids or None, fmt if accounting else None)

    def export_to(self, path: Path, ids: list[str] | None = None, fmt: str | None = None) -> None:
        """Write an export in the background; ``ids`` None means every listed document,
        ``fmt`` None the format the file's suffix says."""
        ids = list(ids) if ids else self.model.ids()
        library, org = self.library, self.org_id

        def work():
            if fmt in ("datev", "xero", "quickbooks"):
                from docrouter_desktop.core.export_accounting import AccountingReport

                report = AccountingReport()
                accounts = library.booking_accounts(org)  # the vendor memory's accounts
                write_export(export_rows(library, ids), path, fmt, accounts=accounts, report=report)
                written = report.files[0] if len(report.files) == 1 else path
                return written, report.documents, report.notes
            write_export(export_rows(library, ids), path, fmt)
            return path, len(ids)

        self.notice(f"Exporting {len(ids)} document(s)…")
        self._tasks.submit(work, "export")

    def pick_workspace(
        self, remote, workspaces: list[tuple[str, str]], problem: str | None = None
    ) -> str | None:
        """The workspace to send to, picked from ``workspaces`` ((id, name) pairs: names
        shown, ids used); one not listed may be typed by its id. None: not sent."""
        from PySide6.QtWidgets import QInputDialog

        labels = [f"{name} ({org_id})" if name != org_id else org_id for org_id, name in workspaces]
        note = f"\n(The server did not list its workspaces: {problem})" if problem else ""
        text, ok = QInputDialog.getItem(
            self,
            "Send to DocRouter",
            f"Send to which workspace on {remote.url}?{note}",
            labels,
            0,
            True,
        )
        if not ok or not text.strip():
            return None
        by_label = {label: org_id for (org_id, _n), label in zip(workspaces, labels, strict=True)}
        return by_label.get(text, text.strip())

    def _on_workspaces_found(self, ids: tuple, remote_name: str, found) -> None:
        from docrouter_desktop.core import remote as rem

        remote = rem.get_remote(self.library, remote_name)
        self.notice("")
        if len(found.workspaces) == 1 and not found.problem:
            org = found.workspaces[0][0]  # the one workspace there is
        else:
            org = self.pick_workspace(remote, list(found.workspaces), found.problem)
        if org:
            self.send_to_remote(list(ids), remote_name, org)

    def _on_task_done(self, token, result) -> None:
        if isinstance(token, tuple) and token[0] == "remote-workspaces":
            self._on_workspaces_found(token[1], token[2], result)
            return
        if token == "export":
            path, count, *notes = result
            self.last_export = path
            left_out = notes[0] if notes else []
            more = f" ({len(left_out)} note(s): {left_out[0]})" if left_out else ""
            self.notice(f"Exported {count} document(s) to {path}{more}", 8000)

    def _on_task_failed(self, token, message: str) -> None:
        what = "Sending to DocRouter" if token == "remote" else "Export"
        self.notice(f"{what} failed: {message}", 10000)
        QMessageBox.warning(self, f"{what} failed", message)

    def check_tesseract(self) -> str | None:
        """At start: say plainly when Tesseract is missing (text PDFs still process)."""
        from docrouter_desktop.core.extraction.tesseract import (
            TesseractMissingError,
            find_tesseract,
        )

        try:
            find_tesseract(self.library.settings().tesseract_path)
        except TesseractMissingError as exc:
            self.notice(str(exc))
            self.notice_label.setToolTip(str(exc))
            return str(exc)
        return None

    # -- the local API

    def open_local_tokens(self):
        from docrouter_desktop.gui.local_tokens import LocalTokensDialog

        dialog = LocalTokensDialog(
            self.library, self.org_id, self.local_api, self, engine=self.engine
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.local_tokens = dialog
        return dialog

    def _on_local_api_state(self, state: str, text: str) -> None:
        if state == "running":
            self.notice(f"Local DocRouter API at {self.local_api.url}", 8000)
        elif state == "failed":
            self.notice(f"Local DocRouter API not served: {text}", 15000)

    # -- remote DocRouter servers

    def open_token_dialog(self, remote_name: str | None = None):
        from docrouter_desktop.core import remote as rem
        from docrouter_desktop.gui.token_dialog import TokenDialog

        name = remote_name or next(iter(rem.remotes(self.library)), "docrouter")
        dialog = TokenDialog(self.library, remote_name=name, parent=self, engine=self.engine)
        dialog.show()
        return dialog

    def send_to_remote(self, ids: list[str], remote_name: str, org: str | None = None) -> None:
        """Process the selected documents on a DocRouter server (its engine sends them)."""

        from docrouter_desktop.core import remote as rem

        remote = rem.get_remote(self.library, remote_name)
        if org is None:
            # Which workspaces: asked of the server (by name) off the window's thread.
            from docrouter_desktop.core.secrets import RemoteTokenStore

            self.notice(f"Asking {remote.url} for its workspaces…")
            self._tasks.submit(
                lambda: rem.remote_workspaces(remote, RemoteTokenStore()),
                ("remote-workspaces", tuple(ids), remote_name),
            )
            return

        def sent(queued: list[str]) -> None:
            self.tracker.queued(queued)
            self.model.refresh_documents(ids)

        self.engine.call("send_to_remote", ids, remote.name, org, on_done=sent)
        self.notice(f"Sending {len(ids)} document(s) to {remote.name} ({remote.url})", 8000)

    # -- closing

    def closeEvent(self, event) -> None:
        if self.remember_layout:
            self.save_layout()
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        for dialog in list(self.batch_dialogs):
            dialog.cancel()
        self.local_api.shutdown()
        self.engine.stop()
        if self.tray is not None:
            self.tray.hide()
        self._status_timer.stop()
        self._settle_timer.stop()
        self._counts_timer.stop()
