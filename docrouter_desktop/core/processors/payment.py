"""How to pay an invoice: the payee's IBAN and BIC, the payment reference, the amount and the
payee (the ``payment`` group field).

A payment QR code on a page (``PageContent.codes``) gives them exactly: an EPC "GiroCode"
(EPC069-12, SEPA credit transfers) or a Swiss QR-bill (the Swiss Implementation Guidelines
for the QR-bill, version 2.x). What the code does not give is read from the text of the label
pages: an IBAN after its label, or any IBAN whose check digits agree; a BIC after its label; a
structured reference whose check digits agree (ISO 11649 ``RF``, the Swiss QR reference, the
Belgian structured communication, the Finnish reference and the Norwegian KID after their
labels), else the text after a remittance label ("Verwendungszweck", "Causale"); the payee
after an account-holder label, else the vendor. The amount is the code's, else the invoice's
amount due or total once bank details were found.

Check digits are verified, never trusted: an IBAN that fails them is still reported, at low
confidence and with a warning, so a person reviews it before paying; a code asking for
another amount than the invoice's total is reported the same way.
"""

from __future__ import annotations

import re
import warnings as _warnings
from dataclasses import dataclass, replace
from functools import cache
from types import SimpleNamespace

from docrouter_desktop.core.extraction.pages import Word
from docrouter_desktop.core.processors.base import DocumentView, Found, clean_value, group_found
from docrouter_desktop.core.processors.languages import whole_words
from docrouter_desktop.core.processors.layout import Row

# --- payment codes -------------------------------------------------------------------------


@dataclass
class PaymentCode:
    """What a payment QR code asks for; empty strings for what it leaves out."""

    scheme: str  # "epc" or "swiss"
    iban: str = ""
    bic: str = ""
    creditor: str = ""
    amount: float | None = None
    currency: str = ""
    reference: str = ""  # a structured reference, without spaces
    reference_kind: str = ""  # "rf" (ISO 11649), "qrr" (Swiss QR reference), "other"
    message: str = ""  # the unstructured remittance text


_LINES = re.compile(r"\r\n|\n|\r")
_EPC_AMOUNT = re.compile(r"([A-Z]{3})?\s*(\d{1,9}(?:[.,]\d{1,2})?)")
_SWISS_AMOUNT = re.compile(r"\d{1,9}(?:\.\d{1,2})?")
_SWISS_REFERENCE_TYPES = ("QRR", "SCOR", "NON")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in _LINES.split(text.strip("\ufeff"))]


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text).upper()


def parse_epc(text: str) -> PaymentCode | None:
    """An EPC069-12 payload (``BCD``, version 001 to 003): service tag, version, character
    set, identification (SCT or INST), BIC, name, IBAN, ``EUR`` and the amount, purpose,
    structured reference or unstructured text, a note to the payer. Trailing empty lines may
    be left out; a missing amount is allowed."""
    lines = _lines(text)
    if len(lines) < 7 or lines[0] != "BCD" or not re.fullmatch(r"\d{3}", lines[1]):
        return None
    field = lines + [""] * (12 - len(lines))
    code = PaymentCode("epc", iban=_compact(field[6]), bic=_compact(field[4]), creditor=field[5])
    m = _EPC_AMOUNT.fullmatch(field[7])
    if m:
        code.currency = m.group(1) or "EUR"
        code.amount = float(m.group(2).replace(",", "."))
    structured, unstructured = _compact(field[9]), field[10]
    if structured:
        code.reference = structured
        code.reference_kind = "rf" if structured.startswith("RF") else "other"
    code.message = unstructured
    return code if code.iban else None


