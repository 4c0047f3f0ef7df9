"""Starting the window: the QApplication, files given on the command line, and screenshots."""

from __future__ import annotations

import contextlib
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
    app.setDesktopFileName("io.github.docrouter.DocRouterDesktop")
    from docrouter_desktop.gui.main_window import app_icon

    app.setWindowIcon(app_icon())
    return app


def run_gui(args, library_dir: Path) -> int:
    """``docrouter-desktop gui [FILE...] [--screenshot PNG] [--select N]``."""
    screenshot = getattr(args, "screenshot", None)
    if screenshot and not os.environ.get("QT_QPA_PLATFORM") and not os.environ.get("DISPLAY"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from docrouter_desktop.gui import single_instance

    app = make_app()
    theme_name = getattr(args, "theme", "system")
    if theme_name != "system":
        from PySide6.QtWidgets import QApplication

        from docrouter_desktop.gui import theme

        dark = theme.dark_palette()
        app.setPalette(dark if theme_name == "dark" else QApplication.style().standardPalette())
    if screenshot:
        with _window_library(library_dir, run_jobs=False) as (library, engine):
            return take_screenshot(library, Path(screenshot), getattr(args, "select", None), engine)
    files = [str(Path(f).resolve()) for f in getattr(args, "files", None) or []]
    lock = single_instance.claim_window(library_dir)
    if lock is None:
        if single_instance.hand_over(library_dir, files):
            print(f"Handed {len(files)} file(s) to the running window.")
            return 0
        print(
            "DocRouter Desktop is already open on this library, but it does not answer.",
            file=sys.stderr,
        )
        return 1
    try:
        from docrouter_desktop.gui.main_window import MainWindow

        with _window_library(library_dir) as (library, engine):
            window = MainWindow(library, engine=engine)
            server = single_instance.WindowServer(single_instance.socket_name(library_dir), window)
            server.files_received.connect(lambda paths: _receive(window, paths))
            window.show()
            previous = _close_on_signals(window)
            if files:
                window.add_paths(files)
            code = app.exec()
            window.shutdown()
            _restore_signals(previous)
            return code
    finally:
        lock.release()


@contextlib.contextmanager
def _window_library(library_dir: Path, run_jobs: bool = True):
    """The window's engine (a child process, which opens and migrates the library and is the
    one that writes to it), then the library opened read-only for the window to show."""
    from docrouter_desktop.core.library import Library
    from docrouter_desktop.core.storage.database import schema_is_current
    from docrouter_desktop.gui.engine_bridge import EngineBridge

    engine = EngineBridge(library_dir, run_jobs=run_jobs, watch=run_jobs)
    # Wait for the engine only when it has a library to make or migrate first; otherwise the
    # window opens while the engine starts (its calls wait in the pipe until it is ready).
    current = schema_is_current(Path(library_dir) / "library.sqlite3")
    engine.start(wait=None if current else 120.0)
    try:
        library = Library(library_dir, read_only=True)
        try:
            yield library, engine
        finally:
            library.close()
    finally:
        engine.stop()


def _receive(window, paths: list[str]) -> None:
    """Files handed over by a second start: add them, and bring the window forward."""
    if paths:
        window.add_paths(paths)
    window.showNormal()
    window.raise_()
    window.activateWindow()


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


def take_screenshot(library, path: Path, select: int | None = None, engine=None) -> int:
    """Render the window at its default size over the library (row ``select`` under review)."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from docrouter_desktop.gui.main_window import DEFAULT_SIZE, MainWindow

    window = MainWindow(
        library, start_runner=False, watch=False, remember_layout=False, engine=engine
    )
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
