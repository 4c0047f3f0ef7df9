"""The invoice processor: vendor, number, dates, currency, totals and line items from rows.

Each field is chosen by labels in English, German, French and Dutch, by position (same row
to the right of the label, or just below it), and by arithmetic (subtotal + tax = total),
and every choice records the rule that made it.
"""

from __future__ import annotations

import re
from datetime import date
from itertools import repeat
from operator import itemgetter

from docrouter_desktop.core.processors import currency as cur
from docrouter_desktop.core.processors.base import (
    DocumentView,
    Found,
    LabelHit,
    ProcessorOutput,
    amounts_in_words,
    clean_value,
    fields_and_details,
)
from docrouter_desktop.core.processors.layout import Row, bbox_of

INVOICE_FIELDS = [
    "vendor",
    "vendor_address",
    "invoice_number",
    "date",
    "due_date",
    "currency",
    "total",
    "subtotal",
    "tax",
    "line_items",
    "document_type",
]

# Totals, strongest first. Each is (pattern, strength).
TOTAL_LABELS = [
    (
        r"grand\s*total|total\s*amount\s*due|amount\s*due|balance\s*due|total\s*due|amount\s*payable",
        0.95,
    ),
    (
        r"total\s*\(?(?:incl|inc\.|including)[^\n\d]{0,20}|total\s*ttc|montant\s*ttc|net\s*[àa]\s*payer|total\s*[àa]\s*payer",
        0.95,
    ),
    (
        r"gesamtbetrag|rechnungsbetrag|endbetrag|bruttobetrag|bruttosumme|gesamtsumme|zu\s*zahlen|zahlbetrag|summe\s*brutto|brutto\s*summe|rechnungssumme",
        0.95,
    ),
    (r"totaal\s*(?:incl|inclusief)[^\n\d]{0,12}|te\s*betalen|totaalbedrag|totaal\s*bedrag", 0.95),
    (
        r"invoice\s*total|total\s*invoice|total\s*eur|total\s*usd|total\s*amount|totaal|total|summe|gesamt|montant\s*total",
        0.8,
    ),
]
NOT_TOTAL = re.compile(
    r"sub\s*-?\s*total|zwischensumme|sous[\s-]*total|subtotaal|total\s*(?:excl|ex\.|exclusive|net|ht|hors)|"
    r"totaal\s*excl|net\s*total|summe\s*netto|nettobetrag|total\s*(?:tax|vat|tva|gst|mwst)|"
    r"total\s*(?:qty|quantity|items|pages|weight|hours|discount)|tax\s*total|montant\s*ht|"
    r"total\s*(?:tva|btw)|totaal\s*btw|rabatt|discount|zuschl[äa]g|abschl[äa]g|anzahlung|skonto|"
    r"(?:summe|betrag)\s*(?:ohne|exkl|excl|netto)|ohne\s*(?:ust|mwst)|prepaid|acompte|vorauszahlung"
)
SUBTOTAL_LABELS = re.compile(
    r"sub\s*-?\s*total|zwischensumme|sous[\s-]*total|subtotaal|total\s*(?:excl\.?|exclusive|ex\.?)\s*(?:vat|tax|btw|gst)?|"
    r"totaal\s*excl\.?(?:\s*btw)?|net\s*(?:total|amount)|summe\s*netto|nettobetrag|netto\s*betrag|"
    r"gesamt\s*netto|nettosumme|total\s*ht|montant\s*ht|total\s*hors\s*taxes|net\s*value|"
    r"(?:rechnungs)?summe\s*(?:ohne|exkl\.?|excl\.?)\s*(?:ust|mwst)\.?|net\s*total|total\s*net"
)
TAX_LABELS = re.compile(
    r"(?<![a-z])(?:total\s*)?(?:vat|tax|sales\s*tax|gst|sst|mwst\.?|ust\.?|umsatzsteuer|mehrwertsteuer|"
    r"tva|btw|igst|cgst|sgst)(?![a-z])(?:\s*(?:amount|total|betrag|\d{1,2}(?:[.,]\d{1,2})?\s*%))?|"
    r"steuerbetrag|(?:ust|mwst)\.?-?betrag|montant\s*(?:de\s*la\s*)?tva|btw\s*bedrag|tax\s*amount"
)
NUMBER_LABELS = re.compile(
    r"(?<![a-z])(?:invoice\s*(?:no\.?|number|num\.?|nr\.?|#|id|n°|no:)|invoice\s*:|bill\s*(?:no\.?|number|#)|"
    r"rechnungs?\s*-?\s*(?:nummer|nr\.?|no\.?)|rechnung\s*nr\.?|beleg\s*-?\s*nr\.?|"
    r"facture\s*(?:n[°o]\.?|num[ée]ro)|n[°o]\s*(?:de\s*)?facture|num[ée]ro\s*de\s*facture|"
    r"factuur\s*-?\s*(?:nummer|nr\.?|no\.?)|factuurnr\.?|document\s*(?:no\.?|number)|"
    r"credit\s*note\s*(?:no\.?|number|#)|gutschrift\s*-?\s*(?:nr\.?|nummer)|avoir\s*n[°o]|"
    r"receipt\s*(?:no\.?|number|#)|ref(?:erence)?\s*(?:no\.?|number)?\s*:)"
)
NUMBER_LABEL_WEAK = re.compile(r"(?<![a-z])(?:no\.?|nr\.?|n°|#)\s*:?")
DATE_LABELS = re.compile(
    r"invoice\s*date|date\s*of\s*(?:invoice|issue)|issue\s*date|date\s*issued|billing\s*date|"
    r"rechnungsdatum|belegdatum|ausstellungsdatum|datum\s*der\s*rechnung|"
    r"date\s*de\s*(?:la\s*)?facture|date\s*d['’]?\s*[ée]mission|date\s*de\s*facturation|"
    r"factuurdatum|factuur\s*datum|(?<![a-z])date(?![a-z])|(?<![a-z])datum(?![a-z])|(?<![a-z])le(?=\s*\d)|"
    r"(?<=\d\s)du(?=\s*\d)"
)
NOT_INVOICE_DATE = re.compile(
    r"due|f[äa]llig|[ée]ch[ée]ance|verval|order|bestell|commande|delivery|liefer|livraison|"
    r"leverings|ship|versand|payment|zahlung|paiement|betaal|period|zeitraum|p[ée]riode|"
    r"service|leistung|start|end|from|to|bis|von|expir|valid|print"
)
DUE_LABELS = re.compile(
    r"due\s*date|payment\s*due|date\s*due|pay\s*by|f[äa]llig(?:keitsdatum|\s*am|\s*bis)?|zahlbar\s*bis|"
    r"zahlungsziel|date\s*d['’]?\s*[ée]ch[ée]ance|[ée]ch[ée]ance|vervaldatum|vervaldag|te\s*betalen\s*voor"
)
CREDIT_NOTE = re.compile(
    r"credit\s*note|credit\s*memo|gutschrift|rechnungskorrektur|stornorechnung|(?<![a-z])avoir(?![a-z])|"
    r"facture\s*d['’]avoir|creditnota|creditfactuur"
)
BILL_TO = re.compile(
    r"bill(?:ed)?\s*to|ship(?:ped)?\s*to|sold\s*to|deliver\s*to|customer|client|recipient|"
    r"rechnungsempf[äa]nger|lieferanschrift|kunde|empf[äa]nger|factur[ée]\s*[àa]|adresse\s*de\s*livraison|"
    r"destinataire|klant|afleveradres|factuuradres"
)
COMPANY_SUFFIX = re.compile(
    r"\b(gmbh|ag|kg|ohg|ug|e\.k\.|ltd|limited|llc|l\.l\.c|inc|corp|corporation|co\.|company|plc|"
    r"b\.v\.|bv|n\.v\.|nv|sarl|sas|s\.a\.s|s\.a\.|sa|eurl|pvt|private|sdn\.?\s*bhd|bhd|pte|oy|ab|as|s\.r\.l|srl|"
    r"gbr|mbh)(?!\w)",
    re.IGNORECASE,
)
HEADING_WORDS = re.compile(
    r"^(invoice|tax\s*invoice|rechnung|facture|factuur|credit\s*note|gutschrift|avoir|receipt|"
    r"page|seite|original|copy|duplicate|bill|statement|quote|angebot|devis|offerte)\b",
    re.IGNORECASE,
)