def parse_swiss_qr(text: str) -> PaymentCode | None:
    """A Swiss QR-bill payload (``SPC``, version 02xx, coding 1): the account (IBAN or
    QR-IBAN), the creditor (address type S or K, name, address lines), the ultimate creditor
    (reserved: seven empty lines), amount and currency, the debtor, the reference type (QRR,
    SCOR or NON) and reference, the unstructured message, ``EPD``. A payload that leaves out
    the empty ultimate creditor is read from its reference type backwards."""
    lines = _lines(text)
    if len(lines) < 7 or lines[0] != "SPC" or not lines[1].startswith("02"):
        return None
    code = PaymentCode("swiss", iban=_compact(lines[3]), creditor=lines[5])
    kind_at = 27 if len(lines) > 27 and lines[27] in _SWISS_REFERENCE_TYPES else None
    if kind_at is None:
        kind_at = next(
            (i for i in range(16, len(lines)) if lines[i] in _SWISS_REFERENCE_TYPES), None
        )
    if kind_at is not None and kind_at >= 9:
        amount, currency = lines[kind_at - 9], lines[kind_at - 8]
        kind = lines[kind_at]
        reference = _compact(lines[kind_at + 1]) if len(lines) > kind_at + 1 else ""
        message = lines[kind_at + 2] if len(lines) > kind_at + 2 else ""
        if message == "EPD":
            message = ""
        if _SWISS_AMOUNT.fullmatch(amount):
            code.amount = float(amount)
        code.currency = currency if re.fullmatch(r"[A-Z]{3}", currency) else ""
        if kind != "NON" and reference:
            code.reference = reference
            code.reference_kind = "qrr" if kind == "QRR" else "rf"
        code.message = message
    return code if code.iban else None


def parse_payment_code(text: str) -> PaymentCode | None:
    """An EPC or Swiss payment code's contents, or None for any other code."""
    return parse_epc(text) or parse_swiss_qr(text)


# --- check digits --------------------------------------------------------------------------

IBAN_OK, IBAN_NATIONAL, IBAN_CHECKSUM, IBAN_INVALID = "ok", "national", "checksum", "invalid"


@cache
def _schwifty():
    import schwifty
    from schwifty import exceptions

    return schwifty, exceptions


@cache
def _stdnum() -> SimpleNamespace:
    """python-stdnum's checks, imported when first needed: its utilities import pydoc and ssl
    (about 40 ms), which a document without references should not pay for."""
    from stdnum import iso11649, luhn
    from stdnum.be import ogm_vcs
    from stdnum.ch import esr

    return SimpleNamespace(iso11649=iso11649, luhn=luhn, ogm_vcs=ogm_vcs, esr=esr)


def rf_reference_ok(reference: str) -> bool:
    """An ISO 11649 creditor reference (``RF``, check digits, up to 21 characters)."""
    return bool(_stdnum().iso11649.is_valid(reference))


def qr_reference_ok(reference: str) -> bool:
    """A Swiss QR reference: 27 digits, the last a recursive mod 10 check digit."""
    return len(reference) == 27 and bool(_stdnum().esr.is_valid(reference))


def belgian_reference_ok(digits: str) -> bool:
    """A Belgian structured communication: 12 digits, the last two the mod 97 of the others."""
    return bool(_stdnum().ogm_vcs.is_valid(digits))


def check_iban(iban: str) -> str:
    """IBAN_OK when the IBAN's check digits (ISO 7064 mod 97) and its country's own check
    digits agree; IBAN_NATIONAL when only the country's fail, IBAN_CHECKSUM when the IBAN's
    own fail (its length and shape being right), IBAN_INVALID when it is no IBAN at all."""
    schwifty, exc = _schwifty()
    with _warnings.catch_warnings():
        # Countries without a national check digit algorithm are only warned about.
        _warnings.simplefilter("ignore", getattr(exc, "NationalChecksumNotVerified", Warning))
        try:
            schwifty.IBAN(iban, validate_bban=True)
        except exc.InvalidChecksumDigits:
            return IBAN_CHECKSUM
        except exc.InvalidBBANChecksum:
            return IBAN_NATIONAL
        except (exc.SchwiftyException, ValueError):
            return IBAN_INVALID
    return IBAN_OK


