"""The local DocRouter API served from the window: its owner and its Preferences panel.

``LocalApiServer`` lives as long as the window and runs ``server.background.ServerProcess``
(the API in a child process, so that requests never hold the window's interpreter lock); its
``state_changed`` signal reaches the GUI thread queued. ``ServePanel`` is the "Serve the local
DocRouter API" checkbox with its host, port, state and link, as shown in Preferences.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from docrouter_desktop.core.errors import AppError
from docrouter_desktop.gui import theme
from docrouter_desktop.server.background import ServerProcess, browsable_url, url_for
from docrouter_desktop.server.serve import is_loopback


class LocalApiServer(QObject):
    """Starts and stops the API over the window's library; reports its state as words."""

    state_changed = Signal(str, str)  # state (starting|running|stopping|stopped|failed), text
    _process_state = Signal(int, str, str)  # (generation, state, text) from the process thread

    def __init__(self, library, run_jobs: bool = False, parent: QObject | None = None):
        super().__init__(parent)
        self.library = library
        # The window's own runner processes the queue the API adds to (it looks every half
        # second); a second pool of workers would only compete with it for the cores.
        self.run_jobs = run_jobs
        self.process: ServerProcess | None = None
        self.state = "stopped"
        self.text = ""
        self.host, self.port = "127.0.0.1", 0
        self._generation = 0  # which start the news is about: a replaced server's is old
        self._process_state.connect(self._on_process_state)

    @property
    def url(self) -> str:
        return url_for(self.host, self.port)

    @property
    def docs_url(self) -> str:
        return browsable_url(self.host, self.port) + "/docs"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def start(self, host: str, port: int) -> None:
        """Start serving (returns at once; ``state_changed`` says how it went)."""
        from docrouter_desktop.server.app import ServerConfig

        if self.process is not None:
            self.process.stop(wait=False)
        self.host, self.port = host, port
        self._generation += 1
        generation = self._generation
        self.process = ServerProcess(
            self.library.root,
            host,
            port,
            ServerConfig(run_jobs=self.run_jobs, runner_process=True),
            on_state=lambda state, text: self._process_state.emit(generation, state, text),
        )
        self.process.start()

    def start_from_settings(self) -> bool:
        """At window start: serve again if it was on when the window last closed."""
        s = self.library.settings()
        if not s.serve_api:
            return False
        self.start(s.serve_host, s.serve_port)
        return True

    def stop(self, wait: bool = False) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        if process.state in ("starting", "running"):
            self._report("stopping", "Stopping…")
        process.stop(wait=wait)
        if wait:
            self._report("stopped", "")

    def shutdown(self) -> None:
        """When the window closes: the server stops with it, and what it said meanwhile (still
        queued for this thread: "running", "stopped") is no news for anyone any more."""
        self.stop(wait=True)
        self._generation += 1

    def _on_process_state(self, generation: int, state: str, text: str) -> None:
        if generation != self._generation:
            return  # news from a server that another start replaced
        if state in ("stopped", "failed"):
            self.process = None
        self._report(state, text)

    def _report(self, state: str, text: str) -> None:
        self.state, self.text = state, text
        self.state_changed.emit(state, text)


def describe(state: str, text: str, url: str, docs_url: str) -> tuple[str, str]:
    """The words (rich text) and the style for a state."""
    if state == "running":
        return (
            f'Running at <a href="{docs_url}">{url}</a> (click for the interactive documentation)',
            theme.text_style(QApplication.palette(), "ok"),
        )
    if state == "starting":
        return f"Starting at {url}…", ""
    if state == "stopping":
        return "Stopping…", ""
    if state == "failed":
        return text or "The API server did not start", theme.text_style(
            QApplication.palette(), "error"
        )
    return "Not serving", ""


