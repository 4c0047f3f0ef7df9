"""Running a processor over extracted pages: routing, e-invoice XML, and the contract's Result.

A PDF's attached e-invoice XML gives the invoice's fields over what its text says (where each
printed value stands is kept); an e-invoice XML file gives every field itself, its pages being
only the invoice written out as text.
"""

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
    xml_path: str | None = None,
) -> dict[str, Any]:
    """The Result of the API contract (without ``document_id``) for these pages.

    ``pdf_path`` is the PDF the pages were read from: the e-invoice XML it carries, when
    ``options.embedded_data``, is merged over the invoice processor's fields. ``xml_path`` is
    the e-invoice XML file they were written from: the invoice's fields are all the XML's
    (the setting, which is about PDFs, does not apply to it).

    The ``text`` processor finds no fields, so it builds no rows: its Result is the pages'
    text and sizes alone."""
    invoice_xml = None
    wants_invoice = processor_type in ("auto", "invoice")
    if xml_path and wants_invoice:
        invoice_xml = embedded.load_invoice_file(xml_path)
    elif pdf_path and options.embedded_data and wants_invoice:
        xml = embedded.xml_from_pdf(pdf_path)
        if xml:
            invoice_xml = embedded.read_invoice_xml(xml)
    from_file = invoice_xml is not None and xml_path is not None

    routing = None
    chosen = processor_type
    view = None
    if processor_type == "auto":
        if invoice_xml is not None:
            chosen, routing = "invoice", _xml_routing(invoice_xml, from_file)
        else:
            view = DocumentView(pages, options)
            chosen, routing = route(view)

    if chosen == "text":
        output = ProcessorOutput("text", {}, {}, [])
    elif invoice_xml is not None and from_file:
        output = _xml_output(invoice_xml.fields)
    else:
        output = PROCESSORS[chosen]().run(view or DocumentView(pages, options))
        if invoice_xml is not None and chosen == "invoice":
            _merge_embedded(output, invoice_xml.fields)
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


def _xml_routing(invoice: embedded.InvoiceXml, from_file: bool) -> str:
    if from_file:
        return f"invoice: an e-invoice XML file ({invoice.syntax})"
    kind = "Factur-X/ZUGFeRD" if invoice.syntax == "CII" else "UBL"
    return f"invoice: the PDF carries e-invoice XML ({kind})"


def _xml_output(data: dict[str, Any]) -> ProcessorOutput:
    """An e-invoice XML file's invoice: every field the XML's (source "embedded"), nothing
    read from its text and no arithmetic checked (the XML's totals are the document's)."""
    found = embedded.embedded_found(data, embedded.FILE_RULE)
    fields, details = fields_and_details(found, INVOICE_FIELDS)
    if fields.get("line_items") is None:
        fields["line_items"] = []
    return ProcessorOutput("invoice", fields, details, [])


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