def check_bic(bic: str) -> str | None:
    """The BIC's country code, or None when it is no BIC (ISO 9362 shape, a known country)."""
    schwifty, exc = _schwifty()
    try:
        return str(schwifty.BIC(bic).country_code)
    except (exc.SchwiftyException, ValueError):
        return None


def grouped(code: str) -> str:
    """An IBAN or reference in groups of four, as printed."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def finnish_reference_ok(number: str) -> bool:
    """A Finnish bank reference (viitenumero): 4 to 20 digits, the last a check digit over the
    others weighted 7, 3, 1 from the right."""
    if not number.isdigit() or not 4 <= len(number) <= 20:
        return False
    body, check = number[:-1], int(number[-1])
    total = sum(int(d) * (7, 3, 1)[i % 3] for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def kid_ok(number: str) -> bool:
    """A Norwegian KID: 2 to 25 digits whose last is a mod 10 (Luhn) or mod 11 check digit
    (``-`` for 10)."""
    if not 2 <= len(number) <= 25 or not number[:-1].isdigit():
        return False
    if number.isdigit() and _stdnum().luhn.is_valid(number):
        return True
    body = number[:-1]
    total = sum(int(d) * (2 + i % 6) for i, d in enumerate(reversed(body)))
    r = 11 - total % 11
    return number[-1] == ("0" if r == 11 else "-" if r == 10 else str(r))


# --- confidences ---------------------------------------------------------------------------

CODE_CONFIDENCE = 0.99  # a part read from a payment code whose check digits agree
BAD_IBAN_CONFIDENCE = 0.2  # an IBAN failing its check digits: a person must look
NATIONAL_FAIL_CONFIDENCE = 0.5  # only its country's check digits fail
MISMATCH_CONFIDENCE = 0.3  # a code's amount that is not the invoice's
LABELLED_IBAN, UNLABELLED_IBAN = 0.95, 0.85
LABELLED_REFERENCE, UNLABELLED_REFERENCE = 0.92, 0.85
REMITTANCE_TEXT = 0.6
PAYEE_LABEL = 0.8
VENDOR_AS_PAYEE = 0.85  # times the vendor's confidence

# --- the text ------------------------------------------------------------------------------

# An IBAN as printed: its country, check digits and groups of up to four (the groups a
# pattern cannot delimit are tried from the longest: ``_prefixes``).
# No look-behind in front: a pattern opening with one is tried at every position of a row;
# the character before a match is checked by hand (``_IBAN_AT``).
_IBAN = re.compile(r"[A-Z]{2}\d{2}(?: ?[A-Z0-9]{1,4}){3,9}")
# A row that may hold an IBAN: two capitals, two digits.
_IBAN_AT = re.compile(r"[A-Z]{2}\d{2}")
_IBAN_LABEL = re.compile(r"(?<![a-z])iban(?![a-z])")
_BIC_LABEL = re.compile(r"(?<![a-z])(?:bic|swift)(?![a-z])")
_BIC = re.compile(
    r"(?<![A-Za-z0-9])[A-Z]{4} ?[A-Z]{2} ?[A-Z0-9]{2}(?: ?[A-Z0-9]{3})?(?![A-Za-z0-9])"
)
_RF = re.compile(r"(?<![A-Z0-9])RF\d{2}(?: ?[A-Z0-9]{1,4}){1,6}")
_SWISS_REFERENCE = re.compile(r"(?<!\d)\d{2}(?: ?\d{5}){5}(?!\d)")
_BELGIAN = re.compile(r"(?:[+*]{3} ?)?(\d{3}) ?/ ?(\d{4}) ?/ ?(\d{5})(?: ?[+*]{3})?")
# National references named by their schemes, which print them after these labels.
_NATIONAL_LABEL = re.compile(
    r"(?<![a-z])(?P<fi>viitenumero|viite|ref\.? ?nr|referensnummer)|(?<![a-z])(?P<no>kid)(?![a-z])"
)
_NATIONAL_NUMBER = re.compile(r"\d[\d ]{1,28}[\d-]")
_REFERENCE_LABEL = re.compile(whole_words("payment_reference_labels"))
_REMITTANCE_LABEL = re.compile(whole_words("remittance_labels"))
_PAYEE_LABEL = re.compile(whole_words("payee_labels"))
# How far after its label (characters) a value may start.
LABEL_REACH = 30
# Between a label and its value: punctuation, "no." and the like.
_FILLER = re.compile(r"[\s:.#/()\-–]*(?:(?:no|nr|n°|number|nummer|code)\b[\s:.#]*)?", re.IGNORECASE)


@dataclass
class _Hit:
    value: str
    row: Row
    words: list[Word]
    labelled: bool
    status: str = ""  # an IBAN's check (IBAN_OK...), or a reference's kind
    label: str = ""


def _word_offsets(row: Row) -> list[tuple[int, int]]:
    out, pos = [], 0
    for w in row.words:
        out.append((pos, pos + len(w.text)))
        pos += len(w.text) + 1
    return out


def _words_at(row: Row, start: int, end: int) -> list[Word]:
    return [
        w for w, (a, b) in zip(row.words, _word_offsets(row), strict=True) if a < end and b > start
    ]


def _prefixes(text: str):
    """``text`` and its shorter forms cut at its spaces, longest first, each without spaces
    (a pattern of groups may run on into the next word)."""
    parts = text.split(" ")
    for n in range(len(parts), 0, -1):
        yield "".join(parts[:n]), len(" ".join(parts[:n]))


def _labelled(label: re.Pattern, lower: str, start: int) -> str:
    """The label that ends within LABEL_REACH characters before ``start``, or ''."""
    best = ""
    for m in label.finditer(lower, max(0, start - LABEL_REACH - 20), start):
        if start - m.end() <= LABEL_REACH:
            best = m.group(0)
    return best


class _TextReader:
    """The payment details printed on the label pages, read once."""

    def __init__(self, view: DocumentView):
        self.view = view
        self.rows = view.label_rows
        self.ibans = self._ibans()

    def _ibans(self) -> list[_Hit]:
        out: list[_Hit] = []
        for row in self.rows:
            text = row.text
            if _IBAN_AT.search(text) is None:
                continue
            lower = self.view.lower_text(row)
            for m in _IBAN.finditer(text):
                if m.start() and text[m.start() - 1].isalnum():
                    continue
                label = _labelled(_IBAN_LABEL, lower, m.start())
                hit = self._iban_at(row, m, bool(label))
                if hit is not None:
                    out.append(hit)
        return out

    def _iban_at(self, row: Row, m: re.Match, labelled: bool) -> _Hit | None:
        """The longest IBAN the match starts, checked: valid first, else the form whose only
        fault is its check digits (a misprint or a misreading)."""
        flawed = None
        for compact, length in _prefixes(m.group(0)):
            if len(compact) < 15:
                break
            status = check_iban(compact)
            if status == IBAN_OK:
                return _Hit(
                    compact, row, _words_at(row, m.start(), m.start() + length), labelled, status
                )
            if flawed is None and status in (IBAN_CHECKSUM, IBAN_NATIONAL):
                flawed = _Hit(
                    compact, row, _words_at(row, m.start(), m.start() + length), labelled, status
                )
        return flawed

    def bics(self) -> list[_Hit]:
        out: list[_Hit] = []
        for row in self.rows:
            lower = self.view.lower_text(row)
            if "bic" not in lower and "swift" not in lower:
                continue
            for label in _BIC_LABEL.finditer(lower):
                rest = row.text[label.end() : label.end() + LABEL_REACH + 14]
                m = _BIC.search(rest)
                if m is None:
                    continue
                value = m.group(0).replace(" ", "")
                if check_bic(value) is None:
                    continue
                start = label.end() + m.start()
                words = _words_at(row, start, label.end() + m.end())
                out.append(_Hit(value, row, words, True, label=label.group(0)))
                break
        return out

    def references(self) -> list[_Hit]:
        """Structured references whose check digits agree, labelled ones first."""
        out: list[_Hit] = []
        for row in self.rows:
            text, lower = row.text, self.view.lower_text(row)
            if "rf" in lower:
                for m in _RF.finditer(text):
                    for compact, length in _prefixes(m.group(0)):
                        if rf_reference_ok(compact):
                            out.append(
                                self._reference(row, lower, m.start(), length, compact, "rf")
                            )
                            break
            if "/" in text:
                for m in _BELGIAN.finditer(text):
                    digits = "".join(m.groups())
                    if belgian_reference_ok(digits):
                        hit = self._reference(row, lower, m.start(), len(m.group(0)), digits, "be")
                        hit.labelled = hit.labelled or "+++" in m.group(0) or "***" in m.group(0)
                        out.append(hit)
            for m in _SWISS_REFERENCE.finditer(text):
                compact = m.group(0).replace(" ", "")
                if qr_reference_ok(compact):
                    out.append(
                        self._reference(row, lower, m.start(), len(m.group(0)), compact, "qrr")
                    )
            for label in _NATIONAL_LABEL.finditer(lower):
                number = _NATIONAL_NUMBER.search(text, label.end(), label.end() + LABEL_REACH + 30)
                if number is None or number.start() - label.end() > LABEL_REACH:
                    continue
                compact = number.group(0).replace(" ", "")
                ok = finnish_reference_ok(compact) if label.group("fi") else kid_ok(compact)
                if ok:
                    words = _words_at(row, number.start(), number.end())
                    kind = "fi" if label.group("fi") else "kid"
                    out.append(_Hit(compact, row, words, True, kind, label.group(0)))
        out.sort(key=lambda h: not h.labelled)
        return out

    def _reference(self, row, lower, start, length, compact, kind) -> _Hit:
        label = _labelled(_REFERENCE_LABEL, lower, start) or _labelled(
            _REMITTANCE_LABEL, lower, start
        )
        words = _words_at(row, start, start + length)
        return _Hit(compact, row, words, bool(label), kind, label)

    def remittance(self) -> _Hit | None:
        """The text after a remittance label on its row (or on the row under a label that
        ends its row)."""
        for row in self.rows:
            lower = self.view.lower_text(row)
            m = _REMITTANCE_LABEL.search(lower)
            if m is None:
                continue
            hit = self._after_label(row, m)
            if hit is not None:
                return hit
        return None

    def payee(self) -> _Hit | None:
        for row in self.rows:
            lower = self.view.lower_text(row)
            m = _PAYEE_LABEL.search(lower)
            if m is None:
                continue
            hit = self._after_label(row, m, name=True)
            if hit is not None:
                return hit
        return None

    def _after_label(self, row: Row, m: re.Match, name: bool = False) -> _Hit | None:
        filler = _FILLER.match(row.text, m.end())
        start = filler.end() if filler is not None else m.end()
        words = _words_at(row, start, len(row.text))
        # The value ends where another label of the bank details starts.
        cut = next(
            (i for i, w in enumerate(words) if w.text.lower().strip(":") in _STOP_WORDS), None
        )
        words = words[:cut] if cut is not None else words
        if not words:
            below = self.view.rows_below(row, 2)
            for r in below:
                if _IBAN.search(r.text):  # "Account / Payable to", the IBAN, then the name
                    continue
                words = r.words
                row = r
                break
        if not words:
            return None
        value = clean_value(" ".join(w.text for w in words))
        if not value or len(value) > 140 or not any(c.isalpha() for c in value):
            return None
        if name and (_IBAN.fullmatch(value.replace(" ", "")) or len(value) > 70):
            return None
        return _Hit(value, row, words, True, label=m.group(0))


# Words that start another bank detail on the same row: a value stops before them.
_STOP_WORDS = frozenset({"iban", "bic", "swift", "bic/swift", "swift/bic", "konto", "account"})


# --- the payment group -----------------------------------------------------------------------


def find_payment(
    view: DocumentView, found: dict[str, Found | None]
) -> tuple[Found | None, list[str]]:
    """The ``payment`` group (None without bank details) and the warnings it raises. ``found``
    holds the invoice's other fields (``total``, ``amount_due``, ``currency``, ``vendor``)."""
    warnings: list[str] = []
    parts: dict[str, Found | None] = {}
    code, page, box = _first_code(view)
    text = _TextReader(view)
    ibans = text.ibans
    if code is not None:
        parts = _code_parts(code, page, box, found, warnings)
        _compare_ibans(parts, ibans, warnings)
    elif ibans:
        parts["iban"] = _iban_found(view, ibans, warnings)
    if parts.get("iban") is None:
        return None, warnings
    if parts.get("bic") is None:
        parts["bic"] = _bic_found(view, text.bics(), parts["iban"], warnings)
    if parts.get("reference") is None:
        parts["reference"] = _reference_found(view, text)
    if parts.get("amount") is None:
        parts["amount"] = _invoice_amount(found)
    if parts.get("creditor") is None:
        parts["creditor"] = _payee_found(view, text, found.get("vendor"))
    return group_found(parts), warnings


