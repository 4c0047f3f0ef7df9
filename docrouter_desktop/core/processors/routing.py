"""The ``auto`` processor's choice: invoice, receipt or plain text, from what the pages say.

The file's type and name never count: there are photographed invoices and PDF receipts.
"""

from __future__ import annotations

import re

from docrouter_desktop.core.processors.base import DocumentView
from docrouter_desktop.core.processors.languages import alternation, whole_words

# Each cue: (pattern, weight, what it says); a cue counts once however often it is found.
INVOICE_CUES = [
    (alternation("cue_invoice_labels"), 3, "invoice number/date label"),
    (alternation("cue_customer"), 3, "a named customer (a till receipt does not name one)"),
    (alternation("cue_payment_terms"), 2, "payment terms"),
    (alternation("cue_registration"), 2, "tax or company registration"),
    (alternation("cue_bank"), 2, "bank details"),
    (whole_words("invoice_words", "credit_note_titles"), 1, "invoice title"),
    (alternation("cue_subtotal"), 1, "subtotal"),
    (alternation("cue_booking"), 1, "booking or account reference"),
]
RECEIPT_CUES = [
    (whole_words("cue_cash"), 2, "cash"),
    (f"{whole_words('cue_change')}|{alternation('cue_rounding')}", 2, "change/tender"),
    (alternation("cue_cashier"), 2, "cashier/terminal"),
    (alternation("cue_thanks"), 1, "thank-you line"),
    (
        f"{whole_words('cue_receipt_title')}|{alternation('cue_receipt_title_stems')}",
        2,
        "receipt title",
    ),
    (whole_words("cue_item_counts"), 1, "item counts"),
    (r"\d{1,2}:\d{2}(?::\d{2})?\s*(?:am|pm)?", 1, "time of day"),
    (whole_words("cue_sales_tax"), 1, "GST"),
]


def route(view: DocumentView) -> tuple[str, str]:
    """(processor name, reason in words)."""
    text = view.lower[:30000]
    inv_score, inv_why = _score(text, INVOICE_CUES)
    rec_score, rec_why = _score(text, RECEIPT_CUES)
    # Layout: receipts are narrow strips with short lines; invoices fill a page.
    narrow = _narrow_content(view)
    if narrow:
        rec_score += 3
        rec_why.append("narrow, receipt-like layout")
    if len(view.pages) > 2:
        inv_score += 1
        inv_why.append("several pages")
    if inv_score == 0 and rec_score == 0:
        return "text", "text: no invoice or receipt cues found"
    if rec_score > inv_score:
        return (
            "receipt",
            f"receipt: {', '.join(rec_why)} (score {rec_score} vs invoice {inv_score})",
        )
    return "invoice", f"invoice: {', '.join(inv_why)} (score {inv_score} vs receipt {rec_score})"


def _score(text: str, cues) -> tuple[int, list[str]]:
    score = 0
    why = []
    for pattern, weight, name in cues:
        if re.search(pattern, text):
            score += weight
            why.append(name)
    return score, why


def _narrow_content(view: DocumentView) -> bool:
    if not view.rows:
        return False
    page = view.pages[0]
    rows = view.rows_on(page.number)
    if not rows:
        return False
    x0 = min(r.x0 for r in rows)
    x1 = max(r.x1 for r in rows)
    y0 = min(r.top for r in rows)
    y1 = max(r.bottom for r in rows)
    content_w, content_h = x1 - x0, y1 - y0
    aspect_page = page.width / max(page.height, 1)
    return (content_h > 0 and content_w / content_h < 0.55) or aspect_page < 0.5
