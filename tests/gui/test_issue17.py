"""What a user found in the real window (issue 17, items 3-7): the processor filter and column
follow the processor that read each document, a search finds parts of words and says when
nothing matches, the status texts are about this run and the workspace shown, closing the
window with the local API serving is quiet and prompt, and a PDF named .PNG is read as a PDF."""

from __future__ import annotations

import logging
import threading
import time

import httpx
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtGui import QPalette

from docrouter_desktop.core import queries
from docrouter_desktop.core.engine import Engine
from docrouter_desktop.core.events import JobEvent
from docrouter_desktop.gui.dialogs import BatchDialog
from docrouter_desktop.gui.main_window import MainWindow
from docrouter_desktop.gui.model import COLUMNS
from docrouter_desktop.gui.progress import ProgressTracker
from docrouter_desktop.server.serve import free_port
from tests import factories
from tests.gui.conftest import process_now

PROCESSOR = [k for k, _ in COLUMNS].index("processor")
TILL = (
    "CORNER CAFE\nCashier: Ann 14:02\nLatte 3.20\nTOTAL 3.20\nCASH 5.00\nCHANGE 1.80\nThank you\n"
)


def quiet(library, **kwargs) -> MainWindow:
    """A window whose engine is in this process with no runner (documents stay queued)."""
    return MainWindow(
        library,
        watch=False,
        remember_layout=False,
        engine=Engine(library, runner="none"),
        **kwargs,
    )


def listed(window) -> list[str]:
    return [window.model.row_at(r).document_name for r in range(window.model.rowCount())]


def choose(qtbot, window, combo, text: str) -> None:
    with qtbot.waitSignal(window.model.reloaded, timeout=10_000):
        combo.setCurrentText(text)


def deleted_widgets_gone() -> None:
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()


# -- item 3: the processor that read the document


def test_the_processor_filter_and_column_follow_the_processor_auto_chose(
    qtbot, quiet_window, small_library, inbox
):
    for i in range(3):
        (inbox / f"till-{i}.txt").write_text(TILL.replace("3.20", f"3.2{i}"))
        small_library.ingest_file(inbox / f"till-{i}.txt")  # auto
    factories.invoice_pdf(inbox / "inv.pdf", number="INV-9")
    small_library.ingest_file(inbox / "inv.pdf")  # auto
    factories.invoice_pdf(inbox / "asked.pdf", number="INV-10", total=99.0)
    small_library.ingest_file(inbox / "asked.pdf", processor_type="invoice")
    process_now(small_library)
    w = quiet_window
    w.model.reload(wait=True)
    shown = {
        w.model.row_at(r).document_name: w.model.data(w.model.index(r, PROCESSOR))
        for r in range(w.model.rowCount())
    }
    assert shown == {
        "till-0.txt": "receipt (auto)",
        "till-1.txt": "receipt (auto)",
        "till-2.txt": "receipt (auto)",
        "inv.pdf": "invoice (auto)",
        "asked.pdf": "invoice",
    }

    choose(qtbot, w, w.processor_filter, "invoice")
    assert sorted(listed(w)) == ["asked.pdf", "inv.pdf"]
    choose(qtbot, w, w.processor_filter, "receipt")
    assert sorted(listed(w)) == ["till-0.txt", "till-1.txt", "till-2.txt"]
    choose(qtbot, w, w.processor_filter, "auto")  # chosen automatically, whatever it chose
    assert sorted(listed(w)) == ["inv.pdf", "till-0.txt", "till-1.txt", "till-2.txt"]
    choose(qtbot, w, w.processor_filter, "all processors")
    assert w.model.rowCount() == 5
    w.select_row(listed(w).index("till-0.txt"))
    assert w.review.title.text().endswith("completed  ·  receipt (auto)")


def test_a_document_not_read_yet_is_listed_under_the_processor_asked_for(
    qtbot, quiet_window, small_library, inbox
):
    (inbox / "till.txt").write_text(TILL)
    small_library.ingest_file(inbox / "till.txt", processor_type="receipt")  # still queued
    w = quiet_window
    w.model.reload(wait=True)
    assert w.model.data(w.model.index(0, PROCESSOR)) == "receipt"
    choose(qtbot, w, w.processor_filter, "receipt")
    assert listed(w) == ["till.txt"]


