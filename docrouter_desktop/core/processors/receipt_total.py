"""A receipt's total: its labels, weighed by the arithmetic a till prints around them."""

from __future__ import annotations

import re

from docrouter_desktop.core.processors.base import DocumentView, Found, clean_value
from docrouter_desktop.core.processors.currency import currencies_in
from docrouter_desktop.core.processors.languages import alternation, whole_words
from docrouter_desktop.core.processors.ranking import Evidence, Weights, record
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
    rf"{alternation('receipt_not_total_labels')}|{whole_words('receipt_not_total_words')}|"
    # English till abbreviations: an adjustment, a GST total closing the line.
    r"(?<![a-z])adj|total\s*gst\s*$"
)
ROUNDING_ADJ = re.compile(alternation("rounding_adjustment_labels"))


# OCR reads "TOTAL" as "TOTA1", "T0TAL", "TOTAI": the receipt labels tolerate it.
_T = r"t[o0a]t[a4][l1i|]"
_OCR_TOTAL = {"total": _T}
STRONG_TOTAL = re.compile(
    # "TOTAL (INCL GST)", "TOTAL RM", "TOTAL INC.": what follows, up to the amount.
    rf"{_T}\s*\(?(?:incl|inc\b|rm|inclusive|in\b|tnt)[^\n\d]{{0,16}}|"
    + alternation("receipt_total_labels", forms=_OCR_TOTAL)
)
PLAIN_TOTAL = re.compile(whole_words("receipt_plain_total_labels", forms=_OCR_TOTAL))
SUBTOTAL = re.compile(alternation("receipt_subtotal_labels", forms={"total": r"t[o0]t[a4][l1i]"}))
TILL_TAX = re.compile(whole_words("till_tax_labels"))
ROUNDED = re.compile(alternation("rounding_words"))
# "Rounding RM 37.45" under "Total Sales 37.44": the rounded amount is the one paid.
ROUNDED_TOTAL = re.compile(
    rf"\W*(?:{alternation('rounding_words')})(?!\s*adj)(?:\s*(?:total|amount|amt))?"
)


# The evidence a total candidate can have, and the weight the rule gives each (a candidate's
# label counts once: the strongest it has). Fitted weights replace these where the ranking
# model has them (ranking.py).
LABELS = {
    "label_strong": 3.0,  # "Grand total", "Total payable", "Rounded total"...
    "label_plain": 2.0,  # "Total", "Amount"
    "label_cash_minus_change_printed": 3.0,  # cash minus change, printed elsewhere too
    "label_cash_minus_change": 2.0,
    "label_paid_over_total": 2.0,  # the amount paid, a total read above it
    "label_paid_no_change": 1.5,
}
WEIGHTS = Weights(
    "receipt/total",
    {
        **LABELS,
        "another_total_line": 1.0,  # the same amount on another total line
        "rounded_near_unrounded": 0.5,
        "rounded_far_from_unrounded": -1.0,
        "rounding_adjustment_agrees": 1.0,
        "rounding_adjustment_disagrees": -1.5,
        "cash_minus_change_agrees": 3.0,
        "paid_same": 1.0,
        "above_amount_paid": -1.5,
        "subtotal_plus_tax_agree": 2.0,
        "below_subtotal": -2.0,
        "printed_again": 0.5,  # per other line printing it (at most 2)
        "tax_fits": 0.5,  # the tax printed is a common or printed rate of it
        "misread_rival": 1.0,  # a one-digit misreading of it has no fitting tax
        "misread_rival_lift": 1.0,  # the rival's lead it takes over
        # Amounts printed without a total label: the rule takes one only when no labelled
        # amount exists; fitted weights weigh them with the rest.
        "unlabelled": -5.0,
        "largest_amount": 1.0,  # no amount on the receipt is larger
        "lower_half": 0.5,  # printed in the lower half of its page
        # What every candidate is, for fitted weights only (the rule gives them no weight).
        "is_largest": 0.0,
        "row_not_total": 0.0,  # its row reads as a subtotal, item count, discount...
        "row_paid": 0.0,
        "row_change": 0.0,
        "row_tax": 0.0,
        "whole_number": 0.0,  # no cents
        "five_cents": 0.0,  # a multiple of 5 cents
        "unsure_reading": 0.0,  # a word of it read at OCR confidence below 0.6
        "last_amount_row": 0.0,  # the lowest row with an amount
        "rounds_another": 0.0,  # another candidate rounded to 5 cents (a till's cash rounding)
        "rounded_by_another": 0.0,  # another candidate is this one rounded to 5 cents
    },
)


