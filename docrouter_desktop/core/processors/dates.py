"""Dates as people write them, numeric or written in the languages of ``languages``.

Day-first or month-first is decided per document from evidence (a date whose day is over 12,
the language), then a setting; an unambiguous date is never swapped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from docrouter_desktop.core.processors import languages

# Every language's month names and abbreviations (languages/), in lower case.
MONTHS = languages.month_numbers()

_MONTH_ALT = languages.exact_alternation(MONTHS)
_ORDINALS = languages.exact_alternation(languages.words("ordinal_suffixes"))
_MONTH_FIRST_ORDINALS = languages.exact_alternation(
    w for t in languages.LANGUAGES if not t.day_first for w in t.ordinal_suffixes
)
_OF = languages.exact_alternation(languages.words("month_connectors"))
_OF_YEAR = languages.exact_alternation(languages.words("year_connectors"))
# 3 mars 2021, 12. Januar 2020, 25 DEC 2018, 1st of May 2020, 02/Jan/2017, 3 de marzo de 2024
WRITTEN_DMY = re.compile(
    rf"(?<!\d)(\d{{1,2}})(?:{_ORDINALS})?\.?\s*(?:(?:{_OF})\s+)?[-/]?({_MONTH_ALT})\.?,?\s*"
    rf"(?:(?:{_OF_YEAR})\s+)?[-/]?\s*'?(\d{{4}}|\d{{2}})(?!\d)",
    re.IGNORECASE,
)
# January 5, 2021 / Jan 5 2021: as the languages that write the month first write it.
WRITTEN_MDY = re.compile(
    rf"(?<![A-Za-z])({_MONTH_ALT})\.?\s+(\d{{1,2}})(?:{_MONTH_FIRST_ORDINALS})?\s*,?\s+(\d{{4}})(?!\d)",
    re.IGNORECASE,
)
ISO = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
# A comma may end a date ("Date: 01/11/2017, 10:02"), not go on into a number ("1.12.2017,50").
NUMERIC = re.compile(
    r"(?<![\d.,])(\d{1,2})\s?([-/.])\s?(\d{1,2})\s?\2\s?(\d{4}|\d{2})(?!\d|[.,]\d)"
)


# A numeric date as OCR may misread it: letters for digits (O/0, l/1, S/5, B/8) and a year with
# one digit misread ("2617", "2O18", "7018", "2078"). Only the characters change, never the
# length, so positions in the text stay the same.
_OCR_DATE = re.compile(
    r"(?<![\w.,])([\dOoDlI|SB]{1,2})([-/.])([\dOoDlI|SB]{1,2})\2(\d[\dOoD][\dOoDlI|SB]{2}|[\dOo]{2})(?!\w|[.,]\w)"
)
_OCR_DATE_DIGITS = str.maketrans(
    {"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1", "S": "5", "B": "8"}
)
# Digits OCR reads in place of others in print, likeliest first: what a misread year's digit
# may have been.
DIGIT_SLIPS = {
    "0": "869",
    "1": "74",
    "2": "7",
    "3": "8",
    "4": "1",
    "5": "06",
    "6": "05",
    "7": "12",
    "8": "03",
    "9": "0",
}
EARLIEST_YEAR = 1990


def repair_year(year: str, latest: int | None = None) -> str | None:
    """A four-digit year that cannot be a document's (after ``latest``, next year by default,
    or before 1990) read back to the year one misread digit away, trying the likeliest slips
    first: ``7018`` -> ``2018``, ``2078`` -> ``2018``. None when no single slip gives one."""
    latest = latest if latest is not None else date.today().year + 1
    if EARLIEST_YEAR <= int(year) <= latest:
        return year
    for rank in range(3):  # the likeliest slip of every digit before the second likeliest
        for i, digit in enumerate(year):
            slips = DIGIT_SLIPS[digit]
            if rank < len(slips):
                fixed = year[:i] + slips[rank] + year[i + 1 :]
                if EARLIEST_YEAR <= int(fixed) <= latest:
                    return fixed
    return None


def repair_ocr_dates(text: str) -> str:
    """A text whose numeric dates have OCR slips read back to digits: ``O5/O9/2617`` ->
    ``05/09/2017``, ``25/12/7018`` -> ``25/12/2018``. A token already a valid date and anything
    that is not date-shaped stay as they are; the length of the text never changes."""

    def fix(m: re.Match) -> str:
        day, sep, month, year = m.groups()
        if not any(c.isdigit() for c in day + month):
            return m.group(0)
        day, month = day.translate(_OCR_DATE_DIGITS), month.translate(_OCR_DATE_DIGITS)
        year = year.translate(_OCR_DATE_DIGITS)
        if len(year) == 4 and year[1] in "689" and year[0] == "2":
            year = year[0] + "0" + year[2:]
        if len(year) == 4 and (fixed := repair_year(year)) is not None:
            year = fixed
        return f"{day}{sep}{month}{sep}{year}"

    return _OCR_DATE.sub(fix, text)


@dataclass(frozen=True)
class DateMatch:
    value: date
    start: int
    end: int
    ambiguous: bool  # day and month could be swapped
    written: bool


def _year(y: str) -> int:
    n = int(y)
    if len(y) == 2:
        n += 2000 if n < 70 else 1900
    return n


def _make(y: int, m: int, d: int) -> date | None:
    try:
        if not 1900 <= y <= 2100:
            return None
        return date(y, m, d)
    except ValueError:
        return None


# NUMERIC without its opening look-behind, which is checked by hand in ``_numeric_dates``: a
# pattern that opens with a look-behind is slower to search for over a long document.
_NUMERIC_BODY = re.compile(NUMERIC.pattern.removeprefix(r"(?<![\d.,])"))


def _numeric_dates(text: str):
    """The matches of NUMERIC in ``text``, in order, as ``NUMERIC.finditer`` gives them."""
    search = _NUMERIC_BODY.search
    pos = 0
    while (m := search(text, pos)) is not None:
        start = m.start()
        if start and (text[start - 1] in ".," or text[start - 1].isdecimal()):
            pos = start + 1  # where NUMERIC's look-behind fails: try one further on
            continue
        yield m
        pos = m.end() if m.end() > start else start + 1


def time_like(m: re.Match) -> bool:
    """Whether a numeric date match could as well be a time of day printed with dots, as
    tills print ``12.17.26``: two digits each, the first an hour, the others minutes and
    seconds. Such a match is no evidence of a date order."""
    day, sep, month, year = m.group(1), m.group(2), m.group(3), m.group(4)
    return (
        sep == "."
        and len(day) == len(month) == len(year) == 2
        and int(day) <= 23
        and int(month) <= 59
        and int(year) <= 59
    )


def numeric_order_evidence(text: str) -> str | None:
    """'DMY' or 'MDY' when some numeric date in the text can only be read one way."""
    return order_from_counts(*numeric_order_counts(text))


def numeric_order_counts(text: str) -> tuple[int, int]:
    """How many numeric dates in the text can only be read day-first, and month-first."""
    dmy = mdy = 0
    for m in _numeric_dates(text):
        if time_like(m):
            continue
        a, b = int(m.group(1)), int(m.group(3))
        if a > 12 >= b >= 1:
            dmy += 1
        elif b > 12 >= a >= 1:
            mdy += 1
    return dmy, mdy


def order_from_counts(dmy: int, mdy: int) -> str | None:
    """'DMY' or 'MDY' as the dates only readable one way say, or None when they tie."""
    if dmy > mdy:
        return "DMY"
    if mdy > dmy:
        return "MDY"
    return None


def find_dates(text: str, order: str = "DMY") -> list[DateMatch]:
    """Every date in a text, read day-first or month-first by ``order`` where ambiguous."""
    found: list[DateMatch] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    for m in WRITTEN_DMY.finditer(text):
        d = _make(_year(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
        if d:
            found.append(DateMatch(d, m.start(), m.end(), False, True))
            taken.append(m.span())
    for m in WRITTEN_MDY.finditer(text):
        if not free(*m.span()):
            continue
        d = _make(int(m.group(3)), MONTHS[m.group(1).lower()], int(m.group(2)))
        if d:
            found.append(DateMatch(d, m.start(), m.end(), False, True))
            taken.append(m.span())
    for m in ISO.finditer(text):
        if not free(*m.span()):
            continue
        d = _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            found.append(DateMatch(d, m.start(), m.end(), False, False))
            taken.append(m.span())
    numeric = list(NUMERIC.finditer(text))
    # A time printed with dots beside a real date is the time, not a second date.
    has_other = any(not time_like(m) for m in numeric) or bool(found)
    for m in numeric:
        if not free(*m.span()) or (has_other and time_like(m)):
            continue
        a, b, y = int(m.group(1)), int(m.group(3)), _year(m.group(4))
        dmy = _make(y, b, a)
        mdy = _make(y, a, b)
        if dmy and mdy and a != b:
            d, ambiguous = (mdy if order == "MDY" else dmy), True
        else:
            d, ambiguous = (dmy or mdy), False
        if d:
            found.append(DateMatch(d, m.start(), m.end(), ambiguous, False))
            taken.append(m.span())
    found.sort(key=lambda x: x.start)
    return found
