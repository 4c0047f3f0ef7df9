"""The window's engine lives in a child process: a dropped file is added, processed and stored
there, and reaches the list as completed through its events, while the window's process only
reads the library; the child stops with the window, and a killed child loses no work.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
from pathlib import Path

import pytest

from docrouter_desktop.core import queries
from docrouter_desktop.gui.main_window import MainWindow
from tests import factories


def descendants(pid: int) -> set[int]:
    """Every living process below ``pid`` (read from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] == "Z":
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pids: set[int]) -> set[int]:
    out = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            out.add(pid)
    return out


def row_status(window, doc_id: str) -> str | None:
    row = window.model.row_of(doc_id)
    found = window.model.row_at(row) if row is not None else None
    return found.status if found else None


def test_a_dropped_document_completes_in_the_list_through_the_child(qtbot, tmp_path, inbox):
    """The app's own set-up: the engine process opens the library, the window reads it."""
    from docrouter_desktop.core.storage.database import ReadOnlyLibrary
    from docrouter_desktop.gui.app import _window_library

    with _window_library(tmp_path / "library") as (library, engine):
        window = MainWindow(library, engine=engine, remember_layout=False)
        qtbot.addWidget(window)
        factories.invoice_pdf(inbox / "inv.pdf", number="INV-4711", total=40.0, tax=4.0)
        with qtbot.waitSignal(window.files_added, timeout=30_000) as added:
            window.add_paths([str(inbox / "inv.pdf")])
        doc_id = added.args[0][0].document_id
        child = window.engine.process
        assert child.child_pid == child.pid != os.getpid()
        assert child.child_modules == []  # no Qt in the child
        # Neither the intake, nor the runner's thread, nor its worker pool are in this process.
        names = {t.name for t in threading.enumerate()}
        assert not {n for n in names if n.startswith(("docrouter-runner", "docrouter-intake"))}
        qtbot.waitUntil(lambda: doc_id in window.tracker.finished, timeout=120_000)
        assert window.tracker.failed == set()
        qtbot.waitUntil(lambda: row_status(window, doc_id) == "completed", timeout=5_000)
        assert "1/1 documents" in window.tracker.text()
        assert library.result(doc_id).fields["invoice_number"] == "INV-4711"
        # The window's process cannot write to the library at all.
        assert library.read_only
        with pytest.raises(ReadOnlyLibrary):
            library.set_setting("workers", 1)
        conn = library.db.engine.raw_connection()
        try:
            with pytest.raises(sqlite3.OperationalError, match="readonly"):
                conn.execute("UPDATE settings SET value = '1'")
        finally:
            conn.close()
        window.shutdown()


def test_the_window_fixture_completes_a_drop(qtbot, window, inbox):
    factories.invoice_pdf(inbox / "inv.pdf", number="INV-CHILD", total=40.0, tax=4.0)
    with qtbot.waitSignal(window.files_added, timeout=30_000) as added:
        window.add_paths([str(inbox / "inv.pdf")])
    doc_id = added.args[0][0].document_id

    qtbot.waitUntil(lambda: doc_id in window.tracker.finished, timeout=120_000)
    assert window.tracker.failed == set()
    qtbot.waitUntil(lambda: row_status(window, doc_id) == "completed", timeout=5_000)
    assert "1/1 documents" in window.tracker.text()


def test_closing_the_window_stops_the_child_and_its_workers(qtbot, small_library, inbox):
    window = MainWindow(small_library, watch=False)
    qtbot.addWidget(window)
    factories.invoice_pdf(inbox / "inv.pdf", total=12.0, tax=1.0)
    with qtbot.waitSignal(window.files_added, timeout=30_000):
        window.add_paths([str(inbox / "inv.pdf")])
    qtbot.waitUntil(lambda: len(window.tracker.finished) == 1, timeout=120_000)
    child = window.engine.pid
    below = {child} | descendants(child)  # the child, its forkserver and worker processes
    assert len(below) > 1
    window.close()
    assert window.engine.process is None
    qtbot.waitUntil(lambda: not alive(below), timeout=30_000)


def test_a_killed_child_is_replaced_and_its_document_still_completes(qtbot, window, inbox):
    factories.scanned_pdf(inbox / "scan.pdf", [f"SHOP LINE {i}  4.{i}0" for i in range(12)])
    with qtbot.waitSignal(window.files_added, timeout=30_000) as added:
        window.add_paths([str(inbox / "scan.pdf")])
    doc_id = added.args[0][0].document_id
    runner = window.engine.process
    qtbot.waitUntil(lambda: doc_id in window.tracker.pending, timeout=10_000)
    qtbot.waitUntil(
        lambda: window.library.document_status(doc_id)["status"] == "processing", timeout=60_000
    )
    first = runner.pid
    orphans = descendants(first)  # its forkserver and worker processes
    os.kill(first, signal.SIGKILL)
    qtbot.waitUntil(lambda: runner.restarts == 1, timeout=30_000)
    assert runner.pid != first
    qtbot.waitUntil(lambda: not alive(orphans), timeout=60_000)
    qtbot.waitUntil(lambda: doc_id in window.tracker.finished, timeout=180_000)
    assert queries.status_counts(window.library) == {"completed": 1}
    qtbot.waitUntil(lambda: row_status(window, doc_id) == "completed", timeout=5_000)