# -- item 4: parts of words, and a list that says when nothing matches


def test_a_search_finds_part_of_a_word_and_an_empty_result_says_so(
    qtbot, quiet_window, small_library, inbox
):
    (inbox / "march.txt").write_text("Invoice from QualityHosting GmbH\nTotal 19.99 EUR\n")
    (inbox / "webhosting-april.txt").write_text("Invoice from Example Ltd\nTotal 5.00 EUR\n")
    (inbox / "bakery.txt").write_text(TILL)
    for name in ("march.txt", "webhosting-april.txt", "bakery.txt"):
        small_library.ingest_file(inbox / name)
    process_now(small_library)
    w = quiet_window
    w.resize(1280, 800)
    w.show()
    w.model.reload(wait=True)
    with qtbot.waitSignal(w.model.reloaded, timeout=10_000):
        qtbot.keyClicks(w.search, "Hosting")
    assert sorted(listed(w)) == ["march.txt", "webhosting-april.txt"]
    assert not w.list_empty.isVisible()
    with qtbot.waitSignal(w.model.reloaded, timeout=10_000):
        w.search.setText("qualityhost")  # the start of a word, as before: any case
    assert listed(w) == ["march.txt"]
    with qtbot.waitSignal(w.model.reloaded, timeout=10_000):
        w.search.setText("hosting gmbh")  # every word, each anywhere
    assert listed(w) == ["march.txt"]

    with qtbot.waitSignal(w.model.reloaded, timeout=10_000):
        w.search.setText("Hosting Nowhere")
    assert w.model.rowCount() == 0
    assert w.list_empty.isVisible()
    assert w.list_empty.text() == (
        "No documents match “Hosting Nowhere”. Clear the search to see all documents."
    )
    assert w.list_empty.foregroundRole() == QPalette.ColorRole.PlaceholderText
    assert w.list_empty.geometry() == w.table.viewport().rect()
    assert w.review.document is None and "match" in w.review.page_view.empty_text
    with qtbot.waitSignal(w.model.reloaded, timeout=10_000):
        w.search.clear()
    assert w.model.rowCount() == 3 and not w.list_empty.isVisible()


def test_parts_of_words_are_looked_for_in_every_name_and_the_newest_texts(
    small_library, inbox, monkeypatch
):
    monkeypatch.setattr(queries, "SUBSTRING_SCAN", 2)  # the text of the 2 newest documents
    (inbox / "old-MyHostingBill.txt").write_text("nothing\n")
    small_library.ingest_file(inbox / "old-MyHostingBill.txt")
    for i, text in enumerate(["old SuperHosting text", "new SuperHosting text", "newest"]):
        time.sleep(0.01)  # distinct creation times
        (inbox / f"doc{i}.txt").write_text(f"{text} {i}\n")
        small_library.ingest_file(inbox / f"doc{i}.txt")
    process_now(small_library)
    org = small_library.default_org_id()
    found = queries.ordered_ids(small_library, queries.ListFilter(text="hosting", org_id=org))
    names = {small_library.document(i).document_name for i in found}
    # The name of every document; the text of the 2 newest ("old-MyHostingBill" is one).
    assert names == {"doc1.txt", "old-MyHostingBill.txt"}
    whole = queries.ordered_ids(small_library, queries.ListFilter(text="SuperHosting", org_id=org))
    assert len(whole) == 2  # a whole word is found by the index in every document, as before
    assert queries.ordered_ids(small_library, queries.ListFilter(text="50%_\\")) == []


# -- item 5: status texts


