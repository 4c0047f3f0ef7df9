"""E-invoice XML, in a file of its own or attached to a PDF: UBL 2.1 (``Invoice`` and
``CreditNote``: Peppol BIS Billing 3.0, XRechnung UBL) and UN/CEFACT CII
(``CrossIndustryInvoice``: Factur-X/ZUGFeRD, XRechnung CII; ZUGFeRD 1.0's
``CrossIndustryDocument`` too).

The XML is parsed without resolving entities, loading a DTD or reaching the network, and a
file that declares entities is refused (a "billion laughs" file would expand without end).
Elements are read by their local names, so every version's namespaces read the same way, and
each value is taken where EN 16931 puts it: the document's own totals (never sums made here),
the tax total in the invoice currency when a second one is given in the tax currency, a line's
price per unit (the price divided by its base quantity).

A PDF's attachments are listed with pdfium and the first whose root is a UBL or CII invoice is
read, whatever its name.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from docrouter_desktop.core.errors import DamagedFileError, DocumentError, UnsupportedFileError
from docrouter_desktop.core.processors.base import Found, group_found

log = logging.getLogger(__name__)

MAX_XML_BYTES = 32 << 20  # an e-invoice with attachments inside is a few MB
UBL_NAMESPACE = "urn:oasis:names:specification:ubl:schema:xsd:"
UBL_ROOTS = ("Invoice", "CreditNote")
CII_ROOTS = ("CrossIndustryInvoice", "CrossIndustryDocument")
# UNTDID 1001 codes of credit notes (the EN 16931 list); the others are invoices.
CREDIT_NOTE_CODES = frozenset(
    {"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"}
)
READ_SYNTAXES = "UBL 2.1 Invoice/CreditNote or UN/CEFACT CII"
UNSAFE_XML = (
    "The XML file declares entities (in a DTD), which e-invoices never do: it is not read, as "
    "such a file can expand without end. Export the e-invoice again from the program that made it."
)
EMBEDDED_RULE = "embedded e-invoice XML"
FILE_RULE = "e-invoice XML file"


@dataclass
class Party:
    """A seller's or buyer's name, postal address lines and VAT identifier."""

    name: str | None = None
    address: list[str] = field(default_factory=list)
    vat_id: str | None = None

    def address_text(self) -> str | None:
        return ", ".join(self.address) or None


@dataclass
class TaxBreakdown:
    """One VAT category and rate of the document, with its taxable and tax amounts."""

    category: str | None
    rate: float | None
    basis: float | None
    amount: float | None


@dataclass
class InvoiceXml:
    """What an e-invoice XML says: the catalogue's fields, and what a reader of it also sees."""

    syntax: str  # "UBL" or "CII"
    root: str  # the root element's local name
    specification: str | None  # the customization (UBL) or guideline (CII) identifier
    type_code: str | None
    fields: dict[str, Any]
    seller: Party
    buyer: Party
    # Every line as given (headings and notes too), each with its "id" and "unit" besides
    # the line item fields.
    lines: list[dict[str, Any]]
    taxes: list[TaxBreakdown]
    notes: list[str]
    payment_terms: str | None

    @property
    def credit_note(self) -> bool:
        return self.fields.get("document_type") == "credit_note"

    @property
    def profile(self) -> str | None:
        """The specification in words: "XRechnung 3.0", "Peppol BIS Billing 3.0"..."""
        return profile_name(self.specification)


def _goods_lines(items: list[dict]) -> list[dict]:
    """The lines that bill something: a line with neither a quantity nor an amount is a section
    heading or a note printed between the items ("--- Food ---"), not an item."""
    return [i for i in items if i.get("quantity") or i.get("amount")]


# --- finding the XML -------------------------------------------------------------------------


def xml_from_pdf(path: str) -> bytes | None:
    """The first attachment of the PDF whose root is a UBL or CII invoice, or None."""
    with open(path, "rb") as fh:
        data = fh.read()
    if b"/EmbeddedFile" not in data and b"/AF" not in data:
        return None  # no attachment: nothing to list
    for name, payload in pdf_attachments(data):
        if _is_invoice(payload):
            log.debug("e-invoice XML found in the PDF's attachment %r", name)
            return payload
    return None


