"""Rows and line items built per page in the extraction task: the processors find the same."""

from __future__ import annotations

import pickle

from fpdf import FPDF

from docrouter_desktop.core import tasks
from docrouter_desktop.core.extraction.extract import ExtractOptions, extract_pages
from docrouter_desktop.core.processors.base import DocumentView, ProcessorOptions
from docrouter_desktop.core.processors.layout import build_rows, rows_from
from docrouter_desktop.core.processors.run import run_processor

PDF = "application/pdf"


def _long_invoice(path) -> str:
    pdf = FPDF(format="A4")
    pdf.set_font("Helvetica", size=10)
    pdf.add_page()
    pdf.cell(0, 8, "Northwind Traders Ltd", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, "INVOICE   Invoice No: NW-5521   Invoice Date: 04/02/2024", new_x="LMARGIN")
    pdf.ln(8)
    pdf.cell(0, 6, "Bill to: Example Customer GmbH", new_x="LMARGIN", new_y="NEXT")
    for page in range(2, 7):
        pdf.add_page()
        if page == 4:
            continue  # a blank page in the middle: no rows
        for header in ("Description", "Qty", "Unit price", "Amount"):
            pdf.cell(45, 6, header)
        pdf.ln(7)
        for i in range(6):
            pdf.cell(45, 6, f"Widget type {page}-{i}")
            pdf.cell(45, 6, str(i + 1))
            pdf.cell(45, 6, f"{10 + i}.50")
            pdf.cell(
                45, 6, f"{(i + 1) * (10 + i) + 0.5 * (i + 1):.2f}", new_x="LMARGIN", new_y="NEXT"
            )
    pdf.add_page()
    pdf.cell(120, 6, "Subtotal")
    pdf.cell(40, 6, "1000.00", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(120, 6, "VAT 20%")
    pdf.cell(40, 6, "200.00", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(120, 6, "Total EUR")
    pdf.cell(40, 6, "1200.00", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return str(path)


def _analysed(path: str, chunks: list[list[int]]):
    pages = []
    for chunk in chunks:
        got = tasks.extract_task(path, PDF, chunk, ExtractOptions())
        pages.extend(pickle.loads(pickle.dumps(got)))  # as they come back from a worker
    return pages


def test_rows_rebuilt_from_the_extraction_tasks_plan_are_the_rows_of_the_page(tmp_path):
    path = _long_invoice(tmp_path / "long.pdf")
    analysed = _analysed(path, [[1, 2, 3], [4, 5, 6, 7]])
    assert all(p.layout is not None for p in analysed)
    for page in analysed:
        direct = build_rows(page)
        rebuilt = rows_from(page, page.layout)
        assert [(r.page, r.index, r.words) for r in rebuilt] == [
            (r.page, r.index, r.words) for r in direct
        ]
        assert [[s.words for s in r.segments] for r in rebuilt] == [
            [s.words for s in r.segments] for r in direct
        ]
        assert page.layout.text == "\n".join(r.text for r in direct)
    assert analysed[3].layout.row_count == 0  # the blank page


def test_processors_find_the_same_over_analysed_pages(tmp_path):
    path = _long_invoice(tmp_path / "long.pdf")
    plain = extract_pages(path, PDF, list(range(1, 8)), ExtractOptions())
    analysed = _analysed(path, [[1, 2], [3, 4, 5], [6, 7]])
    for processor in ("auto", "invoice", "receipt"):
        assert run_processor(processor, analysed, ProcessorOptions(), path) == run_processor(
            processor, plain, ProcessorOptions(), path
        )
    result = run_processor("auto", analysed, ProcessorOptions(), path)
    assert result["processor_type"] == "invoice"
    assert result["fields"]["total"] == 1200.0
    items = result["fields"]["line_items"]
    assert len(items) == 4 * 6  # six under the header of each of the four table pages
    assert items[0]["description"] == "Widget type 2-0"
    assert items[-1]["description"] == "Widget type 6-5"


def test_a_view_over_analysed_pages_reads_like_one_over_plain_pages(tmp_path):
    path = _long_invoice(tmp_path / "long.pdf")
    plain = DocumentView(
        extract_pages(path, PDF, list(range(1, 8)), ExtractOptions()), ProcessorOptions()
    )
    lazy = DocumentView(_analysed(path, [[1, 2, 3, 4, 5, 6, 7]]), ProcessorOptions())
    assert lazy.text == plain.text
    assert len(lazy.rows) == len(plain.rows)
    assert [r.text for r in lazy.rows[:9]] == [r.text for r in plain.rows[:9]]
    assert [r.text for r in lazy.rows] == [r.text for r in plain.rows]
    assert lazy.rows[-1].text == plain.rows[-1].text == "Total EUR 1200.00"
    assert [lazy.pos(r) for r in lazy.rows] == list(range(len(plain.rows)))
    assert [r.text for r in lazy.label_rows] == [r.text for r in plain.label_rows]


def _pdf_of_lines(path, pages: list[list[str]]) -> str:
    """A text PDF with these lines on its pages."""
    pdf = FPDF(format="A4")
    pdf.set_font("Helvetica", size=10)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return str(path)


def _mixed_pages(path) -> str:
    return _pdf_of_lines(
        path,
        [
            ["Invoice date 04/02/2024", "Paid $ 12.50 and USD 3.00"],
            ["Delivered 25/03/2024", "Freight 8.00 EUR", "Second $ 1.00"],
            ["Order of 03/14/2024 noted", "Also 13/01/2024 and 14/01/2024"],
        ],
    )


def test_currency_and_date_evidence_counted_per_page_is_that_of_the_whole_text(tmp_path):
    from docrouter_desktop.core.processors import currency, dates

    path = _mixed_pages(tmp_path / "mixed.pdf")
    analysed = _analysed(path, [[1], [2, 3]])
    assert all(p.layout.evidence is not None for p in analysed)
    assert analysed[0].layout.evidence.currencies == ("$", "USD")
    for dollar in ("USD", "CAD"):
        options = ProcessorOptions(default_currency=dollar)
        lazy = DocumentView(analysed, options)
        plain = DocumentView(extract_pages(path, PDF, [1, 2, 3], ExtractOptions()), options)
        whole = currency.currencies_in(plain.text, dollar)
        assert whole.count(dollar) >= 2  # the bare "$" read as the setting says
        assert lazy.currency_mentions == plain.currency_mentions == whole.count(lazy.currency)
        assert lazy.currencies == plain.currencies == set(whole)
        # Two dates only readable day-first against one month-first: day-first.
        assert dates.numeric_order_counts(plain.text) == (3, 1)
        assert lazy.date_order == plain.date_order == "DMY"


def _seller_pages(path) -> str:
    return _pdf_of_lines(
        path,
        [
            ["Acme Widgets Ltd", "INVOICE   Invoice No: AW-77", "Bill to: Example Customer GmbH"],
            ["Widget 2 x 10.00 20.00", "Total 20.00"],
            ["Account holder: Acme Widgets Ltd", "Web: www.acme-widgets.com, mail: info@gmail.com"],
            ["Rohstoff AG Vorstand: Jane Smith"],
        ],
    )


def test_seller_clues_found_per_page_are_those_the_processor_finds_itself(tmp_path):
    from docrouter_desktop.core.processors.seller_clues import document_seller_clues

    path = _seller_pages(tmp_path / "seller.pdf")
    analysed = _analysed(path, [[1, 2], [3, 4]])
    plain = extract_pages(path, PDF, [1, 2, 3, 4], ExtractOptions())
    assert [p.layout.seller_clues for p in analysed] == document_seller_clues(
        DocumentView(plain, ProcessorOptions())
    )
    clues = analysed[2].layout.seller_clues
    assert clues.names == (("Acme Widgets Ltd", "named as the seller"),)
    assert clues.domain_stems == ("acmewidgets",)  # the webmail address left out
    assert analysed[3].layout.seller_clues.names == (("Rohstoff AG", "the company's legal notice"),)
    assert analysed[1].layout.seller_clues == ((), ())
    found = run_processor("invoice", analysed, ProcessorOptions(), path)
    assert found == run_processor("invoice", plain, ProcessorOptions(), path)
    assert found["fields"]["vendor"] == "Acme Widgets Ltd"
    assert "matches its web or e-mail address" in found["field_details"]["vendor"]["rule"]