def test_an_empty_workspace_says_there_is_nothing_to_show_and_how_to_add(
    qtbot, small_library, inbox
):
    factories.invoice_pdf(inbox / "inv.pdf")
    small_library.ingest_file(inbox / "inv.pdf")
    process_now(small_library)
    w = quiet(small_library)
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.review.page_shown, timeout=20_000):
        w.select_row(0)
    w.workspaces.create_workspace("Empty")
    qtbot.waitUntil(lambda: w.model.rowCount() == 0 and not w.model.loading, timeout=10_000)
    page = w.review.page_view.empty_text
    assert "Loading" not in page
    assert "Nothing to show" in page and "Add files…" in page
    assert "no documents" in w.review.title.text()
    assert w.list_empty.isVisible() and "No documents in this workspace yet" in (
        w.list_empty.text()
    )
    w.shutdown()


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_rate_stops_when_the_work_is_done_and_pauses_do_not_count():
    clock = Clock()
    tracker = ProgressTracker(clock=clock)
    tracker.queued(["a", "b", "c"])
    tracker.on_event(JobEvent("started", "a", "a"))
    clock.now += 10
    tracker.on_event(JobEvent("completed", "a", "a", 20, 20))
    tracker.on_event(JobEvent("started", "b", "b"))
    clock.now += 10
    tracker.on_event(JobEvent("completed", "b", "b", 20, 20))
    assert "2.0 pages/s" in tracker.text() and "about 10 s left" in tracker.text()
    tracker.on_event(JobEvent("started", "c", "c"))
    clock.now += 10
    tracker.on_event(JobEvent("completed", "c", "c", 20, 20))
    final = tracker.text()
    assert final == "3/3 documents · 60 pages · 2.0 pages/s · done"
    clock.now += 600  # the queue idle: the rate is what it was
    assert tracker.text() == final
    tracker.queued(["d", "e"])  # a new round, long after
    clock.now += 2.0  # waiting for the runner is no work
    tracker.on_event(JobEvent("started", "d", "d"))
    clock.now += 5
    tracker.on_event(JobEvent("completed", "d", "d", 10, 10))
    assert tracker.text().startswith("1/2 documents · 10 pages · 2.0 pages/s")
    assert "about 5 s left" in tracker.text()


def test_work_left_by_an_earlier_run_is_counted_and_settles_from_the_library(
    qtbot, small_library, inbox
):
    for i in range(3):
        (inbox / f"left-{i}.txt").write_text(TILL.replace("3.20", f"4.0{i}"))
        small_library.ingest_file(inbox / f"left-{i}.txt")  # queued when the last run ended
    w = quiet(small_library)  # this run's runner takes the queue (here: nobody does)
    qtbot.addWidget(w)
    w._update_status()
    assert w.status_label.text() == "0/3 documents · 0 pages"
    process_now(small_library)  # read by another program: no news reaches the window
    qtbot.waitUntil(lambda: w.status_label.text().startswith("3/3 documents"), timeout=15_000)
    assert w.status_label.text().endswith("done")
    assert not w.tracker.busy
    w.shutdown()


def combo_labels(window) -> list[str]:
    combo = window.workspaces.combo
    return [combo.itemText(i) for i in range(combo.count()) if combo.itemText(i)]


def test_workspace_counts_are_there_at_start_and_follow_adds_and_deletes(
    qtbot, small_library, inbox
):
    other = small_library.create_organization("Clients")
    (inbox / "theirs.txt").write_text("Invoice for a client, total 1.00\n")
    small_library.ingest_file(inbox / "theirs.txt", org_id=other.id)
    w = quiet(small_library)
    qtbot.addWidget(w)
    assert combo_labels(w) == ["Personal (0)", "Clients (1)", "New workspace…"]
    for i in range(2):
        (inbox / f"mine-{i}.txt").write_text(f"Invoice {i}, total 2.0{i}\n")
    with qtbot.waitSignal(w.files_added, timeout=30_000) as added:
        w.add_paths([str(inbox / "mine-0.txt"), str(inbox / "mine-1.txt")])
    qtbot.waitUntil(
        lambda: combo_labels(w) == ["Personal (2)", "Clients (1)", "New workspace…"],
        timeout=5_000,
    )
    assert w.workspaces.combo.currentText() == "Personal (2)"
    w.delete_documents([added.args[0][0].document_id], confirm=False)
    qtbot.waitUntil(lambda: combo_labels(w)[0] == "Personal (1)", timeout=5_000)
    w.shutdown()


