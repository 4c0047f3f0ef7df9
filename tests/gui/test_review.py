"""The review pane: the page, the field's box drawn on it, corrections that reach exports."""

from __future__ import annotations

import csv

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from docrouter_desktop.gui.review import ReviewPane
from tests import factories
from tests.gui.conftest import process_now


def _processed_invoice(library, inbox, **kw) -> str:
    path = factories.invoice_pdf(inbox / "invoice.pdf", **kw)
    outcome = library.ingest_file(path, processor_type="invoice")
    process_now(library)
    return outcome.document_id


def test_clicking_the_total_draws_its_box_on_the_page(qtbot, library, inbox):
    doc_id = _processed_invoice(library, inbox, total=345.67, tax=57.61)
    pane = ReviewPane(library)
    qtbot.addWidget(pane)
    pane.resize(900, 800)
    pane.show()
    with qtbot.waitSignal(pane.page_shown, timeout=20_000):
        pane.show_document(doc_id)
    assert not pane.page_view.image.isNull()
    detail = library.result(doc_id).field_details["total"]
    assert pane.edits["total"].text() == "345.67"
    assert pane.page_view.highlight is None

    qtbot.mouseClick(pane.edits["total"], Qt.MouseButton.LeftButton)
    assert pane.page_view.highlight is not None
    x0, top, x1, bottom = detail["bbox"]
    assert pane.page_view.highlight.getCoords() == (x0, top, x1, bottom)
    box = pane.page_view.highlight_on_screen()
    # bbox units are the page's own (pages[n].width): scaled to the image, then the zoom.
    width = library.result(doc_id).pages[0]["width"]
    k = pane.page_view.image.width() * pane.page_view.zoom / width
    assert abs(box.x() - x0 * k) < 2 and abs(box.bottom() - bottom * k) < 2
    shot = pane.page_view.grab().toImage()
    edge = shot.pixelColor(int(box.x()) - 3, int(box.center().y()))
    assert edge.red() > 180 and edge.green() < 90, edge.name()  # the red frame is drawn
    inside_far = shot.pixelColor(5, 5)
    assert inside_far != QColor(220, 30, 30)