def compile_labels(specs):
    return [(re.compile(p), s) for p, s in specs]


TOTAL_PATTERNS = compile_labels(TOTAL_LABELS)


class InvoiceProcessor:
    name = "invoice"

    def run(self, view: DocumentView) -> ProcessorOutput:
        found: dict[str, Found | None] = {}
        warnings: list[str] = []
        totals = find_totals(view)
        found.update(totals)
        found["invoice_number"] = find_invoice_number(view)
        found["date"], found["due_date"] = find_dates(view)
        found["currency"] = find_currency(view, found.get("total"))
        found["vendor"], found["vendor_address"] = find_vendor(view)
        items = find_line_items(view)
        found["line_items"] = Found(items, 0.6, rule="table rows under a header") if items else None
        is_credit = bool(CREDIT_NOTE.search(view.lower[:3000]))
        found["document_type"] = Found(
            "credit_note" if is_credit else "invoice",
            0.9,
            rule="title says credit note" if is_credit else "no credit-note wording",
        )
        if is_credit:
            for name in ("total", "subtotal", "tax"):
                if found.get(name) is not None:
                    found[name].value = abs(found[name].value)
        warnings.extend(check_arithmetic(found))
        fields, details = fields_and_details(found, INVOICE_FIELDS)
        if fields.get("line_items") is None:
            fields["line_items"] = []
        return ProcessorOutput("invoice", fields, details, warnings)