def _bump(c: dict, name: str, times: float = 1.0) -> None:
    """Evidence for a candidate: recorded by name, and its rule weight added to its score."""
    c["ev"].add(name, times)
    c["score"] += WEIGHTS.defaults[name] * times


def _label_alone(row, m: re.Match) -> bool:
    """Whether a total's label stands on its row alone (beside a currency at most, and one
    other word: "TOTAL RM", "Amount Due:"), as a label whose amount is printed under it
    stands; a row of column titles ("ITEM QTY U/P AMOUNT", "CODE AMOUNT % TAX/AMT") is the
    head of a table."""
    others = 0
    pos = 0
    for w in row.words:
        start, pos = pos, pos + len(w.text) + 1
        if start < m.end() and start + len(w.text) > m.start():
            continue  # a word of the label
        if any(c.isalpha() for c in w.text) and not currencies_in(w.text):
            others += 1
    return others <= 1


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

    def add(value, label, found, why=None):
        c = cands.setdefault(
            round(value, 2), {"score": 0.0, "found": found, "why": [], "ev": Evidence()}
        )
        score = LABELS[label]
        if score > c.get("label", 0):
            c["score"] += score - c.get("label", 0)
            c["label"] = score
            if c.get("label_kind"):
                c["ev"].counts.pop(c["label_kind"])
            c["label_kind"] = label
            c["ev"].add(label)
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
        if value <= 0 or (at is not row and not _label_alone(row, m)):
            continue  # "Qty Price Amount" heads a table: what is under it is one of its rows
        kind = "label_strong" if strong else "label_plain"
        label = clean_value(m.group(0))
        found = view.found(value, 0.7, at, span, f"label '{label}' {where}")
        add(value, kind, found)
        if cands[round(value, 2)]["found"] is found:
            cands[round(value, 2)]["row"] = at
        if value in cands and cands[round(value, 2)].get("seen"):
            _bump(cands[round(value, 2)], "another_total_line")
            cands[round(value, 2)]["why"].append("the same amount is on another total line")
        cands[round(value, 2)]["seen"] = True
        if ROUNDED.search(text):
            cands[round(value, 2)]["rounded"] = True

    for value, c in cands.items():
        # A rounded total sits within a few cents of the unrounded one; far from it, the
        # "rounded" figure was misread.
        if c.get("rounded") and any(0 < abs(v - value) <= 0.10 for v in cands):
            _bump(c, "rounded_near_unrounded")
        elif c.get("rounded") and any(abs(v - value) > 0.10 for v in cands):
            _bump(c, "rounded_far_from_unrounded")
    adj = labelled_amount(view, ROUNDING_ADJ)
    if adj is not None and abs(adj) < 0.10:
        # Total plus the rounding adjustment is the rounded total; a "rounded total" that no
        # total plus or minus the adjustment gives was misread.
        unrounded = [v for v, c in cands.items() if not c.get("rounded")]
        expected = {round(u + s * adj, 2) for u in unrounded for s in (1, -1)}
        for value, c in cands.items():
            if c.get("rounded") and unrounded:
                if value in expected:
                    _bump(c, "rounding_adjustment_agrees")
                    c["why"].append("total plus the rounding adjustment agrees")
                else:
                    _bump(c, "rounding_adjustment_disagrees")
    paid = labelled_amount(view, PAID)
    change = labelled_amount(view, CHANGE)
    if paid is not None:
        if change is not None and paid - change > 0:
            value = round(paid - change, 2)
            if value in cands:
                _bump(cands[value], "cash_minus_change_agrees")
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
                ev = Evidence()
                ev.counts.update(base["ev"].counts)
                c = {"score": base["score"], "found": f, "why": [], "ev": ev}
                _bump(c, "cash_minus_change_agrees")
                cands[round(value, 2)] = c
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
                add(value, "label_paid_no_change", f)
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
                kind = "label_cash_minus_change" + ("_printed" if printed else "")
                add(value, kind, f, "cash minus change")
        elif round(paid, 2) in cands:
            _bump(cands[round(paid, 2)], "paid_same")
            cands[round(paid, 2)]["why"].append("the amount paid is the same")
        if change is None and paid > 0 and (over := [v for v in cands if v > paid + 0.005]):
            # Nobody pays less than the total: a total read above the amount paid, with no
            # change printed, was misread, and the amount paid is the likelier total.
            for value in over:
                _bump(cands[value], "above_amount_paid")
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
                add(paid, "label_paid_over_total", f)
    sub = labelled_amount(view, SUBTOTAL)
    tax = labelled_amount(view, TILL_TAX)
    if sub is not None:
        for value, c in cands.items():
            if tax is not None and abs(sub + tax - value) < 0.011 and tax > 0:
                _bump(c, "subtotal_plus_tax_agree")
                c["why"].append("subtotal + tax agree")
            elif value + 0.011 < sub:
                _bump(c, "below_subtotal")
    # A till prints the total more than once (total, rounded total, payment, tax summary): an
    # amount seen on other lines is likelier than a one-off misreading.
    for value, c in cands.items():
        again = rows_with(view, value) - (1 if c["found"].bbox is not None else 0)
        if again > 0:
            c["support"] = WEIGHTS.defaults["printed_again"] * min(again, 2)
            _bump(c, "printed_again", min(again, 2))
    _weigh_by_tax(view, cands)
    unlabelled = _unlabelled(view, cands, paid, change, sub, tax)
    if not cands and not unlabelled:
        return None
    _describe(view, {**unlabelled, **cands})
    record(view, WEIGHTS.key, {v: c["ev"] for v, c in {**unlabelled, **cands}.items()})
    if WEIGHTS.fitted:
        cands = {**unlabelled, **cands}
    elif not cands:
        cands = unlabelled  # a guess from the amounts printed, better than none
    if WEIGHTS.fitted:
        # Fitted weights: the candidate most likely right, at the chance the model gives it.
        best_value = max(cands, key=lambda v: (WEIGHTS.score(cands[v]["ev"]), v))
        best = cands[best_value]
        f = best["found"]
        f.confidence = WEIGHTS.share(best["ev"], [c["ev"] for c in cands.values()])
    else:
        best_value = max(cands, key=lambda v: (cands[v]["score"], v))
        best = cands[best_value]
        f = best["found"]
        _rule_confidence(f, best, best_value, cands)
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


