"""The amount due after prepayments, next to the grand total, in several languages."""

from __future__ import annotations

from pathlib import Path

from docrouter_desktop.core.extraction.extract import ExtractOptions, extract_pages
from docrouter_desktop.core.fields import BY_NAME, FieldKind
from docrouter_desktop.core.processors.base import ProcessorOptions
from docrouter_desktop.core.processors.run import run_processor


def _invoice(tmp_path: Path, body: str) -> dict:
    path = tmp_path / "invoice.txt"
    path.write_text(body, encoding="utf-8")
    pages = extract_pages(str(path), "text/plain", [1], ExtractOptions())
    return run_processor("invoice", pages, ProcessorOptions(calibrated=False), None)


def test_the_catalogue_has_amount_due_as_money_of_invoices():
    spec = BY_NAME["amount_due"]
    assert spec.kind is FieldKind.MONEY and spec.processors == {"invoice"}


def test_a_balance_after_a_deposit_agrees_with_the_total_minus_the_deposit(tmp_path):
    result = _invoice(
        tmp_path,
        "Acme Tools Ltd\n12 High Street, Leeds\nInvoice No. INV-2211\nDate: 03/02/2025\n"
        "Subtotal 1,000.00\nVAT 20% 200.00\nTotal 1,200.00\nDeposit paid 500.00\n"
        "Balance due 700.00\n",
    )
    fields, details = result["fields"], result["field_details"]
    assert fields["total"] == 1200.0 and fields["amount_due"] == 700.0
    assert details["amount_due"]["confidence"] == 0.9
    assert "prepayments printed (500.00) agrees" in details["amount_due"]["rule"]


def test_german_and_french_balances(tmp_path):
    de = _invoice(
        tmp_path,
        "Muster GmbH\nHauptstr. 1, 80331 München\nRechnung Nr. 4711 vom 05.03.2024\n"
        "Nettobetrag 100,00\nMwSt. 19% 19,00\nGesamtbetrag 119,00\nAnzahlung 19,00\n"
        "Restbetrag 100,00\n",
    )
    assert (de["fields"]["total"], de["fields"]["amount_due"]) == (119.0, 100.0)
    fr = _invoice(
        tmp_path,
        "Dupont SARL\n3 rue de la Paix, 75002 Paris\nFacture n° F-88 du 05/03/2024\n"
        "Total HT 100,00\nTVA 20% 20,00\nTotal TTC 120,00\nAcompte versé 50,00\n"
        "Reste à payer 70,00\n",
    )
    assert (fr["fields"]["total"], fr["fields"]["amount_due"]) == (120.0, 70.0)


def test_no_balance_and_no_prepayment_leaves_it_empty(tmp_path):
    result = _invoice(
        tmp_path,
        "Acme Tools Ltd\nInvoice No. INV-2212\nDate: 03/02/2025\nSubtotal 100.00\n"
        "VAT 20% 20.00\nTotal 120.00\n",
    )
    assert result["fields"]["total"] == 120.0 and result["fields"]["amount_due"] is None


def test_a_prepayment_without_a_balance_line_gives_the_difference_unsure(tmp_path):
    result = _invoice(
        tmp_path,
        "Acme Tools Ltd\nInvoice No. INV-2213\nDate: 03/02/2025\nTotal 120.00\n"
        "Already paid 20.00\n",
    )
    assert result["fields"]["amount_due"] == 100.0
    assert result["field_details"]["amount_due"]["confidence"] == 0.6