# --- totals ---------------------------------------------------------------------------------


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
        lx0 = hit.row.words[hit.first_word][1]
        lx1 = hit.row.words[max(hit.first_word, hit.after - 1)][3]
        for row in view.rows_below(hit.row, 2):
            near = [w for w in row.words if w[3] >= lx0 - 5 and w[1] <= lx1 + 120]
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
            label_text = hit.row.text.lower()
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
            rule = f"label '{hit.row.words[hit.first_word][0]}{_rest(hit)}' {where}"
            candidates.append((score, position, view.found(value, strength, row, span, rule)))
    subtotal = _labelled_amount(view, SUBTOTAL_LABELS, "subtotal")
    tax = _labelled_amount(
        view,
        TAX_LABELS,
        "tax",
        exclude=re.compile(
            r"tax\s*(?:id|no|number|code|reg)|vat\s*(?:id|no|number|reg)|ust\s*-?id|btw\s*-?nr|tva\s*intra|%\s*$"
        ),
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


def _signed(view: DocumentView, row: Row, span: list, value: float) -> float:
    """The amount with the minus sign printed before it (a corrective invoice's negative
    total); credit notes are turned into magnitudes afterwards."""
    first = span[0]
    i = row.words.index(first) if first in row.words else -1
    before = row.words[i - 1][0] if i > 0 else ""
    if first[0].lstrip().startswith(("-", "−")) or before in ("-", "−"):
        return -value
    return value


def _totals_triple(view: DocumentView):
    """Net, tax and gross amounts that add up (net + tax = gross, tax 2-27% of net) on the rows
    that carry total or tax labels: arithmetic evidence when the labels are ambiguous."""
    values = []
    for row in view.label_rows:
        text = row.text.lower()
        if not (
            any(p.search(text) for p, _s in TOTAL_PATTERNS)
            or SUBTOTAL_LABELS.search(text)
            or TAX_LABELS.search(text)
        ):
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
    return (" " + " ".join(w[0] for w in words)) if words else ""


def _excluded_total(row_text: str, hit: LabelHit) -> bool:
    before = row_text[: row_text.find(hit.label)] if hit.label in row_text else ""
    return bool(re.search(r"sub\s*-?$|zwischen$|sous[\s-]*$", before.strip()))


def _labelled_amount(
    view: DocumentView, pattern: re.Pattern, name: str, exclude=None
) -> Found | None:
    best = None
    for hit in view.find_labels(pattern):
        if exclude and exclude.search(
            hit.row.text.lower()[hit.row.text.lower().find(hit.label) :][: len(hit.label) + 12]
        ):
            continue
        if (
            name == "tax"
            and NOT_TOTAL.search(hit.row.text.lower()) is None
            and re.search(r"total|summe|gesamt|totaal", hit.row.text.lower())
            and not re.search(r"vat|tax|tva|btw|mwst|ust|gst", hit.label)
        ):
            continue
        got = _amount_after(view, hit)
        if not got:
            continue
        value, span, row, where = got
        value = _signed(view, row, span, value)
        rule = f"label '{hit.label.strip()}' {where}"
        f = view.found(value, 0.75, row, span, rule)
        if best is None or view.pos(hit.row) > view.pos(best[0]):
            best = (hit.row, f)
    return best[1] if best else None


# --- invoice number -------------------------------------------------------------------------

_ID_TOKEN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-/_.]*[A-Za-z0-9]$|^\d$")


def _id_candidate(token: str) -> bool:
    t = token.strip(":#.,;()")
    if not t or not _ID_TOKEN.match(t) or not any(c.isdigit() for c in t):
        return False
    if re.fullmatch(r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}", t):  # a date
        return False
    return len(t) <= 30


TITLE_NUMBER = re.compile(
    r"^\s*(?:(?:tax\s*|commercial\s*)?invoice|\w*rechnung|facture|factuur|avoir|credit\s*note|"
    r"gutschrift)\s*(?:\(\d{3}\))?\s*(?:#|no\.?|nr\.?|n°|number|nummer)?\s*:?\s*"
    r"(?P<id>[A-Za-z0-9][\w\-/.]*\d[\w\-/.]*)\s*"
    r"(?:(?:vom|du|dated|of|van|from|le)\s+(?P<date>.{6,24}))?$",
    re.IGNORECASE,
)


