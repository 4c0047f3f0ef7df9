"""The language tables: one shape for every language, and their words found by the processors."""

from __future__ import annotations

import dataclasses
import re
from datetime import date

import pytest

from docrouter_desktop.core.extraction.pages import PageContent, Word
from docrouter_desktop.core.processors import (
    dates,
    invoice_dates,
    invoice_number,
    invoice_totals,
    languages,
    line_items,
    receipt_lines,
    till_arithmetic,
)
from docrouter_desktop.core.processors.base import DocumentView, ProcessorOptions, guess_language
from docrouter_desktop.core.processors.invoice import CREDIT_NOTE, InvoiceProcessor
from docrouter_desktop.core.processors.invoice_vendor import BILL_TO
from docrouter_desktop.core.processors.languages.table import Language
from docrouter_desktop.core.processors.receipt import ReceiptProcessor
from docrouter_desktop.core.processors.routing import route
from docrouter_desktop.core.processors.seller_clues import pages_seller_clues

TABLES = {t.code: t for t in languages.LANGUAGES}
META = {"code", "name", "day_first", "guess_words", "months", "including_reach"}
CONCEPTS = [f.name for f in dataclasses.fields(Language) if f.name not in META]
# What every language that documents are written in gives (Malay only adds receipt words);
# a tuple: one of these.
CORE = [
    "months", "invoice_date_labels", "due_date_labels", "invoice_words", "number_labels",
    ("amount_due_labels", "gross_total_labels"), "subtotal_labels",
    "tax_label_names", "buyer_headings", "seller_headings", "seller_phrases",
    "legal_notice_words", "column_description", "column_quantity", "column_unit_price",
    "column_amount", "receipt_total_labels", "paid_labels", "street_words", "country_names",
]  # fmt: skip


def _view(lines: list[str]) -> DocumentView:
    """One text page, a line a row."""
    words = []
    for i, line in enumerate(lines):
        x = 0.0
        for token in line.split():
            words.append(Word(token, x, i * 12.0, x + 6.0 * len(token), i * 12.0 + 10, 1.0, i))
            x += 6.0 * (len(token) + 1)
    page = PageContent(1, 595.0, 842.0, "text", words, "\n".join(lines))
    return DocumentView([page], ProcessorOptions(embedded_data=False, calibrated=False))


def _printed(phrase: str) -> str:
    """A phrase of a table as a document prints it."""
    return phrase.replace(" - ", "-").replace(" -", "-").lstrip("*")


# --- (a) one shape -------------------------------------------------------------------------


def test_the_languages_are_listed_once_each():
    assert set(TABLES) >= {"en", "de", "fr", "nl", "es", "it"}
    assert len(TABLES) == len(languages.LANGUAGES)
    assert languages.DAY_FIRST == {c for c, t in TABLES.items() if t.day_first}


def test_every_table_has_the_same_concepts_each_a_tuple_of_phrases():
    shapes = {code: set(vars(t)) for code, t in TABLES.items()}
    assert all(shape == shapes["en"] for shape in shapes.values())
    for code, table in TABLES.items():
        for concept in CONCEPTS + ["guess_words"]:
            phrases = getattr(table, concept)
            assert isinstance(phrases, tuple), (code, concept)
            for p in phrases:
                assert isinstance(p, str) and p, (code, concept, p)
                assert p == p.strip() and "  " not in p and p == p.lower(), (code, concept, p)
        assert len(table.months) == 12, code
        assert all(isinstance(names, tuple) for names in table.months), code


@pytest.mark.parametrize("code", ["en", "de", "fr", "nl", "es", "it"])
def test_every_written_language_fills_the_core_concepts(code):
    table = TABLES[code]
    assert table.guess_words, code
    for concepts in CORE:
        some = (concepts,) if isinstance(concepts, str) else concepts
        assert any(any(getattr(table, c)) for c in some), (code, concepts)


def test_merged_look_ups_do_not_contradict_each_other():
    months = languages.month_numbers()
    assert months["marzo"] == months["märz"] == months["march"] == 3
    assert months["maggio"] == 5 and months["diciembre"] == 12
    columns = languages.column_titles()
    assert columns["cantidad"] == columns["quantità"] == columns["menge"] == "quantity"
    assert columns["importe"] == columns["importo"] == columns["betrag"] == "amount"


def test_the_phrase_notation():
    def finds(phrase, text):
        return re.fullmatch(languages.phrase_pattern(phrase), text.lower()) is not None

    assert finds("sub - total", "Sub-Total") and finds("sub - total", "subtotal")
    assert finds("sub - total", "sub - total") and not finds("sub total", "sub-total")
    assert finds("fällig", "fallig") and finds("fällig", "FÄLLIG")
    assert finds("date d' émission", "date d’emission") and finds(
        "date d' émission", "date d'émission"
    )
    assert finds("*rechnung", "stornorechnung") and finds("*rechnung", "rechnung")
    assert finds("nr.", "nr.") and not finds("nr.", "nr")
    assert not re.search(languages.alternation("receipt_not_total_words", "date_lead_words"), "")


# --- (b) Spanish and Italian words found by the processors -------------------------------------