def pdf_attachments(data: bytes) -> Iterator[tuple[str, bytes]]:
    """The names and contents of a PDF's embedded files (none from a PDF pdfium refuses)."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return
    try:
        for i in range(pdf.count_attachments()):
            try:
                attachment = pdf.get_attachment(i)
                try:
                    name = attachment.get_name()
                except pdfium.PdfiumError:
                    name = f"attachment {i + 1}"
                payload = bytes(attachment.get_data())
            except pdfium.PdfiumError:
                continue  # an attachment without data
            if len(payload) <= MAX_XML_BYTES:
                yield name, payload
    finally:
        pdf.close()


def _is_invoice(payload: bytes) -> bool:
    start = payload[:4096].lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n\x00")
    if not start.startswith(b"<"):
        return False
    try:
        return invoice_syntax(parse_xml(payload)) is not None
    except DocumentError:
        return False


def read_xml_file(path: str) -> bytes:
    """A standalone XML file's bytes, refused when larger than any e-invoice."""
    size = os.path.getsize(path)
    if size > MAX_XML_BYTES:
        raise DocumentError(
            f"The XML file is {size / (1 << 20):.0f} MB; e-invoice XML files of up to "
            f"{MAX_XML_BYTES >> 20} MB are read (an e-invoice is a few hundred KB, a few MB "
            "with attachments inside)."
        )
    with open(path, "rb") as fh:
        return fh.read()


def load_invoice_file(path: str) -> InvoiceXml:
    """A standalone e-invoice XML file read; a DocumentError says why one cannot be."""
    return invoice_from_xml(read_xml_file(path))


# --- parsing -------------------------------------------------------------------------------


def _parser():
    from lxml import etree

    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(xml: bytes):
    """The root element of a well-formed XML document that declares no entities; a
    DocumentError otherwise. libxml2 stops an entity amplification by itself; a document that
    declares entities at all is refused here."""
    from lxml import etree

    try:
        root = etree.fromstring(xml, parser=_parser())
    except etree.XMLSyntaxError as exc:
        if _declares_entities(xml):
            raise DocumentError(UNSAFE_XML) from None
        raise DamagedFileError(
            f"The XML file is not well-formed ({_syntax_problem(exc)}) and cannot be read. Get "
            "a fresh copy of the e-invoice and add it again."
        ) from None
    except ValueError as exc:  # bytes lxml refuses outright (an encoding it does not know)
        raise DamagedFileError(
            f"The XML file cannot be read ({exc}). Get a fresh copy of the e-invoice and add it "
            "again."
        ) from None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and next(iter(dtd.iterentities()), None) is not None:
        raise DocumentError(UNSAFE_XML)
    return root


def _declares_entities(xml: bytes) -> bool:
    return (
        any(mark.encode(codec) in xml for mark in ("<!ENTITY",) for codec in ("utf-8", "utf-16-le"))
        or "<!ENTITY".encode("utf-16-be") in xml
    )


def _syntax_problem(exc: Exception) -> str:
    """lxml's message without its note of the in-memory source."""
    return re.sub(r"\s*\(<string>, line \d+\)$", "", str(exc)) or "no element found"


def invoice_syntax(root) -> str | None:
    """``"UBL"`` or ``"CII"`` by the root element, or None for any other XML."""
    name, namespace = _local(root), _namespace(root)
    if name in CII_ROOTS:
        return "CII"
    if name in UBL_ROOTS and namespace.startswith(UBL_NAMESPACE):
        return "UBL"
    return None


def not_an_invoice(root) -> str:
    """The message for an XML document that is neither UBL nor CII."""
    name, namespace = _local(root), _namespace(root)
    where = f"in the namespace '{namespace}'" if namespace else "without a namespace"
    return (
        f"The XML file is not an e-invoice: its root element is <{name}> {where}. DocRouter "
        f"Desktop reads e-invoice XML in {READ_SYNTAXES} syntax (Peppol BIS Billing 3.0, "
        "XRechnung, Factur-X/ZUGFeRD); to read another document, save it as PDF and add that."
    )


