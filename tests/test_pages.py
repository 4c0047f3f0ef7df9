"""Packed page words: the same words come back after packing, pickling and unpacking."""

from __future__ import annotations

import pickle

import pypdfium2 as pdfium

from docrouter_desktop.core.extraction.pages import SEPARATOR, PackedWords, PageContent, Word
from docrouter_desktop.core.extraction.pdf_text import extract_text_page
from tests import factories

WORDS = [
    Word("Invoice", 46.12, 47.42, 86.37, 56.2, 1.0, 0),
    Word("No:", 90.87, 47.42, 108.94, 56.2, 0.931, 0),
    Word("1.234,56", 300.5, 60.0, 340.25, 68.75, 0.5, 1),
    Word("€", 345.0, 60.0, 351.0, 68.75, 1.0, 1),
]


def test_packed_words_round_trip_exactly():
    packed = PackedWords.pack(WORDS)
    assert len(packed) == 4
    assert packed.unpack() == WORDS
    back = pickle.loads(pickle.dumps(packed)).unpack()
    assert back == WORDS and all(type(w) is Word for w in back)
    assert back[1].text == "No:" and back[1].confidence == 0.931 and back[3].line == 1


def test_a_word_is_a_tuple_that_pickles_and_compares_as_one():
    word = WORDS[2]
    assert word == ("1.234,56", 300.5, 60.0, 340.25, 68.75, 0.5, 1)
    assert word.box == (300.5, 60.0, 340.25, 68.75)
    assert pickle.loads(pickle.dumps(word)) == word
    # Words packed from plain tuples come back as Words with the same values.
    assert PackedWords.pack([tuple(w) for w in WORDS]).unpack() == WORDS


def test_a_word_holding_the_separator_survives():
    words = [
        Word(f"a{SEPARATOR}b", 1.0, 2.0, 3.0, 4.0, 1.0, 0),
        Word("", 5.0, 2.0, 6.0, 4.0, 1.0, 0),
    ]
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
    texts = [w.text for w in words]
    assert "INV-77" in texts and "120.00" in texts
    for w in words:
        assert 0 <= w.x0 < w.x1 <= content.width and 0 <= w.top < w.bottom <= content.height
        assert w.confidence == 1.0
    by_text = {w.text: w for w in words}
    # "Invoice No: INV-77" is one line, the date below it another, lower on the page.
    assert by_text["No:"].line == by_text["INV-77"].line
    assert by_text["Date:"].line != by_text["INV-77"].line
    assert by_text["Date:"].top > by_text["INV-77"].top
    assert by_text["No:"].x0 < by_text["INV-77"].x0


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
    assert sorted(w.text for w in rot.words) == sorted(w.text for w in up.words)
    for w in rot.words:
        assert 0 <= w.x0 < w.x1 <= rot.width and 0 <= w.top < w.bottom <= rot.height
    # Turned a quarter clockwise, a line of text runs down the page: its words are taller
    # than wide, and "INV-90" comes below "No:".
    word = {w.text: w for w in rot.words}
    assert word["INV-90"].bottom - word["INV-90"].top > word["INV-90"].x1 - word["INV-90"].x0
    assert word["INV-90"].top > word["No:"].top


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
