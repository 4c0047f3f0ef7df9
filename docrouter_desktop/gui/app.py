"""Starting the window: the QApplication, files given on the command line, and screenshots."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "DocRouter Desktop"
ORG_NAME = "DocRouter"
SCREENSHOT_TIMEOUT_MS = 15_000


def make_app(argv: list[str] | None = None):
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    app.setOrganizationName(ORG_NAME)
    app.setApplicationName(APP_NAME)
    app.setQuitOnLastWindowClosed(True)
    return app


def run_gui(args, library_dir: Path) -> int:
    """``docrouter-desktop gui [FILE...] [--screenshot PNG] [--select N]``."""
    screenshot = getattr(args, "screenshot", None)
    if screenshot and not os.environ.get("QT_QPA_PLATFORM") and not os.environ.get("DISPLAY"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from docrouter_desktop.core.library import Library

    app = make_app()
    library = Library(library_dir)
    try:
        if screenshot:
            return take_screenshot(library, Path(screenshot), getattr(args, "select", None))
        from docrouter_desktop.gui.main_window import MainWindow

        window = MainWindow(library)
        window.show()
        previous = _close_on_signals(window)
        if getattr(args, "files", None):
            window.add_paths([str(Path(f).resolve()) for f in args.files])
        code = app.exec()
        window.shutdown()
        _restore_signals(previous)
        return code
    finally:
        library.close()


def _close_on_signals(window) -> dict:
    """SIGTERM / Ctrl-C close the window like its close button, so the workers stop too.

    Python runs signal handlers only when it gets control: a timer hands it control often."""
    import signal

    from PySide6.QtCore import QTimer

    previous = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        previous[sig] = signal.signal(sig, lambda *_: window.close())
    timer = QTimer(window)
    timer.timeout.connect(lambda: None)
    timer.start(250)
    return previous


def _restore_signals(previous: dict) -> None:
    import signal

    for sig, handler in previous.items():
        signal.signal(sig, handler)


def take_screenshot(library, path: Path, select: int | None = None) -> int:
    """Render the window at its default size over the library (row ``select`` under review)."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from docrouter_desktop.gui.main_window import DEFAULT_SIZE, MainWindow

    window = MainWindow(library, start_runner=False, watch=False, remember_layout=False)
    window.resize(*DEFAULT_SIZE)
    window.show()
    QApplication.processEvents()
    if select:
        loop = QEventLoop()
        window.review.page_shown.connect(lambda _n: loop.quit())
        QTimer.singleShot(SCREENSHOT_TIMEOUT_MS, loop.quit)
        window.select_row(select - 1)
        if window.review.document is not None:
            loop.exec()
        window.review.fit_width()
        edit = window.review.edits.get("total")
        if edit is not None:
            edit.setFocus()
            window.review._on_field_focused("total")
    for _ in range(5):
        QApplication.processEvents()
    image = window.grab()
    path.parent.mkdir(parents=True, exist_ok=True)
    ok = image.save(str(path))
    window.shutdown()
    window.close()
    if not ok:
        print(f"Cannot write the screenshot {path}", file=sys.stderr)
        return 1
    print(f"Screenshot written to {path}")
    return 0
