"""Review next: F8, then Enter alone walks every flagged field across the documents of the
list, the page zoomed to each field's box; typed values are saved on the way."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from docrouter_desktop.core.review_queue import fields_to_review
from docrouter_desktop.gui.main_window import MainWindow
from tests import factories
from tests.gui.conftest import process_now

# Which fields of which document (by its number) are made to need a look.
FLAGGED = {0: ["vendor", "total"], 2: ["date"], 3: ["invoice_number", "total"]}


def _library_with_flags(library, inbox) -> list[str]:
    ids = []
    for i in range(5):
        path = factories.invoice_pdf(
            inbox / f"inv{i}.pdf", number=f"INV-{i}", total=100.0 + i, tax=10.0
        )
        ids.append(library.ingest_file(path, processor_type="invoice").document_id)
    process_now(library)
    with library.db.write() as s:
        c = s.connection()
        for i, doc_id in enumerate(ids):
            details = library.result(doc_id).field_details
            for name, detail in details.items():
                detail["confidence"] = 0.3 if name in FLAGGED.get(i, []) else 0.99
            c.exec_driver_sql(
                "UPDATE results SET field_details = ? WHERE document_id = ?",
                (json.dumps(details), doc_id),
            )
    return ids


def _active_window(qtbot, library) -> MainWindow:
    """The window at its default size, active (keys reach it), its engine in a child."""
    window = MainWindow(library, start_runner=False, watch=False, remember_layout=False)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def test_fields_to_review_lists_flagged_unchecked_fields_in_form_order(library, inbox):
    ids = _library_with_flags(library, inbox)
    flagged = fields_to_review(library, ids, 0.8)
    assert flagged == {ids[i]: names for i, names in FLAGGED.items()}
    library.correct_fields(ids[0], {"vendor": "Checked Ltd"})
    assert fields_to_review(library, ids, 0.8)[ids[0]] == ["total"]
    assert fields_to_review(library, ids, 0.2) == {}


def test_review_next_walks_every_flagged_field_with_the_keyboard(qtbot, small_library, inbox):
    ids = _library_with_flags(small_library, inbox)
    window = _active_window(qtbot, small_library)
    order = window.model.ids()  # the list's order: the walk follows it
    expected = [(doc_id, name) for doc_id in order for name in FLAGGED.get(ids.index(doc_id), [])]
    window.select_row(0)
    reached = []
    keys = 0

    def where():
        focus = QApplication.focusWidget()
        name = next((n for n, e in window.review.edits.items() if e is focus), None)
        return window.review.document.id, name

    qtbot.keyClick(window.table, Qt.Key.Key_F8)
    keys += 1
    corrected_total = None
    last = (None, None)
    for step in range(len(expected)):
        qtbot.waitUntil(lambda last=last: where()[1] is not None and where() != last, timeout=5_000)
        last = where()
        reached.append(where())
        doc_id, name = where()
        edit = window.review.edits[name]
        assert edit.selectedText() == edit.text()  # typing replaces the value
        assert window.review_walk.active
        if step == 1:  # a correction typed on the way
            qtbot.keyClicks(edit, "123.45")
            corrected_total = doc_id
        qtbot.keyClick(edit, Qt.Key.Key_Return)
        keys += 1
    assert [(ids.index(d), n) for d, n in reached] == [(ids.index(d), n) for d, n in expected]
    qtbot.waitUntil(lambda: not window.review_walk.active)  # nothing left: it ended
    assert "checked" in window.statusBar().currentMessage()
    qtbot.waitUntil(
        lambda: fields_to_review(small_library, ids, window.review.threshold) == {},
        timeout=10_000,
    )
    assert small_library.result(corrected_total).fields["total"] == 123.45
    for doc_id, name in expected:
        assert small_library.result(doc_id).field_details[name]["source"] == "user"
    # One key to start and one Enter per flagged field: nothing else was pressed.
    assert keys == 1 + len(expected)
    window.shutdown()


def test_review_next_zooms_the_page_to_the_field_and_esc_stops(qtbot, small_library, inbox):
    _library_with_flags(small_library, inbox)
    window = _active_window(qtbot, small_library)
    window.select_row(0)
    qtbot.waitUntil(lambda: not window.review.page_view.image.isNull(), timeout=20_000)
    window.review.fit_width()
    fitted = window.review.page_view.zoom
    window.act_review_next.trigger()
    qtbot.waitUntil(lambda: window.review.page_view.highlight is not None, timeout=20_000)
    qtbot.waitUntil(lambda: window.review.page_view.zoom > fitted * 1.2, timeout=20_000)
    vp = window.review.page_scroll.viewport()
    box = window.review.page_view.highlight_on_screen()
    centre = window.review.page_view.mapTo(vp, box.center().toPoint())
    assert vp.rect().contains(centre)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert not window.review_walk.active
    window.shutdown()