def test_the_batch_summary_counts_the_pages_read_even_when_news_came_in_another_order(
    qtbot, small_library, tmp_path, monkeypatch
):
    folder = tmp_path / "batch"
    folder.mkdir()
    for i, extra in enumerate((2, 4, 4)):  # 3 + 5 + 5 pages
        factories.invoice_pdf(folder / f"inv{i}.pdf", number=f"INV-{i}", extra_pages=extra)
    # The runner's news of a document can come before the news that it was added (it is read
    # while the rest of the folder goes in): here, all of it comes first.
    held: list = []
    real_added, real_finished = BatchDialog._on_files_added, BatchDialog._on_request_finished
    monkeypatch.setattr(BatchDialog, "_on_files_added", lambda self, *a: held.append((0, a)))
    monkeypatch.setattr(BatchDialog, "_on_request_finished", lambda self, *a: held.append((1, a)))
    dialog = BatchDialog(small_library, folder=str(folder))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.start_button.isEnabled(), timeout=10_000)
    assert "Found 3 files: 3 PDF" in dialog.found_label.text()
    dialog.start_button.click()
    qtbot.waitUntil(
        lambda: queries.status_counts(small_library) == {"completed": 3}, timeout=180_000
    )
    qtbot.wait(500)  # the runner's news has arrived, and was not the batch's yet
    for kind, args in held:
        (real_added if kind == 0 else real_finished)(dialog, *args)
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=30_000)
    assert dialog.summary.completed == 3
    assert dialog.summary.pages == 13
    assert "13 pages" in dialog.report.toPlainText()
    dialog.close()


# -- item 6: closing the window with the local API serving


def test_closing_with_the_local_api_serving_is_quiet_and_prompt(
    qtbot, small_library, inbox, caplog
):
    port = free_port()
    small_library.set_setting("serve_port", port)
    small_library.set_setting("serve_api", True)
    factories.invoice_pdf(inbox / "inv.pdf")
    doc = small_library.ingest_file(inbox / "inv.pdf")  # stays queued: nobody reads it
    w = quiet(small_library)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.local_api.state == "running", timeout=60_000)
    tokens = w.open_local_tokens()
    _info, secret = tokens.create_token("script", None)
    tokens.secret_dialog.close()
    tokens.close()  # deleted when closed
    deleted_widgets_gone()

    # A script waits for the document's fields: its request is still running at close.
    replies: list = []
    url = f"http://127.0.0.1:{port}/v0/orgs/{w.org_id}/llm/run/{doc.document_id}"

    def wait_for_fields() -> None:
        try:
            replies.append(
                httpx.post(url, headers={"Authorization": f"Bearer {secret}"}, timeout=120)
            )
        except httpx.HTTPError as exc:
            replies.append(exc)

    caller = threading.Thread(target=wait_for_fields, daemon=True)
    caller.start()
    caller.join(1.5)
    assert caller.is_alive()

    caplog.set_level(logging.WARNING)
    with qtbot.captureExceptions() as exceptions:
        started = time.monotonic()
        w.close()
        took = time.monotonic() - started
        for _ in range(5):
            deleted_widgets_gone()
            qtbot.wait(50)
    assert exceptions == []
    assert took < 12, f"the API took {took:.1f} s to stop"
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    assert w.local_api.state == "stopped"  # no late "running" from the stopped server
    caller.join(30)
    assert replies  # the script got an answer (or a closed connection), not a hang


# -- item 7: the type of a file comes from its content


def test_a_pdf_named_png_added_through_the_window_is_processed_and_previewed(
    qtbot, window, small_library, inbox
):
    misnamed = factories.invoice_pdf(inbox / "x.PNG", number="INV-PNG", total=42.0, tax=4.0)
    with qtbot.waitSignal(window.files_added, timeout=30_000) as added:
        window.add_paths([str(misnamed)])
    (outcome,) = added.args[0]
    assert outcome.error is None and outcome.status == "queued"
    doc_id = outcome.document_id
    qtbot.waitUntil(
        lambda: small_library.document_status(doc_id)["status"] == "completed", timeout=120_000
    )
    assert small_library.document(doc_id).content_type == "application/pdf"
    assert small_library.result(doc_id).fields["total"] == 42.0
    window.model.reload(wait=True)
    window.show()
    with qtbot.waitSignal(window.review.page_shown, timeout=20_000):
        window.select_row(window.model.row_of(doc_id))
    assert not window.review.page_view.image.isNull()
    assert window.review.page_label.text() == "Page 1 of 1"

    batch = BatchDialog(small_library, window.engine, str(inbox), window)
    qtbot.addWidget(batch)
    qtbot.waitUntil(lambda: batch.start_button.isEnabled(), timeout=10_000)
    assert "1 PDF" in batch.found_label.text()  # not "1 PNG"
