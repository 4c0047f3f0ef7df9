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
_CODE_RE = re.compile(r"(?<![A-Za-z])(" + "|".join(sorted(CODES)) + r")(?![A-Za-z])")
_WORD_RE = re.compile(r"(?<![A-Za-z])(RM|Rs\.?|S\$|A\$|C\$|US\$|[Ee]uros?)(?=[\s\d.:]|$)")


def currencies_in(text: str, default_dollar: str = "USD") -> list[str]:
    """Every currency mention in a text, as ISO codes, in order."""
    found: list[tuple[int, str]] = []
    for m in _CODE_RE.finditer(text):
        found.append((m.start(), m.group(1)))
    for m in _WORD_RE.finditer(text):
        key = m.group(1)
        code = WORDS.get(key) or WORDS.get(key.lower()) or WORDS.get(key.rstrip("."))
        if code:
            found.append((m.start(), code))
    for sym, code in SYMBOLS.items():
        start = 0
        while (i := text.find(sym, start)) >= 0:
            found.append((i, code))
            start = i + 1
    for m in re.finditer(r"(?<![A-Z$])\$", text):
        found.append((m.start(), default_dollar))
    found.sort()
    return [code for _pos, code in found]


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
