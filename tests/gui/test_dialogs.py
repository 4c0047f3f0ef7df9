"""The batch folder dialog, preferences with watched folders, and cancelling work."""

from __future__ import annotations

import os
import shutil
import threading

from PySide6.QtCore import Qt

from docrouter_desktop.gui.dialogs import BatchDialog, PreferencesDialog
from tests import factories


def _folder(tmp_path, invoices: int = 2):
    folder = tmp_path / "scans"
    (folder / "sub").mkdir(parents=True)
    for i in range(invoices):
        factories.invoice_pdf(folder / f"inv{i}.pdf", number=f"INV-{i}", total=10.0 + i, tax=1.0)
    factories.text_image(folder / "sub" / "receipt.png", ["CORNER SHOP", "TOTAL 12.50"])
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 not a real pdf at all")
    return folder


def test_batch_dialog_shows_what_it_found_then_a_summary_with_failures(
    qtbot, small_library, tmp_path
):
    folder = _folder(tmp_path)
    shutil.copy(folder / "inv0.pdf", tmp_path / "inv0-copy.pdf")
    small_library.ingest_file(tmp_path / "inv0-copy.pdf")  # the same bytes as scans/inv0.pdf
    dialog = BatchDialog(small_library, folder=str(folder))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.start_button.isEnabled(), timeout=10_000)
    text = dialog.found_label.text()
    assert "Found 4 files" in text and "3 PDF" in text and "1 PNG" in text
    assert "1 already in the library" in text

    dialog.recursive.setChecked(False)
    qtbot.waitUntil(lambda: "Found 3 files" in dialog.found_label.text(), timeout=10_000)
    dialog.recursive.setChecked(True)
    qtbot.waitUntil(lambda: "Found 4 files" in dialog.found_label.text(), timeout=10_000)

    with qtbot.waitSignal(dialog.documents_added, timeout=20_000):
        dialog.start_button.click()
    assert dialog.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=180_000)
    summary = dialog.summary
    assert summary.duplicates == 1
    with small_library.db.read() as s:
        owners = {o for (o,) in s.connection().exec_driver_sql("SELECT claimed_by FROM jobs")}
    pids = {int(o.rsplit(":", 2)[1]) for o in owners if o}
    assert pids and os.getpid() not in pids  # processed in a child process
    assert [o.file.endswith("broken.pdf") for o in summary.failed] == [True]
    report = dialog.report.toPlainText()
    assert "broken.pdf" in report and summary.failed[0].error in report
    assert dialog.retry_button.isEnabled()
    assert dialog.progress.value() == dialog.progress.maximum()

    dialog.retry_button.click()
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=60_000)
    assert len(dialog.summary.failed) == 1  # still broken, and still explained


def test_typing_a_path_starts_no_scan_and_a_scan_stops_with_the_dialog(
    qtbot, small_library, tmp_path, monkeypatch
):
    from PySide6.QtCore import QThreadPool

    from docrouter_desktop.gui import dialogs

    folder = _folder(tmp_path)
    looked: list[str] = []
    real_walk = dialogs.walk

    def walk(paths, recursive):
        looked.append(paths[0])
        yield from real_walk(paths, recursive)

    monkeypatch.setattr(dialogs, "walk", walk)
    dialog = BatchDialog(small_library)
    qtbot.addWidget(dialog)
    dialog.folder.setFocus()
    qtbot.keyClicks(dialog.folder, "/")  # on the way to a folder: the whole disk is not walked
    qtbot.keyClicks(dialog.folder, str(folder)[1:])
    qtbot.wait(300)
    assert looked == [] and not dialog.scanning
    qtbot.keyClick(dialog.folder, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Found 4 files" in dialog.found_label.text(), timeout=10_000)
    assert looked == [str(folder)]  # once

    # A slow scan is stopped by Stop, and by closing the dialog.
    gate = threading.Event()

    def slow_walk(paths, recursive):
        for item in real_walk(paths, recursive):
            gate.wait(5)
            yield item

    monkeypatch.setattr(dialogs, "walk", slow_walk)
    dialog.recursive.setChecked(False)
    assert dialog.scanning and dialog.cancel_button.isEnabled()
    dialog.cancel_button.click()
    assert not dialog.scanning and "Stopped looking" in dialog.found_label.text()
    dialog.recursive.setChecked(True)
    assert dialog.scanning
    dialog.reject()
    gate.set()
    assert QThreadPool.globalInstance().waitForDone(10_000)  # nothing runs on
    assert not dialog.scanning


def test_cancelling_a_batch_stops_its_documents(qtbot, small_library, tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(6):
        factories.text_image(folder / f"r{i}.png", [f"SHOP {i}", f"TOTAL {i}.50"] * 6)
    dialog = BatchDialog(small_library, folder=str(folder))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.start_button.isEnabled(), timeout=10_000)
    with qtbot.waitSignal(dialog.documents_added, timeout=20_000):
        dialog.start_button.click()
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=120_000)
    statuses = [o.status for o in dialog.summary.outcomes]
    assert "cancelled" in statuses
    assert dialog.summary.unfinished == 0
    assert "cancelled" in dialog.report.toPlainText()


