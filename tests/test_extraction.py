"""Extraction from real files: text layers, scans through Tesseract, rotation, TIFF pages."""

from __future__ import annotations

from PIL import Image

from docrouter_desktop.core.extraction.extract import (
    ExtractOptions,
    extract_pages,
    inspect_document,
)
from docrouter_desktop.core.filetypes import mismatch_error, sniff
from tests import factories

OPTS = ExtractOptions()


def _words(page) -> str:
    return " ".join(w.text for w in page.words)


def test_text_layer_words_have_boxes_in_points(tmp_path):
    pdf = factories.invoice_pdf(tmp_path / "a.pdf", number="INV-42")
    (page,) = extract_pages(str(pdf), "application/pdf", [1], OPTS)
    assert page.text_source == "text"
    assert (round(page.width), round(page.height)) == (595, 842)
    word = next(w for w in page.words if w.text == "INV-42")
    x0, top, x1, bottom = word.box
    assert 0 < x0 < x1 < page.width and 0 < top < bottom < 300  # near the top of the page


def test_scanned_pdf_is_read_by_ocr_with_boxes_in_points(tmp_path):
    pdf = factories.scanned_pdf(tmp_path / "scan.pdf", factories.RECEIPT_LINES)
    (page,) = extract_pages(str(pdf), "application/pdf", [1], OPTS)
    assert page.text_source == "ocr"
    assert "BAKERY" in _words(page)
    assert all(0 <= w.x0 < w.x1 <= page.width + 1 for w in page.words)
    assert page.ocr_confidence and page.ocr_confidence > 0.5


def test_full_page_scan_is_read_at_its_own_resolution(tmp_path):
    import pypdfium2 as pdfium

    from docrouter_desktop.core.extraction.extract import _page_scan

    pdf_path = factories.full_page_scan_pdf(tmp_path / "scan.pdf", factories.RECEIPT_LINES)
    with Image.open(factories.text_image(tmp_path / "same.png", factories.RECEIPT_LINES)) as img:
        pixels = img.size
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        page = pdf[0]
        width, height = page.get_size()
        scan = _page_scan(page, 0, width, height)
        assert scan is not None and scan.size == pixels  # the scanner's pixels, not a rendering
        page.close()
    finally:
        pdf.close()
    (page,) = extract_pages(str(pdf_path), "application/pdf", [1], OPTS)
    assert page.text_source == "ocr"
    total = next(w for w in page.words if w.text == "TOTAL")
    # Boxes are in points on the page: TOTAL is the sixth of eight lines.
    assert 0 <= total.x0 < total.x1 <= page.width + 1
    assert 0.55 * page.height < total.top < 0.85 * page.height


def test_a_picture_on_part_of_the_page_is_rendered_instead(tmp_path):
    import pypdfium2 as pdfium

    from docrouter_desktop.core.extraction.extract import _page_scan

    pdf = pdfium.PdfDocument(str(factories.scanned_pdf(tmp_path / "s.pdf", ["HELLO"])))
    try:
        page = pdf[0]
        assert _page_scan(page, 0, *page.get_size()) is None
        page.close()
    finally:
        pdf.close()


def test_rotated_pdf_page_boxes_follow_the_displayed_page(tmp_path):
    from pypdf import PdfReader, PdfWriter

    src = factories.invoice_pdf(tmp_path / "a.pdf", number="ROT-9")
    writer = PdfWriter()
    page = PdfReader(src).pages[0]
    page.rotate(90)
    writer.add_page(page)
    rotated = tmp_path / "r.pdf"
    with open(rotated, "wb") as fh:
        writer.write(fh)
    (p,) = extract_pages(str(rotated), "application/pdf", [1], OPTS)
    assert (round(p.width), round(p.height)) == (842, 595)
    word = next(w for w in p.words if w.text == "ROT-9")
    # Turned clockwise, text near the top-left of the page ends up near the top-right.
    assert word.x0 > p.width / 2 and word.top < p.height / 2