def find_invoice_number(view: DocumentView) -> Found | None:
    titled = _title_number(view)
    if titled is not None:
        return titled
    for strength, pattern in ((0.9, NUMBER_LABELS),):
        for hit in view.find_labels(pattern, view.rows[:80]):
            after = hit.row.words[hit.after : hit.after + 4]
            inside = _rest_of_word(hit)
            if inside and _id_candidate(inside):
                w = hit.row.words[hit.after - 1]
                return view.found(
                    inside.strip(":#.,;()"),
                    strength,
                    hit.row,
                    [w],
                    f"label '{hit.label.strip()}' on the same line",
                )
            for w in after:
                token = w[0].strip(":#")
                if not token:
                    continue
                if token.lower() in (
                    "no",
                    "no.",
                    "nr",
                    "nr.",
                    "number",
                    "n°",
                    "#",
                    ":",
                    "de",
                    "date",
                ):
                    continue
                if _id_candidate(token):
                    return view.found(
                        token.strip(":#.,;()"),
                        strength,
                        hit.row,
                        [w],
                        f"label '{hit.label.strip()}' on the same line",
                    )
                break
            lx0 = hit.row.words[hit.first_word][1]
            for row in view.rows_below(hit.row, 2):
                near = [
                    w
                    for w in row.words
                    if abs(w[1] - lx0) < 60 or (w[1] >= lx0 - 5 and w[1] <= lx0 + 150)
                ]
                for w in near[:2]:
                    if _id_candidate(w[0]):
                        return view.found(
                            w[0].strip(":#.,;()"),
                            strength - 0.1,
                            row,
                            [w],
                            f"label '{hit.label.strip()}' above it",
                        )
    column = _column_number(view)
    if column is not None:
        return column
    # weak: "No." / "Nr." followed by an id on a row that mentions invoice words
    for hit in view.find_labels(NUMBER_LABEL_WEAK, view.rows[:40]):
        if not re.search(r"invoice|rechnung|facture|factuur|bill", hit.row.text.lower()):
            continue
        for w in hit.row.words[hit.after : hit.after + 2]:
            if _id_candidate(w[0]):
                return view.found(
                    w[0].strip(":#.,;()"),
                    0.6,
                    hit.row,
                    [w],
                    f"'{hit.label.strip()}' after an invoice word",
                )
    return None


def _rest_of_word(hit: LabelHit) -> str:
    """What follows the label inside its last word ("n°562044387" after "n°")."""
    if hit.after == 0:
        return ""
    word = hit.row.words[hit.after - 1][0]
    low = word.lower()
    tail = hit.label.split()[-1] if hit.label.split() else ""
    i = low.rfind(tail) if tail else -1
    if i < 0 or i + len(tail) >= len(word):
        return ""
    return word[i + len(tail) :].strip(":#")


COLUMN_TITLE = re.compile(
    r"^(?:invoice|rechnung|facture|factuur)(?:\s*(?:no\.?|nr\.?|n°|#|number|nummer))?$",
    re.IGNORECASE,
)


def _column_number(view: DocumentView) -> Found | None:
    """A header row ("Klant  Order  Factuur datum  Factuur") with the number under its title."""
    for row in view.rows[:60]:
        if len(row.segments or []) < 3:
            continue
        for seg in row.segments:
            if not COLUMN_TITLE.match(seg.text.strip(" :")):
                continue
            for below in view.rows_below(row, 1):
                for w in below.words:
                    overlap = min(w[3], seg.x1) - max(w[1], seg.x0)
                    if overlap > 0 and _id_candidate(w[0]) and re.search(r"\d{4,}", w[0]):
                        return view.found(
                            w[0].strip(":#.,;()"),
                            0.7,
                            below,
                            [w],
                            f"under the column title '{seg.text.strip()}'",
                        )
    return None


def _title_number(view: DocumentView) -> Found | None:
    """ "Invoice FA-2017-0008", "Avoir AV-2017-0005": the number printed with the title."""
    for row in view.rows[:40]:
        m = TITLE_NUMBER.match(row.text)
        if m and _id_candidate(m.group("id")) and re.search(r"\d{3,}", m.group("id")):
            words = [w for w in row.words if m.group("id") in w[0]] or row.words
            return view.found(
                m.group("id").strip(":#.,;()"), 0.85, row, words[:1], "number after the title"
            )
    return None


# --- dates ---------------------------------------------------------------------------------


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
        strength = (
            0.9
            if "date" in hit.label
            and len(hit.label) > 5
            or "datum" in hit.label
            and len(hit.label) > 6
            else 0.8
        )
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
    lx0 = hit.row.words[hit.first_word][1]
    for row in view.rows_below(hit.row, 2):
        near = [w for w in row.words if w[3] >= lx0 - 10 and w[1] <= lx0 + 200]
        ds = view.dates_in_words(near)
        if ds:
            d, span, amb = ds[0]
            return d, span, row, "below the label", amb
    return None


# --- currency ------------------------------------------------------------------------------


def find_currency(view: DocumentView, total: Found | None) -> Found | None:
    from docrouter_desktop.core.processors.currency import currencies_in

    if total is not None and total.page is not None:
        for row in view.rows_on(total.page):
            if total.bbox and row.top <= total.bbox[3] and row.bottom >= total.bbox[1]:
                codes = currencies_in(row.text, view.options.default_currency)
                if codes:
                    return Found(
                        codes[0],
                        0.9,
                        row.page,
                        bbox_of(row.words),
                        view.source(row.page),
                        "currency on the total's line",
                    )
    if view.currency:
        others = view.currencies - {view.currency}  # the text's, default dollar as the view's
        unambiguous = "$" not in view.text or view.currency != view.options.default_currency
        if others:
            conf = 0.6
        elif view.currency_mentions >= 2 or unambiguous:
            conf = 0.85
        else:
            conf = 0.7
        rule = f"most mentioned currency ({view.currency_mentions}x)"
        if view.currency not in view.named_currencies and "ocr" in view.sources.values():
            # Only signs on a scan: a misread letter can come out as one (B -> £, S -> $).
            conf = min(conf, 0.7)
            rule += ", by its sign alone on a scan"
        return Found(view.currency, conf, None, None, "text", rule)
    return None