def test_an_edit_is_saved_as_a_correction_and_shows_in_the_export(qtbot, library, inbox, tmp_path):
    from docrouter_desktop.core.export import write_csv
    from docrouter_desktop.gui.model import export_rows

    doc_id = _processed_invoice(library, inbox, total=120.0, tax=20.0)
    pane = ReviewPane(library)
    qtbot.addWidget(pane)
    pane.show()
    pane.show_document(doc_id)
    edit = pane.edits["total"]
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "130.50")
    with qtbot.waitSignal(pane.corrected):
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    result = library.result(doc_id)
    assert result.fields["total"] == 130.5
    assert result.field_details["total"]["original"] == 120.0
    assert result.field_details["total"]["source"] == "user"
    assert pane.labels["total"].text().startswith("✓")
    out = tmp_path / "out.csv"
    write_csv(export_rows(library, [doc_id]), out)
    row = next(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert float(row["total"]) == 130.5


def test_enter_on_a_doubtful_field_marks_it_reviewed(qtbot, library, inbox):
    doc_id = _processed_invoice(library, inbox)
    pane = ReviewPane(library)
    qtbot.addWidget(pane)
    pane.threshold = 1.01  # every extracted field is now below the threshold
    pane.show_document(doc_id)
    pane.threshold = 1.01
    pane._fill()
    assert pane.needs_review("vendor")
    assert pane.labels["vendor"].text().startswith("⚠")
    assert "vendor" in pane.warnings.text()
    pane.edits["vendor"].setFocus()
    with qtbot.waitSignal(pane.corrected):
        qtbot.keyClick(pane.edits["vendor"], Qt.Key.Key_Return)
    assert not pane.needs_review("vendor")
    detail = library.result(doc_id).field_details["vendor"]
    assert (
        detail["source"] == "user" and detail["original"] == library.result(doc_id).fields["vendor"]
    )


def test_warnings_and_failures_are_shown_above_the_page(qtbot, library, inbox):
    bad = inbox / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 this is not really a pdf")
    outcome = library.ingest_file(bad)
    process_now(library)
    pane = ReviewPane(library)
    qtbot.addWidget(pane)
    pane.show()
    with qtbot.waitSignal(pane._tasks.failed, timeout=20_000):  # the page cannot be drawn
        pane.show_document(outcome.document_id)
    assert pane.warnings.isVisible()
    assert pane.warnings.text().startswith("✖")
    assert library.document(outcome.document_id).error in pane.warnings.text()


def test_the_box_frames_the_printed_total_on_a_real_invoice(qtbot, library, tmp_path):
    import shutil

    import pytest

    from tests.conftest import SHARED_EVAL

    source = SHARED_EVAL / "invoices" / "AzureInterior.pdf"
    if not source.exists():
        pytest.skip("the evaluation invoices are not here")
    outcome = library.ingest_file(
        shutil.copy(source, tmp_path / source.name), processor_type="invoice"
    )
    process_now(library)
    pane = ReviewPane(library)
    qtbot.addWidget(pane)
    pane.resize(900, 900)
    pane.show()
    with qtbot.waitSignal(pane.page_shown, timeout=20_000):
        pane.show_document(outcome.document_id)
    qtbot.mouseClick(pane.edits["total"], Qt.MouseButton.LeftButton)
    box = pane.page_view.highlight_on_screen().toRect()
    image = pane.page_view.image
    k = pane.page_view.zoom
    # Ink inside the box on the unzoomed page image: the total's digits are there.
    dark = 0
    for x in range(int(box.left() / k), int(box.right() / k)):
        for y in range(int(box.top() / k), int(box.bottom() / k)):
            if image.pixelColor(x, y).lightness() < 120:
                dark += 1
    assert dark > 20


def test_pages_can_be_turned_and_zoomed(qtbot, library, inbox):
    doc_id = _processed_invoice(library, inbox, extra_pages=2)
    pane = ReviewPane(library)
    qtbot.addWidget(pane)
    pane.resize(900, 800)
    pane.show()
    with qtbot.waitSignal(pane.page_shown, timeout=20_000):
        pane.show_document(doc_id)
    assert pane.page_label.text() == "Page 1 of 3"
    assert not pane.prev_page.isEnabled() and pane.next_page.isEnabled()
    first = pane.page_view.image.copy()
    with qtbot.waitSignal(pane.page_shown, timeout=20_000) as blocker:
        qtbot.mouseClick(pane.next_page, Qt.MouseButton.LeftButton)
    assert blocker.args == [2]
    assert pane.page_label.text() == "Page 2 of 3"
    assert pane.page_view.image != first  # another page is drawn
    width = pane.page_view.width()
    qtbot.mouseClick(pane.zoom_in, Qt.MouseButton.LeftButton)
    assert pane.page_view.width() > width
    qtbot.mouseClick(pane.zoom_fit, Qt.MouseButton.LeftButton)
    assert pane.page_view.width() <= pane.page_scroll.viewport().width()
    # A field on page 1 brings page 1 back, with its box.
    with qtbot.waitSignal(pane.page_shown, timeout=20_000):
        qtbot.mouseClick(pane.edits["total"], Qt.MouseButton.LeftButton)
    assert pane.page_number == 1 and pane.page_view.highlight is not None


def test_every_page_of_a_tiff_can_be_shown(qtbot, tmp_path):
    from PIL import Image

    from docrouter_desktop.gui.render import render_page

    pages = [Image.new("RGB", (200, 300), c) for c in ("white", "black", "red")]
    path = tmp_path / "scan.tiff"
    pages[0].save(path, save_all=True, append_images=pages[1:])
    first, count = render_page(path, "image/tiff", 1)
    second, _ = render_page(path, "image/tiff", 2)
    assert count == 3
    assert (first.width(), first.height()) == (200, 300)
    assert first.pixelColor(10, 10).lightness() > 200
    assert second.pixelColor(10, 10).lightness() < 50


def test_a_photo_is_shown_upright_as_its_exif_says(qtbot, tmp_path):
    from PIL import Image

    from docrouter_desktop.gui.render import render_page

    path = tmp_path / "photo.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated: to be turned 90 degrees clockwise
    Image.new("RGB", (300, 200), "white").save(path, exif=exif)
    image, _ = render_page(path, "image/jpeg", 1)
    assert (image.width(), image.height()) == (200, 300)
