"""The receipt processor: shop name and address at the top, date, total, tax and currency."""

from __future__ import annotations

import re
from datetime import date

from docrouter_desktop.core.processors.base import (
    DocumentView,
    Found,
    ProcessorOutput,
    clean_value,
    fields_and_details,
)
from docrouter_desktop.core.processors.invoice import find_currency
from docrouter_desktop.core.processors.till_arithmetic import (
    FIVE_CENT_CURRENCIES,
    five_cent_rounding,
    one_digit_confusion,
    printed_rates,
    tax_amounts,
    tax_rate_fitting,
    tax_repair,
)

RECEIPT_FIELDS = ["vendor", "vendor_address", "date", "total", "tax", "currency"]

NOT_TOTAL = re.compile(
    r"sub\s*-?\s*total|total\s*(?:qty|quantity|item|items|excl|exclusive|ex\.?|before|gst\s*$|tax|discount|savings|saving|disc)|"
    r"excl|before\s*(?:gst|disc)|no\s*of\s*item|total\s*qty|tot\s*qty|change|cash|tender|paid|rounding\s*adj|"
    r"(?<![a-z])adj|qty|quantity|(?<![a-z])items?(?![a-z])|savings?|discount|"
    # A GST summary's "Total 6% supplies" / "zero rated supplies" splits the sale by tax rate.
    r"suppl(?:y|ies)|zero\s*rated|standard\s*rated"
)
ROUNDING_ADJ = re.compile(r"round(?:ing)?\s*(?:adj(?:ustment)?|adj\.?)")
TAX_LABELS = re.compile(
    r"(?<![a-z])(?:total\s*)?(?:gst|sst|vat|tax|mwst|tva|btw)(?![a-z])(?:\s*(?:amount|payable|@?\s*\d{1,2}\s*%))?"
)
ADDRESS_STOP = re.compile(
    r"(?<![a-z])(tel|fax|phone|mobile|whatsapps?|h/p|hp|gst|sst|tax|reg|receipt|invoice|cashier|date|time|table|doc|bill|www|e-?mail|@|c[o0]\.\s*n[o0])(?![a-z])",
    re.IGNORECASE,
)


class ReceiptProcessor:
    name = "receipt"

    def run(self, view: DocumentView) -> ProcessorOutput:
        found: dict[str, Found | None] = {}
        found["total"] = find_receipt_total(view)
        found["tax"] = find_receipt_tax(view, found["total"])
        found["date"] = find_receipt_date(view)
        found["currency"] = find_currency(view, found["total"])
        found["vendor"], found["vendor_address"] = find_shop(view)
        fields, details = fields_and_details(found, RECEIPT_FIELDS)
        return ProcessorOutput("receipt", fields, details, [])


# OCR reads "TOTAL" as "TOTA1", "T0TAL", "TOTAI": the receipt labels tolerate it.
_T = r"t[o0a]t[a4][l1i|]"
STRONG_TOTAL = re.compile(
    rf"grand\s*{_T}|{_T}\s*amount|amount\s*due|{_T}\s*due|nett?\s*{_T}|"
    rf"{_T}\s*\(?(?:incl|inc\b|rm|inclusive|in\b|tnt)[^\n\d]{{0,16}}|{_T}\s*sales|"
    rf"round(?:ed|ing)?\s*{_T}|{_T}\s*(?:amt\s*)?round(?:ed|ing)?|{_T}\s*payable|"
    rf"amount\s*payable|{_T}\s*to\s*pay|{_T}\s*\(?eat|{_T}\s*rm|"
    r"gesamtbetrag|summe|montant\s*ttc|net\s*[àa]\s*payer|te\s*betalen|totaal"
)
PLAIN_TOTAL = re.compile(
    rf"(?<![a-z]){_T}(?![a-z])|(?<![a-z])amount(?![a-z])|(?<![a-z])tl(?![a-z])"
)
ROUNDED = re.compile(r"round")
# "Rounding RM 37.45" under "Total Sales 37.44": the rounded amount is the one paid.
ROUNDED_TOTAL = re.compile(r"\W*round(?:ed|ing)?(?!\s*adj)(?:\s*(?:total|amount|amt))?")
PAID = re.compile(
    r"(?<![a-z])(?:cash|tender(?:ed)?|paid|payment|card|visa|master(?:card)?|credit|debit|"
    r"received|bar|esp[eè]ces|contant)(?![a-z])"
)
CHANGE = re.compile(
    r"(?<![a-z])(?:change|chanqe|balance|kembali|rückgeld|wisselgeld|rendu)(?![a-z])"
)


