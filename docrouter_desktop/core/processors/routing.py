"""The ``auto`` processor's choice: invoice, receipt or plain text, from what the pages say.

The file's type and name never count: there are photographed invoices and PDF receipts.
"""

from __future__ import annotations

import re

from docrouter_desktop.core.processors.base import DocumentView

INVOICE_CUES = [
    (
        r"invoice\s*(?:no|number|#|date)|rechnungs?\s*-?\s*(?:nr|nummer|datum)|facture\s*n|n°\s*de\s*facture|factuur\s*(?:nr|nummer|datum)|factuurnummer",
        3,
        "invoice number/date label",
    ),
    (
        r"bill\s*to|billed\s*to|rechnungsempf|factur[ée]\s*[àa]|ship\s*to|customer\s*(?:no|number|id)|kunden\s*-?\s*nr|client|"
        r"(?:guest|customer|client|kunden)\s*-?\s*name|nom\s*du\s*client|klantnaam",
        3,
        "a named customer (a till receipt does not name one)",
    ),
    (
        r"due\s*date|payment\s*terms|zahlungsziel|zahlbar|f[äa]llig|[ée]ch[ée]ance|vervaldatum|betalingstermijn",
        2,
        "payment terms",
    ),
    (
        r"ust\s*-?\s*id|steuer\s*-?\s*nr|steuernummer|vat\s*(?:no|number|id|reg)|tva\s*intra|"
        r"btw\s*-?\s*(?:nr|nummer)|siret|kvk|handelsregister|beleg\s*-?\s*nr",
        2,
        "tax or company registration",
    ),
    (r"iban|bic|swift|bank\s*details|bankverbindung|coordonn[ée]es\s*bancaires", 2, "bank details"),
    (
        r"(?<![a-z])(?:invoice|rechnung|facture|factuur|gutschrift|credit\s*note|avoir)(?![a-z])",
        1,
        "invoice title",
    ),
    (r"sub\s*-?total|zwischensumme|nettobetrag|total\s*ht|subtotaal|total\s*excl", 1, "subtotal"),
    (
        r"(?:booking|reservation|order|contract|account)\s*(?:id|no|number|nr)|check[\s-]*in|"
        r"buchungs\s*-?\s*nr|r[ée]servation|boekings",
        1,
        "booking or account reference",
    ),
]
RECEIPT_CUES = [
    (r"(?<![a-z])(?:cash|tunai)(?![a-z])", 2, "cash"),
    (r"(?<![a-z])change(?![a-z])|(?<![a-z])tendered?(?![a-z])|rounding", 2, "change/tender"),
    (r"cashier|kasse|caissier|kassa|counter|pos\s*(?:no|id)|terminal", 2, "cashier/terminal"),
    (
        r"thank\s*you|terima\s*kasih|vielen\s*dank|merci|bedankt|please\s*come\s*again",
        1,
        "thank-you line",
    ),
    (
        r"(?<![a-z])receipt(?![a-z])|quittung|kassenbon|re[çc]u|kassabon|bon\s*no",
        2,
        "receipt title",
    ),
    (r"(?<![a-z])(?:qty|item)s?(?![a-z])", 1, "item counts"),
    (r"\d{1,2}:\d{2}(?::\d{2})?\s*(?:am|pm)?", 1, "time of day"),
    (r"(?<![a-z])(?:gst|sst)(?![a-z])", 1, "GST"),
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
