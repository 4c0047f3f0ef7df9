"""An invoice's total, subtotal and tax: by their labels, weighed by net + tax = gross."""

from __future__ import annotations

import re
from itertools import groupby

from docrouter_desktop.core.extraction.pages import Word
from docrouter_desktop.core.processors.base import DocumentView, Found, LabelHit
from docrouter_desktop.core.processors.languages import LANGUAGES, alternation, phrases_alternation
from docrouter_desktop.core.processors.layout import Row

# "Total incl. VAT": a total said to include the tax reads on towards the amount, as far as
# its language's reach.
_INCLUDING = "|".join(
    rf"(?:{phrases_alternation(t.total_including_labels)})[^\n\d]{{0,{t.including_reach}}}"
    for t in LANGUAGES
    if t.total_including_labels
)
# Totals, strongest first. Each is (pattern, strength).
TOTAL_LABELS = [
    (alternation("amount_due_labels"), 0.95),
    ("|".join(p for p in (_INCLUDING, alternation("gross_total_labels")) if p), 0.95),
    (alternation("total_labels"), 0.8),
]
NOT_TOTAL = re.compile(alternation("not_total_labels"))
SUBTOTAL_LABELS = re.compile(alternation("subtotal_labels"))
# The tax's name, maybe with "total" before it and "amount" or its rate after it; or a tax
# amount's label of its own.
_TAX_BEFORE, _TAX_NAME = alternation("tax_label_prefixes"), alternation("tax_label_names")
TAX_LABELS = re.compile(
    rf"(?<![a-z])(?:(?:{_TAX_BEFORE})\s*)?(?:{_TAX_NAME})(?![a-z])"
    rf"(?:\s*(?:{alternation('tax_label_suffixes')}|\d{{1,2}}(?:[.,]\d{{1,2}})?\s*%))?|"
    + alternation("tax_amount_labels")
)
# A tax number rather than a tax amount, or a rate that ends the line.
TAX_NOT_AMOUNT = re.compile(rf"{alternation('tax_registration_labels')}|%\s*$")
# Before "total", what makes it a subtotal ("Sub-total", "Zwischen-Summe").
SUBTOTAL_BEFORE = re.compile(rf"(?:{alternation('subtotal_prefixes')})$")
TAX_MARK = re.compile(alternation("tax_marks"))
TOTAL_MARK = re.compile(alternation("total_marks"))


def compile_labels(specs):
    return [(re.compile(p), s) for p, s in specs]


TOTAL_PATTERNS = compile_labels(TOTAL_LABELS)


CROWDED = "on a line crowded with other amounts"


def _amount_after(view: DocumentView, hit: LabelHit, below: bool = True):
    """The amount that belongs to a label: on its row to the right, else just below it."""
    words = hit.row.words[hit.after :]
    amounts = view.amounts_in_words(words)
    if amounts:
        if len(amounts) <= 3:
            value, span = amounts[-1]
            return value, span, hit.row, "on the same line"
        # Many figures on one line (a flattened table): which one is the label's is unclear.
        value, span = amounts[0]
        return value, span, hit.row, CROWDED
    if below:
        lx0 = hit.row.words[hit.first_word].x0
        lx1 = hit.row.words[max(hit.first_word, hit.after - 1)].x1
        for row in view.rows_below(hit.row, 2):
            near = [w for w in row.words if w.x1 >= lx0 - 5 and w.x0 <= lx1 + 120]
            found = view.amounts_in_words(near)
            if found:
                value, span = found[0]
                return value, span, row, "below the label"
    return None