def _row_amount(view: DocumentView, row, after: int = 0):
    amounts = view.amounts_in_words(row.words[after:])
    if amounts:
        return amounts[-1], row, "on the same line"
    for below in view.rows_below(row, 1):
        got = view.amounts_in_words(below.words)
        low = below.text.lower()
        if got and not (PLAIN_TOTAL.search(low) or PAID.search(low) or CHANGE.search(low)):
            return got[0], below, "below the label"
    return None


def find_receipt_total(view: DocumentView) -> Found | None:
    """The amount paid: total labels, weighed by the arithmetic a till prints around them
    (cash minus change, subtotal plus tax, the same amount on several lines)."""
    cands: dict[float, dict] = {}

    def add(value, score, found, why=None):
        c = cands.setdefault(round(value, 2), {"score": 0.0, "found": found, "why": []})
        if score > c.get("label", 0):
            c["score"] += score - c.get("label", 0)
            c["label"] = score
            c["found"] = found
        if why:
            c["why"].append(why)

    for row in view.rows:
        text = row.text.lower()
        strong = STRONG_TOTAL.search(text) or ROUNDED_TOTAL.match(text)
        plain = PLAIN_TOTAL.search(text)
        m = strong or plain
        if not m or NOT_TOTAL.search(text):
            continue
        first, after = _word_span_of(row, m.end())
        got = _row_amount(view, row, after)
        if not got:
            continue
        (value, span), at, where = got
        if value <= 0:
            continue
        score = 3.0 if strong else 2.0
        label = clean_value(m.group(0))
        add(value, score, view.found(value, 0.7, at, span, f"label '{label}' {where}"))
        if value in cands and cands[round(value, 2)].get("seen"):
            cands[round(value, 2)]["score"] += 1.0
            cands[round(value, 2)]["why"].append("the same amount is on another total line")
        cands[round(value, 2)]["seen"] = True
        if ROUNDED.search(text):
            cands[round(value, 2)]["rounded"] = True

    for value, c in cands.items():
        # A rounded total sits within a few cents of the unrounded one; far from it, the
        # "rounded" figure was misread.
        if c.get("rounded") and any(0 < abs(v - value) <= 0.10 for v in cands):
            c["score"] += 0.5
        elif c.get("rounded") and any(abs(v - value) > 0.10 for v in cands):
            c["score"] -= 1.0
    adj = _labelled(view, ROUNDING_ADJ)
    if adj is not None and abs(adj) < 0.10:
        # Total plus the rounding adjustment is the rounded total; a "rounded total" that no
        # total plus or minus the adjustment gives was misread.
        plain = [v for v, c in cands.items() if not c.get("rounded")]
        expected = {round(u + s * adj, 2) for u in plain for s in (1, -1)}
        for value, c in cands.items():
            if c.get("rounded") and plain:
                if value in expected:
                    c["score"] += 1.0
                    c["why"].append("total plus the rounding adjustment agrees")
                else:
                    c["score"] -= 1.5
    paid = _labelled(view, PAID)
    change = _labelled(view, CHANGE)
    if paid is not None:
        if change is not None and paid - change > 0:
            value = round(paid - change, 2)
            if value in cands:
                cands[value]["score"] += 3.0
                cands[value]["why"].append("cash minus change agrees")
            elif (near := [v for v in cands if abs(v - value) <= 0.05]) and ROUNDED.search(
                view.lower
            ):
                # Cash minus change is the total after the till's rounding adjustment.
                base = cands[near[0]]
                f = Found(
                    value,
                    0.8,
                    base["found"].page,
                    base["found"].bbox,
                    base["found"].source,
                    f"total {near[0]:.2f} rounded; cash minus change agrees",
                )
                cands[round(value, 2)] = {"score": base["score"] + 3.0, "found": f, "why": []}
            elif change < 0.005:
                # No change given: the amount paid alone, which a card slip or a misread
                # change can make differ from the total.
                f = Found(
                    value,
                    0.6,
                    None,
                    None,
                    view.source(view.rows[0].page),
                    "the amount paid, no change given",
                )
                add(value, 1.5, f)
            else:
                # Printed on a line other than the cash and change lines: two readings agree.
                printed = _appears(view, value, skip=(PAID, CHANGE))
                f = Found(
                    value,
                    0.82 if printed else 0.6,
                    None,
                    None,
                    view.source(view.rows[0].page),
                    "cash minus change" + (", an amount printed on the receipt" if printed else ""),
                )
                add(value, 3.0 if printed else 2.0, f, "cash minus change")
        elif round(paid, 2) in cands:
            cands[round(paid, 2)]["score"] += 1.0
            cands[round(paid, 2)]["why"].append("the amount paid is the same")
        if change is None and paid > 0 and (over := [v for v in cands if v > paid + 0.005]):
            # Nobody pays less than the total: a total read above the amount paid, with no
            # change printed, was misread, and the amount paid is the likelier total.
            for value in over:
                cands[value]["score"] -= 1.5
            if round(paid, 2) not in cands:
                row = _labelled_row(view, PAID)
                f = Found(
                    paid,
                    0.6,
                    row.page if row else None,
                    None,
                    view.source(view.rows[0].page),
                    "the amount paid; the total read is more than was paid",
                )
                add(paid, 2.0, f)
    sub = _labelled(view, re.compile(r"sub\s*-?\s*t[o0]t[a4][l1i]"))
    tax = _labelled(view, re.compile(r"(?<![a-z])(?:gst|sst|vat|tax)(?![a-z])"))
    if sub is not None:
        for value, c in cands.items():
            if tax is not None and abs(sub + tax - value) < 0.011 and tax > 0:
                c["score"] += 2.0
                c["why"].append("subtotal + tax agree")
            elif value + 0.011 < sub:
                c["score"] -= 2.0
    # A till prints the total more than once (total, rounded total, payment, tax summary): an
    # amount seen on other lines is likelier than a one-off misreading.
    for value, c in cands.items():
        again = _rows_with(view, value) - (1 if c["found"].bbox is not None else 0)
        if again > 0:
            c["support"] = 0.5 * min(again, 2)
            c["score"] += c["support"]
    _weigh_by_tax(view, cands)
    if not cands:
        return None
    best_value = max(cands, key=lambda v: (cands[v]["score"], v))
    best = cands[best_value]
    f = best["found"]
    # Agreement means labels and arithmetic, not only repetition or a fitting tax.
    agreed = (
        best["score"] - best.get("support", 0.0) - best.get("tax_fit", 0.0) >= 4.0 and best["why"]
    )
    rivals = [c for v, c in cands.items() if v != best_value and c["score"] >= best["score"] - 1]
    if agreed and not rivals:
        f.confidence = 0.93
    elif not rivals and f.rule.startswith("cash minus change"):
        f.confidence = f.confidence  # set where the candidate was made
    else:
        f.confidence = 0.72 if not rivals else 0.55
    if best.get("misread_rival"):
        # Chosen over other readings of the same amount: the tax vouches for it, they do not.
        f.confidence = min(f.confidence, 0.7)
    if f.source == "ocr" and not best["why"]:
        # Nothing but its labels vouches for the total, and the tax printed fits it at no rate:
        # every reading of it may share one misread digit. Only the tax vouches for the repair,
        # so it stays unsure.
        repaired = tax_repair(f.value, view)
        if repaired is not None:
            f.rule += (
                f"; read as {repaired[0]:.2f}, one confusable digit changed: the tax printed "
                f"fits it at {repaired[1]:g}%, not {f.value:.2f}"
            )
            f.value = repaired[0]
            f.confidence = min(f.confidence, 0.5)
    _round_to_five_cents(view, f, best, cands)
    if best["why"]:
        f.rule += "; " + "; ".join(dict.fromkeys(best["why"]))
    return f


