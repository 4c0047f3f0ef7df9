"""A receipt's date: the sale's date, with a month-first reading checked against the country's."""

from __future__ import annotations

import re
from datetime import date

from docrouter_desktop.core.processors import dates as dt
from docrouter_desktop.core.processors import languages
from docrouter_desktop.core.processors.base import DocumentView, Found
from docrouter_desktop.core.processors.languages import alternation

# A till prints the sale's date with its time ("18/03/18 19:08"); a date alone on a receipt is as
# often a batch, expiry or promotion date.
TIME_OF_DAY = re.compile(r"(?<![\d.,])(?:[01]?\d|2[0-3])\s?[:.]\s?[0-5]\d(?![\d,]|\.\d)")
MONTH_FIRST = re.compile(r"(?<!\d)\d{1,2}\s?[-/.]\s?(\d{1,2})\s?[-/.]")
# Currencies and taxes of countries that write the day first (Malaysia, Singapore, India, the UK,
# the euro area).
DAY_FIRST_SIGNS = re.compile(
    rf"(?<![a-z])(?:{alternation('tax_acronyms')}|rm|myr|inr|rs|sgd|eur|gbp)(?![a-z])|€|£|₹"
)
DATE_LABEL = re.compile(
    rf"{alternation('receipt_date_labels')}|(?:{alternation('receipt_date_abbreviations')})\b"
)


def find_receipt_date(view: DocumentView) -> Found | None:
    """The sale's date: on a line labelled Date, else beside a time of day, else the first one."""
    labelled, timed, plain = [], [], []
    for row in view.rows:
        ocr = view.sources.get(row.page) == "ocr"
        ds = view.dates_in_words(row.words, ocr=ocr)
        if not ds:
            continue
        d, span, amb = ds[0]
        text = row.text.lower()
        rest = " ".join(w.text for w in row.words if w not in span)
        if DATE_LABEL.search(text):
            labelled.append(
                view.found(d, 0.9 if not amb else 0.8, row, span, "date on a line labelled 'Date'")
            )
        elif TIME_OF_DAY.search(rest):
            timed.append(
                view.found(d, 0.85 if not amb else 0.7, row, span, "date beside a time of day")
            )
        else:
            plain.append(
                view.found(d, 0.85 if not amb else 0.7, row, span, "first date on the receipt")
            )
    dates = labelled or timed
    if not dates:
        dates = _misread_separator_dates(view) or plain
    best = dates[0] if dates else None
    if best is not None and _month_first_in_day_first(view, best):
        best.confidence = min(best.confidence, 0.6)
        best.rule += "; month-first, in a document that writes dates day-first elsewhere"
        repaired = _slashed_zero_month(view, best)
        if repaired is not None:
            best.value = repaired
            best.confidence = min(best.confidence, 0.55)
            best.rule += "; month read as 10 (OCR takes a slashed zero for 6, 8 or 9)"
    return best


# A date whose first separator OCR lost or read as a colon: "1202/2018", "27:03/2018".
MISREAD_SEPARATOR = re.compile(
    r"(?<![\d.,:])(\d{2})(?:\s?:\s?)?(\d{2})\s?([-/.])\s?(\d{4})(?![\d])"
)


def _misread_separator_dates(view: DocumentView) -> list[Found]:
    """Dates on lines labelled Date or beside a time of day whose first separator OCR lost or
    misread, read day-first or month-first as the document does; never confident."""
    out = []
    for row in view.rows:
        if view.sources.get(row.page) != "ocr":
            continue
        text = " ".join(w.text for w in row.words)
        for m in MISREAD_SEPARATOR.finditer(text):
            rest = text[: m.start()] + text[m.end() :]
            labelled = bool(DATE_LABEL.search(text.lower()))
            if not labelled and not TIME_OF_DAY.search(rest):
                continue
            a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(4))
            day, month = (b, a) if view.date_order == "MDY" else (a, b)
            try:
                value = date(year, month, day)
            except ValueError:
                continue
            if not dt.EARLIEST_YEAR <= year <= date.today().year + 1:
                continue
            span = _words_at(row, m.start(), m.end())
            where = "on a line labelled 'Date'" if labelled else "beside a time of day"
            out.append(
                view.found(value, 0.55, row, span, f"date {where}, a separator misread by OCR")
            )
    return out


def _words_at(row, start: int, end: int):
    words, pos = [], 0
    for w in row.words:
        if pos < end and pos + len(w.text) > start:
            words.append(w)
        pos += len(w.text) + 1
    return words


# Till printers slash their zeros; OCR reads such a 0 as 6, 8 or 9, so "01/10/2017" comes out
# as "01/16/2017", a date that only makes sense month-first.
SLASHED_ZERO_MONTH = re.compile(
    r"(?<!\d)(\d{1,2})\s?[-/.]\s?1([689])\s?[-/.]\s?(\d{4}|\d{2})(?!\d)"
)


def _slashed_zero_month(view: DocumentView, found: Found) -> date | None:
    """The day-first date an OCR-read month-first date stands for when its month is "1" and a
    misread zero: ``01/16/2017`` -> 1 October 2017; None when that does not apply."""
    if found.source != "ocr":
        return None
    m = SLASHED_ZERO_MONTH.search(_found_text(view, found))
    if not m:
        return None
    year = int(m.group(3)) + (2000 if len(m.group(3)) == 2 else 0)
    try:
        return date(year, 10, int(m.group(1)))
    except ValueError:
        return None


def _found_text(view: DocumentView, found: Found) -> str:
    """The text of the words inside a found value's box."""
    return " ".join(
        w.text
        for r in view.rows
        if r.page == found.page
        for w in r.words
        if found.bbox
        and w.x0 >= found.bbox[0] - 0.01
        and w.x1 <= found.bbox[2] + 0.01
        and w.top >= found.bbox[1] - 0.01
        and w.bottom <= found.bbox[3] + 0.01
    )


def _month_first_in_day_first(view: DocumentView, found: Found) -> bool:
    """A date that can only be read month-first ("01/16/2017") on a receipt whose currency or
    language writes dates day-first: more likely a misread digit than a US date."""
    row_text = _found_text(view, found)
    m = MONTH_FIRST.search(row_text)
    if not m or int(m.group(1)) <= 12:
        return False
    return bool(DAY_FIRST_SIGNS.search(view.lower)) or view.language in languages.DAY_FIRST
