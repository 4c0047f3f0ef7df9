"""What a processor reads of each page on its own, built where the pages are extracted.

A long document is extracted in chunks of pages by several workers, then one process runs the
processor over all its pages. The page-local part of that work, each page's rows, the
invoice line items under a table header (a header holds on its own page only), the
evidence of currency and date order and what the page says of the seller, is done here in the extraction task, in parallel; the
processor then only joins the results. A pure
function of the pages: the processor finds the same as when it builds the rows itself.
"""

from __future__ import annotations

from docrouter_desktop.core.extraction.pages import PageContent
from docrouter_desktop.core.processors.evidence import page_evidence
from docrouter_desktop.core.processors.layout import build_rows, layout_of
from docrouter_desktop.core.processors.line_items import line_items_on_page
from docrouter_desktop.core.processors.seller_clues import pages_seller_clues


def analyse_pages(pages: list[PageContent]) -> list[PageContent]:
    """Give each page its ``layout``: the plan of its rows, their text, its line items and
    what it says of the currency, the date order and the seller."""
    for page in pages:
        rows = build_rows(page)
        layout = layout_of(page, rows)
        layout.line_items = line_items_on_page(rows)
        ocr = page.text_source == "ocr"
        layout.evidence = page_evidence(layout.text, ocr) if rows else None
        page.layout = layout
    with_rows = [page.layout for page in pages if page.layout.row_count]
    clues = pages_seller_clues([layout.text for layout in with_rows])
    for layout, page_clues in zip(with_rows, clues, strict=True):
        layout.seller_clues = page_clues
    return pages
