"""A receipt's total: its labels, weighed by the arithmetic a till prints around them."""

from __future__ import annotations

import re

from docrouter_desktop.core.processors.base import DocumentView, Found, clean_value
from docrouter_desktop.core.processors.receipt_lines import (
    CHANGE,
    PAID,
    amount_printed,
    labelled_amount,
    labelled_row,
    rows_with,
    word_span_of,
)
from docrouter_desktop.core.processors.till_arithmetic import (
    FIVE_CENT_CURRENCIES,
    five_cent_rounding,
    one_digit_confusion,
    printed_rates,
    tax_amounts,
    tax_rate_fitting,
    tax_repair,
)

NOT_TOTAL = re.compile(
    r"sub\s*-?\s*total|total\s*(?:qty|quantity|item|items|excl|exclusive|ex\.?|before|gst\s*$|tax|discount|savings|saving|disc)|"
    r"excl|before\s*(?:gst|disc)|no\s*of\s*item|total\s*qty|tot\s*qty|change|cash|tender|paid|rounding\s*adj|"
    r"(?<![a-z])adj|qty|quantity|(?<![a-z])items?(?![a-z])|savings?|discount|"
    # A GST summary's "Total 6% supplies" / "zero rated supplies" splits the sale by tax rate.
    r"suppl(?:y|ies)|zero\s*rated|standard\s*rated"
)
ROUNDING_ADJ = re.compile(r"round(?:ing)?\s*(?:adj(?:ustment)?|adj\.?)")


# OCR reads "TOTAL" as "TOTA1", "T0TAL", "TOTAI": the receipt labels tolerate it.
_T = r"t[o0a]t[a4][l1i|]"
STRONG_TOTAL = re.compile(
    rf"grand\s*{_T}|{_T}\s*amount|amount\s*due|{_T}\s*due|nett?\s*{_T}|"
    rf"{_T}\s*\(?(?:incl|inc\b|rm|inclusive|in\b|tnt)[^\n\d]{{0,16}}|{_T}\s*sales|"
    rf"round(?:ed|ing)?\s*{_T}|{_T}\s*(?:amt\s*)?round(?:ed|ing)?|{_T}\s*payable|"
    rf"amount\s*payable|{_T}\s*to\s*pay|{_T}\s*\(?eat|{_T}\s*rm|"
    r"gesamtbetrag|summe|montant\s*ttc|net\s*[àa]\s*payer|te\s*betalen|totaal"
)
PLAIN_TOTAL = re.compile(
    rf"(?<![a-z]){_T}(?![a-z])|(?<![a-z])amount(?![a-z])|(?<![a-z])tl(?![a-z])"
)
ROUNDED = re.compile(r"round")
# "Rounding RM 37.45" under "Total Sales 37.44": the rounded amount is the one paid.
ROUNDED_TOTAL = re.compile(r"\W*round(?:ed|ing)?(?!\s*adj)(?:\s*(?:total|amount|amt))?")


def _row_amount(view: DocumentView, row, after: int = 0):
    amounts = view.amounts_in_words(row.words[after:])
    if amounts:
        return amounts[-1], row, "on the same line"
    for below in view.rows_below(row, 1):
        got = view.amounts_in_words(below.words)
        low = below.text.lower()
        if got and not (PLAIN_TOTAL.search(low) or PAID.search(low) or CHANGE.search(low)):
            return got[0], below, "below the label"
    return None


