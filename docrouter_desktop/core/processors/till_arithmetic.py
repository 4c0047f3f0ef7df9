"""Till arithmetic that checks a receipt's total: the tax printed beside it at a sales-tax rate,
amounts that differ from one another by one digit OCR confuses (``53.00`` / ``58.00``), and the
rounding of a cash bill to 5 cents."""

from __future__ import annotations

import re

from docrouter_desktop.core.processors.base import DocumentView
from docrouter_desktop.core.processors.languages import alternation, whole_words

# Sales-tax rates a receipt or invoice is likely to carry (GST/SST in Malaysia and Singapore,
# VAT in the UK and the euro area), in per cent; rates printed on the receipt are added to them.
COMMON_RATES = (5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 19.0, 20.0, 21.0)
PRINTED_RATE = re.compile(r"(?<![\d.,])(\d{1,2}(?:[.,]\d{1,2})?)\s?%")
TAX_ROW = re.compile(whole_words("tax_acronyms", "tax_words"))
NOT_TAX_ROW = re.compile(
    rf"{alternation('till_tax_id_labels', 'till_tax_reference_labels')}|"
    rf"{whole_words('till_not_tax_words')}|{alternation('till_not_tax_labels')}"
)
# The tax summary a Malaysian till prints under the total: "GST Summary  Amount  Tax" and rows
# "SR @6%  50.00  3.00" (net amount, then the tax).
SUMMARY_TITLE = re.compile(alternation("tax_summary_titles"))
SUMMARY_HEADER = re.compile(alternation("tax_summary_titles", "tax_summary_headers"))
# Digits a faint or dotted till print lets OCR take for one another.
CONFUSABLE_DIGITS = ({"1", "4"}, {"1", "7"}, {"0", "8"}, {"3", "8"}, {"5", "6"}, {"6", "8"})
# A total's tax rounds to the cent, per line or once; a few cents of slack cover both.
TAX_SLACK = 0.015


def printed_rates(view: DocumentView, common: bool = True) -> set[float]:
    """Tax rates in per cent printed on the receipt, and the common ones unless ``common`` is
    False."""
    rates = set(COMMON_RATES) if common else set()
    for m in PRINTED_RATE.finditer(view.lower):
        rate = float(m.group(1).replace(",", "."))
        if 0 < rate <= 30:
            rates.add(rate)
    return rates


def tax_amounts(view: DocumentView) -> list[float]:
    """Tax amounts printed on the receipt: a line labelled GST/SST/VAT/tax with an amount, and
    the last amount of each row of a tax summary (its net amount comes before it)."""
    out: list[float] = []
    rows = list(view.rows)
    for i, row in enumerate(rows):
        text = row.text.lower()
        if SUMMARY_TITLE.search(text) or (SUMMARY_HEADER.search(text) and TAX_ROW.search(text)):
            for below in rows[i + 1 : i + 4]:
                amounts = [v for v, _s in view.amounts_in_words(below.words)]
                if len(amounts) >= 2 and 0 < amounts[-1] < amounts[-2]:
                    out.append(amounts[-1])
            continue
        if not TAX_ROW.search(text) or NOT_TAX_ROW.search(text):
            continue
        amounts = [v for v, _s in view.amounts_in_words(row.words)]
        if amounts and amounts[-1] > 0:
            out.append(amounts[-1])
    return list(dict.fromkeys(round(v, 2) for v in out))


def tax_rate_fitting(total: float, taxes: list[float], rates: set[float]) -> float | None:
    """The rate at which a tax printed on the receipt is the tax of ``total`` (the tax on the
    total less that tax), or None when none fits."""
    for tax in taxes:
        if not 0 < tax < total / 2:
            continue
        for rate in sorted(rates):
            if abs((total - tax) * rate / 100 - tax) <= TAX_SLACK:
                return rate
    return None


def one_digit_confusion(a: float, b: float) -> bool:
    """Whether two amounts are written alike but for one digit OCR confuses (``17.50`` and
    ``47.50``, ``53.00`` and ``58.00``)."""
    sa, sb = f"{a:.2f}", f"{b:.2f}"
    if len(sa) != len(sb) or sa == sb:
        return False
    diff = [(x, y) for x, y in zip(sa, sb, strict=True) if x != y]
    return len(diff) == 1 and {diff[0][0], diff[0][1]} in CONFUSABLE_DIGITS


def confusable_variants(value: float) -> list[float]:
    """The amounts ``value`` reads as with one digit swapped for one OCR confuses it with."""
    text = f"{value:.2f}"
    out = []
    for i, digit in enumerate(text):
        for group in CONFUSABLE_DIGITS:
            if digit in group:
                for other in group - {digit}:
                    swapped = text[:i] + other + text[i + 1 :]
                    if not (swapped.startswith("0") and swapped[1:2].isdigit()):
                        out.append(float(swapped))
    return out


def tax_repair(value: float, view: DocumentView) -> tuple[float, float] | None:
    """For a total the tax printed on the receipt does not fit, the one reading with a single
    confusable digit changed that the tax fits at a rate printed on the receipt, with that rate;
    None when the total fits, when no rate is printed, or when no single reading fits."""
    taxes = tax_amounts(view)
    if not taxes or tax_rate_fitting(value, taxes, printed_rates(view)) is not None:
        return None
    rates = printed_rates(view, common=False)
    if not rates:
        return None
    fitting = {v: r for v in confusable_variants(value) if (r := tax_rate_fitting(v, taxes, rates))}
    if len(fitting) != 1:
        return None
    return next(iter(fitting.items()))


# Countries whose tills round a bill to the nearest 5 cents (Malaysia since 2008, Australia, New
# Zealand, Canada, Switzerland): a receipt that prints a rounding line there was rounded so.
FIVE_CENT_CURRENCIES = frozenset({"MYR", "AUD", "NZD", "CAD", "CHF"})


def five_cent_rounding(value: float) -> float:
    """``value`` rounded to the nearest 5 cents, as a till rounds a cash bill: 13.58 -> 13.60,
    13.52 -> 13.50 (cents are whole, so no amount lies halfway)."""
    cents = round(value * 100)
    return round(5 * round(cents / 5)) / 100
