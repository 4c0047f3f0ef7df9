"""The Summary view: the numbers its charts hold, the PNG it saves, light and dark palettes,
and an empty workspace."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QFileDialog

from docrouter_desktop.gui import summary as summary_module
from docrouter_desktop.gui import theme
from docrouter_desktop.gui.summary import EMPTY_FAILURES, EMPTY_TOTALS, BarChart, SummaryView
from tests import factories
from tests.gui.conftest import process_now
from tests.test_summary import add_documents, mixed_workspace, receipt


def shown(qtbot, library, width=1000, height=700, palette=None, org_id=None) -> SummaryView:
    view = SummaryView(library)
    qtbot.addWidget(view)
    if palette is not None:
        view.setPalette(palette)
        view.setAutoFillBackground(True)
    view.resize(width, height)
    view.show()
    qtbot.waitExposed(view)
    with qtbot.waitSignal(view.summary_ready, timeout=10_000):
        view.refresh(org_id)
    return view


def test_the_charts_hold_the_summary_numbers(qtbot, small_library, inbox):
    factories.invoice_pdf(inbox / "inv.pdf", vendor="Northwind Traders", total=120.0, tax=20.0)
    small_library.ingest_file(inbox / "inv.pdf", processor_type="invoice")
    process_now(small_library)
    mixed_workspace(small_library)
    view = shown(qtbot, small_library)
    s = view.summary()
    assert s is not None and s.documents == 20

    assert view._tiles["documents"][0].text() == "20"
    assert view._tiles["review"][0].text() == str(s.needing_review)
    assert view._tiles["failed"][0].text() == "6"
    charts = view.charts()
    assert list(charts) == [
        "Totals by month · EUR",
        "Top vendors · EUR",
        "Totals by month · USD",
        "Top vendors · USD",
        "Totals by month · no currency",
        "Top vendors · no currency",
        "Documents needing review · fields below 80%",
        "Documents by status",
        "Failures by reason",
    ]
    months = charts["Totals by month · EUR"]
    assert months.vertical
    assert months.labels() == ["2024-01", "2024-02", "2024-03", "no date"]
    assert months.values() == pytest.approx([23.0, 120.25, 120.0, 5.0])
    assert [b.text for b in months.bars()][:2] == ["23.00", "120.25"]
    vendors = charts["Top vendors · EUR"]
    expected = sorted(((v.total, v.vendor) for v in s.vendors if v.currency == "EUR"), reverse=True)
    assert vendors.labels() == [v for _, v in expected]
    assert vendors.values() == pytest.approx([t for t, _ in expected])
    assert "Northwind Traders" in vendors.labels()
    usd = charts["Totals by month · USD"]  # Dec 2023 to Mar 2024: the months between are 0
    assert usd.labels() == ["2023-12", "2024-01", "2024-02", "2024-03", "no date"]
    assert usd.values() == pytest.approx([3.0, 0.0, 0.0, 7.0, 9.99])
    review = charts["Documents needing review · fields below 80%"]
    pairs = list(zip(review.labels(), review.values(), strict=True))
    assert pairs == list(s.review_by_processor) and dict(pairs)["receipt"] == 2
    assert sum(review.values()) == s.needing_review
    failures = charts["Failures by reason"]
    assert failures.labels() == [
        "OCR took longer than N s on one page and was stopped",
        "The PDF is damaged or incomplete and cannot be read",
    ]
    assert failures.values() == [3, 3]
    statuses = charts["Documents by status"]
    assert list(zip(statuses.labels(), statuses.values(), strict=True)) == [
        ("completed", 13),
        ("failed", 6),
        ("queued", 1),
    ]


def test_save_png_writes_the_whole_view(qtbot, library, tmp_path):
    mixed_workspace(library)
    view = shown(qtbot, library, 900, 640)
    path = view.save_png(tmp_path / "summary.png")
    assert path == tmp_path / "summary.png"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > 10_000
    image = QImage(str(path))
    ratio = view.devicePixelRatioF()
    assert (image.width(), image.height()) == (round(900 * ratio), round(640 * ratio))
    colours = {image.pixel(x, y) for x in range(0, image.width(), 3) for y in range(0, 400, 3)}
    assert len(colours) > 20  # charts and text, not a blank


def test_the_save_button_asks_where_and_adds_the_suffix(qtbot, library, tmp_path, monkeypatch):
    view = shown(qtbot, library)
    target = tmp_path / "chosen"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    view.save_button.click()
    assert (tmp_path / "chosen.png").stat().st_size > 1000


def _light_palette():
    return QApplication.style().standardPalette()


@pytest.mark.parametrize("palette", [_light_palette, theme.dark_palette], ids=["light", "dark"])
def test_charts_read_on_light_and_dark_palettes(qtbot, library, palette):
    add_documents(
        library, [receipt(f"Shop {i}", f"2024-0{i}-01", 10.0 * i, "EUR") for i in range(1, 7)]
    )
    pal = palette()
    view = shown(qtbot, library, palette=pal)
    chart = view.charts()["Top vendors · EUR"]
    c = chart.colors()
    dark = theme.is_dark(pal)
    assert theme.is_dark(chart.palette()) == dark
    assert theme.contrast(c.text, c.background) >= 4.5
    assert theme.contrast(c.muted_text, c.background) >= 4.5
    assert theme.contrast(c.bar, c.background) >= 2.5
    assert (c.background.lightness() < 100) == dark

    image = chart.grab().toImage()
    inside = QColor(image.pixel(chart.width() // 2, 4))
    assert inside == c.background  # what the chart is drawn on
    colours = {image.pixel(x, y) for x in range(image.width()) for y in range(image.height())}
    assert c.bar.rgb() in colours  # the bars are drawn
    # Its text is drawn in the text colour: pixels as light (dark) as the text, on dark (light).
    text_like = [
        QColor(p)
        for p in colours
        if abs(QColor(p).lightness() - c.text.lightness()) < 30
        and abs(QColor(p).lightness() - c.background.lightness()) > 100
    ]
    assert text_like


def test_an_empty_workspace_says_so(qtbot, library):
    view = shown(qtbot, library)
    charts = view.charts()
    assert list(charts) == [
        "Totals by month",
        "Top vendors",
        "Documents needing review · fields below 80%",
        "Documents by status",
        "Failures by reason",
    ]
    assert all(chart.is_empty() for chart in charts.values())
    assert charts["Totals by month"].empty_text == EMPTY_TOTALS
    assert charts["Failures by reason"].empty_text == EMPTY_FAILURES
    assert view._tiles["documents"][0].text() == "0"
    assert "No documents in this workspace yet" in view.details_label.text()
    # The empty text is drawn: the middle of the chart is not all background.
    chart = charts["Totals by month"]
    image = chart.grab().toImage()
    y = chart.height() // 2 + 10
    row = {image.pixel(x, y2) for x in range(image.width()) for y2 in range(y - 20, y + 10)}
    assert len(row) > 2


def test_refresh_reads_in_the_background_and_keeps_the_workspace(qtbot, library, monkeypatch):
    other = library.create_organization("Elsewhere")
    add_documents(library, [receipt("Acme", "2024-01-15", 5.0, "EUR")])
    add_documents(library, [receipt("Far", "2024-02-15", 7.0, "GBP")] * 2, other.id)
    threads = []
    real = summary_module.workspace_summary

    def recording(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(summary_module, "workspace_summary", recording)
    view = shown(qtbot, library, org_id=other.id)
    assert threads and threads[0] is not threading.main_thread()
    assert view.summary().org_id == other.id and view.summary().documents == 2
    with qtbot.waitSignal(view.summary_ready):
        view.refresh()
    assert view.summary().org_id == other.id
    assert list(view.charts())[:2] == ["Totals by month · GBP", "Top vendors · GBP"]


def test_bar_chart_size_and_empty_state(qtbot):
    chart = BarChart("Top vendors", value_axis="Total (EUR)", category_axis="Vendor")
    qtbot.addWidget(chart)
    empty = chart.sizeHint()
    assert empty.width() >= 400 and empty.height() >= 200
    chart.set_bars([summary_module.Bar(f"V{i}", i, str(i)) for i in range(12)])
    assert chart.sizeHint().height() > 12 * chart.fontMetrics().height()
    assert chart.minimumHeight() == chart.sizeHint().height()
    assert chart.labels()[:2] == ["V0", "V1"] and not chart.is_empty()


def test_axis_ticks_are_round():
    assert summary_module.nice_ticks(165) == [0, 50, 100, 150, 200]
    assert summary_module.nice_ticks(3, whole=True) == [0, 1, 2, 3]
    assert summary_module.nice_ticks(9, whole=True) == [0, 5, 10]
    assert all(t == int(t) for t in summary_module.nice_ticks(23, whole=True))
    assert summary_module.nice_ticks(0) == [0, 1]
    assert summary_module.compact(1_019_043_840) == "1B"
    assert summary_module.compact(1500) == "1.5k" and summary_module.compact(2.5) == "2.5"


def test_a_failed_reading_is_said(qtbot, library, monkeypatch):
    def broken(*_a, **_k):
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(summary_module, "workspace_summary", broken)
    view = SummaryView(library)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.failed):
        view.refresh()
    assert "the disk went away" in view.state_label.text() and view.summary() is None