# --- vendor --------------------------------------------------------------------------------


# Phrases that name the seller anywhere on the page: the account holder of the bank details,
# "sold by", the legal notice of a French company, a copyright line.
SELLER_PHRASES = re.compile(
    r"(?:sold\s*by|verkauft\s*von|vendu\s*par|verkocht\s*door|titulaire\s*du\s*compte|"
    r"kontoinhaber|account\s*(?:holder|name)|beneficiary|beg[üu]nstigter|rekeninghouder|"
    r"ten\s*name\s*van|t\.n\.v\.|payable\s*to|payment\s*received\s*by|©|\(c\)\s*\d{4}|"
    r"(?:seller|supplier|vendor|verk[äa]ufer|lieferant|fournisseur|vendeur|leverancier)\s*:)"
    r"\s*:?\s*(?P<name>[A-Za-zÀ-ÿ0-9&.,' -]{2,60}?)\s*(?=$|[,;–|(]|\s-\s|\s{2}|\s(?:paid|iban|bic)\b)",
    re.IGNORECASE,
)
# What each of the SELLER_PHRASES needs in a line (lower case): an ASCII line that has none of
# these holds no seller phrase, and the slow search is skipped (for ASCII text, IGNORECASE is
# the same as comparing in lower case).
SELLER_CUES = (
    ("sold", "by"), ("verkauft", "von"), ("vendu", "par"), ("verkocht", "door"),
    ("titulaire", "compte"), ("kontoinhaber",), ("account", "holder"), ("account", "name"),
    ("beneficiary",), ("begunstigter",), ("rekeninghouder",), ("ten", "name", "van"),
    ("t.n.v.",), ("payable", "to"), ("payment", "received", "by"), ("(c)",),
    ("seller", ":"), ("supplier", ":"), ("vendor", ":"), ("verkaufer", ":"), ("lieferant", ":"),
    ("fournisseur", ":"), ("vendeur", ":"), ("leverancier", ":"),
)  # fmt: skip


def may_match(line: str, cues) -> bool:
    """False only for an ASCII line that holds none of the cues (each a tuple of words the
    line must all hold, in lower case): a pattern needing one of them cannot match it."""
    if not line.isascii():
        return True
    low = line.lower()
    return any(all(w in low for w in cue) for cue in cues)


# "Free SAS au capital de ...", "QualityHosting AG Vorstand: ...": a legal notice in a footer.
LEGAL_NOTICE = re.compile(
    r"^(?P<name>[A-Za-zÀ-ÿ0-9&.' -]{2,40}?\s(?:SAS|SARL|SA|SASU|EURL|GmbH|AG|KG|B\.V\.|BV|N\.V\.|"
    r"Ltd\.?|Limited|Inc\.?|LLC|Pvt\.?\s*Ltd\.?))\s+(?:au\s*capital|mit\s*sitz|vorstand|"
    r"gesch[äa]ftsf[üu]hr|handelsregister|registered|kvk|si[èe]ge|rcs|is\s*registered)",
    re.IGNORECASE,
)
LEGAL_NOTICE_CUES = (
    ("capital",), ("sitz",), ("vorstand",), ("gesch",), ("handelsregister",), ("registered",),
    ("kvk",), ("siege",), ("rcs",),
)  # fmt: skip
NAME_WITH_FORM = re.compile(
    r"(?:[A-ZÀ-Ý][\w&'’.-]*\s+){1,4}?(?:B\.V\.|N\.V\.|GmbH(?:\s*&\s*Co\.?\s*KG)?|AG|Ltd\.?|"
    r"Limited|Inc\.?|LLC|SARL|SAS|S\.A\.|BV|NV|Pvt\.?\s*Ltd\.?|PLC|plc)(?!\w)"
)
SENDER_LINE = re.compile(r"\s(?:-|–|·|•|\|)\s")
WEBMAIL = {
    "gmail",
    "googlemail",
    "yahoo",
    "hotmail",
    "outlook",
    "live",
    "gmx",
    "web",
    "icloud",
    "example",
    "fake",
    "aol",
    "mail",
    "protonmail",
    "orange",
    "wanadoo",
    "t-online",
}
HEADING_AFFIX = re.compile(
    r"^(?:(?:tax\s*)?invoice|rechnung|facture|factuur|credit\s*note|gutschrift|receipt|quittung)"
    r"[\s.:#-]*|[\s.:#-]*(?:(?:tax\s*)?invoice|rechnung|facture|factuur)$",
    re.IGNORECASE,
)