def find_receipt_total(view: DocumentView) -> Found | None:
    """The amount paid: total labels, weighed by the arithmetic a till prints around them
    (cash minus change, subtotal plus tax, the same amount on several lines)."""
    cands: dict[float, dict] = {}

    def add(value, score, found, why=None):
        c = cands.setdefault(round(value, 2), {"score": 0.0, "found": found, "why": []})
        if score > c.get("label", 0):
            c["score"] += score - c.get("label", 0)
            c["label"] = score
            c["found"] = found
        if why:
            c["why"].append(why)

    for row in view.rows:
        text = row.text.lower()
        strong = STRONG_TOTAL.search(text) or ROUNDED_TOTAL.match(text)
        plain = PLAIN_TOTAL.search(text)
        m = strong or plain
        if not m or NOT_TOTAL.search(text):
            continue
        first, after = word_span_of(row, m.end())
        got = _row_amount(view, row, after)
        if not got:
            continue
        (value, span), at, where = got
        if value <= 0:
            continue
        score = 3.0 if strong else 2.0
        label = clean_value(m.group(0))
        add(value, score, view.found(value, 0.7, at, span, f"label '{label}' {where}"))
        if value in cands and cands[round(value, 2)].get("seen"):
            cands[round(value, 2)]["score"] += 1.0
            cands[round(value, 2)]["why"].append("the same amount is on another total line")
        cands[round(value, 2)]["seen"] = True
        if ROUNDED.search(text):
            cands[round(value, 2)]["rounded"] = True

    for value, c in cands.items():
        # A rounded total sits within a few cents of the unrounded one; far from it, the
        # "rounded" figure was misread.
        if c.get("rounded") and any(0 < abs(v - value) <= 0.10 for v in cands):
            c["score"] += 0.5
        elif c.get("rounded") and any(abs(v - value) > 0.10 for v in cands):
            c["score"] -= 1.0
    adj = labelled_amount(view, ROUNDING_ADJ)
    if adj is not None and abs(adj) < 0.10:
        # Total plus the rounding adjustment is the rounded total; a "rounded total" that no
        # total plus or minus the adjustment gives was misread.
        unrounded = [v for v, c in cands.items() if not c.get("rounded")]
        expected = {round(u + s * adj, 2) for u in unrounded for s in (1, -1)}
        for value, c in cands.items():
            if c.get("rounded") and unrounded:
                if value in expected:
                    c["score"] += 1.0
                    c["why"].append("total plus the rounding adjustment agrees")
                else:
                    c["score"] -= 1.5
    paid = labelled_amount(view, PAID)
    change = labelled_amount(view, CHANGE)
    if paid is not None:
        if change is not None and paid - change > 0:
            value = round(paid - change, 2)
            if value in cands:
                cands[value]["score"] += 3.0
                cands[value]["why"].append("cash minus change agrees")
            elif (near := [v for v in cands if abs(v - value) <= 0.05]) and ROUNDED.search(
                view.lower
            ):
                # Cash minus change is the total after the till's rounding adjustment.
                base = cands[near[0]]
                f = Found(
                    value,
                    0.8,
                    base["found"].page,
                    base["found"].bbox,
                    base["found"].source,
                    f"total {near[0]:.2f} rounded; cash minus change agrees",
                )
                cands[round(value, 2)] = {"score": base["score"] + 3.0, "found": f, "why": []}
            elif change < 0.005:
                # No change given: the amount paid alone, which a card slip or a misread
                # change can make differ from the total.
                f = Found(
                    value,
                    0.6,
                    None,
                    None,
                    view.source(view.rows[0].page),
                    "the amount paid, no change given",
                )
                add(value, 1.5, f)
            else:
                # Printed on a line other than the cash and change lines: two readings agree.
                printed = amount_printed(view, value, skip=(PAID, CHANGE))
                f = Found(
                    value,
                    0.82 if printed else 0.6,
                    None,
                    None,
                    view.source(view.rows[0].page),
                    "cash minus change" + (", an amount printed on the receipt" if printed else ""),
                )
                add(value, 3.0 if printed else 2.0, f, "cash minus change")
        elif round(paid, 2) in cands:
            cands[round(paid, 2)]["score"] += 1.0
            cands[round(paid, 2)]["why"].append("the amount paid is the same")
        if change is None and paid > 0 and (over := [v for v in cands if v > paid + 0.005]):
            # Nobody pays less than the total: a total read above the amount paid, with no
            # change printed, was misread, and the amount paid is the likelier total.
            for value in over:
                cands[value]["score"] -= 1.5
            if round(paid, 2) not in cands:
                row = labelled_row(view, PAID)
                f = Found(
                    paid,
                    0.6,
                    row.page if row else None,
                    None,
                    view.source(view.rows[0].page),
                    "the amount paid; the total read is more than was paid",
                )
                add(paid, 2.0, f)
    sub = labelled_amount(view, re.compile(r"sub\s*-?\s*t[o0]t[a4][l1i]"))
    tax = labelled_amount(view, re.compile(r"(?<![a-z])(?:gst|sst|vat|tax)(?![a-z])"))
    if sub is not None:
        for value, c in cands.items():
            if tax is not None and abs(sub + tax - value) < 0.011 and tax > 0:
                c["score"] += 2.0
                c["why"].append("subtotal + tax agree")
            elif value + 0.011 < sub:
                c["score"] -= 2.0
    # A till prints the total more than once (total, rounded total, payment, tax summary): an
    # amount seen on other lines is likelier than a one-off misreading.
    for value, c in cands.items():
        again = rows_with(view, value) - (1 if c["found"].bbox is not None else 0)
        if again > 0:
            c["support"] = 0.5 * min(again, 2)
            c["score"] += c["support"]
    _weigh_by_tax(view, cands)
    if not cands:
        return None
    best_value = max(cands, key=lambda v: (cands[v]["score"], v))
    best = cands[best_value]
    f = best["found"]
    # Agreement means labels and arithmetic, not only repetition or a fitting tax.
    agreed = (
        best["score"] - best.get("support", 0.0) - best.get("tax_fit", 0.0) >= 4.0 and best["why"]
    )
    rivals = [c for v, c in cands.items() if v != best_value and c["score"] >= best["score"] - 1]
    if agreed and not rivals:
        f.confidence = 0.93
    elif not rivals and f.rule.startswith("cash minus change"):
        f.confidence = f.confidence  # set where the candidate was made
    else:
        f.confidence = 0.72 if not rivals else 0.55
    if best.get("misread_rival"):
        # Chosen over other readings of the same amount: the tax vouches for it, they do not.
        f.confidence = min(f.confidence, 0.7)
    if f.source == "ocr" and not best["why"]:
        # Nothing but its labels vouches for the total, and the tax printed fits it at no rate:
        # every reading of it may share one misread digit. Only the tax vouches for the repair,
        # so it stays unsure.
        repaired = tax_repair(f.value, view)
        if repaired is not None:
            f.rule += (
                f"; read as {repaired[0]:.2f}, one confusable digit changed: the tax printed "
                f"fits it at {repaired[1]:g}%, not {f.value:.2f}"
            )
            f.value = repaired[0]
            f.confidence = min(f.confidence, 0.5)
    _round_to_five_cents(view, f, best, cands)
    if best["why"]:
        f.rule += "; " + "; ".join(dict.fromkeys(best["why"]))
    return f


