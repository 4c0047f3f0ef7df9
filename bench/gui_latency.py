"""Window latency: event-loop stalls during a batch, a 1,000-file drop, a 100,000-document library.

Run: ``QT_QPA_PLATFORM=offscreen python bench/gui_latency.py [--docs 200] [--drop 1000]
[--library-size 100000] [--workers 2]``. Prints figures; asserts nothing about time.
Targets: longest stall < 100 ms, 1,000 dropped files listed < 2 s, 100k library usable < 3 s.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import (  # noqa: E402
    QEventLoop,
    QMimeData,
    QPoint,
    QPointF,
    QSettings,
    Qt,
    QTimer,
    QUrl,
)
from PySide6.QtGui import QDragEnterEvent, QDropEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from docrouter_desktop.core import queries  # noqa: E402
from docrouter_desktop.core.library import Library  # noqa: E402
from docrouter_desktop.gui.main_window import MainWindow  # noqa: E402

HEARTBEAT_MS = 10


class Heartbeat:
    """A QTimer that notes the longest gap between its ticks: the longest event-loop stall."""

    def __init__(self):
        self.timer = QTimer()
        self.timer.setInterval(HEARTBEAT_MS)
        self.timer.timeout.connect(self._tick)
        self.gaps: list[float] = []
        self._last = None

    def start(self):
        self.gaps.clear()
        self._last = self._start = time.perf_counter()
        self.worst_at = 0.0
        self.timer.start()

    def stop(self):
        self.timer.stop()

    def _tick(self):
        now = time.perf_counter()
        gap = now - self._last
        if gap > max(self.gaps, default=0.0):
            self.worst_at = self._last - self._start  # when the longest stall began
        self.gaps.append(gap)
        self._last = now

    def longest_ms(self) -> float:
        return max(self.gaps, default=0.0) * 1000

    def p99_ms(self) -> float:
        if not self.gaps:
            return 0.0
        s = sorted(self.gaps)
        return s[int(len(s) * 0.99) - 1] * 1000


def wait_until(app, predicate, timeout: float) -> bool:
    """Run the real event loop (as the application does) until ``predicate()`` holds."""
    if predicate():
        return True
    loop = QEventLoop()
    end = time.monotonic() + timeout
    check = QTimer()
    check.setInterval(5)

    def poll():
        if predicate() or time.monotonic() > end:
            loop.quit()

    check.timeout.connect(poll)
    check.start()
    loop.exec()
    check.stop()
    return predicate()


def make_pdfs(folder: Path, n: int, prefix: str) -> list[Path]:
    from fpdf import FPDF

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        pdf = FPDF(format="A4")
        pdf.add_page()
        pdf.set_font("Helvetica", size=12)
        for line in (
            f"Shop {prefix} {i}",
            "12 High Street",
            f"Invoice No: {prefix}-{i:05d}",
            "Date: 15/03/2024",
            f"Subtotal {10 + i % 50}.00",
            "VAT 2.00",
            f"Total EUR {12 + i % 50}.00",
        ):
            pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
        path = folder / f"{prefix}-{i:05d}.pdf"
        pdf.output(str(path))
        paths.append(path)
    return paths


def drop(window, paths) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = QPoint(window.width() // 2, window.height() // 2)
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QApplication.sendEvent(
        window, QDragEnterEvent(pos, Qt.DropAction.CopyAction, mime, buttons, mods)
    )
    QApplication.sendEvent(
        window, QDropEvent(QPointF(pos), Qt.DropAction.CopyAction, mime, buttons, mods)
    )


def fill(library, n: int) -> None:
    """Insert ``n`` completed documents with results through direct SQL (fast)."""
    org = library.default_org_id()
    chunk = 10_000
    for start in range(0, n, chunk):
        docs, results, fts = [], [], []
        for i in range(start, min(n, start + chunk)):
            doc_id = f"doc_bench{i:09d}"
            created = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T10:00:00.{i % 1000:03d}+00:00"
            name = f"scan-{i:06d}.pdf"
            fields = {
                "vendor": f"Vendor {i % 997}",
                "date": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "total": round(5 + (i * 7.31) % 900, 2),
                "currency": "EUR",
            }
            docs.append(
                (doc_id, org, name, None, f"{i:064x}", 1000, "application/pdf", 1, "auto",
                 "completed", None, "[]", created, created, i + 1)
            )  # fmt: skip
            results.append(
                (doc_id, "invoice", json.dumps(fields), "{}", "[]", "[]", None, "", "bench",
                 created, created)
            )  # fmt: skip
            fts.append((i + 1, doc_id, name, f"Vendor {i % 997} invoice {i}"))
        with library.db.write() as s:
            c = s.connection()
            c.exec_driver_sql(
                "INSERT INTO documents (id, organization_id, document_name, source_path, sha256, size, "
                "content_type, pages, processor_type, status, error, tags, created_at, updated_at, "
                "fts_rowid) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                docs,
            )
            c.exec_driver_sql(
                "INSERT INTO results (document_id, processor_type, fields, field_details, pages, "
                "warnings, routing, text, engine_version, created_at, updated_at) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                results,
            )
            c.exec_driver_sql(
                "INSERT INTO documents_fts (rowid, document_id, document_name, text) "
                "VALUES (?,?,?,?)",
                fts,
            )


def wait_for_engine(window) -> float | None:
    """Seconds until the window's engine process (started with the window) is ready, measured
    apart: a drop made before then is listed once it is (the walk is the engine's)."""
    process = getattr(getattr(window, "engine", None), "process", None)
    if process is None or not hasattr(process, "wait_ready"):
        return None  # a window without an engine process (an earlier version)
    t = time.perf_counter()
    process.wait_ready(60)
    return round(time.perf_counter() - t, 3)


def bench_batch(app, root: Path, n: int, workers: int) -> dict:
    folder = root / "batch-in"
    make_pdfs(folder, n, "B")
    library = Library(root / "lib-batch")
    library.set_setting("workers", workers)
    window = MainWindow(library)
    window.show()
    app.processEvents()
    engine_ready_s = wait_for_engine(window)
    beat = Heartbeat()
    beat.start()
    t0 = time.perf_counter()
    drop(window, [folder])
    listed = wait_until(app, lambda: window.model.rowCount() == n, 120)
    t_listed = time.perf_counter() - t0
    wait_until(app, lambda: not window.model.placeholders(), 300)
    t_in = time.perf_counter() - t0
    done = wait_until(
        app, lambda: len(window.tracker.finished) >= n and not window.tracker.busy, 900
    )
    t_done = time.perf_counter() - t0
    # Click around while it runs? The heartbeat already covers every event the window handled.
    beat.stop()
    completed = queries.status_counts(library).get("completed", 0)
    window.shutdown()
    window.close()
    library.close()
    return {
        "documents": n,
        "engine_ready_s": engine_ready_s,
        "listed": listed,
        "all_listed_s": round(t_listed, 3),
        "all_in_library_s": round(t_in, 2),
        "finished": done,
        "completed": completed,
        "processing_s": round(t_done, 2),
        "longest_stall_ms": round(beat.longest_ms(), 1),
        "longest_stall_at_s": round(beat.worst_at, 2),
        "p99_gap_ms": round(beat.p99_ms(), 1),
    }


def bench_drop(app, root: Path, n: int, workers: int) -> dict:
    folder = root / "drop-in"
    paths = make_pdfs(folder, n, "D")
    library = Library(root / "lib-drop")
    library.set_setting("workers", workers)
    window = MainWindow(library)
    window.show()
    app.processEvents()
    engine_ready_s = wait_for_engine(window)
    beat = Heartbeat()
    beat.start()
    t0 = time.perf_counter()
    drop(window, paths)
    t_first = None

    def listed():
        nonlocal t_first
        if t_first is None and window.model.rowCount():
            t_first = time.perf_counter() - t0
        return window.model.rowCount() >= n

    ok = wait_until(app, listed, 120)
    t_all = time.perf_counter() - t0
    added = wait_until(app, lambda: not window.requests and not window.model.placeholders(), 300)
    t_added = time.perf_counter() - t0
    beat.stop()
    in_library = library.documents(limit=1)[1]
    window.shutdown()
    window.close()
    library.close()
    return {
        "files": n,
        "engine_ready_s": engine_ready_s,
        "all_listed": ok,
        "first_listed_s": round(t_first or -1, 3),
        "all_listed_s": round(t_all, 3),
        "all_in_library": added and in_library == n,
        "all_in_library_s": round(t_added, 2),
        "longest_stall_ms": round(beat.longest_ms(), 1),
        "longest_stall_at_s": round(beat.worst_at, 2),
    }


def bench_large(app, root: Path, n: int) -> dict:
    lib_dir = root / "lib-large"
    t = time.perf_counter()
    setup = Library(lib_dir)
    fill(setup, n)
    setup.close()
    fill_s = time.perf_counter() - t

    t0 = time.perf_counter()
    library = Library(lib_dir)
    window = MainWindow(library, start_runner=False, watch=False)
    window.show()
    app.processEvents()
    window.table.viewport().grab()  # the first rows painted
    usable = time.perf_counter() - t0
    rows = window.model.rowCount()
    beat = Heartbeat()
    beat.start()
    out = {"documents": rows, "fill_s": round(fill_s, 1), "open_usable_s": round(usable, 3)}
    for label, act in (
        ("sort_vendor", lambda: window.table.sortByColumn(3, Qt.SortOrder.AscendingOrder)),
        ("sort_total", lambda: window.table.sortByColumn(5, Qt.SortOrder.DescendingOrder)),
        ("search", lambda: window.search.setText("Vendor 42")),
        ("filter_failed", lambda: window.status_filter.setCurrentText("failed")),
    ):
        t1 = time.perf_counter()
        done = []
        window.model.reloaded.connect(lambda d=done: d.append(1))
        act()
        wait_until(app, lambda d=done: bool(d), 30)
        window.model.reloaded.disconnect()
        window.model.reloaded.connect(window._on_model_reloaded)
        window.table.viewport().grab()
        out[f"{label}_s"] = round(time.perf_counter() - t1, 3)
        out[f"{label}_rows"] = window.model.rowCount()
    window.status_filter.setCurrentIndex(0)
    window.search.clear()
    wait_until(app, lambda: window.model.rowCount() == n, 30)
    t2 = time.perf_counter()
    window.table.scrollToBottom()
    window.table.viewport().grab()
    out["scroll_to_end_s"] = round(time.perf_counter() - t2, 3)
    beat.stop()
    out["longest_stall_ms"] = round(beat.longest_ms(), 1)
    window.shutdown()
    window.close()
    library.close()
    return out


def bench_baseline(app, seconds: float = 5.0) -> dict:
    """The same heartbeat with nothing to do: how much the machine itself delays the loop."""
    beat = Heartbeat()
    beat.start()
    wait_until(app, lambda: False, seconds)
    beat.stop()
    return {
        "seconds": seconds,
        "longest_stall_ms": round(beat.longest_ms(), 1),
        "p99_gap_ms": round(beat.p99_ms(), 1),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--drop", type=int, default=1000)
    parser.add_argument("--library-size", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", choices=["batch", "drop", "large"])
    args = parser.parse_args()
    app = QApplication([sys.argv[0]])
    with tempfile.TemporaryDirectory(prefix="docrouter-gui-bench-") as tmp:
        root = Path(tmp)
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(root / "qs"))
        app.setOrganizationName("DocRouterBench")
        app.setApplicationName("gui-latency")

        def fresh_settings():  # every stage starts as a first start: default layout and order
            QSettings().clear()

        print(f"idle baseline: {json.dumps(bench_baseline(app))}", flush=True)
        if args.only in (None, "large"):
            r = bench_large(app, root, args.library_size)
            print(f"100k library: {json.dumps(r)}", flush=True)
        fresh_settings()
        if args.only in (None, "drop"):
            r = bench_drop(app, root, args.drop, args.workers)
            print(f"drop: {json.dumps(r)}", flush=True)
        fresh_settings()
        if args.only in (None, "batch"):
            r = bench_batch(app, root, args.docs, args.workers)
            print(f"batch: {json.dumps(r)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
