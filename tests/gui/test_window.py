"""The main window: real drops, background processing, keyboard, layout memory, screenshots."""

from __future__ import annotations

import csv

from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from docrouter_desktop.core.engine import Engine
from docrouter_desktop.gui.main_window import DEFAULT_SIZE, MainWindow
from tests import factories
from tests.conftest import run_cli
from tests.gui.conftest import fill_library, process_now


def drop_files(widget, paths) -> QDropEvent:
    """Send the drag-enter and drop a file manager sends, with file URLs."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = QPoint(widget.width() // 2, widget.height() // 2)
    enter = QDragEnterEvent(
        pos,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(pos),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, drop)
    return drop


def test_window_opens_at_least_1280_by_800(window):
    assert window.width() >= 1280 and window.height() >= 800
    assert window.model.rowCount() == 0
    assert window.status_label.text() == "Ready"


def test_dropped_files_and_folders_are_listed_and_processed(qtbot, window, inbox, tmp_path):
    factories.invoice_pdf(inbox / "a.pdf", number="INV-1", total=50.0, tax=5.0)
    sub = tmp_path / "folder" / "deeper"
    sub.mkdir(parents=True)
    factories.invoice_pdf(sub / "b.pdf", number="INV-2", total=80.0, tax=8.0)
    (inbox / "empty.pdf").write_bytes(b"")
    window.show()
    drop = drop_files(window, [inbox / "a.pdf", inbox / "empty.pdf", tmp_path / "folder"])
    assert drop.isAccepted()
    with qtbot.waitSignal(window.files_added, timeout=20_000):
        pass
    qtbot.waitUntil(lambda: window.model.rowCount() == 3, timeout=10_000)
    names = {window.model.row_at(r).document_name for r in range(3)}
    assert names == {"a.pdf", "b.pdf", "empty.pdf"}

    def settled():
        rows = [window.model.row_at(r) for r in range(3)]
        return all(r.status in ("completed", "failed") for r in rows)

    qtbot.waitUntil(settled, timeout=120_000)
    rows = {window.model.row_at(r).document_name: window.model.row_at(r) for r in range(3)}
    assert rows["a.pdf"].status == "completed" and rows["a.pdf"].total == 50.0
    assert rows["empty.pdf"].status == "failed" and "empty" in rows["empty.pdf"].error
    qtbot.waitUntil(lambda: "2/2 documents" in window.status_label.text(), timeout=5_000)


def test_a_drop_without_files_is_refused(qtbot, window):
    mime = QMimeData()
    mime.setText("just text")
    enter = QDragEnterEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)
    assert not enter.isAccepted()


def test_selecting_a_row_shows_it_and_arrows_move_between_documents(qtbot, window, small_library):
    fill_library(small_library, 30)
    window.model.reload(wait=True)
    window.show()
    window.select_row(0)
    assert window.review.document.document_name == "receipt-000029.pdf"
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Down)
    assert window.review.document.document_name == "receipt-000028.pdf"
    qtbot.keyClick(window.table, Qt.Key.Key_Question, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: window.shortcut_sheet.isVisible())
    window.shortcut_sheet.close()


def test_search_box_filters_through_full_text(qtbot, window, small_library):
    fill_library(small_library, 300)
    window.model.reload(wait=True)
    with qtbot.waitSignal(window.model.reloaded, timeout=5_000):
        qtbot.keyClicks(window.search, "receipt-000042")
    names = [window.model.row_at(r).document_name for r in range(window.model.rowCount())]
    assert names == ["receipt-000042.pdf"]
    with qtbot.waitSignal(window.model.reloaded, timeout=5_000):
        window.search.clear()
    assert window.model.rowCount() == 300


def test_export_all_and_delete_from_the_list(qtbot, window, small_library, inbox, tmp_path):
    factories.invoice_pdf(inbox / "inv.pdf", total=77.0, tax=7.0)
    doc = small_library.ingest_file(inbox / "inv.pdf", processor_type="invoice")
    process_now(small_library)
    window.model.reload(wait=True)
    window.select_row(0)
    window.review.save_field("total", "88.00")
    qtbot.waitUntil(
        lambda: small_library.result(doc.document_id).fields["total"] == 88.0, timeout=10_000
    )
    out = tmp_path / "all.csv"
    with qtbot.waitSignal(window._tasks.done, timeout=10_000):
        window.export_to(out)
    row = next(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert float(row["total"]) == 88.0
    window.delete_documents([doc.document_id], confirm=False)
    qtbot.waitUntil(lambda: window.model.rowCount() == 0, timeout=10_000)
    assert small_library.documents()[1] == 0
    assert window.review.document is None


def test_column_layout_and_geometry_are_remembered(qtbot, small_library, isolated_qsettings):
    first = MainWindow(small_library, start_runner=False, watch=False)
    qtbot.addWidget(first)
    first.table.setColumnWidth(3, 233)  # the vendor (the name stretches to fill the list)
    first.table.horizontalHeader().setSectionHidden(7, False)  # pages shown
    first.close()
    assert QSettings().value("window/columns-v2") is not None
    assert str(isolated_qsettings) in QSettings().fileName()
    second = MainWindow(small_library, start_runner=False, watch=False)
    qtbot.addWidget(second)
    assert second.table.columnWidth(3) == 233
    assert not second.table.isColumnHidden(7)
    second.shutdown()


def test_screenshot_command_renders_the_window_with_the_review_pane(tmp_path, inbox):
    lib = tmp_path / "lib"
    factories.invoice_pdf(inbox / "inv.pdf", total=64.0, tax=4.0)
    code, _o, err = run_cli("batch", str(inbox), "--workers", "1", library=lib)
    assert code == 0, err
    png = tmp_path / "shot.png"
    code, out, err = run_cli("gui", "--screenshot", str(png), "--select", "1", library=lib)
    assert code == 0, err
    from PySide6.QtGui import QImage

    image = QImage(str(png))
    assert (image.width(), image.height()) == DEFAULT_SIZE


def test_cancel_then_retry_failed_from_the_toolbar(qtbot, small_library, inbox):
    for i in range(4):
        factories.text_image(inbox / f"r{i}.png", [f"SHOP {i}", f"TOTAL {i}.50"] * 5)
    engine = Engine(small_library, runner="thread", workers=1)  # not started yet
    window = MainWindow(small_library, start_runner=False, watch=False, engine=engine)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.files_added, timeout=30_000):
        window.add_paths([str(inbox)])
    qtbot.waitUntil(lambda: window.model.rowCount() == 4 and not window.model.placeholders())
    window.ask = lambda *a, **kw: False  # asked first: kept when the answer is no
    window.act_cancel.trigger()
    assert queries_status(small_library) == {"queued": 4}
    window.ask = lambda *a, **kw: True
    window.act_cancel.trigger()  # nothing selected: every pending document
    assert queries_status(small_library) == {"cancelled": 4}
    qtbot.waitUntil(lambda: window.model.row_at(0).status == "cancelled", timeout=5_000)

    window.act_retry.trigger()
    assert queries_status(small_library) == {"queued": 4}
    engine.start()
    qtbot.waitUntil(lambda: queries_status(small_library) == {"completed": 4}, timeout=180_000)
    qtbot.waitUntil(
        lambda: all(window.model.row_at(r).status == "completed" for r in range(4)), timeout=5_000
    )
    window.shutdown()
    engine.stop()


def test_reprocess_with_another_processor_from_the_context_menu(
    qtbot, window, small_library, inbox
):
    factories.invoice_pdf(inbox / "inv.pdf", total=30.0, tax=3.0)
    doc = small_library.ingest_file(inbox / "inv.pdf", processor_type="invoice")
    process_now(small_library)
    window.model.reload(wait=True)
    window.select_row(0)
    window.reprocess(window.selected_ids(), "text")
    qtbot.waitUntil(
        lambda: small_library.document(doc.document_id).processor_type == "text", timeout=10_000
    )
    qtbot.waitUntil(
        lambda: small_library.result(doc.document_id).processor_type == "text", timeout=120_000
    )
    qtbot.waitUntil(lambda: window.model.row_at(0).processor_type == "text", timeout=5_000)


def queries_status(library) -> dict[str, int]:
    from docrouter_desktop.core import queries

    return queries.status_counts(library)


def test_keyboard_review_flow(qtbot, small_library, inbox):
    for i in range(2):
        factories.invoice_pdf(inbox / f"inv{i}.pdf", number=f"INV-{i}", total=20.0 + i, tax=2.0)
        small_library.ingest_file(inbox / f"inv{i}.pdf", processor_type="invoice")
    process_now(small_library)
    window = MainWindow(small_library, start_runner=False, watch=False)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.select_row(0)
    window.table.setFocus()
    first = window.review.document.id
    qtbot.keyClick(window.table, Qt.Key.Key_Return)  # into the form
    edits = list(window.review.edits.values())
    doubtful = [e for n, e in window.review.edits.items() if window.review.needs_review(n)]
    focused = QApplication.focusWidget()
    assert focused is (doubtful or edits)[0]  # the first field to check, else the first
    qtbot.keyClick(focused, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is edits[edits.index(focused) + 1]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert window.review.document.id != first  # Alt+Down: the next document, from the form


def test_gui_command_adds_its_files_and_closes_cleanly(qtbot, small_library, library_dir, inbox):
    from argparse import Namespace

    from PySide6.QtCore import QTimer

    from docrouter_desktop.gui.app import run_gui

    factories.invoice_pdf(inbox / "given.pdf", total=15.0, tax=1.5)
    seen = {}

    def close_when_processed():
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        if windows and windows[0].model.rowCount() == 1:
            row = windows[0].model.row_at(0)
            if row and row.status == "completed":
                seen["row"] = row
                seen["size"] = (windows[0].width(), windows[0].height())
                windows[0].close()
                return
        QTimer.singleShot(50, close_when_processed)

    QTimer.singleShot(0, close_when_processed)
    args = Namespace(files=[str(inbox / "given.pdf")], screenshot=None, select=None)
    assert run_gui(args, library_dir) == 0
    assert seen["row"].document_name == "given.pdf" and seen["row"].total == 15.0
    assert seen["size"] == DEFAULT_SIZE
    assert QSettings().value("window/geometry") is not None  # the layout was saved on close


def test_export_selected_to_xlsx_and_json(qtbot, small_library, inbox, tmp_path):
    import json

    from openpyxl import load_workbook

    for i in range(3):
        factories.invoice_pdf(inbox / f"inv{i}.pdf", number=f"INV-{i}", total=10.0 + i, tax=1.0)
        small_library.ingest_file(inbox / f"inv{i}.pdf", processor_type="invoice")
    process_now(small_library)
    window = MainWindow(small_library, start_runner=False, watch=False)
    qtbot.addWidget(window)
    window.select_row(1)
    selected = window.selected_ids()
    assert len(selected) == 1
    with qtbot.waitSignal(window._tasks.done, timeout=10_000):
        window.export_to(tmp_path / "one.json", selected)
    data = json.loads((tmp_path / "one.json").read_text(encoding="utf-8"))
    assert [d["document_id"] for d in data] == selected
    with qtbot.waitSignal(window._tasks.done, timeout=10_000):
        window.export_to(tmp_path / "all.xlsx")
    sheet = load_workbook(tmp_path / "all.xlsx").active
    assert sheet.max_row == 4  # a header and the three listed documents
    window.shutdown()


def test_missing_tesseract_is_explained_at_start(qtbot, small_library, tmp_path):
    from docrouter_desktop.gui.main_window import MainWindow

    small_library.set_setting("tesseract_path", str(tmp_path / "no-tesseract"))
    w = MainWindow(small_library, start_runner=False, watch=False)
    qtbot.addWidget(w)
    assert "Tesseract OCR was not found" in w.notice_label.text()
    assert "apt-get install tesseract-ocr" in w.notice_label.text()
    w.shutdown()


def test_selecting_a_file_still_being_added_shows_nothing_to_review(qtbot, window, small_library):
    fill_library(small_library, 1)
    window.model.reload(wait=True)
    window.select_row(0)
    assert window.review.document is not None
    window.model.add_placeholders([("pending:test:0", "arriving.pdf")])
    window.select_row(0)
    assert window.model.row_at(0).document_name == "arriving.pdf"
    assert window.review.document is None


def test_alt_down_after_typing_a_value_saves_it(qtbot, small_library, inbox):
    for i in range(2):
        factories.invoice_pdf(inbox / f"inv{i}.pdf", number=f"INV-{i}", total=35.0 + i, tax=2.0)
        small_library.ingest_file(inbox / f"inv{i}.pdf", processor_type="invoice")
    process_now(small_library)
    window = MainWindow(small_library, start_runner=False, watch=False)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.select_row(0)
    first = window.review.document.id
    edit = window.review.edits["total"]
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "99.99")  # typed, not entered
    qtbot.keyClick(edit, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert window.review.document.id != first
    qtbot.waitUntil(lambda: small_library.result(first).fields["total"] == 99.99, timeout=10_000)
    assert small_library.result(first).field_details["total"]["source"] == "user"
