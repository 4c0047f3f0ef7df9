"""The checks an invoice's fields must pass: totals that add up, dates in order and not ahead."""

from __future__ import annotations

from datetime import date

from docrouter_desktop.core.processors.base import Found


def check_arithmetic(found: dict[str, Found | None]) -> list[str]:
    warnings = []
    total, subtotal, tax = found.get("total"), found.get("subtotal"), found.get("tax")
    if total and subtotal and tax:
        if abs(subtotal.value + tax.value - total.value) > 0.011:
            warnings.append(
                f"Totals do not add up: subtotal {subtotal.value:.2f} + tax {tax.value:.2f} "
                f"= {subtotal.value + tax.value:.2f}, but the total is {total.value:.2f}."
            )
    d = found.get("date")
    if d and isinstance(d.value, date) and d.value > date.today():
        warnings.append(f"The invoice date {d.value.isoformat()} is in the future.")
    due = found.get("due_date")
    if (
        d
        and due
        and isinstance(d.value, date)
        and isinstance(due.value, date)
        and due.value < d.value
    ):
        warnings.append("The due date is before the invoice date.")
    return warnings
