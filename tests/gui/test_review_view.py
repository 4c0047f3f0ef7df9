"""The review pane's page view and form: zoom around the cursor, panning, the zoom level, Fit
without a sideways scroll bar, the form beside or under the page by width, palette colours
(light and dark) and undo, redo and revert of corrections."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QPalette, QWheelEvent
from PySide6.QtWidgets import QApplication

from docrouter_desktop.gui import theme
from docrouter_desktop.gui.main_window import MainWindow
from docrouter_desktop.gui.review import ReviewPane
from tests import factories
from tests.gui.conftest import process_now


def _pane_with_invoice(qtbot, library, inbox, width=1100, height=800, **kw) -> ReviewPane:
    path = factories.invoice_pdf(inbox / "invoice.pdf", **kw)
    doc_id = library.ingest_file(path, processor_type="invoice").document_id
    process_now(library)
    pane = ReviewPane(library)
    qtbot.addWidget(pane)
    pane.resize(width, height)
    pane.show()
    with qtbot.waitSignal(pane.page_shown, timeout=20_000):
        pane.show_document(doc_id)
    qtbot.waitExposed(pane)
    return pane


def _wheel(widget, pos: QPointF, steps: int, ctrl: bool = True) -> None:
    mods = Qt.KeyboardModifier.ControlModifier if ctrl else Qt.KeyboardModifier.NoModifier
    event = QWheelEvent(
        pos,
        widget.mapToGlobal(pos),
        QPoint(0, 0),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        mods,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def _page_point_under(pane: ReviewPane, viewport_pos: QPoint) -> QPointF:
    """The image pixel (zoom 1) shown at a point of the scroll area's viewport."""
    view = pane.page_view
    p = view.mapFrom(pane.page_scroll.viewport(), viewport_pos)
    return QPointF(p.x() / view.zoom, p.y() / view.zoom)