# A rounding line: "Rounding Adj", "Rounded Total", not "ground floor".
ROUNDING_LINE = re.compile(r"(?<![a-z])round(?:ing|ed)?(?![a-z])")


def _round_to_five_cents(view: DocumentView, f: Found, best: dict, cands: dict) -> None:
    """On a scanned receipt of a country that rounds cash bills to 5 cents, a total in odd cents
    under a rounding line whose rounded amount OCR could not read is the bill rounded: the
    adjustment printed, when readable, must agree. Never confident: the rounded amount itself
    was not read."""
    rounded = five_cent_rounding(f.value)
    if (
        f.source != "ocr"
        or view.currency not in FIVE_CENT_CURRENCIES
        or abs(rounded - f.value) < 0.005
        or round(rounded, 2) in cands  # read, and outweighed
        or not ROUNDING_LINE.search(view.lower)
        or f.rule.startswith(("cash minus change", "the amount paid"))
        or "cash minus change agrees" in best["why"]  # the till took the amount unrounded
    ):
        return
    adj = labelled_amount(view, ROUNDING_ADJ)
    if adj is not None and abs(adj) <= 0.025:
        if abs(abs(adj) - abs(rounded - f.value)) >= 0.005:
            return  # no rounding (0.00), or an adjustment that does not round this total
        why, confidence = "the rounding adjustment printed agrees", 0.75
    else:
        why, confidence = "the rounding line is unreadable", 0.6
    f.rule += f"; {f.value:.2f} rounded to 5 cents as the till rounds a cash bill: {why}"
    f.value = rounded
    f.confidence = min(f.confidence, confidence)


def _weigh_by_tax(view: DocumentView, cands: dict[float, dict]) -> None:
    """A total whose printed tax is the tax of a common or printed rate gains a little; of two
    totals written alike but for one digit OCR confuses (``53.00``, ``58.00``), the one the
    tax fits is the amount, and the other's readings (subtotal, payment) were misread with it."""
    if not cands:
        return
    taxes = tax_amounts(view)
    if not taxes:
        return
    rates = printed_rates(view)
    fits = {v: tax_rate_fitting(v, taxes, rates) for v in cands}
    if all(fits.values()):
        return
    for value, c in cands.items():
        if fits[value] is not None:
            c["tax_fit"] = 0.5
            c["score"] += 0.5
    for value, c in cands.items():
        rate = fits[value]
        if rate is None:
            continue
        for other, o in cands.items():
            if fits[other] is None and one_digit_confusion(value, other):
                c["score"] = max(c["score"], o["score"]) + 1.0
                c["misread_rival"] = True
                c["why"].append(
                    f"the tax printed fits it at {rate:g}%; {other:.2f} is the same amount "
                    "with one digit misread"
                )
