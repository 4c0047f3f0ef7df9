"""The window as a native app: a menu bar with the standard keys, toolbar icons, the app's icon,
a list that fits without a sideways scroll and shows totals with their currency, palette
colours on a dark theme, Export and Cancel that say what they will do, and Preferences' Cancel
undoing what its serve toggle did at once."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from docrouter_desktop.gui import theme
from docrouter_desktop.gui.main_window import MainWindow
from docrouter_desktop.gui.model import COLUMNS
from docrouter_desktop.server.serve import free_port
from tests import factories
from tests.gui.conftest import fill_library, process_now


def _menus(window) -> dict[str, list]:
    return {
        m.text().replace("&", ""): [a for a in m.menu().actions() if not a.isSeparator()]
        for m in window.menuBar().actions()
    }


def test_the_menu_bar_holds_every_action_with_standard_keys(qtbot, quiet_window):
    w = quiet_window
    menus = _menus(w)
    assert list(menus) == ["File", "Edit", "View", "Documents", "Settings", "Help"]
    by_text = {a.text().replace("&", ""): a for acts in menus.values() for a in acts}
    std = QKeySequence.StandardKey
    for text, key in (
        ("Undo", std.Undo),
        ("Redo", std.Redo),
        ("Find…", std.Find),
        ("Quit", std.Quit),
        ("Zoom in", std.ZoomIn),
        ("Zoom out", std.ZoomOut),
    ):
        assert by_text[text].shortcut() == QKeySequence(key), text
    assert by_text["Add files…"].shortcut() == QKeySequence("Ctrl+O")
    assert by_text["Review next"].shortcut() == QKeySequence("F8")
    assert "Preferences…" in by_text and "Keyboard shortcuts" in by_text
    # Toolbar actions have icons, and the window has the app's own icon.
    for a in (w.act_add_files, w.act_process, w.act_cancel, w.act_export, w.act_review_next):
        assert not a.icon().isNull(), a.text()
    assert not w.windowIcon().isNull()
    assert (
        w.windowIcon().cacheKey()
        != QApplication.style()
        .standardIcon(QApplication.style().StandardPixmap.SP_TitleBarMenuButton)
        .cacheKey()
    )


def test_the_list_fits_its_width_and_totals_carry_their_currency(qtbot, small_library):
    fill_library(small_library, 30)
    w = MainWindow(small_library, start_runner=False, watch=False, remember_layout=False)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    qtbot.wait(100)
    assert w.table.horizontalScrollBar().maximum() == 0  # no sideways scroll
    total_col = [key for key, _title in COLUMNS].index("total")
    text = w.model.data(w.model.index(3, total_col))
    assert text.endswith(".00 EUR") and text[0].isdigit(), text
    assert not w.table.isColumnHidden(total_col)
    # Narrower: still no sideways scroll, the name column gives way.
    w.resize(900, 600)
    qtbot.wait(100)
    assert w.table.horizontalScrollBar().maximum() == 0
    w.shutdown()


def test_the_drop_zone_reads_on_a_dark_theme(qtbot, quiet_window):
    w = quiet_window
    before = QApplication.palette()
    QApplication.setPalette(theme.dark_palette())  # the desktop switched to a dark theme
    qtbot.wait(20)
    assert theme.DARK.drop_background.name() in w.drop_zone.styleSheet()
    shot = w.drop_zone.grab().toImage()
    bg = shot.pixelColor(shot.width() // 2, 4)
    assert bg.lightness() < 100, bg.name()  # dark, where the label's text is light
    assert theme.contrast(theme.DARK.drop_text, bg) >= 4.5
    QApplication.setPalette(before)
    qtbot.wait(20)
    assert theme.LIGHT.drop_background.name() in w.drop_zone.styleSheet()


def test_cancel_with_nothing_selected_asks_first(qtbot, quiet_window, small_library, inbox):
    w = quiet_window
    for i in range(3):
        small_library.ingest_file(factories.invoice_pdf(inbox / f"i{i}.pdf", number=f"C-{i}"))
    w.model.reload(wait=True)
    w.table.clearSelection()
    asked = []
    w.ask = lambda title, question, **kw: asked.append(question) or False
    w.cancel()
    assert "Cancel all 3 document(s)" in asked[0]
    statuses = {d.status for d in small_library.documents()[0]}
    assert statuses == {"queued"}  # answered no: nothing cancelled
    w.ask = lambda *a, **kw: True
    w.cancel()
    assert {d.status for d in small_library.documents()[0]} == {"cancelled"}


def test_export_asks_whether_the_selection_or_everything(
    qtbot, quiet_window, small_library, inbox, tmp_path, monkeypatch
):
    w = quiet_window
    for i in range(3):
        small_library.ingest_file(factories.invoice_pdf(inbox / f"e{i}.pdf", number=f"E-{i}"))
    process_now(small_library)
    w.model.reload(wait=True)
    w.select_row(0)  # the document under review is selected: one row
    questions = []
    w.choose = lambda title, question, options, cancel=True: questions.append(options) or 0
    target = tmp_path / "out.csv"
    monkeypatch.setattr(
        "docrouter_desktop.gui.main_window.QFileDialog.getSaveFileName",
        lambda *a, **k: (str(target), "CSV (*.csv)"),
    )
    w.export_dialog()
    assert questions == [["All 3 listed", "1 selected"]]
    qtbot.waitUntil(lambda: w.last_export == target, timeout=20_000)
    assert len(target.read_text(encoding="utf-8").strip().splitlines()) == 1 + 3
    assert w.notice_label.text() == f"Exported 3 document(s) to {target}"


def test_preferences_cancel_undoes_starting_the_local_api(qtbot, quiet_window, small_library):
    w = quiet_window
    prefs = w.open_preferences()
    qtbot.addWidget(prefs)
    prefs.serve_panel.port.setValue(free_port())
    prefs.serve_panel.enabled.setChecked(True)
    qtbot.waitUntil(lambda: w.local_api.state == "running", timeout=60_000)
    assert small_library.settings().serve_api is True
    prefs.reject()  # Cancel
    qtbot.waitUntil(lambda: w.local_api.state == "stopped", timeout=60_000)
    assert small_library.settings().serve_api is False


def test_f9_opens_the_summary_of_the_workspace_shown(qtbot, quiet_window, small_library, inbox):
    w = quiet_window
    for i, total in enumerate((40.0, 60.0)):
        small_library.ingest_file(
            factories.invoice_pdf(inbox / f"s{i}.pdf", number=f"S-{i}", total=total, tax=4.0)
        )
    process_now(small_library)
    view = w.show_summary()
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.summary() is not None, timeout=20_000)
    summary = view.summary()
    assert summary.org_id == w.org_id
    assert summary.documents == 2
    assert sum(m.total for m in summary.months) == 100.0
    assert view.isVisible() and "Summary" in view.windowTitle()
    assert w.act_summary.shortcut() == QKeySequence("F9")


def test_a_document_the_search_hides_leaves_the_review_pane(qtbot, quiet_window, small_library):
    w = quiet_window
    fill_library(small_library, 3)
    w.model.reload(wait=True)
    w.select_row(0)
    shown = w.review.document.document_name
    assert shown
    with qtbot.waitSignal(w.model.reloaded, timeout=5_000):
        w.search.setText("receipt-000001" if shown != "receipt-000001.pdf" else "receipt-000002")
    assert w.review.document is None  # not left on screen while the list no longer holds it
    with qtbot.waitSignal(w.model.reloaded, timeout=5_000):
        w.search.clear()
    assert w.model.rowCount() == 3