# A rounding line: "Rounding Adj", "Rounded Total", not "ground floor".
ROUNDING_LINE = re.compile(r"(?<![a-z])round(?:ing|ed)?(?![a-z])")


def _round_to_five_cents(view: DocumentView, f: Found, best: dict, cands: dict) -> None:
    """On a scanned receipt of a country that rounds cash bills to 5 cents, a total in odd cents
    under a rounding line whose rounded amount OCR could not read is the bill rounded: the
    adjustment printed, when readable, must agree. Never confident: the rounded amount itself
    was not read."""
    rounded = five_cent_rounding(f.value)
    if (
        f.source != "ocr"
        or view.currency not in FIVE_CENT_CURRENCIES
        or abs(rounded - f.value) < 0.005
        or round(rounded, 2) in cands  # read, and outweighed
        or not ROUNDING_LINE.search(view.lower)
        or f.rule.startswith(("cash minus change", "the amount paid"))
        or "cash minus change agrees" in best["why"]  # the till took the amount unrounded
    ):
        return
    adj = _labelled(view, ROUNDING_ADJ)
    if adj is not None and abs(adj) <= 0.025:
        if abs(abs(adj) - abs(rounded - f.value)) >= 0.005:
            return  # no rounding (0.00), or an adjustment that does not round this total
        why, confidence = "the rounding adjustment printed agrees", 0.75
    else:
        why, confidence = "the rounding line is unreadable", 0.6
    f.rule += f"; {f.value:.2f} rounded to 5 cents as the till rounds a cash bill: {why}"
    f.value = rounded
    f.confidence = min(f.confidence, confidence)


