"""Image preparation before Tesseract: greyscale, scaling of small images, contrast, layout mode.

Each step was kept because the accuracy benchmark (bench/accuracy.py) showed it helps on scans
and receipt photos; a step that did not help was left out rather than kept "just in case".
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageOps

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
    """A greyscale copy scaled up when small, with its contrast stretched."""
    grey = greyscale(image)
    scale = 1.0
    long_side = max(grey.size)
    if 0 < long_side < MIN_LONG_SIDE:
        scale = min(MAX_SCALE, MIN_LONG_SIDE / long_side)
        grey = grey.resize(
            (round(grey.width * scale), round(grey.height * scale)), Image.Resampling.LANCZOS
        )
    # Stretch only the light end: a grey paper background becomes white. Clipping the dark end
    # would turn thin strokes into blobs on a mostly white page, where text is under 1%.
    grey = ImageOps.autocontrast(grey, cutoff=(0, 1))
    return PreparedImage(grey, scale, page_segmentation(image.width, image.height))