def _first_code(view: DocumentView) -> tuple[PaymentCode | None, int | None, list[float] | None]:
    """The first payment code on the pages, top to bottom, with its page and box; one whose
    IBAN checks out is preferred."""
    first = None
    for page in view.pages:
        for text, x0, top, x1, bottom in page.codes:
            code = parse_payment_code(text)
            if code is None:
                continue
            got = (code, page.number, [x0, top, x1, bottom])
            if check_iban(code.iban) == IBAN_OK:
                return got
            first = first or got
    return first if first is not None else (None, None, None)


def _code_parts(
    code: PaymentCode,
    page: int | None,
    box: list[float] | None,
    found: dict[str, Found | None],
    warnings: list[str],
) -> dict[str, Found | None]:
    name = "Swiss QR-bill code" if code.scheme == "swiss" else "EPC payment QR code (GiroCode)"

    def part(value, confidence: float, what: str) -> Found:
        return Found(value, confidence, page, box, "qr", f"{name}: {what}")

    parts: dict[str, Found | None] = {}
    status = check_iban(code.iban)
    if status == IBAN_OK:
        parts["iban"] = part(code.iban, CODE_CONFIDENCE, "IBAN, check digits agree")
    else:
        parts["iban"] = part(code.iban, _flawed_confidence(status), f"IBAN, {_fault(status)}")
        warnings.append(_iban_warning(code.iban, status, "in the payment QR code"))
    if code.bic:
        country = check_bic(code.bic)
        if country is not None:
            parts["bic"] = _checked_bic(
                part(code.bic, CODE_CONFIDENCE, "BIC"), country, code.iban, warnings
            )
    if code.reference:
        if code.reference_kind == "qrr":
            ok, what = qr_reference_ok(code.reference), "QR reference"
        elif code.reference_kind == "rf":
            ok, what = rf_reference_ok(code.reference), "creditor reference (ISO 11649)"
        else:
            ok, what = True, "structured reference"
        if ok:
            agree = ", check digits agree" if code.reference_kind in ("qrr", "rf") else ""
            parts["reference"] = part(code.reference, CODE_CONFIDENCE, what + agree)
        else:
            parts["reference"] = part(
                code.reference, MISMATCH_CONFIDENCE, f"{what}, check digits fail"
            )
            warnings.append(
                f"The payment reference {code.reference} in the payment QR code fails its check "
                "digits: check it before paying."
            )
    elif code.message:
        parts["reference"] = part(code.message, 0.9, "remittance text")
    if code.amount is not None:
        parts["amount"] = _code_amount(code, part, found, warnings)
    if code.creditor:
        parts["creditor"] = part(code.creditor, 0.95, "payee name")
    return parts


