"""Amounts as people write them: ``1.234,56``, ``1,234.56``, ``1 234,56``, ``1'234.56``, ``RM 12.50``."""

from __future__ import annotations

import re

# A number with an optional thousands grouping and two decimals, or a plain integer.
AMOUNT_RE = re.compile(
    r"(?<![\w.,])"
    r"(?P<sign>[-−–(])?\s?"
    r"(?P<num>\d{1,3}(?:(?P<sep>[.,'’\u00a0\u202f ])\d{3})+(?:[.,]\d{1,2})?"
    r"|\d+(?:[.,]\d{1,2})?)"
    r"(?P<close>\))?"
    r"(?![\w]|[.,]\d)"
)


# Compiled once: these run for every word of every row a processor reads.
_NOT_NUMBER = re.compile(r"[^\d.,' ’\-−()]")
_NUMBER = re.compile(r"(\d{1,3}(?:[.,' ’]\d{3})*|\d+)(?:([.,])(\d{1,2}))?")
_GROUPING = re.compile(r"[.,' ’]")
_DECIMALS = re.compile(r"[.,]\d{1,2}$")
_LEADING_MARKS = re.compile(r"^[-»«—:;_~=]*[»«—:;_~=]+(?=-?\d)")
_DIGIT_LIKE = re.compile(r"[\dOoDQlI|SsB]+[.,][\dOoDQlI|SsB]{2}")
# An amount without a thousands grouping or a sign: digits, then up to two decimals.
_PLAIN = re.compile(r"(\d+)(?:[.,](\d{1,2}))?")
# What a word of nothing but digits and decimal marks holds: normalise_token leaves it as it is.
_DIGITS_AND_MARKS = "0123456789.,"


def parse_amount(text: str) -> float | None:
    """A number from one written amount, or None. Two decimals are assumed after the last
    separator when it is followed by one or two digits; three digits make it a thousands
    separator."""
    s = text.strip().replace("\u00a0", " ").replace("\u202f", " ")
    s = _NOT_NUMBER.sub("", s).strip()
    negative = s.startswith(("-", "−", "(")) or s.endswith("-")
    s = s.strip("-−() ")
    if not s or not any(c.isdigit() for c in s):
        return None
    m = _NUMBER.fullmatch(s)
    if not m:
        return None
    whole = _GROUPING.sub("", m.group(1))
    value = float(whole)
    if m.group(3):
        frac = m.group(3)
        value += int(frac) / (10 ** len(frac))
    return -value if negative else value


def find_amounts(text: str) -> list[tuple[float, int, int, bool]]:
    """Every amount in a text as (value, start, end, has_decimals)."""
    out = []
    for m in AMOUNT_RE.finditer(text):
        raw = m.group("num")
        plain = _PLAIN.fullmatch(raw)
        if plain:  # most amounts: read as parse_amount reads them, without its clean-up
            whole, frac = plain.groups()
            has_dec = frac is not None
            value = float(whole)
            if frac:
                value += int(frac) / (10 ** len(frac))
        else:
            has_dec = bool(_DECIMALS.search(raw))
            parsed = parse_amount(raw)
            if parsed is None:
                continue
            value = parsed
        if m.group("sign") in ("(",) and m.group("close"):
            value = -value
        elif m.group("sign") in ("-", "−", "–"):
            value = -value
        out.append((value, m.start("num"), m.end("num"), has_dec))
    return out


def is_amount_token(token: str) -> bool:
    return parse_amount(token) is not None and bool(re.search(r"\d[.,]\d{2}\b", token))


# A currency marker glued to the number by the printer or by OCR: "RM11.90", "$4.11", "€12,50".
_GLUED_PREFIX = re.compile(
    # OCR reads the R of "RM" as f or F on till paper: "fM3.00", "FM11.90".
    r"^(?:RM|RN|Rm|[fF]M|Rs\.?|S\$|US\$|\$|€|£|₹|USD|EUR|MYR|INR|GBP)(?=[\dOo])"
)
# Letters OCR confuses with digits, mapped back inside a token that is otherwise a number.
_OCR_DIGITS = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "D": "0",
        "Q": "0",
        "l": "1",
        "I": "1",
        "|": "1",
        "S": "5",
        "s": "5",
        "B": "8",
    }
)


def normalise_token(token: str) -> str:
    """One word as a number reader should see it: a glued currency marker removed, trailing
    punctuation dropped, and in OCR text the letters that look like digits read as digits
    (``RM3O.00`` -> ``30.00``, ``l5.90`` -> ``15.90``) when the rest of the word is a number
    with decimals."""
    if not token.strip(_DIGITS_AND_MARKS):
        return token  # no mark, punctuation or letter to take off or read back
    t = _GLUED_PREFIX.sub("", token)
    t = t.rstrip("_»«—-:;")
    t = _LEADING_MARKS.sub("", t)
    if _DIGIT_LIKE.fullmatch(t) and sum(c.isdigit() for c in t) >= 2:
        t = t.translate(_OCR_DIGITS)
    return t
