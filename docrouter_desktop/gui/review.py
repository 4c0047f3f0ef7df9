"""The review pane: the page as an image, the extracted fields as a form, text and raw JSON.

Clicking (focusing) a field draws its recorded box on the page; fields below the confidence
threshold are marked for review; editing a field saves a correction through the library.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QPoint, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFocusEvent, QImage, QPainter, QPen
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from docrouter_desktop.core.export import SCALAR_FIELDS
from docrouter_desktop.core.fields import numeric_names
from docrouter_desktop.core.records import DocumentInfo, ResultInfo
from docrouter_desktop.gui.render import render_page
from docrouter_desktop.gui.workers import TaskRunner

NUMERIC_FIELDS = numeric_names()
LOW_STYLE = "QLineEdit { background: #fff3cd; border: 1px solid #d4a017; }"
USER_STYLE = "QLineEdit { background: #e6f4ea; }"
ZOOM_STEP = 1.25
HIGHLIGHT = QColor(220, 30, 30)


class PageView(QWidget):
    """One page image with an optional highlighted box, drawn at a zoom factor."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.image = QImage()
        self.zoom = 1.0
        self.units_to_pixels = 1.0  # image pixels per page unit (PDF point or image pixel)
        self.highlight: QRectF | None = None  # in page units
        self.empty_text = ""
        self.setMinimumSize(200, 200)

    def set_image(self, image: QImage, page_width_units: float | None) -> None:
        self.image = image
        self.units_to_pixels = (
            image.width() / page_width_units if page_width_units and not image.isNull() else 1.0
        )
        self._resize()

    def set_zoom(self, zoom: float) -> None:
        self.zoom = max(0.1, min(zoom, 8.0))
        self._resize()

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

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#6e6e6e"))
        if self.image.isNull():
            p.setPen(QColor("white"))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
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


