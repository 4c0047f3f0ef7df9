"""The receipt processor: shop name and address at the top, date, total, tax and currency."""

from __future__ import annotations

import re

from docrouter_desktop.core.processors.base import (
    DocumentView,
    Found,
    ProcessorOutput,
    clean_value,
    fields_and_details,
)
from docrouter_desktop.core.processors.invoice import COMPANY_SUFFIX, find_currency

RECEIPT_FIELDS = ["vendor", "vendor_address", "date", "total", "tax", "currency"]

TOTAL_LABELS = [
    (
        re.compile(
            r"grand\s*total|total\s*amount|amount\s*due|total\s*due|nett?\s*total|total\s*\(?(?:incl|rm|inclusive)[^\n]{0,16}|total\s*sales|rounded\s*total|total\s*payable"
        ),
        0.9,
    ),
    (
        re.compile(
            r"(?<![a-z])total(?![a-z])|(?<![a-z])totaal(?![a-z])|summe|gesamt|montant|(?<![a-z])due(?![a-z])"
        ),
        0.8,
    ),
]
NOT_TOTAL = re.compile(
    r"sub\s*-?\s*total|total\s*(?:qty|quantity|item|items|excl|exclusive|ex\.?|before|gst\s*$|tax|discount|savings|saving|disc)|"
    r"excl|before\s*gst|no\s*of\s*item|total\s*qty|tot\s*qty|change|cash|tender|paid|rounding\s*adj"
)
TAX_LABELS = re.compile(
    r"(?<![a-z])(?:total\s*)?(?:gst|sst|vat|tax|mwst|tva|btw)(?![a-z])(?:\s*(?:amount|payable|@?\s*\d{1,2}\s*%))?"
)
ADDRESS_STOP = re.compile(
    r"(?<![a-z])(tel|fax|phone|h/p|hp|gst|sst|tax|reg|receipt|invoice|cashier|date|time|table|doc|bill|www|e-?mail|@)(?![a-z])",
    re.IGNORECASE,
)


class ReceiptProcessor:
    name = "receipt"

    def run(self, view: DocumentView) -> ProcessorOutput:
        found: dict[str, Found | None] = {}
        found["total"] = find_receipt_total(view)
        found["tax"] = find_receipt_tax(view, found["total"])
        found["date"] = find_receipt_date(view)
        found["currency"] = find_currency(view, found["total"])
        found["vendor"], found["vendor_address"] = find_shop(view)
        fields, details = fields_and_details(found, RECEIPT_FIELDS)
        return ProcessorOutput("receipt", fields, details, [])


def find_receipt_total(view: DocumentView) -> Found | None:
    candidates = []
    n = len(view.rows) or 1
    for pattern, strength in TOTAL_LABELS:
        for hit in view.find_labels(pattern):
            if NOT_TOTAL.search(hit.row.text.lower()):
                continue
            amounts = view.amounts_in_words(hit.row.words[hit.after :])
            row = hit.row
            where = "on the same line"
            if not amounts:
                for below in view.rows_below(hit.row, 1):
                    amounts = view.amounts_in_words(below.words)
                    row, where = below, "below the label"
            if not amounts:
                continue
            value, span = amounts[-1]
            pos = view.rows.index(hit.row) / n
            candidates.append(
                (
                    strength,
                    pos,
                    view.found(value, strength, row, span, f"label '{hit.label.strip()}' {where}"),
                )
            )
    if not candidates:
        return None
    # Several 'total' lines: the amount that repeats (total, then cash/card paid) is the total.
    values = [c[2].value for c in candidates]
    for c in candidates:
        if values.count(c[2].value) > 1:
            c[2].confidence = min(0.97, c[2].confidence + 0.08)
            c[2].rule += "; the same amount is on another total line"
            c2 = c
            break
    else:
        c2 = None
    candidates.sort(key=lambda c: (c[0], c[2].confidence, c[1]), reverse=True)
    best = c2 if c2 and c2[0] >= candidates[0][0] - 0.05 else candidates[0]
    f = best[2]
    # Paid amount evidence: cash - change == total
    paid = _labelled(view, re.compile(r"cash|paid|tender|card|visa|master"))
    change = _labelled(view, re.compile(r"change|balance"))
    if paid is not None and change is not None and abs(paid - change - f.value) < 0.011:
        f.confidence = min(0.98, f.confidence + 0.08)
        f.rule += "; cash minus change agrees"
    return f


def _labelled(view: DocumentView, pattern: re.Pattern) -> float | None:
    for hit in view.find_labels(pattern):
        amounts = view.amounts_in_words(hit.row.words[hit.after :])
        if amounts:
            return amounts[-1][0]
    return None


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


def find_receipt_date(view: DocumentView) -> Found | None:
    labelled = []
    plain = []
    for row in view.rows:
        ds = view.dates_in_words(row.words)
        if not ds:
            continue
        d, span, amb = ds[0]
        text = row.text.lower()
        if re.search(r"date|datum|tarikh|dt\b", text):
            labelled.append(
                view.found(d, 0.88 if not amb else 0.8, row, span, "date on a line labelled 'Date'")
            )
        else:
            plain.append(
                view.found(d, 0.8 if not amb else 0.7, row, span, "first date on the receipt")
            )
    if labelled:
        return labelled[0]
    return plain[0] if plain else None


def find_shop(view: DocumentView) -> tuple[Found | None, Found | None]:
    rows = [r for r in view.rows if r.page == (view.rows[0].page if view.rows else 1)][:15]
    vendor = None
    start = 0
    for i, row in enumerate(rows):
        text = clean_value(row.text)
        letters = sum(c.isalpha() for c in text)
        if letters < 3 or re.search(r"receipt|invoice|welcome|copy", text.lower()):
            continue
        conf = 0.8 if COMPANY_SUFFIX.search(text) else 0.6
        vendor = view.found(
            text,
            conf,
            row,
            row.words,
            "first line of the receipt" + (" with a company suffix" if conf > 0.7 else ""),
        )
        start = i + 1
        # A name carried on two lines ("... SDN" / "BHD")
        if start < len(rows) and re.fullmatch(
            r"\(?[\w\s.&()-]*(sdn\.?\s*bhd|bhd|ltd|gmbh|inc)\.?\)?",
            rows[start].text.strip(),
            re.IGNORECASE,
        ):
            nxt = rows[start]
            vendor = view.found(
                text + " " + clean_value(nxt.text), conf, row, row.words + nxt.words, vendor.rule
            )
            start += 1
        break
    if vendor is None:
        return None, None
    addr_rows = []
    for row in rows[start:]:
        text = row.text
        if ADDRESS_STOP.search(text) or view.dates_in_words(row.words):
            if addr_rows:
                break
            continue
        if (
            re.fullmatch(
                r"[\(\[]?\s*(co\.?\s*)?(reg|company)?\s*(no\.?)?[:\s]*[\w-]+[\)\]]?",
                text.strip(),
                re.IGNORECASE,
            )
            and not addr_rows
        ):
            continue
        addr_rows.append(row)
        if len(addr_rows) >= 4:
            break
    address = None
    if addr_rows:
        words = [w for r in addr_rows for w in r.words]
        address = view.found(
            " ".join(clean_value(r.text) for r in addr_rows),
            0.5,
            addr_rows[0],
            words,
            "lines under the shop name",
        )
    return vendor, address
