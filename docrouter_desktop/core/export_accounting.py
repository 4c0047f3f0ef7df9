"""Exports that accounting software imports: a DATEV Buchungsstapel, Xero bills, QuickBooks
Online bills.

All three are written from the same ``ExportRow`` s as the other exports, and only from
documents whose result is done (status ``completed``) and that have a total, a date and (for
Xero and QuickBooks) a vendor; every other row is left out and named in the report's notes,
so nothing goes missing without a word. Each document is an incoming invoice (a bill): its
total is what the business owes its vendor; a credit note (``document_type`` ``credit_note``,
or a negative total) is what the vendor owes back.

Booking accounts come from ``AccountingSettings`` (one expense account, one creditor
account) unless an ``accounts`` callable gives a document's own: ``accounts(row)`` returns
``(expense_account, creditor_account)``, either ``None`` for the default (a vendor memory
answers it with the account the vendor is booked to).

Text cells are neutralised as the CSV export does (a leading ``=``, ``+``, ``-``, ``@`` gets an
apostrophe), so a vendor named ``=HYPERLINK(...)`` stays text when the file is opened in a
spreadsheet.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from docrouter_desktop.core.errors import UsageError
from docrouter_desktop.core.export import ExportRow, _atomic_write, neutralise

AccountsHook = Callable[[ExportRow], tuple[str | None, str | None]]

CENT = Decimal("0.01")
DONE = "completed"
APP_NAME = "DocRouter Desktop"


@dataclass(frozen=True)
class AccountingSettings:
    """What the accounting exports need to know about the books they go into."""

    # DATEV: the header's Berater-Nr. (1001-9999999) and Mandanten-Nr. (1-99999).
    berater: int = 1001
    mandant: int = 1
    fiscal_year_start: int = 1  # the month the fiscal year (Wirtschaftsjahr) begins in
    fiscal_year: int | None = None  # only this one (the year it begins in); None: each
    account_length: int = 4  # Sachkontenlänge: digits of a G/L account (4-9)
    # The default chart is SKR03: 4980 "Sonstiger Betriebsbedarf" (books in SKR04 give their
    # own, e.g. 6300, and chart "04") and the first creditor (Kreditor) account, 70000.
    expense_account: str = "4980"
    creditor_account: str = "70000"
    chart: str = "03"  # Sachkontenrahmen: "03" (SKR03), "04" (SKR04)
    base_currency: str = "EUR"  # the books' currency (the header's WKZ)
    batch_name: str = "Eingangsrechnungen"  # Bezeichnung of the batch, up to 30 characters
    initials: str = ""  # Diktatkürzel: two capital letters, or none
    # A foreign currency's rate, in units of it per one unit of ``base_currency``
    # ({"USD": 1.08}); a booking in a currency without one needs its Kurs entered in DATEV.
    exchange_rates: Mapping[str, float] = field(default_factory=dict)
    # BU-Schlüssel by VAT rate ({19: "9", 7: "8"} for input tax in SKR03/SKR04); empty:
    # no tax key, the accountant assigns them (or the expense account is an automatic one).
    tax_keys: Mapping[int, str] = field(default_factory=dict)
    # Xero: the account code of the default chart's "General Expenses", and tax rates by
    # their display name as the organisation has them (these are a UK organisation's).
    xero_account: str = "429"
    xero_tax_type: str = "20% (VAT on Expenses)"
    xero_no_tax_type: str = "No VAT"
    xero_date_format: str = "%d/%m/%Y"
    # QuickBooks Online: an account by its name (every company has this one). A US company
    # books purchase tax as its own line; elsewhere each line carries a tax code.
    quickbooks_account: str = "Uncategorized Expense"
    quickbooks_us: bool = True
    quickbooks_tax_code: str = "20.0% S"
    quickbooks_no_tax_code: str = "No VAT"
    quickbooks_date_format: str = "%m/%d/%Y"

    def check(self) -> None:
        """Raise ``UsageError`` for a setting DATEV (or the others) would refuse."""
        problems = []
        if not 1001 <= self.berater <= 9999999:
            problems.append("the DATEV Berater-Nr. must be a number from 1001 to 9999999")
        if not 1 <= self.mandant <= 99999:
            problems.append("the DATEV Mandanten-Nr. must be a number from 1 to 99999")
        if not 1 <= self.fiscal_year_start <= 12:
            problems.append("the fiscal year's first month must be from 1 to 12")
        if not 4 <= self.account_length <= 9:
            problems.append("the account length (Sachkontenlänge) must be from 4 to 9")
        for name, value in (("expense", self.expense_account), ("creditor", self.creditor_account)):
            if not _datev_account(value):
                problems.append(f"the {name} account '{value}' is not a DATEV account number")
        if self.initials and not re.fullmatch(r"[A-Z]{2}", self.initials):
            problems.append("the Diktatkürzel must be two capital letters")
        if not re.fullmatch(r"\d{2}", self.chart):
            problems.append("the chart of accounts (Sachkontenrahmen) must be two digits, e.g. 03")
        if not re.fullmatch(r"[A-Z]{3}", self.base_currency):
            problems.append("the base currency must be an ISO 4217 code such as EUR")
        for currency, rate in self.exchange_rates.items():
            if not (isinstance(rate, int | float) and rate > 0):
                problems.append(f"the exchange rate of {currency} must be a positive number")
        if problems:
            raise UsageError("Cannot write the accounting export: " + "; ".join(problems) + ".")


@dataclass
class AccountingReport:
    """What an accounting export wrote, and what it left out (``notes``, one line each)."""

    documents: int = 0  # documents written
    rows: int = 0  # bookings (DATEV) or CSV rows (Xero, QuickBooks)
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --- the documents, as bills -------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    description: str
    quantity: Decimal
    unit: Decimal
    amount: Decimal


@dataclass(frozen=True)
class _Bill:
    row: ExportRow
    name: str  # the file's name, for notes
    vendor: str | None
    address: str | None
    number: str | None
    issued: date
    due: date | None
    currency: str | None
    total: Decimal  # a positive magnitude, tax included
    tax: Decimal | None  # None: not known
    credit: bool
    lines: tuple[_Line, ...]  # the billed lines, when they add up to the net amount
    vat_id: str | None
    descriptions: tuple[str, ...]  # every line's description, for a one-row bill

    @property
    def net(self) -> Decimal:
        return self.total - (self.tax or Decimal(0))

    @property
    def document_id(self) -> str:
        return self.row.document.id if self.row.document else ""


def _money(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number.quantize(CENT, ROUND_HALF_UP) if number.is_finite() else None


def _date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _lines(items: Any, net: Decimal) -> tuple[tuple[_Line, ...], tuple[str, ...]]:
    """The line items as lines of the bill, when their amounts add up to the net amount
    (else none: the bill is one line of the document's amount), and every description."""
    if not isinstance(items, list):
        return (), ()
    descriptions = tuple(
        d for item in items if isinstance(item, dict) and (d := _text(item.get("description")))
    )
    lines = []
    for item in items:
        if not isinstance(item, dict):
            return (), descriptions
        amount = _money(item.get("amount"))
        if amount is None:
            return (), descriptions
        amount = abs(amount)
        if not amount:
            continue  # a line of nothing (a note, a free item)
        found_quantity = _money(item.get("quantity"))
        found_unit = _money(item.get("unit_price"))
        quantity, unit = Decimal(1), amount  # what a line without (matching) ones is
        if found_quantity and found_unit is not None:
            if abs(abs(found_quantity) * abs(found_unit) - amount) <= CENT:
                quantity, unit = abs(found_quantity), abs(found_unit)
        lines.append(_Line(_text(item.get("description")) or "", quantity, unit, amount))
    if not lines or abs(sum((line.amount for line in lines), Decimal(0)) - net) > CENT * 2:
        return (), descriptions
    return tuple(lines), descriptions


def _bills(rows: Iterable[ExportRow], report: AccountingReport, label: str) -> list[_Bill]:
    """The rows that make bills; each other row is named in ``report.notes``."""
    bills = []
    for row in rows:
        name = Path(row.file).name or row.file

        def leave_out(reason: str, name: str = name) -> None:
            report.notes.append(f"{name}: left out of the {label} export: {reason}.")

        if row.status != DONE or row.result is None:
            leave_out(f"not processed ({row.status})" if row.status != DONE else "no result")
            continue
        fields = row.result.fields or {}
        total = _money(fields.get("total"))
        if total is None:
            leave_out("no total was found; correct the document and export again")
            continue
        if not total:
            leave_out("its total is 0")
            continue
        issued = _date(fields.get("date"))
        if issued is None:
            leave_out("no date was found; correct the document and export again")
            continue
        credit = fields.get("document_type") == "credit_note" or total < 0
        total = abs(total)
        tax = _money(fields.get("tax"))
        subtotal = _money(fields.get("subtotal"))
        if tax is None and subtotal is not None:
            tax = total - abs(subtotal)
        if tax is not None and not (Decimal(0) <= abs(tax) < total):
            tax = None  # not a tax of this total: not known
        elif tax is not None:
            tax = abs(tax)
        lines, descriptions = _lines(fields.get("line_items"), total - (tax or Decimal(0)))
        due = _date(fields.get("due_date"))
        currency = _text(fields.get("currency"))
        bills.append(
            _Bill(
                row=row,
                name=name,
                vendor=_text(fields.get("vendor")),
                address=_text(fields.get("vendor_address")),
                number=_text(fields.get("invoice_number")),
                issued=issued,
                due=due if due is not None and due >= issued else None,
                currency=currency.upper() if currency else None,
                total=total,
                tax=tax,
                credit=credit,
                lines=lines,
                vat_id=_text(fields.get("vendor_vat_id")),
                descriptions=descriptions,
            )
        )
    return bills


def _accounts(
    bill: _Bill, accounts: AccountsHook | None, default_expense: str, default_creditor: str
) -> tuple[str, str]:
    expense, creditor = accounts(bill.row) if accounts is not None else (None, None)
    return (expense or default_expense), (creditor or default_creditor)


def _split_tax(amounts: list[Decimal], tax: Decimal) -> list[Decimal]:
    """``tax`` shared over lines in proportion to their amounts, to the cent, adding up."""
    whole = sum(amounts, Decimal(0))
    if not whole:
        return [Decimal(0)] * len(amounts)
    shares = [(tax * a / whole).quantize(CENT, ROUND_HALF_UP) for a in amounts]
    shares[-1] += tax - sum(shares, Decimal(0))
    return shares


def _invoice_number(bill: _Bill, report: AccountingReport, label: str, limit: int) -> str:
    """The bill's number for a format that requires one, at most ``limit`` characters."""
    number = bill.number
    if not number:
        short = bill.document_id.rpartition("_")[2][:12]
        number = f"DR-{short}" if short else f"DR-{bill.name}"
        report.notes.append(
            f"{bill.name}: no invoice number was found; written to {label} as {number}."
        )
    if len(number) > limit:
        report.notes.append(
            f"{bill.name}: the invoice number {number} is longer than {label} takes "
            f"({limit} characters); written as {number[:limit]}."
        )
        number = number[:limit]
    return number


def _unique(bills: list[_Bill], report: AccountingReport, label: str) -> list[_Bill]:
    """Bills of one vendor with the same number would be joined into one by the import:
    the later ones are left out, and named."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for bill in bills:
        key = ((bill.vendor or "").casefold(), bill.number or bill.document_id)
        if key in seen:
            report.notes.append(
                f"{bill.name}: left out of the {label} export: another document of "
                f"{bill.vendor} has the number {bill.number}."
            )
            continue
        seen.add(key)
        kept.append(bill)
    return kept


def _plain(value: Decimal) -> str:
    return f"{value:.2f}"


def _quantity(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text


# --- text that Windows-1252 holds ----------------------------------------------------------

_NEAREST = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ı": "i",
        "ħ": "h",
        "Ħ": "H",
        "ŀ": "l",
        "Ŀ": "L",
        "ß": "ss",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2032": "'",
        "\u2033": '"',
        "\u2044": "/",
    }
)
_GERMAN = str.maketrans(
    {"Ä": "AE", "Ö": "OE", "Ü": "UE", "ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}
)


def cp1252_text(text: str) -> str:
    """``text`` as Windows-1252 holds it: what it has kept, a letter it lacks as its nearest
    (``ő`` as ``o``, ``ł`` as ``l``, ``ﬁ`` as ``fi``), anything else as ``?``; no control
    characters (a line break becomes a space), runs of spaces as one."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        category = unicodedata.category(ch)
        if category == "Cf":
            continue  # soft hyphens, zero-width joiners, direction marks
        if category in ("Cc", "Zl", "Zp", "Zs"):
            out.append(" ")
            continue
        try:
            ch.encode("cp1252")
            out.append(ch)
            continue
        except UnicodeEncodeError:
            pass
        near = ch.translate(_NEAREST)
        if near == ch:
            near = "".join(
                c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)
            )
        try:
            near.encode("cp1252")
        except UnicodeEncodeError:
            near = "?"
        out.append(near or "?")
    return " ".join("".join(out).split())


