"""What every processor shares: the document view (rows, text, evidence) and found values."""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from docrouter_desktop.core.extraction.pages import PageContent, Word
from docrouter_desktop.core.fields import BY_NAME
from docrouter_desktop.core.processors import amounts as amt
from docrouter_desktop.core.processors import currency as cur
from docrouter_desktop.core.processors import dates as dt
from docrouter_desktop.core.processors import evidence as ev
from docrouter_desktop.core.processors import languages
from docrouter_desktop.core.processors.layout import Row, bbox_of, build_rows, rows_from


@dataclass(frozen=True)
class ProcessorOptions:
    date_order: str = "DMY"
    default_currency: str = "USD"
    embedded_data: bool = True
    # Confidence through the fitted model (calibration.py); off, a field has its rule's score.
    calibrated: bool = True
    # Keep every ranked candidate with its evidence on the view (ranking.py), for fitting.
    record_candidates: bool = False


@dataclass
class Found:
    value: Any
    confidence: float
    page: int | None = None
    bbox: list[float] | None = None
    source: str = "text"
    rule: str = ""
    # A group field's parts (``payment``: iban, bic, ...), each found on its own; the group's
    # value is then the parts' values and its confidence the lowest of theirs.
    parts: dict[str, Found] | None = None

    def details(self) -> dict:
        out: dict[str, Any] = {
            "confidence": round(max(0.0, min(1.0, self.confidence)), 3),
            "page": self.page,
            "bbox": self.bbox,
            "source": self.source,
            "rule": self.rule,
        }
        if self.parts is not None:
            out["parts"] = {name: part.details() for name, part in self.parts.items()}
        return out


def group_found(
    parts: Mapping[str, Found | None], source: str = "", rule: str = ""
) -> Found | None:
    """A group field (``payment``) from its parts found one by one: None when no part was
    found; its box and page those of its first part that has one."""
    present = {n: p for n, p in parts.items() if p is not None and p.value is not None}
    if not present:
        return None
    first = next((p for p in present.values() if p.bbox), next(iter(present.values())))
    return Found(
        {n: _plain(p.value) for n, p in present.items()},
        min(p.confidence for p in present.values()),
        first.page,
        first.bbox,
        source or first.source,
        rule or first.rule,
        parts=present,
    )


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 2)
    return value


@dataclass
class ProcessorOutput:
    processor_type: str
    fields: dict[str, Any]
    field_details: dict[str, dict]
    warnings: list[str] = field(default_factory=list)
    routing: str | None = None


@dataclass
class LabelHit:
    row: Row
    first_word: int  # index of the label's first word in row.words
    after: int  # index of the first word after the label
    label: str


_DOLLAR_AMOUNT = re.compile(r"\$\s?\d")


