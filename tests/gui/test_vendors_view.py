"""The Vendors view and the new fields in the review form: the memory taught by a correction in
the window is listed, edited in place and merged through the engine; the payment's parts and
the VAT IDs are fields of the form, corrected one by one."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt

from docrouter_desktop.gui.review import ReviewPane
from docrouter_desktop.gui.vendors import COLUMNS
from tests.gui.conftest import process_now
from tests.test_vendor_memory import IBAN, VAT, _invoice

OTHER_VAT, OTHER_IBAN = "ATU13585627", "AT611904300234573201"


def _column(attr: str) -> int:
    return next(i for i, c in enumerate(COLUMNS) if c[1] == attr)


def _processed(library, path) -> str:
    doc_id = library.ingest_file(path, processor_type="invoice").document_id
    process_now(library)
    return doc_id


def test_vendors_view_lists_edits_and_merges_the_memory(qtbot, quiet_window, inbox, monkeypatch):
    library = quiet_window.library
    first = _processed(library, _invoice(inbox / "a.txt", "R-1", iban=IBAN))
    second = _processed(library, _invoice(inbox / "b.txt", "R-2", vat=OTHER_VAT, iban=OTHER_IBAN))
    engine = quiet_window.engine
    engine.call_and_wait("correct", first, {"vendor": "Müller Bürobedarf GmbH"})
    engine.call_and_wait("correct", second, {"vendor": "Mueller Buerobedarf"})

    view = quiet_window.show_vendors()
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=10_000)
    model = view.model
    names = [model.index(r, 0).data() for r in range(2)]
    assert names == ["Mueller Buerobedarf", "Müller Bürobedarf GmbH"]
    row = names.index("Müller Bürobedarf GmbH")
    assert model.index(row, _column("vat_ids")).data() == VAT
    assert model.index(row, _column("ibans")).data() == IBAN
    assert model.index(row, _column("times_right")).data() == "1 of 1 (83%)"
    assert not model.flags(model.index(row, _column("vat_ids"))) & Qt.ItemFlag.ItemIsEditable

    # An edit in place goes through the engine and comes back in the list.
    with qtbot.waitSignal(view.changed, timeout=10_000):
        assert model.setData(model.index(row, _column("account")), "4930")
    qtbot.waitUntil(lambda: model.index(row, _column("account")).data() == "4930", timeout=10_000)
    assert library.vendors()[row].account == "4930"

    # Merge: the one the user keeps takes the other's keys.
    asked = []

    def keep_the_accented(a, b):
        asked.append((a.name, b.name))
        return a if a.name.startswith("Mü") else b

    monkeypatch.setattr(view, "ask_which_to_keep", keep_the_accented)
    assert not view.merge_button.isEnabled()
    selection = view.table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    selection.select(model.index(row, 0), flags)
    selection.select(model.index(1 - row, 0), flags)
    assert view.merge_button.isEnabled()
    with qtbot.waitSignal(view.changed, timeout=10_000):
        view.merge_button.click()
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=10_000)
    assert asked == [("Mueller Buerobedarf", "Müller Bürobedarf GmbH")]
    [merged] = library.vendors()
    assert merged.name == "Müller Bürobedarf GmbH"
    assert sorted(merged.vat_ids) == sorted([VAT, OTHER_VAT])
    assert sorted(merged.ibans) == sorted([IBAN, OTHER_IBAN])
    view.resize(1000, 300)
    view.grab().save("/tmp/vendors_view.png") if view.isVisible() else None

    # The view's search narrows the list; a search that matches nothing says so.
    view.search.setText("nothing like it")
    qtbot.waitUntil(lambda: model.rowCount() == 0, timeout=10_000)
    assert "No vendor matches" in view.status.text()


def test_payment_parts_and_vat_ids_are_fields_of_the_form(qtbot, library, inbox):
    doc_id = _processed(library, _invoice(inbox / "a.txt", "R-1", iban=IBAN))
    pane = ReviewPane(library)
    qtbot.addWidget(pane)
    pane.resize(900, 800)
    pane.show()
    pane.show_document(doc_id)
    assert pane.edits["vendor_vat_id"].text() == VAT
    assert pane.edits["payment.iban"].text() == IBAN
    assert pane.labels["payment.iban"].text().endswith("payment iban")

    edit = pane.edits["payment.reference"]
    edit.setFocus()
    qtbot.keyClicks(edit, "RF18539007547034")
    with qtbot.waitSignal(pane.corrected, timeout=10_000):
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    result = library.result(doc_id)
    assert result.fields["payment"]["reference"] == "RF18539007547034"
    assert result.fields["payment"]["iban"] == IBAN  # the other parts stay
    part = result.field_details["payment"]["parts"]["reference"]
    assert part["source"] == "user" and part["original"] is None
    assert pane.labels["payment.reference"].text().startswith("✓")

    # A corrected part survives processing again, and reverts to what was found.
    library.reprocess(doc_id)
    process_now(library)
    again = library.result(doc_id)
    assert again.fields["payment"]["reference"] == "RF18539007547034"
    library.revert_fields(doc_id, ["payment.reference"])
    assert library.result(doc_id).fields["payment"]["reference"] is None


def test_an_e_invoice_xml_is_shown_as_a_readable_page(qtbot, tmp_path):
    from PySide6.QtGui import QColor

    from docrouter_desktop.gui.render import render_page
    from tests.einvoice_samples import SAMPLES

    path = tmp_path / "invoice.xml"
    path.write_text(SAMPLES["ubl_xrechnung"], encoding="utf-8")
    image, pages = render_page(path, "application/xml", 1)
    assert pages == 1 and not image.isNull()
    assert image.height() > image.width() > 500  # a page, portrait
    dark = sum(
        1
        for x in range(0, image.width(), 7)
        for y in range(0, image.height(), 7)
        if QColor(image.pixel(x, y)).lightness() < 100
    )
    assert dark > 200  # text was drawn
    image.save("/tmp/xml_render.png")