# --- DATEV ---------------------------------------------------------------------------------
#
# DATEV-Format, header version 700, format category 21 "Buchungsstapel", format version 13,
# as DATEV publishes it (developer.datev.de, "DATEV-Format": the header's 31 fields, the
# booking batch's 125 fields and its sample file EXTF_Buchungsstapel.csv). A Windows-1252
# file, fields separated by ";", every line ended with CR LF; text in double quotes (a quote
# inside doubled), numbers and dates bare; amounts with a decimal comma and no thousands
# separator.

DATEV_HEADER_FIELDS = 31
DATEV_COLUMNS: tuple[str, ...] = (
    "Umsatz (ohne Soll/Haben-Kz)",
    "Soll/Haben-Kennzeichen",
    "WKZ Umsatz",
    "Kurs",
    "Basis-Umsatz",
    "WKZ Basis-Umsatz",
    "Konto",
    "Gegenkonto (ohne BU-Schlüssel)",
    "BU-Schlüssel",
    "Belegdatum",
    "Belegfeld 1",
    "Belegfeld 2",
    "Skonto",
    "Buchungstext",
    "Postensperre",
    "Diverse Adressnummer",
    "Geschäftspartnerbank",
    "Sachverhalt",
    "Zinssperre",
    "Beleglink",
    *(f"Beleginfo - {kind} {n}" for n in range(1, 9) for kind in ("Art", "Inhalt")),
    "KOST1 - Kostenstelle",
    "KOST2 - Kostenstelle",
    "Kost-Menge",
    "EU-Land u. UStID (Bestimmung)",
    "EU-Steuersatz (Bestimmung)",
    "Abw. Versteuerungsart",
    "Sachverhalt L+L",
    "Funktionsergänzung L+L",
    "BU 49 Hauptfunktionstyp",
    "BU 49 Hauptfunktionsnummer",
    "BU 49 Funktionsergänzung",
    *(
        name
        for n in range(1, 21)
        for name in (f"Zusatzinformation - Art {n}", f"Zusatzinformation- Inhalt {n}")
    ),
    "Stück",
    "Gewicht",
    "Zahlweise",
    "Forderungsart",
    "Veranlagungsjahr",
    "Zugeordnete Fälligkeit",
    "Skontotyp",
    "Auftragsnummer",
    "Buchungstyp",
    "USt-Schlüssel (Anzahlungen)",
    "EU-Land (Anzahlungen)",
    "Sachverhalt L+L (Anzahlungen)",
    "EU-Steuersatz (Anzahlungen)",
    "Erlöskonto (Anzahlungen)",
    "Herkunft-Kz",
    "Buchungs GUID",
    "KOST-Datum",
    "SEPA-Mandatsreferenz",
    "Skontosperre",
    "Gesellschaftername",
    "Beteiligtennummer",
    "Identifikationsnummer",
    "Zeichnernummer",
    "Postensperre bis",
    "Bezeichnung SoBil-Sachverhalt",
    "Kennzeichen SoBil-Buchung",
    "Festschreibung",
    "Leistungsdatum",
    "Datum Zuord. Steuerperiode",
    "Fälligkeit",
    "Generalumkehr (GU)",
    "Steuersatz",
    "Land",
    "Abrechnungsreferenz",
    "BVV-Position",
    "EU-Land u. UStID (Ursprung)",
    "EU-Steuersatz (Ursprung)",
    "Abw. Skontokonto",
)
_COLUMN = {name: i for i, name in enumerate(DATEV_COLUMNS)}
# The member states' VAT ID prefixes (Greece's is EL, Northern Ireland's XI).
EU_VAT_PREFIXES = frozenset(
    "AT BE BG CY CZ DE DK EE EL ES FI FR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK XI".split()
)
DATEV_MAX_AMOUNT = Decimal("9999999999.99")
DATEV_FILE_NAME = "EXTF_Buchungsstapel.csv"