def _code_amount(code: PaymentCode, part, found, warnings: list[str]) -> Found:
    """The code's amount, low in confidence with a warning when the invoice's total and
    amount due both differ from it (or its currency is another)."""
    amount = code.amount
    assert amount is not None
    total, due = found.get("total"), found.get("amount_due")
    known = [f for f in (total, due) if f is not None and isinstance(f.value, int | float)]
    currency_found = found.get("currency")
    currency = currency_found.value if currency_found is not None else None
    asks = f"{amount:.2f} {code.currency}".strip()
    if code.currency and currency and code.currency != currency:
        warnings.append(
            f"The payment QR code asks for {asks} but the invoice is in {currency}: check "
            "which is right before paying."
        )
        return part(amount, MISMATCH_CONFIDENCE, f"amount in {code.currency}, not {currency}")
    if not known:
        return part(amount, 0.95, "amount")
    if any(abs(float(f.value) - amount) < 0.005 for f in known):
        return part(amount, CODE_CONFIDENCE, "amount, equal to the invoice's")
    unit = f" {currency or code.currency}".rstrip()
    if total is not None:
        said = f"the invoice total is {float(total.value):.2f}{unit}"
        if due is not None and abs(float(due.value) - float(total.value)) >= 0.005:
            said += f" (amount due {float(due.value):.2f}{unit})"
    else:
        assert due is not None
        said = f"the invoice's amount due is {float(due.value):.2f}{unit}"
    warnings.append(
        f"The payment QR code asks for {asks} but {said}: check which is right before paying."
    )
    return part(amount, MISMATCH_CONFIDENCE, "amount, differs from the invoice's")


