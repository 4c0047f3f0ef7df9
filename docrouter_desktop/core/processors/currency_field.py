"""The currency field of invoices and receipts: on the total's line, else the most mentioned."""

from __future__ import annotations

from docrouter_desktop.core.processors.base import DocumentView, Found
from docrouter_desktop.core.processors.layout import bbox_of


def find_currency(view: DocumentView, total: Found | None) -> Found | None:
    from docrouter_desktop.core.processors.currency import currencies_in

    if total is not None and total.page is not None:
        for row in view.rows_on(total.page):
            if total.bbox and row.top <= total.bbox[3] and row.bottom >= total.bbox[1]:
                codes = currencies_in(row.text, view.options.default_currency)
                if codes:
                    return Found(
                        codes[0],
                        0.9,
                        row.page,
                        bbox_of(row.words),
                        view.source(row.page),
                        "currency on the total's line",
                    )
    if view.currency:
        others = view.currencies - {view.currency}  # the text's, default dollar as the view's
        unambiguous = "$" not in view.text or view.currency != view.options.default_currency
        if others:
            conf = 0.6
        elif view.currency_mentions >= 2 or unambiguous:
            conf = 0.85
        else:
            conf = 0.7
        rule = f"most mentioned currency ({view.currency_mentions}x)"
        if view.currency not in view.named_currencies and "ocr" in view.sources.values():
            # Only signs on a scan: a misread letter can come out as one (B -> £, S -> $).
            conf = min(conf, 0.7)
            rule += ", by its sign alone on a scan"
        return Found(view.currency, conf, None, None, "text", rule)
    return None
