"""Reading a receipt's lines: the amount after a label, the paid and change lines, where an
amount is printed.
"""

from __future__ import annotations

import re

from docrouter_desktop.core.processors.base import DocumentView
from docrouter_desktop.core.processors.languages import whole_words

# How OCR reads a word of a till's labels that it often misreads.
OCR_FORMS = {"change": r"chan[gq]e"}
PAID = re.compile(whole_words("paid_labels"))
CHANGE = re.compile(whole_words("change_labels", forms=OCR_FORMS))


def word_span_of(row, end: int) -> tuple[int, int]:
    pos = 0
    for i, w in enumerate(row.words):
        if pos >= end:
            return i, i
        pos += len(w.text) + 1
    return len(row.words), len(row.words)


def amount_printed(view: DocumentView, value: float, skip: tuple[re.Pattern, ...] = ()) -> bool:
    """Whether an amount is printed on the receipt, on a row none of ``skip`` matches."""
    rows = [r for r in view.rows if not any(p.search(r.text.lower()) for p in skip)]
    spaced = f"{int(value)} {round(value * 100) % 100:02d}"
    if any(re.search(rf"(?<![\d.,]){spaced}(?!\d)", r.text) for r in rows):
        return True
    for row in rows:
        for v, _span in view.amounts_in_words(row.words):
            if abs(v - value) < 0.005:
                return True
    return False


def rows_with(view: DocumentView, value: float) -> int:
    """On how many rows an amount is printed."""
    return sum(1 for amounts in row_amounts(view) if any(abs(v - value) < 0.005 for v in amounts))


def row_amounts(view: DocumentView) -> list[list[float]]:
    """The amounts of every row, read once per document: asked for each candidate total, they
    would otherwise be read again per candidate (quadratic on long documents)."""
    cached = getattr(view, "_receipt_row_amounts", None)
    if cached is None:
        cached = [[v for v, _span in view.amounts_in_words(row.words)] for row in view.rows]
        setattr(view, "_receipt_row_amounts", cached)  # noqa: B010 (kept with the view it reads)
    return cached


def labelled_row(view: DocumentView, pattern: re.Pattern):
    return next((r for r in view.rows if pattern.search(r.text.lower())), None)


def labelled_amount(view: DocumentView, pattern: re.Pattern) -> float | None:
    for row in view.rows:
        text = row.text.lower()
        m = pattern.search(text)
        if not m:
            continue
        if pattern is not CHANGE and CHANGE.search(text):
            continue
        _f, after = word_span_of(row, m.end())
        amounts = view.amounts_in_words(row.words[after:])
        if amounts:
            return amounts[-1][0]
    return None
