"""The invoice processor: vendor, number, dates, currency, totals and line items from rows.

Each field is chosen by labels in the languages of ``languages``, by position (same row
to the right of the label, or just below it), and by arithmetic (subtotal + tax = total),
and every choice records the rule that made it.
"""

from __future__ import annotations

import re

from docrouter_desktop.core.fields import INVOICE, field_names
from docrouter_desktop.core.processors.base import (
    DocumentView,
    Found,
    ProcessorOutput,
    fields_and_details,
)
from docrouter_desktop.core.processors.currency_field import find_currency
from docrouter_desktop.core.processors.invoice_amount_due import find_amount_due
from docrouter_desktop.core.processors.invoice_checks import check_arithmetic
from docrouter_desktop.core.processors.invoice_dates import find_dates
from docrouter_desktop.core.processors.invoice_number import find_invoice_number
from docrouter_desktop.core.processors.invoice_totals import find_totals
from docrouter_desktop.core.processors.invoice_vendor import find_vendor
from docrouter_desktop.core.processors.languages import alternation, whole_words
from docrouter_desktop.core.processors.line_items import find_line_items
from docrouter_desktop.core.processors.payment import find_payment
from docrouter_desktop.core.processors.tax_ids import find_tax_ids

INVOICE_FIELDS = field_names(INVOICE)

_CREDIT_TITLES = whole_words("credit_note_titles", "credit_note_standalone_words")
CREDIT_NOTE = re.compile(rf"{alternation('credit_note_words')}|{_CREDIT_TITLES}")


class InvoiceProcessor:
    name = "invoice"

    def run(self, view: DocumentView) -> ProcessorOutput:
        found: dict[str, Found | None] = {}
        warnings: list[str] = []
        totals = find_totals(view)
        found.update(totals)
        found["amount_due"] = find_amount_due(view, found.get("total"))
        found["invoice_number"] = find_invoice_number(view)
        found["date"], found["due_date"] = find_dates(view)
        found["currency"] = find_currency(view, found.get("total"))
        found["vendor"], found["vendor_address"] = find_vendor(view)
        found["vendor_vat_id"], found["buyer_vat_id"], vat_warnings = find_tax_ids(
            view, found.get("vendor")
        )
        warnings.extend(vat_warnings)
        items = find_line_items(view)
        found["line_items"] = Found(items, 0.6, rule="table rows under a header") if items else None
        is_credit = bool(CREDIT_NOTE.search(view.lower[:3000]))
        found["document_type"] = Found(
            "credit_note" if is_credit else "invoice",
            0.9,
            rule="title says credit note" if is_credit else "no credit-note wording",
        )
        if is_credit:
            for name in ("total", "subtotal", "tax"):
                amount = found.get(name)
                if amount is not None:
                    amount.value = abs(amount.value)
        # Bank details, checked against the totals and the vendor found above.
        found["payment"], payment_warnings = find_payment(view, found)
        warnings.extend(payment_warnings)
        warnings.extend(check_arithmetic(found))
        fields, details = fields_and_details(found, INVOICE_FIELDS)
        if fields.get("line_items") is None:
            fields["line_items"] = []
        return ProcessorOutput("invoice", fields, details, warnings)