# ASCII characters that are not letters or digits: what _fold drops from an ASCII text.
_ASCII_PUNCTUATION = {c: None for c in range(128) if not chr(c).isalnum()}


def _fold(text: str) -> str:
    if text.isascii():  # the same, at a fraction of the cost on a long document
        return text.lower().translate(_ASCII_PUNCTUATION)
    return re.sub(r"[\W_]+", "", text.casefold())


# Line breaks that str.splitlines knows besides "\n".
_OTHER_BREAKS = ("\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e")


def _lines_with_cues(text: str, lower: str, cue_sets) -> list[str]:
    """The lines of ``text`` for which ``may_match`` holds with any of ``cue_sets``, in order.
    In an ASCII text the lines are found from where each cue's first word occurs, rather than
    by trying every line of a long document."""
    if not text.isascii() or any(b in text for b in _OTHER_BREAKS):
        return [line for line in text.splitlines() if any(may_match(line, c) for c in cue_sets)]
    starts = set()
    for cues in cue_sets:
        for cue in cues:
            pos = 0
            while (i := lower.find(cue[0], pos)) >= 0:
                a = lower.rfind("\n", 0, i) + 1
                b = lower.find("\n", i)
                b = len(lower) if b < 0 else b
                line = lower[a:b]
                if all(w in line for w in cue):
                    starts.add(a)
                pos = b + 1
    lines = []
    for a in sorted(starts):
        b = text.find("\n", a)
        lines.append(text[a : b if b >= 0 else len(text)])
    return lines


def _domain_stems(text: str) -> set[str]:
    stems = set()
    for m in re.finditer(r"(?:@|www\.|https?://)([a-z0-9.-]+)\.[a-z]{2,6}\b", text.lower()):
        labels = [x for x in m.group(1).split(".") if x and x != "www"]
        if labels:
            stem = labels[-1].replace("-", "")
            if len(stem) >= 3 and stem not in WEBMAIL:
                stems.add(stem)
    return stems


def _vendor_name(text: str) -> str:
    text = re.sub(r"\S+@\S+|(?:https?://|www\.)\S+", " ", text)
    name = clean_value(HEADING_AFFIX.sub("", clean_value(text)))
    return clean_value(HEADING_AFFIX.sub("", name))