def find_totals(view: DocumentView) -> dict[str, Found | None]:
    candidates: list[tuple[float, float, Found]] = []  # (score, order, found)
    n_rows = len(view.rows) or 1
    for pattern, strength in TOTAL_PATTERNS:
        for hit in view.find_labels(pattern):
            label_text = view.lower_text(hit.row)
            if NOT_TOTAL.search(hit.label) or _excluded_total(label_text, hit):
                continue
            got = _amount_after(view, hit)
            if not got:
                continue
            value, span, row, where = got
            value = _signed(view, row, span, value)
            position = view.pos(hit.row) / n_rows
            if where == CROWDED:
                strength = min(strength, 0.6)
            score = strength + 0.1 * position
            rule = f"label '{hit.row.words[hit.first_word].text}{_rest(hit)}' {where}"
            candidates.append((score, position, view.found(value, strength, row, span, rule)))
    subtotal = _labelled_amount(view, SUBTOTAL_LABELS, "subtotal")
    tax = _labelled_amount(
        view,
        TAX_LABELS,
        "tax",
        exclude=TAX_NOT_AMOUNT,
    )
    total = None
    if candidates:
        candidates.sort(key=lambda c: (c[0], c[1]), reverse=True)
        total = candidates[0][2]
        if subtotal and tax:
            for _s, _p, cand in candidates:
                if abs(subtotal.value + tax.value - cand.value) < 0.011:
                    total = cand
                    break
    agrees = total and subtotal and tax and abs(subtotal.value + tax.value - total.value) < 0.011
    if not agrees:
        triple = _totals_triple(view)
        if triple is not None:
            z, x, y = triple
            if total is None or abs(total.value - z[0]) > 0.011:
                same = [c for _s, _p, c in candidates if abs(c.value - z[0]) < 0.011]
                total = (
                    same[0]
                    if same
                    else view.found(
                        z[0], 0.75, z[2], z[1], "the sum of net and tax amounts in the totals block"
                    )
                )
            subtotal = view.found(x[0], 0.75, x[2], x[1], "net amount in the totals block")
            tax = view.found(y[0], 0.75, y[2], y[1], "tax amount in the totals block")
    if total is None and subtotal and tax:
        value = round(subtotal.value + tax.value, 2)
        total = Found(value, 0.55, subtotal.page, None, subtotal.source, "subtotal + tax")
    if total is not None:
        by_arithmetic = "in the totals block" in total.rule
        if by_arithmetic:
            pass  # found by the sum itself: the agreement is no extra evidence
        elif subtotal and tax and abs(subtotal.value + tax.value - total.value) < 0.011:
            total.confidence = min(0.99, total.confidence + 0.1)
            total.rule += "; subtotal + tax agree"
            subtotal.confidence = min(0.99, subtotal.confidence + 0.1)
            tax.confidence = min(0.99, tax.confidence + 0.1)
        elif subtotal and abs(subtotal.value - total.value) < 0.011 and not tax:
            total.rule += "; equals the subtotal (no tax)"
        elif subtotal and tax:
            # The printed figures contradict each other: one of them was misread.
            for f in (total, subtotal, tax):
                f.confidence = min(f.confidence, 0.6)
            total.rule += "; subtotal + tax do not agree"
        else:
            total.confidence *= 0.9
    return {"total": total, "subtotal": subtotal, "tax": tax}


def _signed(view: DocumentView, row: Row, span: list[Word], value: float) -> float:
    """The amount with the minus sign printed before it (a corrective invoice's negative
    total); credit notes are turned into magnitudes afterwards."""
    first = span[0]
    i = row.words.index(first) if first in row.words else -1
    before = row.words[i - 1].text if i > 0 else ""
    if first.text.lstrip().startswith(("-", "−")) or before in ("-", "−"):
        return -value
    return value


def _totals_triple(view: DocumentView):
    """Net, tax and gross amounts that add up (net + tax = gross, tax 2-27% of net) on the rows
    that carry total or tax labels: arithmetic evidence when the labels are ambiguous."""
    values = []
    # The rows with a label: where the labels of the fields were found (a pattern's hits on
    # the label rows are kept by the view).
    patterns = [p for p, _s in TOTAL_PATTERNS] + [SUBTOTAL_LABELS, TAX_LABELS]
    labelled = {id(hit.row) for p in patterns for hit in view.find_labels(p)}
    for row in view.label_rows:
        if id(row) not in labelled:
            continue
        for value, span in view.amounts_in_words(row.words):
            if value > 0:
                values.append((value, span, row))
    values.sort(key=lambda v: v[0], reverse=True)
    return _adding_up(values[:30])


