"""A receipt's tax: the amount on a tax line, less than the total."""

from __future__ import annotations

import re

from docrouter_desktop.core.processors.base import DocumentView, Found

TAX_LABELS = re.compile(
    r"(?<![a-z])(?:total\s*)?(?:gst|sst|vat|tax|mwst|tva|btw)(?![a-z])(?:\s*(?:amount|payable|@?\s*\d{1,2}\s*%))?"
)


def find_receipt_tax(view: DocumentView, total: Found | None) -> Found | None:
    best = None
    for hit in view.find_labels(TAX_LABELS):
        text = hit.row.text.lower()
        if re.search(r"(?:gst|sst|tax|vat)\s*(?:id|reg|no|number|#)|summary|%\s*$", text):
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
