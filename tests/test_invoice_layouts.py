"""Invoice layouts the letterhead rule does not cover: a seller under its heading beside or
below the buyer's block, a key-value seller block, a sender line with a British postcode, and
label wordings of other languages; each a text PDF read through the real pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF

from docrouter_desktop.core import tasks
from docrouter_desktop.core.extraction.extract import ExtractOptions
from docrouter_desktop.core.processors.base import ProcessorOptions
from docrouter_desktop.core.processors.run import run_processor

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _invoice(tmp_path: Path, lines: list[tuple[float, float, str]]) -> dict:
    """The fields of a one-page text PDF with ``(x mm, y mm, text)`` lines."""
    pdf = FPDF(format="A4")
    pdf.add_page()
    if FONT.exists():
        pdf.add_font("body", "", str(FONT))
        pdf.set_font("body", size=10)
    else:
        pdf.set_font("Helvetica", size=10)
    for x, y, text in lines:
        pdf.text(x, y, text)
    path = tmp_path / "invoice.pdf"
    pdf.output(str(path))
    pages = tasks.extract_task(str(path), "application/pdf", [1], ExtractOptions())
    return run_processor("auto", pages, ProcessorOptions(), str(path))["fields"]


TOTALS = [
    (15, 120, "Description Qty Unit price Amount"),
    (15, 126, "Logo design 1 500.00 500.00"),
    (110, 140, "Subtotal"),
    (165, 140, "500.00"),
    (110, 146, "VAT 20%"),
    (165, 146, "100.00"),
    (110, 152, "Amount due"),
    (165, 152, "£600.00"),
]


def test_a_seller_under_its_heading_beside_the_buyers_block(tmp_path):
    fields = _invoice(
        tmp_path,
        [
            (15, 30, "Bill To:"),
            (15, 35, "Harbour Print Limited"),
            (15, 40, "Mill Lane 4"),
            (15, 45, "Leeds LS1 4AP"),
            (120, 30, "Supplier:"),
            (120, 35, "Kestrel Design Ltd"),
            (120, 40, "King Road 22"),
            (120, 45, "London EC1A 1BB"),
            (15, 70, "INVOICE"),
            (15, 78, "Inv. No. R-655/20"),
            (15, 84, "Date of issue: 14/03/2024"),
            *TOTALS,
        ],
    )
    assert fields["vendor"] == "Kestrel Design Ltd"
    assert fields["invoice_number"] == "R-655/20"
    assert fields["total"] == 600.0 and fields["currency"] == "GBP"


def test_a_seller_heading_under_the_buyers_block_ends_it(tmp_path):
    fields = _invoice(
        tmp_path,
        [
            (15, 30, "Bill To:"),
            (15, 35, "Acme Corp"),
            (15, 40, "1 Main St, Springfield"),
            (15, 45, "Seller:"),
            (15, 50, "Bluebird Design Ltd"),
            (15, 55, "22 King Road, London"),
            (15, 70, "INVOICE"),
            (15, 78, "Invoice No: INV-7781"),
            (15, 84, "Invoice Date: 14 March 2024"),
            *TOTALS,
        ],
    )
    assert fields["vendor"] == "Bluebird Design Ltd"


def test_a_key_value_seller_block_gives_the_name_not_a_label(tmp_path):
    fields = _invoice(
        tmp_path,
        [
            (15, 20, "Handelsrechnung Nr. 471113 vom 13.06.2018"),
            (15, 30, "Verkäufer:"),
            (15, 35, "Nummer"),
            (60, 35, ": 549910"),
            (15, 40, "Globale Nummer: 4000001123452 (GLN)"),
            (15, 45, "NORDLICHT WERKZEUGE GMBH"),
            (15, 50, "BAHNHOFSTRASSE 99"),
            (15, 60, "Käufer:"),
            (15, 65, "Kunden AG Mitte"),
            (110, 140, "Gesamtbetrag"),
            (165, 140, "119,00 EUR"),
        ],
    )
    assert fields["vendor"] == "NORDLICHT WERKZEUGE GMBH"
    assert fields["date"] == "2018-06-13"


def test_a_sender_line_with_a_british_postcode_names_the_seller(tmp_path):
    fields = _invoice(
        tmp_path,
        [
            (15, 25, "Granite Print Inc. · High Street 46 · Bristol BS1 5TR"),
            (15, 32, "Invoice to:"),
            (15, 37, "Oakfield Systems Ltd"),
            (15, 42, "Station Road 8"),
            (15, 70, "Invoice"),
            (15, 78, "Invoice Number: 30061"),
            (15, 84, "Date: 2 November 2024"),
            *TOTALS,
        ],
    )
    assert fields["vendor"] == "Granite Print Inc."
    assert fields["vendor"] != "Oakfield Systems Ltd"


@pytest.mark.parametrize(
    "label_lines, number, day",
    [
        (["Numero fattura: 2024-849", "Data documento: 18/04/2025"], "2024-849", "2025-04-18"),
        (
            ["Réf. facture : 2019-089", "Date de facture : 18 juillet 2025"],
            "2019-089",
            "2025-07-18",
        ),
    ],
)
def test_label_wordings_of_other_languages(tmp_path, label_lines, number, day):
    fields = _invoice(
        tmp_path,
        [
            (15, 20, "Ponte Servizi S.r.l."),
            (15, 26, "Via Roma 53, 20121 Milano"),
            (15, 60, "FATTURA" if "fattura" in label_lines[0] else "FACTURE"),
            (15, 68, label_lines[0]),
            (15, 74, label_lines[1]),
            (110, 140, "Totale" if "fattura" in label_lines[0] else "Total TTC"),
            (165, 140, "96,00 EUR"),
        ],
    )
    assert fields["invoice_number"] == number
    assert fields["date"] == day


def test_a_totals_label_is_never_the_seller(tmp_path):
    fields = _invoice(
        tmp_path,
        [
            (15, 20, "Cliente:"),
            (15, 25, "Tienda Sol S.L."),
            (120, 20, "Proveedor:"),
            (120, 25, "Sierra Soluciones S.A."),
            (15, 50, "FACTURA"),
            (15, 56, "Factura nº 2024/88"),
            (15, 62, "Fecha: 03/05/2024"),
            (95, 80, "Base imponible"),
            (130, 80, "IVA"),
            (165, 80, "Total"),
            (95, 86, "200,00"),
            (130, 86, "42,00"),
            (165, 86, "242,00"),
        ],
    )
    assert fields["vendor"] == "Sierra Soluciones S.A."
    assert fields["total"] == 242.0
