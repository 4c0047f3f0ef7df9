"""Currencies from symbols, ISO codes and local abbreviations, mapped to ISO 4217."""

from __future__ import annotations

import re
from collections import Counter

CODES = {
    "EUR",
    "USD",
    "GBP",
    "CHF",
    "INR",
    "MYR",
    "SGD",
    "AUD",
    "CAD",
    "JPY",
    "CNY",
    "SEK",
    "NOK",
    "DKK",
    "PLN",
    "CZK",
    "HUF",
    "NZD",
    "HKD",
    "ZAR",
    "BRL",
    "MXN",
    "IDR",
    "THB",
    "PHP",
    "AED",
    "SAR",
    "TRY",
    "RUB",
    "KRW",
}
SYMBOLS = {"€": "EUR", "£": "GBP", "₹": "INR", "¥": "JPY", "₩": "KRW", "₺": "TRY", "zł": "PLN"}
WORDS = {
    "RM": "MYR",
    "Rs": "INR",
    "Rs.": "INR",
    "INR": "INR",
    "S$": "SGD",
    "A$": "AUD",
    "C$": "CAD",
    "US$": "USD",
    "CHF": "CHF",
    "Fr.": "CHF",
    "euro": "EUR",
    "euros": "EUR",
    "dollars": "USD",
}
# Neither pattern may follow a letter. That is checked by hand (``_after_letter``): a pattern
# that opens with a look-behind is tried at every position of the text, one that opens with
# its literal alternatives is not, which makes a long document's pass several times cheaper.
# Every alternative is made of letters (or ends in "$" or "."), so no match that follows a
# letter hides another match starting inside it.
_CODE_RE = re.compile(r"(" + "|".join(sorted(CODES)) + r")(?![A-Za-z])")
_WORD_RE = re.compile(r"(RM|Rs\.?|S\$|A\$|C\$|US\$|Euros?|euros?)(?=[\s\d.:]|$)")
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_BEFORE_DOLLAR = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ$")


def _after_letter(text: str, i: int, letters=_LETTERS) -> bool:
    return i > 0 and text[i - 1] in letters


def currencies_in(text: str, default_dollar: str = "USD") -> list[str]:
    """Every currency mention in a text, as ISO codes, in order."""
    return [code for _start, _end, code, _symbol in mentions_in(text, default_dollar)]


def mentions_in(text: str, default_dollar: str = "USD") -> list[tuple[int, int, str, bool]]:
    """Every currency mention in a text, in order: ``(start, end, code, by_symbol)``, where
    ``by_symbol`` is true for a sign (``€``, ``$``) rather than a code or a word."""
    found: list[tuple[int, int, str, bool]] = []
    for m in _CODE_RE.finditer(text):
        if not _after_letter(text, m.start()):
            found.append((m.start(), m.end(), m.group(1), False))
    for m in _WORD_RE.finditer(text):
        if _after_letter(text, m.start()):
            continue
        key = m.group(1)
        code = WORDS.get(key) or WORDS.get(key.lower()) or WORDS.get(key.rstrip("."))
        if code:
            found.append((m.start(), m.end(), code, False))
    for sym, code in SYMBOLS.items():
        start = 0
        while (i := text.find(sym, start)) >= 0:
            found.append((i, i + len(sym), code, True))
            start = i + 1
    start = 0
    while (i := text.find("$", start)) >= 0:  # a bare "$", not "US$" or "S$"
        if not _after_letter(text, i, _BEFORE_DOLLAR):
            found.append((i, i + 1, default_dollar, True))
        start = i + 1
    found.sort()
    return found


def beside_amount(text: str, start: int, end: int) -> bool:
    """Whether a digit stands right before or right after ``text[start:end]`` (one space
    apart at most): where a currency sign is printed, beside the amount it marks."""
    after = text[end : end + 2]
    before = text[max(0, start - 2) : start]
    return (after[:1].isdigit() or after[:1] == " " and after[1:2].isdigit()) or (
        before[-1:].isdigit() or before[-1:] == " " and before[:1].isdigit()
    )


def dominant_currency(texts: list[str], default_dollar: str = "USD") -> tuple[str | None, int]:
    """The most mentioned currency of a document and how many times it was mentioned."""
    codes: list[str] = []
    for t in texts:
        codes.extend(currencies_in(t, default_dollar))
    return most_mentioned(codes)


def most_mentioned(codes: list[str]) -> tuple[str | None, int]:
    """The most frequent of these currency mentions (the first seen among equals) and its count."""
    counts = Counter(codes)
    if not counts:
        return None, 0
    code, n = counts.most_common(1)[0]
    return code, n
