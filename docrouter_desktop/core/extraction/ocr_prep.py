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
A second look at a receipt's header band (``header_band``, ``merge_readings``), on narrow pages
and on narrow columns of text on a wide page, where the first reading is unsure of a header word:
receipts 120/160 -> 123/160 (vendor 28 -> 30 with the trade-word repair of the receipt
processor, address 22 -> 23), other sets unchanged; about 18% more Tesseract time on the
receipts (34 of 40 re-read their header), none on full pages. Offline, scaling the band to 32 px
text gained a vendor and an address, 40 px an address; replacing the whole band by the new
reading instead of word by word lost 0-5 vendors, and so did a page-level second reading of the
narrow column cropped and scaled to 22-36 px text (vendor +1, total -1, address -1 at 30 px).
Layout mode 4 instead of 6 on narrow pages, measured again: receipts 103/160 against 119.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PIL import Image, ImageFilter, ImageMath

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
    if image.mode.startswith("I") or image.mode == "F":
        return _deep_to_8bit(image)
    if image.mode in ("RGBA", "LA", "P"):
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    return image.convert("L")


def _deep_to_8bit(image: Image.Image) -> Image.Image:
    """A 16- or 32-bit greyscale image (some scanners save 16-bit PNGs and TIFFs) to 8 bits by
    its own range: a plain conversion clips every value over 255 to white, losing the page."""
    deep = image if image.mode in ("I", "F") else image.convert("I")
    low, high = (float(v) for v in deep.getextrema())  # type: ignore[arg-type]
    if high <= 255 and low >= 0:
        return deep.convert("L")  # 8-bit values stored in a wider type
    span = max(1e-9, high - low)
    return deep.point(lambda v: (v - low) * (255.0 / span)).convert("L")


# --- pages whose reading failed --------------------------------------------------------------
# The scanner's lid or table shows as dark strips along a scan's edges; Tesseract, reading a
# receipt as one block, can lose every line of text beside them (and a shadow across a photo
# does the same). Always whitening them changes readings that were fine (receipts 125 -> 120 of
# 160 fields right, receipts-more +6): they are read again only where the first reading lacks
# a date or a total (``rescue_images``). Strips of rows or columns at
# an edge darker than DARK_EDGE times the page's median are painted white, up to EDGE_REACH of
# the page, and EDGE_MARGIN pixels beyond.
DARK_EDGE = 0.6
EDGE_REACH = 0.1
EDGE_MARGIN = 2


def _median(grey: Image.Image) -> int:
    histogram = grey.histogram()
    half, seen = (grey.width * grey.height) / 2, 0
    for level, count in enumerate(histogram):
        seen += count
        if seen >= half:
            return level
    return 255


def _dark_run(means: list[int], limit: float, reach: int) -> int:
    n = 0
    while n < min(reach, len(means)) and means[n] < limit:
        n += 1
    return n


def whiten_dark_edges(grey: Image.Image) -> Image.Image:
    """``grey`` with dark strips along its edges (the scanner's background) painted white; the
    same image when it has none. The size never changes, so word boxes stay where they were."""
    w, h = grey.size
    if w < 50 or h < 50:
        return grey
    limit = DARK_EDGE * _median(grey)
    rows = list(grey.resize((1, h), Image.Resampling.BOX).tobytes())
    cols = list(grey.resize((w, 1), Image.Resampling.BOX).tobytes())
    top = _dark_run(rows, limit, int(EDGE_REACH * h))
    bottom = _dark_run(rows[::-1], limit, int(EDGE_REACH * h))
    left = _dark_run(cols, limit, int(EDGE_REACH * w))
    right = _dark_run(cols[::-1], limit, int(EDGE_REACH * w))
    if not (top or bottom or left or right):
        return grey
    out = grey.copy()
    m = EDGE_MARGIN
    for box, run in (
        ((0, 0, w, top + m), top),
        ((0, h - bottom - m, w, h), bottom),
        ((0, 0, left + m, h), left),
        ((w - right - m, 0, w, h), right),
    ):
        if run:
            out.paste(255, box)
    return out