def invoice_from_xml(xml: bytes) -> InvoiceXml:
    """An e-invoice's XML read; a DocumentError when it is not well-formed, declares entities
    or is neither UBL nor CII."""
    root = parse_xml(xml)
    syntax = invoice_syntax(root)
    if syntax is None:
        raise UnsupportedFileError(not_an_invoice(root))
    invoice = _read_cii(root) if syntax == "CII" else _read_ubl(root)
    _document_amounts(invoice)
    return invoice


def read_invoice_xml(xml: bytes) -> InvoiceXml | None:
    """An e-invoice's XML read, or None when it is not one (or cannot be read)."""
    try:
        return invoice_from_xml(xml)
    except DocumentError as exc:
        log.debug("no e-invoice in the XML: %s", exc)
        return None


def parse_invoice_xml(xml: bytes) -> dict[str, Any] | None:
    """Invoice fields from CII or UBL XML, or None when the XML is neither."""
    invoice = read_invoice_xml(xml)
    return invoice.fields if invoice is not None else None


# --- navigating by local names ---------------------------------------------------------------


def _local(el) -> str:
    tag = el.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _namespace(el) -> str:
    tag = el.tag
    return tag[1:].partition("}")[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _path(node, path: str) -> list:
    """The elements at ``path`` (local names joined by "/") under ``node``, in order."""
    nodes = [node] if node is not None else []
    for step in path.split("/"):
        nodes = [c for n in nodes for c in n if _local(c) == step]
    return nodes


def _first(node, *paths: str):
    """The first element at any of ``paths``, or None."""
    for path in paths:
        found = _path(node, path)
        if found:
            return found[0]
    return None


def _text(node, *paths: str) -> str | None:
    """The first non-blank text at any of ``paths``, stripped, or None."""
    for path in paths:
        for el in _path(node, path):
            text = (el.text or "").strip()
            if text:
                return text
    return None


def _texts(node, path: str) -> list[str]:
    return [t for el in _path(node, path) if (t := " ".join((el.text or "").split()))]


def _descendant(node, name: str):
    if node is None:
        return None
    return next((el for el in node.iterdescendants() if _local(el) == name), None)


def _in_currency(elements: list, currency: str | None) -> str | None:
    """The text of the amount in ``currency`` among ``elements`` (an amount given twice, in the
    invoice and the tax currency), else of one without a currency, else the first."""
    given = [(el.get("currencyID"), text) for el in elements if (text := _own_text(el))]
    if currency:
        for code, text in given:
            if code == currency:
                return text
    for code, text in given:
        if code is None:
            return text
    return given[0][1] if given else None


def _own_text(el) -> str | None:
    text = (el.text or "").strip() if el is not None else ""
    return text or None


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


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text.strip())
    except ValueError:
        return None


def _per_unit(price: float | None, base: float | None) -> float | None:
    """A price per one unit: the price over its base quantity (12.50 per 10 is 1.25)."""
    if price is None or not base or base == 1:
        return price
    return round(price / base, 6)


def compact_vat_id(text: str | None) -> str | None:
    """A VAT identifier without spaces or punctuation, upper case."""
    if not text:
        return None
    return re.sub(r"[\s.\-]", "", text).upper() or None


_IBAN_SHAPE = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")


def compact_iban(text: str | None) -> str | None:
    """An account identifier as an IBAN without spaces, upper case; None when it is not
    shaped like an IBAN (a national account number)."""
    if not text:
        return None
    iban = re.sub(r"\s+", "", text).upper()
    return iban if _IBAN_SHAPE.fullmatch(iban) else None


def _bic(text: str | None) -> str | None:
    compact = re.sub(r"\s+", "", text or "").upper()
    return compact or None


def _reference(text: str | None) -> str | None:
    """A payment reference: a structured one (RF creditor reference, digits) without spaces,
    else the remittance text as given."""
    if not text:
        return None
    compact = re.sub(r"\s+", "", text)
    if re.fullmatch(r"RF\d{2}[0-9A-Z]{1,21}", compact.upper()) or re.fullmatch(r"[\d+/]+", compact):
        return compact.upper()
    return " ".join(text.split())


def _address(lines: list[str | None], postcode: str | None, city: str | None, country):
    place = " ".join(p for p in (postcode, city) if p)
    return [line for line in (*lines, place, country) if line]


