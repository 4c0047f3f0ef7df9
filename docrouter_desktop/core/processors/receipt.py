"""The receipt processor: shop name and address at the top, date, total, tax and currency."""

from __future__ import annotations

from docrouter_desktop.core.fields import RECEIPT, field_names
from docrouter_desktop.core.processors.base import (
    DocumentView,
    Found,
    ProcessorOutput,
    fields_and_details,
)
from docrouter_desktop.core.processors.currency_field import find_currency
from docrouter_desktop.core.processors.receipt_dates import find_receipt_date
from docrouter_desktop.core.processors.receipt_tax import find_receipt_tax
from docrouter_desktop.core.processors.receipt_total import find_receipt_total
from docrouter_desktop.core.processors.receipt_vendor import find_shop
from docrouter_desktop.core.processors.tax_ids import find_tax_ids

RECEIPT_FIELDS = field_names(RECEIPT)


class ReceiptProcessor:
    name = "receipt"

    def run(self, view: DocumentView) -> ProcessorOutput:
        found: dict[str, Found | None] = {}
        found["total"] = find_receipt_total(view)
        found["tax"] = find_receipt_tax(view, found["total"])
        found["date"] = find_receipt_date(view)
        found["currency"] = find_currency(view, found["total"])
        found["vendor"], found["vendor_address"] = find_shop(view)
        found["vendor_vat_id"], _, warnings = find_tax_ids(view, found["vendor"], with_buyer=False)
        fields, details = fields_and_details(found, RECEIPT_FIELDS)
        return ProcessorOutput("receipt", fields, details, warnings)
