"""What a document's conventions are decided from, counted page by page.

The currencies a page mentions and its numeric dates that can be read only one way (day-first
or month-first) are counted where a long document's pages are extracted, in parallel; the
processor's pass over the whole document adds the pages' counts up rather than reading all
its text again. Counting page by page finds what one pass over the pages' joined text finds:
the pages are joined by line breaks, which no currency mention spans.
"""

from __future__ import annotations

from typing import NamedTuple

from docrouter_desktop.core.processors import currency as cur
from docrouter_desktop.core.processors import dates as dt

# Stands for a bare "$" until the document's reading of it (a setting) is known.
BARE_DOLLAR = "$"


class PageEvidence(NamedTuple):
    currencies: tuple[str, ...]  # ISO codes in the order mentioned, BARE_DOLLAR for "$" alone
    day_first: int  # numeric dates only readable day-first
    month_first: int  # and month-first
    named: tuple[str, ...] = ()  # the codes mentioned by a code or a word, not only by a sign


def page_evidence(text: str, ocr: bool = False) -> PageEvidence:
    """The evidence of one page's text (its rows joined by line breaks). On a page read by
    OCR, a currency sign counts only beside an amount: specks and misread letters come out as
    ``£``, ``¥`` or ``$`` on their own (``NICE DAY ! £``), a printed sign marks a number."""
    day_first, month_first = dt.numeric_order_counts(text)
    mentions = [
        (code, symbol)
        for start, end, code, symbol in cur.mentions_in(text, BARE_DOLLAR)
        if not (ocr and symbol and not cur.beside_amount(text, start, end))
    ]
    return PageEvidence(
        tuple(code for code, _symbol in mentions),
        day_first,
        month_first,
        tuple(dict.fromkeys(code for code, symbol in mentions if not symbol)),
    )


def currency_mentions(evidence: list[PageEvidence], dollar: str) -> list[str]:
    """Every page's currency mentions in order, a bare "$" read as ``dollar``."""
    return [dollar if c == BARE_DOLLAR else c for e in evidence for c in e.currencies]


def named_currencies(evidence: list[PageEvidence]) -> set[str]:
    """The codes the document names by a code or a word somewhere (not only by a sign)."""
    return {code for e in evidence for code in e.named}


def date_order(evidence: list[PageEvidence]) -> str | None:
    """'DMY' or 'MDY' when the document's dates only readable one way say so."""
    return dt.order_from_counts(
        sum(e.day_first for e in evidence), sum(e.month_first for e in evidence)
    )
