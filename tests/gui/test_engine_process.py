"""The window's job runner lives in a child process: documents still reach the list as
completed through its events, the child stops with the window, and a killed child loses no work.
"""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

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


def test_a_dropped_document_completes_in_the_list_through_the_child(qtbot, window, inbox):
    factories.invoice_pdf(inbox / "inv.pdf", number="INV-CHILD", total=40.0, tax=4.0)
    with qtbot.waitSignal(window.files_added, timeout=30_000) as added:
        window.add_paths([str(inbox / "inv.pdf")])
    doc_id = added.args[0][0].document_id
    runner = window.bridge.runner
    qtbot.waitUntil(lambda: runner.child_pid is not None, timeout=60_000)
    assert runner.child_pid == runner.pid != os.getpid()
    assert runner.child_modules == []  # no Qt in the child
    # The runner's thread and its worker pool are not in this process.
    assert not [t for t in threading.enumerate() if t.name == "docrouter-runner"]

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
    child = window.bridge.runner.pid
    below = {child} | descendants(child)  # the child, its forkserver and worker processes
    assert len(below) > 1
    window.close()
    assert window.bridge.runner is None
    qtbot.waitUntil(lambda: not alive(below), timeout=30_000)


def test_a_killed_child_is_replaced_and_its_document_still_completes(qtbot, window, inbox):
    factories.scanned_pdf(inbox / "scan.pdf", [f"SHOP LINE {i}  4.{i}0" for i in range(12)])
    with qtbot.waitSignal(window.files_added, timeout=30_000) as added:
        window.add_paths([str(inbox / "scan.pdf")])
    doc_id = added.args[0][0].document_id
    runner = window.bridge.runner
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