def _compare_ibans(parts: dict[str, Found | None], ibans: list[_Hit], warnings: list[str]) -> None:
    """A code paying into an account the document does not print is worth a look: its IBAN
    loses confidence and a warning names both."""
    iban = parts.get("iban")
    printed = [h.value for h in ibans if h.status == IBAN_OK]
    if iban is None or not printed or iban.value in printed:
        return
    if any(_near(iban.value, h.value) for h in ibans):
        return  # the code's account printed, misread by a character or two
    iban.confidence = min(iban.confidence, NATIONAL_FAIL_CONFIDENCE)
    iban.rule += "; the document prints another IBAN"
    warnings.append(
        f"The payment QR code pays into IBAN {grouped(iban.value)} but the document prints IBAN "
        f"{grouped(printed[0])}: check which is right before paying."
    )


def _near(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) <= 2


def _flawed_confidence(status: str) -> float:
    return NATIONAL_FAIL_CONFIDENCE if status == IBAN_NATIONAL else BAD_IBAN_CONFIDENCE


def _fault(status: str) -> str:
    return {
        IBAN_CHECKSUM: "check digits fail",
        IBAN_NATIONAL: "its country's check digits fail",
    }.get(status, "not a valid IBAN")


def _iban_warning(iban: str, status: str, where: str) -> str:
    fault = (
        "fails its national check digits"
        if status == IBAN_NATIONAL
        else "fails its check digits"
        if status == IBAN_CHECKSUM
        else "is not a valid IBAN"
    )
    return (
        f"The IBAN {grouped(iban)} {where} {fault}: it may be misprinted or misread; check it "
        "before paying."
    )