def _payment(
    iban: str | None, bic: str | None, reference: str | None, amount, creditor: str | None
) -> dict[str, Any] | None:
    """The ``payment`` group, or None when the document gives no bank details."""
    if not iban and not bic:
        return None
    return {
        "iban": iban,
        "bic": bic,
        "reference": reference,
        "amount": amount,
        "creditor": creditor,
    }


def profile_name(specification: str | None) -> str | None:
    """The name of the specification an identifier (BT-24) names, or the identifier itself."""
    if not specification:
        return None
    s = specification.lower()
    xrechnung = re.search(r"xrechnung_(\d+(?:\.\d+)*)", s)
    if xrechnung or "xrechnung" in s:
        return "XRechnung" + (f" {xrechnung.group(1)}" if xrechnung else "")
    if "peppol" in s and "billing" in s:
        return "Peppol BIS Billing 3.0"
    facturx = re.search(r"factur-x\.eu:1p0:(\w+)", s)
    if facturx:
        return f"Factur-X/ZUGFeRD {facturx.group(1).upper()}"
    if "urn:ferd:" in s or "zugferd" in s:
        return "ZUGFeRD 1.0"
    if "en16931" in s:
        return "EN 16931"
    return specification


# --- UBL -----------------------------------------------------------------------------------


def _ubl_party(party) -> Party:
    if party is None:
        return Party()
    address = _first(party, "PostalAddress")
    lines = [
        _text(address, "StreetName"),
        _text(address, "AdditionalStreetName"),
        *_texts(address, "AddressLine/Line"),
    ]
    vat = None
    for scheme in _path(party, "PartyTaxScheme"):
        if (_text(scheme, "TaxScheme/ID") or "VAT").upper() in ("VAT", "VA"):
            vat = compact_vat_id(_text(scheme, "CompanyID"))
            if vat:
                break
    return Party(
        _text(party, "PartyLegalEntity/RegistrationName", "PartyName/Name"),
        _address(
            lines,
            _text(address, "PostalZone"),
            _text(address, "CityName"),
            _text(address, "Country/IdentificationCode"),
        ),
        vat,
    )


def _read_ubl(root) -> InvoiceXml:
    tag = _local(root)
    credit_root = tag == "CreditNote"
    currency = _text(root, "DocumentCurrencyCode")
    seller = _ubl_party(_first(root, "AccountingSupplierParty/Party"))
    buyer = _ubl_party(_first(root, "AccountingCustomerParty/Party"))
    totals = _first(root, "LegalMonetaryTotal")
    lines = []
    for line in _path(root, "CreditNoteLine" if credit_root else "InvoiceLine"):
        price = _first(line, "Price")
        quantity = _first(line, "CreditedQuantity", "InvoicedQuantity")
        lines.append(
            {
                "description": _text(line, "Item/Name", "Item/Description"),
                "quantity": _number(quantity.text if quantity is not None else None),
                "unit_price": _per_unit(
                    _number(_text(price, "PriceAmount")), _number(_text(price, "BaseQuantity"))
                ),
                "amount": _number(_text(line, "LineExtensionAmount")),
                "id": _text(line, "ID"),
                "unit": quantity.get("unitCode") if quantity is not None else None,
            }
        )
    means = _path(root, "PaymentMeans")
    paid_to = next((m for m in means if _path(m, "PayeeFinancialAccount")), None)
    account = _first(paid_to, "PayeeFinancialAccount")
    amount_due = _number(_text(totals, "PayableAmount"))
    type_code = _text(root, "CreditNoteTypeCode" if credit_root else "InvoiceTypeCode")
    fields = {
        "invoice_number": _text(root, "ID"),
        "date": _parse_date(_text(root, "IssueDate")),
        "due_date": _parse_date(
            _text(root, "DueDate")
            or next(filter(None, (_text(m, "PaymentDueDate") for m in means)), None)
            or _text(root, "PaymentTerms/PaymentDueDate")
        ),
        "vendor": seller.name,
        "vendor_address": seller.address_text(),
        "vendor_vat_id": seller.vat_id,
        "buyer_vat_id": buyer.vat_id,
        "currency": currency,
        "total": _number(_text(totals, "TaxInclusiveAmount")),
        "subtotal": _number(_text(totals, "TaxExclusiveAmount")),
        "tax": _number(_in_currency(_path(root, "TaxTotal/TaxAmount"), currency)),
        "amount_due": amount_due,
        "line_items": _goods_lines([_item(line) for line in lines]),
        "payment": _payment(
            compact_iban(_text(account, "ID")),
            _bic(
                _text(
                    account,
                    "FinancialInstitutionBranch/ID",
                    "FinancialInstitutionBranch/FinancialInstitution/ID",
                )
            ),
            _reference(
                _text(paid_to, "PaymentID")
                or next(filter(None, (_text(m, "PaymentID") for m in means)), None)
            ),
            amount_due,
            _text(root, "PayeeParty/PartyName/Name", "PayeeParty/PartyLegalEntity/RegistrationName")
            or seller.name,
        ),
        "document_type": "credit_note"
        if credit_root or type_code in CREDIT_NOTE_CODES
        else "invoice",
    }
    taxes = []
    for total in _path(root, "TaxTotal"):
        amount = _first(total, "TaxAmount")
        if currency and amount is not None and amount.get("currencyID") not in (None, currency):
            continue  # the tax total in the tax currency: its subtotals are not the invoice's
        for sub in _path(total, "TaxSubtotal"):
            taxes.append(
                TaxBreakdown(
                    _text(sub, "TaxCategory/ID"),
                    _number(_text(sub, "TaxCategory/Percent", "Percent")),
                    _number(_text(sub, "TaxableAmount")),
                    _number(_text(sub, "TaxAmount")),
                )
            )
    return InvoiceXml(
        "UBL",
        tag,
        _text(root, "CustomizationID"),
        type_code,
        fields,
        seller,
        buyer,
        lines,
        taxes,
        _texts(root, "Note"),
        "; ".join(_texts(root, "PaymentTerms/Note")) or None,
    )


