"""The review pane: the page as an image, the extracted fields as a form, text and raw JSON.

Clicking (focusing) a field draws its recorded box on the page; fields below the confidence
threshold are marked for review; editing a field saves a correction through the library.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFocusEvent,
    QImage,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPen,
    QUndoCommand,
    QUndoStack,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from docrouter_desktop.core.fields import detail_at, form_names, set_at, spec_of, value_at
from docrouter_desktop.core.records import DocumentInfo, ResultInfo
from docrouter_desktop.gui import theme
from docrouter_desktop.gui.render import render_page
from docrouter_desktop.gui.workers import TaskRunner

FORM_FIELDS = form_names()  # scalar fields and group parts (payment.iban), in order
ZOOM_STEP = 1.25
MIN_ZOOM, MAX_ZOOM = 0.1, 8.0
# The form beside the page from this pane width on (the form then at least FORM_WIDE wide and
# the page at least as wide); under the page below it. FORM_MIN_WIDTH shows a value whole.
SIDE_BY_SIDE_WIDTH = 860
FORM_WIDE = 380
FORM_MIN_WIDTH = 260
HIGHLIGHT = QColor(220, 30, 30)


class PageView(QWidget):
    """One page image with an optional highlighted box, drawn at a zoom factor.

    Ctrl+wheel asks for a zoom around the cursor and a drag with the left button asks for a
    pan (``zoom_requested``, ``pan_requested``): the pane that holds the view in its scroll
    area moves the scroll bars, so the point under the cursor stays under it."""

    zoom_changed = Signal(float)
    zoom_requested = Signal(float, QPointF)  # factor, anchor in this widget's coordinates
    pan_requested = Signal(QPoint)  # how far the page was dragged, in pixels

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.image = QImage()
        self.zoom = 1.0
        self.units_to_pixels = 1.0  # image pixels per page unit (PDF point or image pixel)
        self.highlight: QRectF | None = None  # in page units
        self.empty_text = ""
        self._drag_from: QPoint | None = None
        self.setMinimumSize(200, 200)

    def set_image(self, image: QImage, page_width_units: float | None) -> None:
        self.image = image
        self.units_to_pixels = (
            image.width() / page_width_units if page_width_units and not image.isNull() else 1.0
        )
        self.setCursor(
            Qt.CursorShape.ArrowCursor if image.isNull() else Qt.CursorShape.OpenHandCursor
        )
        self._resize()

    def set_zoom(self, zoom: float) -> None:
        zoom = max(MIN_ZOOM, min(zoom, MAX_ZOOM))
        changed = zoom != self.zoom
        self.zoom = zoom
        self._resize()
        if changed:
            self.zoom_changed.emit(zoom)

    def set_highlight(self, bbox: list[float] | None) -> None:
        self.highlight = (
            QRectF(bbox[0], bbox[1], bbox[2] - bbox[0], bbox[3] - bbox[1]) if bbox else None
        )
        self.update()

    def highlight_on_screen(self) -> QRectF | None:
        """The highlighted box in this widget's coordinates."""
        if self.highlight is None:
            return None
        k = self.units_to_pixels * self.zoom
        h = self.highlight
        return QRectF(h.x() * k, h.y() * k, h.width() * k, h.height() * k)

    def _resize(self) -> None:
        self.resize(self.sizeHint())
        self.update()

    def sizeHint(self) -> QSize:
        if self.image.isNull():
            return QSize(300, 400)
        return QSize(int(self.image.width() * self.zoom), int(self.image.height() * self.zoom))

    # -- zoom with Ctrl+wheel, pan by dragging

    def wheelEvent(self, event: QWheelEvent) -> None:
        if not event.modifiers() & Qt.KeyboardModifier.ControlModifier or self.image.isNull():
            super().wheelEvent(event)  # the scroll area scrolls
            return
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom_requested.emit(ZOOM_STEP**steps, event.position())
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and not self.image.isNull():
            self._drag_from = event.globalPosition().toPoint()
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag_from is not None:
            now = event.globalPosition().toPoint()
            self.pan_requested.emit(now - self._drag_from)
            self._drag_from = now
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag_from is not None and event.button() == Qt.MouseButton.LeftButton:
            self._drag_from = None
            self.setCursor(Qt.CursorShape.OpenHandCursor)
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        colors = theme.colors(self.palette())
        p.fillRect(self.rect(), colors.page_backdrop)
        if self.image.isNull():
            p.setPen(colors.page_backdrop_text)
            flags = int(Qt.AlignmentFlag.AlignCenter) | int(Qt.TextFlag.TextWordWrap)
            p.drawText(self.rect().adjusted(12, 12, -12, -12), flags, self.empty_text)
            return
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        target = QRectF(0, 0, self.image.width() * self.zoom, self.image.height() * self.zoom)
        p.drawImage(target, self.image)
        box = self.highlight_on_screen()
        if box is not None:
            p.setPen(QPen(HIGHLIGHT, 3))
            p.fillRect(box.adjusted(-3, -3, 3, 3), QColor(255, 230, 0, 70))
            p.drawRect(box.adjusted(-3, -3, 3, 3))
        p.end()


