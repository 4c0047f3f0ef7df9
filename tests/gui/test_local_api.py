"""The serve toggle in Preferences: a real API server in a child process on a loopback port,
answering with a token made in the Local API tokens dialog, and gone when toggled off or when
the window closes."""

from __future__ import annotations

import os
import socket

import httpx

from docrouter_desktop.gui.main_window import MainWindow
from docrouter_desktop.server.serve import free_port


def refused(url: str) -> bool:
    try:
        httpx.get(url, timeout=5)
    except httpx.ConnectError:
        return True
    return False


def test_the_toggle_serves_the_library_to_a_token_made_in_the_dialog_and_stops(
    qtbot, quiet_window, small_library
):
    w = quiet_window
    port = free_port()
    prefs = w.open_preferences()
    qtbot.addWidget(prefs)
    panel = prefs.serve_panel
    panel.port.setValue(port)
    panel.enabled.setChecked(True)
    # The toggle returns before the server answers: it starts in a child process.
    assert w.local_api.state == "starting"
    assert not panel.port.isEnabled()
    qtbot.waitUntil(lambda: w.local_api.state == "running", timeout=60_000)
    url = f"http://127.0.0.1:{port}"
    assert f'Running at <a href="{url}/docs">{url}</a>' in panel.state.text()
    assert w.local_api.pid not in (None, os.getpid())
    s = small_library.settings()
    assert (s.serve_api, s.serve_host, s.serve_port) == (True, "127.0.0.1", port)

    tokens = w.open_local_tokens()
    qtbot.addWidget(tokens)
    assert url in tokens.serving.text()
    tokens.create_token("spreadsheet", None)
    account_secret = tokens.secret_dialog.secret.text()
    tokens.create_token("scanner", w.org_id)
    workspace_secret = tokens.secret_dialog.secret.text()
    assert f"Bearer {workspace_secret}" in tokens.secret_dialog.example.toPlainText()
    assert url in tokens.secret_dialog.example.toPlainText()

    with httpx.Client(base_url=url, timeout=30) as client:
        bearer = {"Authorization": f"Bearer {account_secret}"}
        orgs = client.get("/v0/account/organizations", headers=bearer)
        assert orgs.status_code == 200
        assert [o["id"] for o in orgs.json()["organizations"]] == [w.org_id]
        assert client.get("/v0/account/organizations").status_code == 401
        docs = client.get(
            f"/v0/orgs/{w.org_id}/documents",
            headers={"Authorization": f"Bearer {workspace_secret}"},
        )
        assert docs.status_code == 200
        assert "swagger-ui" in client.get("/docs").text

    panel.enabled.setChecked(False)
    qtbot.waitUntil(lambda: w.local_api.state == "stopped", timeout=60_000)
    assert panel.state.text() == "Not serving"
    assert panel.port.isEnabled()
    assert refused(f"{url}/v0/account/organizations")
    assert small_library.settings().serve_api is False


def test_a_port_in_use_is_said_and_the_toggle_goes_back_off(qtbot, quiet_window, small_library):
    w = quiet_window
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        prefs = w.open_preferences()
        qtbot.addWidget(prefs)
        panel = prefs.serve_panel
        panel.port.setValue(port)
        panel.enabled.setChecked(True)
        qtbot.waitUntil(lambda: w.local_api.state == "failed", timeout=60_000)
    assert panel.state.text() == f"Port {port} is in use: choose another"
    assert not panel.enabled.isChecked()
    assert panel.port.isEnabled()
    assert small_library.settings().serve_api is False


def test_serving_beyond_loopback_warns(qtbot, quiet_window):
    prefs = quiet_window.open_preferences()
    qtbot.addWidget(prefs)
    panel = prefs.serve_panel
    assert panel.warning.isHidden()
    panel.host.setText("0.0.0.0")
    assert not panel.warning.isHidden()
    assert "other machines" in panel.warning.text()
    panel.host.setText("localhost")
    assert panel.warning.isHidden()


def test_a_bad_host_is_explained_and_nothing_starts(qtbot, quiet_window, small_library):
    prefs = quiet_window.open_preferences()
    qtbot.addWidget(prefs)
    panel = prefs.serve_panel
    panel.host.setText("not a host!")
    panel.enabled.setChecked(True)
    assert not panel.enabled.isChecked()
    assert panel.state.text().startswith("Host:")
    assert quiet_window.local_api.state == "stopped"
    assert small_library.settings().serve_api is False


def test_the_server_starts_with_the_window_when_it_was_on_and_stops_when_it_closes(
    qtbot, small_library
):
    port = free_port()
    small_library.set_setting("serve_port", port)
    small_library.set_setting("serve_api", True)
    w = MainWindow(small_library, start_runner=False, watch=False, remember_layout=False)
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: w.local_api.state == "running", timeout=60_000)
    pid = w.local_api.pid
    assert not refused(f"http://127.0.0.1:{port}/docs")
    prefs = w.open_preferences()
    qtbot.addWidget(prefs)
    assert prefs.serve_panel.enabled.isChecked()
    prefs.close()
    w.close()  # the window's closeEvent stops the server, and waits for it
    assert refused(f"http://127.0.0.1:{port}/docs")
    assert not _alive(pid)
    assert small_library.settings().serve_api is True  # it starts again next time


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for every purpose here (its parent has not reaped it yet).
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except OSError:
        return False
