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

    @property
    def scalar(self) -> bool:
        return self.kind is not FieldKind.ITEMS

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
        schema: dict[str, Any] = {
            "type": ["number", "null"] if self.numeric else ["string", "null"],
            "description": self.description,
        }
        if self.kind is FieldKind.CHOICE:
            schema["enum"] = [*self.choices, None]
        return schema


def _spec(name, kind, label, description, *processors, choices=()):
    return FieldSpec(name, kind, label, description, frozenset(processors), tuple(choices))


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
