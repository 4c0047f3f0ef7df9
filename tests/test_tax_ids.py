"""Seller and buyer VAT IDs: candidates in tricky forms, checked with their check digits, told
apart by labels and position on invoices of ten countries, and read from a scan through OCR."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from fpdf import FPDF

from docrouter_desktop.core import tasks
from docrouter_desktop.core.extraction.extract import ExtractOptions, extract_pages
from docrouter_desktop.core.extraction.pages import PageContent, Word
from docrouter_desktop.core.processors.base import DocumentView, ProcessorOptions
from docrouter_desktop.core.processors.receipt import ReceiptProcessor
from docrouter_desktop.core.processors.run import run_processor
from docrouter_desktop.core.processors.tax_ids import find_candidates, find_tax_ids

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


# --- candidates in one line -----------------------------------------------------------------


def _values(text: str, language: str = "en") -> list[tuple[str, bool]]:
    return [(c.value, c.valid) for c in find_candidates(text, False, language)]


@pytest.mark.parametrize(
    "text, language, value",
    [
        ("USt-IdNr.: DE 136 695 976", "de", "DE136695976"),
        ("UID: CHE-116.281.710 MWST", "de", "CHE116281710"),
        ("CHE-116.281.710 TVA", "fr", "CHE116281710"),
        ("VAT Reg No: GB 980 7806 84", "en", "GB980780684"),
        ("VAT: 980 7806 84", "en", "GB980780684"),
        ("Org.nr NO 974 760 673 MVA", "en", "NO974760673MVA"),
        ("Org. nr 974 760 673 MVA", "en", "NO974760673MVA"),
        ("N° TVA intracommunautaire : FR 40 303265045", "fr", "FR40303265045"),
        ("BTW BE 0403.019.261", "nl", "BE0403019261"),
        ("UID-Nr. ATU13585627", "de", "ATU13585627"),
        ("BTW-nummer: NL004495445B01", "nl", "NL004495445B01"),
        ("Partita IVA 00743110157", "it", "IT00743110157"),
        ("P.IVA: IT00743110157", "it", "IT00743110157"),
        ("CIF: B58378431", "es", "ESB58378431"),
        ("NIF B-58378431", "es", "ESB58378431"),
        ("EL 094259216", "en", "EL094259216"),
        ("GR094259216", "en", "EL094259216"),
        ("XI 980 7806 84", "en", "XI980780684"),
        ("Steuernummer 123/456/78901 USt-IdNr. DE136695976", "de", "DE136695976"),
        ("Sitz Berlin, HRB 12345, Geschäftsführer: M. Roth, USt-ID DE136695976", "de",
         "DE136695976"),
    ],
)  # fmt: skip
def test_a_vat_id_in_its_printed_forms(text, language, value):
    assert _values(text, language) == [(value, True)]


@pytest.mark.parametrize(
    "text",
    [
        "IBAN: DE89 3704 0044 0532 0130 00",  # an IBAN, labelled
        "DE89 3704 0044 0532 0130 00",  # an IBAN on its own
        "BE68 5390 0754 7034",
        "Tel. +49 30 136695976",  # a phone number
        "Fax +41 44 116 281 710",
        "Invoice No: DE136695976",  # an invoice number that looks like an ID
        "INVOICE NO. 974760673",  # "NO." is "number"
        "RE-DE136695976",  # part of a longer reference
        "DE136695975",  # the check digit fails and no label says VAT
        "MwSt. 19% 1.234.567,89",  # an amount after the tax's name
        "VAT 20% 1234567.89",
        "Total TVA 12 345 678",
        "CH-8001 Zürich",  # a postcode with its country
        "NL-1234 AB Amsterdam",
    ],
)
def test_what_is_not_a_vat_id(text):
    assert _values(text, "fr" if "TVA" in text else "en") == []


def test_a_labelled_id_that_fails_its_check_is_kept_as_invalid():
    assert _values("USt-IdNr.: DE136695975", "de") == [("DE136695975", False)]


def test_the_label_says_whose_it_is():
    got = find_candidates("Our VAT ID DE136695976, your VAT ID ATU13585627")
    assert [(c.value, c.buyer) for c in got] == [("DE136695976", False), ("ATU13585627", True)]
    assert find_candidates("Ihre USt-IdNr.: DE136695976", language="de")[0].buyer
    assert find_candidates("N° TVA client : FR40303265045", language="fr")[0].buyer


# --- on an invoice --------------------------------------------------------------------------


def _pdf(path: Path, lines: list[tuple[float, float, str]], big: str = "") -> Path:
    pdf = FPDF(format="A4")
    pdf.add_page()
    if FONT.exists():
        pdf.add_font("body", "", str(FONT))
        font = "body"
    else:
        font = "Helvetica"
    if big:
        pdf.set_font(font, size=16)
        pdf.text(15, 18, big)
    pdf.set_font(font, size=10)
    for x, y, text in lines:
        pdf.text(x, y, text)
    pdf.output(str(path))
    return path


def _result(path: Path, content_type: str = "application/pdf") -> dict:
    pages = tasks.extract_task(str(path), content_type, [1], ExtractOptions())
    return run_processor("invoice", pages, ProcessorOptions(), str(path))


def _totals(y: float = 150) -> list[tuple[float, float, str]]:
    return [
        (15, y - 20, "Description Qty Unit price Amount"),
        (15, y - 14, "Consulting 1 500.00 500.00"),
        (110, y, "Subtotal"),
        (165, y, "500.00"),
        (110, y + 6, "VAT 20%"),
        (165, y + 6, "100.00"),
        (110, y + 12, "Total"),
        (165, y + 12, "600.00"),
    ]


# Each country's seller: (letterhead name, its lines, buyer heading and lines, footer lines,
# the seller's and the buyer's expected IDs).
CASES = {
    "DE": (
        "Nordlicht Software GmbH",
        [(15, 24, "Hafenstraße 12, 20457 Hamburg")],
        ["Rechnungsempfänger:", "Berger Maschinenbau AG", "Industrieweg 4", "80331 München",
         "USt-IdNr.: DE 298 765 435"],
        ["Nordlicht Software GmbH · Amtsgericht Hamburg HRB 12345 · USt-IdNr. DE 811 234 565",
         "IBAN DE89 3704 0044 0532 0130 00 · Tel. +49 40 123456"],
        "DE811234565", "DE298765435",
    ),
    "FR": (
        "Atelier Lumière SARL",
        [(15, 24, "12 rue des Lilas, 75011 Paris"),
         (15, 29, "N° TVA intracommunautaire : FR 75 512345679")],
        ["Client :", "Maison Dubois SAS", "4 avenue Foch", "69006 Lyon"],
        ["SARL au capital de 10 000 € · RCS Paris 512 345 679"],
        "FR75512345679", None,
    ),
    "NL": (
        "Molen Webdesign B.V.",
        [(15, 24, "Kerkstraat 8, 1017 GC Amsterdam")],
        ["Klant:", "Brasserie Vos BV", "Grote Markt 3", "9000 Gent", "BTW: BE 0456.789.133"],
        ["KvK 12345678 · BTW-nummer NL812345678B01 · IBAN NL91 ABNA 0417 1643 00"],
        "NL812345678B01", "BE0456789133",
    ),
    "BE": (
        "Brasserie Vos BV",
        [(15, 24, "Grote Markt 3, 9000 Gent"), (15, 29, "BTW BE 0403.019.261")],
        ["Factuuradres:", "Molen Webdesign B.V.", "Kerkstraat 8", "1017 GC Amsterdam"],
        ["IBAN BE68 5390 0754 7034"],
        "BE0403019261", None,
    ),
    "IT": (
        "Ferri Arredamenti S.r.l.",
        [(15, 24, "Via Roma 10, 20121 Milano"), (15, 29, "P.IVA 00743110157")],
        ["Destinatario:", "Cliente Mobili Srl", "Corso Italia 5", "00100 Roma",
         "Partita IVA: IT12345679992"],
        [],
        "IT00743110157", "IT12345679992",
    ),
    "ES": (
        "Distribuciones Olivar S.L.",
        [(15, 24, "Calle Mayor 7, 28013 Madrid"), (15, 29, "CIF: B58378431")],
        ["Facturar a:", "Comercial Sierra S.L.", "Avenida del Puerto 2", "46021 Valencia",
         "NIF: B87654323"],
        [],
        "ESB58378431", "ESB87654323",
    ),
    "AT": (
        "Alpen Druck GmbH",
        [(15, 24, "Mariahilfer Straße 20, 1070 Wien")],
        ["Rechnungsempfänger:", "Berger Maschinenbau AG", "Industrieweg 4", "80331 München"],
        ["Alpen Druck GmbH · FN 123456a · UID: ATU13585627"],
        "ATU13585627", None,
    ),
    "GB": (
        "Kestrel Design Ltd",
        [(15, 24, "22 King Road, London EC1A 1BB"), (15, 29, "VAT Reg No: GB 980 7806 84")],
        ["Bill To:", "Harbour Print Limited", "Mill Lane 4", "Leeds LS1 4AP",
         "VAT No: GB 123 4567 82"],
        ["Registered in England and Wales No. 01234567"],
        "GB980780684", "GB123456782",
    ),
    "CH": (
        "Bergblick Consulting AG",
        [(15, 24, "Bahnhofstrasse 1, 8001 Zürich")],
        ["Kunde:", "Berger Maschinenbau AG", "Industrieweg 4", "80331 München",
         "USt-IdNr.: DE 298 765 435"],
        ["Bergblick Consulting AG · CHE-116.281.710 MWST"],
        "CHE116281710", "DE298765435",
    ),
    "NO": (
        "Fjord Tech AS",
        [(15, 24, "Karl Johans gate 5, 0154 Oslo"), (15, 29, "Org.nr NO 974 760 673 MVA")],
        ["Customer:", "Kestrel Design Ltd", "22 King Road", "London EC1A 1BB"],
        [],
        "NO974760673MVA", None,
    ),
}  # fmt: skip


def _letter(path: Path, case) -> Path:
    name, head, buyer, footer, _seller, _buyer = case
    lines = list(head)
    lines += [(15, 55 + 5 * i, text) for i, text in enumerate(buyer)]
    lines += [(120, 55, "Invoice no. 2024-117"), (120, 60, "Date: 05.03.2024")]
    lines += _totals()
    lines += [(15, 270 + 5 * i, text) for i, text in enumerate(footer)]
    return _pdf(path, lines, big=name)


@pytest.mark.parametrize("country", sorted(CASES))
def test_seller_and_buyer_ids_on_invoices_of_ten_countries(tmp_path, country):
    case = CASES[country]
    result = _result(_letter(tmp_path / f"{country}.pdf", case))
    fields, details = result["fields"], result["field_details"]
    assert fields["vendor"] == case[0]
    assert fields["vendor_vat_id"] == case[4]
    assert details["vendor_vat_id"]["confidence"] >= 0.85
    assert details["vendor_vat_id"]["bbox"] and details["vendor_vat_id"]["page"] == 1
    assert fields["buyer_vat_id"] == case[5]
    if case[5]:
        assert details["buyer_vat_id"]["confidence"] >= 0.85
        assert "buyer" in details["buyer_vat_id"]["rule"]
    assert not [w for w in result["warnings"] if "VAT ID" in w]


def test_an_id_that_fails_its_check_digits_is_flagged(tmp_path):
    name, head, buyer, footer, _s, _b = CASES["DE"]
    footer = [footer[0].replace("DE 811 234 565", "DE 811 234 566")]
    result = _result(_letter(tmp_path / "bad.pdf", (name, head, buyer, footer, None, None)))
    fields, details = result["fields"], result["field_details"]
    assert fields["vendor_vat_id"] == "DE811234566"
    assert details["vendor_vat_id"]["confidence"] <= 0.3
    assert "check digits fail" in details["vendor_vat_id"]["rule"]
    assert any("DE811234566" in w and "check digits" in w for w in result["warnings"])
    assert fields["buyer_vat_id"] == "DE298765435"  # the valid one is still the buyer's


def test_the_buyers_id_by_an_address_without_heading(tmp_path):
    lines = [
        (15, 24, "Hafenstraße 12, 20457 Hamburg · USt-IdNr. DE 811 234 565"),
        (15, 50, "Berger Maschinenbau AG"),
        (15, 55, "Industrieweg 4"),
        (15, 60, "80331 München"),
        (15, 65, "USt-IdNr. DE 298 765 435"),
        (120, 50, "Rechnung Nr. 2024-117"),
        (120, 55, "Datum: 05.03.2024"),
        *_totals(),
    ]
    result = _result(_pdf(tmp_path / "din.pdf", lines, big="Nordlicht Software GmbH"))
    fields, details = result["fields"], result["field_details"]
    assert fields["vendor_vat_id"] == "DE811234565"
    assert fields["buyer_vat_id"] == "DE298765435"
    assert details["buyer_vat_id"]["confidence"] < 0.8


def test_a_buyer_label_in_the_details_column(tmp_path):
    lines = [
        (15, 24, "Hafenstraße 12, 20457 Hamburg"),
        (120, 50, "Rechnung Nr. 2024-117"),
        (120, 55, "Ihre USt-IdNr.: DE 298 765 435"),
        (120, 60, "Unsere USt-IdNr.: DE 811 234 565"),
        *_totals(),
    ]
    result = _result(_pdf(tmp_path / "cols.pdf", lines, big="Nordlicht Software GmbH"))
    assert result["fields"]["buyer_vat_id"] == "DE298765435"
    assert result["fields"]["vendor_vat_id"] == "DE811234565"


def test_one_id_that_nothing_says_is_the_buyers_is_the_sellers(tmp_path):
    lines = [(15, 24, "Kerkstraat 8, Amsterdam"), (15, 100, "NL812345678B01"), *_totals()]
    result = _result(_pdf(tmp_path / "one.pdf", lines, big="Molen Webdesign B.V."))
    assert result["fields"]["vendor_vat_id"] == "NL812345678B01"
    assert result["fields"]["buyer_vat_id"] is None


def test_a_label_with_its_value_on_the_line_below(tmp_path):
    lines = [
        (15, 24, "Hafenstraße 12, 20457 Hamburg"),
        (140, 250, "USt-IdNr."),
        (140, 255, "DE811234566"),
        *_totals(),
    ]
    result = _result(_pdf(tmp_path / "below.pdf", lines, big="Nordlicht Software GmbH"))
    # Labelled, so kept although it fails its check, and flagged.
    assert result["fields"]["vendor_vat_id"] == "DE811234566"
    assert result["field_details"]["vendor_vat_id"]["confidence"] <= 0.3


def test_no_vat_id_on_an_invoice_without_one(tmp_path):
    lines = [
        (15, 24, "Hafenstraße 12, 20457 Hamburg · Tel. +49 40 136695976"),
        (120, 50, "Invoice No: DE136695976"),
        (15, 270, "IBAN DE89 3704 0044 0532 0130 00 · BIC COBADEFFXXX"),
        *_totals(),
    ]
    result = _result(_pdf(tmp_path / "none.pdf", lines, big="Nordlicht Software GmbH"))
    assert result["fields"]["vendor_vat_id"] is None
    assert result["fields"]["buyer_vat_id"] is None


@pytest.mark.slow
def test_a_scanned_invoice_through_ocr(tmp_path):
    pdf_path = _letter(tmp_path / "scan.pdf", CASES["GB"])
    page = pdfium.PdfDocument(str(pdf_path))[0]
    png = tmp_path / "scan.png"
    page.render(scale=200 / 72).to_pil().convert("L").save(png, dpi=(200, 200))
    pages = extract_pages(str(png), "image/png", [1], ExtractOptions())
    assert pages[0].text_source == "ocr"
    result = run_processor("invoice", pages, ProcessorOptions(), str(png))
    details = result["field_details"]
    assert result["fields"]["vendor_vat_id"] == "GB980780684"
    assert details["vendor_vat_id"]["source"] == "ocr"
    assert details["vendor_vat_id"]["confidence"] >= 0.8
    assert result["fields"]["buyer_vat_id"] == "GB123456782"


# --- receipts -------------------------------------------------------------------------------


def _view(lines: list[str]) -> DocumentView:
    words = []
    for i, line in enumerate(lines):
        x = 0.0
        for token in line.split():
            words.append(Word(token, x, i * 12.0, x + 6.0 * len(token), i * 12.0 + 10, 1.0, i))
            x += 6.0 * (len(token) + 1)
    page = PageContent(1, 300.0, 12.0 * len(lines) + 20, "text", words, "\n".join(lines))
    return DocumentView([page], ProcessorOptions(embedded_data=False, calibrated=False))


def test_a_till_receipts_gst_number_is_the_shops():
    view = _view(
        [
            "KEDAI RUNCIT MAJU SDN BHD",
            "GST ID : 000123456789",
            "Date: 25/12/2018",
            "TOTAL RM 9.00",
            "CASH RM 10.00",
        ]
    )
    out = ReceiptProcessor().run(view)
    assert out.fields["vendor_vat_id"] == "000123456789"
    assert out.field_details["vendor_vat_id"]["confidence"] < 0.8
    assert "buyer_vat_id" not in out.fields


def test_a_receipt_reports_no_buyer():
    view = _view(["CAFE AM MARKT", "USt-IdNr. DE811234565", "Kunden-USt-IdNr. DE298765435"])
    seller, buyer, warnings = find_tax_ids(view, None, with_buyer=False)
    assert seller is not None and seller.value == "DE811234565"
    assert buyer is None and warnings == []
