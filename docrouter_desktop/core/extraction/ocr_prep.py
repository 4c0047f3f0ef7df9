"""Image preparation before Tesseract: greyscale, scaling of small images, and the layout mode.

Each step was kept because the accuracy benchmark (bench/accuracy.py) showed it helps; fields
right on the 40 receipt scans, same processors, same run:
no preparation (mode 3) 94/160; block mode 6 for narrow pages 100; mode 6 + scaling to 1600 px
101. Tried and left out: mode 4 instead of 6 (89), scaling to 2200 px (95), stretching the
contrast (lifting grey paper to white: 98 with mode 6 alone, 100 with scaling).
A second reading (mode 3) only of receipts whose first reading shows no date or no total line:
106 -> 108, at the cost of one more Tesseract pass on 5 of 41 narrow pages; counting only dates
whose day and month are in range (OCR reads 09 as 69) as found: 112 -> 113.
Deskewing (the angle with the sharpest projection of ink, within 3 degrees) was tried and left
out: receipts 109 -> 106, scanned invoices 51/67 -> 49, receipt PDFs 26/40 -> 28. Tesseract
copes with the slight skew of these scans on its own.
Also tried on the receipts (118/160 with the same processors) and left out: Tesseract's Sauvola
thresholding (105 before later processor changes, against 113 then), its adaptive Otsu (51), an
unsharp mask (101), a 3 px median filter (106), scaling to 1000 or 1300 px wide (105, 101),
2000 px long side with sharpening (96), ``--dpi 300`` (no change), and a second pass rescaled so
the median word is 28 px high where it is under 22 (116: one date more, three totals fewer) or
32 px (113).
An image-only PDF page is read from its embedded scan at the scan's own pixels instead of a
300 dpi rendering (``extract._page_scan``): receipt PDFs 28/40 -> 30/40 fields right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PIL import Image

# Below this many pixels on the long side, text is too small for Tesseract's best accuracy:
# a till receipt photographed or scanned at low resolution is scaled up to it.
MIN_LONG_SIDE = 1600
MAX_SCALE = 3.0
# Taller than this (height / width), a page is a till receipt: one narrow column of lines,
# which Tesseract reads best as a single block (page segmentation mode 6) rather than by
# looking for columns (mode 3), which splits "TOTAL ... 9.00" into separate blocks.
NARROW_ASPECT = 1.6
PSM_PAGE, PSM_BLOCK = 3, 6


@dataclass(frozen=True)
class PreparedImage:
    image: Image.Image  # greyscale, ready for Tesseract
    scale: float  # prepared pixels per original pixel
    psm: int  # Tesseract page segmentation mode to use


def page_segmentation(width: float, height: float) -> int:
    """Mode 6 (one block of lines) for narrow receipt-like pages, mode 3 (automatic) otherwise."""
    return PSM_BLOCK if width > 0 and height / width >= NARROW_ASPECT else PSM_PAGE


def greyscale(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "P"):
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    return image.convert("L")


def prepare(image: Image.Image) -> PreparedImage:
    """A greyscale copy, scaled up when small, and the layout mode to read it with."""
    grey = greyscale(image)
    scale = 1.0
    long_side = max(grey.size)
    if 0 < long_side < MIN_LONG_SIDE:
        scale = min(MAX_SCALE, MIN_LONG_SIDE / long_side)
        grey = grey.resize(
            (round(grey.width * scale), round(grey.height * scale)), Image.Resampling.LANCZOS
        )
    return PreparedImage(grey, scale, page_segmentation(image.width, image.height))


# A second reading of a receipt, only when the first one lacks what every receipt prints: a date
# and a total with its amount. The reading with more of them (then the higher confidence) wins.
SECOND_PSM = 3
_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})\s?[/.-]\s?(\d{1,2})\s?[/.-]\s?(?:\d{4}|\d{2})(?!\d)")
_OTHER_DATE = re.compile(
    r"\d{4}-\d{2}-\d{2}|\d{1,2}\s?[/ .-]?\s?(?:jan|feb|m[aä]r|apr|ma[iy]|jun|jul|aug|sep|o[ck]t|nov|"
    r"de[cz]|janv|f[ée]v|avr|juil|ao[uû]t|d[ée]c|mrt|mei)[a-zé]*\.?\s?[/ .-]?\s?\d{2,4}",
    re.IGNORECASE,
)


def _has_date(text: str) -> bool:
    """A date a reader could use: day and month in range (OCR turns 09 into 69)."""
    for m in _NUMERIC_DATE.finditer(text):
        a, b = int(m.group(1)), int(m.group(2))
        if (1 <= a <= 31 and 1 <= b <= 12) or (1 <= a <= 12 and 1 <= b <= 31):
            return True
    return bool(_OTHER_DATE.search(text))


_TOTAL_LINE = re.compile(r"(?im)^.*t[o0]t[a4][l1i].*\d[.,]\s?\d{2}\b")


def evidence(text: str, confidences: list[float]) -> tuple[int, float]:
    """How much of a receipt's essentials a reading has: (date + total found, mean confidence)."""
    found = _has_date(text) + bool(_TOTAL_LINE.search(text))
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    return found, mean


def wants_second_reading(psm: int, text: str) -> bool:
    return psm == PSM_BLOCK and evidence(text, [])[0] < 2
