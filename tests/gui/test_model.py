"""The document list model against a real library: lazy rows, dataChanged, sorting, search."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from docrouter_desktop.core import queries
from docrouter_desktop.core.events import JobEvent
from docrouter_desktop.gui.model import COLUMNS, DocumentTableModel, IdRole
from tests.gui.conftest import fill_library

TOTAL = [k for k, _ in COLUMNS].index("total")
STATUS = [k for k, _ in COLUMNS].index("status")


def test_rows_load_lazily_around_what_is_shown(qtbot, library):
    ids = fill_library(library, 3000)
    model = DocumentTableModel(library)
    model.reload(wait=True)
    assert model.rowCount() == 3000
    assert model.cached_count() == 0  # nothing fetched before anything is shown
    assert model.data(model.index(0, 0)) == "receipt-002999.pdf"  # newest first
    assert 0 < model.cached_count() <= 200
    assert model.data(model.index(2999, 0), IdRole) == ids[0]
    assert model.data(model.index(2999, 0)) == "receipt-000000.pdf"
    assert model.cached_count() <= 400


def test_a_job_event_updates_only_its_row(qtbot, library):
    ids = fill_library(library, 50)
    model = DocumentTableModel(library)
    model.reload(wait=True)
    row = model.row_of(ids[10])
    assert model.data(model.index(row, STATUS)) == "completed"
    with library.db.write() as s:
        s.connection().exec_driver_sql(
            "UPDATE documents SET status = 'processing' WHERE id = ?", (ids[10],)
        )
    event = JobEvent("progress", ids[10], "receipt-000010.pdf", 4, 2)
    with qtbot.waitSignal(model.dataChanged) as blocker:
        model.on_job_event(event)
    top_left, bottom_right = blocker.args[0], blocker.args[1]
    assert top_left.row() == bottom_right.row() == row
    assert model.data(model.index(row, STATUS)) == "processing 2/4"


def test_new_documents_are_inserted_on_top(qtbot, library, inbox):
    fill_library(library, 20)
    model = DocumentTableModel(library)
    model.reload(wait=True)
    (inbox / "new.txt").write_text("Invoice from Fresh Fruit Co total 12.50")
    outcome = library.ingest_file(inbox / "new.txt")
    with qtbot.waitSignal(model.rowsInserted):
        model.add_documents([outcome.document_id])
    assert model.rowCount() == 21
    assert model.data(model.index(0, 0)) == "new.txt"


def test_sorting_and_search_answer_from_the_database(qtbot, library):
    fill_library(library, 500)
    model = DocumentTableModel(library)
    model.reload(wait=True)
    with qtbot.waitSignal(model.reloaded):
        model.sort(TOTAL, Qt.SortOrder.DescendingOrder)
    assert model.data(model.index(0, TOTAL)) == "499.00 EUR"  # with its currency
    with qtbot.waitSignal(model.reloaded):
        model.sort(TOTAL, Qt.SortOrder.AscendingOrder)
    assert model.data(model.index(0, TOTAL)) == "0.00 EUR"
    with qtbot.waitSignal(model.reloaded):
        model.set_filter(queries.ListFilter(text="document 123"))
    names = {model.data(model.index(r, 0)) for r in range(model.rowCount())}
    assert "receipt-000123.pdf" in names
    assert all(n.startswith("receipt-000123") for n in names)
    with qtbot.waitSignal(model.reloaded):
        model.set_filter(queries.ListFilter(status="failed"))
    assert model.rowCount() == 0


def test_dragging_rows_out_writes_a_csv(qtbot, library):
    fill_library(library, 5)
    model = DocumentTableModel(library)
    model.reload(wait=True)
    mime = model.mimeData([model.index(0, 0), model.index(1, 3)])
    (url,) = mime.urls()
    text = Path(url.toLocalFile()).read_text(encoding="utf-8")
    assert "receipt-000004.pdf" in text and "receipt-000003.pdf" in text
    assert "receipt-000002.pdf" not in text


def test_dropped_files_are_listed_before_they_are_copied(qtbot, library, inbox):
    fill_library(library, 3)
    model = DocumentTableModel(library)
    model.reload(wait=True)
    (inbox / "a.txt").write_text("Invoice from A total 1.00")
    (inbox / "b.txt").write_text("Invoice from B total 2.00")
    keys = [("pending:1:0", "a.txt"), ("pending:1:1", "b.txt"), ("pending:1:2", "gone.pdf")]
    with qtbot.waitSignal(model.rowsInserted):
        model.add_placeholders(keys)
    assert model.rowCount() == 6
    # Newest first, as the list is ordered: the last file given is on top.
    assert [model.data(model.index(r, 0)) for r in range(3)] == ["gone.pdf", "b.txt", "a.txt"]
    assert model.data(model.index(0, STATUS)) == "adding…"
    assert model.placeholders() == 3

    a = library.ingest_file(inbox / "a.txt").document_id
    b = library.ingest_file(inbox / "b.txt").document_id
    with qtbot.waitSignal(model.dataChanged):
        model.resolve_placeholders([("pending:1:0", a), ("pending:1:1", b), ("pending:1:2", None)])
    assert model.placeholders() == 0
    assert model.rowCount() == 5  # the file that could not be added is no longer listed
    assert model.data(model.index(0, 0), IdRole) == b
    assert model.data(model.index(1, 0), IdRole) == a
    assert model.data(model.index(1, STATUS)) == "queued"


def test_a_sorted_list_shows_dropped_files_too_then_puts_them_in_place(qtbot, library, inbox):
    fill_library(library, 5)
    model = DocumentTableModel(library)
    model.reload(wait=True)
    with qtbot.waitSignal(model.reloaded):
        model.sort(0, Qt.SortOrder.AscendingOrder)  # by name: receipt-000000.pdf first
    with qtbot.waitSignal(model.rowsInserted):
        model.add_placeholders([("pending:9:0", "zzz.txt")])
    assert model.data(model.index(0, 0)) == "zzz.txt"
    (inbox / "zzz.txt").write_text("Invoice from Z total 3.00")
    doc = library.ingest_file(inbox / "zzz.txt").document_id
    with qtbot.waitSignal(model.reloaded, timeout=5_000):
        model.resolve_placeholders([("pending:9:0", doc)])
    assert model.data(model.index(5, 0), IdRole) == doc  # sorted by name, it comes last
    assert model.data(model.index(0, 0)) == "receipt-000000.pdf"
