"""Screenshots of the window's workspace switcher, serve toggle and Local API tokens dialog.

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python scripts/make_settings_screenshots.py

Builds a throwaway library from ../shared/eval (invoices in "Personal", e-invoices in a second
workspace), serves it on port 8765 (or a free one), and writes to docs/screenshots/:
workspaces.png, preferences-serve.png, local-api-tokens.png and local-api-token-created.png.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"
OUT = ROOT / "docs" / "screenshots"


def main() -> int:
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from docrouter_desktop.core.api_tokens import ApiTokenService
    from docrouter_desktop.core.batch import Batch
    from docrouter_desktop.core.library import Library
    from docrouter_desktop.core.runner import Runner
    from docrouter_desktop.server.serve import free_port

    app = QApplication(sys.argv)
    app.setOrganizationName("DocRouterScreenshots")
    app.setApplicationName("DocRouter Desktop")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())

    home = Path(tempfile.mkdtemp())
    library = Library(home / "library")
    library.set_setting("workers", 1)
    clients = library.create_organization("Clients 2024")
    for folder, org in (("invoices", None), ("einvoices", clients.id)):
        batch = Batch(library, org_id=org, processor_type="invoice")
        batch.add(batch.find([str(EVAL / folder)]))
    Runner(library, workers=0).run_until_idle()
    tokens = ApiTokenService(library)
    tokens.create("Monthly spreadsheet")
    _info, laptop = tokens.create("Laptop scripts")
    tokens.create("Scanner upload", library.default_org_id())
    tokens.create("Accounting export", library.default_org_id())
    library.set_setting("serve_port", 8765)
    library.set_setting("watch_folders", [str(home / "Scans" / "Inbox")])

    from docrouter_desktop.gui.main_window import MainWindow

    window = MainWindow(library, start_runner=False, watch=False, remember_layout=False)
    window.show()
    OUT.mkdir(parents=True, exist_ok=True)

    def workspaces():
        window.workspaces.combo.showPopup()
        QTimer.singleShot(400, grab_workspaces)

    def grab_workspaces():
        shot = app.primaryScreen().grabWindow(0)
        g = window.frameGeometry()
        shot.copy(g.x(), g.y(), 900, 330).save(str(OUT / "workspaces.png"))
        window.workspaces.combo.hidePopup()
        QTimer.singleShot(200, preferences)

    def preferences():
        prefs = window.open_preferences()
        panel = prefs.serve_panel
        try:
            bind_check = __import__("socket").socket()
            bind_check.bind(("127.0.0.1", 8765))
            bind_check.close()
        except OSError:
            panel.port.setValue(free_port())
        panel.enabled.setChecked(True)

        def wait_running():
            if window.local_api.state == "running":
                QTimer.singleShot(300, lambda: grab_preferences(prefs))
            elif window.local_api.state == "failed":
                print("the server did not start:", window.local_api.text)
                app.exit(1)
            else:
                QTimer.singleShot(100, wait_running)

        wait_running()

    def grab_preferences(prefs):
        prefs.grab().save(str(OUT / "preferences-serve.png"))
        prefs.close()
        # One call with a token, so that its "Last used" has a time.
        import httpx

        base = window.local_api.docs_url.removesuffix("/docs")
        reply = httpx.get(
            f"{base}/v0/account/profile", headers={"Authorization": f"Bearer {laptop}"}
        )
        reply.raise_for_status()
        QTimer.singleShot(1500, open_tokens)

    def open_tokens():
        dialog = window.open_local_tokens()
        QTimer.singleShot(300, lambda: grab_tokens(dialog))

    def grab_tokens(dialog):
        dialog.account.table.selectRow(0)
        dialog.grab().save(str(OUT / "local-api-tokens.png"))
        dialog.create_token("Nightly backup", None)
        QTimer.singleShot(300, lambda: grab_created(dialog))

    def grab_created(dialog):
        dialog.secret_dialog.grab().save(str(OUT / "local-api-token-created.png"))
        dialog.secret_dialog.close()
        dialog.close()
        window.close()
        app.exit(0)

    QTimer.singleShot(800, workspaces)
    code = app.exec()
    window.shutdown()
    print("\n".join(str(p) for p in sorted(OUT.glob("*.png"))))
    return code


if __name__ == "__main__":
    sys.exit(main())