def _adding_up(values: list) -> tuple | None:
    """The first (gross, net, tax) among ``values`` (largest first) with net + tax = gross."""
    # The values by their amount in cents: the ones within a cent of a wanted amount are
    # looked up rather than searched for (the same first match as trying each in turn).
    by_cents: dict[int, list[int]] = {}
    for i, v in enumerate(values):
        by_cents.setdefault(round(v[0] * 100), []).append(i)

    def near(amount: float) -> list[int]:
        c = round(amount * 100)
        return sorted(i for k in range(c - 2, c + 3) for i in by_cents.get(k, ()))

    for z in values:
        for x in values:
            y_value = round(z[0] - x[0], 2)
            if not 0.02 * x[0] <= y_value <= 0.27 * x[0]:
                continue
            for j in near(y_value):
                if abs(values[j][0] - y_value) < 0.011:
                    return z, x, values[j]
    # Two tax rates (7% and 19%): net + tax + tax = gross. The pairs by their sum in cents.
    pairs: dict[int, list[tuple[int, int]]] = {}
    for i, y1 in enumerate(values):
        for j in range(i + 1, len(values)):
            pairs.setdefault(round((y1[0] + values[j][0]) * 100), []).append((i, j))
    for z in values:
        for x in values:
            y_value = round(z[0] - x[0], 2)
            if not 0.02 * x[0] <= y_value <= 0.27 * x[0]:
                continue
            c = round(y_value * 100)
            for i, j in sorted(p for k in range(c - 2, c + 3) for p in pairs.get(k, ())):
                y1, y2 = values[i], values[j]
                if y1 is not x and y2 is not x and abs(y1[0] + y2[0] - y_value) < 0.011:
                    return z, x, (y_value, y1[1] + y2[1], y1[2])
    return None


def _rest(hit: LabelHit) -> str:
    words = hit.row.words[hit.first_word + 1 : hit.after]
    return (" " + " ".join(w.text for w in words)) if words else ""


def _excluded_total(row_text: str, hit: LabelHit) -> bool:
    before = row_text[: row_text.find(hit.label)] if hit.label in row_text else ""
    return bool(SUBTOTAL_BEFORE.search(before.strip()))


def _labelled_amount(
    view: DocumentView, pattern: re.Pattern, name: str, exclude=None
) -> Found | None:
    """The amount of a label of ``pattern`` on the last row that has one (the first such
    label's on that row). The label rows are tried from the last, so the amounts of the
    earlier ones are mostly never read."""
    rows = [list(hits) for _row, hits in groupby(view.find_labels(pattern), _row_id)]
    for hits in reversed(rows):
        for hit in hits:
            found = _label_amount(view, hit, name, exclude)
            if found is not None:
                return found
    return None


def _row_id(hit: LabelHit) -> int:
    return id(hit.row)


def _label_amount(view: DocumentView, hit: LabelHit, name: str, exclude) -> Found | None:
    row_text = view.lower_text(hit.row)
    if exclude and exclude.search(row_text[row_text.find(hit.label) :][: len(hit.label) + 12]):
        return None
    if (
        name == "tax"
        and not TAX_MARK.search(hit.label)
        and NOT_TOTAL.search(row_text) is None
        and TOTAL_MARK.search(row_text)
    ):
        return None
    got = _amount_after(view, hit)
    if not got:
        return None
    value, span, row, where = got
    value = _signed(view, row, span, value)
    return view.found(value, 0.75, row, span, f"label '{hit.label.strip()}' {where}")