def test_multipage_tiff_gives_every_page(tmp_path):
    a = factories.text_image(tmp_path / "a.png", ["FIRST PAGE 111"])
    b = factories.text_image(tmp_path / "b.png", ["SECOND PAGE 222"])
    tiff = tmp_path / "both.tiff"
    Image.open(a).save(tiff, save_all=True, append_images=[Image.open(b)])
    assert sniff(tiff.read_bytes()[:4096]) == "image/tiff"
    assert inspect_document(str(tiff), "image/tiff").pages == 2
    pages = extract_pages(str(tiff), "image/tiff", [1, 2], OPTS)
    assert "111" in _words(pages[0]) and "222" in _words(pages[1])


def test_exif_orientation_is_honoured(tmp_path):
    src = factories.text_image(tmp_path / "up.jpg", ["TOTAL 12.50 EXIF"], fmt="JPEG")
    img = Image.open(src).rotate(90, expand=True)  # stored sideways
    exif = Image.Exif()
    exif[0x0112] = 6  # display rotated 90 degrees clockwise
    sideways = tmp_path / "side.jpg"
    img.save(sideways, exif=exif)
    (page,) = extract_pages(str(sideways), "image/jpeg", [1], OPTS)
    assert "EXIF" in _words(page)
    assert page.width > page.height


def test_sniffing_uses_content_not_names(tmp_path):
    assert sniff(b"%PDF-1.7\n") == "application/pdf"
    assert sniff(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert sniff(b"Hello, invoice 12") == "text/plain"
    assert sniff(b"PK\x03\x04rest") == "application/zip"
    assert "PNG" in mismatch_error("photo.png", "text/plain")
    assert mismatch_error("photo.png", "image/png") is None


def test_without_word_boxes_a_text_layer_keeps_its_text_and_scans_still_get_ocr(tmp_path):
    pdf = factories.invoice_pdf(tmp_path / "a.pdf", number="INV-43", extra_pages=1)
    boxed = extract_pages(str(pdf), "application/pdf", [1, 2], OPTS)
    plain = extract_pages(str(pdf), "application/pdf", [1, 2], ExtractOptions(word_boxes=False))
    for b, p in zip(boxed, plain, strict=True):
        assert p.summary() == b.summary() and p.text == b.text
        assert p.word_count == 0 and b.word_count >= 5
    assert "INV-43" in plain[0].text
    # A page without a usable text layer is still read by Tesseract, words and all.
    scan = factories.scanned_pdf(tmp_path / "scan.pdf", factories.RECEIPT_LINES)
    (page,) = extract_pages(str(scan), "application/pdf", [1], ExtractOptions(word_boxes=False))
    assert page.text_source == "ocr" and "BAKERY" in _words(page)


def _open_paths() -> set[str]:
    import os

    out = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            out.add(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            pass
    return out


def test_chunks_of_one_pdf_reuse_the_open_document_and_hold_no_file_handle(tmp_path):
    """A worker reads a long PDF's chunks one after another from one parsed copy, loaded from
    memory: the library's file can be deleted meanwhile, and a changed file is read anew."""
    from docrouter_desktop.core.extraction import pdf_cache

    pdf = factories.invoice_pdf(tmp_path / "a.pdf", number="INV-1")
    pdf_cache.forget()
    (first,) = extract_pages(str(pdf), "application/pdf", [1], OPTS)
    cached = pdf_cache._pdf
    assert cached is not None
    assert str(pdf) not in _open_paths()  # read into memory, not held open
    (again,) = extract_pages(str(pdf), "application/pdf", [1], OPTS)
    assert pdf_cache._pdf is cached  # the same parsed document
    assert again.text == first.text

    factories.invoice_pdf(pdf, number="INV-2")  # the file changes: read anew
    (changed,) = extract_pages(str(pdf), "application/pdf", [1], OPTS)
    assert pdf_cache._pdf is not cached
    assert "INV-2" in changed.text and "INV-1" not in changed.text

    pdf.unlink()  # deleting the file while its copy is cached is fine
    other = factories.invoice_pdf(tmp_path / "b.pdf", number="INV-3")
    (page,) = extract_pages(str(other), "application/pdf", [1], OPTS)
    assert "INV-3" in page.text
    pdf_cache.forget()
    assert pdf_cache._pdf is None
