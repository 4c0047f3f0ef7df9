"""The app's extraction prompts in DocRouter's terms: for each processor with fields, a schema
(its properties named after the app's fields), a prompt bound to it and a tag that makes a
DocRouter server run that prompt on upload.

A remote DocRouter gets these created in its workspace, under these names, the first time a
document is sent there; the local server lists them as its built-in schemas and prompts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docrouter_desktop.core.fields import INVOICE, RECEIPT, field_names, json_schema

NAME_PREFIX = "DocRouter Desktop"
TAG_PREFIX = "docrouter-desktop-"


@dataclass(frozen=True)
class PromptDef:
    processor: str  # invoice | receipt
    name: str  # the schema's and the prompt's name
    tag: str  # the tag that runs the prompt on upload
    content: str  # the instructions

    def schema(self) -> dict[str, Any]:
        return json_schema(self.processor)

    def response_format(self) -> dict[str, Any]:
        return {
            "type": "json_schema",
            "json_schema": {
                "name": f"docrouter_desktop_{self.processor}",
                "schema": self.schema(),
                "strict": True,
            },
        }

    @property
    def fields(self) -> list[str]:
        return field_names(self.processor)


_COMMON = (
    "Give every value as printed on the document, normalised: dates as YYYY-MM-DD, amounts as "
    "plain numbers (no currency sign, no thousands separators), the currency as its ISO 4217 "
    "code. Use null for anything the document does not show; never guess."
)

PROMPTS: dict[str, PromptDef] = {
    INVOICE: PromptDef(
        INVOICE,
        f"{NAME_PREFIX} invoice",
        f"{TAG_PREFIX}invoice",
        "Read this invoice (or credit note) and extract the seller, the invoice number, the "
        "issue and due dates, the currency, the total including tax, the subtotal before tax, "
        "the tax, and the billed lines. " + _COMMON,
    ),
    RECEIPT: PromptDef(
        RECEIPT,
        f"{NAME_PREFIX} receipt",
        f"{TAG_PREFIX}receipt",
        "Read this receipt and extract the shop's name and address, the date of purchase, "
        "the total paid, the tax included and the currency. " + _COMMON,
    ),
}


def prompt_for(processor: str) -> PromptDef:
    """The prompt that reads documents sent with this processor (``auto``: the invoice one,
    whose fields include every receipt field)."""
    return PROMPTS.get(processor) or PROMPTS[INVOICE]