def _item(line: dict[str, Any]) -> dict[str, Any]:
    return {k: line[k] for k in ("description", "quantity", "unit_price", "amount")}


# --- CII -----------------------------------------------------------------------------------


def _cii_party(party) -> Party:
    if party is None:
        return Party()
    address = _first(party, "PostalTradeAddress")
    vat = None
    for registration in _path(party, "SpecifiedTaxRegistration/ID"):
        if (registration.get("schemeID") or "").upper() == "VA":
            vat = compact_vat_id(registration.text)
            if vat:
                break
    return Party(
        _text(party, "Name"),
        _address(
            [_text(address, "LineOne"), _text(address, "LineTwo"), _text(address, "LineThree")],
            _text(address, "PostcodeCode"),
            _text(address, "CityName"),
            _text(address, "CountryID"),
        ),
        vat,
    )


def _read_cii(root) -> InvoiceXml:
    # CII D16B (Factur-X, ZUGFeRD 2, XRechnung) and ZUGFeRD 1.0's names for each part.
    document = _first(root, "ExchangedDocument", "HeaderExchangedDocument")
    transaction = _first(
        root, "SupplyChainTradeTransaction", "SpecifiedSupplyChainTradeTransaction"
    )
    agreement = _first(
        transaction, "ApplicableHeaderTradeAgreement", "ApplicableSupplyChainTradeAgreement"
    )
    settlement = _first(
        transaction, "ApplicableHeaderTradeSettlement", "ApplicableSupplyChainTradeSettlement"
    )
    summation = _first(
        settlement,
        "SpecifiedTradeSettlementHeaderMonetarySummation",
        "SpecifiedTradeSettlementMonetarySummation",
    )
    currency = _text(settlement, "InvoiceCurrencyCode")
    seller = _cii_party(_first(agreement, "SellerTradeParty"))
    buyer = _cii_party(_first(agreement, "BuyerTradeParty"))
    lines = []
    for line in _path(transaction, "IncludedSupplyChainTradeLineItem"):
        quantity = _descendant(line, "BilledQuantity")
        price = _descendant(line, "NetPriceProductTradePrice")
        lines.append(
            {
                "description": _text(line, "SpecifiedTradeProduct/Name"),
                "quantity": _number(quantity.text if quantity is not None else None),
                "unit_price": _per_unit(
                    _number(_text(price, "ChargeAmount")), _number(_text(price, "BasisQuantity"))
                ),
                "amount": _number(_own_text(_descendant(line, "LineTotalAmount"))),
                "id": _text(line, "AssociatedDocumentLineDocument/LineID"),
                "unit": quantity.get("unitCode") if quantity is not None else None,
            }
        )
    means = _path(settlement, "SpecifiedTradeSettlementPaymentMeans")
    paid_to = next((m for m in means if _path(m, "PayeePartyCreditorFinancialAccount")), None)
    amount_due = _number(_in_currency(_path(summation, "DuePayableAmount"), currency))
    type_code = _text(document, "TypeCode")
    terms = _path(settlement, "SpecifiedTradePaymentTerms")
    fields = {
        "invoice_number": _text(document, "ID"),
        "date": _parse_date(_text(document, "IssueDateTime/DateTimeString")),
        "due_date": _parse_date(
            next(filter(None, (_text(t, "DueDateDateTime/DateTimeString") for t in terms)), None)
        ),
        "vendor": seller.name,
        "vendor_address": seller.address_text(),
        "vendor_vat_id": seller.vat_id,
        "buyer_vat_id": buyer.vat_id,
        "currency": currency,
        "total": _number(_in_currency(_path(summation, "GrandTotalAmount"), currency)),
        "subtotal": _number(_in_currency(_path(summation, "TaxBasisTotalAmount"), currency)),
        "tax": _number(_in_currency(_path(summation, "TaxTotalAmount"), currency)),
        "amount_due": amount_due,
        "line_items": _goods_lines([_item(line) for line in lines]),
        "payment": _payment(
            compact_iban(_text(paid_to, "PayeePartyCreditorFinancialAccount/IBANID")),
            _bic(_text(paid_to, "PayeeSpecifiedCreditorFinancialInstitution/BICID")),
            _reference(_text(settlement, "PaymentReference")),
            amount_due,
            _text(settlement, "PayeeTradeParty/Name") or seller.name,
        ),
        "document_type": "credit_note" if type_code in CREDIT_NOTE_CODES else "invoice",
    }
    taxes = [
        TaxBreakdown(
            _text(tax, "CategoryCode"),
            _number(_text(tax, "RateApplicablePercent", "ApplicablePercent")),
            _number(_text(tax, "BasisAmount")),
            _number(_text(tax, "CalculatedAmount")),
        )
        for tax in _path(settlement, "ApplicableTradeTax")
    ]
    context = _first(root, "ExchangedDocumentContext", "SpecifiedExchangedDocumentContext")
    return InvoiceXml(
        "CII",
        _local(root),
        _text(context, "GuidelineSpecifiedDocumentContextParameter/ID"),
        type_code,
        fields,
        seller,
        buyer,
        lines,
        taxes,
        _texts(document, "IncludedNote/Content"),
        "; ".join(t for term in terms for t in _texts(term, "Description")) or None,
    )


