"""Review speed: the receipts reviewed with the keyboard alone in "Review next".

Run: ``python bench/review_speed.py [--library DIR] [--set receipts] [--correct]``
(offscreen unless a display is set). The set's documents are processed into a library (or
``--library`` is reused when it already holds them), then the window is driven with QTest as
a reviewer would: F8 once, then for every field the walk gives the focus to, Enter when the
value is right or, with ``--correct``, the value from the set's ground truth typed over it
and Enter. It prints the flagged fields there were, the ones reached, the key presses per
document reviewed (the keys that move and accept, and the characters typed apart) and the
time the window took. Asserts nothing about time.
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
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from accuracy import DEFAULT_ROOT, matches  # noqa: E402
from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from docrouter_desktop.core.engine import Engine  # noqa: E402
from docrouter_desktop.core.library import Library  # noqa: E402
from docrouter_desktop.core.review_queue import fields_to_review  # noqa: E402
from docrouter_desktop.core.runner import Runner  # noqa: E402
from docrouter_desktop.gui.main_window import MainWindow  # noqa: E402


def build(root: Path, folder: Path, workers: int) -> Library:
    library = Library(root)
    names = {d.document_name for d in library.documents(limit=100_000)[0]}
    wanted = sorted(p for p in folder.iterdir() if p.is_file())
    for path in wanted:
        if path.name not in names:
            library.ingest_file(path, processor_type="auto")
    Runner(library, workers=workers).run_until_idle()
    return library


def wait(app: QApplication, condition, timeout: float = 20.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        app.processEvents()
        if condition():
            return True
        time.sleep(0.002)
    return condition()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=str(DEFAULT_ROOT))
    ap.add_argument("--set", default="receipts")
    ap.add_argument("--library", help="a library folder to build in or reuse")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--correct", action="store_true", help="type the true value when wrong")
    args = ap.parse_args()

    folder = Path(args.root) / args.set
    truth = json.loads((Path(args.root) / f"{args.set}.truth.json").read_text(encoding="utf-8"))
    root = Path(args.library) if args.library else Path(tempfile.mkdtemp(prefix="review-speed-"))
    print(f"library {root}: processing {folder} ...", flush=True)
    library = build(root, folder, args.workers)

    app = QApplication.instance() or QApplication(sys.argv)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp(prefix="qs-")
    )
    window = MainWindow(
        library,
        start_runner=False,
        watch=False,
        remember_layout=False,
        engine=Engine(library, runner="none"),
    )
    window.resize(1280, 800)
    window.show()
    window.activateWindow()
    wait(app, window.isActiveWindow, 5)
    ids = window.model.ids()
    threshold = window.review.threshold
    flagged = fields_to_review(library, ids, threshold)
    n_flagged = sum(len(v) for v in flagged.values())
    names = {d.id: d.document_name for d in library.documents(limit=100_000)[0]}

    window.select_row(0)
    keys = typed = corrected = 0
    reached: list[tuple[str, str]] = []
    start = time.perf_counter()
    QTest.keyClick(window.table, Qt.Key.Key_F8)
    keys += 1

    def where():
        focus = QApplication.focusWidget()
        name = next((n for n, e in window.review.edits.items() if e is focus), None)
        doc = window.review.document
        return (doc.id if doc else None), name

    last = (None, None)
    while window.review_walk.active:
        if not wait(app, lambda last=last: where()[1] is not None and where() != last, 10):
            break
        last = where()
        doc_id, name = last
        reached.append(last)
        edit = window.review.edits[name]
        want = (truth.get(names.get(doc_id, ""), {}).get("fields") or {}).get(name)
        got = window.review.result.fields.get(name) if window.review.result else None
        if args.correct and want is not None and not matches(name, got, want):
            text = f"{want:.2f}" if isinstance(want, float) else str(want)
            QTest.keyClicks(edit, text)
            typed += len(text)
            corrected += 1
        QTest.keyClick(edit, Qt.Key.Key_Return)
        keys += 1
        wait(app, lambda last=last: where() != last or not window.review_walk.active, 5)
    seconds = time.perf_counter() - start
    wait(app, lambda: False, 0.3)
    left = fields_to_review(library, ids, threshold)
    documents = len({d for d, _n in reached})
    print(f"documents in the list: {len(ids)}; with fields that need a look: {len(flagged)}")
    print(f"flagged fields: {n_flagged}; reached by Review next: {len(set(reached))}")
    print(f"flagged fields left unchecked after the walk: {sum(len(v) for v in left.values())}")
    print(
        f"key presses: {keys} to move and accept ({keys / max(1, documents):.2f} per document "
        f"reviewed, {keys / max(1, len(reached)):.2f} per field), {typed} characters typed "
        f"in {corrected} corrections"
    )
    print(
        f"window time: {seconds:.2f} s for {len(reached)} fields "
        f"({1000 * seconds / max(1, len(reached)):.0f} ms a field, typing included)"
    )
    window.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