def _unlabelled(view: DocumentView, cands: dict, paid, change, sub, tax) -> dict[float, dict]:
    """Every other amount printed on the receipt, as a candidate with what speaks for it."""
    amounts: dict[float, tuple] = {}
    for row in view.rows:
        for value, span in view.amounts_in_words(row.words):
            key = round(value, 2)
            if value > 0 and key not in cands and key not in amounts:
                amounts[key] = (row, span)
    if not amounts:
        return {}
    largest = max([*amounts, *cands])
    out: dict[float, dict] = {}
    for value, (row, span) in amounts.items():
        found = view.found(value, 0.3, row, span, "an amount printed without a total label")
        c = {"score": 0.0, "found": found, "why": [], "ev": Evidence(), "row": row}
        _bump(c, "unlabelled")
        if value >= largest:
            _bump(c, "largest_amount")
        page = next((p for p in view.pages if p.number == row.page), None)
        if page is not None and page.height and span[0].top > page.height / 2:
            _bump(c, "lower_half")
        if paid is not None and change is not None and abs(paid - change - value) < 0.005:
            _bump(c, "cash_minus_change_agrees")
        elif paid is not None and abs(paid - value) < 0.005:
            _bump(c, "paid_same")
        if sub is not None and tax is not None and tax > 0 and abs(sub + tax - value) < 0.011:
            _bump(c, "subtotal_plus_tax_agree")
        elif sub is not None and value + 0.011 < sub:
            _bump(c, "below_subtotal")
        again = rows_with(view, value) - 1
        if again > 0:
            _bump(c, "printed_again", min(again, 2))
        out[value] = c
    return out