class FieldEdit(QLineEdit):
    """A field's value; tells the pane when it gets the focus (to draw the field's box)."""

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
        self._tasks = TaskRunner(self)
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
        self.remote_status = QLabel()
        self.remote_status.setObjectName("reviewRemoteStatus")
        self.remote_status.setWordWrap(True)
        self.remote_status.hide()
        outer.addWidget(self.remote_status)
        self.warnings = QLabel()
        self.warnings.setObjectName("reviewWarnings")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet(
            "background: #fdecea; color: #8a1c13; border: 1px solid #e0a39d;"
            " border-radius: 4px; padding: 6px; font-weight: 600;"
        )
        outer.addWidget(self.warnings)

        self.tabs = QTabWidget()
        outer.addWidget(self.tabs, 1)

        review = QSplitter(Qt.Orientation.Horizontal)
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
        self.zoom_in.clicked.connect(
            lambda: self.page_view.set_zoom(self.page_view.zoom * ZOOM_STEP)
        )
        self.zoom_out.clicked.connect(
            lambda: self.page_view.set_zoom(self.page_view.zoom / ZOOM_STEP)
        )
        self.zoom_fit.clicked.connect(self.fit_width)
        for w in (self.prev_page, self.page_label, self.next_page):
            bar.addWidget(w)
        bar.addStretch(1)
        for w in (self.zoom_out, self.zoom_fit, self.zoom_in):
            bar.addWidget(w)
        pl.addLayout(bar)
        self.page_view = PageView()
        self.page_scroll = QScrollArea()
        self.page_scroll.setWidget(self.page_view)
        self.page_scroll.setWidgetResizable(False)
        self.page_scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.page_scroll.setStyleSheet("QScrollArea { background: #6e6e6e; }")
        pl.addWidget(self.page_scroll, 1)
        review.addWidget(page_panel)

        self.form_host = QWidget()
        self.form = QFormLayout(self.form_host)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form_scroll = QScrollArea()
        form_scroll.setWidgetResizable(True)
        form_scroll.setWidget(self.form_host)
        review.addWidget(form_scroll)
        review.setStretchFactor(0, 3)
        review.setStretchFactor(1, 2)
        review.setSizes([400, 280])
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
        if d is None:
            self.title.setText("Select a document to review it")
            self.warnings.hide()
            self.remote_status.hide()
            self._set_fields({}, {})
            self.text_view.setPlainText("")
            self.json_view.setPlainText("")
            self.page_view.set_image(QImage(), None)
            self.page_label.setText("")
            self.prev_page.setEnabled(False)
            self.next_page.setEnabled(False)
            return
        self.title.setText(f"{d.document_name}  ·  {d.status}  ·  {d.processor_type}")
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

    def needs_review(self, name: str) -> bool:
        detail = (self.result.field_details.get(name) if self.result else None) or {}
        if detail.get("source") == "user":
            return False
        value = self.result.fields.get(name) if self.result else None
        conf = detail.get("confidence")
        return value is not None and conf is not None and conf < self.threshold

    def _set_fields(self, fields: dict[str, Any], details: dict[str, Any]) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.edits.clear()
        self.labels.clear()
        if self.document is None:
            return
        names = list(SCALAR_FIELDS) + [
            k
            for k, v in fields.items()
            if k not in SCALAR_FIELDS and not isinstance(v, dict | list)
        ]
        for name in names:
            value = fields.get(name)
            detail = details.get(name) or {}
            edit = FieldEdit(name)
            edit.setText("" if value is None else _format(value))
            edit.setCursorPosition(0)
            edit.setEnabled(self.result is not None)
            edit.focused.connect(self._on_field_focused)
            edit.returnPressed.connect(lambda e=edit: self._on_field_accepted(e))
            edit.editingFinished.connect(lambda e=edit: self._on_field_edited(e))
            label = QLabel(name.replace("_", " "))
            conf = detail.get("confidence")
            tip = []
            if conf is not None:
                tip.append(f"confidence {conf:.2f}")
            if detail.get("source") == "user":
                label.setText(f"✓ {label.text()}")
                edit.setStyleSheet(USER_STYLE)
                tip.append(f"corrected (was: {detail.get('original')})")
            elif self.needs_review(name):
                label.setText(f"⚠ {label.text()}")
                label.setStyleSheet("color: #8a5a00; font-weight: 600;")
                edit.setStyleSheet(LOW_STYLE)
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
        if not (ctype == "application/pdf" or ctype.startswith("image/")):
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
        if self.page_view.image.isNull():
            return
        avail = self.page_scroll.viewport().width() - 4
        self.page_view.set_zoom(avail / max(1, self.page_view.image.width()))

    # -- fields

    def _on_field_focused(self, name: str) -> None:
        detail = (self.result.field_details.get(name) if self.result else None) or {}
        page, bbox = detail.get("page"), detail.get("bbox")
        self._focused_field = name
        if not bbox:
            self.page_view.set_highlight(None)
            return
        if page and page != self.page_number:
            self.go_to_page(page)  # the box is drawn when the page arrives
            return
        self.page_view.set_highlight(bbox)
        self._scroll_to_highlight()

    def _show_current_highlight(self) -> None:
        name = getattr(self, "_focused_field", None)
        detail = (self.result.field_details.get(name) if self.result and name else None) or {}
        if detail.get("bbox") and detail.get("page", 1) == self.page_number:
            self.page_view.set_highlight(detail["bbox"])
            self._scroll_to_highlight()
        else:
            self.page_view.set_highlight(None)

    def _scroll_to_highlight(self) -> None:
        box = self.page_view.highlight_on_screen()
        if box is not None:
            c = box.center()
            self.page_scroll.ensureVisible(int(c.x()), int(c.y()), 80, 80)

    def _on_field_accepted(self, edit: FieldEdit) -> None:
        """Enter: save what is in the field (also when unchanged: it is now reviewed)."""
        self.save_field(edit.name, edit.text(), force=True)
        self.focusNextChild()

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
        current = self.result.fields.get(name)
        reviewed = (self.result.field_details.get(name) or {}).get("source") == "user"
        if value == current and (reviewed or not force):
            return False
        self.result = _corrected(self.result, name, value)
        self._restyle(name)
        doc_id = self.document.id
        self.engine.call(
            "correct",
            doc_id,
            {name: value},
            on_done=lambda result: self._on_correction_stored(doc_id, result),
            on_failed=lambda message: self._on_correction_refused(doc_id, name, message),
        )
        return True

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
        detail = self.result.field_details.get(name) or {}
        edit.setStyleSheet(USER_STYLE)
        label.setStyleSheet("")
        label.setText(f"✓ {name.replace('_', ' ')}")
        edit.setToolTip(f"corrected (was: {detail.get('original')})")
        payload = self.result.api_dict()
        self.json_view.setPlainText(json.dumps(payload, indent=2, ensure_ascii=False))
        low = [n for n in self.edits if self.needs_review(n)]
        lines = [ln for ln in self.warnings.text().split("\n") if not ln.startswith("Check the")]
        if low:
            lines.append("Check the highlighted fields: " + ", ".join(low))
        lines = [ln for ln in lines if ln]
        self.warnings.setText("\n".join(lines))
        self.warnings.setVisible(bool(lines))

    def sizeHint(self) -> QSize:
        return QSize(700, 700)

    def page_point(self, units_x: float, units_y: float) -> QPoint:
        k = self.page_view.units_to_pixels * self.page_view.zoom
        return QPoint(int(units_x * k), int(units_y * k))


def _format(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    return "" if value is None else str(value)


def _parse(name: str, text: str) -> Any:
    text = text.strip()
    if not text:
        return None
    if name in NUMERIC_FIELDS:
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
    before = details.get(name, {})
    original = (
        before.get("original", fields.get(name))
        if before.get("source") == "user"
        else fields.get(name)
    )
    details[name] = {
        **before,
        "confidence": 1.0,
        "source": "user",
        "rule": "corrected by the user",
        "original": original,
    }
    fields[name] = value
    return replace(result, fields=fields, field_details=details)
