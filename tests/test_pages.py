"""Packed page words: the same words come back after packing, pickling and unpacking."""

from __future__ import annotations

import pickle

import pypdfium2 as pdfium

from docrouter_desktop.core.extraction.pages import SEPARATOR, PackedWords, PageContent
from docrouter_desktop.core.extraction.pdf_text import extract_text_page
from tests import factories

WORDS = [
    ("Invoice", 46.12, 47.42, 86.37, 56.2, 1.0, 0),
    ("No:", 90.87, 47.42, 108.94, 56.2, 0.931, 0),
    ("1.234,56", 300.5, 60.0, 340.25, 68.75, 0.5, 1),
    ("€", 345.0, 60.0, 351.0, 68.75, 1.0, 1),
]


def test_packed_words_round_trip_exactly():
    packed = PackedWords.pack(WORDS)
    assert len(packed) == 4
    assert packed.unpack() == WORDS
    assert pickle.loads(pickle.dumps(packed)).unpack() == WORDS


def test_a_word_holding_the_separator_survives():
    words = [(f"a{SEPARATOR}b", 1.0, 2.0, 3.0, 4.0, 1.0, 0), ("", 5.0, 2.0, 6.0, 4.0, 1.0, 0)]
    assert pickle.loads(pickle.dumps(PackedWords.pack(words))).unpack() == words


def test_empty_page_packs_to_no_words():
    page = pickle.loads(pickle.dumps(PageContent(1, 595.0, 842.0, "ocr", [], "")))
    assert page.words == [] and page.word_count == 0


def test_page_content_pickles_packed_and_unpacks_on_first_read():
    page = PageContent(3, 595.28, 841.89, "ocr", list(WORDS), "Invoice No:", 0.87, "tilted")
    data = pickle.dumps(page)
    assert b"Invoice\x1fNo:" in data  # travels as one string, not as tuples
    back = pickle.loads(data)
    assert back.word_count == 4 and back._words is None  # still packed
    assert back.words == WORDS
    assert back == page
    assert (back.number, back.text_source, back.text, back.ocr_confidence, back.warning) == (
        3,
        "ocr",
        "Invoice No:",
        0.87,
        "tilted",
    )
    assert back.summary() == page.summary()


def test_words_can_be_replaced_after_reading():
    page = PageContent(1, 10.0, 10.0, "text", PackedWords.pack(WORDS))
    page.words = WORDS[:1]
    assert pickle.loads(pickle.dumps(page)).words == WORDS[:1]


def test_text_layer_words_match_their_boxes_and_lines(tmp_path):
    path = factories.invoice_pdf(tmp_path / "inv.pdf", number="INV-77", total=120.0)
    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[0]
        content = extract_text_page(page, 1)
        page.close()
    finally:
        pdf.close()
    words = pickle.loads(pickle.dumps(content)).words
    texts = [w[0] for w in words]
    assert "INV-77" in texts and "120.00" in texts
    for _t, x0, top, x1, bottom, conf, _line in words:
        assert 0 <= x0 < x1 <= content.width and 0 <= top < bottom <= content.height
        assert conf == 1.0
    by_text = {w[0]: w for w in words}
    # "Invoice No: INV-77" is one line, the date below it another, lower on the page.
    assert by_text["No:"][6] == by_text["INV-77"][6]
    assert by_text["Date:"][6] != by_text["INV-77"][6]
    assert by_text["Date:"][2] > by_text["INV-77"][2]
    assert by_text["No:"][1] < by_text["INV-77"][1]


def test_rotated_page_words_are_boxed_as_displayed(tmp_path):
    upright = factories.invoice_pdf(tmp_path / "up.pdf", number="INV-90")
    turned = tmp_path / "turned.pdf"
    pdf = pdfium.PdfDocument(str(upright))
    pdf[0].set_rotation(90)
    pdf.save(str(turned))
    pdf.close()
    contents = []
    for path in (upright, turned):
        pdf = pdfium.PdfDocument(str(path))
        page = pdf[0]
        contents.append(extract_text_page(page, 1))
        page.close()
        pdf.close()
    up, rot = contents
    assert (rot.width, rot.height) == (up.height, up.width)
    assert sorted(w[0] for w in rot.words) == sorted(w[0] for w in up.words)
    for _t, x0, top, x1, bottom, _c, _l in rot.words:
        assert 0 <= x0 < x1 <= rot.width and 0 <= top < bottom <= rot.height
    # Turned a quarter clockwise, a line of text runs down the page: its words are taller
    # than wide, and "INV-90" comes below "No:".
    word = {w[0]: w for w in rot.words}
    assert word["INV-90"][4] - word["INV-90"][2] > word["INV-90"][3] - word["INV-90"][1]
    assert word["INV-90"][2] > word["No:"][2]


def test_both_ways_of_calling_pdfium_give_the_same_boxes(tmp_path, monkeypatch):
    from docrouter_desktop.core.extraction import pdf_text

    path = factories.invoice_pdf(tmp_path / "inv.pdf")
    results = []
    for function in (pdf_text._CHAR_BOX, pdf_text._typed_char_box()):
        monkeypatch.setattr(pdf_text, "_CHAR_BOX", function)
        pdf = pdfium.PdfDocument(str(path))
        page = pdf[0]
        results.append(extract_text_page(page, 1).words)
        page.close()
        pdf.close()
    assert results[0] == results[1] and len(results[0]) > 20
