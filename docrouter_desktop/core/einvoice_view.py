"""An e-invoice XML file shown to a person: as plain text (the document's text, which search and
the text index read) and as HTML (which the window paints as the document's page).

Both say the same, in the same order: the document's title, number and dates, the seller and
the buyer, the lines, the tax breakdown and totals, how to pay, and the notes. Values are shown
as the XML gives them (amounts to at least two decimals, dates as YYYY-MM-DD); in the HTML every
value is escaped.
"""

from __future__ import annotations

import html
import textwrap
from datetime import date
from typing import Any

from docrouter_desktop.core.processors.embedded import InvoiceXml, Party, invoice_from_xml

# UNTDID 1001 document type codes an e-invoice commonly has.
TYPE_NAMES = {
    "380": "commercial invoice",
    "381": "credit note",
    "383": "debit note",
    "384": "corrected invoice",
    "386": "prepayment invoice",
    "389": "self-billed invoice",
    "261": "self-billed credit note",
    "326": "partial invoice",
    "751": "invoice information for accounting purposes",
    "875": "partial construction invoice",
    "876": "partial final construction invoice",
    "877": "final construction invoice",
}

# UN/ECE Recommendation 20 unit codes an e-invoice commonly has.
UNIT_NAMES = {
    "C62": "unit",
    "H87": "piece",
    "EA": "each",
    "XPP": "piece",
    "PR": "pair",
    "SET": "set",
    "LS": "lump sum",
    "HUR": "hour",
    "MIN": "min",
    "DAY": "day",
    "WEE": "week",
    "MON": "month",
    "ANN": "year",
    "KGM": "kg",
    "GRM": "g",
    "TNE": "t",
    "MTR": "m",
    "CMT": "cm",
    "MTK": "m²",
    "MTQ": "m³",
    "LTR": "l",
    "KWH": "kWh",
    "P1": "%",
}

TEXT_WIDTH = 96  # characters per line of the text rendering
DESCRIPTION_WIDTH = 40


def invoice_text(xml: bytes) -> str:
    """The e-invoice as plain text; a DocumentError when the XML is not one."""
    return text_of(invoice_from_xml(xml))


def invoice_html(xml: bytes) -> str:
    """The e-invoice as an HTML page; a DocumentError when the XML is not one."""
    return html_of(invoice_from_xml(xml))


# --- values in words -----------------------------------------------------------------------


def title(invoice: InvoiceXml) -> str:
    return "Credit note" if invoice.credit_note else "Invoice"


def origin(invoice: InvoiceXml) -> str:
    """What the file is: "UBL 2.1 Invoice, XRechnung 3.0"."""
    syntax = (
        f"UBL 2.1 {invoice.root}" if invoice.syntax == "UBL" else f"UN/CEFACT CII {invoice.root}"
    )
    return f"{syntax}, {invoice.profile}" if invoice.profile else syntax


def money(value: float | None) -> str:
    """An amount with at least two decimals, more when the XML gives more (0.125)."""
    if value is None:
        return ""
    text = f"{value:.6f}".rstrip("0")
    whole, _, decimals = text.partition(".")
    return f"{whole}.{decimals.ljust(2, '0')}"


def quantity(value: float | None) -> str:
    if value is None:
        return ""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def unit(code: str | None) -> str:
    if not code:
        return ""
    return UNIT_NAMES.get(code.upper(), code)