def _datev_account(value: str) -> bool:
    return bool(re.fullmatch(r"\d{1,9}", value or "")) and int(value) != 0


def _q(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _datev_amount(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def datev_document_number(text: str) -> str:
    """An invoice number as Belegfeld 1 takes it: letters, digits and ``$ % - /``, at most 36
    characters (umlauts spelled out, accents dropped, spaces and other separators as ``-``)."""
    text = unicodedata.normalize("NFKD", text.translate(_GERMAN))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[\s._:;,#\\|()\[\]]+", "-", text)
    text = re.sub(r"[^A-Za-z0-9$%/-]", "", text)
    text = re.sub(r"-{2,}", "-", text).strip("-")
    return text[:36]


def _datev_text(value: str, limit: int) -> str:
    return _q(str(neutralise(cp1252_text(value)))[:limit])


def _fiscal_year(day: date, start_month: int) -> int:
    return day.year if day.month >= start_month else day.year - 1


def _eu_vat_id(vat_id: str | None, home: str = "DE") -> str | None:
    """A vendor's VAT ID for the "EU-Land u. UStID" column: one of another member state
    (an acquisition within the EU); a domestic or a non-EU one is not written there."""
    if not vat_id:
        return None
    text = re.sub(r"[^A-Za-z0-9]", "", vat_id).upper()
    if text[:2] not in EU_VAT_PREFIXES or text[:2] == home or not 4 <= len(text) <= 15:
        return None
    return text


def _tax_rate(bill: _Bill) -> int | None:
    """The VAT rate in whole percent, when tax and net amount give one plainly."""
    if not bill.tax or not bill.net:
        return None
    rate = bill.tax / bill.net * 100
    nearest = int(rate.quantize(Decimal(1), ROUND_HALF_UP))
    # The rounding of the tax to the cent moves the rate by up to 0.005 / net.
    return nearest if abs(rate - nearest) <= Decimal("0.05") + Decimal("0.5") / bill.net else None


def _datev_booking(
    bill: _Bill,
    settings: AccountingSettings,
    accounts: AccountsHook | None,
    report: AccountingReport,
) -> str | None:
    expense, creditor = _accounts(
        bill, accounts, settings.expense_account, settings.creditor_account
    )
    for kind, account, default in (
        ("expense", expense, settings.expense_account),
        ("creditor", creditor, settings.creditor_account),
    ):
        if not _datev_account(account):
            report.notes.append(
                f"{bill.name}: the {kind} account '{account}' is not a DATEV account number; "
                f"booked to {default}."
            )
            if kind == "expense":
                expense = default
            else:
                creditor = default
    if bill.total > DATEV_MAX_AMOUNT:
        report.notes.append(f"{bill.name}: left out of the DATEV export: its total is too large.")
        return None
    cells = [""] * len(DATEV_COLUMNS)

    def put(column: str, value: str) -> None:
        cells[_COLUMN[column]] = value

    # An incoming invoice: the expense account in debit (S), the creditor in credit; a
    # credit note the other way round (H on the expense account).
    put("Umsatz (ohne Soll/Haben-Kz)", _datev_amount(bill.total))
    put("Soll/Haben-Kennzeichen", _q("H" if bill.credit else "S"))
    currency = bill.currency or settings.base_currency
    put("WKZ Umsatz", _q(currency))
    if currency != settings.base_currency:
        rate = settings.exchange_rates.get(currency)
        if rate:
            base = (bill.total / Decimal(str(rate))).quantize(CENT, ROUND_HALF_UP)
            put("Kurs", f"{Decimal(str(rate)):.6f}".replace(".", ","))
            put("Basis-Umsatz", _datev_amount(base))
            put("WKZ Basis-Umsatz", _q(settings.base_currency))
        else:
            report.notes.append(
                f"{bill.name}: booked in {currency} without an exchange rate; DATEV asks for "
                f"its Kurs and Basis-Umsatz: give the rate ({currency} per "
                f"{settings.base_currency}), e.g. --rate {currency}=1.25."
            )
    put("Konto", expense)
    put("Gegenkonto (ohne BU-Schlüssel)", creditor)
    rate_percent = _tax_rate(bill) if currency == settings.base_currency else None
    if (
        rate_percent is not None
        and rate_percent in settings.tax_keys
        and not _eu_vat_id(bill.vat_id)
    ):
        put("BU-Schlüssel", _q(settings.tax_keys[rate_percent]))
    put("Belegdatum", bill.issued.strftime("%d%m"))
    if bill.number:
        number = datev_document_number(bill.number)
        if number != bill.number:
            report.notes.append(
                f"{bill.name}: the invoice number {bill.number} is written as {number or '(none)'} "
                "(Belegfeld 1 takes letters, digits and $ % - / only, up to 36)."
            )
        put("Belegfeld 1", _q(number))
    put("Buchungstext", _datev_text(bill.vendor or bill.number or bill.name, 60))
    vat_id = _eu_vat_id(bill.vat_id)
    if vat_id:
        put("EU-Land u. UStID (Bestimmung)", _q(vat_id))
    if bill.due:
        put("Fälligkeit", bill.due.strftime("%d%m%Y"))
    put("Festschreibung", "0")
    return ";".join(cells)


def _datev_header(
    settings: AccountingSettings, fiscal_year: int, first: date, last: date, now: datetime
) -> str:
    created = now.strftime("%Y%m%d%H%M%S") + f"{now.microsecond // 1000:03d}"
    begins = date(fiscal_year, settings.fiscal_year_start, 1)
    fields = [
        _q("EXTF"),  # 1 Kennzeichen: written by a program other than DATEV's
        "700",  # 2 Versionsnummer (of the header)
        "21",  # 3 Formatkategorie: Buchungsstapel
        _q("Buchungsstapel"),  # 4 Formatname
        "13",  # 5 Formatversion
        created,  # 6 Erzeugt am: JJJJMMTTHHMMSSFFF
        "",  # 7 Importiert (left empty)
        _q("RE"),  # 8 Herkunft
        _q(APP_NAME),  # 9 Exportiert von
        _q(""),  # 10 Importiert von
        str(settings.berater),  # 11 Berater
        str(settings.mandant),  # 12 Mandant
        begins.strftime("%Y%m%d"),  # 13 WJ-Beginn
        str(settings.account_length),  # 14 Sachkontenlänge
        first.strftime("%Y%m%d"),  # 15 Datum vom
        last.strftime("%Y%m%d"),  # 16 Datum bis
        _q(cp1252_text(settings.batch_name)[:30]),  # 17 Bezeichnung
        _q(settings.initials),  # 18 Diktatkürzel
        "1",  # 19 Buchungstyp: Finanzbuchführung
        "0",  # 20 Rechnungslegungszweck: unabhängig
        "0",  # 21 Festschreibung: none, the bookings stay open to change
        _q(settings.base_currency),  # 22 WKZ
        "",  # 23 reserviert
        _q(""),  # 24 Derivatskennzeichen
        "",  # 25 reserviert
        "",  # 26 reserviert
        _q(settings.chart),  # 27 Sachkontenrahmen
        "",  # 28 ID der Branchenlösung
        "",  # 29 reserviert
        _q(""),  # 30 reserviert
        _q(""),  # 31 Anwendungsinformation
    ]
    assert len(fields) == DATEV_HEADER_FIELDS
    return ";".join(fields)


def datev_batches(
    rows: Iterable[ExportRow],
    settings: AccountingSettings | None = None,
    accounts: AccountsHook | None = None,
    report: AccountingReport | None = None,
    now: datetime | None = None,
) -> list[tuple[int, str]]:
    """The Buchungsstapel of ``rows``, one per fiscal year (a batch's Belegdatum carries no
    year: it is the header's): ``(fiscal year, file text)`` pairs, oldest first. With
    ``settings.fiscal_year`` only that year's, the others' documents named in the notes."""
    settings = settings or AccountingSettings()
    settings.check()
    report = report if report is not None else AccountingReport()
    now = now or datetime.now()
    by_year: dict[int, list[_Bill]] = {}
    for bill in _bills(rows, report, "DATEV"):
        by_year.setdefault(_fiscal_year(bill.issued, settings.fiscal_year_start), []).append(bill)
    if settings.fiscal_year is not None:
        for year in sorted(set(by_year) - {settings.fiscal_year}):
            for bill in by_year[year]:
                report.notes.append(
                    f"{bill.name}: left out of the DATEV export: dated in the fiscal year "
                    f"{year}, not {settings.fiscal_year}."
                )
        by_year = {settings.fiscal_year: by_year.get(settings.fiscal_year, [])}
    if not by_year:  # nothing to book: an empty batch of this fiscal year
        by_year = {_fiscal_year(now.date(), settings.fiscal_year_start): []}
    batches = []
    for year in sorted(by_year):
        bills = sorted(by_year[year], key=lambda b: b.issued)
        lines = []
        for bill in bills:
            line = _datev_booking(bill, settings, accounts, report)
            if line is not None:
                lines.append(line)
                report.documents += 1
        report.rows += len(lines)
        begins = date(year, settings.fiscal_year_start, 1)
        first = bills[0].issued if bills else begins
        last = bills[-1].issued if bills else begins
        header = _datev_header(settings, year, first, last, now)
        text = "\r\n".join([header, ";".join(DATEV_COLUMNS), *lines]) + "\r\n"
        batches.append((year, text))
    return batches


def datev_text(
    rows: Iterable[ExportRow],
    settings: AccountingSettings | None = None,
    accounts: AccountsHook | None = None,
    report: AccountingReport | None = None,
    now: datetime | None = None,
) -> str:
    """One Buchungsstapel: of ``settings.fiscal_year``, or of the only fiscal year the
    documents are in (``UsageError`` when they are in several)."""
    batches = datev_batches(rows, settings, accounts, report, now)
    if len(batches) > 1:
        years = ", ".join(str(year) for year, _t in batches)
        raise UsageError(
            f"The documents are dated in several fiscal years ({years}); a DATEV "
            "Buchungsstapel holds one. Choose one (--fiscal-year)."
        )
    return batches[0][1]


def write_datev(
    rows: Iterable[ExportRow],
    path: Path,
    settings: AccountingSettings | None = None,
    accounts: AccountsHook | None = None,
    report: AccountingReport | None = None,
) -> AccountingReport:
    """Write the Buchungsstapel to ``path``; documents of several fiscal years go to one file
    per year beside it, ``EXTF_Buchungsstapel_2023.csv`` for ``EXTF_Buchungsstapel.csv``
    (``report.files`` names them)."""
    report = report if report is not None else AccountingReport()
    path = Path(path)
    batches = datev_batches(rows, settings, accounts, report)
    if len(batches) > 1:
        targets = [
            path.with_name(f"{path.stem}_{year}{path.suffix or '.csv'}") for year, _ in batches
        ]
        report.notes.append(
            "The documents are dated in several fiscal years; DATEV takes one per "
            "Buchungsstapel, so each year is its own file: "
            + ", ".join(t.name for t in targets)
            + "."
        )
    else:
        targets = [path]
    for target, (_year, text) in zip(targets, batches, strict=True):
        _atomic_write(target, text.encode("cp1252"))
        report.files.append(target)
    return report


# --- Xero ----------------------------------------------------------------------------------
#
# Xero's "Import bills" CSV template (Business > Bills to pay > Import: the template to
# download), its 26 columns with their headings as the template writes them, the required
# ones starred. UTF-8, comma separated. One row per line of a bill; the rows of one bill share
# its contact, number and dates. Amounts are written without tax: choose "Tax exclusive" when
# Xero asks. A credit note is written with negative amounts (Xero imports it as a credit
# note). Dates in the organisation's order (day first by default).

XERO_COLUMNS: tuple[str, ...] = (
    "*ContactName",
    "EmailAddress",
    "POAddressLine1",
    "POAddressLine2",
    "POAddressLine3",
    "POAddressLine4",
    "POCity",
    "PORegion",
    "POPostalCode",
    "POCountry",
    "*InvoiceNumber",
    "*InvoiceDate",
    "*DueDate",
    "Total",
    "InventoryItemCode",
    "Description",
    "*Quantity",
    "*UnitAmount",
    "*AccountCode",
    "*TaxType",
    "TaxAmount",
    "TrackingName1",
    "TrackingOption1",
    "TrackingName2",
    "TrackingOption2",
    "Currency",
)
XERO_FILE_NAME = "xero-bills.csv"


def _bill_lines(bill: _Bill) -> list[tuple[str, Decimal, Decimal, Decimal, Decimal]]:
    """(description, quantity, unit amount, amount, tax) for each line of the bill, without
    tax: its own lines when they add up, else one line of its net amount."""
    if bill.lines:
        taxes = _split_tax([line.amount for line in bill.lines], bill.tax or Decimal(0))
        return [
            (line.description or _summary(bill), line.quantity, line.unit, line.amount, tax)
            for line, tax in zip(bill.lines, taxes, strict=True)
        ]
    return [(_summary(bill), Decimal(1), bill.net, bill.net, bill.tax or Decimal(0))]


def _summary(bill: _Bill) -> str:
    """A one-line bill's description: what it is, and what it was for when it has one line."""
    kind = "Credit note" if bill.credit else "Invoice"
    text = f"{kind} {bill.number}" if bill.number else kind
    if len(bill.descriptions) == 1:
        text = f"{text}: {bill.descriptions[0]}"
    return text if len(text) <= 200 else text[:199] + "…"


def xero_text(
    rows: Iterable[ExportRow],
    settings: AccountingSettings | None = None,
    accounts: AccountsHook | None = None,
    report: AccountingReport | None = None,
) -> str:
    settings = settings or AccountingSettings()
    report = report if report is not None else AccountingReport()
    bills = _bills(rows, report, "Xero")
    bills = _unique(_with_vendor(bills, report, "Xero"), report, "Xero")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(XERO_COLUMNS)
    for bill in bills:
        account, _creditor = _accounts(bill, accounts, settings.xero_account, "")
        number = _invoice_number(bill, report, "Xero", 255)
        sign = Decimal(-1) if bill.credit else Decimal(1)
        due = bill.due or bill.issued
        for description, quantity, unit, _amount, tax in _bill_lines(bill):
            cells = dict.fromkeys(XERO_COLUMNS, "")
            cells.update(
                {
                    "*ContactName": bill.vendor or "",
                    "POAddressLine1": bill.address or "",
                    "*InvoiceNumber": number,
                    "*InvoiceDate": bill.issued.strftime(settings.xero_date_format),
                    "*DueDate": due.strftime(settings.xero_date_format),
                    "Total": _plain(sign * bill.total),
                    "Description": description,
                    "*Quantity": _quantity(quantity),
                    "*UnitAmount": _plain(sign * unit),
                    "*AccountCode": account,
                    "*TaxType": settings.xero_tax_type if tax else settings.xero_no_tax_type,
                    "TaxAmount": _plain(sign * tax),
                    "Currency": bill.currency or "",
                }
            )
            writer.writerow([_cell(cells[c], c in _XERO_TEXT) for c in XERO_COLUMNS])
            report.rows += 1
        report.documents += 1
    if report.documents > 500:
        report.notes.append(
            f"Xero imports up to 500 bills from one file; this one has {report.documents}: "
            "split it before importing."
        )
    return buf.getvalue()


_XERO_TEXT = frozenset(
    ("*ContactName", "POAddressLine1", "*InvoiceNumber", "Description", "*AccountCode", "*TaxType")
)


def _cell(value: str, text: bool) -> str:
    return str(neutralise(value)) if text else value


def _with_vendor(bills: list[_Bill], report: AccountingReport, label: str) -> list[_Bill]:
    kept = []
    for bill in bills:
        if not bill.vendor:
            report.notes.append(
                f"{bill.name}: left out of the {label} export: no vendor was found; "
                "correct the document and export again."
            )
        else:
            kept.append(bill)
    return kept


def write_xero(
    rows: Iterable[ExportRow],
    path: Path,
    settings: AccountingSettings | None = None,
    accounts: AccountsHook | None = None,
    report: AccountingReport | None = None,
) -> AccountingReport:
    report = report if report is not None else AccountingReport()
    _atomic_write(Path(path), xero_text(rows, settings, accounts, report).encode("utf-8"))
    report.files.append(Path(path))
    return report


# --- QuickBooks Online ---------------------------------------------------------------------
#
# QuickBooks Online's bill import (Settings > Import data > Bills), the columns its help
# article "Import bills into QuickBooks Online" and sample file give: Bill No., Supplier (a
# US company's file says Vendor), Bill Date, Due Date, Terms, Location, Memo, Account, Line
# Description, Line Amount, Line Tax Code, Line Tax Amount, Currency; the required ones are
# Bill No., Supplier/Vendor, Bill Date, Due Date, Account and Line Amount. UTF-8, comma
# separated, one row per line of a bill (the rows of one bill share its number). Line amounts
# are without tax; a US company's bill gets its sales tax as a line of its own, elsewhere
# each line carries a tax code and its share of the tax. The import takes bills only, so
# credit notes (supplier credits) are left out and named.

QUICKBOOKS_COLUMNS: tuple[str, ...] = (
    "Bill No.",
    "Supplier",
    "Bill Date",
    "Due Date",
    "Terms",
    "Location",
    "Memo",
    "Account",
    "Line Description",
    "Line Amount",
    "Line Tax Code",
    "Line Tax Amount",
    "Currency",
)
QUICKBOOKS_FILE_NAME = "quickbooks-bills.csv"
QUICKBOOKS_NUMBER_LENGTH = 21  # QuickBooks Online's reference numbers hold 21 characters


def quickbooks_columns(settings: AccountingSettings) -> tuple[str, ...]:
    vendor = "Vendor" if settings.quickbooks_us else "Supplier"
    return tuple(vendor if c == "Supplier" else c for c in QUICKBOOKS_COLUMNS)


def quickbooks_text(
    rows: Iterable[ExportRow],
    settings: AccountingSettings | None = None,
    accounts: AccountsHook | None = None,
    report: AccountingReport | None = None,
) -> str:
    settings = settings or AccountingSettings()
    report = report if report is not None else AccountingReport()
    bills = []
    for bill in _bills(rows, report, "QuickBooks"):
        if bill.credit:
            report.notes.append(
                f"{bill.name}: left out of the QuickBooks export: it is a credit note, and "
                "QuickBooks Online's bill import takes bills only (enter it as a supplier credit)."
            )
        else:
            bills.append(bill)
    bills = _unique(_with_vendor(bills, report, "QuickBooks"), report, "QuickBooks")
    columns = quickbooks_columns(settings)
    vendor_column = columns[1]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(columns)
    for bill in bills:
        account, _creditor = _accounts(bill, accounts, settings.quickbooks_account, "")
        number = _invoice_number(bill, report, "QuickBooks", QUICKBOOKS_NUMBER_LENGTH)
        due = bill.due or bill.issued
        lines = _bill_lines(bill)
        out: list[tuple[str, Decimal, Decimal | None]]
        if settings.quickbooks_us:
            out = [(d, amount, None) for d, _q, _u, amount, _t in lines]
            if bill.tax:
                out.append(("Sales tax", bill.tax, None))
        else:
            out = [(d, amount, tax) for d, _q, _u, amount, tax in lines]
        for description, amount, tax in out:
            cells = dict.fromkeys(columns, "")
            cells.update(
                {
                    "Bill No.": number,
                    vendor_column: bill.vendor or "",
                    "Bill Date": bill.issued.strftime(settings.quickbooks_date_format),
                    "Due Date": due.strftime(settings.quickbooks_date_format),
                    "Memo": f"{APP_NAME}: {bill.name}",
                    "Account": account,
                    "Line Description": description,
                    "Line Amount": _plain(amount),
                    "Currency": bill.currency or "",
                }
            )
            if tax is not None:
                code = settings.quickbooks_tax_code if tax else settings.quickbooks_no_tax_code
                cells["Line Tax Code"] = code
                cells["Line Tax Amount"] = _plain(tax)
            text = {
                "Bill No.",
                vendor_column,
                "Memo",
                "Account",
                "Line Description",
                "Line Tax Code",
            }
            writer.writerow([_cell(cells[c], c in text) for c in columns])
            report.rows += 1
        report.documents += 1
    return buf.getvalue()


def write_quickbooks(
    rows: Iterable[ExportRow],
    path: Path,
    settings: AccountingSettings | None = None,
    accounts: AccountsHook | None = None,
    report: AccountingReport | None = None,
) -> AccountingReport:
    report = report if report is not None else AccountingReport()
    _atomic_write(Path(path), quickbooks_text(rows, settings, accounts, report).encode("utf-8"))
    report.files.append(Path(path))
    return report


WRITERS: dict[str, Callable[..., AccountingReport]] = {
    "datev": write_datev,
    "xero": write_xero,
    "quickbooks": write_quickbooks,
}
FILE_NAMES = {"datev": DATEV_FILE_NAME, "xero": XERO_FILE_NAME, "quickbooks": QUICKBOOKS_FILE_NAME}
LABELS = {
    "datev": "DATEV Buchungsstapel",
    "xero": "Xero bills",
    "quickbooks": "QuickBooks Online bills",
}