def _weigh_by_tax(view: DocumentView, cands: dict[float, dict]) -> None:
    """A total whose printed tax is the tax of a common or printed rate gains a little; of two
    totals written alike but for one digit OCR confuses (``53.00``, ``58.00``), the one the
    tax fits is the amount, and the other's readings (subtotal, payment) were misread with it."""
    if not cands:
        return
    taxes = tax_amounts(view)
    if not taxes:
        return
    rates = printed_rates(view)
    fits = {v: tax_rate_fitting(v, taxes, rates) for v in cands}
    if all(fits.values()):
        return
    for value, c in cands.items():
        if fits[value] is not None:
            c["tax_fit"] = 0.5
            c["score"] += 0.5
    for value, c in cands.items():
        rate = fits[value]
        if rate is None:
            continue
        for other, o in cands.items():
            if fits[other] is None and one_digit_confusion(value, other):
                c["score"] = max(c["score"], o["score"]) + 1.0
                c["misread_rival"] = True
                c["why"].append(
                    f"the tax printed fits it at {rate:g}%; {other:.2f} is the same amount "
                    "with one digit misread"
                )


def _word_span_of(row, end: int) -> tuple[int, int]:
    pos = 0
    for i, w in enumerate(row.words):
        if pos >= end:
            return i, i
        pos += len(w[0]) + 1
    return len(row.words), len(row.words)


def _appears(view: DocumentView, value: float, skip: tuple[re.Pattern, ...] = ()) -> bool:
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


def _rows_with(view: DocumentView, value: float) -> int:
    """On how many rows an amount is printed."""
    return sum(1 for amounts in _row_amounts(view) if any(abs(v - value) < 0.005 for v in amounts))


def _row_amounts(view: DocumentView) -> list[list[float]]:
    """The amounts of every row, read once per document: asked for each candidate total, they
    would otherwise be read again per candidate (quadratic on long documents)."""
    cached = getattr(view, "_receipt_row_amounts", None)
    if cached is None:
        cached = [[v for v, _span in view.amounts_in_words(row.words)] for row in view.rows]
        view._receipt_row_amounts = cached
    return cached


def _labelled_row(view: DocumentView, pattern: re.Pattern):
    return next((r for r in view.rows if pattern.search(r.text.lower())), None)


def _labelled(view: DocumentView, pattern: re.Pattern) -> float | None:
    for row in view.rows:
        text = row.text.lower()
        m = pattern.search(text)
        if not m:
            continue
        if pattern is not CHANGE and CHANGE.search(text):
            continue
        _f, after = _word_span_of(row, m.end())
        amounts = view.amounts_in_words(row.words[after:])
        if amounts:
            return amounts[-1][0]
    return None


def find_receipt_tax(view: DocumentView, total: Found | None) -> Found | None:
    best = None
    for hit in view.find_labels(TAX_LABELS):
        text = hit.row.text.lower()
        if re.search(r"(?:gst|sst|tax|vat)\s*(?:id|reg|no|number|#)|summary|%\s*$", text):
            continue
        amounts = view.amounts_in_words(hit.row.words[hit.after :])
        if not amounts:
            continue
        value, span = amounts[-1]
        if total is not None and value >= total.value:
            continue
        best = view.found(
            value, 0.7, hit.row, span, f"label '{hit.label.strip()}' on the same line"
        )
    return best