def _iban_found(view: DocumentView, ibans: list[_Hit], warnings: list[str]) -> Found:
    """The IBAN printed: a labelled one that checks out, else any that checks out, else the
    first flawed one (reported at low confidence, with a warning)."""
    valid = [h for h in ibans if h.status == IBAN_OK]
    if valid:
        hit = next((h for h in valid if h.labelled), valid[0])
        confidence = LABELLED_IBAN if hit.labelled else UNLABELLED_IBAN
        rule = "IBAN after its label" if hit.labelled else "an IBAN in the text"
        others = {h.value for h in valid} - {hit.value}
        if others:
            confidence -= 0.1
            rule += f"; {len(others) + 1} accounts printed, the first taken"
        return view.found(hit.value, confidence, hit.row, hit.words, f"{rule}, check digits agree")
    hit = next((h for h in ibans if h.labelled), ibans[0])
    warnings.append(_iban_warning(hit.value, hit.status, "printed on the document"))
    rule = ("IBAN after its label" if hit.labelled else "an IBAN in the text") + ", "
    return view.found(
        hit.value, _flawed_confidence(hit.status), hit.row, hit.words, rule + _fault(hit.status)
    )


def _checked_bic(bic: Found, country: str, iban: str, warnings: list[str]) -> Found:
    """A BIC whose bank is in the IBAN's country as it is; another country lowers it."""
    if not iban or iban[:2] == country:
        return bic
    bic.confidence = min(bic.confidence, 0.5)
    bic.rule += f"; its country {country} is not the IBAN's {iban[:2]}"
    warnings.append(
        f"The BIC {bic.value} is of a bank in {country} but the IBAN {grouped(iban)} is an "
        f"account in {iban[:2]}: check the bank details before paying."
    )
    return bic


