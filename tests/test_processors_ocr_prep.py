"""Image preparation before OCR: scaling small scans, layout mode, and words mapped back."""

from __future__ import annotations

import pytest
from PIL import Image

from docrouter_desktop.core.extraction import ocr_prep, tesseract
from docrouter_desktop.core.extraction.extract import ExtractOptions, extract_pages
from tests import factories


def test_small_image_is_scaled_up_and_greyed():
    small = Image.new("RGB", (400, 900), "white")
    prepared = ocr_prep.prepare(small)
    assert prepared.image.mode == "L"
    assert max(prepared.image.size) == ocr_prep.MIN_LONG_SIDE
    assert prepared.scale == ocr_prep.MIN_LONG_SIDE / 900


def test_large_image_is_left_at_its_size():
    page = Image.new("L", (2480, 3508), 255)
    prepared = ocr_prep.prepare(page)
    assert prepared.scale == 1.0 and prepared.image.size == (2480, 3508)


def test_narrow_receipt_is_read_as_one_block_and_a_page_automatically():
    assert ocr_prep.page_segmentation(500, 1400) == ocr_prep.PSM_BLOCK
    assert ocr_prep.page_segmentation(2480, 3508) == ocr_prep.PSM_PAGE


def test_words_of_a_scaled_image_are_in_the_original_pixels(tmp_path):
    lines = ["TOTAL 12.50"]
    img_path = factories.text_image(tmp_path / "small.png", lines, size=20)
    with Image.open(img_path) as img:
        width, height = img.size
    assert max(width, height) < ocr_prep.MIN_LONG_SIDE  # so it was scaled for OCR
    page = extract_pages(str(img_path), "image/png", [1], ExtractOptions())[0]
    assert (page.width, page.height) == (width, height)
    total = next(w for w in page.words if "12.50" in w.text)
    assert 0 <= total.x0 < total.x1 <= width and 0 <= total.top < total.bottom <= height


def test_second_reading_only_when_a_receipt_lacks_its_date_or_total():
    complete = "SHOP\nDate: 25/12/2018\nTOTAL RM 9.00\n"
    assert not ocr_prep.wants_second_reading(ocr_prep.PSM_BLOCK, complete)
    assert ocr_prep.wants_second_reading(ocr_prep.PSM_BLOCK, "SHOP\nT0TAL 9.00\n")  # no date
    assert ocr_prep.wants_second_reading(ocr_prep.PSM_BLOCK, "SHOP\n25/12/2018\n")  # no total
    # Full pages (invoices) are read once.
    assert not ocr_prep.wants_second_reading(ocr_prep.PSM_PAGE, "nothing useful")
    assert ocr_prep.evidence(complete, [0.9, 0.7]) == (2, pytest.approx(0.8))


@pytest.mark.slow
def test_sideways_photo_is_turned_upright_by_orientation_detection(tmp_path):
    upright = factories.text_image(tmp_path / "r.png", factories.RECEIPT_LINES * 2)
    with Image.open(upright) as img:
        img.rotate(90, expand=True).save(tmp_path / "sideways.png")  # a photo taken sideways
        width, height = img.size
    page = extract_pages(str(tmp_path / "sideways.png"), "image/png", [1], ExtractOptions())[0]
    assert "CORNER BAKERY" in page.text
    assert page.ocr_confidence > 0.8
    assert (page.width, page.height) == (width, height)  # the page as read, upright


def test_a_misread_date_does_not_count_as_found():
    assert ocr_prep.wants_second_reading(ocr_prep.PSM_BLOCK, "Date 69/02/2018\nTOTAL 9.00")
    assert not ocr_prep.wants_second_reading(ocr_prep.PSM_BLOCK, "02/Jan/2017\nTOTAL 9.00")


def _word(text, left, top, conf=0.95, line=0, width=None, height=20):
    width = width if width is not None else 12 * len(text)
    return tesseract.OcrWord(1, text, left, top, width, height, conf, line)


def _receipt_words(first_conf=0.95, lines=8, left=100, width=300):
    words = []
    for i in range(lines):
        words.append(_word(f"WORD{i}", left, 40 + 30 * i, conf=0.95, line=i))
        words.append(_word("ITEMS", left + width - 60, 40 + 30 * i, conf=0.95, line=i))
    words[0].conf = first_conf
    return words


def test_header_band_only_where_the_first_reading_is_unsure_of_it():
    assert ocr_prep.header_band(_receipt_words()) is None
    bottom, scale = ocr_prep.header_band(_receipt_words(first_conf=0.4))
    # Six lines of text, 20 px high, read again at the header text height.
    assert 40 + 30 * 5 + 20 <= bottom < 40 + 30 * 6
    assert scale == pytest.approx(ocr_prep.HEADER_TEXT_HEIGHT / 20)
    # An unsure word below the band does not call for it.
    words = _receipt_words()
    words[-1].conf = 0.3
    assert ocr_prep.header_band(words) is None