def flatten_background(grey: Image.Image) -> Image.Image:
    """``grey`` divided by its paper's brightness (the page with its text taken out by a wide
    maximum filter): a shadow or a grey gradient across a photographed receipt becomes white
    paper, and the text keeps its contrast to the paper around it."""
    w, h = grey.size
    small = grey.resize((max(1, w // 8), max(1, h // 8)), Image.Resampling.BILINEAR)
    paper = small.filter(ImageFilter.MaxFilter(5)).filter(ImageFilter.GaussianBlur(2))
    paper = paper.resize(grey.size, Image.Resampling.BILINEAR)
    return ImageMath.lambda_eval(
        lambda a: a["convert"](a["min"](a["g"] * 255 / a["max"](a["p"], 1), 255), "L"),
        g=grey,
        p=paper,
    )


def rescue_images(grey: Image.Image) -> list[Image.Image]:
    """Other versions of a prepared page to read when its first reading lost what every receipt
    prints: the scan's dark edges whitened, then the paper's shading flattened as well."""
    whitened = whiten_dark_edges(grey)
    out = [whitened] if whitened is not grey else []
    out.append(flatten_background(whitened))
    return out


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


# --- a second look at a receipt's header ------------------------------------------------------
# The shop's name and address are the first lines of a receipt and often its largest or most
# worn print. Where the first reading is unsure of a word there, the header band is read again
# on its own, scaled so its text is HEADER_TEXT_HEIGHT pixels high, and each unsure word takes
# the other reading's text where that reading is clearly more confident and the same length.
HEADER_LINES = 6  # lines of text in the band
HEADER_TEXT_HEIGHT = 32
UNSURE_WORD = 0.75
CLEARER_BY = 0.1


def _solid(word) -> bool:
    return word.conf >= 0.5 and sum(c.isalnum() for c in word.text) >= 3


def header_band(words) -> tuple[int, float] | None:
    """Where a receipt's header band ends (pixels from the top) and the scale to read it at, or
    None when the first reading is sure of every word there."""
    lines: list[list] = []
    for w in words:
        if not lines or lines[-1][0].line != w.line:
            lines.append([])
        lines[-1].append(w)
    solid = [line for line in lines if any(_solid(w) for w in line)]
    if len(solid) < 5:
        return None
    band = solid[:HEADER_LINES]
    cut = max(w.top + w.height for w in band[-1])
    unsure = any(
        w.conf < UNSURE_WORD and sum(c.isalnum() for c in w.text) >= 3
        for line in lines
        for w in line
        if w.top < cut
    )
    heights = sorted(w.height for line in solid[:4] for w in line if len(w.text) >= 3)
    if not unsure or not heights:
        return None
    median = heights[len(heights) // 2]
    scale = min(MAX_SCALE, max(1 / MAX_SCALE, HEADER_TEXT_HEIGHT / median))
    return round(cut + 0.3 * median), scale


def merge_readings(first, second) -> int:
    """Give each unsure word of ``first`` the text of the word of ``second`` (already in the same
    pixels) that covers it, where that word is the same length and clearly more confident.
    Boxes and lines stay the first reading's. Returns how many words changed."""
    changed = 0
    for w in first:
        if w.conf >= UNSURE_WORD:
            continue
        best = None
        for o in second:
            dx = min(w.left + w.width, o.left + o.width) - max(w.left, o.left)
            dy = min(w.top + w.height, o.top + o.height) - max(w.top, o.top)
            if dx > 0.6 * min(w.width, o.width) and dy > 0.5 * min(w.height, o.height):
                if best is None or o.conf > best.conf:
                    best = o
        if best is not None and len(best.text) == len(w.text) and best.conf > w.conf + CLEARER_BY:
            if best.text != w.text:
                changed += 1
            w.text, w.conf = best.text, best.conf
    return changed


NARROW_COLUMN = 0.5  # share of the page's width


def narrow_column(words, width: int) -> bool:
    """Whether a page's text is one narrow column, as a till slip scanned on a big page: its
    words (leaving out the outermost twentieth on each side) span under half its width."""
    solid = [w for w in words if _solid(w)]
    if len(solid) < 8 or width <= 0:
        return False
    lefts = sorted(w.left for w in solid)
    rights = sorted(w.left + w.width for w in solid)
    return rights[-1 - len(rights) // 20] - lefts[len(lefts) // 20] < NARROW_COLUMN * width
