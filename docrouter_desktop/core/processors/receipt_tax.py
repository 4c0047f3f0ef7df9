"""A receipt's tax: the amount on a tax line, less than the total."""

from __future__ import annotations

import re

from docrouter_desktop.core.processors.base import DocumentView, Found
from docrouter_desktop.core.processors.languages import alternation

_TAX_BEFORE, _TAX_NAME = alternation("tax_label_prefixes"), alternation("tax_acronyms", "tax_words")
TAX_LABELS = re.compile(
    rf"(?<![a-z])(?:(?:{_TAX_BEFORE})\s*)?(?:{_TAX_NAME})(?![a-z])"
    rf"(?:\s*(?:{alternation('till_tax_suffixes')}|@?\s*\d{{1,2}}\s*%))?"
)
# A tax number, a tax summary or a rate that ends the line: not the tax amount.
NOT_TAX_AMOUNT = re.compile(rf"{alternation('till_tax_id_labels', 'tax_summary_titles')}|%\s*$")


def find_receipt_tax(view: DocumentView, total: Found | None) -> Found | None:
    best = None
    for hit in view.find_labels(TAX_LABELS):
        text = hit.row.text.lower()
        if NOT_TAX_AMOUNT.search(text):
            continue
        amounts = view.amounts_in_words(hit.row.words[hit.after :])
        if not amounts:
            continue
        value, span = amounts[-1]
        if total is not None and value >= total.value:
            continue
        best = view.found(
            value, 0.7, hit.row, span, f"label '{hit.label.strip()}' on the same line"
        )
    return best