def test_preferences_are_saved_to_the_library_settings(qtbot, small_library, tmp_path):
    dialog = PreferencesDialog(small_library)
    qtbot.addWidget(dialog)
    assert dialog.location.text() == str(small_library.root)
    dialog.workers.setValue(3)
    dialog.languages.setText("eng+deu")
    dialog.processor.setCurrentText("receipt")
    dialog.date_order.setCurrentText("MDY")
    dialog.threshold.setValue(0.65)
    dialog.notifications.setChecked(False)
    dialog.add_folder(str(tmp_path))
    dialog.save()
    s = small_library.settings()
    assert (s.workers, s.ocr_languages, s.default_processor, s.date_order) == (
        3,
        "eng+deu",
        "receipt",
        "MDY",
    )
    assert s.confidence_threshold == 0.65 and s.notifications is False
    assert s.watch_folders == (str(tmp_path),)


def test_a_bad_language_is_explained_not_saved(qtbot, small_library):
    dialog = PreferencesDialog(small_library)
    qtbot.addWidget(dialog)
    dialog.languages.setText("not a language!")
    dialog.save()
    assert dialog.error.text()
    assert small_library.settings().ocr_languages == "eng"


def test_files_in_a_watched_folder_appear_in_the_window(qtbot, small_library, tmp_path):
    from docrouter_desktop.gui.main_window import MainWindow

    watched = tmp_path / "watched"
    watched.mkdir()
    small_library.set_setting("watch_folders", [str(watched)])
    window = MainWindow(small_library)
    qtbot.addWidget(window)
    try:
        qtbot.waitUntil(lambda: window.watched_folders == [str(watched)], timeout=30_000)
        factories.invoice_pdf(watched / "new.pdf", total=42.0, tax=2.0)
        qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=30_000)
        qtbot.waitUntil(lambda: window.model.row_at(0).status == "completed", timeout=120_000)
        assert window.model.row_at(0).total == 42.0
    finally:
        window.shutdown()


def test_a_watched_folder_feeds_the_workspace_it_was_added_for(qtbot, small_library, tmp_path):
    from docrouter_desktop.gui.main_window import MainWindow

    clients = small_library.create_organization("Clients")
    older, watched = tmp_path / "older", tmp_path / "clients-inbox"
    older.mkdir()
    watched.mkdir()
    small_library.set_setting("watch_folders", [str(older)])  # from before workspaces
    dialog = PreferencesDialog(small_library, org_id=clients.id)
    qtbot.addWidget(dialog)
    assert dialog.folders.item(0).text().endswith("→  Personal")  # with its workspace
    dialog.add_folder(str(watched))
    assert dialog.folders.item(1).text().endswith("→  Clients")
    dialog.save()
    s = small_library.settings()
    assert s.watch_folders == (str(older), str(watched))
    default = small_library.default_org_id()
    assert dict(s.watch_workspaces) == {str(older): default, str(watched): clients.id}

    window = MainWindow(small_library)
    qtbot.addWidget(window)
    try:
        qtbot.waitUntil(lambda: len(window.watched_folders) == 2, timeout=30_000)
        factories.invoice_pdf(watched / "for-clients.pdf", number="INV-CL-1")

        def in_clients() -> list:
            docs, _total = small_library.documents(clients.id)
            return docs

        qtbot.waitUntil(lambda: len(in_clients()) == 1, timeout=30_000)
        assert in_clients()[0].document_name == "for-clients.pdf"
        assert small_library.documents(default)[1] == 0
    finally:
        window.shutdown()
