"""An invoice's date and due date: by their labels, with the title, or the first date at the top."""

from __future__ import annotations

import re

from docrouter_desktop.core.processors import languages
from docrouter_desktop.core.processors.base import DocumentView, Found, LabelHit
from docrouter_desktop.core.processors.invoice_number import TITLE_NUMBER
from docrouter_desktop.core.processors.languages import (
    alternation,
    phrases_alternation,
    whole_words,
)

DATE_LABELS = re.compile(
    rf"{alternation('invoice_date_labels')}|{whole_words('date_words')}|"
    rf"(?<![a-z])(?:{alternation('date_lead_words')})(?=\s*\d)|"
    rf"(?<=\d\s)(?:{alternation('date_link_words')})(?=\s*\d)"
)
# Parts of words, but a word of three letters or fewer ("to", "bis") only whole: "to" is in
# "documento", "bis" in "Kabiste".
_NOT_DATE_WORDS = languages.words("not_invoice_date_words")
NOT_INVOICE_DATE = re.compile(
    "|".join(
        filter(
            None,
            [
                phrases_alternation(w for w in _NOT_DATE_WORDS if len(w) > 3),
                r"(?<![a-z])(?:"
                + phrases_alternation(w for w in _NOT_DATE_WORDS if len(w) <= 3)
                + r")(?![a-z])",
            ],
        )
    )
)
DUE_LABELS = re.compile(alternation("due_date_labels"))
# "Date" alone, "Datum": a label longer than one of these by more than a character (the word
# with what makes it the invoice's) is a stronger label.
DATE_WORDS = languages.words("date_words")


def _title_date(view: DocumentView) -> Found | None:
    """ "Rechnung Nr. 471102 vom 05.03.2018": the date printed with the title and number."""
    for row in view.rows[:40]:
        m = TITLE_NUMBER.match(row.text)
        if m and m.group("date"):
            ds = view.dates_in_words(row.words)
            if ds:
                d, span, amb = ds[-1]
                return view.found(d, 0.85 if not amb else 0.7, row, span, "date after the title")
    return None


def find_dates(view: DocumentView) -> tuple[Found | None, Found | None]:
    due = None
    for hit in view.find_labels(DUE_LABELS):
        got = _date_near(view, hit)
        if got:
            d, span, row, where, amb = got
            due = view.found(
                d, 0.85 if not amb else 0.75, row, span, f"label '{hit.label.strip()}' {where}"
            )
            break
    inv = None
    for hit in view.find_labels(DATE_LABELS, view.rows[:120]):
        label_ctx = hit.row.text.lower()
        label_at = label_ctx.find(hit.label)
        label_start = max(0, label_at - 14)
        # "Date limite de paiement le 05 ...": the words up to the date (or the next label)
        # say which date it is.
        tail = re.split(r"[:\d]", label_ctx[label_at + len(hit.label) :], maxsplit=1)[0]
        context = label_ctx[label_start : label_at + len(hit.label)] + tail
        if NOT_INVOICE_DATE.search(context):
            continue
        got = _date_near(view, hit)
        if not got:
            continue
        d, span, row, where, amb = got
        named = any(w in hit.label and len(hit.label) > len(w) + 1 for w in DATE_WORDS)
        strength = 0.9 if named else 0.8
        if amb:
            strength -= 0.1
        inv = view.found(d, strength, row, span, f"label '{hit.label.strip()}' {where}")
        break
    if inv is None or inv.confidence < 0.8:
        inv = _title_date(view) or inv
    if inv is None:
        for row in view.rows[:60]:
            text = row.text.lower()
            if NOT_INVOICE_DATE.search(text):
                continue
            ds = view.dates_in_words(row.words)
            if ds:
                d, span, amb = ds[0]
                inv = view.found(
                    d,
                    0.55 if not amb else 0.45,
                    row,
                    span,
                    "first date near the top of the document",
                )
                break
    return inv, due


def _date_near(view: DocumentView, hit: LabelHit):
    ds = view.dates_in_words(hit.row.words[hit.after :])
    if ds:
        d, span, amb = ds[0]
        return d, span, hit.row, "on the same line", amb
    lx0 = hit.row.words[hit.first_word].x0
    for row in view.rows_below(hit.row, 2):
        near = [w for w in row.words if w.x1 >= lx0 - 10 and w.x0 <= lx0 + 200]
        ds = view.dates_in_words(near)
        if ds:
            d, span, amb = ds[0]
            return d, span, row, "below the label", amb
    return None