def test_ctrl_wheel_zooms_around_the_cursor_and_shows_the_level(qtbot, library, inbox):
    pane = _pane_with_invoice(qtbot, library, inbox)
    pane.page_view.set_zoom(1.0)
    vp = pane.page_scroll.viewport()
    cursor = QPoint(vp.width() * 3 // 4, vp.height() * 2 // 3)
    before = _page_point_under(pane, cursor)
    _wheel(pane.page_view, QPointF(pane.page_view.mapFrom(vp, cursor)), 2)
    assert abs(pane.page_view.zoom - 1.25**2) < 1e-6
    after = _page_point_under(pane, cursor)
    # The page point under the cursor is still under it (within a screen pixel).
    assert abs(after.x() - before.x()) * pane.page_view.zoom <= 1.5, (before, after)
    assert abs(after.y() - before.y()) * pane.page_view.zoom <= 1.5, (before, after)
    assert pane.zoom_label.text() == f"{round(1.25**2 * 100)}%"
    # The wheel without Ctrl scrolls, it does not zoom.
    _wheel(pane.page_view, QPointF(pane.page_view.mapFrom(vp, cursor)), -1, ctrl=False)
    assert abs(pane.page_view.zoom - 1.25**2) < 1e-6


def test_dragging_the_page_pans_it(qtbot, library, inbox):
    pane = _pane_with_invoice(qtbot, library, inbox)
    pane.page_view.set_zoom(2.5)
    h, v = pane.page_scroll.horizontalScrollBar(), pane.page_scroll.verticalScrollBar()
    h.setValue(h.maximum() // 2)
    v.setValue(v.maximum() // 2)
    h0, v0 = h.value(), v.value()
    start = QPoint(200, 200)
    qtbot.mousePress(pane.page_view, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(pane.page_view, start + QPoint(-60, -40))
    qtbot.mouseRelease(pane.page_view, Qt.MouseButton.LeftButton, pos=start + QPoint(-60, -40))
    # Dragged left and up: the page moves with the hand, the view shows what was right/below.
    assert h.value() - h0 == 60 and v.value() - v0 == 40, (h.value() - h0, v.value() - v0)


def test_zooming_keeps_the_selected_box_in_view(qtbot, library, inbox):
    pane = _pane_with_invoice(qtbot, library, inbox, total=345.67, tax=57.61)
    qtbot.mouseClick(pane.edits["total"], Qt.MouseButton.LeftButton)
    assert pane.page_view.highlight is not None
    vp = pane.page_scroll.viewport()
    for _ in range(6):
        pane.zoom_in.click()
        box = pane.page_view.highlight_on_screen()
        shown = pane.page_view.mapTo(vp, box.center().toPoint())
        assert vp.rect().contains(shown), (pane.page_view.zoom, shown, vp.rect())
    assert pane.page_view.zoom > 2


def test_fit_fills_the_width_without_a_sideways_scroll_bar(qtbot, library, inbox):
    pane = _pane_with_invoice(qtbot, library, inbox, width=700, height=900)
    pane.page_view.set_zoom(0.2)
    pane.fit_width()
    qtbot.wait(50)
    assert pane.page_scroll.horizontalScrollBar().maximum() == 0
    assert pane.page_view.width() >= 0.9 * pane.page_scroll.viewport().width()
    assert pane.zoom_label.text() == f"{round(pane.page_view.zoom * 100)}%"


def test_the_form_is_beside_the_page_when_wide_and_under_it_when_narrow(qtbot, library, inbox):
    pane = _pane_with_invoice(qtbot, library, inbox, width=1200, height=800)
    assert pane.review_splitter.orientation() == Qt.Orientation.Horizontal
    assert pane.form_scroll.width() >= 380
    pane.resize(640, 800)
    qtbot.waitUntil(lambda: pane.review_splitter.orientation() == Qt.Orientation.Vertical)
    qtbot.wait(50)
    # Under the page the form is as wide as the pane: a value is shown whole.
    assert pane.form_scroll.width() >= 600
    edit = pane.edits["vendor"]
    assert edit.width() >= 400
    assert edit.fontMetrics().horizontalAdvance(edit.text()) < edit.width()


def test_at_the_minimum_window_size_field_values_are_visible(qtbot, small_library, inbox):
    factories.invoice_pdf(inbox / "inv.pdf", total=42.5, tax=2.5)
    small_library.ingest_file(inbox / "inv.pdf", processor_type="invoice")
    process_now(small_library)
    window = MainWindow(small_library, start_runner=False, watch=False, remember_layout=False)
    qtbot.addWidget(window)
    window.resize(900, 600)
    window.show()
    qtbot.waitExposed(window)
    window.select_row(0)
    qtbot.waitUntil(lambda: "vendor" in window.review.edits)
    qtbot.wait(100)
    for name in ("vendor", "invoice_number"):
        edit = window.review.edits[name]
        assert not edit.visibleRegion().isEmpty(), name
        assert edit.visibleRegion().boundingRect().width() >= 150, name
    window.shutdown()


def test_flagged_fields_read_on_light_and_dark_palettes(qtbot, library, inbox):
    for palette in (QApplication.style().standardPalette(), theme.dark_palette()):
        c = theme.colors(palette)
        assert theme.contrast(c.flag_text, c.flag_background) >= 4.5
        assert theme.contrast(c.corrected_text, c.corrected_background) >= 4.5
        assert theme.contrast(c.warning_text, c.warning_background) >= 4.5
        assert theme.contrast(c.drop_text, c.drop_background) >= 4.5
        assert theme.contrast(c.page_backdrop_text, c.page_backdrop) >= 4.5
        window_bg = palette.color(QPalette.ColorRole.Window)
        for text in (c.error_text, c.caution_text, c.ok_text, c.muted_text):
            assert theme.contrast(text, window_bg) >= 4.5, (text.name(), window_bg.name())
    assert theme.is_dark(theme.dark_palette())
    assert not theme.is_dark(QApplication.style().standardPalette())


def test_a_flagged_field_on_a_dark_palette_is_drawn_dark_with_a_focus_ring(qtbot, library, inbox):
    pane = _pane_with_invoice(qtbot, library, inbox)
    pane.activateWindow()
    qtbot.waitUntil(pane.isActiveWindow)
    pane.setPalette(theme.dark_palette())
    qtbot.wait(50)
    flagged = [n for n in pane.edits if pane.needs_review(n)]
    assert flagged, "the sample invoice has no flagged field"
    edit = pane.edits[flagged[0]]
    shot = edit.grab().toImage()
    inside = shot.pixelColor(shot.width() - 6, shot.height() // 2)
    assert inside.lightness() < 110, inside.name()  # a dark amber, not the light one
    other = pane.edits[next(n for n in pane.edits if n != flagged[0])]
    other.setFocus()
    qtbot.wait(50)
    unfocused = edit.grab().toImage().pixelColor(0, shot.height() // 2)
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    qtbot.wait(50)
    focused = edit.grab().toImage().pixelColor(0, shot.height() // 2)
    assert focused != unfocused  # the focused flagged field has a ring of its own
    assert focused == QColor(theme.DARK.focus_ring.name())


def test_undo_redo_and_revert_of_a_correction(qtbot, small_library, inbox):
    factories.invoice_pdf(inbox / "inv0.pdf", number="INV-0", total=35.0, tax=2.0)
    factories.invoice_pdf(inbox / "inv1.pdf", number="INV-1", total=36.0, tax=2.0)
    for i in range(2):
        small_library.ingest_file(inbox / f"inv{i}.pdf", processor_type="invoice")
    process_now(small_library)
    window = MainWindow(small_library, start_runner=False, watch=False, remember_layout=False)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.select_row(0)
    first = window.review.document.id
    found = small_library.result(first)
    original, original_detail = found.fields["total"], found.field_details["total"]
    edit = window.review.edits["total"]
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "99.99")
    qtbot.keyClick(edit, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)  # saved, moved on
    assert window.review.document.id != first
    qtbot.waitUntil(lambda: small_library.result(first).fields["total"] == 99.99, timeout=10_000)

    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: small_library.result(first).fields["total"] == original, timeout=10_000)
    restored = small_library.result(first).field_details["total"]
    assert restored.get("source") != "user"
    assert restored.get("confidence") == original_detail.get("confidence")
    assert restored.get("rule") == original_detail.get("rule")

    window.review.redo_action.trigger()
    qtbot.waitUntil(lambda: small_library.result(first).fields["total"] == 99.99, timeout=10_000)

    # Revert to original, on the document shown.
    window.select_row(0)
    assert window.review.document.id == first
    window.review.edits["total"].setFocus()
    qtbot.waitUntil(lambda: window.review.edits["total"].hasFocus())
    window.review.revert_action.trigger()
    qtbot.waitUntil(lambda: small_library.result(first).fields["total"] == original, timeout=10_000)
    qtbot.waitUntil(lambda: window.review.edits["total"].text() == f"{original:.2f}")
    assert small_library.result(first).field_details["total"].get("source") != "user"
    window.review.undo_action.trigger()  # the revert undone: the correction is back
    qtbot.waitUntil(lambda: small_library.result(first).fields["total"] == 99.99, timeout=10_000)
    window.shutdown()


def test_revert_fields_gives_back_what_the_processor_found(library, inbox):
    path = factories.invoice_pdf(inbox / "invoice.pdf", total=120.0, tax=20.0)
    doc_id = library.ingest_file(path, processor_type="invoice").document_id
    process_now(library)
    found = library.result(doc_id)
    library.correct_fields(doc_id, {"total": 1.0})
    library.correct_fields(doc_id, {"total": 2.0})  # corrected twice: the original stays
    assert library.result(doc_id).field_details["total"]["original"] == found.fields["total"]
    back = library.revert_fields(doc_id, ["total", "tax"])  # tax was never corrected
    assert back.fields["total"] == found.fields["total"]
    assert back.fields["tax"] == found.fields["tax"]
    for key in ("confidence", "source", "rule", "bbox", "page"):
        assert back.field_details["total"].get(key) == found.field_details["total"].get(key), key
    assert back.field_details["tax"] == found.field_details["tax"]