def test_a_spanish_invoice():
    view = _view(
        [
            "Ferretería López",
            "Calle Mayor 5, 28013 Madrid",
            "FACTURA",
            "Nº de factura: F-2024-117",
            "Fecha de factura: 15/03/2024",
            "Fecha de vencimiento: 14/04/2024",
            "Facturar a: Juan Pérez",
            "Base imponible 100,00",
            "IVA 21% 21,00",
            "Total a pagar 121,00 EUR",
        ]
    )
    assert view.language == "es"
    assert route(view)[0] == "invoice"
    out = InvoiceProcessor().run(view)
    f, d = out.fields, out.field_details
    assert f["invoice_number"] == "F-2024-117"
    assert "nº de factura" in d["invoice_number"]["rule"]
    assert (f["date"], f["due_date"]) == ("2024-03-15", "2024-04-14")
    assert "fecha de vencimiento" in d["due_date"]["rule"]
    assert (f["subtotal"], f["tax"], f["total"]) == (100.0, 21.0, 121.0)
    assert "base imponible" in d["subtotal"]["rule"]
    assert "Total a pagar" in d["total"]["rule"]


def test_an_italian_invoice():
    view = _view(
        [
            "Rossi Forniture",
            "Viale Roma 12, 20121 Milano",
            "Fattura n. 2024/55",
            "Data fattura: 05/03/2024",
            "Scadenza: 04/04/2024",
            "Destinatario: Bianchi",
            "Imponibile 200,00",
            "IVA 22% 44,00",
            "Totale da pagare 244,00",
        ]
    )
    assert view.language == "it"
    assert route(view)[0] == "invoice"
    out = InvoiceProcessor().run(view)
    f, d = out.fields, out.field_details
    assert f["invoice_number"] == "2024/55"
    assert (f["date"], f["due_date"]) == ("2024-03-05", "2024-04-04")
    assert "data fattura" in d["date"]["rule"]
    assert (f["subtotal"], f["tax"], f["total"]) == (200.0, 44.0, 244.0)
    assert "Totale da pagare" in d["total"]["rule"]


@pytest.mark.parametrize(
    ("lines", "total_label"),
    [
        (
            ["PANADERÍA LA ESPIGA", "Calle Mayor 5", "Fecha: 02/05/2024 10:15", "PAN 2,40",
             "CAFE 3,10", "TOTAL A PAGAR 5,50", "EFECTIVO 10,00", "CAMBIO 4,50", "GRACIAS"],
            "total a pagar",
        ),
        (
            ["BAR CENTRALE", "Piazza Duomo 1", "Data: 02/05/2024 10:15", "CAFFE 1,20",
             "CORNETTO 1,50", "TOTALE COMPLESSIVO 2,70", "CONTANTI 5,00", "GRAZIE"],
            "totale complessivo",
        ),
    ],
)  # fmt: skip
def test_spanish_and_italian_till_receipts(lines, total_label):
    view = _view(lines)
    assert route(view)[0] == "receipt"
    out = ReceiptProcessor().run(view)
    assert out.fields["total"] == float(lines[5].split()[-1].replace(",", "."))
    assert total_label in out.field_details["total"]["rule"].lower()
    assert out.fields["date"] == "2024-05-02"


def test_spanish_and_italian_dates_seller_and_credit_notes():
    assert [m.value for m in dates.find_dates("el 3 de marzo de 2024")] == [date(2024, 3, 3)]
    assert [m.value for m in dates.find_dates("Milano, 5 maggio 2024")] == [date(2024, 5, 5)]
    clues = pages_seller_clues(["Proveedor: Ferretería López\nVenduto da: Rossi Forniture"])
    assert [name for name, _rule in clues[0].names] == ["Ferretería López", "Rossi Forniture"]
    assert CREDIT_NOTE.search("factura rectificativa nº 12")
    assert CREDIT_NOTE.search("nota di credito n. 4")
    assert guess_language("la factura del cliente con el importe y la fecha") == "es"
    assert guess_language("la fattura del cliente con importo totale e scadenza") == "it"


# --- (c) the processors' patterns are built from the tables ----------------------------------


@pytest.mark.parametrize(
    ("concept", "pattern"),
    [
        ("number_labels", invoice_number.NUMBER_LABELS),
        ("invoice_date_labels", invoice_dates.DATE_LABELS),
        ("due_date_labels", invoice_dates.DUE_LABELS),
        ("subtotal_labels", invoice_totals.SUBTOTAL_LABELS),
        ("tax_amount_labels", invoice_totals.TAX_LABELS),
        ("not_total_labels", invoice_totals.NOT_TOTAL),
        ("buyer_headings", BILL_TO),
        ("credit_note_words", CREDIT_NOTE),
        ("paid_labels", receipt_lines.PAID),
        ("change_labels", receipt_lines.CHANGE),
        ("tax_acronyms", till_arithmetic.TAX_ROW),
        ("line_items_end", line_items.STOP_ROW),
    ],
)
def test_every_phrase_of_a_concept_is_found_by_its_pattern(concept, pattern):
    for phrase in languages.words(concept):
        assert pattern.search(f" {_printed(phrase)} 12,50"), (concept, phrase)


def test_the_label_patterns_hold_the_tables_words():
    for label in ("gesamtbetrag", "importe total", "totale fattura", "total ttc"):
        assert any(p.fullmatch(label) for p, _strength in invoice_totals.TOTAL_PATTERNS), label
    assert languages.phrase_pattern("base imponible") in invoice_totals.SUBTOTAL_LABELS.pattern
    assert set(languages.column_titles()) == set(line_items.HEADER_WORDS)
    assert dates.MONTHS == languages.month_numbers()
