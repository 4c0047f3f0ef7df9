"""The field catalogue: every result field, its type, which processors report it and how it is
described to a DocRouter server, in one place that processors, exports and servers read."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class FieldKind(StrEnum):
    TEXT = "text"  # free text: a name, an address
    CODE = "code"  # an identifier printed on the document: an invoice number
    DATE = "date"  # ISO 8601, YYYY-MM-DD
    MONEY = "money"  # a JSON number
    CURRENCY = "currency"  # an ISO 4217 code
    CHOICE = "choice"  # one of ``choices``
    ITEMS = "items"  # a list of line items (LINE_ITEM_FIELDS)
    GROUP = "group"  # an object of named parts (``parts``), each found on its own


INVOICE = "invoice"
RECEIPT = "receipt"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: FieldKind
    label: str  # as the window shows it
    description: str  # what it holds, in words a person (or a language model) follows
    processors: frozenset[str]
    choices: tuple[str, ...] = ()
    parts: tuple[FieldSpec, ...] = ()

    @property
    def scalar(self) -> bool:
        return self.kind not in (FieldKind.ITEMS, FieldKind.GROUP)

    @property
    def numeric(self) -> bool:
        return self.kind is FieldKind.MONEY

    def json_schema(self) -> dict[str, Any]:
        """This field's JSON Schema (draft 7), null allowed: a value not on the document is
        ``null``, never a guess."""
        if self.kind is FieldKind.ITEMS:
            return {
                "type": "array",
                "description": self.description,
                "items": {
                    "type": "object",
                    "properties": {f.name: f.json_schema() for f in LINE_ITEM_FIELDS},
                    "required": [f.name for f in LINE_ITEM_FIELDS],
                    "additionalProperties": False,
                },
            }
        if self.kind is FieldKind.GROUP:
            return {
                "type": ["object", "null"],
                "description": self.description,
                "properties": {f.name: f.json_schema() for f in self.parts},
                "required": [f.name for f in self.parts],
                "additionalProperties": False,
            }
        schema: dict[str, Any] = {
            "type": ["number", "null"] if self.numeric else ["string", "null"],
            "description": self.description,
        }
        if self.kind is FieldKind.CHOICE:
            schema["enum"] = [*self.choices, None]
        return schema


def _spec(name, kind, label, description, *processors, choices=(), parts=()):
    return FieldSpec(
        name, kind, label, description, frozenset(processors), tuple(choices), tuple(parts)
    )


PAYMENT_FIELDS: tuple[FieldSpec, ...] = (
    _spec("iban", FieldKind.CODE, "IBAN", "The payee's IBAN, without spaces, upper case."),
    _spec("bic", FieldKind.CODE, "BIC", "The payee bank's BIC (SWIFT code)."),
    _spec(
        "reference",
        FieldKind.CODE,
        "Payment reference",
        "The reference to quote when paying: a structured creditor reference (RF...) or a "
        "national one (Swiss QR reference, Belgian structured communication, ...), without "
        "spaces; else the remittance text the document asks for.",
    ),
    _spec("amount", FieldKind.MONEY, "Amount to pay", "The amount the payment asks for."),
    _spec("creditor", FieldKind.TEXT, "Payee", "The name of the account holder to pay."),
)


FIELDS: tuple[FieldSpec, ...] = (
    _spec(
        "vendor",
        FieldKind.TEXT,
        "Vendor",
        "The seller's name as printed (the company that issued the document, not the buyer).",
        INVOICE,
        RECEIPT,
    ),
    _spec(
        "vendor_address",
        FieldKind.TEXT,
        "Vendor address",
        "The seller's postal address as printed, lines joined with ', '.",
        INVOICE,
        RECEIPT,
    ),
    # Both VAT IDs in one compact form (processors/tax_ids.py): the EU's as stdnum.eu.vat writes
    # them (ATU12345678, EL for Greece), GB or XI and its digits, CHE and the 9 digits of the
    # Swiss UID (no MWST suffix), NO, the 9 digits and MVA for Norway; a Malaysian receipt's
    # GST number has no prefix.
    _spec(
        "vendor_vat_id",
        FieldKind.CODE,
        "Vendor VAT ID",
        "The seller's VAT identification number with its country prefix (DE123456789), "
        "without spaces.",
        INVOICE,
        RECEIPT,
    ),
    _spec(
        "buyer_vat_id",
        FieldKind.CODE,
        "Buyer VAT ID",
        "The buyer's VAT identification number with its country prefix, when printed.",
        INVOICE,
    ),
    _spec(
        "invoice_number",
        FieldKind.CODE,
        "Invoice number",
        "The invoice (or credit note) number exactly as printed.",
        INVOICE,
    ),
    _spec(
        "date",
        FieldKind.DATE,
        "Date",
        "The date the document was issued, as YYYY-MM-DD.",
        INVOICE,
        RECEIPT,
    ),
    _spec(
        "due_date",
        FieldKind.DATE,
        "Due date",
        "The date payment is due, as YYYY-MM-DD; null when none is printed.",
        INVOICE,
    ),
    _spec(
        "currency",
        FieldKind.CURRENCY,
        "Currency",
        "The ISO 4217 code of the amounts' currency, such as EUR or USD.",
        INVOICE,
        RECEIPT,
    ),
    _spec(
        "total",
        FieldKind.MONEY,
        "Total",
        "The grand total including tax, as a number without currency sign; a credit note's "
        "amounts as positive magnitudes.",
        INVOICE,
        RECEIPT,
    ),
    _spec(
        "amount_due",
        FieldKind.MONEY,
        "Amount due",
        "What is left to pay after prepayments and deposits, as a number; null when the "
        "document does not print it (the total then is what is due).",
        INVOICE,
    ),
    _spec(
        "subtotal",
        FieldKind.MONEY,
        "Subtotal",
        "The total before tax, as a number.",
        INVOICE,
    ),
    _spec(
        "tax",
        FieldKind.MONEY,
        "Tax",
        "The tax amount (VAT, sales tax; all rates together), as a number.",
        INVOICE,
        RECEIPT,
    ),
    _spec(
        "line_items",
        FieldKind.ITEMS,
        "Line items",
        "The billed lines, in order; an empty list when there is no table of lines.",
        INVOICE,
    ),
    _spec(
        "payment",
        FieldKind.GROUP,
        "Payment",
        "How to pay the document: the payee's IBAN and BIC, the payment reference, the amount "
        "asked for and the payee; null when the document gives no bank details.",
        INVOICE,
        parts=PAYMENT_FIELDS,
    ),
    _spec(
        "document_type",
        FieldKind.CHOICE,
        "Document type",
        "'credit_note' when the document is a credit note, otherwise 'invoice'.",
        INVOICE,
        choices=("invoice", "credit_note"),
    ),
)

LINE_ITEM_FIELDS: tuple[FieldSpec, ...] = (
    _spec("description", FieldKind.TEXT, "Description", "What the line bills for."),
    _spec("quantity", FieldKind.MONEY, "Quantity", "How many, as a number; null if not printed."),
    _spec("unit_price", FieldKind.MONEY, "Unit price", "The price of one, as a number."),
    _spec("amount", FieldKind.MONEY, "Amount", "The line's amount, as a number."),
)

BY_NAME: dict[str, FieldSpec] = {f.name: f for f in FIELDS}
PROCESSORS_WITH_FIELDS = (INVOICE, RECEIPT)


def field_names(processor: str) -> list[str]:
    """The fields a processor reports, in catalogue order (``text``: none; ``auto``: those of
    the processor it chose, so any of the invoice's)."""
    if processor == "auto":
        processor = INVOICE
    return [f.name for f in FIELDS if processor in f.processors]


def scalar_names() -> list[str]:
    """Every single-valued field, in catalogue order: the export columns."""
    return [f.name for f in FIELDS if f.scalar]


def export_columns() -> list[str]:
    """The scalar fields and each group's parts (``payment_iban``), in catalogue order: the
    columns of the CSV and XLSX exports."""
    out = []
    for f in FIELDS:
        if f.scalar:
            out.append(f.name)
        elif f.kind is FieldKind.GROUP:
            out.extend(f"{f.name}_{p.name}" for p in f.parts)
    return out


def export_value(fields: dict[str, Any], column: str) -> Any:
    """A result's value for an export column (a group's part by ``group_part``)."""
    if column in fields or column in BY_NAME:
        return fields.get(column)
    group, _, part = column.partition("_")
    value = fields.get(group)
    return value.get(part) if isinstance(value, dict) else None


def form_names() -> list[str]:
    """The single values a person reviews, in catalogue order: the scalar fields and each
    group's parts by path (``payment.iban``)."""
    out = []
    for f in FIELDS:
        if f.scalar:
            out.append(f.name)
        elif f.kind is FieldKind.GROUP:
            out.extend(f"{f.name}.{p.name}" for p in f.parts)
    return out


def spec_of(name: str) -> FieldSpec | None:
    """The spec of a field or of a group's part (``payment.amount``)."""
    group, _, part = name.partition(".")
    spec = BY_NAME.get(group)
    if spec is None or not part:
        return spec
    return next((p for p in spec.parts if p.name == part), None)


def value_at(fields: dict[str, Any], name: str) -> Any:
    """A field's value, or a group part's by path."""
    group, _, part = name.partition(".")
    value = fields.get(group)
    if not part:
        return value
    return value.get(part) if isinstance(value, dict) else None


def detail_at(details: dict[str, Any], name: str) -> dict[str, Any]:
    """A field's details, or a group part's by path (``{}`` when there are none)."""
    group, _, part = name.partition(".")
    detail = details.get(group) or {}
    if not part:
        return detail
    return (detail.get("parts") or {}).get(part) or {}


def set_at(fields: dict[str, Any], details: dict[str, Any], name: str, value, detail) -> None:
    """Store a value and its details at a field, or at a group's part (the group copied, so
    the dicts given are changed but not the ones they were copied from)."""
    group, _, part = name.partition(".")
    if not part:
        fields[name] = value
        details[name] = detail
        return
    spec = BY_NAME[group]
    held = fields.get(group)
    current: dict[str, Any] = held if isinstance(held, dict) else {}
    fields[group] = {p.name: current.get(p.name) for p in spec.parts} | {part: value}
    group_detail = dict(details.get(group) or {})
    parts = dict(group_detail.get("parts") or {})
    parts[part] = detail
    group_detail["parts"] = parts
    group_detail.setdefault("confidence", detail.get("confidence"))
    group_detail.setdefault("source", detail.get("source"))
    group_detail.setdefault("rule", detail.get("rule"))
    group_detail.setdefault("page", detail.get("page"))
    group_detail.setdefault("bbox", detail.get("bbox"))
    details[group] = group_detail


def numeric_names() -> frozenset[str]:
    return frozenset(f.name for f in FIELDS if f.numeric)


def json_schema(processor: str) -> dict[str, Any]:
    """The JSON Schema of a processor's fields, strict: every property present, no others."""
    names = field_names(processor)
    return {
        "type": "object",
        "properties": {n: BY_NAME[n].json_schema() for n in names},
        "required": names,
        "additionalProperties": False,
    }