# A till prints the sale's date with its time ("18/03/18 19:08"); a date alone on a receipt is as
# often a batch, expiry or promotion date.
TIME_OF_DAY = re.compile(r"(?<![\d.,])(?:[01]?\d|2[0-3])\s?[:.]\s?[0-5]\d(?![\d,]|\.\d)")
MONTH_FIRST = re.compile(r"(?<!\d)\d{1,2}\s?[-/.]\s?(\d{1,2})\s?[-/.]")
# Currencies and taxes of countries that write the day first (Malaysia, Singapore, India, the UK,
# the euro area).
DAY_FIRST_SIGNS = re.compile(
    r"(?<![a-z])(?:gst|sst|vat|rm|myr|inr|rs|sgd|eur|gbp|mwst|tva|btw)(?![a-z])|€|£|₹"
)
DATE_LABEL = re.compile(r"date|datum|tarikh|dt\b")


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
        rest = " ".join(w[0] for w in row.words if w not in span)
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
    best = (labelled or timed or plain or [None])[0]
    if best is not None and _month_first_in_day_first(view, best):
        best.confidence = min(best.confidence, 0.6)
        best.rule += "; month-first, in a document that writes dates day-first elsewhere"
        repaired = _slashed_zero_month(view, best)
        if repaired is not None:
            best.value = repaired
            best.confidence = min(best.confidence, 0.55)
            best.rule += "; month read as 10 (OCR takes a slashed zero for 6, 8 or 9)"
    return best


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
        w[0]
        for r in view.rows
        if r.page == found.page
        for w in r.words
        if found.bbox
        and w[1] >= found.bbox[0] - 0.01
        and w[3] <= found.bbox[2] + 0.01
        and w[2] >= found.bbox[1] - 0.01
        and w[4] <= found.bbox[3] + 0.01
    )


def _month_first_in_day_first(view: DocumentView, found: Found) -> bool:
    """A date that can only be read month-first ("01/16/2017") on a receipt whose currency or
    language writes dates day-first: more likely a misread digit than a US date."""
    row_text = _found_text(view, found)
    m = MONTH_FIRST.search(row_text)
    if not m or int(m.group(1)) <= 12:
        return False
    return bool(DAY_FIRST_SIGNS.search(view.lower)) or view.language in ("de", "fr", "nl")


SHOP_SUFFIX = re.compile(
    r"(?<![a-z])(sdn\.?\s*bh[a-z]?d?|bhd|s/b|enterprise|trading|restaurant|restoran|mart|store|"
    r"shop|market|supermarket|pharmacy|bakeries|bakery|cafe|kedai|ltd|limited|gmbh|inc|llc|"
    r"b\.v\.|s\.a\.r\.l|sarl|plc|pte|co\.)(?![a-z])",
    re.IGNORECASE,
)
LEGAL_FORM = re.compile(
    r"(?<![a-z])(sdn\.?\s*bh[a-z]?d?|bhd|s/b|ltd|limited|gmbh|inc|llc|b\.v\.|sarl|plc|pte)(?![a-z])",
    re.IGNORECASE,
)
REG_NUMBER = re.compile(
    r"[\(\[]?\s*(?:co\.?\s*)?(?:reg|company)?\.?\s*(?:no\.?)?[:\s]*\d[\d\s]{4,}\s*-?\s*[a-z]?\s*[\)\]]?\W*$",
    re.IGNORECASE,
)


ADDRESS_WORDS = re.compile(
    r"^(no\.?\s*\d|lot\s|\d+\s*,)|(?<![a-z])(jalan|jln|road|rd|street|st|strasse|straße|rue|"
    r"straat|weg|avenue|ave|lorong|persiaran|taman|tmn|bandar|floor|flr|building|plaza)(?![a-z])|"
    r"(?<!\d)\d{5}(?!\d)|^(?:malaysia|singapore|indonesia|thailand|germany|deutschland|france|"
    r"nederland|netherlands|belgi[eë]|belgique|united\s*kingdom|india)\W*$"
)


# Five digits end an address as its postcode, but not the lot or house number that starts one
# ("LOT 26151 BANDAR SG LONG", "LOT P.T. 33198, BATU 4").
POSTCODE = re.compile(r"(?<![\d-])(?<!\d )\d{5}(?![\d-])")
LOT_NUMBER = re.compile(
    r"(?:^|\b)(?:lot|no|unit|plot)\b[\s.:#]*(?:[a-z]{1,2}\.\s*){0,2}\d{5}\b", re.I
)