def day(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else (str(value) if value else "")


def percent(value: float | None) -> str:
    return f"{quantity(value)} %" if value is not None else ""


def _header_rows(invoice: InvoiceXml) -> list[tuple[str, str]]:
    f = invoice.fields
    number_label = "Credit note number" if invoice.credit_note else "Invoice number"
    code = invoice.type_code
    rows = [
        (number_label, f.get("invoice_number") or ""),
        ("Issue date", day(f.get("date"))),
        ("Due date", day(f.get("due_date"))),
        ("Currency", f.get("currency") or ""),
        ("Type", f"{code} ({TYPE_NAMES[code]})" if code in TYPE_NAMES else code or ""),
    ]
    return [(label, value) for label, value in rows if value]


def _party_lines(party: Party) -> list[str]:
    lines = [party.name or "", *party.address]
    if party.vat_id:
        lines.append(f"VAT ID: {party.vat_id}")
    return [line for line in lines if line]


def _total_rows(invoice: InvoiceXml) -> list[tuple[str, str]]:
    f = invoice.fields
    currency = f.get("currency") or ""
    rows = [
        ("Subtotal (without tax)", f.get("subtotal")),
        ("Tax", f.get("tax")),
        ("Total", f.get("total")),
        ("Amount due", f.get("amount_due")),
    ]
    return [(label, f"{money(v)} {currency}".strip()) for label, v in rows if v is not None]


def _tax_rows(invoice: InvoiceXml) -> list[tuple[str, str, str, str]]:
    return [
        (t.category or "", percent(t.rate), money(t.basis), money(t.amount)) for t in invoice.taxes
    ]


def _payment_rows(invoice: InvoiceXml) -> list[tuple[str, str]]:
    payment = invoice.fields.get("payment") or {}
    currency = invoice.fields.get("currency") or ""
    rows = [
        ("Payee", payment.get("creditor") or ""),
        ("IBAN", payment.get("iban") or ""),
        ("BIC", payment.get("bic") or ""),
        ("Reference", payment.get("reference") or ""),
        (
            "Amount",
            f"{money(payment['amount'])} {currency}".strip()
            if payment.get("amount") is not None
            else "",
        ),
        ("Terms", invoice.payment_terms or ""),
    ]
    return [(label, value) for label, value in rows if value]


def _line_cells(line: dict[str, Any]) -> tuple[str, str, str, str, str, str]:
    return (
        line.get("id") or "",
        line.get("description") or "",
        quantity(line.get("quantity")),
        unit(line.get("unit")),
        money(line.get("unit_price")),
        money(line.get("amount")),
    )


# --- plain text ------------------------------------------------------------------------------


def text_of(invoice: InvoiceXml) -> str:
    """The e-invoice as lines of plain text, on a grid of ``TEXT_WIDTH`` characters."""
    out: list[str] = [
        f"{title(invoice).upper()} {invoice.fields.get('invoice_number') or ''}".rstrip(),
        f"E-invoice XML: {origin(invoice)}",
        "",
    ]
    out += _pairs(_header_rows(invoice))
    for heading, party in (("Seller", invoice.seller), ("Buyer", invoice.buyer)):
        lines = _party_lines(party)
        if lines:
            out += ["", heading, *(f"  {line}" for line in lines)]
    if invoice.lines:
        out += [
            "",
            "Lines",
            _line_row(("No.", "Description", "Quantity", "Unit", "Price", "Amount")),
        ]
        for line in invoice.lines:
            out += _wrapped_line(_line_cells(line))
    taxes = _tax_rows(invoice)
    if taxes:
        out += ["", "Tax breakdown", "  Category  Rate       Taxable amount      Tax amount"]
        for category, rate, basis, amount in taxes:
            out.append(f"  {category:<8}  {rate:<9}  {basis:>14}  {amount:>14}".rstrip())
    totals = _total_rows(invoice)
    if totals:
        out += ["", "Totals", *_pairs(totals, indent=2)]
    payment = _payment_rows(invoice)
    if payment:
        out += ["", "Payment", *_pairs(payment, indent=2)]
    if invoice.notes:
        out += ["", "Notes"]
        for note in invoice.notes:
            out += textwrap.wrap(note, TEXT_WIDTH - 2, initial_indent="  ", subsequent_indent="  ")
    return "\n".join(line.rstrip() for line in out)


def _pairs(rows: list[tuple[str, str]], indent: int = 0) -> list[str]:
    width = max((len(label) for label, _v in rows), default=0) + 2
    out = []
    for label, value in rows:
        first, *more = textwrap.wrap(value, TEXT_WIDTH - indent - width) or [""]
        out.append(" " * indent + f"{label}:".ljust(width) + first)
        out += [" " * (indent + width) + part for part in more]
    return out


def _line_row(cells: tuple[str, ...]) -> str:
    number, description, qty, unit_name, price, amount = cells
    return (
        f"  {number:<5} {description:<{DESCRIPTION_WIDTH}} {qty:>9} {unit_name:<8} "
        f"{price:>12} {amount:>12}"
    ).rstrip()


def _wrapped_line(cells: tuple[str, str, str, str, str, str]) -> list[str]:
    number, description, *rest = cells
    parts = textwrap.wrap(description, DESCRIPTION_WIDTH) or [""]
    rows = [_line_row((number, parts[0], *rest))]
    rows += [_line_row(("", part, "", "", "", "")) for part in parts[1:]]
    return rows


# --- HTML ------------------------------------------------------------------------------------

# Sizes in CSS pixels (1/96 inch), so the page lays out the same on any screen.
_STYLE = """
body { font-family: 'DejaVu Sans', 'Segoe UI', 'Helvetica Neue', Arial, sans-serif;
       font-size: 13px; color: #1a1a1a; }
h1 { font-size: 26px; margin: 0; }
.origin { color: #555555; font-size: 12px; }
h2 { font-size: 15px; margin-top: 14px; margin-bottom: 4px; color: #333333; }
th { background-color: #e8ecf1; text-align: left; font-weight: bold; }
td.num, th.num { text-align: right; }
.label { color: #555555; }
.grand { font-weight: bold; }
"""


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def html_of(invoice: InvoiceXml) -> str:
    """The e-invoice as an HTML page (the subset of HTML and CSS Qt's rich text reads)."""
    parts = [
        "<html><head><meta charset='utf-8'><style>",
        _STYLE,
        "</style></head><body>",
        f"<h1>{_e(title(invoice))} {_e(invoice.fields.get('invoice_number') or '')}</h1>",
        f"<p class='origin'>E-invoice XML: {_e(origin(invoice))}</p>",
    ]
    parts.append(_pairs_table(_header_rows(invoice)))
    parts.append(
        "<table width='100%' cellspacing='0' cellpadding='2' style='margin-top: 10px'><tr>"
        + "".join(
            f"<td width='50%' valign='top'><h2>{heading}</h2>{_party_html(party)}</td>"
            for heading, party in (("Seller", invoice.seller), ("Buyer", invoice.buyer))
        )
        + "</tr></table>"
    )
    if invoice.lines:
        parts.append("<h2>Lines</h2>")
        parts.append(
            "<table width='100%' cellspacing='0' cellpadding='4'><tr><th>No.</th>"
            "<th>Description</th><th class='num'>Quantity</th><th>Unit</th>"
            "<th class='num'>Price</th><th class='num'>Amount</th></tr>"
        )
        for i, line in enumerate(invoice.lines):
            number, description, qty, unit_name, price, amount = _line_cells(line)
            shade = " bgcolor='#f6f7f9'" if i % 2 else ""
            parts.append(
                f"<tr{shade}><td>{_e(number)}</td><td>{_e(description)}</td>"
                f"<td class='num'>{_e(qty)}</td><td>{_e(unit_name)}</td>"
                f"<td class='num'>{_e(price)}</td><td class='num'>{_e(amount)}</td></tr>"
            )
        parts.append("</table>")
    taxes = _tax_rows(invoice)
    totals = _total_rows(invoice)
    if taxes or totals:
        parts.append("<table width='100%' cellspacing='0' cellpadding='0'><tr>")
        parts.append("<td width='55%' valign='top'>")
        if taxes:
            parts.append(
                "<h2>Tax breakdown</h2><table cellspacing='0' cellpadding='4'><tr>"
                "<th>Category</th><th class='num'>Rate</th><th class='num'>Taxable amount</th>"
                "<th class='num'>Tax amount</th></tr>"
            )
            for row in taxes:
                parts.append(
                    "<tr>" + "".join(f"<td class='num'>{_e(c)}</td>" for c in row) + "</tr>"
                )
            parts.append("</table>")
        parts.append("</td><td width='45%' valign='top'>")
        if totals:
            parts.append("<h2>Totals</h2><table width='100%' cellspacing='0' cellpadding='4'>")
            for label, value in totals:
                grand = " class='grand'" if label in ("Total", "Amount due") else ""
                parts.append(
                    f"<tr{grand}><td>{_e(label)}</td><td class='num'>{_e(value)}</td></tr>"
                )
            parts.append("</table>")
        parts.append("</td></tr></table>")
    payment = _payment_rows(invoice)
    if payment:
        parts.append("<h2>Payment</h2>")
        parts.append(_pairs_table(payment))
    if invoice.notes:
        parts.append("<h2>Notes</h2>")
        parts += [f"<p>{_e(note)}</p>" for note in invoice.notes]
    parts.append("</body></html>")
    return "".join(parts)


def _pairs_table(rows: list[tuple[str, str]]) -> str:
    body = "".join(
        f"<tr><td class='label'>{_e(label)}</td><td>{_e(value)}</td></tr>" for label, value in rows
    )
    return f"<table cellspacing='0' cellpadding='2'>{body}</table>"


def _party_html(party: Party) -> str:
    lines = _party_lines(party)
    if not lines:
        return "<p class='label'>Not given</p>"
    first, *rest = lines
    return "<p><b>" + _e(first) + "</b>" + "".join(f"<br>{_e(line)}" for line in rest) + "</p>"