class DocumentView:
    """Rows of every page, the document's language and number conventions, and look-ups."""

    def __init__(self, pages: list[PageContent], options: ProcessorOptions):
        self.pages = pages
        self.options = options
        self.candidate_log: list[tuple[str, Any, dict[str, float]]] = []
        # A page's rows are built when something first reads them: from the plan made where
        # the page was extracted (``page.layout``), else from its words. The document's text
        # and row count come from the plans without building rows.
        self._page_rows: dict[int, list[Row]] = {}
        self._offsets: dict[int, int] = {}
        texts = []
        # Each page's text (its rows' joined by line breaks; empty without rows), in page order.
        self.page_texts: list[str] = []
        evidence = []  # of the pages with rows: what they say of currency and date order
        count = 0
        for page in pages:
            layout = page.layout
            if layout is None:
                rows = self._page_rows[page.number] = build_rows(page)
                n, text = len(rows), "\n".join(r.text for r in rows)
            else:
                n, text = layout.row_count, layout.text
            self._offsets[page.number] = count
            count += n
            self.page_texts.append(text)
            if n:
                texts.append(text)
                known = layout.evidence if layout is not None else None
                ocr = page.text_source == "ocr"
                evidence.append(known if known is not None else ev.page_evidence(text, ocr))
        self.rows = _Rows(self, count)
        # Made when first read: rows' texts in lower case (by id: a row stays in its page's
        # list as long as the view) and the hits of each pattern looked for on the label rows.
        self._lower_texts: dict[int, str] = {}
        self._label_hits: dict[re.Pattern, list[LabelHit]] = {}
        self.page_sizes = {p.number: (p.width, p.height) for p in pages}
        self.sources = {p.number: p.text_source for p in pages}
        # Labels of header and totals fields are looked for on the first two and the last three
        # pages: a long document's middle pages hold line items, not its totals.
        numbers = sorted({p.number for p in pages})
        keep = set(numbers[:2] + numbers[-3:])
        self.label_rows = [r for p in pages if p.number in keep for r in self.rows_on(p.number)]
        self.text = "\n".join(texts)
        self.lower = self.text.lower()
        self.language = guess_language(self.lower)
        self.date_order = self._decide_date_order(ev.date_order(evidence))
        # Counted page by page (mostly where the pages were extracted): the rows are joined by
        # line breaks, which no currency pattern spans, so the count is the rows' own. Every
        # currency mentioned is kept for the processors.
        mentions = ev.currency_mentions(evidence, self._dollar())
        self.currencies = set(mentions)
        self.named_currencies = ev.named_currencies(evidence)
        self.currency, self.currency_mentions = cur.most_mentioned(mentions)

    def rows_on(self, number: int) -> list[Row]:
        """The rows of page ``number``, top to bottom."""
        rows = self._page_rows.get(number)
        if rows is None:
            page = next(p for p in self.pages if p.number == number)
            rows = self._page_rows[number] = rows_from(page, page.layout)
        return rows

    def _dollar(self) -> str:
        return self.options.default_currency

    def _decide_date_order(self, evidence: str | None) -> str:
        # Another date that can only be read one way, or a day-first language, settles the
        # order: an ambiguous date read by it is as sure as an unambiguous one.
        self.date_order_settled = bool(evidence) or self.language in languages.DAY_FIRST
        if evidence:
            return evidence
        if self.language in languages.DAY_FIRST:
            return "DMY"
        if re.search(r"\b(usd|us\$)\b", self.lower) or self._dollar_amounts():
            if not re.search(r"€|£|\bgst\b|\bvat\b|\brm\s?\d", self.lower):
                return "MDY"
        return self.options.date_order

    def _dollar_amounts(self) -> bool:
        """Whether the document prices in dollars: a "$" before an amount, twice on scans
        (OCR reads a stray S or a smudge as "$"), once on a text layer."""
        seen = len(_DOLLAR_AMOUNT.findall(self.text))
        scanned = any(source == "ocr" for source in self.sources.values())
        return seen >= (2 if scanned else 1)

    # -- source of a page, and Found helpers

    def source(self, page: int) -> str:
        return "ocr" if self.sources.get(page) == "ocr" else "text"

    def found(self, value, confidence, row: Row, words: list[Word], rule: str) -> Found:
        conf = confidence
        if self.sources.get(row.page) == "ocr" and words:
            ocr = min(w.confidence for w in words)
            conf *= 0.75 + 0.25 * ocr
        return Found(
            value, conf, row.page, bbox_of(words) if words else None, self.source(row.page), rule
        )

    def rows_found(self, rows: list[Row], confidence: float, rule: str) -> Found:
        """The text of ``rows`` joined by commas (an address under a name), boxed by all
        their words."""
        words = [w for r in rows for w in r.words]
        text = ", ".join(clean_value(r.text) for r in rows)
        return self.found(text, confidence, rows[0], words, rule)

    # -- label search

    def find_labels(self, pattern: re.Pattern, rows: list[Row] | None = None) -> list[LabelHit]:
        """Every match of ``pattern`` in the rows' text in lower case (by default the label
        rows', whose hits are kept: several fields look for the same labels there)."""
        if rows is None:
            known = self._label_hits.get(pattern)
            if known is None:
                known = self._label_hits[pattern] = self._find_labels(pattern, self.label_rows)
            return list(known)
        return self._find_labels(pattern, rows)

    def _find_labels(self, pattern: re.Pattern, rows: list[Row]) -> list[LabelHit]:
        hits = []
        for row in rows:
            for m in pattern.finditer(self.lower_text(row)):
                first, after = _word_span(row, m.start(), m.end())
                hits.append(LabelHit(row, first, after, m.group(0)))
        return hits

    def lower_text(self, row: Row) -> str:
        """The row's text in lower case, made once."""
        text = self._lower_texts.get(id(row))
        if text is None:
            text = self._lower_texts[id(row)] = row.text.lower()
        return text

    def rows_below(self, row: Row, count: int = 2) -> list[Row]:
        """Up to ``count`` rows under ``row`` on its page."""
        return self.rows_on(row.page)[row.index + 1 : row.index + 1 + count]

    def pos(self, row: Row) -> int:
        """The row's place in the whole document, top of the first page first."""
        return self._offsets[row.page] + row.index

    # -- values

    def amounts_in_words(self, words: list[Word]) -> list[tuple[float, list[Word]]]:
        return amounts_in_words(words)

    def dates_in_words(
        self, words: list[Word], ocr: bool = False
    ) -> list[tuple[date, list[Word], bool]]:
        """Dates among words, each with the words it spans and whether it is ambiguous; with
        ``ocr``, digits OCR misread as letters inside a numeric date are read back first."""
        text, offsets = _join(words)
        if ocr:
            text = dt.repair_ocr_dates(text)
        out = []
        for m in dt.find_dates(text, self.date_order):
            span = [
                w for w, (a, b) in zip(words, offsets, strict=False) if a < m.end and b > m.start
            ]
            out.append((m.value, span, m.ambiguous and not self.date_order_settled))
        return out