def _has_postcode(text: str) -> bool:
    """Whether a line holds a postcode: five digits other than a lot or house number."""
    return bool(POSTCODE.search(LOT_NUMBER.sub("", text)))


def _readable(row) -> bool:
    """Whether OCR read a row as words rather than as a logo or smudge."""
    tokens = [w[0] for w in row.words]
    wordlike = [t for t in tokens if re.fullmatch(r"[\W]*[A-Za-z][A-Za-z'.&/-]+[\W]*", t)]
    long = [t for t in wordlike if sum(c.isalpha() for c in t) >= 3]
    if not long or (len(wordlike) < 0.6 * len(tokens) and len(long) < 2):
        return False
    conf = sum(w[5] for w in row.words) / len(row.words)
    return conf >= 0.55 or view_is_text(row)


def view_is_text(row) -> bool:
    return all(w[5] >= 0.999 for w in row.words)


# OCR slips in legal forms, read back to the form: "SDN BH0", "SON BHD", "SDN BEITD".
_LEGAL_FORM_SLIPS = [
    (re.compile(r"\bS[DO0][NM]\.?\s*B[A-Z]{1,3}[DO0]?\b"), "SDN BHD"),
    (re.compile(r"(?<=\s)[5S]/[B8]\b"), "S/B"),
    (re.compile(r"(?<=[A-Z.])¥|¥(?=[A-Z.])"), "Y"),
]


# Words that name a kind of business, as shops print them (English, Malay, German, French,
# Dutch). A vendor word one OCR slip away from one of them is read back to it: "KEDAT" -> "KEDAI".
BUSINESS_WORDS = frozenset(
    """kedai runcit restoran restaurant bakery bakeries hardware electrical stationery trading
    enterprise enterprises marketing international supermarket minimarket pharmacy farmasi
    service services station syarikat perniagaan bookstore furniture market distributor
    industries holdings corporation company printing electronics boutique bistro kitchen
    catering motors engineering supplies supply trader traders store stores mart
    bäckerei apotheke metzgerei getränke boulangerie pharmacie librairie épicerie
    bakkerij apotheek slagerij""".split()
)
# Letters OCR takes for one another in print (upper case, as receipts print their names).
_OCR_CONFUSABLE = [
    set(g)
    for g in ("IT1L|J!", "O0DQUC", "UV", "A4", "S5$", "B8ER", "G6C", "Z2", "MHNW", "EF", "PF")
]


def _confusable(a: str, b: str) -> bool:
    return any(a in g and b in g for g in _OCR_CONFUSABLE)


def repair_business_words(name: str) -> str:
    """A shop name whose trade words OCR misread by one confusable letter, read back:
    ``KEDAT RUNCIT`` -> ``KEDAI RUNCIT``. Other words and the case stay as they are."""

    def fix(m: re.Match) -> str:
        word = m.group(0)
        if len(word) < 5 or word.lower() in BUSINESS_WORDS:
            return word
        upper = word.upper()
        for known in BUSINESS_WORDS:
            if len(known) != len(word):
                continue
            diff = [(a, b) for a, b in zip(upper, known.upper(), strict=True) if a != b]
            if len(diff) == 1 and _confusable(*diff[0]):
                return known.upper() if word.isupper() else known.capitalize()
        return word

    return re.sub(r"[^\W_][\w$|!]*", fix, name)


def _without_trailing_fragments(name: str, words: list) -> str:
    """A shop name printed in capitals without the lower-case words OCR was unsure of at its
    end: what a smudged or oversized last word is read as (``RESTORAN WAN sce``)."""
    kept = name
    for w in reversed(words):
        text = w[0]
        if not (w[5] < 0.5 and text.isalpha() and text.islower() and kept.endswith(" " + text)):
            break
        if SHOP_SUFFIX.fullmatch(text):
            break  # "sdn bhd", "trading": part of the name whatever its case
        kept = kept[: -len(text)].rstrip()
    letters = [c for c in kept if c.isalpha()]
    if len(letters) < 3 or sum(c.isupper() for c in letters) < 0.9 * len(letters):
        return name
    return clean_value(kept)