def _describe(view: DocumentView, cands: dict[float, dict]) -> None:
    """The evidence every candidate has whatever rule made it (weighed only when fitted)."""
    if not cands:
        return
    largest = max(cands)
    five_cent = view.currency in FIVE_CENT_CURRENCIES
    rounded = {v: round(five_cent_rounding(v), 2) for v in cands} if five_cent else {}
    rows_with_amounts = [r for r in view.rows if view.amounts_in_words(r.words)]
    last = rows_with_amounts[-1] if rows_with_amounts else None
    for value, c in cands.items():
        ev = c["ev"]
        if value >= largest:
            ev.add("is_largest")
        cents = round(value * 100)
        if cents % 100 == 0:
            ev.add("whole_number")
        if cents % 5 == 0:
            ev.add("five_cents")
        if five_cent:
            if any(r == value and v != value for v, r in rounded.items()):
                ev.add("rounds_another")
            if rounded[value] != value and rounded[value] in cands:
                ev.add("rounded_by_another")
        f = c["found"]
        if f.bbox is None or f.page is None:
            continue
        # The row it was read on, kept when it was made (a search of every row otherwise).
        row = c.get("row") or next(
            (
                r
                for r in view.rows
                if r.page == f.page and r.top <= f.bbox[3] and r.bottom >= f.bbox[1]
            ),
            None,
        )
        if row is None:
            continue
        low = row.text.lower()
        if NOT_TOTAL.search(low):
            ev.add("row_not_total")
        if PAID.search(low):
            ev.add("row_paid")
        if CHANGE.search(low):
            ev.add("row_change")
        if TILL_TAX.search(low):
            ev.add("row_tax")
        if last is not None and row is last:
            ev.add("last_amount_row")
        x0, x1 = f.bbox[0] - 1, f.bbox[2] + 1
        words = row.words
        if any(w.confidence < 0.6 for w in words if x0 <= (w.x0 + w.x1) / 2 <= x1):
            ev.add("unsure_reading")


def _rule_confidence(f: Found, best: dict, best_value: float, cands: dict) -> None:
    """The rule's own confidence: agreement of labels and arithmetic, and no close rival."""
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


# A rounding line: "Rounding Adj", "Rounded Total", not "ground floor".
ROUNDING_LINE = re.compile(whole_words("rounding_words"))


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
            c["tax_fit"] = WEIGHTS.defaults["tax_fits"]
            _bump(c, "tax_fits")
    for value, c in cands.items():
        rate = fits[value]
        if rate is None:
            continue
        for other, o in cands.items():
            if fits[other] is None and one_digit_confusion(value, other):
                lift = max(0.0, o["score"] - c["score"])
                _bump(c, "misread_rival_lift", lift)
                _bump(c, "misread_rival")
                c["misread_rival"] = True
                c["why"].append(
                    f"the tax printed fits it at {rate:g}%; {other:.2f} is the same amount "
                    "with one digit misread"
                )