class _Rows(Sequence):
    """Every row of a view's document, top of the first page first, as a read-only list whose
    pages are built into rows only when read."""

    def __init__(self, view: DocumentView, count: int):
        self._view = view
        self._count = count
        self._starts = [view._offsets[p.number] for p in view.pages]

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._count))]
        if i < 0:
            i += self._count
        if not 0 <= i < self._count:
            raise IndexError("row index out of range")
        k = bisect.bisect_right(self._starts, i) - 1
        while True:  # pages without rows share their start with the next page
            page = self._view.pages[k]
            rows = self._view.rows_on(page.number)
            if i - self._starts[k] < len(rows):
                return rows[i - self._starts[k]]
            k += 1

    def __iter__(self):
        for page in self._view.pages:
            yield from self._view.rows_on(page.number)


def amounts_in_words(words: list[Word]) -> list[tuple[float, list[Word]]]:
    """Amounts among words, each with the words it spans (``1 234,56`` is two words).

    OCR slips are tolerated: a currency marker glued to the number, ``O`` for ``0``, and a
    decimal point followed by a space (``29. 70``). A whole number counts as an amount only
    with a currency beside it (``Rs 1939``, ``€25``)."""
    tokens: list[tuple[str, list[Word]]] = []
    marked: set[int] = set()  # ids of words with a currency mark just before them
    previous = ""
    for w in words:
        text = w.text
        # A word of letters alone reads as itself: nothing in it is a number or a glued mark
        # a number could follow (the glued marks are only taken off before digits).
        t = text if text.isalpha() else amt.normalise_token(text)
        if (t != text.rstrip("_»«—-:;") and t[:1].isdigit()) or (
            len(previous) <= 3 and _CURRENCY_MARK.fullmatch(previous)  # marks are short
        ):
            marked.add(id(w))
        previous = text
        if (
            tokens
            and len(t) == 2
            and _TWO_DIGITS.fullmatch(t)
            and _ENDS_IN_SEPARATOR.search(tokens[-1][0])
            and w.x0 - tokens[-1][1][-1].x1 < 2.0 * max(w.bottom - w.top, 1.0)
        ):
            tokens[-1] = (tokens[-1][0] + t, tokens[-1][1] + [w])
            continue
        tokens.append((t, [w]))
    out = []
    text, offsets = _join_texts([t for t, _ in tokens])
    for value, s, e, has_dec in amt.find_amounts(text):
        span = [
            w
            for (t, ws), (a, b) in zip(tokens, offsets, strict=False)
            if a < e and b > s
            for w in ws
        ]
        if not has_dec and not (span and id(span[0]) in marked):
            continue
        if not has_dec and _NOT_A_WHOLE_AMOUNT.fullmatch(text[s:e]):
            continue  # a number with a leading zero, or nine digits ungrouped: an id
        out.append((abs(value), span))
    return out


_TWO_DIGITS = re.compile(r"\d{2}")
# Whole numbers nobody writes as an amount, with or without a currency mark glued on: a
# leading zero (``001019043840``, a tax number), or nine or more digits without grouping.
_NOT_A_WHOLE_AMOUNT = re.compile(r"0\d+|\d{9,}")
_ENDS_IN_SEPARATOR = re.compile(r"\d[.,]$")
_CURRENCY_MARK = re.compile(r"(?:rs\.?|rm|inr|eur|usd|gbp|chf|myr|€|\$|£|₹)", re.IGNORECASE)


def _join(words: list[Word]) -> tuple[str, list[tuple[int, int]]]:
    return _join_texts([w.text for w in words])


def _join_texts(texts: list[str]) -> tuple[str, list[tuple[int, int]]]:
    offsets = []
    pos = 0
    for t in texts:
        offsets.append((pos, pos + len(t)))
        pos += len(t) + 1
    return " ".join(texts), offsets


def _word_span(row: Row, start: int, end: int) -> tuple[int, int]:
    pos = 0
    first = None
    after = len(row.words)
    for i, w in enumerate(row.words):
        a, b = pos, pos + len(w.text)
        if first is None and b > start:
            first = i
        if a >= end:
            after = i
            break
        pos = b + 1
    return (first if first is not None else 0), after


# Each language's common words, whose count tells the document's language (ties go to the
# language listed first).
_LANG_WORDS = languages.guess_patterns()


def guess_language(lower: str) -> str:
    scores = {lang: len(p.findall(lower[:20000])) for lang, p in _LANG_WORDS.items()}
    return max(scores, key=lambda k: scores[k]) if any(scores.values()) else "en"


def clean_value(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" :;,#-–|")


def fields_and_details(found: Mapping[str, Found | None], names: list[str]):
    fields: dict[str, Any] = {}
    details: dict[str, dict] = {}
    for name in names:
        f = found.get(name)
        if f is None or f.value is None:
            fields[name] = None
            continue
        value = _plain(f.value)
        if f.parts is not None:
            group = BY_NAME[name]
            value = {p.name: _plain(f.value.get(p.name)) for p in group.parts}
        fields[name] = value
        details[name] = f.details()
    return fields, details
