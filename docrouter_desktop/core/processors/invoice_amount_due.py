"""What is left to pay on an invoice after prepayments: a balance line ("Balance due",
"Restbetrag", "Reste à payer"), checked against the total minus the prepayments printed
("Deposit", "Anzahlung", "Acompte"); the total itself stays the grand total."""

from __future__ import annotations

import re

from docrouter_desktop.core.processors.base import DocumentView, Found
from docrouter_desktop.core.processors.invoice_totals import _amount_after
from docrouter_desktop.core.processors.languages import alternation

BALANCE = re.compile(alternation("balance_left_labels"))
PREPAID = re.compile(alternation("prepayment_labels"))
CENT = 0.011


def prepayments(view: DocumentView) -> float:
    """The sum of the prepayments printed (each label row counted once)."""
    total, rows = 0.0, set()
    for hit in view.find_labels(PREPAID):
        if id(hit.row) in rows:
            continue
        got = _amount_after(view, hit, below=False)
        if got and got[0] > 0:
            rows.add(id(hit.row))
            total += abs(got[0])
    return round(total, 2)


def find_amount_due(view: DocumentView, total: Found | None) -> Found | None:
    """The balance to pay, or None when the invoice prints no balance and no prepayment."""
    paid = prepayments(view)
    best: Found | None = None
    for hit in view.find_labels(BALANCE):
        got = _amount_after(view, hit)
        if not got:
            continue
        value, span, row, where = got
        value = abs(value)
        label = f"label '{hit.label.strip()}' {where}"
        if total is not None and value > total.value + CENT:
            continue  # more than the whole invoice: not what is left of it
        if total is not None and paid and abs(total.value - paid - value) < CENT:
            found = view.found(
                value,
                0.9,
                row,
                span,
                f"{label}; the total minus the prepayments printed ({paid:.2f}) agrees",
            )
        elif total is not None and abs(total.value - value) < CENT:
            found = view.found(
                value,
                0.8 if not paid else 0.5,
                row,
                span,
                f"{label}; the same as the total"
                + ("" if not paid else ", though a prepayment is printed"),
            )
        else:
            found = view.found(value, 0.6, row, span, label)
        if best is None or found.confidence > best.confidence:
            best = found
    if best is None and total is not None and paid and total.value - paid > CENT:
        best = Found(
            round(total.value - paid, 2),
            0.6,
            total.page,
            None,
            total.source,
            f"the total minus the prepayments printed ({paid:.2f}); no balance line",
        )
    return best
