"""Workspaces in the window: the switcher lists the library's organizations, and the list,
the counts, drops, batches, exports and retries follow the one shown; it is remembered."""

from __future__ import annotations

import csv

from PySide6.QtWidgets import QInputDialog, QMessageBox

from docrouter_desktop.core.events import JobEvent
from docrouter_desktop.gui.dialogs import BatchDialog
from docrouter_desktop.gui.main_window import MainWindow
from docrouter_desktop.gui.workspaces import NEW_WORKSPACE
from tests import factories
from tests.gui.conftest import fill_library
from tests.gui.test_window import drop_files


def combo_labels(window) -> list[str]:
    combo = window.workspaces.combo
    return [combo.itemText(i) for i in range(combo.count()) if combo.itemText(i)]


def test_a_new_workspace_is_shown_empty_and_takes_the_drops(qtbot, small_library, tmp_path):
    ids = fill_library(small_library, 12)
    w = MainWindow(small_library, start_runner=False, watch=False, remember_layout=False)
    qtbot.addWidget(w)
    personal = w.org_id
    assert w.model.rowCount() == 12
    assert combo_labels(w) == ["Personal (12)", "New workspace…"]

    clients = w.workspaces.create_workspace("Clients")
    assert w.org_id == clients.id
    qtbot.waitUntil(lambda: w.model.rowCount() == 0 and not w.model.loading)
    assert w.windowTitle() == "DocRouter Desktop — Clients"
    assert w.count_label.text().startswith("0 documents")
    assert combo_labels(w) == ["Personal (12)", "Clients (0)", "New workspace…"]

    note = factories.invoice_pdf(tmp_path / "clients-invoice.pdf")
    with qtbot.waitSignal(w.files_added, timeout=60_000) as added:
        drop_files(w, [note])
    (outcome,) = added.args[0]
    assert small_library.document(outcome.document_id).organization_id == clients.id
    qtbot.waitUntil(lambda: w.model.ids() == [outcome.document_id])

    w.workspaces.set_current(personal)
    qtbot.waitUntil(lambda: w.model.rowCount() == 12 and not w.model.loading)
    assert outcome.document_id not in w.model.ids()
    assert set(w.model.ids()) == set(ids)
    w.shutdown()


def test_the_workspace_shown_is_remembered_across_restarts(qtbot, small_library):
    first = MainWindow(small_library, start_runner=False, watch=False, remember_layout=False)
    qtbot.addWidget(first)
    books = first.workspaces.create_workspace("Books 2024")
    first.close()
    second = MainWindow(small_library, start_runner=False, watch=False, remember_layout=False)
    qtbot.addWidget(second)
    assert second.org_id == books.id
    assert second.model.filter.org_id == books.id
    assert second.workspaces.combo.currentText() == "Books 2024 (0)"
    second.shutdown()


def test_new_workspace_from_the_combo_asks_a_name_and_refuses_a_taken_one(
    qtbot, quiet_window, monkeypatch, small_library
):
    w = quiet_window
    combo = w.workspaces.combo
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Receipts", True))
    combo.activated.emit(combo.findData(NEW_WORKSPACE))
    assert w.workspaces.current_name == "Receipts"
    assert [o.name for o in small_library.organizations()] == ["Personal", "Receipts"]

    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("receipts", True))
    combo.activated.emit(combo.findData(NEW_WORKSPACE))
    assert warnings == ["There is already a workspace named 'receipts'."]
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("   ", True))
    combo.activated.emit(combo.findData(NEW_WORKSPACE))
    assert warnings[-1] == "A workspace needs a name."
    assert len(small_library.organizations()) == 2
    assert combo.currentData() == w.org_id  # "New workspace…" never stays chosen


def test_news_of_documents_in_another_workspace_is_not_listed(qtbot, quiet_window, small_library):
    w = quiet_window
    elsewhere = small_library.create_organization("Elsewhere")
    other = fill_library(small_library, 1)  # in the default organization
    with small_library.db.write() as s:
        s.connection().exec_driver_sql(
            "UPDATE documents SET organization_id = ? WHERE id = ?", (elsewhere.id, other[0])
        )
    here = fill_library(small_library, 1, start=1)
    for doc_id in (other[0], here[0]):
        w.model.on_job_event(JobEvent("completed", doc_id, "x.pdf"))
    w.model.flush_changes()
    assert w.model.ids() == here


def test_export_and_retry_follow_the_workspace(qtbot, quiet_window, small_library, tmp_path):
    w = quiet_window
    fill_library(small_library, 3)
    team = w.workspaces.create_workspace("Team")
    (doc,) = fill_library(small_library, 1, start=10)
    with small_library.db.write() as s:
        s.connection().exec_driver_sql(
            "UPDATE documents SET organization_id = ?, status = 'failed' WHERE id = ?",
            (team.id, doc),
        )
    qtbot.waitUntil(lambda: not w.model.loading)
    w.model.reload(wait=True)
    assert w.model.ids() == [doc]
    target = tmp_path / "team.csv"
    w.export_to(target)
    qtbot.waitUntil(lambda: w.last_export == target, timeout=30_000)
    with open(target, newline="", encoding="utf-8") as f:
        names = [row["document_id"] for row in csv.DictReader(f)]
    assert names == [doc]
    w.retry_failed()
    assert small_library.document(doc).status == "queued"


def test_a_batch_from_the_window_goes_to_the_workspace_shown(
    qtbot, window, small_library, tmp_path
):
    w = window
    team = w.workspaces.create_workspace("Team")
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "note.txt").write_text("Invoice 42\nTotal 10.00 EUR\n")
    dialog = w.open_batch(str(folder))
    assert isinstance(dialog, BatchDialog) and dialog.org_id == team.id
    qtbot.waitUntil(lambda: dialog.start_button.isEnabled(), timeout=30_000)
    with qtbot.waitSignal(dialog.documents_added, timeout=60_000) as added:
        dialog.start()
    (doc_id,) = added.args[0]
    assert small_library.document(doc_id).organization_id == team.id
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=120_000)
    dialog.close()


def test_cancel_with_nothing_selected_cancels_only_the_workspace_shown(
    qtbot, quiet_window, small_library, tmp_path
):
    w = quiet_window
    here = small_library.ingest_file(
        factories.invoice_pdf(tmp_path / "here.pdf", number="H-1"), org_id=w.org_id
    ).document_id
    team = small_library.create_organization("Team")
    there = small_library.ingest_file(
        factories.invoice_pdf(tmp_path / "there.pdf", number="T-1"), org_id=team.id
    ).document_id
    assert small_library.document(here).status == "queued"
    w.table.clearSelection()
    asked = []
    w.ask = lambda title, question, **kw: asked.append(question) or True
    w.cancel()
    assert asked and "Cancel all 1 document(s)" in asked[0]
    assert small_library.document(here).status == "cancelled"
    assert small_library.document(there).status == "queued"