def test_an_unsure_word_takes_a_clearer_reading_of_the_same_length():
    first = [_word("ROME", 10, 10, conf=0.6), _word("MASTER", 70, 10, conf=0.7)]
    second = [_word("HOME", 11, 9, conf=0.9), _word("MASTERS", 70, 10, conf=0.95)]
    assert ocr_prep.merge_readings(first, second) == 1
    assert [w.text for w in first] == ["HOME", "MASTER"]  # a longer word is not taken
    assert first[0].conf == 0.9 and (first[0].left, first[0].top) == (10, 10)
    # A sure word, or a reading barely more confident, stays.
    sure = [_word("ROME", 10, 10, conf=0.9)]
    barely = [_word("ROME", 10, 10, conf=0.7)]
    assert ocr_prep.merge_readings(sure, second) == 0 and sure[0].text == "ROME"
    assert ocr_prep.merge_readings(barely, [_word("HOME", 10, 10, conf=0.75)]) == 0
    # A word elsewhere on the page is not a reading of it.
    apart = [_word("ROME", 10, 10, conf=0.5)]
    assert ocr_prep.merge_readings(apart, [_word("HOME", 10, 200, conf=0.99)]) == 0


def test_a_narrow_column_on_a_wide_page():
    slip = _receipt_words(left=900, width=500)
    assert ocr_prep.narrow_column(slip, 2480)
    page = _receipt_words(left=200, width=2000)
    assert not ocr_prep.narrow_column(page, 2480)


@pytest.mark.slow
def test_a_receipt_header_misread_is_read_again(tmp_path):
    from docrouter_desktop.core.extraction import extract

    lines = ["SUNRISE HARDWARE", "NO. 5, JALAN MAWAR", *factories.RECEIPT_LINES[2:]]
    path = factories.text_image(tmp_path / "r.png", lines, size=30)
    with Image.open(path) as img:
        img.convert("L").save(tmp_path / "r.pgm")
    program = tesseract.find_tesseract()
    words = tesseract.run_tsv(program, str(tmp_path / "r.pgm"), "eng", psm=ocr_prep.PSM_BLOCK)
    name = next(w for w in words if w.text == "HARDWARE")
    name.text, name.conf = "HARDWAKE", 0.3  # as a worn print reads
    extract._reread_header(program, str(tmp_path / "r.pgm"), "eng", words)
    assert name.text == "HARDWARE" and name.conf > 0.5


def test_dark_scan_edges_are_painted_white_and_nothing_else():
    page = Image.new("L", (400, 900), 235)
    page.paste(10, (0, 0, 400, 20))  # the scanner's lid above the paper
    page.paste(5, (0, 0, 4, 900))  # and beside it
    page.paste(30, (200, 400, 240, 420))  # ink on the paper
    white = ocr_prep.whiten_dark_edges(page)
    assert white.size == page.size
    assert white.getpixel((200, 5)) == 255 and white.getpixel((1, 500)) == 255
    assert white.getpixel((220, 410)) == 30 and white.getpixel((300, 600)) == 235
    clean = Image.new("L", (400, 900), 235)
    assert ocr_prep.whiten_dark_edges(clean) is clean


def test_a_shadow_across_the_paper_is_flattened_and_the_ink_kept():
    page = Image.new("L", (400, 900))
    page.putdata([240 - x * 120 // 400 for _y in range(900) for x in range(400)])  # a shadow
    for x0 in (40, 340):  # a stroke of ink on the bright and on the shaded side
        page.paste(Image.eval(page.crop((x0, 400, x0 + 6, 440)), lambda v: v - 100), (x0, 400))
    flat = ocr_prep.flatten_background(page)
    assert flat.getpixel((20, 100)) >= 240 and flat.getpixel((390, 100)) >= 240
    assert flat.getpixel((43, 420)) < 160 and flat.getpixel((343, 420)) < 160


@pytest.mark.slow
def test_a_receipt_whose_first_reading_failed_is_read_again_from_its_rescued_page(tmp_path):
    from docrouter_desktop.core.extraction import extract

    path = factories.text_image(tmp_path / "r.png", factories.RECEIPT_LINES, size=30)
    with Image.open(path) as img:
        grey = img.convert("L")
    grey.paste(0, (0, 0, grey.width, 24))  # a dark strip along the top
    grey.save(tmp_path / "r.pgm")
    program = tesseract.find_tesseract()
    words = extract._rescue(program, str(tmp_path / "r.pgm"), "eng", ocr_prep.PSM_BLOCK, [])
    text = extract._text_of(words)
    assert ocr_prep.evidence(text, [])[0] == 2  # its date and its total
    with Image.open(tmp_path / "r.pgm") as kept:  # the page left for the header's second look
        assert kept.size == grey.size