def _document_amounts(invoice: InvoiceXml) -> None:
    """A credit note's amounts are given as magnitudes; a corrective invoice (a negative
    invoice that is not typed as a credit note) keeps the sign its XML gives."""
    if not invoice.credit_note:
        return
    data = invoice.fields
    for name in ("total", "subtotal", "tax", "amount_due"):
        if data.get(name) is not None:
            data[name] = abs(data[name])
    if data.get("payment") and data["payment"]["amount"] is not None:
        data["payment"]["amount"] = abs(data["payment"]["amount"])
    for line in (*data["line_items"], *invoice.lines):
        for name in ("quantity", "unit_price", "amount"):
            if line.get(name) is not None:
                line[name] = abs(line[name])


def embedded_found(data: dict[str, Any], rule: str = EMBEDDED_RULE) -> dict[str, Found]:
    """The XML's fields as found values (source "embedded"); the payment as a group of parts."""
    out: dict[str, Found] = {}
    for name, value in data.items():
        if value is None or value == []:
            continue
        if isinstance(value, dict):
            parts = {
                part: Found(v, 0.99, None, None, "embedded", rule)
                for part, v in value.items()
                if v is not None
            }
            group = group_found(parts, source="embedded", rule=rule)
            if group is not None:
                out[name] = group
            continue
        out[name] = Found(value, 0.99, None, None, "embedded", rule)
    return out
