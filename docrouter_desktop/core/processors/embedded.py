"""Invoice data embedded in a PDF: Factur-X / ZUGFeRD (CII) and XRechnung (UBL) XML.

The XML is found with the factur-x library and read by element names alone, so every
ZUGFeRD version (1.0 namespaces included) and UBL read the same way.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import Any

from docrouter_desktop.core.processors.base import Found

log = logging.getLogger(__name__)


def _goods_lines(items: list[dict]) -> list[dict]:
    """The lines that bill something: a line with neither a quantity nor an amount is a section
    heading or a note printed between the items ("--- Food ---"), not an item."""
    return [i for i in items if i.get("quantity") or i.get("amount")]


def xml_from_pdf(path: str) -> bytes | None:
    with open(path, "rb") as fh:
        data = fh.read()
    if b"/EmbeddedFile" not in data and b"/AF" not in data:
        return None  # no attachment: factur-x (slow to import in a new worker) is not needed
    try:
        import facturx
    except ImportError:  # pragma: no cover - a dependency, but degrade rather than fail
        return None
    logging.getLogger("factur-x").setLevel(logging.ERROR)
    try:
        _name, xml = facturx.get_xml_from_pdf(data, check_xsd=False)
    except Exception as exc:  # the library raises bare Exceptions on odd files
        log.debug("no embedded invoice XML: %s", exc)
        return None
    return xml or None


def _parse_date(text: str | None) -> date | None:
    if not text:
        return None
    t = text.strip()
    m = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", t) or re.match(r"(\d{4})-(\d{2})-(\d{2})", t)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _amount(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return abs(float(text.strip()))
    except ValueError:
        return None


def _signed(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text.strip())
    except ValueError:
        return None


def _document_amounts(data: dict[str, Any]) -> dict[str, Any]:
    """A credit note's amounts are given as magnitudes; a corrective invoice (a negative
    invoice that is not typed as a credit note) keeps the sign its XML gives."""
    if data["document_type"] == "credit_note":
        for name in ("total", "subtotal", "tax", "amount_due"):
            if data.get(name) is not None:
                data[name] = abs(data[name])
    return data


def parse_invoice_xml(xml: bytes) -> dict[str, Any] | None:
    """Invoice fields from CII or UBL XML, or None when the XML is neither."""
    from lxml import etree

    try:
        root = etree.fromstring(
            xml, parser=etree.XMLParser(resolve_entities=False, no_network=True)
        )
    except etree.XMLSyntaxError:
        return None

    def first(xpath: str, node=root) -> str | None:
        found = node.xpath(xpath)
        for item in found:
            text = item if isinstance(item, str) else item.text
            if text and text.strip():
                return text.strip()
        return None

    def ln(name: str) -> str:
        return f"*[local-name()='{name}']"

    tag = etree.QName(root).localname
    if tag in ("CrossIndustryInvoice", "CrossIndustryDocument"):
        doc = f"//{ln('ExchangedDocument')} | //{ln('HeaderExchangedDocument')}"
        header = root.xpath(doc)
        h = header[0] if header else root
        seller = root.xpath(f"//{ln('SellerTradeParty')}")
        s = seller[0] if seller else None
        address = None
        if s is not None:
            parts = [
                first(f".//{ln('PostalTradeAddress')}/{ln(n)}", s)
                for n in ("LineOne", "LineTwo", "PostcodeCode", "CityName", "CountryID")
            ]
            address = ", ".join(p for p in parts if p) or None
        summation = f"//{ln('SpecifiedTradeSettlementHeaderMonetarySummation')} | //{ln('SpecifiedTradeSettlementMonetarySummation')}"
        summ = root.xpath(summation)
        m = summ[0] if summ else root
        items = []
        for li in root.xpath(f"//{ln('IncludedSupplyChainTradeLineItem')}"):
            items.append(
                {
                    "description": first(f".//{ln('SpecifiedTradeProduct')}/{ln('Name')}", li),
                    "quantity": _amount(first(f".//{ln('BilledQuantity')}", li)),
                    "unit_price": _amount(
                        first(f".//{ln('NetPriceProductTradePrice')}/{ln('ChargeAmount')}", li)
                    ),
                    "amount": _amount(first(f".//{ln('LineTotalAmount')}", li)),
                }
            )
        type_code = first(f"./{ln('TypeCode')}", h)
        return _document_amounts(
            {
                "invoice_number": first(f"./{ln('ID')}", h),
                "date": _parse_date(first(f"./{ln('IssueDateTime')}/*", h)),
                "due_date": _parse_date(
                    first(f"//{ln('SpecifiedTradePaymentTerms')}/{ln('DueDateDateTime')}/*")
                ),
                "vendor": first(f"./{ln('Name')}", s) if s is not None else None,
                "vendor_address": address,
                "currency": first(f"//{ln('InvoiceCurrencyCode')}"),
                "total": _signed(first(f"./{ln('GrandTotalAmount')}", m)),
                "subtotal": _signed(first(f"./{ln('TaxBasisTotalAmount')}", m)),
                "tax": _signed(first(f"./{ln('TaxTotalAmount')}", m)),
                "amount_due": _signed(first(f"./{ln('DuePayableAmount')}", m)),
                "line_items": _goods_lines(items),
                "document_type": "credit_note"
                if type_code in ("381", "261", "396", "532")
                else "invoice",
            }
        )
    if tag in ("Invoice", "CreditNote"):
        s = root.xpath(f"//{ln('AccountingSupplierParty')}")
        sp = s[0] if s else None
        items = []
        for li in root.xpath(f"//{ln('InvoiceLine')} | //{ln('CreditNoteLine')}"):
            items.append(
                {
                    "description": first(f".//{ln('Item')}/{ln('Name')}", li),
                    "quantity": _amount(
                        first(f"./{ln('InvoicedQuantity')} | ./{ln('CreditedQuantity')}", li)
                    ),
                    "unit_price": _amount(first(f".//{ln('Price')}/{ln('PriceAmount')}", li)),
                    "amount": _amount(first(f"./{ln('LineExtensionAmount')}", li)),
                }
            )
        address = None
        if sp is not None:
            parts = [
                first(f".//{ln('PostalAddress')}/{ln(n)}", sp)
                for n in ("StreetName", "PostalZone", "CityName")
            ]
            address = ", ".join(p for p in parts if p) or None
        return _document_amounts(
            {
                "invoice_number": first(f"/{ln(tag)}/{ln('ID')}"),
                "date": _parse_date(first(f"/{ln(tag)}/{ln('IssueDate')}")),
                "due_date": _parse_date(first(f"/{ln(tag)}/{ln('DueDate')}")),
                "vendor": first(f".//{ln('PartyLegalEntity')}/{ln('RegistrationName')}", sp)
                or first(f".//{ln('PartyName')}/{ln('Name')}", sp)
                if sp is not None
                else None,
                "vendor_address": address,
                "currency": first(f"/{ln(tag)}/{ln('DocumentCurrencyCode')}"),
                "total": _signed(first(f"//{ln('LegalMonetaryTotal')}/{ln('TaxInclusiveAmount')}")),
                "subtotal": _signed(
                    first(f"//{ln('LegalMonetaryTotal')}/{ln('TaxExclusiveAmount')}")
                ),
                "tax": _signed(first(f"//{ln('TaxTotal')}/{ln('TaxAmount')}")),
                "amount_due": _signed(first(f"//{ln('LegalMonetaryTotal')}/{ln('PayableAmount')}")),
                "line_items": _goods_lines(items),
                "document_type": "credit_note" if tag == "CreditNote" else "invoice",
            }
        )
    return None


def embedded_found(data: dict[str, Any]) -> dict[str, Found]:
    out: dict[str, Found] = {}
    for name, value in data.items():
        if value is None or value == []:
            continue
        out[name] = Found(value, 0.99, None, None, "embedded", "embedded e-invoice XML")
    return out