def _bic_found(
    view: DocumentView, bics: list[_Hit], iban: Found | None, warnings: list[str]
) -> Found | None:
    if not bics:
        return None
    iban_value = str(iban.value) if iban is not None else ""
    hit = next((h for h in bics if h.value[4:6] == iban_value[:2]), bics[0])
    found = view.found(hit.value, 0.9, hit.row, hit.words, f"BIC after its label '{hit.label}'")
    return _checked_bic(found, hit.value[4:6], iban_value, warnings)


_REFERENCE_NAMES = {
    "rf": "creditor reference (ISO 11649)",
    "qrr": "Swiss QR reference",
    "be": "Belgian structured communication",
    "fi": "Finnish reference",
    "kid": "Norwegian KID",
}


def _reference_found(view: DocumentView, text: _TextReader) -> Found | None:
    refs = text.references()
    if refs:
        ref = refs[0]
        confidence = LABELLED_REFERENCE if ref.labelled else UNLABELLED_REFERENCE
        rule = f"{_REFERENCE_NAMES[ref.status]}, check digits agree"
        if ref.label:
            rule += f"; label '{ref.label}'"
        return view.found(ref.value, confidence, ref.row, ref.words, rule)
    hit = text.remittance()
    if hit is None:
        return None
    return view.found(
        hit.value, REMITTANCE_TEXT, hit.row, hit.words, f"text after the label '{hit.label}'"
    )


def _invoice_amount(found: dict[str, Found | None]) -> Found | None:
    """The invoice's amount due, else its total, at its own confidence and place."""
    for name in ("amount_due", "total"):
        f = found.get(name)
        if f is not None and f.value is not None:
            label = "amount due" if name == "amount_due" else "total"
            rule = f"the invoice's {label}" + (f" ({f.rule})" if f.rule else "")
            return replace(f, rule=rule, parts=None)
    return None


def _payee_found(view: DocumentView, text: _TextReader, vendor: Found | None) -> Found | None:
    hit = text.payee()
    if hit is not None:
        return view.found(
            hit.value, PAYEE_LABEL, hit.row, hit.words, f"after the label '{hit.label}'"
        )
    if vendor is not None and vendor.value:
        return replace(
            vendor,
            confidence=vendor.confidence * VENDOR_AS_PAYEE,
            rule=f"the vendor, no account holder printed ({vendor.rule})",
            parts=None,
        )
    return None