def _shop_name(text: str) -> str:
    name = clean_value(text)
    for pattern, form in _LEGAL_FORM_SLIPS:
        name = pattern.sub(form, name)
    cut = re.sub(
        r"\s*[\(\[]?\s*(?:co\.?\s*)?(?:reg\.?\s*)?(?:no\.?\s*)?:?\s*\d{5,}[\s-]*[A-Za-z]?\s*[\)\]]?\W*$",
        "",
        name,
    )
    return clean_value(cut) or name


def find_shop(view: DocumentView) -> tuple[Found | None, Found | None]:
    """The shop: a readable line at the top, preferring one that names a business (Sdn Bhd,
    Enterprise, Restaurant, Ltd...), and the address lines printed under it."""
    first_page = view.rows[0].page if view.rows else 1
    rows = [r for r in view.rows if r.page == first_page][:15]
    candidates = []
    for i, row in enumerate(rows):
        text = clean_value(row.text)
        low = text.lower()
        if ADDRESS_STOP.search(text) or view.dates_in_words(row.words):
            if candidates:
                break
            continue
        if not _readable(row) or re.search(r"receipt|invoice|welcome|copy|tax", low):
            continue
        if ADDRESS_WORDS.search(low) and not SHOP_SUFFIX.search(text):
            continue
        candidates.append((i, row, text))
        if len(candidates) >= 4:
            break
    if not candidates:
        return None, None
    named = [c for c in candidates if SHOP_SUFFIX.search(c[2])]
    # The legal entity ("... SDN BHD") over a trading name above it ("KIKU RESTAURANT").
    legal = [c for c in named if LEGAL_FORM.search(c[2])]
    i, row, text = (legal or named or candidates)[0]
    words = list(row.words)
    # A name carried on two lines ("... HARDWARE &" / "ELECTRICAL", "... SDN" / "BHD")
    if i + 1 < len(rows) and row.text.rstrip().endswith(("&", " -", " AND", " and")):
        text = text + " " + clean_value(rows[i + 1].text)
        words += rows[i + 1].words
        i += 1
    elif (
        i + 1 < len(rows)
        and re.fullmatch(
            r"\(?[\w\s.&()-]*(sdn\.?\s*bhd|bhd|ltd|gmbh|inc)\.?\)?",
            rows[i + 1].text.strip(),
            re.IGNORECASE,
        )
        and not SHOP_SUFFIX.search(text)
    ):
        text = text + " " + clean_value(rows[i + 1].text)
        words += rows[i + 1].words
        i += 1
    ocr = view.sources.get(row.page) == "ocr"
    conf = 0.82 if named else 0.6
    if ocr:
        conf = min(conf, 0.75)
    rule = (
        "business name at the top of the receipt" if named else "first readable line of the receipt"
    )
    name = _shop_name(text)
    if ocr:
        fixed = repair_business_words(name)
        if fixed != name:
            name, rule = fixed, rule + "; a misread letter in a trade word read back"
        kept = _without_trailing_fragments(name, words)
        if kept != name:
            name, rule = kept, rule + "; an unsure lower-case fragment after the name left out"
    vendor = view.found(name, conf, row, words, rule)
    addr_rows = []
    for r in rows[i + 1 :]:
        t = r.text.strip()
        if not addr_rows and (REG_NUMBER.fullmatch(t) or re.fullmatch(r"[\W\d]*", t)):
            continue
        if ADDRESS_STOP.search(t) or view.dates_in_words(r.words):
            if addr_rows and any(ADDRESS_WORDS.search(a.text.lower()) for a in addr_rows):
                break
            addr_rows = []  # a branch name or a slogan, not the address: look further down
            continue
        if not addr_rows and not _readable(r) and not re.search(r"\d", t):
            continue
        addr_rows.append(r)
        if len(addr_rows) >= 5:
            break
        if _has_postcode(t):
            # The postcode line ends an address, unless a state or country follows on its own.
            nxt = rows[rows.index(r) + 1] if rows.index(r) + 1 < len(rows) else None
            if (
                nxt is not None
                and re.fullmatch(r"[A-Za-z .]{3,30}", nxt.text.strip())
                and not ADDRESS_STOP.search(nxt.text)
            ):
                addr_rows.append(nxt)
            break
    address = None
    if addr_rows:
        words = [w for r in addr_rows for w in r.words]
        address = view.found(
            ", ".join(clean_value(r.text) for r in addr_rows),
            0.5,
            addr_rows[0],
            words,
            "lines under the shop name",
        )
    return vendor, address
