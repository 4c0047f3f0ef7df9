"""The languages the processors read, each one table of words (``table.Language``), merged.

A new language is one module with its ``TABLE`` and a place in ``LANGUAGES``. The processors
build their patterns from the merged words: ``alternation`` joins every language's phrases of
some concepts into one regular expression (longest first, so a longer label is taken over a
shorter one it starts with), ``words`` gives them as they are.

The order of ``LANGUAGES`` settles ties in the language guess: the earlier language wins.
English, whose words ("date", "total") documents in other languages print too, comes after
German, French and Dutch.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from docrouter_desktop.core.processors.languages import de, en, es, fr, it, ms, nl
from docrouter_desktop.core.processors.languages.table import Language

LANGUAGES: tuple[Language, ...] = (
    de.TABLE,
    fr.TABLE,
    nl.TABLE,
    en.TABLE,
    es.TABLE,
    it.TABLE,
    ms.TABLE,
)

# The languages that write the day before the month.
DAY_FIRST = frozenset(t.code for t in LANGUAGES if t.day_first)

# What an accented letter also matches in a pattern.
_PLAIN_LETTERS = dict(zip("áàâäãéèêëíìîïóòôöõúùûüçñ", "aaaaaeeeeiiiiooooouuuucn", strict=True))


def words(*concepts: str) -> tuple[str, ...]:
    """The phrases of these concepts in every language, each once, language by language."""
    return tuple(dict.fromkeys(w for t in LANGUAGES for c in concepts for w in getattr(t, c)))


def phrase_pattern(phrase: str, forms: Mapping[str, str] | None = None) -> str:
    """One phrase as a regular expression (see ``table``); a word in ``forms`` is written as
    the pattern given for it there (how OCR misreads it)."""
    parts = []
    for token in phrase.split(" "):
        if forms and token in forms:
            parts.append(forms[token])
        elif token == "-":
            parts.append("-?")
        else:
            front = r"\w*" if token.startswith("*") and len(token) > 1 else ""
            parts.append(front + "".join(map(_letter, token[1:] if front else token)))
    return r"\s*".join(parts)


def _letter(c: str) -> str:
    if c in "'’":
        return "['’]"
    plain = _PLAIN_LETTERS.get(c)
    return f"[{c}{plain}]" if plain else re.escape(c)


def alternation(*concepts: str, forms: Mapping[str, str] | None = None) -> str:
    """The phrases of these concepts as alternatives of a regular expression (not grouped),
    the longest written first; one that never matches when there are none."""
    return phrases_alternation(words(*concepts), forms)


def phrases_alternation(phrases, forms: Mapping[str, str] | None = None) -> str:
    """``alternation`` of the phrases given."""
    ordered = sorted(dict.fromkeys(phrases), key=len, reverse=True)
    parts = dict.fromkeys(phrase_pattern(p, forms) for p in ordered)
    return "|".join(parts) or "(?!)"


def whole_words(*concepts: str, forms: Mapping[str, str] | None = None) -> str:
    """``alternation`` where neither a letter before nor a letter after may join the match."""
    return rf"(?<![a-z])(?:{alternation(*concepts, forms=forms)})(?![a-z])"


def exact_alternation(phrases) -> str:
    """Phrases as alternatives matched letter for letter, the longest first; one that never
    matches when there are none."""
    ordered = sorted(dict.fromkeys(phrases), key=len, reverse=True)
    return "|".join(re.escape(p) for p in ordered) or "(?!)"


def month_numbers() -> dict[str, int]:
    """Every language's month names and abbreviations, in lower case, with the month's number."""
    months: dict[str, int] = {}
    for table in LANGUAGES:
        for number, names in enumerate(table.months, start=1):
            for name in names:
                if months.setdefault(name, number) != number:
                    raise ValueError(f"{table.code}: {name!r} names two months")
    return months


def column_titles() -> dict[str, str]:
    """Line-item column titles (as printed, in lower case) and the column each one names."""
    titles: dict[str, str] = {}
    for column in ("description", "quantity", "unit_price", "amount"):
        for title in words(f"column_{column}"):
            if titles.setdefault(title, column) != column:
                raise ValueError(f"{title!r} names two columns")
    return titles


def guess_patterns() -> dict[str, re.Pattern]:
    """For each language with guess words, in the order of LANGUAGES, the pattern of them."""
    return {
        t.code: re.compile(rf"\b({exact_alternation(t.guess_words)})\b")
        for t in LANGUAGES
        if t.guess_words
    }