def find_vendor(view: DocumentView) -> tuple[Found | None, Found | None]:
    """The seller: names at the top of the first page (large type, a company suffix, the
    sender line above the window address) weighed against names the rest of the document
    gives the seller (bank account holder, legal notice, "sold by", its web address), and
    away from the bill-to block."""
    first_page = view.rows_on(view.rows[0].page) if view.rows else []
    if not first_page:
        return None, None
    page_h = view.page_sizes.get(first_page[0].page, (0, 1000))[1] or 1000
    bill_to_rows = set()
    for hit in view.find_labels(BILL_TO, first_page):
        i = first_page.index(hit.row)
        for r in first_page[i : i + 5]:
            bill_to_rows.add(id(r))
    folded_doc = _fold(view.text)
    stems = _domain_stems(view.text)
    # name -> (score, row or None, words, rule)
    cands: dict[str, list] = {}

    def add(name: str, score: float, row, words, rule: str) -> None:
        key = _fold(name)
        if len(key) < 2 or not re.search(r"[A-Za-zÀ-ÿ]{2}", name):
            return
        c = cands.get(key)
        if c is None or score > c[0]:
            cands[key] = [score, row, words, rule, name]

    for i, row in enumerate(first_page[:40]):
        if row.top > page_h * 0.45:
            break
        for seg in row.segments or []:
            text = clean_value(seg.text)
            name = _vendor_name(text)
            if len(name) < 2:
                continue
            score = 0.0
            if HEADING_WORDS.match(text) and not name:
                continue
            if re.search(r"\d{3,}|tel|fax|phone|iban|bic|vat|ust|page|seite", name.lower()):
                score -= 1.5
            if id(row) in bill_to_rows:
                score -= 2.5
            if re.search(r"invoice|rechnung|facture|factuur|date|datum|:", name.lower()):
                score -= 1.0
            if re.search(r"\d", name):
                score -= 1.0
            if re.fullmatch(r"[A-Z]{2,3}", name) or name.upper() in cur.CODES:
                score -= 1.5
            if "_" in name or not re.match(r"[\w(\"'@]", name):
                score -= 2.0
            tokens = name.split()
            singles = sum(len(t.strip(".,")) == 1 and t[0].isalpha() for t in tokens)
            if len(tokens) >= 3 and singles * 2 >= len(tokens):
                score -= 2.0  # letters spaced out by OCR ("FACTU U R."), not a name
            if len(row.segments or []) >= 3:  # a table header or a line of labels
                score -= 1.5
            if (
                len(name.split()) == 1
                and name[:1].isupper()
                and name[1:].islower()
                and len(name) > 3
            ):
                score -= 0.5  # a single capitalised word is more often a label than a name
            score += min(row.height / 8.0, 2.5)
            score -= i * 0.08
            add(name, score, row, seg.words, "name at the top of the first page")
            # "FACTU U R. Coolblue B.V.": the capitalised words that end in a legal form.
            for m in NAME_WITH_FORM.finditer(text):
                if text[m.end() :].strip(" ,;.-"):
                    continue  # only junk before the name is cut ("Rohstoff AG Salzgitter" stays)
                company = re.split(r"(?<=\b[A-Z]\.)\s+(?=[A-Z][a-z])", m.group(0))[-1]
                if company != name:
                    add(company, score + 0.3, row, seg.words, "company name at the top")
        parts = SENDER_LINE.split(row.text)
        if len(parts) >= 3 and any(re.search(r"\d{4,5}", p) for p in parts[1:]):
            name = clean_value(parts[0])
            add(name, 2.5, row, row.words, "sender line above the address")
    # Lines that cannot hold a seller phrase or a legal notice are skipped quickly; only the
    # cues the document holds somewhere are looked for in each line.
    seller_cues = [cue for cue in SELLER_CUES if all(w in view.lower for w in cue)]
    legal_cues = [cue for cue in LEGAL_NOTICE_CUES if all(w in view.lower for w in cue)]
    for line in _lines_with_cues(view.text, view.lower, (seller_cues, legal_cues)):
        if may_match(line, seller_cues):
            for m in SELLER_PHRASES.finditer(line):
                add(clean_value(m.group("name")), 1.5, None, [], "named as the seller")
        m = LEGAL_NOTICE.match(line.strip()) if may_match(line, legal_cues) else None
        if m:
            add(clean_value(m.group("name")), 1.5, None, [], "the company's legal notice")
    if not cands:
        return None, None
    for key, c in cands.items():
        name = c[4]
        if COMPANY_SUFFIX.search(name):
            c[0] += 1.5
        core = _fold(COMPANY_SUFFIX.sub("", name)) or key
        key = core
        repeats = folded_doc.count(core) - 1 if len(core) >= 3 else 0
        if repeats > 0:
            c[0] += min(repeats, 3) * 0.8
            c.append("named again further on")
        if any(stem in key or (len(key) >= 4 and key in stem) for stem in stems):
            c[0] += 2.0
            c.append("matches its web or e-mail address")
        if c[1] is not None and id(c[1]) in bill_to_rows:
            c[0] -= 1.0
    ranked = sorted(cands.values(), key=lambda c: c[0], reverse=True)
    score, row, words, rule, name, *why = ranked[0]
    margin = score - ranked[1][0] if len(ranked) > 1 else score
    corroborated = bool(why) or rule != "name at the top of the first page"
    # A name at the top, with a legal form, that the document repeats further on.
    letterhead = (
        rule == "name at the top of the first page"
        and COMPANY_SUFFIX.search(name)
        and "named again further on" in why
        and margin > 1.0
    )
    if (score > 5.5 and margin > 2.0 and corroborated) or letterhead:
        conf = 0.85
    else:
        conf = 0.7 if score > 2.5 else 0.5
    rule = "; ".join(
        [rule + (" with a company suffix" if COMPANY_SUFFIX.search(name) else "")] + why
    )
    if row is None:
        vendor = Found(name, conf, None, None, view.source(first_page[0].page), rule)
        return vendor, None
    vendor = view.found(name, conf, row, words, rule)
    # Address: the next rows below, left-aligned with the name, until a blank gap.
    addr_rows = []
    i = first_page.index(row)
    for r in first_page[i + 1 : i + 5]:
        if r.top - (addr_rows[-1].bottom if addr_rows else row.bottom) > 2.5 * max(r.height, 1):
            break
        t = r.text.lower()
        if re.search(r"tel|fax|phone|@|www|iban|vat|ust|invoice|rechnung|facture", t):
            break
        addr_rows.append(r)
    address = None
    if addr_rows and any(re.search(r"\d", r.text) for r in addr_rows):
        words = [w for r in addr_rows for w in r.words]
        address = view.found(
            ", ".join(clean_value(r.text) for r in addr_rows),
            0.5,
            addr_rows[0],
            words,
            "lines under the vendor name",
        )
    return vendor, address


# --- line items ----------------------------------------------------------------------------

