"""Image preparation before OCR: scaling small scans, layout mode, and words mapped back."""

from __future__ import annotations

import pytest
from PIL import Image

from docrouter_desktop.core.extraction import ocr_prep
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
    total = next(w for w in page.words if "12.50" in w[0])
    assert 0 <= total[1] < total[3] <= width and 0 <= total[2] < total[4] <= height


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
