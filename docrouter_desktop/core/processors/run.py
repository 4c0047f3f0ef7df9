"""Running a processor over extracted pages: routing, embedded data, and the contract's Result."""

from __future__ import annotations

from typing import Any

from docrouter_desktop.core.extraction.pages import PageContent
from docrouter_desktop.core.processors import embedded
from docrouter_desktop.core.processors.base import (
    DocumentView,
    ProcessorOptions,
    ProcessorOutput,
    fields_and_details,
)
from docrouter_desktop.core.processors.calibration import calibrate
from docrouter_desktop.core.processors.invoice import INVOICE_FIELDS, InvoiceProcessor
from docrouter_desktop.core.processors.receipt import ReceiptProcessor
from docrouter_desktop.core.processors.routing import route

PROCESSORS: dict[str, type[InvoiceProcessor] | type[ReceiptProcessor]] = {
    "invoice": InvoiceProcessor,
    "receipt": ReceiptProcessor,
}


def run_processor(
    processor_type: str,
    pages: list[PageContent],
    options: ProcessorOptions,
    pdf_path: str | None = None,
) -> dict[str, Any]:
    """The Result of the API contract (without ``document_id``) for these pages.

    The ``text`` processor finds no fields, so it builds no rows: its Result is the pages'
    text and sizes alone."""
    xml_data = None
    if pdf_path and options.embedded_data and processor_type in ("auto", "invoice"):
        xml = embedded.xml_from_pdf(pdf_path)
        if xml:
            xml_data = embedded.parse_invoice_xml(xml)

    routing = None
    chosen = processor_type
    view = None
    if processor_type == "auto":
        if xml_data:
            chosen, routing = "invoice", "invoice: the PDF carries e-invoice XML (Factur-X/ZUGFeRD)"
        else:
            view = DocumentView(pages, options)
            chosen, routing = route(view)

    if chosen == "text":
        output = ProcessorOutput("text", {}, {}, [])
    else:
        output = PROCESSORS[chosen]().run(view or DocumentView(pages, options))
    if xml_data and chosen == "invoice":
        _merge_embedded(output, xml_data)
    output.routing = routing
    if options.calibrated and chosen != "text":
        calibrate(output.processor_type, output.fields, output.field_details, pages)
    if not any(p.word_count or p.text.strip() for p in pages):
        output.warnings.append(
            "No text was found on any page: the document may be blank or unreadable."
        )
    return {
        "processor_type": output.processor_type,
        "fields": output.fields,
        "field_details": output.field_details,
        "pages": [p.summary() for p in pages],
        "warnings": output.warnings,
        "routing": output.routing,
        "text": "\f".join(p.text for p in pages),
    }


def _merge_embedded(output: ProcessorOutput, data: dict[str, Any]) -> None:
    found = embedded.embedded_found(data)
    merged_fields, merged_details = fields_and_details(found, INVOICE_FIELDS)
    for name in INVOICE_FIELDS:
        if merged_fields.get(name) not in (None, []):
            printed = output.field_details.get(name)
            output.fields[name] = merged_fields[name]
            detail = merged_details[name]
            if printed and printed.get("bbox"):
                # Keep where the printed value stands, so a reviewer can see it on the page.
                detail["page"], detail["bbox"] = printed["page"], printed["bbox"]
            output.field_details[name] = detail
    output.warnings = [w for w in output.warnings if not w.startswith("Totals do not add up")]