class FieldChange(QUndoCommand):
    """One field of one document changed by the user: corrected, or reverted to what the
    processor found. ``before`` and ``after`` are ``(value, corrected)``; undo stores the
    state before (a correction again, or the found value back), redo the state after."""

    def __init__(self, pane, document_id: str, name: str, before, after, text: str):
        super().__init__(text)
        self.pane, self.document_id, self.name = pane, document_id, name
        self.before, self.after = before, after

    def redo(self) -> None:
        self.pane.apply_field(self.document_id, self.name, *self.after)

    def undo(self) -> None:
        self.pane.apply_field(self.document_id, self.name, *self.before)


class FieldEdit(QLineEdit):
    """A field's value; tells the pane when it gets the focus (to draw the field's box).

    Its own Ctrl+Z undoes typing; with no typing to undo, Ctrl+Z and Ctrl+Shift+Z go to the
    window, which undoes and redoes corrections."""

    focused = Signal(str)

    def __init__(self, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.name = name
        self.setObjectName(f"field_{name}")

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.focused.emit(self.name)

    def mousePressEvent(self, event) -> None:
        super().mousePressEvent(event)
        self.focused.emit(self.name)

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            if (event.matches(QKeySequence.StandardKey.Undo) and not self.isUndoAvailable()) or (
                event.matches(QKeySequence.StandardKey.Redo) and not self.isRedoAvailable()
            ):
                event.ignore()  # nothing typed to undo: the window's undo takes the key
                return True
        return super().event(event)


# The title and the page area's words with no document shown, by the state of the list.
IDLE_TEXTS = {
    "listed": ("Select a document to review it", "Select a document in the list to see it here"),
    "unmatched": ("No document selected", "No documents match the search or the filters"),
    "empty": (
        "Nothing to review yet: this workspace has no documents",
        "Nothing to show yet.\n\nDrop invoices, receipts or scans on the window, "
        "or use Add files… or Add folder…",
    ),
}


def processor_label(d: DocumentInfo, r: ResultInfo | None) -> str:
    """The processor that read the document ("receipt (auto)" when chosen automatically), or
    the one asked for while nothing has read it."""
    used = r.processor_type if r is not None else None
    if not used:
        return d.processor_type
    return f"{used} (auto)" if d.processor_type == "auto" and used != "auto" else used


class ReviewPane(QWidget):
    """Everything about the selected document, with corrections saved as they are made."""

    corrected = Signal(str)  # document id
    page_shown = Signal(int)  # page number, after the image arrived

    def __init__(self, library, engine=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.library = library
        if engine is None:  # a pane on its own (its tests): an engine in this process
            from docrouter_desktop.core.engine import Engine
            from docrouter_desktop.gui.engine_bridge import EngineBridge

            engine = EngineBridge(library, Engine(library, runner="none"), parent=self)
        self.engine = engine
        engine.correction_sent.connect(self._on_correction_sent)
        self.document: DocumentInfo | None = None
        self.result: ResultInfo | None = None
        self.page_number = 1
        self.page_count = 1
        self.threshold = library.settings().confidence_threshold
        self.edits: dict[str, FieldEdit] = {}
        self.labels: dict[str, QLabel] = {}
        self._render_token = 0
        self._fit_pending = True
        self._arranged_for: bool | None = None
        self.zoom_to_boxes = False  # Review next: the page zoomed to the focused field's box
        self.accept_moves_on = None  # Review next: what Enter in a field does after saving
        self._idle = IDLE_TEXTS["listed"]  # what the pane says with no document
        self._tasks = TaskRunner(self)
        # Corrections, undone and redone across documents (Ctrl+Z, Ctrl+Shift+Z).
        self.undo_stack = QUndoStack(self)
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        self.revert_action = QAction("Re&vert field to what was found", self)
        self.revert_action.setShortcut(QKeySequence("Ctrl+Shift+R"))
        self.revert_action.setToolTip(
            "Give the selected field back the value read from the document (Ctrl+Shift+R)"
        )
        self.revert_action.triggered.connect(lambda: self.revert_field())
        for action in (self.undo_action, self.redo_action, self.revert_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)
        self._tasks.done.connect(self._on_rendered)
        self._tasks.failed.connect(self._on_render_failed)
        self._build()
        self.show_document(None)

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        self.title = QLabel()
        self.title.setObjectName("reviewTitle")
        self.title.setStyleSheet("font-size: 15px; font-weight: 600;")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.title)
        # The document's total, date and vendor, in view whichever field is being checked.
        self.facts = QLabel()
        self.facts.setObjectName("reviewFacts")
        self.facts.setStyleSheet("font-weight: 600;")
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.facts)
        self.remote_status = QLabel()
        self.remote_status.setObjectName("reviewRemoteStatus")
        self.remote_status.setWordWrap(True)
        self.remote_status.hide()
        outer.addWidget(self.remote_status)
        self.warnings = QLabel()
        self.warnings.setObjectName("reviewWarnings")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet(theme.warning_box_style(self.palette()))
        outer.addWidget(self.warnings)

        self.tabs = QTabWidget()
        outer.addWidget(self.tabs, 1)

        review = QSplitter(Qt.Orientation.Horizontal)
        review.setObjectName("reviewSplitter")
        review.setChildrenCollapsible(False)
        self.review_splitter = review
        page_panel = QWidget()
        pl = QVBoxLayout(page_panel)
        pl.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.prev_page = QPushButton("◀")
        self.next_page = QPushButton("▶")
        self.page_label = QLabel()
        self.zoom_out = QPushButton("−")
        self.zoom_in = QPushButton("+")
        self.zoom_fit = QPushButton("Fit")
        for b in (self.prev_page, self.next_page, self.zoom_out, self.zoom_in):
            b.setFixedWidth(32)
        self.prev_page.setToolTip("Previous page (Page Up)")
        self.next_page.setToolTip("Next page (Page Down)")
        self.zoom_in.setToolTip("Zoom in (Ctrl++)")
        self.zoom_out.setToolTip("Zoom out (Ctrl+-)")
        self.zoom_fit.setToolTip("Fit the page width (Ctrl+0)")
        self.prev_page.clicked.connect(lambda: self.go_to_page(self.page_number - 1))
        self.next_page.clicked.connect(lambda: self.go_to_page(self.page_number + 1))
        self.zoom_in.clicked.connect(lambda: self.zoom_by(ZOOM_STEP))
        self.zoom_out.clicked.connect(lambda: self.zoom_by(1 / ZOOM_STEP))
        self.zoom_fit.clicked.connect(self.fit_width)
        self.zoom_label = QLabel()
        self.zoom_label.setObjectName("zoomLevel")
        self.zoom_label.setToolTip("Zoom level: Ctrl+wheel zooms around the cursor, drag to pan")
        self.zoom_label.setMinimumWidth(44)
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for w in (self.prev_page, self.page_label, self.next_page):
            bar.addWidget(w)
        bar.addStretch(1)
        for w in (self.zoom_out, self.zoom_label, self.zoom_fit, self.zoom_in):
            bar.addWidget(w)
        pl.addLayout(bar)
        self.page_view = PageView()
        self.page_view.zoom_changed.connect(self._show_zoom)
        self.page_view.zoom_requested.connect(self._zoom_around)
        self.page_view.pan_requested.connect(self._pan)
        self.page_scroll = QScrollArea()
        self.page_scroll.setWidget(self.page_view)
        self.page_scroll.setWidgetResizable(False)
        self.page_scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self._style_page_scroll()
        pl.addWidget(self.page_scroll, 1)
        review.addWidget(page_panel)

        self.form_host = QWidget()
        self.form = QFormLayout(self.form_host)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form_scroll = QScrollArea()
        form_scroll.setWidgetResizable(True)
        form_scroll.setWidget(self.form_host)
        form_scroll.setMinimumWidth(FORM_MIN_WIDTH)
        form_scroll.setMinimumHeight(120)
        page_panel.setMinimumHeight(150)
        self.form_scroll = form_scroll
        review.addWidget(form_scroll)
        review.setStretchFactor(0, 3)
        review.setStretchFactor(1, 2)
        self.tabs.addTab(review, "Review")

        self.text_view = QPlainTextEdit()
        self.text_view.setReadOnly(True)
        self.tabs.addTab(self.text_view, "Full text")
        self.json_view = QPlainTextEdit()
        self.json_view.setReadOnly(True)
        self.json_view.setStyleSheet("font-family: monospace;")
        self.tabs.addTab(self.json_view, "Raw JSON")

    # -- showing a document

    def show_document(self, document_id: str | None) -> None:
        self.commit_pending_edits()  # a value typed but not yet entered is kept, not dropped
        self.threshold = self.library.settings().confidence_threshold
        self.document = self.library.document(document_id) if document_id else None
        self.result = self.library.result(document_id) if document_id else None
        self.page_number = 1
        self._fit_pending = True
        self._fill()
        self._request_page()

    def set_list_state(self, state: str) -> None:
        """What the pane says while no document is shown, as the list is: ``empty`` (the
        workspace has no documents), ``unmatched`` (none match the search) or ``listed``."""
        self._idle = IDLE_TEXTS.get(state, IDLE_TEXTS["listed"])
        if self.document is None:
            self.title.setText(self._idle[0])
            self.page_view.empty_text = self._idle[1]
            self.page_view.update()

    def reload(self) -> None:
        if self.document is not None:
            page = self.page_number
            self.document = self.library.document(self.document.id)
            self.result = self.library.result(self.document.id)
            self._fill()
            if page != self.page_number:
                self.go_to_page(page)

    def _fill(self) -> None:
        d, r = self.document, self.result
        self._show_facts()
        if d is None:
            self.title.setText(self._idle[0])
            self.warnings.hide()
            self.remote_status.hide()
            self._set_fields({}, {})
            self.text_view.setPlainText("")
            self.json_view.setPlainText("")
            self.page_view.empty_text = self._idle[1]  # not what the last document's page said
            self.page_view.set_image(QImage(), None)
            self.page_label.setText("")
            self.prev_page.setEnabled(False)
            self.next_page.setEnabled(False)
            return
        self.title.setText(f"{d.document_name}  ·  {d.status}  ·  {processor_label(d, r)}")
        from docrouter_desktop.core.remote import remote_record

        sent = remote_record(self.library, d.id)
        if sent:
            self.title.setText(
                self.title.text() + f"  ·  sent to {sent['remote']} ({sent['url']}), workspace "
                f"{sent['organization']}, {(sent['uploaded_at'] or '')[:16].replace('T', ' ')}"
            )
        self._show_remote_status(sent)
        messages = []
        if d.error:
            messages.append(f"✖ {d.error}")
        if r:
            messages += [f"⚠ {w}" for w in r.warnings]
        self._set_fields(r.fields if r else {}, r.field_details if r else {})
        low = [n for n in self.edits if self.needs_review(n)]
        if low:
            messages.append("Check the highlighted fields: " + ", ".join(low))
        self.warnings.setText("\n".join(messages))
        self.warnings.setVisible(bool(messages))
        self.text_view.setPlainText(r.text if r else "")
        payload = r.api_dict() if r else d.api_dict()
        self.json_view.setPlainText(json.dumps(payload, indent=2, ensure_ascii=False))
        self.page_count = max(1, len(r.pages) if r and r.pages else (d.pages or 1))
        self._update_page_label()

    def _show_facts(self) -> None:
        fields = self.result.fields if self.result else {}
        if self.document is None or not fields:
            self.facts.hide()
            return
        total = fields.get("total")
        parts = []
        if total is not None:
            money = _format(total)
            parts.append(f"Total {money} {fields.get('currency') or ''}".rstrip())
        if fields.get("date"):
            parts.append(str(fields["date"]))
        if fields.get("vendor"):
            parts.append(str(fields["vendor"]))
        self.facts.setText("  ·  ".join(parts) or "No total, date or vendor found")
        self.facts.show()

    def needs_review(self, name: str) -> bool:
        detail = detail_at(self.result.field_details, name) if self.result else {}
        if detail.get("source") == "user":
            return False
        value = value_at(self.result.fields, name) if self.result else None
        conf = detail.get("confidence")
        return value is not None and conf is not None and conf < self.threshold

    def _set_fields(self, fields: dict[str, Any], details: dict[str, Any]) -> None:
        while self.form.rowCount():
            # Taken out and deleted later, not at once: the field that had Enter pressed in
            # it may be the one asking for the next document, and is still in its handler.
            row = self.form.takeRow(0)
            for item in (row.labelItem, row.fieldItem):
                if item is not None and item.widget() is not None:
                    # Silent first: hidden, a focused field would report editing finished
                    # and its value would be saved on the document shown next.
                    item.widget().blockSignals(True)
                    item.widget().hide()
                    item.widget().deleteLater()
        self.edits.clear()
        self.labels.clear()
        if self.document is None:
            return
        names = FORM_FIELDS + [
            k for k, v in fields.items() if k not in FORM_FIELDS and not isinstance(v, dict | list)
        ]
        for name in names:
            value = value_at(fields, name)
            detail = detail_at(details, name)
            edit = FieldEdit(name)
            edit.setText("" if value is None else _format(value))
            edit.setCursorPosition(0)
            edit.setEnabled(self.result is not None)
            edit.focused.connect(self._on_field_focused)
            edit.returnPressed.connect(lambda e=edit: self._on_field_accepted(e))
            edit.editingFinished.connect(lambda e=edit: self._on_field_edited(e))
            label = QLabel(field_label(name))
            conf = detail.get("confidence")
            tip = []
            if conf is not None:
                tip.append(f"confidence {conf:.2f}")
            if detail.get("source") == "user":
                label.setText(f"✓ {label.text()}")
                edit.setStyleSheet(theme.corrected_edit_style(self.palette()))
                tip.append(f"corrected (was: {detail.get('original')})")
            elif self.needs_review(name):
                label.setText(f"⚠ {label.text()}")
                label.setStyleSheet(theme.flagged_label_style(self.palette()))
                edit.setStyleSheet(theme.flagged_edit_style(self.palette()))
                tip.append("below the confidence threshold: check it, then press Enter")
            if detail.get("rule"):
                tip.append(str(detail["rule"]))
            edit.setToolTip("\n".join(tip))
            label.setToolTip("\n".join(tip))
            self.form.addRow(label, edit)
            label.show()  # at once, not with the next layout pass: Enter may focus it now
            edit.show()
            self.edits[name] = edit
            self.labels[name] = label
        items = fields.get("line_items")
        if isinstance(items, list) and items:
            lines = QLabel(
                "\n".join(
                    f"• {it.get('description', '')}  {_format(it.get('amount'))}"
                    for it in items[:30]
                    if isinstance(it, dict)
                )
            )
            lines.setWordWrap(True)
            self.form.addRow(QLabel("line items"), lines)

    # -- pages

    def _update_page_label(self) -> None:
        self.page_label.setText(f"Page {self.page_number} of {self.page_count}")
        self.prev_page.setEnabled(self.page_number > 1)
        self.next_page.setEnabled(self.page_number < self.page_count)

    def go_to_page(self, number: int) -> None:
        if self.document is None or not 1 <= number <= self.page_count:
            return
        self.page_number = number
        self._update_page_label()
        self._request_page()

    def _request_page(self) -> None:
        self._render_token += 1
        if self.document is None:
            return
        path = self.library.original_path(self.document.id)
        ctype, number, token = self.document.content_type, self.page_number, self._render_token
        if not (ctype in ("application/pdf", "application/xml") or ctype.startswith("image/")):
            self.page_view.empty_text = "Plain text: see the Full text tab"
            self.page_view.set_image(QImage(), None)
            return
        self.page_view.empty_text = "Loading the page…"
        self._tasks.submit(lambda: render_page(path, ctype, number), (token, number))

    def _on_rendered(self, token, rendered) -> None:
        tok, number = token
        if tok != self._render_token:
            return
        image, count = rendered
        if not self.result or not self.result.pages:
            self.page_count = count
            self._update_page_label()
        self.page_view.set_image(image, self._page_width(number))
        if self._fit_pending:
            self.fit_width()
            self._fit_pending = False
        self._show_current_highlight()
        self.page_shown.emit(number)

    def _on_render_failed(self, token, message: str) -> None:
        if token[0] != self._render_token:
            return
        self.page_view.empty_text = "The page cannot be shown"
        self.page_view.set_image(QImage(), None)
        if self.document is not None and self.document.error:
            return  # the failure above already says why
        self.warnings.setText(f"The page cannot be shown: {message}")
        self.warnings.show()

    def _page_width(self, number: int) -> float | None:
        if self.result:
            for p in self.result.pages:
                if p.get("number") == number:
                    return p.get("width")
        return None

    def fit_width(self) -> None:
        """The page's width fills the view, with room kept for the vertical scroll bar the
        page will need when it is taller than the view (no sideways scroll bar)."""
        if self.page_view.image.isNull():
            return
        img = self.page_view.image
        frame = 2 * self.page_scroll.frameWidth()
        width = self.page_scroll.width() - frame
        height = self.page_scroll.height() - frame
        zoom = width / max(1, img.width())
        if img.height() * zoom > height:
            bar = self.page_scroll.style().pixelMetric(
                QStyle.PixelMetric.PM_ScrollBarExtent, None, self.page_scroll
            )
            zoom = (width - bar - 1) / max(1, img.width())
        self.page_view.set_zoom(zoom)
        self._show_zoom(self.page_view.zoom)

    def zoom_by(self, factor: float) -> None:
        """Zoom in or out around the selected field's box when one is shown (it stays in
        view), else around the middle of the view."""
        box = self.page_view.highlight_on_screen()
        if box is not None:
            anchor = box.center()
        else:
            vp = self.page_scroll.viewport()
            anchor = QPointF(self.page_view.mapFrom(vp, vp.rect().center()))
        self._zoom_around(factor, anchor)
        if box is not None:
            self._scroll_to_highlight()

    def _zoom_around(self, factor: float, anchor: QPointF) -> None:
        """Change the zoom so that the page point at ``anchor`` (view coordinates) stays
        where it is on the screen."""
        view = self.page_view
        old = view.zoom
        on_screen = view.mapTo(self.page_scroll.viewport(), anchor.toPoint())
        view.set_zoom(old * factor)
        k = view.zoom / old
        if k == 1:
            return
        new_pos = QPointF(anchor.x() * k, anchor.y() * k)
        # Where the widget's origin lands after the resize (centred when narrower).
        h, v = self.page_scroll.horizontalScrollBar(), self.page_scroll.verticalScrollBar()
        h.setValue(int(round(new_pos.x() - on_screen.x())))
        v.setValue(int(round(new_pos.y() - on_screen.y())))

    def _pan(self, delta: QPoint) -> None:
        h, v = self.page_scroll.horizontalScrollBar(), self.page_scroll.verticalScrollBar()
        h.setValue(h.value() - delta.x())
        v.setValue(v.value() - delta.y())

    def _show_zoom(self, zoom: float) -> None:
        self.zoom_label.setText(f"{round(zoom * 100)}%")

    def _style_page_scroll(self) -> None:
        backdrop = theme.colors(self.palette()).page_backdrop.name()
        self.page_scroll.setStyleSheet(f"QScrollArea {{ background: {backdrop}; }}")

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        changed = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange)
        if event.type() in changed and hasattr(self, "page_scroll"):
            # A new desktop theme: the colours are the palette's, so they are set again.
            self.warnings.setStyleSheet(theme.warning_box_style(self.palette()))
            self._style_page_scroll()
            if self.document is not None:
                self._fill()

    # -- fields

    def _on_field_focused(self, name: str) -> None:
        detail = detail_at(self.result.field_details, name) if self.result else {}
        page, bbox = detail.get("page"), detail.get("bbox")
        self._focused_field = name
        if not bbox:
            self.page_view.set_highlight(None)
            return
        if page and page != self.page_number:
            self.go_to_page(page)  # the box is drawn when the page arrives
            return
        self.page_view.set_highlight(bbox)
        if self.zoom_to_boxes:
            self._zoom_to_highlight()
        else:
            self._scroll_to_highlight()

    def _show_current_highlight(self) -> None:
        name = getattr(self, "_focused_field", None)
        detail = detail_at(self.result.field_details, name) if self.result and name else {}
        if detail.get("bbox") and detail.get("page", 1) == self.page_number:
            self.page_view.set_highlight(detail["bbox"])
            if self.zoom_to_boxes:
                self._zoom_to_highlight()
            else:
                self._scroll_to_highlight()
        else:
            self.page_view.set_highlight(None)

    def _scroll_to_highlight(self) -> None:
        box = self.page_view.highlight_on_screen()
        if box is not None:
            c = box.center()
            self.page_scroll.ensureVisible(int(c.x()), int(c.y()), 80, 80)

    def _on_field_accepted(self, edit: FieldEdit) -> None:
        """Enter: save what is in the field (also when unchanged: it is now reviewed), then
        the next field, or in Review next the next field that needs a look."""
        edit.setModified(False)
        self.save_field(edit.name, edit.text(), force=True)
        if self.accept_moves_on is not None:
            QTimer.singleShot(0, self.accept_moves_on)  # after this field's key handler
        else:
            self.focusNextChild()

    def focus_field(self, name: str) -> bool:
        """Give a field the focus, its value selected, and show its box on the page."""
        edit = self.edits.get(name)
        if edit is None:
            return False
        edit.setFocus(Qt.FocusReason.OtherFocusReason)
        edit.selectAll()
        self._on_field_focused(name)
        return True

    def _zoom_to_highlight(self) -> None:
        """Zoom so that the highlighted box is about a third of the view's width (never
        below the page's fitted width, never above 400%), the box in the middle."""
        view = self.page_view
        if view.highlight is None or view.image.isNull():
            return
        width_units = max(1.0, view.highlight.width())
        vp = self.page_scroll.viewport()
        wanted = vp.width() * 0.35 / (width_units * view.units_to_pixels)
        fit = (vp.width() - 4) / max(1, view.image.width())
        view.set_zoom(max(fit, min(wanted, 4.0)))
        self._show_zoom(view.zoom)
        box = view.highlight_on_screen()
        if box is not None:
            c = box.center()
            self.page_scroll.ensureVisible(
                int(c.x()), int(c.y()), vp.width() // 2 - 4, vp.height() // 2 - 4
            )

    def _on_field_edited(self, edit: FieldEdit) -> None:
        edit.setModified(False)
        self.save_field(edit.name, edit.text())

    def commit_pending_edits(self) -> None:
        """Save what was typed in a field and not yet entered (before another document is
        shown: Alt+Down, a click in the list)."""
        for edit in list(self.edits.values()):
            if edit.isModified():
                edit.setModified(False)
                self.save_field(edit.name, edit.text())

    def save_field(self, name: str, text: str, force: bool = False) -> bool:
        """Save a correction: shown at once, stored by the engine (which sends it back to a
        remote that read the document); the stored result replaces the shown one."""
        if self.result is None or self.document is None:
            return False
        value = _parse(name, text)
        current = value_at(self.result.fields, name)
        reviewed = detail_at(self.result.field_details, name).get("source") == "user"
        if value == current and (reviewed or not force):
            return False
        before = (current, reviewed)
        label = f"correction of {name.replace('_', ' ')} to {_format(value) or 'nothing'}"
        self.undo_stack.push(
            FieldChange(self, self.document.id, name, before, (value, True), label)
        )
        return True

    def revert_field(self, name: str | None = None) -> bool:
        """Give a corrected field back the value the processor found (undoable)."""
        name = name or getattr(self, "_focused_field", None)
        if self.result is None or self.document is None or not name:
            return False
        detail = detail_at(self.result.field_details, name)
        if detail.get("source") != "user":
            return False
        before = (value_at(self.result.fields, name), True)
        label = f"revert of {name.replace('_', ' ')} to what was found"
        self.undo_stack.push(
            FieldChange(
                self, self.document.id, name, before, (detail.get("original"), False), label
            )
        )
        return True

    def apply_field(self, document_id: str, name: str, value: Any, corrected: bool) -> None:
        """Store one field's state: a correction to ``value``, or (``corrected`` False) the
        value the processor found. Shown at once when the document is on screen."""
        shown = self.document is not None and self.document.id == document_id
        if corrected:
            if shown and self.result is not None:
                self.result = _corrected(self.result, name, value)
                self._show_field(name)
            self.engine.call(
                "correct",
                document_id,
                {name: value},
                on_done=lambda result: self._on_correction_stored(document_id, result),
                on_failed=lambda message: self._on_correction_refused(document_id, name, message),
            )
        else:
            self.engine.call(
                "revert",
                document_id,
                [name],
                on_done=lambda result: self._on_reverted(document_id, result),
                on_failed=lambda message: self._on_correction_refused(document_id, name, message),
            )

    def _on_reverted(self, document_id: str, result: ResultInfo) -> None:
        if self.document is not None and self.document.id == document_id:
            focused = getattr(self, "_focused_field", None)
            self.result = result
            self._fill()
            if focused in self.edits:
                self.edits[focused].setFocus()
        self.corrected.emit(document_id)

    def _show_field(self, name: str) -> None:
        """A field's value and style as the shown result has them (after an undo or redo)."""
        edit = self.edits.get(name)
        if edit is None or self.result is None:
            return
        value = value_at(self.result.fields, name)
        edit.setText("" if value is None else _format(value))
        edit.setModified(False)
        edit.setCursorPosition(0)
        self._restyle(name)

    def _on_correction_stored(self, document_id: str, result: ResultInfo) -> None:
        if self.document is not None and self.document.id == document_id:
            self.result = result
            from docrouter_desktop.core.remote import remote_record

            self._show_remote_status(remote_record(self.library, document_id))
        self.corrected.emit(document_id)

    def _on_correction_refused(self, document_id: str, name: str, message: str) -> None:
        if self.document is not None and self.document.id == document_id:
            self.reload()
            self.warnings.setText(f"✖ The correction of {name} was not saved: {message}")
            self.warnings.show()

    # -- corrections going back to the remote that read the document

    def _on_correction_sent(self, event) -> None:
        if self.document is not None and self.document.id == event.document_id:
            from docrouter_desktop.core.remote import remote_record

            self._show_remote_status(remote_record(self.library, event.document_id))

    def _show_remote_status(self, sent: dict | None) -> None:
        status = (sent or {}).get("correction_status")
        if not status:
            self.remote_status.hide()
            return
        where = sent["remote"]
        if status == "pending":
            text = f"↑ Sending your correction to {where}…"
        elif status == "sent":
            text = f"✓ Your correction is on {where}, as the verified result."
        else:
            text = (
                f"✖ Your correction did not reach {where}: {sent.get('correction_error')}. "
                "It is sent again with the next batch to that workspace."
            )
        self.remote_status.setText(text)
        self.remote_status.setProperty("state", status)
        self.remote_status.show()

    def _restyle(self, name: str) -> None:
        edit, label = self.edits.get(name), self.labels.get(name)
        if edit is None or label is None:
            return
        detail = detail_at(self.result.field_details, name)
        edit.setStyleSheet(theme.corrected_edit_style(self.palette()))
        label.setStyleSheet("")
        label.setText(f"✓ {field_label(name)}")
        edit.setToolTip(f"corrected (was: {detail.get('original')})")
        payload = self.result.api_dict()
        self.json_view.setPlainText(json.dumps(payload, indent=2, ensure_ascii=False))
        self._show_facts()
        low = [n for n in self.edits if self.needs_review(n)]
        lines = [ln for ln in self.warnings.text().split("\n") if not ln.startswith("Check the")]
        if low:
            lines.append("Check the highlighted fields: " + ", ".join(low))
        lines = [ln for ln in lines if ln]
        self.warnings.setText("\n".join(lines))
        self.warnings.setVisible(bool(lines))

    def sizeHint(self) -> QSize:
        return QSize(700, 700)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._arrange(event.size().width())

    def _arrange(self, width: int) -> None:
        """The form beside the page when the pane is wide enough for both (the form at
        least ``FORM_WIDE`` wide), else under it, across the pane's whole width."""
        wide = width >= SIDE_BY_SIDE_WIDTH
        splitter = self.review_splitter
        want = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if splitter.orientation() == want and self._arranged_for == wide:
            return
        self._arranged_for = wide
        splitter.setOrientation(want)
        if wide:
            form = max(FORM_WIDE, int(width * 0.4))
            splitter.setSizes([max(1, width - form), form])
        else:
            height = max(1, splitter.height() or self.height())
            splitter.setSizes([int(height * 0.55), height - int(height * 0.55)])
        if not self.page_view.image.isNull():
            self.fit_width()

    def page_point(self, units_x: float, units_y: float) -> QPoint:
        k = self.page_view.units_to_pixels * self.page_view.zoom
        return QPoint(int(units_x * k), int(units_y * k))


def field_label(name: str) -> str:
    """A field's name as the form shows it: ``vendor vat id``, ``payment iban``."""
    return name.replace("_", " ").replace(".", " ")


def _format(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    return "" if value is None else str(value)


def _parse(name: str, text: str) -> Any:
    text = text.strip()
    if not text:
        return None
    spec = spec_of(name)
    if spec is not None and spec.numeric:
        try:
            return float(text.replace(",", ""))
        except ValueError:
            return text
    return text


def _corrected(result: ResultInfo, name: str, value: Any) -> ResultInfo:
    """The result as it will be once the engine has stored the correction (shown meanwhile)."""
    from dataclasses import replace

    fields = dict(result.fields)
    details = {k: dict(v) for k, v in result.field_details.items()}
    before = detail_at(details, name)
    original = (
        before.get("original", value_at(fields, name))
        if before.get("source") == "user"
        else value_at(fields, name)
    )
    detail = {
        **before,
        "confidence": 1.0,
        "source": "user",
        "rule": "corrected by the user",
        "original": original,
    }
    set_at(fields, details, name, value, detail)
    return replace(result, fields=fields, field_details=details)