HEADER_WORDS = {
    "description": "description",
    "item": "description",
    "items": "description",
    "product": "description",
    "article": "description",
    "beschreibung": "description",
    "bezeichnung": "description",
    "artikel": "description",
    "leistung": "description",
    "désignation": "description",
    "designation": "description",
    "libellé": "description",
    "omschrijving": "description",
    "product/dienst": "description",
    "service": "description",
    "details": "description",
    "qty": "quantity",
    "quantity": "quantity",
    "menge": "quantity",
    "anzahl": "quantity",
    "quantité": "quantity",
    "qté": "quantity",
    "aantal": "quantity",
    "units": "quantity",
    "hours": "quantity",
    "price": "unit_price",
    "rate": "unit_price",
    "unit": "unit_price",
    "preis": "unit_price",
    "einzelpreis": "unit_price",
    "prix": "unit_price",
    "prijs": "unit_price",
    "p.u.": "unit_price",
    "stückpreis": "unit_price",
    "amount": "amount",
    "total": "amount",
    "betrag": "amount",
    "gesamt": "amount",
    "gesamtpreis": "amount",
    "montant": "amount",
    "bedrag": "amount",
    "totaal": "amount",
    "summe": "amount",
    "net": "amount",
}
STOP_ROW = re.compile(
    r"sub\s*-?total|zwischensumme|sous[\s-]*total|subtotaal|^total|^totaal|^summe|^gesamt|net\s*total|vat|tax|mwst|tva|btw"
)


def find_line_items(view: DocumentView) -> list[dict]:
    """Table rows under a header, page by page (a header holds on its own page only); a
    page's may have been found where the page was extracted (``PageLayout.line_items``)."""
    items: list[dict] = []
    for page in view.pages:
        layout = page.layout
        if layout is not None and layout.line_items is not None:
            items.extend(layout.line_items)
        else:
            items.extend(line_items_on_page(view.rows_on(page.number)))
        if len(items) >= MAX_LINE_ITEMS:
            break
    return items[:MAX_LINE_ITEMS]


MAX_LINE_ITEMS = 500


_NUMERAL = re.compile(r"[\d.,]+")
_QUANTITY = re.compile(r"\d+(?:[.,]\d+)?")

_TEXT = itemgetter(0)  # a word's text


def line_items_on_page(rows: list[Row]) -> list[dict]:
    """The line items among one page's rows: a pure function of the rows."""
    items: list[dict] = []
    header = None
    for row in rows:
        if header is None:
            # The header words of the row, looked up on the whole row at once; most rows
            # hold fewer than two and are passed over.
            forms = map(str.strip, map(str.lower, map(_TEXT, row.words)), repeat(":."))
            keys = list(map(HEADER_WORDS.get, forms))
            if len(keys) - keys.count(None) < 2:
                continue
            cols = {}
            for w, key in zip(row.words, keys, strict=True):
                if key and key not in cols:
                    cols[key] = (w[1], w[3])
            if (
                len(cols) >= 2
                and "description" in cols
                and ("amount" in cols or "unit_price" in cols)
            ):
                header = (row, cols)
            continue
        text = row.text.lower()
        if STOP_ROW.search(text):
            header = None
            continue
        amounts = amounts_in_words(row.words)
        if not amounts:
            continue
        hrow, cols = header
        first_num_x = amounts[0][1][0][1]
        desc_words = [
            w for w in row.words if w[3] <= first_num_x - 1 and not _NUMERAL.fullmatch(w[0])
        ]
        description = clean_value(" ".join(w[0] for w in desc_words))
        if not description:
            continue
        item = {"description": description, "quantity": None, "unit_price": None, "amount": None}
        for value, span in amounts:
            cx = (span[0][1] + span[-1][3]) / 2
            best = min(
                (k for k in cols if k != "description"),
                key=lambda k: abs((cols[k][0] + cols[k][1]) / 2 - cx),
                default=None,
            )
            if best and item.get(best) is None:
                item[best] = value
        if item["amount"] is None:
            item["amount"] = amounts[-1][0]
        qty_words = [
            w
            for w in row.words
            if _QUANTITY.fullmatch(w[0]) and w[1] > first_num_x - 200 and w not in desc_words
        ]
        if item["quantity"] is None and "quantity" in cols:
            qx = (cols["quantity"][0] + cols["quantity"][1]) / 2
            for w in qty_words:
                if abs((w[1] + w[3]) / 2 - qx) < 40:
                    try:
                        item["quantity"] = float(w[0].replace(",", "."))
                    except ValueError:
                        pass
                    break
        items.append(item)
    return items


# --- checks --------------------------------------------------------------------------------


def check_arithmetic(found: dict[str, Found | None]) -> list[str]:
    warnings = []
    total, subtotal, tax = found.get("total"), found.get("subtotal"), found.get("tax")
    if total and subtotal and tax:
        if abs(subtotal.value + tax.value - total.value) > 0.011:
            warnings.append(
                f"Totals do not add up: subtotal {subtotal.value:.2f} + tax {tax.value:.2f} "
                f"= {subtotal.value + tax.value:.2f}, but the total is {total.value:.2f}."
            )
    d = found.get("date")
    if d and isinstance(d.value, date) and d.value > date.today():
        warnings.append(f"The invoice date {d.value.isoformat()} is in the future.")
    due = found.get("due_date")
    if (
        d
        and due
        and isinstance(d.value, date)
        and isinstance(due.value, date)
        and due.value < d.value
    ):
        warnings.append("The due date is before the invoice date.")
    return warnings


def _row_index(view: DocumentView, row: Row) -> int:
    return view.pos(row)