class ServePanel(QGroupBox):
    """The Preferences section that starts and stops the local API, at once."""

    def __init__(self, library, server: LocalApiServer, engine, parent: QWidget | None = None):
        super().__init__("Local DocRouter API", parent)
        self.library = library
        self.server = server
        self.engine = engine  # the settings are changed through it
        s = library.settings()
        form = QFormLayout(self)
        self.enabled = QCheckBox("Serve the local DocRouter API")
        self.enabled.setToolTip(
            "Scripts and other programs can then use this library through the DocRouter REST "
            "API, with a token from Local API tokens…"
        )
        form.addRow(self.enabled)
        address = QHBoxLayout()
        self.host = QLineEdit(s.serve_host)
        self.host.setToolTip("127.0.0.1: only this machine can call the API")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(s.serve_port)
        address.addWidget(self.host, 1)
        address.addWidget(QLabel("Port"))
        address.addWidget(self.port)
        form.addRow("Host", address)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(theme.text_style(self.palette(), "caution"))
        form.addRow(self.warning)
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.state.setOpenExternalLinks(False)
        self.state.linkActivated.connect(lambda link: QDesktopServices.openUrl(QUrl(link)))
        form.addRow("State", self.state)

        running = server.state in ("starting", "running")
        # As the dialog opened: Cancel gives it back (the checkbox acts at once).
        self.initial = (running, s.serve_host, s.serve_port)
        self.enabled.setChecked(running)
        self._set_editable(not running)
        self._show(server.state, server.text)
        self._show_warning()
        self.host.textChanged.connect(self._show_warning)
        self.enabled.toggled.connect(self._on_enabled_toggled)
        server.state_changed.connect(self._on_server_state_changed)

    @property
    def docs_url(self) -> str:
        return self.server.docs_url

    def _set_editable(self, on: bool) -> None:
        self.host.setEnabled(on)
        self.port.setEnabled(on)

    def _show_warning(self) -> None:
        host = self.host.text().strip() or "127.0.0.1"
        if is_loopback(host):
            self.warning.hide()
            return
        self.warning.setText(
            f"⚠ On {host}, other machines that can reach this one can call the API (a token "
            "is still needed). Use 127.0.0.1 to keep it on this machine."
        )
        self.warning.show()

    def _on_enabled_toggled(self, on: bool) -> None:
        self._set_editable(not on)
        if not on:
            self.engine.call("set_setting", "serve_api", False)
            self.server.stop()
            return
        try:
            saved = self.engine.call_and_wait(
                "set_settings",
                {
                    "serve_host": self.host.text().strip() or "127.0.0.1",
                    "serve_port": self.port.value(),
                    "serve_api": True,
                },
            )
        except AppError as exc:
            self._uncheck()
            self._show("failed", str(exc).replace("Invalid value for serve_host: ", "Host: "))
            return
        self.host.setText(saved["serve_host"])
        self.server.start(saved["serve_host"], saved["serve_port"])

    def restore(self) -> None:
        """Serve (or not) as before the dialog opened, at the address it had then."""
        running, host, port = self.initial
        if self.enabled.isChecked() == running:
            return
        if running:
            self.engine.call_and_wait(
                "set_settings", {"serve_host": host, "serve_port": port, "serve_api": True}
            )
            self.server.start(host, port)
        else:
            self.engine.call("set_setting", "serve_api", False)
            self.server.stop()

    def _uncheck(self) -> None:
        self.enabled.blockSignals(True)
        self.enabled.setChecked(False)
        self.enabled.blockSignals(False)
        self._set_editable(True)

    def _on_server_state_changed(self, state: str, text: str) -> None:
        if state == "failed" and self.enabled.isChecked():
            # Leave the choice off, so the next window start does not try the same again.
            self._uncheck()
            self.engine.call("set_setting", "serve_api", False)
        self._show(state, text)

    def _show(self, state: str, text: str) -> None:
        words, style = describe(state, text, self.server.url, self.server.docs_url)
        self.state.setText(words)
        self.state.setStyleSheet(style)
