"""Invoice and receipt processors and ``auto`` routing over generated documents, end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from docrouter_desktop.core.extraction.extract import ExtractOptions, extract_pages
from docrouter_desktop.core.processors.base import ProcessorOptions
from docrouter_desktop.core.processors.run import run_processor
from tests import factories


def _run(path: Path, content_type: str, processor: str = "auto", **options) -> dict:
    pages = extract_pages(str(path), content_type, [1], ExtractOptions())
    pdf = str(path) if content_type == "application/pdf" else None
    return run_processor(processor, pages, ProcessorOptions(**options), pdf)


def _text(path: Path, body: str) -> Path:
    path.write_text(body, encoding="utf-8")
    return path


def test_invoice_pdf_fields_rules_and_confidence(tmp_path):
    pdf = factories.invoice_pdf(
        tmp_path / "inv.pdf", vendor="Brightspark GmbH", number="RE-2024-117", date="15/03/2024"
    )
    result = _run(pdf, "application/pdf")
    fields, details = result["fields"], result["field_details"]
    assert result["processor_type"] == "invoice"
    assert fields["vendor"] == "Brightspark GmbH"
    assert fields["invoice_number"] == "RE-2024-117"
    assert fields["date"] == "2024-03-15"
    assert (fields["subtotal"], fields["tax"], fields["total"]) == (100.0, 20.0, 120.0)
    assert fields["currency"] == "EUR"
    assert details["total"]["confidence"] >= 0.8
    assert "subtotal + tax agree" in details["total"]["rule"]
    assert result["warnings"] == []


def test_totals_that_do_not_add_up_are_flagged_and_not_confident(tmp_path):
    body = (
        "Acme Supplies Ltd\n12 Dock Road, Leeds LS1 4AB\n\nINVOICE\nInvoice No: 5561\n"
        "Invoice Date: 02/05/2024\n\nSubtotal        100.00\nVAT 20%          20.00\n"
        "Total due GBP   130.00\n"
    )
    result = _run(_text(tmp_path / "inv.txt", body), "text/plain", "invoice")
    assert result["fields"]["total"] == 130.0
    assert result["field_details"]["total"]["confidence"] < 0.8
    assert any(w.startswith("Totals do not add up") for w in result["warnings"])


def test_gross_total_is_chosen_over_the_amount_due_after_prepayment(tmp_path):
    body = (
        "Lieferant GmbH\nHauptstr. 1, 10115 Berlin\n\nRechnung Nr. 4711 vom 05.03.2018\n\n"
        "Rechnungssumme ohne USt.     193,77\nSteuerbetrag                  21,30\n"
        "Bruttosumme                  215,07\nErhaltene Anzahlungen        -50,00\n"
        "Zahlbetrag                   165,07\nBankverbindung IBAN DE02120300000000202051\n"
    )
    result = _run(_text(tmp_path / "re.txt", body), "text/plain")
    fields = result["fields"]
    assert result["processor_type"] == "invoice"
    assert fields["total"] == 215.07 and fields["subtotal"] == 193.77 and fields["tax"] == 21.3
    assert fields["invoice_number"] == "4711"
    assert fields["date"] == "2018-03-05"


def test_credit_note_amounts_are_magnitudes_but_a_corrective_invoice_keeps_its_sign(tmp_path):
    credit = (
        "Nordwind B.V.\nKade 3, 1011 AB Amsterdam\n\nCREDIT NOTE\nCredit note No: CN-88\n"
        "Date: 01/02/2024\nSubtotal   -50.00\nVAT        -10.50\nTotal EUR  -60.50\n"
    )
    result = _run(_text(tmp_path / "cn.txt", credit), "text/plain", "invoice")
    assert result["fields"]["document_type"] == "credit_note"
    assert result["fields"]["total"] == 60.5
    corrective = credit.replace("CREDIT NOTE", "INVOICE").replace("Credit note No", "Invoice No")
    result = _run(_text(tmp_path / "ci.txt", corrective), "text/plain", "invoice")
    assert result["fields"]["document_type"] == "invoice"
    assert result["fields"]["total"] == -60.5


def test_vendor_named_by_the_bank_account_holder_beats_the_customer_block(tmp_path):
    body = (
        "ALEXCORP\n27 rue des Lilas\n69100 Villeurbanne\n\nFacture n° 2022089083\n"
        "Date : 28/11/2022\nTotal HT : 46,68 €\nTVA 20% : 9,34 €\nTotal TTC : 56,02 €\n\n"
        "Virement - Titulaire du compte : PRESSELINE\nPRESSELINE\n"
        "contact@presseline.fr\n"
    )
    result = _run(_text(tmp_path / "f.txt", body), "text/plain", "invoice")
    fields = result["fields"]
    assert fields["vendor"] == "PRESSELINE"
    assert "named as the seller" in result["field_details"]["vendor"]["rule"]
    assert fields["invoice_number"] == "2022089083"
    assert fields["total"] == 56.02 and fields["currency"] == "EUR"


def test_receipt_text_total_by_cash_minus_change(tmp_path):
    body = (
        "KEDAI RUNCIT MAJU SDN BHD\n(123456-X)\nNO. 7, JALAN MAWAR 3,\n81750 MASAI, JOHOR\n"
        "TEL: 07-1234567\nDate: 25/12/2018 10:02 Cashier: 2\nBREAD    2 x 2.40    4.80\n"
        "MILK                4.20\nTOTAL QTY: 3\nTotal Sales (Incl GST)   RM 9.00\n"
        "CASH     RM 10.00\nCHANGE   RM 1.00\nTHANK YOU, PLEASE COME AGAIN\n"
    )
    result = _run(_text(tmp_path / "r.txt", body), "text/plain")
    fields, details = result["fields"], result["field_details"]
    assert result["processor_type"] == "receipt"
    assert fields["total"] == 9.0
    assert "cash minus change agrees" in details["total"]["rule"]
    assert details["total"]["confidence"] >= 0.8
    assert fields["date"] == "2018-12-25"
    assert fields["vendor"] == "KEDAI RUNCIT MAJU SDN BHD"
    assert fields["vendor_address"] == "NO. 7, JALAN MAWAR 3, 81750 MASAI, JOHOR"
    assert fields["currency"] == "MYR"


@pytest.mark.slow
def test_receipt_photo_through_ocr(tmp_path):
    img = factories.text_image(tmp_path / "receipt.jpg", factories.RECEIPT_LINES, fmt="JPEG")
    result = _run(img, "image/jpeg")
    assert result["processor_type"] == "receipt"
    assert result["fields"]["total"] == 5.5
    assert result["fields"]["date"] == "2024-05-02"
    assert result["field_details"]["total"]["source"] == "ocr"


def test_routing_reads_content_not_file_type(tmp_path):
    # A receipt saved as a PDF is still a receipt; an invoice as plain text is an invoice.
    receipt_pdf = factories.invoice_pdf(tmp_path / "x.pdf")  # an invoice layout, as a control
    assert _run(receipt_pdf, "application/pdf")["processor_type"] == "invoice"
    letter = _text(tmp_path / "letter.txt", "Dear Sam,\nsee you on Monday.\nBest, Alex\n")
    result = _run(letter, "text/plain")
    assert result["processor_type"] == "text"
    assert result["routing"].startswith("text:")
    till = _text(
        tmp_path / "till.txt",
        "CORNER CAFE\nCashier: Ann 14:02\nLatte 3.20\nTOTAL 3.20\nCASH 5.00\nCHANGE 1.80\n"
        "Thank you\n",
    )
    result = _run(till, "text/plain")
    assert result["processor_type"] == "receipt"
    assert "cash" in result["routing"]


def test_flattened_totals_table_with_two_tax_rates_is_solved_by_arithmetic(tmp_path):
    body = (
        "Muster GmbH\nHauptstr. 1, 80331 München\n\nRechnung Nr. 471102 vom 05.03.2013\n"
        "Steuerbasisbetrag Rechnungssumme USt. Netto Brutto 7% 19% 275,00 198,00 473,00 "
        "529,87 37,62 19,25\nZahlbar innerhalb 30 Tagen\n"
    )
    result = _run(_text(tmp_path / "re.txt", body), "text/plain", "invoice")
    fields, details = result["fields"], result["field_details"]
    assert (fields["total"], fields["subtotal"], fields["tax"]) == (529.87, 473.0, 56.87)
    # The rule's own score (the model's probability is fitted on documents, not this rule):
    assert details["total"]["score"] < 0.8  # arithmetic alone, on a crowded line


def test_the_quick_line_checks_let_every_seller_phrase_and_legal_notice_through():
    from docrouter_desktop.core.processors.seller_clues import (
        LEGAL_NOTICE,
        LEGAL_NOTICE_CUES,
        SELLER_CUES,
        SELLER_PHRASES,
        may_match,
    )

    named = [
        "Sold by: Acme Widgets Ltd",
        "Verkauft von Muster GmbH",
        "vendu par Free SAS",
        "Verkocht door Coolblue B.V.",
        "Titulaire du compte : Free SAS",
        "KONTOINHABER: Rohstoff AG",
        "Account holder: Jane Smith",
        "Account Name - Acme Ltd",
        "Beneficiary: Acme Ltd",
        "Begunstigter: Muster GmbH",
        "Begünstigter: Muster GmbH",
        "Rekeninghouder: Bol.com",
        "Ten name van Jansen BV",
        "T.N.V. Jansen BV",
        "Payable to Acme Widgets",
        "Payment received by Acme Ltd",
        "(c) 2024 Acme Widgets",
        "© Acme Widgets",
        "Seller: Amazon EU",
        "SUPPLIER : Acme Ltd",
        "Vendor: Acme Ltd",
        "Verkaufer: Muster GmbH",
        "Verkäufer: Muster GmbH",
        "Lieferant: Muster GmbH",
        "Fournisseur: Free SAS",
        "Vendeur: Free SAS",
        "Leverancier: Jansen BV",
    ]
    for line in named:
        assert SELLER_PHRASES.search(line), line
        assert may_match(line, SELLER_CUES), line
    for line in ["payment terms account supplier 12,50", "invoice total due 15/03/2024"]:
        assert not SELLER_PHRASES.search(line) and not may_match(line, SELLER_CUES)
    notices = [
        "Free SAS au capital de 3 441 812 euros",
        "QualityHosting AG Vorstand: Max Muster",
        "Muster GmbH mit Sitz in Berlin",
        "Muster GmbH Geschaftsfuhrer: Max Muster",
        "Muster GmbH Geschäftsführer: Max Muster",
        "Muster GmbH Handelsregister HRB 1234",
        "Acme Ltd registered in England",
        "Jansen BV KvK 12345678",
        "Free SAS siege social Paris",
        "Free SAS siège social Paris",
        "Free SAS RCS Paris 421 938 861",
        "Acme Inc is registered in Delaware",
    ]
    for line in notices:
        assert LEGAL_NOTICE.match(line), line
        assert may_match(line, LEGAL_NOTICE_CUES), line
    assert not may_match("Acme Ltd, 1 Market Street", LEGAL_NOTICE_CUES)
