"""The first task of a document: its page count, and a short document processed in one go."""

from __future__ import annotations

from docrouter_desktop.core import tasks
from docrouter_desktop.core.extraction.extract import ExtractOptions
from docrouter_desktop.core.processors.base import ProcessorOptions
from tests import factories


def start(path, content_type, small=4, processor="invoice"):
    return tasks.start_task(
        str(path), content_type, small, processor, ExtractOptions(), ProcessorOptions()
    )


def test_a_short_pdf_is_counted_and_processed_in_one_task(tmp_path):
    path = factories.invoice_pdf(tmp_path / "inv.pdf", number="INV-4242", extra_pages=1)
    pages, result = start(path, "application/pdf")
    assert pages == 2
    assert result["fields"]["invoice_number"] == "INV-4242"
    assert [p["number"] for p in result["pages"]] == [1, 2]


def test_a_long_pdf_is_only_counted(tmp_path):
    path = factories.invoice_pdf(tmp_path / "long.pdf", extra_pages=5)
    assert start(path, "application/pdf") == (6, None)


def test_a_scan_is_read_once_and_processed(tmp_path):
    lines = ["Invoice No: SC-77", "Total EUR 123.45"]
    path = factories.text_image(tmp_path / "scan.jpg", lines, fmt="JPEG")
    pages, result = start(path, "image/jpeg")
    assert pages == 1
    assert result["pages"][0]["text_source"] == "ocr"
    assert "SC-77" in result["text"]


def test_a_cut_off_image_still_fails_with_its_message(tmp_path):
    good = factories.text_image(tmp_path / "good.jpg", ["Invoice 1"], fmt="JPEG")
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 3])
    outcome = start(cut, "image/jpeg")
    assert isinstance(outcome, tasks.TaskError)
    assert "damaged or incomplete" in outcome.message


def test_an_empty_image_says_it_is_empty(tmp_path):
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    outcome = start(empty, "image/png")
    assert isinstance(outcome, tasks.TaskError) and "empty" in outcome.message


def test_the_text_processor_gives_the_same_result_without_word_boxes(tmp_path):
    from docrouter_desktop.core.runner import extract_options
    from docrouter_desktop.core.settings import Settings

    assert extract_options(Settings(), "text").word_boxes is False
    assert all(extract_options(Settings(), p).word_boxes for p in ("auto", "invoice", "receipt"))
    path = factories.invoice_pdf(tmp_path / "inv.pdf", number="INV-7", extra_pages=2)
    results = []
    for opts in (ExtractOptions(), ExtractOptions(word_boxes=False)):
        pages, result = tasks.start_task(
            str(path), "application/pdf", 4, "text", opts, ProcessorOptions()
        )
        results.append(result)
    assert results[0] == results[1]
    assert "INV-7" in results[0]["text"] and results[0]["warnings"] == []
    assert results[0]["processor_type"] == "text" and len(results[0]["pages"]) == 3


def test_long_documents_are_cut_into_chunks_that_shrink_towards_the_end():
    from docrouter_desktop.core.runner import MAX_CHUNK_PAGES, page_chunks

    for pages, workers in ((200, 1), (200, 2), (1000, 2), (5, 2), (7, 4)):
        chunks = page_chunks(pages, workers)
        assert [n for c in chunks for n in c] == list(range(1, pages + 1))
        sizes = [len(c) for c in chunks]
        assert max(sizes) <= MAX_CHUNK_PAGES
        assert sizes == sorted(sizes, reverse=True)
    assert len(page_chunks(200, 2)[-1]) <= 4


def test_a_pdf_without_attachments_does_not_load_the_e_invoice_library(tmp_path):
    import subprocess
    import sys

    path = factories.invoice_pdf(tmp_path / "inv.pdf")
    code = (
        "import sys; from docrouter_desktop.core.processors.embedded import xml_from_pdf; "
        f"assert xml_from_pdf({str(path)!r}) is None; print('facturx' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
